#include <aitrail/capture/providers/providers.hpp>

#include <doctest/doctest.h>

#include "support/provider_streams.hpp"
#include "support/sse_feed.hpp"

#include <string>  // string

// Each adapter with a sample stream and a sample response body of its API.
namespace provider_damaged_payloads_tests {

struct anthropic_case {
    using adapter = aitrail::anthropic_messages;
    static const std::string& stream() { return aitrail_test::anthropic_sample::tool_stream; }
    static constexpr const char* body =
        R"({"id":"msg_1","model":"m","stop_reason":"end_turn","usage":{"input_tokens":1,"cache_read_input_tokens":2,"output_tokens":3,"server_tool_use":{"web_search_requests":1}}})";
};

struct openai_chat_case {
    using adapter = aitrail::openai_chat;
    static const std::string& stream() { return aitrail_test::openai_chat_sample::usage_stream; }
    static constexpr const char* body =
        R"({"id":"c","model":"m","choices":[{"index":0,"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":0}}})";
};

struct openai_responses_case {
    using adapter = aitrail::openai_responses;
    static const std::string& stream() { return aitrail_test::openai_responses_sample::text_stream; }
    static constexpr const char* body =
        R"({"id":"r","model":"m","status":"incomplete","incomplete_details":{"reason":"x"},"error":null,"usage":{"input_tokens":1,"output_tokens":2}})";
};

}  // namespace provider_damaged_payloads_tests

// Names for the CTest entries: doctest writes "{?}" for a type it cannot name.
TYPE_TO_STRING_AS("anthropic_messages", provider_damaged_payloads_tests::anthropic_case);
TYPE_TO_STRING_AS("openai_chat", provider_damaged_payloads_tests::openai_chat_case);
TYPE_TO_STRING_AS("openai_responses", provider_damaged_payloads_tests::openai_responses_case);

namespace provider_damaged_payloads_tests {

TEST_SUITE_BEGIN("provider_damaged_payloads");

// Streams cut at random and bodies with bytes replaced must give a recorded
// outcome (an error at worst) whose JSON can be written: an adapter runs in
// the caller's thread, where throwing would lose the call's record.
TEST_CASE_TEMPLATE("providers: damaged payloads are recorded, never thrown", Case, anthropic_case, openai_chat_case,
                   openai_responses_case) {
    using adapter = typename Case::adapter;
    using json = nlohmann::json;
    for (unsigned seed = 1; seed <= 300; ++seed) {
        CAPTURE(seed);
        aitrail_test::stream_run r;
        CHECK_NOTHROW(r = aitrail_test::run_stream<adapter>(aitrail_test::mutate(Case::stream(), seed), seed, seed % 2 == 0));
        CHECK(r.first_content <= 1);
        CHECK_NOTHROW((void)r.outcome.output.dump());  // valid UTF-8 throughout
        if (r.outcome.error) CHECK_NOTHROW((void)json(r.outcome.error->message).dump());
        for (const int status : {200, 429, 500}) {
            aitrail::call_outcome o;
            CHECK_NOTHROW(o = adapter::read_response(status, aitrail_test::mutate(Case::body, seed)));
            CHECK_NOTHROW((void)o.output.dump());
            if (o.error) CHECK_NOTHROW((void)json(o.error->message).dump());
        }
    }
}

TEST_SUITE_END();

}  // namespace provider_damaged_payloads_tests
