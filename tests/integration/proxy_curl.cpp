// The auditing proxy end to end, with curl as the application: requests
// and answers pass through unchanged (streams as they arrive), and the
// trail holds the right user, usage, TTFT and errors, and verifies.

#include <doctest/doctest.h>

#include <aitrail/read/verify.hpp>
#include <aitrail/storage/jsonl_files.hpp>
#include <aitrail/storage/jsonl_reader.hpp>

#include <nlohmann/json.hpp>

#include "support/child_process.hpp"
#include "support/emulator_process.hpp"
#include "support/shell.hpp"
#include "support/temp_dir.hpp"

#include <cstdio>      // sscanf
#include <fstream>     // ofstream
#include <map>         // map
#include <string>      // string
#include <vector>      // vector

namespace proxy_curl_tests {

namespace {

using json = nlohmann::json;

/// Runs curl with `args` (shell-quoted by the caller); stdout is captured.
aitrail_test::shell_result curl(const std::string& args) {
    return aitrail_test::run_shell("curl -sS --max-time 60 " + args + " 2>/dev/null");
}

/// A JSON POST through curl; `headers` are extra -H values.
aitrail_test::shell_result post(const std::string& url, const json& body, const std::vector<std::string>& headers = {},
                 const std::string& extra = "") {
    std::string args = "-N -X POST '" + url + "' -H 'content-type: application/json'";
    for (const auto& h : headers) args += " -H '" + h + "'";
    args += " --data-binary '" + body.dump() + "' " + extra;
    return curl(args);
}

/// The trail's records, by their first tag.
std::map<std::string, json> records_by_tag(const std::filesystem::path& dir) {
    std::map<std::string, json> out;
    std::vector<std::filesystem::path> files;
    for (const auto& f : aitrail::list_trail_files(dir)) files.push_back(f.path);
    aitrail::scan_jsonl_files(files, [&](const aitrail::stored_line& l) {
        json e = json::parse(l.text);
        if (e["rec"].contains("tags") && !e["rec"]["tags"].empty()) out[e["rec"]["tags"][0].get<std::string>()] = e;
        return true;
    });
    return out;
}

const json chat_request = {{"model", "gpt-4o-mini"},
                           {"messages", {{{"role", "user"}, {"content", "Say hello to the proxy"}}}}};
const json messages_request = {{"model", "claude-sonnet-4-5"},
                               {"max_tokens", 128},
                               {"messages", {{{"role", "user"}, {"content", "Tell me a short story please"}}}}};

}  // namespace

TEST_SUITE_BEGIN("proxy_curl");

TEST_CASE("proxy: curl through the proxy gets the provider's answers and the trail records every call") {
    aitrail_test::temp_dir dir("proxy-curl");
    const auto trail = dir.path() / "trail";
    const auto key_file = dir.path() / "fingerprint.key";
    std::ofstream(key_file) << std::string(64, 'a') << "\n";

    aitrail_test::emulator_process upstream;
    aitrail_test::child_process proxy({AITRAIL_TOOL_PATH, "proxy", "--listen", "127.0.0.1:0", "--upstream",
                                       upstream.base_url(), "--trail", trail.string(), "--fingerprint-key-file",
                                       key_file.string()});
    const std::string base = proxy.base_url();
    const std::string auth = "authorization: Bearer sk-test-proxy-secret-0001";

    // 1. Non-streaming chat: the body is the upstream's; aitrail headers do not travel on.
    const auto chat = post(base + "/v1/chat/completions", chat_request,
                           {auth, "x-aitrail-user: alice", "x-aitrail-tags: chat, team-a"});
    REQUIRE(chat.exit_code == 0);
    const json chat_answer = json::parse(chat.out);
    CHECK(chat_answer["object"] == "chat.completion");
    CHECK(chat_answer["choices"][0]["message"]["content"] == "Echo: Say hello to the proxy");
    const json forwarded = json::parse(curl("'" + upstream.base_url() + "/_emulator/last_request'").out);
    CHECK(forwarded["headers"]["authorization"] == "Bearer sk-test-proxy-secret-0001");
    CHECK_FALSE(forwarded["headers"].contains("x-aitrail-user"));
    CHECK_FALSE(forwarded["headers"].contains("x-aitrail-tags"));
    CHECK(json::parse(forwarded["body"].get<std::string>()) == chat_request);

    // 2. An Anthropic stream, curl -N: every event arrives, in order.
    json stream_request = messages_request;
    stream_request["stream"] = true;
    const auto stream = post(base + "/v1/messages", stream_request,
                             {"x-api-key: sk-ant-proxy-secret-0002", "x-aitrail-tags: messages-stream"});
    REQUIRE(stream.exit_code == 0);
    CHECK(stream.out.find("event: message_start") < stream.out.find("event: content_block_delta"));
    CHECK(stream.out.find("event: message_stop") != std::string::npos);

    // 3. A chat stream that did not ask for usage: forwarded unchanged, usage "missing".
    json chat_stream = chat_request;
    chat_stream["stream"] = true;
    const auto no_usage = post(base + "/v1/chat/completions", chat_stream, {auth, "x-aitrail-tags: chat-stream-no-usage"});
    CHECK(no_usage.out.find("data: [DONE]") != std::string::npos);

    // 4. A rate limit: the client sees the 429 and its body; the trail the error.
    const auto limited = post(base + "/v1/messages", messages_request,
                              {"x-api-key: sk-ant-proxy-secret-0002", "x-emulator-fault: 429", "x-aitrail-tags: rate-limited"},
                              "-w '\\n%{http_code}'");
    CHECK(limited.out.ends_with("\n429"));
    CHECK(limited.out.find("rate_limit_error") != std::string::npos);

    // 5. A stream the upstream cuts off: the client sees it cut off too.
    const auto cut = post(base + "/v1/messages", stream_request,
                          {"x-api-key: sk-ant-proxy-secret-0002", "x-emulator-fault: cutoff", "x-aitrail-tags: cut-off"});
    CHECK(cut.exit_code != 0);
    CHECK(cut.out.find("event: message_stop") == std::string::npos);

    // 6. Streams are relayed as they arrive, not after the whole answer.
    const auto timed = post(base + "/v1/messages", stream_request,
                            {"x-api-key: sk-ant-proxy-secret-0002", "x-emulator-fault: slow300", "x-aitrail-tags: slow-stream"},
                            "-o /dev/null -w '%{time_starttransfer} %{time_total}'");
    double first_byte = 0, total = 0;
    REQUIRE(std::sscanf(timed.out.c_str(), "%lf %lf", &first_byte, &total) == 2);
    CHECK(total > 1.0);
    CHECK(first_byte < total / 2);

    // 7. Users without a user header are grouped by a keyed fingerprint of their key.
    for (const char* tag : {"fp-a1", "fp-a2"})
        post(base + "/v1/chat/completions", chat_request, {auth, std::string("x-aitrail-tags: ") + tag});
    post(base + "/v1/chat/completions", chat_request,
         {"authorization: Bearer sk-test-someone-else", "x-aitrail-tags: fp-b"});

    // 8. Concurrent clients.
    std::string many = "for i in $(seq 1 12); do curl -sS --max-time 60 -o /dev/null -X POST '" + base +
                       "/v1/responses' -H 'content-type: application/json' -H 'x-aitrail-tags: concurrent' "
                       "--data-binary '{\"model\":\"gpt-5.4\",\"input\":\"hi there\"}' & done; wait";
    CHECK(std::system(many.c_str()) == 0);

    // SIGTERM: the proxy finishes, flushes and exits 0.
    CHECK(proxy.stop() == 0);
    const auto report = aitrail::verify_paths({trail});
    CHECK(report.ok());

    const auto recs = records_by_tag(trail);
    {
        const json& e = recs.at("chat");
        const json& rec = e["rec"];
        CHECK(rec["user"] == "alice");
        CHECK(rec["tags"] == json{"chat", "team-a"});
        CHECK(rec["action"] == "chat.completions.create");
        CHECK(rec["model"]["provider"] == "openai");
        CHECK(rec["status"] == "ok");
        CHECK(rec["usage"]["input_tokens"] == 5);   // the emulator counts words: "Say hello to the proxy"
        CHECK(rec["usage"]["output_tokens"] == 6);  // "Echo: Say hello to the proxy"
        CHECK(rec["meta"]["usage_source"] == "provider");
        CHECK(rec["meta"]["via"] == "proxy");
        CHECK(rec["cost"].contains("pricing"));
        CHECK(e["content"]["output"] == chat_answer);
    }
    {
        const json& rec = recs.at("messages-stream")["rec"];
        CHECK(rec["status"] == "ok");
        CHECK(rec["meta"]["stream"] == true);
        CHECK(rec["meta"]["usage_source"] == "provider");
        CHECK(rec["meta"]["ttft_us"].is_number_integer());
        CHECK(rec["usage"]["input_tokens"] == 6);
        CHECK(rec["stop_reason"] == "end_turn");
    }
    CHECK(recs.at("chat-stream-no-usage")["rec"]["meta"]["usage_source"] == "missing");
    CHECK_FALSE(recs.at("chat-stream-no-usage")["rec"].contains("usage"));
    {
        const json& rec = recs.at("rate-limited")["rec"];
        CHECK(rec["status"] == "error");
        CHECK(rec["error"]["type"] == "rate_limit_error");
        CHECK(rec["meta"]["http_status"] == 429);
    }
    {
        const json& rec = recs.at("cut-off")["rec"];
        CHECK(rec["status"] == "error");
        CHECK(rec["error"]["type"] == "transport.cut_off");
        CHECK(rec["meta"]["usage_source"] == "partial");
        CHECK(rec["usage"]["input_tokens"] == 6);
    }
    const std::string fp_a = recs.at("fp-a1")["rec"]["user"];
    CHECK(fp_a.starts_with("key:"));
    CHECK(recs.at("fp-a2")["rec"]["user"] == fp_a);
    CHECK(recs.at("fp-b")["rec"]["user"] != fp_a);

    std::size_t concurrent = 0;
    std::vector<std::filesystem::path> files;
    for (const auto& f : aitrail::list_trail_files(trail)) files.push_back(f.path);
    aitrail::scan_jsonl_files(files, [&](const aitrail::stored_line& l) {
        // No API key, in any form, reaches the trail.
        CHECK(l.text.find("proxy-secret") == std::string_view::npos);
        CHECK(l.text.find("someone-else") == std::string_view::npos);
        if (l.text.find("\"concurrent\"") != std::string_view::npos) ++concurrent;
        return true;
    });
    CHECK(concurrent == 12);
}

TEST_SUITE_END();

}  // namespace proxy_curl_tests
