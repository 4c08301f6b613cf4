#include <aitrail/capture/providers/openai_responses.hpp>

#include <doctest/doctest.h>

#include "support/outcome_checks.hpp"
#include "support/provider_streams.hpp"
#include "support/sse_feed.hpp"

#include <cstddef>  // size_t
#include <string>   // string
#include <utility>  // move

namespace provider_openai_responses_tests {

namespace {

using aitrail::openai_responses;
using aitrail::usage_source;
using json = nlohmann::json;
using aitrail_test::check_reported;
using aitrail_test::check_usage;
using aitrail_test::run_stream;

using namespace aitrail_test::openai_responses_sample;  // event, text_stream and its parts

constexpr std::size_t text_stream_events = 14;
constexpr std::size_t first_delta_event = 5;

/// The counts of final_usage.
const aitrail::token_usage final_counts{
    .input = 1500, .output = 500, .reasoning = 300, .cache_read = 1024, .cache_write = 100};


}  // namespace

TEST_SUITE_BEGIN("provider_openai_responses");

TEST_CASE("openai_responses: whole completed response") {
    const auto o = openai_responses::read_response(200, R"({"id":"resp_1","object":"response","status":"completed",
        "error":null,"incomplete_details":null,"model":"o4-mini-2025-04-16","output":[],)" + final_usage + "}");
    CHECK(o.http_status == 200);
    check_reported(o, {"o4-mini-2025-04-16", "resp_1", "completed"}, final_counts);
    CHECK(o.output["object"] == "response");
}

TEST_CASE("openai_responses: unreported details stay unset") {
    const auto o = openai_responses::read_response(
        200, R"({"id":"r","status":"completed","usage":{"input_tokens":37,"output_tokens":11,"total_tokens":48}})");
    CHECK(o.usage.input == 37);
    CHECK(o.usage.output == 11);
    CHECK_FALSE(o.usage.cache_read);
    CHECK_FALSE(o.usage.cache_write);
    CHECK_FALSE(o.usage.reasoning);
    const auto none = openai_responses::read_response(200, R"({"id":"r","status":"in_progress","usage":null})");
    CHECK(none.usage.empty());
    CHECK(none.source == usage_source::missing);
    CHECK(none.stop_reason == "in_progress");  // a background response, still running
}

TEST_CASE("openai_responses: stop reasons of incomplete, failed and cancelled responses") {
    auto o = openai_responses::read_response(200, R"({"id":"r","status":"incomplete",
        "incomplete_details":{"reason":"max_output_tokens"},"usage":{"input_tokens":5,"output_tokens":16}})");
    CHECK(o.stop_reason == "incomplete:max_output_tokens");
    CHECK_FALSE(o.error);
    CHECK(o.source == usage_source::provider);

    o = openai_responses::read_response(200, R"({"id":"r","status":"incomplete","incomplete_details":null})");
    CHECK(o.stop_reason == "incomplete");

    o = openai_responses::read_response(200, R"({"id":"r","status":"failed",
        "error":{"code":"server_error","message":"The model failed to generate a response."},"usage":null})");
    CHECK(o.stop_reason == "failed");
    REQUIRE(o.error);
    CHECK(o.error->type == "server_error");
    CHECK(o.error->message == "The model failed to generate a response.");

    o = openai_responses::read_response(200, R"({"id":"r","status":"failed","error":null})");
    REQUIRE(o.error);
    CHECK(o.error->type == "response_failed");

    o = openai_responses::read_response(200, R"({"id":"r","status":"cancelled"})");
    CHECK(o.stop_reason == "cancelled");
    CHECK_FALSE(o.error);
}

TEST_CASE("openai_responses: error bodies of failed calls") {
    const aitrail_test::error_case cases[] = {
        {429, R"({"error":{"message":"Rate limit reached for requests","type":"requests","param":null,"code":"rate_limit_exceeded"}})",
         "requests", "Rate limit reached for requests"},
        {500, R"({"error":{"message":"The server had an error processing your request.","type":"server_error","param":null,"code":"server_error"}})",
         "server_error", "The server had an error processing your request."},
        {400, R"({"error":{"message":"Unsupported parameter: 'temperature'.","type":"invalid_request_error","param":"temperature","code":"unsupported_parameter"}})",
         "invalid_request_error", "Unsupported parameter: 'temperature'."},
        {404, R"({"error":{"message":"The model 'gpt-9' does not exist.","type":null,"param":"model","code":"model_not_found"}})",
         "model_not_found", "The model 'gpt-9' does not exist."},
        {502, "upstream connect error or disconnect/reset before headers", "http_502",
         "upstream connect error or disconnect/reset before headers"},
    };
    aitrail_test::check_error_cases<openai_responses>(cases);
}

TEST_CASE("openai_responses: non-JSON error and malformed success bodies") {
    auto o = openai_responses::read_response(200, R"({"id":"resp_1","status":"completed",)");
    REQUIRE(o.error);
    CHECK(o.error->type == "malformed_response");
    CHECK(o.error->message.find("at byte") != std::string::npos);
    CHECK(o.output == R"({"id":"resp_1","status":"completed",)");

    o = openai_responses::read_response(201, "\"just a string\"");
    REQUIRE(o.error);
    CHECK(o.error->type == "malformed_response");
}

TEST_CASE("openai_responses: a stream in random chunks") {
    REQUIRE(aitrail_test::event_boundaries(text_stream).size() == text_stream_events + 1);
    for (unsigned seed = 0; seed < 40; ++seed) {
        CAPTURE(seed);
        const auto r = run_stream<openai_responses>(text_stream, seed);
        const auto& o = r.outcome;
        CHECK(r.events == text_stream_events);
        CHECK(r.first_content == 1);
        CHECK(r.first_content_at == first_delta_event);
        check_reported(o, {"o4-mini-2025-04-16", "resp_67c", "completed"}, final_counts);
        CHECK(o.output["status"] == "completed");
        CHECK(o.output["output"] == json::parse("[" + reasoning_item_done + "," + message_item_done + "]"));
    }
}

TEST_CASE("openai_responses: a stream cut at every event boundary") {
    const auto cuts = aitrail_test::event_boundaries(text_stream);
    for (std::size_t k = 0; k < cuts.size(); ++k) {
        CAPTURE(k);
        const std::string prefix = text_stream.substr(0, cuts[k]);
        const bool whole = k == text_stream_events;
        for (const bool complete : {false, true}) {
            CAPTURE(complete);
            const auto r = run_stream<openai_responses>(prefix, static_cast<unsigned>(k + 1), complete);
            const auto& o = r.outcome;
            // Usage arrives only with response.completed.
            if (whole) CHECK(o.source == (complete ? usage_source::provider : usage_source::partial));
            else CHECK(o.source == usage_source::missing);
            CHECK(o.usage.empty() == !whole);
            CHECK(o.stop_reason == (whole ? "completed" : ""));
            CHECK(static_cast<bool>(o.error) == (complete && !whole));
            if (o.error) CHECK(o.error->type == "incomplete_stream");
            CHECK(r.first_content == (k >= first_delta_event ? 1 : 0));
            if (k == 0) {
                CHECK(o.output.is_null());
                continue;
            }
            CHECK(o.response_id == "resp_67c");
            CHECK(o.model == "o4-mini-2025-04-16");
            const auto& output = o.output["output"];
            if (k == 5) CHECK(output[0]["summary"][0]["text"] == "Thinking ");
            if (k >= 6) CHECK(output[0]["summary"][0]["text"] == "Thinking it over.");
            if (k == 10) CHECK(output[1]["content"][0]["text"] == "Hi ");
            if (k >= 11) CHECK(output[1]["content"][0]["text"] == "Hi there!");
            if (k >= 13) CHECK(output[1] == json::parse(message_item_done));
        }
    }
}

TEST_CASE("openai_responses: incomplete and failed stream ends") {
    const std::string incomplete =
        event("response.created", announced) +
        event("response.output_text.delta", R"("item_id":"msg_1","output_index":0,"content_index":0,"delta":"Long")") +
        event("response.incomplete",
              R"("response":{"id":"resp_67c","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},)"
              R"("model":"o4-mini-2025-04-16","output":[],"usage":{"input_tokens":20,"output_tokens":64,)"
              R"("output_tokens_details":{"reasoning_tokens":64}}})");
    auto o = run_stream<openai_responses>(incomplete, 3).outcome;
    CHECK(o.stop_reason == "incomplete:max_output_tokens");
    CHECK_FALSE(o.error);
    CHECK(o.source == usage_source::provider);
    CHECK(o.usage.reasoning == 64);
    CHECK_FALSE(o.usage.cache_read);

    const std::string failed =
        event("response.created", announced) +
        event("response.failed",
              R"("response":{"id":"resp_67c","status":"failed","error":{"code":"server_error","message":"The model failed."},)"
              R"("model":"o4-mini-2025-04-16","output":[],"usage":null})");
    o = run_stream<openai_responses>(failed, 5).outcome;
    CHECK(o.stop_reason == "failed");
    REQUIRE(o.error);
    CHECK(o.error->type == "server_error");
    CHECK(o.error->message == "The model failed.");
    CHECK(o.source == usage_source::missing);
}

TEST_CASE("openai_responses: error events") {
    const std::string stream =
        event("response.created", announced) +
        event("error", R"("code":"rate_limit_exceeded","message":"Rate limit reached","param":null,"sequence_number":1)");
    auto o = run_stream<openai_responses>(stream, 2, false).outcome;
    REQUIRE(o.error);
    CHECK(o.error->type == "rate_limit_exceeded");
    CHECK(o.error->message == "Rate limit reached");
    CHECK(o.response_id == "resp_67c");

    o = run_stream<openai_responses>(event("error", R"("code":null,"message":"boom")")).outcome;
    REQUIRE(o.error);
    CHECK(o.error->type == "error");
    CHECK(o.output["message"] == "boom");

    o = run_stream<openai_responses>(
            event("error", R"("error":{"type":"invalid_request_error","code":"bad","message":"nested"})"))
            .outcome;
    REQUIRE(o.error);
    CHECK(o.error->type == "invalid_request_error");
    CHECK(o.error->message == "nested");
}

TEST_CASE("openai_responses: an event that is not JSON is recorded, and reading goes on") {
    std::string stream = text_stream;
    stream.insert(aitrail_test::event_boundaries(stream)[9], "event: response.output_text.delta\ndata: {\"delta\":\n\n");
    const auto o = run_stream<openai_responses>(stream, 13).outcome;
    REQUIRE(o.error);
    CHECK(o.error->type == "malformed_response");
    CHECK(o.error->message.find("'response.output_text.delta' (#10)") != std::string::npos);
    check_usage(o.usage, final_counts);
    CHECK(o.source == usage_source::provider);
    CHECK(o.stop_reason == "completed");

    // The provider's failure outranks an unreadable event.
    openai_responses::stream_reader r;
    r.on_event("x", "{");
    r.on_event("response.failed", R"({"type":"response.failed","response":{"status":"failed","error":{"code":"c","message":"m"}}})");
    const auto f = std::move(r).finish(true);
    REQUIRE(f.error);
    CHECK(f.error->type == "c");
}

TEST_CASE("openai_responses: first content detection") {
    SUBCASE("a function call starts with its item") {
        openai_responses::stream_reader r;
        CHECK(r.on_event("response.output_item.added",
                         R"({"type":"response.output_item.added","output_index":0,"item":{"type":"function_call","name":"f","arguments":""}})"));
        CHECK_FALSE(r.on_event("response.function_call_arguments.delta",
                               R"({"type":"response.function_call_arguments.delta","output_index":0,"delta":"{\"a\":1}"})"));
        const auto o = std::move(r).finish(false);
        CHECK(o.output["output"][0]["arguments"] == "{\"a\":1}");
        CHECK(o.output["output"][0]["name"] == "f");
    }
    SUBCASE("empty deltas and other items are not content") {
        openai_responses::stream_reader r;
        CHECK_FALSE(r.on_event("response.output_item.added",
                               R"({"type":"response.output_item.added","output_index":0,"item":{"type":"message","content":[]}})"));
        CHECK_FALSE(r.on_event("response.output_text.delta",
                               R"({"type":"response.output_text.delta","output_index":0,"content_index":0,"delta":""})"));
        CHECK(r.on_event("response.refusal.delta",
                         R"({"type":"response.refusal.delta","output_index":0,"content_index":1,"delta":"No."})"));
        CHECK_FALSE(r.on_event("response.output_text.delta",
                               R"({"type":"response.output_text.delta","output_index":0,"content_index":0,"delta":"x"})"));
        const auto o = std::move(r).finish(false);
        CHECK(o.output["output"][0]["content"][1] == json{{"type", "refusal"}, {"refusal", "No."}});
    }
}

TEST_CASE("openai_responses: events of the wrong shape are ignored without a crash") {
    openai_responses::stream_reader r;
    CHECK_FALSE(r.on_event("response.created", R"({"type":"response.created","response":[]})"));
    // Content, though at a position no response has: kept out of the output.
    CHECK(r.on_event("response.output_text.delta", R"({"type":"response.output_text.delta","output_index":0,"content_index":99999999,"delta":"x"})"));
    CHECK_FALSE(r.on_event("response.output_text.delta", R"({"type":"response.output_text.delta","output_index":-3,"content_index":-1,"delta":""})"));
    CHECK_FALSE(r.on_event("response.output_item.added", R"({"type":"response.output_item.added","output_index":"0","item":1})"));
    CHECK_FALSE(r.on_event("response.completed", R"({"type":"response.completed","response":null})"));
    const auto o = std::move(r).finish(true);
    REQUIRE(o.error);
    CHECK(o.error->type == "incomplete_stream");
    CHECK(o.source == usage_source::missing);
}

TEST_SUITE_END();

}  // namespace provider_openai_responses_tests
