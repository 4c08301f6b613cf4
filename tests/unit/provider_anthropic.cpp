#include <aitrail/capture/providers/anthropic_messages.hpp>

#include <doctest/doctest.h>

#include "support/outcome_checks.hpp"
#include "support/provider_streams.hpp"
#include "support/sse_feed.hpp"

#include <cstddef>  // size_t
#include <cstdint>  // int64_t
#include <map>      // map
#include <string>   // string
#include <utility>  // move

namespace provider_anthropic_tests {

namespace {

using aitrail::anthropic_messages;
using aitrail::usage_source;
using json = nlohmann::json;
using aitrail_test::check_reported;
using aitrail_test::check_usage;
using aitrail_test::run_stream;

using namespace aitrail_test::anthropic_sample;  // tool_stream

/// Index of the event (1-based) that starts the thinking deltas.
constexpr std::size_t first_thinking_event = 4;

/// The counts of tool_stream (and of the docs/pricing.md worked example).
const aitrail::token_usage tool_stream_counts{.input = 3500, .output = 400, .cache_read = 2000, .cache_write = 500};


}  // namespace

TEST_SUITE_BEGIN("provider_anthropic");

TEST_CASE("anthropic: whole response with cache counts (docs/pricing.md worked example)") {
    const auto o = anthropic_messages::read_response(200, R"({
        "id": "msg_01X", "type": "message", "role": "assistant", "model": "claude-sonnet-4-20250514",
        "content": [{"type": "text", "text": "Hi"}], "stop_reason": "end_turn", "stop_sequence": null,
        "usage": {"input_tokens": 1000, "cache_read_input_tokens": 2000, "cache_creation_input_tokens": 500,
                  "output_tokens": 400}})");
    CHECK(o.http_status == 200);
    check_reported(o, {"claude-sonnet-4-20250514", "msg_01X", "end_turn"}, tool_stream_counts);
    CHECK(o.server_tool_use.empty());
    CHECK(o.output["content"][0]["text"] == "Hi");
}

TEST_CASE("anthropic: unreported counts stay unset") {
    SUBCASE("no cache members: input is input_tokens alone") {
        const auto o = anthropic_messages::read_response(200, R"({"usage":{"input_tokens":10,"output_tokens":5}})");
        CHECK(o.usage.input == 10);
        CHECK_FALSE(o.usage.cache_read);
        CHECK_FALSE(o.usage.cache_write);
        CHECK(o.usage.output == 5);
        CHECK(o.source == usage_source::provider);
    }
    SUBCASE("null cache members count as unreported") {
        const auto o = anthropic_messages::read_response(
            200, R"({"usage":{"input_tokens":10,"cache_read_input_tokens":null,"cache_creation_input_tokens":3,"output_tokens":5}})");
        CHECK(o.usage.input == 13);
        CHECK_FALSE(o.usage.cache_read);
        CHECK(o.usage.cache_write == 3);
    }
    SUBCASE("without input_tokens there is no input sum") {
        const auto o = anthropic_messages::read_response(200, R"({"usage":{"cache_read_input_tokens":7,"output_tokens":5}})");
        CHECK_FALSE(o.usage.input);
        CHECK(o.usage.cache_read == 7);
    }
    SUBCASE("no usage at all") {
        const auto o = anthropic_messages::read_response(200, R"({"id":"msg_1","model":"m","content":[]})");
        CHECK(o.usage.empty());
        CHECK(o.source == usage_source::missing);
    }
    SUBCASE("counts of the wrong type are not counts") {
        const auto o = anthropic_messages::read_response(200, R"({"usage":{"input_tokens":"10","output_tokens":5.5}})");
        CHECK(o.usage.empty());
        CHECK(o.source == usage_source::missing);
    }
}

TEST_CASE("anthropic: server tool use counts") {
    const auto o = anthropic_messages::read_response(200, R"({"usage":{"input_tokens":11306,"output_tokens":163,
        "server_tool_use":{"web_search_requests":1,"web_fetch_requests":0,"code_execution_requests":2,"note":"x"}}})");
    CHECK(o.server_tool_use == std::map<std::string, std::int64_t>{
                                   {"code_execution_requests", 2}, {"web_fetch_requests", 0}, {"web_search_requests", 1}});
}

TEST_CASE("anthropic: error bodies of failed calls") {
    const aitrail_test::error_case cases[] = {
        {429, R"({"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"},"request_id":"req_011"})",
         "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"},
        {500, R"({"type":"error","error":{"type":"api_error","message":"Internal server error"}})", "api_error",
         "Internal server error"},
        {529, R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})", "overloaded_error",
         "Overloaded"},
        {400, R"({"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field required"}})",
         "invalid_request_error", "max_tokens: Field required"},
    };
    aitrail_test::check_error_cases<anthropic_messages>(cases);
}

TEST_CASE("anthropic: a non-JSON error body is quoted, at most 200 bytes on a character boundary") {
    const std::string html = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    auto o = anthropic_messages::read_response(502, html);
    REQUIRE(o.error);
    CHECK(o.error->type == "http_502");
    CHECK(o.error->message == html);
    CHECK(o.output == html);

    const std::string long_body = std::string(199, 'x') + "\xC3\xA9" + std::string(300, 'y');
    o = anthropic_messages::read_response(503, long_body);
    CHECK(o.error->type == "http_503");
    CHECK(o.error->message == std::string(199, 'x'));  // the 2-byte character would pass byte 200

    o = anthropic_messages::read_response(502, std::string("bad \xFF byte"));
    CHECK(o.error->message == "bad \xEF\xBF\xBD byte");

    o = anthropic_messages::read_response(500, "");
    CHECK(o.error->type == "http_500");
    CHECK(o.error->message.empty());

    o = anthropic_messages::read_response(404, R"({"detail":"not here"})");  // JSON, but no error object
    CHECK(o.error->type == "http_404");
    CHECK(o.error->message == R"({"detail":"not here"})");
}

TEST_CASE("anthropic: a malformed 200 body is an error, its text the output") {
    const std::string body = R"({"id":"msg_1","model":"claude)";
    const auto o = anthropic_messages::read_response(200, body);
    REQUIRE(o.error);
    CHECK(o.error->type == "malformed_response");
    CHECK(o.error->message.find("not valid JSON at byte") != std::string::npos);
    CHECK(o.output == body);
    CHECK(o.model.empty());
    CHECK(o.source == usage_source::missing);

    const auto arr = anthropic_messages::read_response(200, "[1,2]");
    REQUIRE(arr.error);
    CHECK(arr.error->type == "malformed_response");
    CHECK(arr.output == json::array({1, 2}));
}

TEST_CASE("anthropic: a stream in random chunks assembles the message") {
    for (unsigned seed = 0; seed < 40; ++seed) {
        CAPTURE(seed);
        const auto r = run_stream<anthropic_messages>(tool_stream, seed);
        const auto& o = r.outcome;
        CHECK_FALSE(r.pending);
        CHECK(r.first_content == 1);
        CHECK(r.first_content_at == first_thinking_event);
        check_reported(o, {"claude-sonnet-4-20250514", "msg_01A", "tool_use"}, tool_stream_counts);
        CHECK(o.server_tool_use == std::map<std::string, std::int64_t>{{"web_search_requests", 2}});
        const json want = json::parse(R"({
            "id": "msg_01A", "type": "message", "role": "assistant", "model": "claude-sonnet-4-20250514",
            "content": [
                {"type": "thinking", "thinking": "Check the weather.", "signature": "EqQB"},
                {"type": "text", "text": "Let me look \u00e9that up."},
                {"type": "tool_use", "id": "toolu_01", "name": "get_weather", "input": {"city": "Paris"}}],
            "stop_reason": "tool_use", "stop_sequence": null,
            "usage": {"input_tokens": 1000, "cache_creation_input_tokens": 500, "cache_read_input_tokens": 2000,
                      "output_tokens": 400, "server_tool_use": {"web_search_requests": 2}}})");
        CHECK(o.output == want);
    }
}

TEST_CASE("anthropic: message_delta counts replace earlier ones member by member") {
    const std::string stream =
        "event: message_start\n"
        "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_2\",\"model\":\"claude-haiku-4-5\",\"content\":[],"
        "\"usage\":{\"input_tokens\":656,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":100,\"output_tokens\":26}}}\n\n"
        "event: message_delta\n"
        "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
        "\"usage\":{\"input_tokens\":700,\"cache_creation_input_tokens\":50,\"output_tokens\":74}}\n\n"
        "event: message_stop\n"
        "data: {\"type\":\"message_stop\"}\n\n";
    const auto o = run_stream<anthropic_messages>(stream).outcome;
    CHECK(o.usage.input == 700 + 50 + 100);  // the cache read of message_start stays
    CHECK(o.usage.cache_read == 100);
    CHECK(o.usage.cache_write == 50);
    CHECK(o.usage.output == 74);
    CHECK(o.source == usage_source::provider);
    CHECK(o.stop_reason == "end_turn");
    CHECK(o.output["usage"]["input_tokens"] == 700);
    CHECK(o.output["usage"]["cache_read_input_tokens"] == 100);
}

TEST_CASE("anthropic: a stream cut at every event boundary") {
    const auto cuts = aitrail_test::event_boundaries(tool_stream);
    REQUIRE(cuts.size() == 19);  // 18 events
    for (std::size_t k = 0; k < cuts.size(); ++k) {
        CAPTURE(k);
        const std::string prefix = tool_stream.substr(0, cuts[k]);
        const bool whole = k + 1 == cuts.size();
        for (const bool complete : {false, true}) {
            CAPTURE(complete);
            const auto r = run_stream<anthropic_messages>(prefix, static_cast<unsigned>(k + 1), complete);
            const auto& o = r.outcome;
            CHECK_FALSE(r.pending);
            if (k == 0) {
                CHECK(o.usage.empty());
                CHECK(o.source == usage_source::missing);
                CHECK(o.output.is_null());
            } else if (whole && complete) {
                CHECK(o.source == usage_source::provider);
            } else {
                CHECK(o.source == usage_source::partial);  // message_start's counts
                CHECK(o.response_id == "msg_01A");
                CHECK(o.usage.input == 3500);
                CHECK(o.usage.output == (k >= 17 ? 400 : 1));
            }
            // A body that ended cleanly without message_stop was cut by the server.
            const bool incomplete = complete && !whole;
            CHECK(static_cast<bool>(o.error) == incomplete);
            if (incomplete) CHECK(o.error->type == "incomplete_stream");
            CHECK(r.first_content == (k >= first_thinking_event ? 1 : 0));
        }
    }
}

TEST_CASE("anthropic: a stream cut inside an event keeps what arrived") {
    // Cut in the middle of the tool input: the text is kept, the input is
    // not JSON yet and stays as text.
    const auto at = tool_stream.find("\\\"Paris");
    const auto r = run_stream<anthropic_messages>(tool_stream.substr(0, at), 3, false);
    CHECK(r.pending);
    const auto& content = r.outcome.output["content"];
    REQUIRE(content.size() == 3);
    CHECK(content[1]["text"] == "Let me look \xC3\xA9that up.");
    CHECK(content[2]["input"] == json::object());
    CHECK(content[2]["partial_json"] == "{\"city\": ");
    CHECK(r.outcome.stop_reason.empty());
    CHECK(r.outcome.source == usage_source::partial);
}

TEST_CASE("anthropic: an error event mid-stream") {
    const std::string stream =
        "event: message_start\n"
        "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_3\",\"model\":\"claude-opus-4-1\",\"content\":[],"
        "\"usage\":{\"input_tokens\":20,\"output_tokens\":1}}}\n\n"
        "event: content_block_start\n"
        "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
        "event: content_block_delta\n"
        "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}\n\n"
        "event: error\n"
        "data: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";
    const auto o = run_stream<anthropic_messages>(stream, 5).outcome;
    REQUIRE(o.error);
    CHECK(o.error->type == "overloaded_error");
    CHECK(o.error->message == "Overloaded");
    CHECK(o.source == usage_source::partial);
    CHECK(o.usage.input == 20);
    CHECK(o.output["content"][0]["text"] == "Hel");

    // An error as the only event: it becomes the output.
    const auto only = run_stream<anthropic_messages>(
        "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"boom\"}}\n\n").outcome;
    REQUIRE(only.error);
    CHECK(only.error->type == "api_error");
    CHECK(only.source == usage_source::missing);
    CHECK(only.output["error"]["message"] == "boom");
}

TEST_CASE("anthropic: an event that is not JSON is recorded, and reading goes on") {
    std::string stream = tool_stream;
    const std::string bad = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\n\n";
    stream.insert(aitrail_test::event_boundaries(stream)[9], bad);
    const auto o = run_stream<anthropic_messages>(stream, 11).outcome;
    REQUIRE(o.error);
    CHECK(o.error->type == "malformed_response");
    CHECK(o.error->message.find("'content_block_delta' (#10)") != std::string::npos);
    CHECK(o.stop_reason == "tool_use");
    check_usage(o.usage, tool_stream_counts);
    CHECK(o.source == usage_source::provider);
    CHECK(o.output["content"][2]["input"]["city"] == "Paris");
}

TEST_CASE("anthropic: events of the wrong shape are ignored without a crash") {
    aitrail::anthropic_messages::stream_reader r;
    CHECK_FALSE(r.on_event("message_start", R"({"type":"message_start","message":"no"})"));
    CHECK_FALSE(r.on_event("content_block_start", R"({"type":"content_block_start","index":"0"})"));
    CHECK_FALSE(r.on_event("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":[1]})"));
    CHECK_FALSE(r.on_event("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":7}})"));
    CHECK_FALSE(r.on_event("message_delta", R"({"type":"message_delta","delta":5,"usage":[]})"));
    CHECK_FALSE(r.on_event("message_delta", R"(null)"));
    CHECK_FALSE(r.on_event("weird", R"([1,2,3])"));
    CHECK(r.on_event("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ok"}})"));
    const auto o = std::move(r).finish(true);
    REQUIRE(o.error);
    CHECK(o.error->type == "incomplete_stream");
    CHECK(o.output["content"][0] == json{{"type", "text"}, {"text", "ok"}});
}

TEST_CASE("anthropic: first content is the first event that carries any") {
    SUBCASE("empty text blocks and pings are not content") {
        aitrail::anthropic_messages::stream_reader r;
        CHECK_FALSE(r.on_event("ping", R"({"type":"ping"})"));
        CHECK_FALSE(r.on_event("content_block_start", R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"));
        CHECK_FALSE(r.on_event("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":""}})"));
        CHECK(r.on_event("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"}})"));
        CHECK_FALSE(r.on_event("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"b"}})"));
    }
    SUBCASE("a tool call starts with its name") {
        aitrail::anthropic_messages::stream_reader r;
        CHECK(r.on_event("content_block_start", R"({"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t","name":"f","input":{}}})"));
        CHECK_FALSE(r.on_event("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{}"}})"));
    }
    SUBCASE("redacted thinking is content") {
        aitrail::anthropic_messages::stream_reader r;
        CHECK(r.on_event("content_block_start", R"({"type":"content_block_start","index":0,"content_block":{"type":"redacted_thinking","data":"x"}})"));
    }
}

TEST_SUITE_END();

}  // namespace provider_anthropic_tests
