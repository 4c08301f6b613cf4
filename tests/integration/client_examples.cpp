// Examples 06 (audited_client) and 07 (a plain client through the proxy)
// run as the README runs them, against the provider emulator on loopback.

#include <doctest/doctest.h>

#if defined(AITRAIL_EXAMPLE_06_PATH) && defined(AITRAIL_EXAMPLE_07_PATH)

#include <aitrail/read/verify.hpp>
#include <aitrail/storage/jsonl_files.hpp>
#include <aitrail/storage/jsonl_reader.hpp>

#include <nlohmann/json.hpp>

#include "support/child_process.hpp"
#include "support/emulator_process.hpp"
#include "support/temp_dir.hpp"

#include <cstdlib>  // system
#include <string>   // string
#include <vector>   // vector

namespace client_examples_tests {

namespace {

std::vector<nlohmann::json> calls_in(const std::filesystem::path& trail) {
    std::vector<std::filesystem::path> files;
    for (const auto& f : aitrail::list_trail_files(trail)) files.push_back(f.path);
    std::vector<nlohmann::json> out;
    aitrail::scan_jsonl_files(files, [&](const aitrail::stored_line& l) {
        auto e = nlohmann::json::parse(l.text);
        if (e["rec"]["kind"] == "llm.call") out.push_back(e["rec"]);
        return true;
    });
    return out;
}

}  // namespace

TEST_SUITE_BEGIN("client_examples");

TEST_CASE("examples: 06_audited_client records a whole and a streamed call") {
    aitrail_test::temp_dir dir("example-06");
    aitrail_test::emulator_process upstream;
    const auto trail = dir.path() / "trail";
    const std::string command = "ANTHROPIC_BASE_URL=" + upstream.base_url() + " '" AITRAIL_EXAMPLE_06_PATH "' '" +
                                trail.string() + "' > '" + (dir.path() / "out.txt").string() + "'";
    REQUIRE(std::system(command.c_str()) == 0);
    CHECK(aitrail::verify_paths({trail}).ok());
    const auto calls = calls_in(trail);
    REQUIRE(calls.size() == 2);
    for (const auto& rec : calls) {
        CHECK(rec["user"] == "user_123");
        CHECK(rec["status"] == "ok");
        CHECK(rec["meta"]["usage_source"] == "provider");
        CHECK(rec["usage"]["output_tokens"].get<int>() > 0);
    }
    CHECK(calls[1]["meta"]["stream"] == true);
    CHECK(calls[1]["meta"].contains("ttft_us"));
}

TEST_CASE("examples: 07_through_the_proxy is recorded by the proxy with its user") {
    aitrail_test::temp_dir dir("example-07");
    aitrail_test::emulator_process upstream;
    const auto trail = dir.path() / "proxy-trail";
    aitrail_test::child_process proxy({AITRAIL_TOOL_PATH, "proxy", "--listen", "127.0.0.1:0", "--upstream",
                                       upstream.base_url(), "--trail", trail.string()});
    const std::string command = "'" AITRAIL_EXAMPLE_07_PATH "' " + proxy.base_url() + " > '" +
                                (dir.path() / "out.txt").string() + "'";
    REQUIRE(std::system(command.c_str()) == 0);
    CHECK(proxy.stop() == 0);
    CHECK(aitrail::verify_paths({trail}).ok());
    const auto calls = calls_in(trail);
    REQUIRE(calls.size() == 1);
    CHECK(calls[0]["user"] == "analyst_jane");
    CHECK(calls[0]["tags"] == nlohmann::json{"reporting"});
    CHECK(calls[0]["model"]["name"] == "gpt-4o-mini");
}

TEST_SUITE_END();

}  // namespace client_examples_tests

#endif
