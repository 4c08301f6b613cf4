#include <aitrail/capture/providers/providers.hpp>

#include <doctest/doctest.h>

#include "support/provider_streams.hpp"
#include "support/sse_feed.hpp"

#include <string>  // string

namespace provider_adapters_tests {

/// What the tests know of one provider API.
struct api_sample {
    const char* provider;      ///< the adapter's provider, action and path
    const char* action;
    const char* path;
    const char* model;         ///< the model `request` names
    const char* request;       ///< a streamed request's body
    const std::string* stream; ///< a streamed response
    const char* body;          ///< a whole response's body
};

const api_sample anthropic_api = {
    "anthropic", "messages.create", "/v1/messages", "claude-haiku-4-5",
    R"({"model":"claude-haiku-4-5","stream":true,"max_tokens":5})", &aitrail_test::anthropic_sample::tool_stream,
    R"({"id":"msg_1","model":"m","stop_reason":"end_turn","usage":{"input_tokens":1,"cache_read_input_tokens":2,)"
    R"("output_tokens":3,"server_tool_use":{"web_search_requests":1}}})"};
const api_sample openai_chat_api = {
    "openai", "chat.completions.create", "/v1/chat/completions", "gpt-4o",
    R"({"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[]})",
    &aitrail_test::openai_chat_sample::usage_stream,
    R"({"id":"c","model":"m","choices":[{"index":0,"finish_reason":"stop"}],)"
    R"("usage":{"prompt_tokens":1,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":0}}})"};
const api_sample openai_responses_api = {
    "openai", "responses.create", "/v1/responses", "gpt-5", R"({"model":"gpt-5","input":"hi","stream":true})",
    &aitrail_test::openai_responses_sample::text_stream,
    R"({"id":"r","model":"m","status":"incomplete","incomplete_details":{"reason":"x"},"error":null,)"
    R"("usage":{"input_tokens":1,"output_tokens":2}})"};

/// The sample of `Adapter`'s API.
template <class Adapter>
const api_sample& sample_of();
template <>
const api_sample& sample_of<aitrail::anthropic_messages>() { return anthropic_api; }
template <>
const api_sample& sample_of<aitrail::openai_chat>() { return openai_chat_api; }
template <>
const api_sample& sample_of<aitrail::openai_responses>() { return openai_responses_api; }

}  // namespace provider_adapters_tests

// Names for the CTest entries: doctest writes "{?}" for a type it cannot name.
TYPE_TO_STRING_AS("anthropic_messages", aitrail::anthropic_messages);
TYPE_TO_STRING_AS("openai_chat", aitrail::openai_chat);
TYPE_TO_STRING_AS("openai_responses", aitrail::openai_responses);

namespace provider_adapters_tests {

TEST_SUITE_BEGIN("provider_adapters");

TEST_CASE_TEMPLATE("providers: constants and request facts", Adapter, aitrail::anthropic_messages, aitrail::openai_chat,
                   aitrail::openai_responses) {
    using json = nlohmann::json;
    const api_sample& api = sample_of<Adapter>();
    CHECK(Adapter::provider == api.provider);
    CHECK(Adapter::action == api.action);
    CHECK(Adapter::path == api.path);
    const auto f = Adapter::read_request(json::parse(api.request));
    CHECK(f.model == api.model);
    CHECK(f.stream);
    CHECK_FALSE(Adapter::read_request(json{{"model", api.model}}).stream);
    CHECK_FALSE(Adapter::read_request(json::parse(R"({"model":7,"stream":"yes"})")).stream);
    CHECK(Adapter::read_request(json::array()).model.empty());
}

// Streams cut at random and bodies with bytes replaced must give a recorded
// outcome (an error at worst) whose JSON can be written: an adapter runs in
// the caller's thread, where throwing would lose the call's record.
TEST_CASE_TEMPLATE("providers: damaged payloads are recorded, never thrown", Adapter, aitrail::anthropic_messages,
                   aitrail::openai_chat, aitrail::openai_responses) {
    using json = nlohmann::json;
    const api_sample& api = sample_of<Adapter>();
    for (unsigned seed = 1; seed <= 300; ++seed) {
        CAPTURE(seed);
        aitrail_test::stream_run r;
        CHECK_NOTHROW(r = aitrail_test::run_stream<Adapter>(aitrail_test::mutate(*api.stream, seed), seed, seed % 2 == 0));
        CHECK(r.first_content <= 1);
        CHECK_NOTHROW((void)r.outcome.output.dump());  // valid UTF-8 throughout
        if (r.outcome.error) CHECK_NOTHROW((void)json(r.outcome.error->message).dump());
        for (const int status : {200, 429, 500}) {
            aitrail::call_outcome o;
            CHECK_NOTHROW(o = Adapter::read_response(status, aitrail_test::mutate(api.body, seed)));
            CHECK_NOTHROW((void)o.output.dump());
            if (o.error) CHECK_NOTHROW((void)json(o.error->message).dump());
        }
    }
}

TEST_SUITE_END();

}  // namespace provider_adapters_tests
