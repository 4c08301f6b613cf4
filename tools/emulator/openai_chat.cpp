// OpenAI Chat Completions (POST /v1/chat/completions): request reading,
// response body and chunk stream, in the shapes of the OpenAPI spec and the
// official SDK's recorded streams.

#include "providers.hpp"

namespace aitrail_emulator::openai_chat {

namespace {

using ordered = nlohmann::ordered_json;

/// The usage object, in the spec's current shape with both details members.
ordered usage(const answer& a) {
    return {{"prompt_tokens", a.input_tokens},
            {"completion_tokens", a.output_tokens},
            {"total_tokens", a.input_tokens + a.output_tokens},
            {"prompt_tokens_details", {{"cached_tokens", 0}, {"audio_tokens", 0}}},
            {"completion_tokens_details",
             {{"reasoning_tokens", 0},
              {"audio_tokens", 0},
              {"accepted_prediction_tokens", 0},
              {"rejected_prediction_tokens", 0}}}};
}

/// One chat.completion.chunk around a choices array. With include_usage the
/// real API sends `"usage": null` on every chunk before the usage chunk.
ordered chunk(const prompt& p, const answer& a, ordered choices) {
    ordered c = {{"id", a.id},
                 {"object", "chat.completion.chunk"},
                 {"created", a.created},
                 {"model", p.model},
                 {"service_tier", "default"},
                 {"system_fingerprint", "fp_emulator"},
                 {"choices", std::move(choices)}};
    if (p.include_usage) c["usage"] = nullptr;
    return c;
}

/// A single-choice array with the given delta and finish reason.
ordered choice(ordered delta, ordered finish_reason) {
    return ordered::array(
        {{{"index", 0}, {"delta", std::move(delta)}, {"logprobs", nullptr}, {"finish_reason", std::move(finish_reason)}}});
}

}  // namespace

prompt parse(const nlohmann::json& body) {
    prompt p;
    const auto model = body.find("model");
    if (model == body.end() || !model->is_string()) throw bad_request("you must provide a model parameter");
    p.model = model->get<std::string>();
    const auto messages = body.find("messages");
    if (messages == body.end()) throw bad_request("Missing required parameter: 'messages'.");
    if (!messages->is_array() || messages->empty())
        throw bad_request("Invalid 'messages': expected a non-empty array of messages.");
    for (std::size_t i = 0; i < messages->size(); ++i) {
        const auto& m = (*messages)[i];
        const std::string where = "messages[" + std::to_string(i) + "]";
        if (!m.is_object() || !m.contains("role") || !m["role"].is_string())
            throw bad_request("Missing required parameter: '" + where + ".role'.");
        const std::string text = m.contains("content") ? content_text(m["content"], where) : std::string();
        p.input_words += count_words(text);
        if (m["role"] == "user") p.last_user_text = text;
    }
    if (const auto stream = body.find("stream"); stream != body.end() && !stream->is_null()) {
        if (!stream->is_boolean()) throw bad_request("Invalid type for 'stream': expected a boolean.");
        p.stream = stream->get<bool>();
    }
    if (const auto options = body.find("stream_options"); options != body.end() && options->is_object()) {
        const auto include = options->find("include_usage");
        p.include_usage = include != options->end() && include->is_boolean() && include->get<bool>();
    }
    return p;
}

ordered body(const prompt& p, const answer& a) {
    const ordered message = {{"role", "assistant"},
                             {"content", a.text},
                             {"refusal", nullptr},
                             {"annotations", ordered::array()}};
    return {{"id", a.id},
            {"object", "chat.completion"},
            {"created", a.created},
            {"model", p.model},
            {"choices",
             ordered::array(
                 {{{"index", 0}, {"message", message}, {"logprobs", nullptr}, {"finish_reason", "stop"}}})},
            {"usage", usage(a)},
            {"service_tier", "default"},
            {"system_fingerprint", "fp_emulator"}};
}

std::vector<sse_event> events(const prompt& p, const answer& a) {
    std::vector<sse_event> out;
    out.push_back({data_event(
        chunk(p, a, choice({{"role", "assistant"}, {"content", ""}, {"refusal", nullptr}}, nullptr)))});
    for (const auto& piece : split_pieces(a.text, 3))
        out.push_back({data_event(chunk(p, a, choice({{"content", piece}}, nullptr))), true});
    out.push_back({data_event(chunk(p, a, choice(ordered::object(), "stop")))});
    if (p.include_usage) {
        ordered last = chunk(p, a, ordered::array());
        last["usage"] = usage(a);
        out.push_back({data_event(last)});
    }
    out.push_back({"data: [DONE]\n\n"});
    return out;
}

}  // namespace aitrail_emulator::openai_chat
