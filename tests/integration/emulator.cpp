// The provider API emulator (tools/emulator) against its own specification:
// response shapes, deterministic usage, event order, HTTP behaviour, TLS and
// shutdown. Its faults are tested in emulator_faults.cpp.
#include <doctest/doctest.h>

#include "support/emulator_process.hpp"
#include "support/http_probe.hpp"
#include "support/shell.hpp"
#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>  // count_if
#include <atomic>     // atomic
#include <chrono>     // steady_clock, seconds
#include <cstdio>     // fread
#include <exception>  // exception
#include <string>     // string
#include <thread>     // thread
#include <utility>    // pair
#include <vector>     // vector

namespace emulator_tests {

namespace {

using namespace aitrail_test;  // emulator_process, http_probe, json_post, plain_get, sse_events
using nlohmann::json;

/// Nine words in the user message: the answer "Echo: " + it has ten.
const std::string question = "what is the capital of France and of Spain";

}  // namespace

TEST_SUITE_BEGIN("emulator");

TEST_CASE("emulator: Anthropic Messages answers in the documented shape with deterministic usage") {
    emulator_process emu;
    http_probe conn(emu.port());
    const json request = {{"model", "claude-emu"},
                          {"max_tokens", 100},
                          {"system", "answer in one word"},
                          {"messages",
                           {{{"role", "user"}, {"content", "first question here"}},
                            {{"role", "assistant"}, {"content", "ok"}},
                            {{"role", "user"}, {"content", {{{"type", "text"}, {"text", question}}}}}}}};
    const auto reply = conn.exchange(json_post("/v1/messages", request.dump(), "anthropic-version: 2023-06-01\r\n"));
    CHECK(reply.status == 200);
    CHECK(reply.header("content-type") == "application/json");
    CHECK_FALSE(reply.header("request-id").empty());
    const json body = json::parse(reply.body);
    CHECK(body["id"].get<std::string>().starts_with("msg_emu_"));
    CHECK(body["type"] == "message");
    CHECK(body["role"] == "assistant");
    CHECK(body["model"] == "claude-emu");
    CHECK(body["content"] == json::parse(R"([{"type":"text","text":"Echo: what is the capital of France and of Spain"}])"));
    CHECK(body["stop_reason"] == "end_turn");
    CHECK(body["stop_sequence"].is_null());
    // 3 + 1 + 9 message words, 4 system words; the answer has 10.
    CHECK(body["usage"]["input_tokens"] == 17);
    CHECK(body["usage"]["output_tokens"] == 10);
    CHECK(body["usage"]["cache_read_input_tokens"] == 0);
    CHECK(body["usage"]["cache_creation_input_tokens"] == 0);
}

TEST_CASE("emulator: Anthropic Messages stream sends the events in order, one chunk each") {
    emulator_process emu;
    http_probe conn(emu.port());
    const json request = {{"model", "claude-emu"}, {"max_tokens", 100}, {"stream", true},
                          {"messages", {{{"role", "user"}, {"content", question}}}}};
    const auto reply = conn.exchange(json_post("/v1/messages", request.dump()));
    CHECK(reply.status == 200);
    CHECK(reply.header("content-type").starts_with("text/event-stream"));
    CHECK(reply.complete);
    const auto events = sse_events(reply.body);
    REQUIRE(events.size() >= 9);
    CHECK(reply.chunks.size() == events.size());  // each event its own chunk
    std::vector<std::string> names;
    std::string text;
    for (const auto& e : events) {
        const json data = json::parse(e.data);
        CHECK(data["type"] == e.name);
        if (names.empty() || names.back() != e.name) names.push_back(e.name);
        if (e.name == "content_block_delta") text += data["delta"]["text"].get<std::string>();
    }
    CHECK(names == std::vector<std::string>{"message_start", "content_block_start", "ping", "content_block_delta",
                                            "content_block_stop", "message_delta", "message_stop"});
    CHECK(text == "Echo: " + question);
    const auto count = [&](const std::string& name) {
        return std::count_if(events.begin(), events.end(), [&](const auto& e) { return e.name == name; });
    };
    CHECK(count("content_block_delta") == 4);  // ten words in pieces of three
    const json start = json::parse(events.front().data)["message"];
    CHECK(start["model"] == "claude-emu");
    CHECK(start["usage"]["input_tokens"] == 9);
    CHECK(start["usage"]["output_tokens"] == 1);
    const json delta = json::parse(events[events.size() - 2].data);
    CHECK(delta["delta"]["stop_reason"] == "end_turn");
    CHECK(delta["usage"]["output_tokens"] == 10);
}

TEST_CASE("emulator: Chat Completions answers in the documented shape") {
    emulator_process emu;
    http_probe conn(emu.port());
    const json request = {{"model", "gpt-emu"},
                          {"messages", {{{"role", "system"}, {"content", "be brief"}}, {{"role", "user"}, {"content", question}}}}};
    const auto reply = conn.exchange(json_post("/openai/v1/chat/completions?api-version=1", request.dump()));
    CHECK(reply.status == 200);
    CHECK_FALSE(reply.header("x-request-id").empty());
    const json body = json::parse(reply.body);
    CHECK(body["id"].get<std::string>().starts_with("chatcmpl-emu"));
    CHECK(body["object"] == "chat.completion");
    CHECK(body["created"].is_number_integer());
    CHECK(body["model"] == "gpt-emu");
    REQUIRE(body["choices"].size() == 1);
    const json& choice = body["choices"][0];
    CHECK(choice["index"] == 0);
    CHECK(choice["message"]["role"] == "assistant");
    CHECK(choice["message"]["content"] == "Echo: " + question);
    CHECK(choice["message"]["refusal"].is_null());
    CHECK(choice["logprobs"].is_null());
    CHECK(choice["finish_reason"] == "stop");
    CHECK(body["usage"]["prompt_tokens"] == 11);
    CHECK(body["usage"]["completion_tokens"] == 10);
    CHECK(body["usage"]["total_tokens"] == 21);
    CHECK(body["usage"]["prompt_tokens_details"]["cached_tokens"] == 0);
    CHECK(body["usage"]["completion_tokens_details"]["reasoning_tokens"] == 0);
}

TEST_CASE("emulator: Chat Completions stream ends with a usage chunk only when asked") {
    emulator_process emu;
    http_probe conn(emu.port());
    for (const bool include_usage : {false, true}) {
        CAPTURE(include_usage);
        json request = {{"model", "gpt-emu"}, {"stream", true}, {"messages", {{{"role", "user"}, {"content", question}}}}};
        if (include_usage) request["stream_options"] = {{"include_usage", true}};
        const auto reply = conn.exchange(json_post("/v1/chat/completions", request.dump()));
        CHECK(reply.status == 200);
        CHECK(reply.complete);
        const auto events = sse_events(reply.body);
        REQUIRE(events.size() >= 4);
        CHECK(events.back().data == "[DONE]");
        const json first = json::parse(events.front().data);
        CHECK(first["object"] == "chat.completion.chunk");
        CHECK(first["choices"][0]["delta"]["role"] == "assistant");
        std::string text;
        std::size_t finish_at = 0;
        for (std::size_t i = 0; i + 1 < events.size(); ++i) {
            const json chunk = json::parse(events[i].data);
            CHECK(chunk["id"] == first["id"]);
            if (chunk["choices"].empty()) continue;
            const json& c = chunk["choices"][0];
            if (c["delta"].contains("content")) text += c["delta"]["content"].get<std::string>();
            if (c["finish_reason"] == "stop") finish_at = i;
        }
        CHECK(text == "Echo: " + question);
        const json last = json::parse(events[events.size() - 2].data);
        if (include_usage) {
            CHECK(finish_at == events.size() - 3);
            CHECK(last["choices"].empty());
            CHECK(last["usage"]["prompt_tokens"] == 9);
            CHECK(last["usage"]["completion_tokens"] == 10);
            CHECK(last["usage"]["total_tokens"] == 19);
        } else {
            CHECK(finish_at == events.size() - 2);
            CHECK_FALSE(last.contains("usage"));
        }
    }
}

TEST_CASE("emulator: Responses answers string and message inputs in the documented shape") {
    emulator_process emu;
    http_probe conn(emu.port());
    const json message_input = {{{"role", "user"}, {"content", {{{"type", "input_text"}, {"text", question}}}}}};
    for (const json& input : {json(question), message_input}) {
        CAPTURE(input);
        const json request = {{"model", "gpt-emu"}, {"input", input}, {"instructions", "two words"}};
        const auto reply = conn.exchange(json_post("/v1/responses", request.dump()));
        CHECK(reply.status == 200);
        const json body = json::parse(reply.body);
        CHECK(body["id"].get<std::string>().starts_with("resp_emu"));
        CHECK(body["object"] == "response");
        CHECK(body["status"] == "completed");
        CHECK(body["model"] == "gpt-emu");
        CHECK(body["instructions"] == "two words");
        REQUIRE(body["output"].size() == 1);
        CHECK(body["output"][0]["type"] == "message");
        CHECK(body["output"][0]["role"] == "assistant");
        CHECK(body["output"][0]["content"] ==
              json::parse(R"([{"type":"output_text","text":"Echo: )" + question + R"(","annotations":[]}])"));
        CHECK(body["usage"] == json::parse(R"({"input_tokens":11,"input_tokens_details":{"cached_tokens":0},
            "output_tokens":10,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":21})"));
    }
}

TEST_CASE("emulator: Responses stream numbers its events and completes with usage") {
    emulator_process emu;
    http_probe conn(emu.port());
    const json request = {{"model", "gpt-emu"}, {"input", question}, {"stream", true}};
    const auto reply = conn.exchange(json_post("/v1/responses", request.dump()));
    CHECK(reply.status == 200);
    CHECK(reply.complete);
    const auto events = sse_events(reply.body);
    std::vector<std::string> names;
    std::string text;
    for (std::size_t i = 0; i < events.size(); ++i) {
        const json data = json::parse(events[i].data);
        CHECK(data["type"] == events[i].name);
        CHECK(data["sequence_number"] == i);
        if (names.empty() || names.back() != events[i].name) names.push_back(events[i].name);
        if (events[i].name == "response.output_text.delta") text += data["delta"].get<std::string>();
    }
    CHECK(names == std::vector<std::string>{"response.created", "response.in_progress", "response.output_item.added",
                                            "response.content_part.added", "response.output_text.delta",
                                            "response.output_text.done", "response.content_part.done",
                                            "response.output_item.done", "response.completed"});
    CHECK(text == "Echo: " + question);
    const json done = json::parse(events.back().data)["response"];
    CHECK(done["status"] == "completed");
    CHECK(done["usage"]["input_tokens"] == 9);
    CHECK(done["usage"]["output_tokens"] == 10);
    CHECK(done["usage"]["total_tokens"] == 19);
    CHECK(done["output"][0]["content"][0]["text"] == "Echo: " + question);
}

TEST_CASE("emulator: answers echo at most 200 code points of the question") {
    emulator_process emu;
    http_probe conn(emu.port());
    std::string long_text;
    for (int i = 0; i < 250; ++i) long_text += "\xC3\xA9";  // é, two bytes each
    const json request = {{"model", "gpt-emu"}, {"input", long_text}};
    const json body = json::parse(conn.exchange(json_post("/v1/responses", request.dump())).body);
    CHECK(body["output"][0]["content"][0]["text"] == "Echo: " + long_text.substr(0, 400));
}

TEST_CASE("emulator: a stream arrives over several reads when events are spaced out") {
    emulator_process emu;
    http_probe conn(emu.port());
    const json request = {{"model", "gpt-emu"}, {"stream", true}, {"messages", {{{"role", "user"}, {"content", question}}}}};
    const auto reply = conn.exchange(json_post("/v1/chat/completions", request.dump(), "x-emulator-fault: slow100\r\n"));
    CHECK(reply.complete);
    CHECK(reply.chunks.size() == sse_events(reply.body).size());
    CHECK(reply.body_reads >= 3);
}

TEST_CASE("emulator: last_request shows what arrived and stats count API requests") {
    emulator_process emu;
    http_probe conn(emu.port());
    CHECK(json::parse(conn.exchange(plain_get("/_emulator/stats")).body) == json{{"requests", 0}});
    CHECK(json::parse(conn.exchange(plain_get("/_emulator/last_request")).body) == json::object());
    const std::string body = R"({"model":"gpt-emu","messages":[{"role":"user","content":"hi"}]})";
    conn.exchange(json_post("/v1/chat/completions?x=1", body, "Authorization: Bearer sk-test\r\nX-Custom: a\r\n"));
    const json last = json::parse(conn.exchange(plain_get("/_emulator/last_request")).body);
    CHECK(last["method"] == "POST");
    CHECK(last["target"] == "/v1/chat/completions?x=1");
    CHECK(last["headers"]["authorization"] == "Bearer sk-test");
    CHECK(last["headers"]["x-custom"] == "a");
    CHECK(last["body"] == body);
    CHECK(json::parse(conn.exchange(plain_get("/_emulator/stats")).body) == json{{"requests", 1}});
}

TEST_CASE("emulator: unknown paths and bad bodies get provider-shaped errors") {
    emulator_process emu;
    http_probe conn(emu.port());
    const auto missing = conn.exchange(json_post("/v1/embeddings", "{}"));
    CHECK(missing.status == 404);
    CHECK(json::parse(missing.body)["error"]["type"] == "invalid_request_error");
    const auto anthropic_missing = conn.exchange(json_post("/v1/complete", "{}", "anthropic-version: 2023-06-01\r\n"));
    CHECK(anthropic_missing.status == 404);
    CHECK(json::parse(anthropic_missing.body)["error"]["type"] == "not_found_error");
    const auto not_json = conn.exchange(json_post("/v1/messages", "{oops"));
    CHECK(not_json.status == 400);
    CHECK(json::parse(not_json.body)["type"] == "error");
    const auto no_max_tokens = conn.exchange(json_post("/v1/messages", R"({"model":"c","messages":[]})"));
    CHECK(no_max_tokens.status == 400);
    CHECK(json::parse(no_max_tokens.body)["error"]["type"] == "invalid_request_error");
}

TEST_CASE("emulator: keep-alive serves several requests on one connection") {
    emulator_process emu;
    http_probe conn(emu.port());
    const std::string body = R"({"model":"gpt-emu","messages":[{"role":"user","content":"hi"}]})";
    const std::string stream_body = R"({"model":"gpt-emu","stream":true,"messages":[{"role":"user","content":"hi"}]})";
    CHECK(conn.exchange(json_post("/v1/chat/completions", body)).status == 200);
    CHECK(conn.exchange(json_post("/v1/chat/completions", stream_body)).complete);
    // Two requests written back to back are answered in order.
    conn.send(json_post("/v1/chat/completions", body) + json_post("/v1/responses", R"({"model":"m","input":"x"})"));
    CHECK(json::parse(conn.read_reply().body)["object"] == "chat.completion");
    CHECK(json::parse(conn.read_reply().body)["object"] == "response");
    const auto last = conn.exchange(json_post("/v1/chat/completions", body, "", false));
    CHECK(last.status == 200);
    CHECK(last.peer_closed);
    http_probe fresh(emu.port());
    CHECK(json::parse(fresh.exchange(plain_get("/_emulator/stats")).body) == json{{"requests", 5}});
}

TEST_CASE("emulator: many concurrent connections are all answered") {
    emulator_process emu;
    std::atomic<int> ok{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 16; ++t)
        clients.emplace_back([&] {
            const std::string body = R"({"model":"m","stream":true,"messages":[{"role":"user","content":"a b c d"}]})";
            try {  // doctest's checks are not for other threads: count and check after
                http_probe conn(emu.port());
                for (int i = 0; i < 5; ++i) {
                    const auto r = conn.exchange(json_post("/v1/chat/completions", body));
                    if (r.status == 200 && r.complete) ++ok;
                }
            } catch (const std::exception&) {
            }
        });
    for (auto& c : clients) c.join();
    CHECK(ok == 80);
}

TEST_CASE("emulator: serves HTTPS with a self-signed certificate") {
    aitrail_test::temp_dir dir("emulator-tls");
    const std::string cert = (dir.path() / "cert.pem").string();
    const std::string key = (dir.path() / "key.pem").string();
    const auto [gen_out, gen_status] = aitrail_test::run_shell("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
                                             "-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout '" + key +
                                             "' -out '" + cert + "' 2>&1");
    INFO(gen_out);
    REQUIRE(gen_status == 0);
    emulator_process emu({"--tls", cert, key});
    const std::string body = R"({"model":"claude-emu","max_tokens":5,"messages":[{"role":"user","content":"over tls"}]})";
    const std::string url = emu.base_url(true) + "/v1/messages";
    // Two URLs in one curl run share one connection when keep-alive works.
    const auto [out, status] = aitrail_test::run_shell("curl -sS --cacert '" + cert + "' -H 'content-type: application/json' -d '" + body +
                                     "' '" + url + "' -w '\\n%{num_connects}\\n' --next --cacert '" + cert + "' -d '" +
                                     body + "' '" + url + "' -w '\\n%{num_connects}\\n' 2>&1");
    INFO(out);
    REQUIRE(status == 0);
    const auto first_line = out.substr(0, out.find('\n'));
    CHECK(json::parse(first_line)["content"][0]["text"] == "Echo: over tls");
    CHECK(out.ends_with("\n0\n"));  // the second transfer made no new connection
    http_probe plain(emu.port());   // plain HTTP to a TLS port: dropped, emulator unharmed
    CHECK_THROWS(plain.exchange(plain_get("/_emulator/stats")));
    CHECK(emu.stop() == 0);
}

TEST_CASE("emulator: SIGTERM ends it promptly with status 0, even with connections open") {
    emulator_process emu;
    http_probe idle(emu.port());
    CHECK(idle.exchange(plain_get("/_emulator/stats")).status == 200);
    http_probe streaming(emu.port());
    // Without the interruption this stream would take minutes; stop() gives up after 20 s.
    const std::string body = R"({"model":"c","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"a b"}]})";
    streaming.send(json_post("/v1/messages", body, "x-emulator-fault: slow60000\r\n"));
    const auto started = std::chrono::steady_clock::now();
    CHECK(emu.stop() == 0);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(15));
}

TEST_SUITE_END();

}  // namespace emulator_tests
