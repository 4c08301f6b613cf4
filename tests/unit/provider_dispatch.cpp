#include <aitrail/capture/providers/providers.hpp>

#include <doctest/doctest.h>

#include <string>       // string
#include <string_view>  // string_view

namespace provider_dispatch_tests {

namespace {

using aitrail::api_for_target;
using aitrail::provider_api;

}  // namespace

TEST_SUITE_BEGIN("provider_dispatch");

TEST_CASE("providers: api_for_target matches the path, ignoring prefix and query") {
    CHECK(api_for_target("/v1/messages") == provider_api::anthropic_messages);
    CHECK(api_for_target("/v1/messages?beta=true") == provider_api::anthropic_messages);
    CHECK(api_for_target("https://api.anthropic.com/v1/messages") == provider_api::anthropic_messages);
    CHECK(api_for_target("/v1/chat/completions") == provider_api::openai_chat);
    CHECK(api_for_target("/openai/v1/chat/completions?x=1") == provider_api::openai_chat);
    CHECK(api_for_target("/v1/chat/completions#frag") == provider_api::openai_chat);
    CHECK(api_for_target("/v1/responses") == provider_api::openai_responses);
    CHECK(api_for_target("/gateway/team-a/v1/responses?stream=true") == provider_api::openai_responses);

    CHECK_FALSE(api_for_target(""));
    CHECK_FALSE(api_for_target("/v1/messages/count_tokens"));
    CHECK_FALSE(api_for_target("/v1/messages/batches"));
    CHECK_FALSE(api_for_target("/v1/responses/resp_123"));
    CHECK_FALSE(api_for_target("/v1/embeddings"));
    CHECK_FALSE(api_for_target("/v1/completions"));
    CHECK_FALSE(api_for_target("/v2/messages"));
    CHECK_FALSE(api_for_target("/xv1/messages"));
    CHECK_FALSE(api_for_target("/health?next=/v1/messages"));
    static_assert(api_for_target("/v1/responses") == provider_api::openai_responses);
}

TEST_CASE("providers: to_string names each API") {
    CHECK(to_string(provider_api::anthropic_messages) == "anthropic_messages");
    CHECK(to_string(provider_api::openai_chat) == "openai_chat");
    CHECK(to_string(provider_api::openai_responses) == "openai_responses");
}

TEST_CASE("providers: with_adapter calls f with the adapter of the API") {
    auto names = [](provider_api api) {
        return aitrail::with_adapter(api, [](auto adapter) {
            using A = decltype(adapter);
            return std::string(A::provider) + " " + std::string(A::action) + " " + std::string(A::path);
        });
    };
    CHECK(names(provider_api::anthropic_messages) == "anthropic messages.create /v1/messages");
    CHECK(names(provider_api::openai_chat) == "openai chat.completions.create /v1/chat/completions");
    CHECK(names(provider_api::openai_responses) == "openai responses.create /v1/responses");

    // Every adapter's path maps back to its API.
    for (auto api : {provider_api::anthropic_messages, provider_api::openai_chat, provider_api::openai_responses})
        CHECK(aitrail::with_adapter(api, [](auto a) { return api_for_target(decltype(a)::path); }) == api);

    // A stream reader can be made and fed through the tag as well.
    const auto outcome = aitrail::with_adapter(provider_api::openai_chat, [](auto adapter) {
        typename decltype(adapter)::stream_reader reader;
        reader.on_event("message", R"({"id":"c1","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"x"},"finish_reason":"stop"}]})");
        reader.on_event("message", "[DONE]");
        return std::move(reader).finish(true);
    });
    CHECK(outcome.response_id == "c1");
    CHECK(outcome.stop_reason == "stop");
    CHECK_FALSE(outcome.error);

    // A result returned by reference stays a reference.
    static int shared = 0;
    int& ref = aitrail::with_adapter(provider_api::openai_responses, [](auto) -> int& { return shared; });
    CHECK(&ref == &shared);
}

TEST_SUITE_END();

}  // namespace provider_dispatch_tests
