#pragma once
/// @file anthropic_messages.hpp
/// Adapter for Anthropic's Messages API (POST /v1/messages): reads a whole
/// response or an SSE stream into a call_outcome (see call_outcome.hpp).
///
/// Usage follows docs/pricing.md section 2: `input` is input_tokens plus
/// both cache counts, `cache_read` / `cache_write` are the cache counts,
/// `output` is output_tokens, `reasoning` stays unset (thinking is part of
/// output_tokens). Integer members of usage.server_tool_use go to
/// `server_tool_use`.
///
/// A stream's counts come in pieces: message_start reports the input side
/// (and a first output count), message_delta the cumulative final counts;
/// a member present in message_delta replaces the earlier value, an absent
/// one keeps it. The stream's `output` is the message assembled in the
/// shape of a non-streamed response: message_start's message with its
/// `content` blocks built from the deltas (text, thinking and signature,
/// citations, tool input parsed from input_json_delta; tool input text
/// that does not parse, as a cut-off stream leaves it, is kept in the
/// block's `partial_json`), and message_delta's stop reason and usage.

#include <aitrail/config.hpp>
#include <aitrail/capture/providers/call_outcome.hpp>
#include <aitrail/detail/capture/provider_json.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>      // size_t
#include <cstdint>      // int64_t
#include <exception>    // exception
#include <map>          // map
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view
#include <utility>      // move

namespace aitrail {
inline namespace v1 {

/// Anthropic Messages: `messages.create` on /v1/messages.
struct anthropic_messages : detail::json_api_adapter<"anthropic", "messages.create", "/v1/messages"> {
    /// Reads a whole response, whatever its status and bytes; never throws
    /// on the provider's data.
    static call_outcome read_response(int status, std::string_view body) {
        return detail::read_whole_response(status, body, [](const nlohmann::json& message, call_outcome& out) {
            out.model = detail::string_or_empty(message, "model");
            out.response_id = detail::string_or_empty(message, "id");
            out.stop_reason = detail::string_or_empty(message, "stop_reason");
            if (const auto* error = detail::object_member(message, "error"))
                out.error = detail::error_from_object(*error, "error");
            detail::anthropic_counts counts;
            if (const auto* usage = detail::object_member(message, "usage")) counts.merge(*usage);
            if (counts.any) {
                out.usage = counts.usage();
                out.server_tool_use = counts.server_tools;
                out.source = usage_source::provider;
            }
        });
    }

    /// Reads a streamed response event by event.
    class stream_reader {
    public:
        /// Takes one SSE event. Returns true for the first event that
        /// carried generated content (text, thinking, a tool call), and
        /// only for that one. Never throws on the provider's data.
        bool on_event(std::string_view event, std::string_view data) {
            return errors_.read_event(event, data, ++events_, [&](nlohmann::json& j) {
                const std::string type = detail::event_type(j, event);
                return take(type, j);
            });
        }

        /// The outcome of the stream; `complete`: the transport delivered
        /// the whole body. The caller sets `http_status`.
        call_outcome finish(bool complete) && {
            call_outcome out;
            try {
                out.usage = counts_.usage();
                out.server_tool_use = counts_.server_tools;
                out.source = detail::stream_usage_source(complete && stopped_, final_counts_, counts_.any);
                out.error = errors_.result();
                if (!out.error && complete && !stopped_)
                    out.error = error_info{"incomplete_stream", "the stream ended before message_stop"};
                if (message_.empty() && blocks_.empty()) {  // no message event arrived
                    out.output = std::move(error_event_);
                    return out;
                }
                out.model = detail::string_or_empty(message_, "model");
                out.response_id = detail::string_or_empty(message_, "id");
                out.stop_reason = detail::string_or_empty(message_, "stop_reason");
                if (!message_.contains("type")) message_["type"] = "message";
                if (!message_.contains("role")) message_["role"] = "assistant";
                auto content = nlohmann::json::array();
                for (auto& [index, block] : blocks_) content.push_back(std::move(block).done());
                message_["content"] = std::move(content);
                out.output = std::move(message_);
            } catch (const std::exception& e) {
                if (!out.error) out.error = detail::malformed(std::string("stream could not be assembled: ") + e.what());
            }
            return out;
        }

    private:
        // One content block and the tool input text its deltas carried.
        struct block_state {
            nlohmann::json block = nlohmann::json::object();
            std::string input_json;
            bool has_input_json = false;

            nlohmann::json done() && {
                if (has_input_json && !input_json.empty()) {
                    nlohmann::json input;
                    std::string ignored;
                    if (detail::parse_json(input_json, input, ignored)) block["input"] = std::move(input);
                    else block["partial_json"] = std::move(input_json);
                }
                return std::move(block);
            }
        };

        bool take(const std::string& type, const nlohmann::json& j) {
            if (type == "message_start") {
                if (const auto* m = detail::object_member(j, "message")) message_ = *m;
                if (const auto* usage = detail::object_member(message_, "usage")) counts_.merge(*usage);
            } else if (type == "content_block_start") {
                const auto index = detail::count_member(j, "index");
                const auto* block = detail::object_member(j, "content_block");
                if (!index || !block) return false;
                blocks_[*index] = block_state{*block, {}, false};
                return first(starts_content(*block));
            } else if (type == "content_block_delta") {
                const auto index = detail::count_member(j, "index");
                const auto* delta = detail::object_member(j, "delta");
                if (!index || !delta) return false;
                return first(apply_delta(blocks_[*index], *delta));
            } else if (type == "message_delta") {
                if (!message_.is_object()) message_ = nlohmann::json::object();
                if (const auto* delta = detail::object_member(j, "delta"))
                    for (const auto& [key, value] : delta->items()) message_[key] = value;
                if (const auto* usage = detail::object_member(j, "usage")) {
                    counts_.merge(*usage);
                    final_counts_ = true;
                    auto& merged = message_["usage"];
                    if (!merged.is_object()) merged = nlohmann::json::object();
                    for (const auto& [key, value] : usage->items()) merged[key] = value;
                }
            } else if (type == "message_stop") {
                stopped_ = true;
            } else if (type == "error") {
                if (const auto* error = detail::object_member(j, "error"))
                    errors_.provider_error(detail::error_from_object(*error, "error"));
                else
                    errors_.provider_error(error_info{"error", detail::string_or_empty(j, "message")});
                if (error_event_.is_null()) error_event_ = j;
            }
            return false;  // ping, content_block_stop and unknown events carry no content
        }

        // Whether a new block is already generated content: a tool call
        // names its tool, redacted thinking arrives whole.
        static bool starts_content(const nlohmann::json& block) {
            const std::string type = detail::string_or_empty(block, "type");
            if (type == "text") return !detail::string_or_empty(block, "text").empty();
            if (type == "thinking") return !detail::string_or_empty(block, "thinking").empty();
            return type == "tool_use" || type == "server_tool_use" || type == "mcp_tool_use" ||
                   type == "redacted_thinking";
        }

        // Folds a delta into its block; true when it carried content.
        static bool apply_delta(block_state& state, const nlohmann::json& delta) {
            const std::string type = detail::string_or_empty(delta, "type");
            auto& block = state.block;
            auto append = [&](const char* block_type, const char* field) {
                if (!block.contains("type")) block["type"] = block_type;
                const std::string piece = detail::string_or_empty(delta, field);
                detail::append_text(block, field, piece);
                return !piece.empty();
            };
            if (type == "text_delta") return append("text", "text");
            if (type == "thinking_delta") return append("thinking", "thinking");
            if (type == "signature_delta") {
                block["signature"] = detail::string_or_empty(delta, "signature");
                return false;
            }
            if (type == "citations_delta") {
                if (const auto* citation = detail::member(delta, "citation")) {
                    auto& citations = block["citations"];
                    if (!citations.is_array()) citations = nlohmann::json::array();
                    citations.push_back(*citation);
                }
                return false;
            }
            if (type == "input_json_delta") {
                if (!block.contains("type")) block["type"] = "tool_use";
                const std::string piece = detail::string_or_empty(delta, "partial_json");
                state.input_json += piece;
                state.has_input_json = true;
                return !piece.empty();
            }
            return false;
        }

        bool first(bool content) {
            if (!content || first_seen_) return false;
            first_seen_ = true;
            return true;
        }

        nlohmann::json message_ = nlohmann::json::object();  // message_start's message, updated by message_delta
        std::map<std::int64_t, block_state> blocks_;         // content blocks by index
        nlohmann::json error_event_;                           // the first error event, when nothing else arrived
        detail::anthropic_counts counts_;
        detail::stream_errors errors_;
        std::size_t events_ = 0;
        bool final_counts_ = false;  // message_delta reported usage
        bool stopped_ = false;       // message_stop arrived
        bool first_seen_ = false;    // first content was reported
    };
};

}  // namespace v1
}  // namespace aitrail
