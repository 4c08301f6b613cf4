#pragma once
/// @file openai_responses.hpp
/// Adapter for OpenAI's Responses API (POST /v1/responses): reads a whole
/// response or an SSE stream into a call_outcome (see call_outcome.hpp).
///
/// Usage follows docs/pricing.md section 2: input_tokens,
/// input_tokens_details.cached_tokens and .cache_write_tokens,
/// output_tokens, output_tokens_details.reasoning_tokens.
///
/// `stop_reason` is the response's status: "completed", "failed",
/// "cancelled", or "incomplete:<reason>" with incomplete_details.reason
/// (e.g. "incomplete:max_output_tokens"; plain "incomplete" without a
/// reason). A cut-off stream has no stop reason. A failed response's error
/// is its `error` object: type from `code`, and `message`.
///
/// A stream reports usage only in its terminal event (response.completed,
/// response.incomplete or response.failed), whose response object becomes
/// the `output`. A stream cut off before it yields the last response
/// object announced (response.created / response.in_progress) with the
/// `output` items assembled from the events that did arrive.

#include <aitrail/config.hpp>
#include <aitrail/capture/providers/call_outcome.hpp>
#include <aitrail/detail/capture/provider_json.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>      // size_t
#include <cstdint>      // int64_t
#include <exception>    // exception
#include <map>          // map
#include <string>       // string
#include <string_view>  // string_view
#include <utility>      // move

namespace aitrail {
inline namespace v1 {

namespace detail {

/// The stop reason of a Responses API response object (see openai_responses.hpp).
inline std::string responses_stop_reason(const nlohmann::json& response) {
    std::string status = string_or_empty(response, "status");
    if (status != "incomplete") return status;
    const auto* details = object_member(response, "incomplete_details");
    const std::string reason = details ? string_or_empty(*details, "reason") : std::string{};
    return reason.empty() ? status : status + ":" + reason;
}

/// The error of a Responses API response object: its `error` object, or a
/// generic one when the status is "failed" without it; nullopt otherwise.
inline std::optional<error_info> responses_error(const nlohmann::json& response) {
    if (const auto* error = object_member(response, "error")) return error_from_object(*error, "response_failed");
    if (string_or_empty(response, "status") == "failed")
        return error_info{"response_failed", "the response failed without an error object"};
    return std::nullopt;
}

}  // namespace detail

/// OpenAI Responses: `responses.create` on /v1/responses.
struct openai_responses : detail::json_api_adapter<"openai", "responses.create", "/v1/responses"> {
    /// Reads a whole response, whatever its status and bytes; never throws
    /// on the provider's data.
    static call_outcome read_response(int status, std::string_view body) {
        return detail::read_whole_response(status, body, [](const nlohmann::json& response, call_outcome& out) {
            read_object(response, out);
        });
    }

    /// Reads a streamed response event by event.
    class stream_reader {
    public:
        /// Takes one SSE event. Returns true for the first event that
        /// carried generated content (any non-empty `*.delta`: text,
        /// refusal, reasoning, tool arguments; or a function call item),
        /// and only for that one. Never throws on the provider's data.
        bool on_event(std::string_view event, std::string_view data) {
            return errors_.read_event(event, data, ++events_, [&](nlohmann::json& j) {
                const std::string type = detail::event_type(j, event);
                const bool content = take(type, j);
                if (!content || first_seen_) return false;
                first_seen_ = true;
                return true;
            });
        }

        /// The outcome of the stream; `complete`: the transport delivered
        /// the whole body. The caller sets `http_status`.
        call_outcome finish(bool complete) && {
            call_outcome out;
            try {
                if (terminal_) read_object(response_, out);
                out.usage = usage_;
                out.source = detail::stream_usage_source(complete && terminal_, !usage_.empty(), !usage_.empty());
                // The provider's own error (an error event, or a failed
                // response) outranks an event that could not be read.
                if (errors_.provider) out.error = errors_.provider;
                else if (!out.error) out.error = errors_.malformed;
                if (!out.error && complete && !terminal_)
                    out.error = error_info{"incomplete_stream", "the stream ended before its terminal event"};
                if (!response_.is_object()) {
                    if (items_.empty()) {
                        out.output = std::move(error_event_);
                        return out;
                    }
                    response_ = {{"object", "response"}};
                }
                out.model = detail::string_or_empty(response_, "model");
                out.response_id = detail::string_or_empty(response_, "id");
                if (!terminal_ && !items_.empty()) {
                    auto output = nlohmann::json::array();
                    for (auto& [index, item] : items_) output.push_back(std::move(item));
                    response_["output"] = std::move(output);
                }
                out.output = std::move(response_);
            } catch (const std::exception& e) {
                if (!out.error) out.error = detail::malformed(std::string("stream could not be assembled: ") + e.what());
            }
            return out;
        }

    private:
        // Folds one event in; true when it carried generated content.
        bool take(const std::string& type, const nlohmann::json& j) {
            if (type == "response.created" || type == "response.in_progress" || type == "response.queued") {
                if (const auto* r = detail::object_member(j, "response"); r && !terminal_) response_ = *r;
                return false;
            }
            if (type == "response.completed" || type == "response.incomplete" || type == "response.failed") {
                if (const auto* r = detail::object_member(j, "response")) {
                    response_ = *r;
                    terminal_ = true;
                    if (const auto* usage = detail::object_member(*r, "usage"))
                        usage_ = detail::openai_responses_usage(*usage);
                }
                return false;
            }
            if (type == "error") {
                const auto* nested = detail::object_member(j, "error");
                errors_.provider_error(nested ? detail::error_from_object(*nested, "error") : event_error(j));
                if (error_event_.is_null()) error_event_ = j;
                return false;
            }
            const auto index = detail::count_member(j, "output_index");
            if (type == "response.output_item.added" || type == "response.output_item.done") {
                const auto* item = detail::object_member(j, "item");
                if (!index || !item) return false;
                items_[*index] = *item;
                const std::string item_type = detail::string_or_empty(*item, "type");
                return type == "response.output_item.added" &&
                       (item_type == "function_call" || item_type == "custom_tool_call");
            }
            // A part announced whole: a message's content or a reasoning summary.
            const bool content_part = type == "response.content_part.added" || type == "response.content_part.done";
            if (content_part || type == "response.reasoning_summary_part.added" ||
                type == "response.reasoning_summary_part.done") {
                const auto* part = detail::object_member(j, "part");
                if (!index || !part) return false;
                const char* list = content_part ? "content" : "summary";
                const auto at = detail::count_member(j, content_part ? "content_index" : "summary_index").value_or(0);
                if (auto* slot = detail::array_slot(item_at(*index), list, at)) *slot = *part;
                return false;
            }
            if (type.size() < 6 || type.compare(type.size() - 6, 6, ".delta") != 0) return false;
            const auto* delta = detail::string_member(j, "delta");
            if (!delta) return false;
            if (index) apply_delta(type, j, item_at(*index), *delta);
            return !delta->empty();
        }

        static error_info event_error(const nlohmann::json& j) {
            std::string code = detail::string_or_empty(j, "code");
            return {code.empty() ? std::string("error") : std::move(code), detail::string_or_empty(j, "message")};
        }

        nlohmann::json& item_at(std::int64_t index) {
            auto& it = items_[index];
            if (!it.is_object()) it = nlohmann::json::object();
            return it;
        }

        // Joins a delta into the item it belongs to, as the item will read
        // in the final response.
        static void apply_delta(const std::string& type, const nlohmann::json& j, nlohmann::json& item,
                                const std::string& delta) {
            const auto content_index = detail::count_member(j, "content_index").value_or(0);
            auto part = [&](const char* part_type) -> nlohmann::json* {
                auto* slot = detail::array_slot(item, "content", content_index);
                if (slot && !slot->is_object()) *slot = {{"type", part_type}};
                return slot;
            };
            if (type == "response.output_text.delta") {
                if (auto* p = part("output_text")) detail::append_text(*p, "text", delta);
            } else if (type == "response.refusal.delta") {
                if (auto* p = part("refusal")) detail::append_text(*p, "refusal", delta);
            } else if (type == "response.reasoning_text.delta") {
                if (auto* p = part("reasoning_text")) detail::append_text(*p, "text", delta);
            } else if (type == "response.reasoning_summary_text.delta") {
                auto* s = detail::array_slot(item, "summary", detail::count_member(j, "summary_index").value_or(0));
                if (s && !s->is_object()) *s = {{"type", "summary_text"}};
                if (s) detail::append_text(*s, "text", delta);
            } else if (type == "response.function_call_arguments.delta" || type == "response.mcp_call_arguments.delta") {
                detail::append_text(item, "arguments", delta);
            } else if (type == "response.custom_tool_call_input.delta") {
                detail::append_text(item, "input", delta);
            }
        }

        nlohmann::json response_;                      // the last response object announced
        std::map<std::int64_t, nlohmann::json> items_;  // output items by output_index
        token_usage usage_;
        nlohmann::json error_event_;  // the first error event, when no response object arrived
        detail::stream_errors errors_;
        std::size_t events_ = 0;
        bool terminal_ = false;  // response.completed / .incomplete / .failed arrived
        bool first_seen_ = false;
    };

private:
    static void read_object(const nlohmann::json& response, call_outcome& out) {
        out.model = detail::string_or_empty(response, "model");
        out.response_id = detail::string_or_empty(response, "id");
        out.stop_reason = detail::responses_stop_reason(response);
        out.error = detail::responses_error(response);
        if (const auto* usage = detail::object_member(response, "usage")) {
            out.usage = detail::openai_responses_usage(*usage);
            if (!out.usage.empty()) out.source = usage_source::provider;
        }
    }
};

}  // namespace v1
}  // namespace aitrail
