// Many threads calling models through one audited_client: one shared HTTP
// transport (its keep-alive pool), one asynchronous auditor. Every call is
// recorded exactly once with its own usage, and the trail verifies; under
// ThreadSanitizer this also checks the transport and the capture layer for races.

#include <aitrail/capture/audited_client.hpp>

#include <doctest/doctest.h>

#include <aitrail/capture/auditor.hpp>
#include <aitrail/capture/http_transport.hpp>
#include <aitrail/read/verify.hpp>
#include <aitrail/storage/jsonl_files.hpp>
#include <aitrail/storage/jsonl_reader.hpp>
#include <aitrail/storage/jsonl_storage.hpp>

#include "support/emulator_process.hpp"
#include "support/temp_dir.hpp"

#include <atomic>  // atomic
#include <set>     // set
#include <string>  // string
#include <thread>  // thread
#include <vector>  // vector

namespace audited_client_threads_tests {

TEST_SUITE_BEGIN("audited_client_threads");

TEST_CASE("audited_client: 8 threads share one transport and one auditor; every call is recorded once") {
    constexpr int threads = 8;
    constexpr int calls_per_thread = 24;
    aitrail_test::temp_dir dir("client-threads");
    aitrail_test::emulator_process upstream;
    aitrail::http_transport http{{.base_url = upstream.base_url(), .max_idle_connections = 4}};
    std::atomic<int> failures{0};
    {
        aitrail::auditor audit{aitrail::jsonl_storage{dir.path()}};
        aitrail::audited_client messages{http, audit, aitrail::provider_api::anthropic_messages};
        aitrail::audited_client chat{http, audit, aitrail::provider_api::openai_chat};
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t) {
            pool.emplace_back([&, t] {
                for (int i = 0; i < calls_per_thread; ++i) {
                    const std::string tag = "t" + std::to_string(t) + "-" + std::to_string(i);
                    try {
                        if (i % 2 == 0) {
                            const nlohmann::json req = {{"model", "claude-sonnet-4-5"}, {"max_tokens", 32},
                                                        {"messages", {{{"role", "user"}, {"content", tag}}}}};
                            auto r = messages.stream(req, [](std::string_view) {}, {.user = tag, .tags = {tag}});
                            if (r.status != 200) ++failures;
                        } else {
                            const nlohmann::json req = {{"model", "gpt-4o-mini"},
                                                        {"messages", {{{"role", "user"}, {"content", tag}}}}};
                            auto r = chat.create(req, {.user = tag, .tags = {tag}});
                            if (r.status != 200) ++failures;
                        }
                    } catch (const std::exception&) {
                        ++failures;
                    }
                }
            });
        }
        for (auto& th : pool) th.join();
    }
    CHECK(failures == 0);
    CHECK(aitrail::verify_paths({dir.path()}).ok());

    std::set<std::string> seen;
    int records = 0;
    std::vector<std::filesystem::path> files;
    for (const auto& f : aitrail::list_trail_files(dir.path())) files.push_back(f.path);
    aitrail::scan_jsonl_files(files, [&](const aitrail::stored_line& l) {
        const auto e = nlohmann::json::parse(l.text);
        if (e["rec"]["kind"] != "llm.call") return true;
        ++records;
        const auto& rec = e["rec"];
        seen.insert(rec["user"].get<std::string>());
        // Each record carries its own call: the user is the prompt echoed back.
        CHECK(rec["tags"][0] == rec["user"]);
        CHECK(e["content"]["input"]["messages"][0]["content"] == rec["user"]);
        CHECK(rec["meta"]["usage_source"] == "provider");
        CHECK(rec["usage"]["input_tokens"] == 1);
        return true;
    });
    CHECK(records == threads * calls_per_thread);
    CHECK(seen.size() == static_cast<std::size_t>(threads * calls_per_thread));
    CHECK(http.stats().connections_reused > 0);
}

TEST_SUITE_END();

}  // namespace audited_client_threads_tests
