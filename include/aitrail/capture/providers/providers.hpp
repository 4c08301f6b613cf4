#pragma once
/// @file providers.hpp
/// The provider adapters as one run-time choice: which API a request path
/// names, and a way to call code written against the static adapters
/// (anthropic_messages, openai_chat, openai_responses) for that API.
///
/// ```cpp
/// if (auto api = aitrail::api_for_target(request.target))
///     outcome = aitrail::with_adapter(*api, [&](auto adapter) {
///         return decltype(adapter)::read_response(response.status, response.body);
///     });
/// ```

#include <aitrail/config.hpp>
#include <aitrail/capture/providers/anthropic_messages.hpp>
#include <aitrail/capture/providers/call_outcome.hpp>
#include <aitrail/capture/providers/openai_chat.hpp>
#include <aitrail/capture/providers/openai_responses.hpp>

#include <optional>     // optional
#include <string_view>  // string_view
#include <utility>      // forward

namespace aitrail {
inline namespace v1 {

/// The model APIs aitrail has adapters for.
enum class provider_api {
    anthropic_messages,  ///< Anthropic Messages, /v1/messages
    openai_chat,         ///< OpenAI Chat Completions, /v1/chat/completions
    openai_responses,    ///< OpenAI Responses, /v1/responses
};

/// "anthropic_messages", "openai_chat" or "openai_responses".
constexpr std::string_view to_string(provider_api api) noexcept {
    switch (api) {
        case provider_api::anthropic_messages: return "anthropic_messages";
        case provider_api::openai_chat: return "openai_chat";
        case provider_api::openai_responses: return "openai_responses";
    }
    return "anthropic_messages";
}

/// The API a request target (path and query, or a whole URL) is a call of:
/// its path, without the query or fragment, ends with the adapter's path.
/// Any prefix is allowed, so gateways that mount an API under their own
/// path match too ("/openai/v1/chat/completions?x=1"). nullopt for any
/// other target (e.g. /v1/messages/count_tokens, /v1/embeddings).
constexpr std::optional<provider_api> api_for_target(std::string_view target) noexcept {
    const auto end = target.find_first_of("?#");
    const std::string_view path = target.substr(0, end);
    if (path.ends_with(anthropic_messages::path)) return provider_api::anthropic_messages;
    if (path.ends_with(openai_chat::path)) return provider_api::openai_chat;
    if (path.ends_with(openai_responses::path)) return provider_api::openai_responses;
    return std::nullopt;
}

/// Calls `f(adapter)` with a default-constructed tag object of the adapter
/// type for `api` and returns what it returns; `f` must return the same
/// type for every adapter (a generic lambda usually does).
template <class F>
decltype(auto) with_adapter(provider_api api, F&& f) {
    if (api == provider_api::anthropic_messages) return std::forward<F>(f)(anthropic_messages{});
    if (api == provider_api::openai_chat) return std::forward<F>(f)(openai_chat{});
    return std::forward<F>(f)(openai_responses{});
}

}  // namespace v1
}  // namespace aitrail
