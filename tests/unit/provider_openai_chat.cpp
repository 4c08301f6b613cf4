#include <aitrail/capture/providers/openai_chat.hpp>

#include <doctest/doctest.h>

#include "support/outcome_checks.hpp"
#include "support/provider_streams.hpp"
#include "support/sse_feed.hpp"

#include <cstddef>  // size_t
#include <string>   // string
#include <utility>  // move

namespace provider_openai_chat_tests {

namespace {

using aitrail::openai_chat;
using aitrail::usage_source;
using json = nlohmann::json;
using aitrail_test::check_reported;
using aitrail_test::run_stream;

using namespace aitrail_test::openai_chat_sample;  // chunk, usage_stream, plain_stream

/// The counts of usage_stream (and of the whole response with the same usage).
const aitrail::token_usage usage_stream_counts{.input = 1200, .output = 800, .reasoning = 512, .cache_read = 1024};

}  // namespace

TEST_SUITE_BEGIN("provider_openai_chat");

TEST_CASE("openai_chat: whole response with cached and reasoning tokens") {
    const auto o = openai_chat::read_response(200, R"({
        "id": "chatcmpl-B9M", "object": "chat.completion", "created": 1741569952, "model": "o4-mini-2025-04-16",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello!", "refusal": null},
                     "logprobs": null, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1200, "completion_tokens": 800, "total_tokens": 2000,
                  "prompt_tokens_details": {"cached_tokens": 1024, "audio_tokens": 0},
                  "completion_tokens_details": {"reasoning_tokens": 512}}})");
    CHECK(o.http_status == 200);
    check_reported(o, {"o4-mini-2025-04-16", "chatcmpl-B9M", "stop"}, usage_stream_counts);
    CHECK(o.output["choices"][0]["message"]["content"] == "Hello!");
}

TEST_CASE("openai_chat: unreported breakdowns stay unset") {
    const auto o = openai_chat::read_response(
        200, R"({"id":"c","model":"gpt-4o","choices":[{"index":0,"finish_reason":"length"}],"usage":{"prompt_tokens":14,"completion_tokens":37}})");
    CHECK(o.usage.input == 14);
    CHECK(o.usage.output == 37);
    CHECK_FALSE(o.usage.cache_read);
    CHECK_FALSE(o.usage.reasoning);
    CHECK(o.stop_reason == "length");

    const auto none = openai_chat::read_response(200, R"({"id":"c","choices":[]})");
    CHECK(none.usage.empty());
    CHECK(none.source == usage_source::missing);
    CHECK(none.stop_reason.empty());
}

TEST_CASE("openai_chat: error bodies of failed calls") {
    const aitrail_test::error_case cases[] = {
        {429, R"({"error":{"message":"Rate limit reached for gpt-4o in organization org-x on tokens per min (TPM): Limit 30000, Used 29000, Requested 2000.","type":"tokens","param":null,"code":"rate_limit_exceeded"}})",
         "tokens", "Rate limit reached for gpt-4o in organization org-x on tokens per min (TPM): Limit 30000, Used 29000, Requested 2000."},
        {429, R"({"error":{"message":"You exceeded your current quota.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}})",
         "insufficient_quota", "You exceeded your current quota."},
        {500, R"({"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}})",
         "server_error", "The server had an error while processing your request. Sorry about that!"},
        {401, R"({"error":{"message":"Incorrect API key provided.","type":null,"param":null,"code":"invalid_api_key"}})",
         "invalid_api_key", "Incorrect API key provided."},
        {503, R"({"error":{"message":"Service unavailable"}})", "http_503", "Service unavailable"},
        {502, "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n</html>\r\n", "http_502",
         "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n</html>\r\n"},
    };
    aitrail_test::check_error_cases<openai_chat>(cases);
}

TEST_CASE("openai_chat: non-JSON and odd error bodies") {
    auto o = openai_chat::read_response(502, R"({"error":"Bad gateway"})");  // some proxies
    CHECK(o.error->type == "http_502");
    CHECK(o.error->message == "Bad gateway");

    o = openai_chat::read_response(500, std::string(1000, 'e'));
    CHECK(o.error->message == std::string(200, 'e'));

    // A 4-byte character straddling byte 200 is left out whole.
    o = openai_chat::read_response(500, std::string(198, 'e') + "\xF0\x9F\x98\x80" + "tail");
    CHECK(o.error->message == std::string(198, 'e'));
}

TEST_CASE("openai_chat: a malformed 200 body") {
    const auto o = openai_chat::read_response(200, "data: {\"id\":\"chatcmpl\"}\n\n");  // a stream where a body was expected
    REQUIRE(o.error);
    CHECK(o.error->type == "malformed_response");
    CHECK(o.error->message.find("byte") != std::string::npos);
    CHECK(o.output == "data: {\"id\":\"chatcmpl\"}\n\n");
    CHECK(o.source == usage_source::missing);

    const auto empty = openai_chat::read_response(200, "");
    REQUIRE(empty.error);
    CHECK(empty.error->type == "malformed_response");
}

TEST_CASE("openai_chat: a stream with include_usage, in random chunks") {
    for (unsigned seed = 0; seed < 40; ++seed) {
        CAPTURE(seed);
        const auto r = run_stream<openai_chat>(usage_stream, seed);
        const auto& o = r.outcome;
        CHECK(r.events == 9);
        CHECK(r.first_content == 1);
        CHECK(r.first_content_at == 2);  // the first chunk's content is ""
        check_reported(o, {"gpt-4o-2024-08-06", "chatcmpl-9x", "tool_calls"}, usage_stream_counts);
        const json want = json::parse(R"({
            "id": "chatcmpl-9x", "object": "chat.completion", "created": 1727346169, "model": "gpt-4o-2024-08-06",
            "system_fingerprint": "fp_50",
            "choices": [{"index": 0, "finish_reason": "tool_calls",
                         "message": {"role": "assistant", "content": "Checking caf\u00e9s.", "refusal": null,
                                     "tool_calls": [{"id": "call_1", "type": "function",
                                                     "function": {"name": "find", "arguments": "{\"q\":\"cafe\"}"}}]}}],
            "usage": {"prompt_tokens": 1200, "completion_tokens": 800, "total_tokens": 2000,
                      "prompt_tokens_details": {"cached_tokens": 1024, "audio_tokens": 0},
                      "completion_tokens_details": {"reasoning_tokens": 512, "audio_tokens": 0}}})");
        CHECK(o.output == want);
    }
}

TEST_CASE("openai_chat: a stream without include_usage has no counts") {
    const auto o = run_stream<openai_chat>(plain_stream, 7).outcome;
    CHECK(o.usage.empty());
    CHECK(o.source == usage_source::missing);
    CHECK(o.stop_reason == "stop");
    CHECK_FALSE(o.error);
    CHECK(o.output["choices"][0]["message"]["content"] == "Hi");
    CHECK_FALSE(o.output.contains("usage"));
}

TEST_CASE("openai_chat: a stream cut at every event boundary") {
    const auto cuts = aitrail_test::event_boundaries(usage_stream);
    REQUIRE(cuts.size() == 10);
    for (std::size_t k = 0; k < cuts.size(); ++k) {
        CAPTURE(k);
        const std::string prefix = usage_stream.substr(0, cuts[k]);
        for (const bool complete : {false, true}) {
            CAPTURE(complete);
            const auto r = run_stream<openai_chat>(prefix, static_cast<unsigned>(k + 3), complete);
            const auto& o = r.outcome;
            if (k == 9 && complete) CHECK(o.source == usage_source::provider);
            else if (k >= 8) CHECK(o.source == usage_source::partial);  // the usage chunk arrived, [DONE] did not
            else CHECK(o.source == usage_source::missing);
            CHECK(o.usage.empty() == (k < 8));
            // Ended cleanly before [DONE] and before the finish reason: cut by the server.
            CHECK(static_cast<bool>(o.error) == (complete && k < 7));
            if (o.error) CHECK(o.error->type == "incomplete_stream");
            CHECK(r.first_content == (k >= 2 ? 1 : 0));
            if (k == 0) CHECK(o.output.is_null());
            if (k == 5) CHECK(o.output["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"] == "{\"q\":");
            if (k >= 6) CHECK(o.output["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"] == "{\"q\":\"cafe\"}");
        }
    }
}

TEST_CASE("openai_chat: an error object in a stream") {
    const std::string stream =
        chunk(R"([{"index":0,"delta":{"role":"assistant","content":"Par"},"finish_reason":null}])") +
        "data: {\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n";
    const auto o = run_stream<openai_chat>(stream, 2, false).outcome;
    REQUIRE(o.error);
    CHECK(o.error->type == "server_error");
    CHECK(o.error->message == "The server had an error while processing your request.");
    CHECK(o.output["choices"][0]["message"]["content"] == "Par");
    CHECK(o.source == usage_source::missing);

    const auto only = run_stream<openai_chat>(
        "event: error\ndata: {\"error\":{\"message\":\"overloaded\",\"type\":null,\"code\":\"server_overloaded\"}}\n\n").outcome;
    REQUIRE(only.error);
    CHECK(only.error->type == "server_overloaded");
    CHECK(only.output["error"]["code"] == "server_overloaded");
}

TEST_CASE("openai_chat: a chunk that is not JSON is recorded, and reading goes on") {
    std::string stream = usage_stream;
    stream.insert(aitrail_test::event_boundaries(stream)[3], "data: {\"id\":\"chatcmpl-9x\",\"choices\":[{\"delta\n\n");
    const auto o = run_stream<openai_chat>(stream, 9).outcome;
    REQUIRE(o.error);
    CHECK(o.error->type == "malformed_response");
    CHECK(o.error->message.find("'message' (#4)") != std::string::npos);
    CHECK(o.usage.input == 1200);
    CHECK(o.source == usage_source::provider);
    CHECK(o.stop_reason == "tool_calls");
}

TEST_CASE("openai_chat: several choices and refusals") {
    const std::string stream =
        chunk(R"([{"index":1,"delta":{"role":"assistant","content":"B"},"finish_reason":null},)"
              R"({"index":0,"delta":{"role":"assistant","refusal":"I can"},"finish_reason":null}])") +
        chunk(R"([{"index":0,"delta":{"refusal":"not help."},"finish_reason":"stop"},)"
              R"({"index":1,"delta":{},"finish_reason":"length"}])") +
        "data: [DONE]\n\n";
    const auto r = run_stream<openai_chat>(stream, 4);
    CHECK(r.first_content == 1);
    CHECK(r.first_content_at == 1);
    const auto& o = r.outcome;
    CHECK(o.stop_reason == "stop");  // choice 0's
    const auto& choices = o.output["choices"];
    REQUIRE(choices.size() == 2);
    CHECK(choices[0]["message"]["refusal"] == "I cannot help.");
    CHECK(choices[0]["message"]["content"].is_null());
    CHECK(choices[1]["message"]["content"] == "B");
    CHECK(choices[1]["finish_reason"] == "length");
}

TEST_CASE("openai_chat: first content detection") {
    openai_chat::stream_reader r;
    CHECK_FALSE(r.on_event("message", R"({"id":"x","choices":[],"prompt_filter_results":[]})"));
    CHECK_FALSE(r.on_event("message", R"({"id":"x","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]})"));
    CHECK_FALSE(r.on_event("message", R"({"id":"x","choices":[{"index":0,"delta":{"content":null}}]})"));
    CHECK(r.on_event("message", R"({"id":"x","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":""}}]}}]})"));
    CHECK_FALSE(r.on_event("message", R"({"id":"x","choices":[{"index":0,"delta":{"content":"more"}}]})"));
    CHECK_FALSE(r.on_event("message", "[DONE]"));

    openai_chat::stream_reader reasoning;
    CHECK(reasoning.on_event("message", R"({"choices":[{"index":0,"delta":{"reasoning_content":"Hmm"}}]})"));
    const auto o = std::move(reasoning).finish(false);
    CHECK(o.output["choices"][0]["message"]["reasoning_content"] == "Hmm");
}

TEST_CASE("openai_chat: chunks of the wrong shape are ignored without a crash") {
    openai_chat::stream_reader r;
    CHECK_FALSE(r.on_event("message", R"({"choices":{"index":0}})"));
    CHECK_FALSE(r.on_event("message", R"({"choices":[1,"x",null,{"delta":7},{"delta":{"tool_calls":[5]}}]})"));
    CHECK_FALSE(r.on_event("message", R"({"usage":{"prompt_tokens":-1,"completion_tokens":"9"}})"));
    CHECK_FALSE(r.on_event("message", R"("just a string")"));
    CHECK_FALSE(r.on_event("message", R"({"model":["gpt"],"id":7,"choices":[{"index":"0","finish_reason":5}]})"));
    const auto o = std::move(r).finish(true);
    CHECK(o.model.empty());
    CHECK(o.usage.input == -1);  // reported as is; the pricer refuses it
    CHECK_FALSE(o.usage.output);
    REQUIRE(o.error);
    CHECK(o.error->type == "incomplete_stream");
}

TEST_SUITE_END();

}  // namespace provider_openai_chat_tests
