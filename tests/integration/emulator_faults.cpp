// The provider API emulator's injectable faults (tools/emulator): error
// statuses, malformed and cut-off bodies, slowness, once-only faults and
// --latency-ms, each as a client on the wire sees it.
#include <doctest/doctest.h>

#include "support/emulator_process.hpp"
#include "support/http_probe.hpp"

#include <nlohmann/json.hpp>

#include <chrono>  // steady_clock, milliseconds
#include <string>  // string

namespace emulator_faults_tests {

namespace {

using namespace aitrail_test;  // emulator_process, http_probe, json_post, plain_get, sse_events
using nlohmann::json;

/// An Anthropic Messages body for `model`.
std::string anthropic_body(const std::string& model, bool stream = false) {
    return json{{"model", model}, {"max_tokens", 50}, {"stream", stream},
                {"messages", {{{"role", "user"}, {"content", "one two three four five six seven"}}}}}
        .dump();
}

/// A Chat Completions body for `model`.
std::string chat_body(const std::string& model, bool stream = false) {
    return json{{"model", model}, {"stream", stream},
                {"messages", {{{"role", "user"}, {"content", "one two three four five six seven"}}}}}
        .dump();
}

/// The x-emulator-fault header line.
std::string fault(const std::string& spec) { return "x-emulator-fault: " + spec + "\r\n"; }

/// Milliseconds since `start`.
long long elapsed_ms(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_SUITE_BEGIN("emulator_faults");

TEST_CASE("emulator fault: 429 in each provider's shape, from the header or the model name") {
    emulator_process emu;
    http_probe conn(emu.port());
    const auto anthropic = conn.exchange(json_post("/v1/messages", anthropic_body("claude-emu"), fault("429")));
    CHECK(anthropic.status == 429);
    CHECK(anthropic.header("retry-after") == "0");
    const json a = json::parse(anthropic.body);
    CHECK(a["type"] == "error");
    CHECK(a["error"]["type"] == "rate_limit_error");
    CHECK(a["error"]["message"].is_string());

    for (const auto& path : {"/v1/chat/completions", "/v1/responses"}) {
        CAPTURE(path);
        const std::string body = std::string(path) == "/v1/responses"
                                     ? R"({"model":"gpt-emu-fault-429","input":"hi"})"
                                     : chat_body("gpt-emu-fault-429");
        const auto openai = conn.exchange(json_post(path, body));
        CHECK(openai.status == 429);
        CHECK(openai.header("retry-after") == "0");
        const json o = json::parse(openai.body)["error"];
        CHECK(o["type"] == "requests");
        CHECK(o["code"] == "rate_limit_exceeded");
        CHECK(o["param"].is_null());
        CHECK(o["message"].get<std::string>().find("gpt-emu-fault-429") != std::string::npos);
    }
}

TEST_CASE("emulator fault: 500 and 529 carry the providers' server error types") {
    emulator_process emu;
    http_probe conn(emu.port());
    const auto a500 = conn.exchange(json_post("/v1/messages", anthropic_body("claude-emu-fault-500")));
    CHECK(a500.status == 500);
    CHECK(json::parse(a500.body)["error"]["type"] == "api_error");
    const auto a529 = conn.exchange(json_post("/v1/messages", anthropic_body("claude-emu"), fault("529")));
    CHECK(a529.status == 529);
    CHECK(json::parse(a529.body)["error"]["type"] == "overloaded_error");
    const auto o500 = conn.exchange(json_post("/v1/chat/completions", chat_body("gpt-emu"), fault("500")));
    CHECK(o500.status == 500);
    CHECK(json::parse(o500.body)["error"]["type"] == "server_error");
    // Errors keep the connection usable, as the real APIs do.
    CHECK(conn.exchange(json_post("/v1/chat/completions", chat_body("gpt-emu"))).status == 200);
}

TEST_CASE("emulator fault: malformed cuts a body's JSON, or slips one non-JSON event into a stream") {
    emulator_process emu;
    http_probe conn(emu.port());
    const auto whole = conn.exchange(json_post("/v1/chat/completions", chat_body("gpt-emu"), fault("malformed")));
    CHECK(whole.status == 200);
    CHECK(whole.complete);
    CHECK_FALSE(whole.body.empty());
    CHECK(json::parse(whole.body, nullptr, false).is_discarded());

    const auto stream = conn.exchange(json_post("/v1/messages", anthropic_body("claude-emu-fault-malformed", true)));
    CHECK(stream.status == 200);
    CHECK(stream.complete);
    const auto events = sse_events(stream.body);
    int bad = 0;
    for (const auto& e : events) bad += json::parse(e.data, nullptr, false).is_discarded() ? 1 : 0;
    CHECK(bad == 1);
    REQUIRE_FALSE(events.empty());
    CHECK(events.back().name == "message_stop");  // the stream carried on after it
}

TEST_CASE("emulator fault: cutoff drops the connection before a stream or body is complete") {
    emulator_process emu;
    {
        http_probe conn(emu.port());
        const std::string body = R"({"model":"gpt-emu","stream":true,"input":"a b c d e f g h"})";
        const auto stream = conn.exchange(json_post("/v1/responses", body, fault("cutoff")));
        CHECK(stream.status == 200);
        CHECK_FALSE(stream.complete);
        CHECK(stream.peer_closed);
        const auto events = sse_events(stream.body);
        REQUIRE_FALSE(events.empty());
        CHECK(events.back().name == "response.output_text.delta");
        CHECK(stream.body.find("response.completed") == std::string::npos);
    }
    {
        http_probe conn(emu.port());
        const auto whole = conn.exchange(json_post("/v1/messages", anthropic_body("claude-emu-fault-cutoff")));
        CHECK(whole.status == 200);
        CHECK_FALSE(whole.complete);
        CHECK(whole.peer_closed);
        CHECK(whole.body.size() < std::stoul(whole.header("content-length")));
    }
    // The emulator itself is fine afterwards.
    http_probe after(emu.port());
    CHECK(after.exchange(json_post("/v1/messages", anthropic_body("claude-emu"))).status == 200);
}

TEST_CASE("emulator fault: slow delays the head and spaces out stream events") {
    emulator_process emu;
    http_probe conn(emu.port());
    auto start = std::chrono::steady_clock::now();
    CHECK(conn.exchange(json_post("/v1/chat/completions", chat_body("gpt-emu"), fault("slow300"))).status == 200);
    CHECK(elapsed_ms(start) >= 300);

    start = std::chrono::steady_clock::now();
    const auto stream = conn.exchange(json_post("/v1/chat/completions", chat_body("gpt-emu-fault-slow100", true)));
    CHECK(stream.complete);
    const auto events = sse_events(stream.body);
    // Once before the head, then between every pair of events.
    CHECK(elapsed_ms(start) >= 100 * static_cast<long long>(events.size()));
    CHECK(stream.body_reads >= 3);
}

TEST_CASE("emulator fault: once-<spec> fails only the first request carrying that spec") {
    emulator_process emu;
    http_probe conn(emu.port());
    CHECK(conn.exchange(json_post("/v1/chat/completions", chat_body("gpt-emu"), fault("once-429"))).status == 429);
    CHECK(conn.exchange(json_post("/v1/chat/completions", chat_body("gpt-emu"), fault("once-429"))).status == 200);
    CHECK(conn.exchange(json_post("/v1/chat/completions", chat_body("gpt-emu-fault-once-429"))).status == 200);
    // Another spec has its own first time.
    CHECK(conn.exchange(json_post("/v1/messages", anthropic_body("claude-emu-fault-once-500"))).status == 500);
    CHECK(conn.exchange(json_post("/v1/messages", anthropic_body("claude-emu-fault-once-500"))).status == 200);
    CHECK(json::parse(conn.exchange(plain_get("/_emulator/stats")).body)["requests"] == 5);
}

TEST_CASE("emulator fault: several specs combine, unknown ones are a 400") {
    emulator_process emu;
    http_probe conn(emu.port());
    const auto start = std::chrono::steady_clock::now();
    const auto combined = conn.exchange(json_post("/v1/chat/completions", chat_body("gpt-emu"), fault("slow200, 503")));
    CHECK(combined.status == 503);
    CHECK(elapsed_ms(start) >= 200);
    const auto unknown = conn.exchange(json_post("/v1/chat/completions", chat_body("gpt-emu"), fault("explode")));
    CHECK(unknown.status == 400);
    CHECK(json::parse(unknown.body)["error"]["message"].get<std::string>().find("explode") != std::string::npos);
}

TEST_CASE("emulator fault: --latency-ms delays every API response") {
    emulator_process emu({"--latency-ms", "250"});
    http_probe conn(emu.port());
    const auto start = std::chrono::steady_clock::now();
    CHECK(conn.exchange(json_post("/v1/messages", anthropic_body("claude-emu"))).status == 200);
    CHECK(elapsed_ms(start) >= 250);
}

TEST_SUITE_END();

}  // namespace emulator_faults_tests
