#pragma once
/// @file openai_chat.hpp
/// Adapter for OpenAI's Chat Completions API (POST /v1/chat/completions),
/// and the many servers that speak it: reads a whole response or an SSE
/// stream into a call_outcome (see call_outcome.hpp).
///
/// Usage follows docs/pricing.md section 2: prompt_tokens,
/// prompt_tokens_details.cached_tokens, completion_tokens and
/// completion_tokens_details.reasoning_tokens. `stop_reason` is the
/// finish_reason of choice 0.
///
/// A stream reports usage only when the request set
/// stream_options.include_usage, in a last chunk with "choices": []; without
/// it the counts are missing, never 0. `data: [DONE]` ends the stream. The
/// stream's `output` is the completion assembled in the shape of a
/// non-streamed response: {id, object: "chat.completion", created, model,
/// choices: [{index, message: {role, content, refusal, tool_calls}, finish_reason}],
/// usage}, with content and tool call arguments joined from the deltas.

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

/// OpenAI Chat Completions: `chat.completions.create` on /v1/chat/completions.
struct openai_chat : detail::json_api_adapter<"openai", "chat.completions.create", "/v1/chat/completions"> {
    /// Reads a whole response, whatever its status and bytes; never throws
    /// on the provider's data.
    static call_outcome read_response(int status, std::string_view body) {
        return detail::read_whole_response(status, body, [](const nlohmann::json& completion, call_outcome& out) {
            out.model = detail::string_or_empty(completion, "model");
            out.response_id = detail::string_or_empty(completion, "id");
            if (const auto* choices = detail::array_member(completion, "choices"); choices && !choices->empty())
                out.stop_reason = detail::string_or_empty((*choices)[0], "finish_reason");
            if (const auto* error = detail::object_member(completion, "error"))
                out.error = detail::error_from_object(*error, "error");
            if (const auto* usage = detail::object_member(completion, "usage")) {
                out.usage = detail::openai_chat_usage(*usage);
                if (!out.usage.empty()) out.source = usage_source::provider;
            }
        });
    }

    /// Reads a streamed response chunk by chunk.
    class stream_reader {
    public:
        /// Takes one SSE event. Returns true for the first chunk that
        /// carried generated content (content, refusal, reasoning, a tool
        /// call), and only for that one. Never throws on the provider's data.
        bool on_event(std::string_view event, std::string_view data) {
            ++events_;
            if (trim(data) == "[DONE]") {
                done_ = true;
                return false;
            }
            return errors_.read_event(event, data, events_, [&](nlohmann::json& j) { return take(j); });
        }

        /// The outcome of the stream; `complete`: the transport delivered
        /// the whole body. The caller sets `http_status`.
        call_outcome finish(bool complete) && {
            call_outcome out;
            try {
                out.usage = usage_;
                out.source = detail::stream_usage_source(complete && done_, !usage_.empty(), !usage_.empty());
                out.error = errors_.result();
                if (!out.error && complete && !done_ && !all_finished())
                    out.error = error_info{"incomplete_stream", "the stream ended before data: [DONE]"};
                out.model = model_;
                out.response_id = id_;
                if (const auto it = choices_.find(0); it != choices_.end() && it->second.finish_reason.is_string())
                    out.stop_reason = it->second.finish_reason.get<std::string>();
                if (!chunks_) {
                    out.output = std::move(error_event_);
                    return out;
                }
                out.output = assemble();
            } catch (const std::exception& e) {
                if (!out.error) out.error = detail::malformed(std::string("stream could not be assembled: ") + e.what());
            }
            return out;
        }

    private:
        struct tool_call_state {
            std::string id, type, name, arguments;
        };
        struct choice_state {
            std::string role;
            nlohmann::json content;    // null until a content delta arrives
            nlohmann::json refusal;    // null until a refusal delta arrives
            nlohmann::json reasoning;  // reasoning_content of compatible servers
            nlohmann::json finish_reason;
            std::map<std::int64_t, tool_call_state> tool_calls;
        };

        static std::string_view trim(std::string_view s) noexcept {
            while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
            while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
            return s;
        }

        bool take(const nlohmann::json& j) {
            if (const auto* error = detail::object_member(j, "error")) {
                errors_.provider_error(detail::error_from_object(*error, "error"));
                if (error_event_.is_null()) error_event_ = j;
                return false;
            }
            if (!j.is_object()) return false;
            ++chunks_;
            if (id_.empty()) id_ = detail::string_or_empty(j, "id");
            if (model_.empty()) model_ = detail::string_or_empty(j, "model");
            for (const char* key : {"created", "system_fingerprint", "service_tier"})
                if (const auto* v = detail::member(j, key)) header_[key] = *v;
            if (const auto* usage = detail::object_member(j, "usage")) {
                usage_ = detail::openai_chat_usage(*usage);
                usage_json_ = *usage;
            }
            bool content = false;
            if (const auto* choices = detail::array_member(j, "choices")) {
                std::int64_t position = 0;
                for (const auto& choice : *choices) {
                    const auto index = detail::count_member(choice, "index").value_or(position++);
                    content = apply_choice(choices_[index], choice) || content;
                }
            }
            if (!content || first_seen_) return false;
            first_seen_ = true;
            return true;
        }

        // Folds one choice of a chunk into its state; true when it carried content.
        static bool apply_choice(choice_state& state, const nlohmann::json& choice) {
            if (const auto* reason = detail::string_member(choice, "finish_reason")) state.finish_reason = *reason;
            const auto* delta = detail::object_member(choice, "delta");
            if (!delta) return false;
            bool content = false;
            if (const auto* role = detail::string_member(*delta, "role")) state.role = *role;
            auto append = [&](nlohmann::json& into, const char* key) {
                if (const auto* piece = detail::string_member(*delta, key)) {
                    if (!into.is_string()) into = std::string{};
                    into.get_ref<std::string&>() += *piece;
                    content = content || !piece->empty();
                }
            };
            append(state.content, "content");
            append(state.refusal, "refusal");
            append(state.reasoning, "reasoning_content");
            if (const auto* calls = detail::array_member(*delta, "tool_calls")) {
                std::int64_t position = 0;
                for (const auto& call : *calls) {
                    if (!call.is_object()) continue;
                    content = true;
                    auto& tool = state.tool_calls[detail::count_member(call, "index").value_or(position++)];
                    if (tool.id.empty()) tool.id = detail::string_or_empty(call, "id");
                    if (tool.type.empty()) tool.type = detail::string_or_empty(call, "type");
                    if (const auto* function = detail::object_member(call, "function")) {
                        tool.name += detail::string_or_empty(*function, "name");
                        tool.arguments += detail::string_or_empty(*function, "arguments");
                    }
                }
            }
            if (detail::object_member(*delta, "function_call")) content = true;  // the legacy form
            return content;
        }

        bool all_finished() const {
            if (choices_.empty()) return false;
            for (const auto& [index, choice] : choices_)
                if (choice.finish_reason.is_null()) return false;
            return true;
        }

        nlohmann::json assemble() const {
            nlohmann::json completion = {{"id", id_}, {"object", "chat.completion"}, {"model", model_}};
            for (const auto& [key, value] : header_.items()) completion[key] = value;
            auto choices = nlohmann::json::array();
            for (const auto& [index, state] : choices_) {
                nlohmann::json message = {{"role", state.role.empty() ? "assistant" : state.role},
                                          {"content", state.content},
                                          {"refusal", state.refusal}};
                if (!state.reasoning.is_null()) message["reasoning_content"] = state.reasoning;
                if (!state.tool_calls.empty()) {
                    auto calls = nlohmann::json::array();
                    for (const auto& [position, tool] : state.tool_calls)
                        calls.push_back({{"id", tool.id},
                                         {"type", tool.type.empty() ? "function" : tool.type},
                                         {"function", {{"name", tool.name}, {"arguments", tool.arguments}}}});
                    message["tool_calls"] = std::move(calls);
                }
                choices.push_back({{"index", index}, {"message", std::move(message)}, {"finish_reason", state.finish_reason}});
            }
            completion["choices"] = std::move(choices);
            if (!usage_json_.is_null()) completion["usage"] = usage_json_;
            return completion;
        }

        std::string id_, model_;
        nlohmann::json header_ = nlohmann::json::object();  // created, system_fingerprint, service_tier
        std::map<std::int64_t, choice_state> choices_;
        token_usage usage_;
        nlohmann::json usage_json_;
        nlohmann::json error_event_;  // the first error chunk, when no other chunk arrived
        detail::stream_errors errors_;
        std::size_t events_ = 0;
        std::size_t chunks_ = 0;  // chunks that were completion chunks
        bool done_ = false;       // data: [DONE] arrived
        bool first_seen_ = false;
    };
};

}  // namespace v1
}  // namespace aitrail
