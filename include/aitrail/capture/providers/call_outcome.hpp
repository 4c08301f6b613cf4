#pragma once
/// @file call_outcome.hpp
/// What a provider adapter reads out of a response or a stream: the facts
/// an audit record needs (model, response id, stop reason, every usage
/// count, the error) in one provider-neutral shape.
///
/// A provider adapter (anthropic_messages, openai_chat, openai_responses) is
/// a type with:
/// | Member                          | Semantics                                                       |
/// |---------------------------------|-----------------------------------------------------------------|
/// | `provider`, `action`, `path`    | `std::string_view` constants: "anthropic", "messages.create", "/v1/messages" |
/// | `read_request(body)`            | `request_facts` from the request JSON (model, stream flag)      |
/// | `read_response(status, body)`   | `call_outcome` from a whole response (any status, any bytes)    |
/// | `stream_reader`                 | default-constructible; `on_event(event, data) -> bool` per SSE event (true when it carried the first generated content); `std::move(r).finish(complete) -> call_outcome` |

#include <aitrail/config.hpp>
#include <aitrail/record/audit_record.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>      // int64_t
#include <map>          // map
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {

/// Where a record's token counts came from. Never a made-up 0: a count the
/// provider did not report stays unset, and this says why.
enum class usage_source {
    provider,  ///< the provider reported the final counts
    partial,   ///< the stream was cut off; the counts are the last the provider reported
    missing,   ///< the provider reported no counts (or the call failed before it could)
};

/// "provider", "partial" or "missing".
constexpr std::string_view to_string(usage_source s) noexcept {
    switch (s) {
        case usage_source::provider: return "provider";
        case usage_source::partial: return "partial";
        case usage_source::missing: return "missing";
    }
    return "missing";
}

/// What a request says about itself.
struct request_facts {
    std::string model;    ///< the model asked for ("" when absent)
    bool stream = false;  ///< whether a streamed (SSE) response was asked for
};

/// What a provider's response said, in a provider-neutral shape.
struct call_outcome {
    int http_status = 0;                                ///< the response's HTTP status (0: none arrived)
    std::string model;                                  ///< the model that answered (as the provider names it)
    std::string response_id;                            ///< the provider's id of the response
    std::string stop_reason;                            ///< stop / finish reason, as the provider names it
    token_usage usage;                                  ///< every count the provider reported
    usage_source source = usage_source::missing;        ///< where `usage` came from
    std::map<std::string, std::int64_t> server_tool_use;  ///< e.g. {"web_search_requests": 1}
    std::optional<error_info> error;                    ///< the provider's error (type, message), or a malformed body
    nlohmann::json output;                              ///< the response body, or the message assembled from a stream
};

}  // namespace v1
}  // namespace aitrail
