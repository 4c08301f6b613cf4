#include <aitrail/capture/providers/providers.hpp>

#include <doctest/doctest.h>

#include "support/provider_streams.hpp"
#include "support/sse_feed.hpp"

#include <string>  // string

// Each adapter with what it names, a request of its API, a sample stream and
// a sample response body.
namespace provider_adapters_tests {

struct anthropic_case {
    using adapter = aitrail::anthropic_messages;
    static constexpr const char* provider = "anthropic";
    static constexpr const char* action = "messages.create";
    static constexpr const char* path = "/v1/messages";
    static constexpr const char* model = "claude-haiku-4-5";
    static constexpr const char* request = R"({"model":"claude-haiku-4-5","stream":true,"max_tokens":5})";
    static const std::string& stream() { return aitrail_test::anthropic_sample::tool_stream; }
    static constexpr const char* body =
        R"({"id":"msg_1","model":"m","stop_reason":"end_turn","usage":{"input_tokens":1,"cache_read_input_tokens":2,"output_tokens":3,"server_tool_use":{"web_search_requests":1}}})";
};

struct openai_chat_case {
    using adapter = aitrail::openai_chat;
    static constexpr const char* provider = "openai";
    static constexpr const char* action = "chat.completions.create";
    static constexpr const char* path = "/v1/chat/completions";
    static constexpr const char* model = "gpt-4o";
    static constexpr const char* request =
        R"({"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[]})";
    static const std::string& stream() { return aitrail_test::openai_chat_sample::usage_stream; }
    static constexpr const char* body =
        R"({"id":"c","model":"m","choices":[{"index":0,"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":0}}})";
};

struct openai_responses_case {
    using adapter = aitrail::openai_responses;
    static constexpr const char* provider = "openai";
    static constexpr const char* action = "responses.create";
    static constexpr const char* path = "/v1/responses";
    static constexpr const char* model = "gpt-5";
    static constexpr const char* request = R"({"model":"gpt-5","input":"hi","stream":true})";
    static const std::string& stream() { return aitrail_test::openai_responses_sample::text_stream; }
    static constexpr const char* body =
        R"({"id":"r","model":"m","status":"incomplete","incomplete_details":{"reason":"x"},"error":null,"usage":{"input_tokens":1,"output_tokens":2}})";
};

}  // namespace provider_adapters_tests

// Names for the CTest entries: doctest writes "{?}" for a type it cannot name.
TYPE_TO_STRING_AS("anthropic_messages", provider_adapters_tests::anthropic_case);
TYPE_TO_STRING_AS("openai_chat", provider_adapters_tests::openai_chat_case);
TYPE_TO_STRING_AS("openai_responses", provider_adapters_tests::openai_responses_case);

namespace provider_adapters_tests {

TEST_SUITE_BEGIN("provider_adapters");

TEST_CASE_TEMPLATE("providers: constants and request facts", Case, anthropic_case, openai_chat_case,
                   openai_responses_case) {
    using adapter = typename Case::adapter;
    using json = nlohmann::json;
    CHECK(adapter::provider == Case::provider);
    CHECK(adapter::action == Case::action);
    CHECK(adapter::path == Case::path);
    const auto f = adapter::read_request(json::parse(Case::request));
    CHECK(f.model == Case::model);
    CHECK(f.stream);
    CHECK_FALSE(adapter::read_request(json{{"model", Case::model}}).stream);
    CHECK_FALSE(adapter::read_request(json::parse(R"({"model":7,"stream":"yes"})")).stream);
    CHECK(adapter::read_request(json::array()).model.empty());
}

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

}  // namespace provider_adapters_tests
