// Anthropic Messages (POST /v1/messages): request reading, response body and
// event stream, in the shapes the official SDK's fixtures record.

#include "providers.hpp"

namespace aitrail_emulator::anthropic {

namespace {

using ordered = nlohmann::ordered_json;

/// A required string member, or the 400 the real API gives.
std::string required_string(const nlohmann::json& body, const char* name) {
    const auto it = body.find(name);
    if (it == body.end()) throw bad_request(std::string(name) + ": Field required");
    if (!it->is_string()) throw bad_request(std::string(name) + ": Input should be a valid string");
    return it->get<std::string>();
}

/// The usage block of a message, as in the non-streaming response and in message_start.
ordered usage(std::size_t input, std::size_t output, bool with_cache_creation) {
    ordered u = {{"input_tokens", input}, {"cache_creation_input_tokens", 0}, {"cache_read_input_tokens", 0}};
    if (with_cache_creation) u["cache_creation"] = {{"ephemeral_5m_input_tokens", 0}, {"ephemeral_1h_input_tokens", 0}};
    u["output_tokens"] = output;
    u["service_tier"] = "standard";
    return u;
}

}  // namespace

prompt parse(const nlohmann::json& body) {
    prompt p;
    p.model = required_string(body, "model");
    const auto max_tokens = body.find("max_tokens");
    if (max_tokens == body.end()) throw bad_request("max_tokens: Field required");
    if (!max_tokens->is_number_integer()) throw bad_request("max_tokens: Input should be a valid integer");
    const auto messages = body.find("messages");
    if (messages == body.end()) throw bad_request("messages: Field required");
    if (!messages->is_array()) throw bad_request("messages: Input should be a valid list");
    if (messages->empty()) throw bad_request("messages: at least one message is required");
    for (std::size_t i = 0; i < messages->size(); ++i) {
        const auto& m = (*messages)[i];
        const std::string where = "messages." + std::to_string(i);
        if (!m.is_object() || !m.contains("role") || !m["role"].is_string())
            throw bad_request(where + ".role: Field required");
        if (!m.contains("content")) throw bad_request(where + ".content: Field required");
        const std::string text = content_text(m["content"], where);
        p.input_words += count_words(text);
        if (m["role"] == "user") p.last_user_text = text;
    }
    if (const auto system = body.find("system"); system != body.end())
        p.input_words += count_words(content_text(*system, "system"));
    if (const auto stream = body.find("stream"); stream != body.end()) {
        if (!stream->is_boolean()) throw bad_request("stream: Input should be a valid boolean");
        p.stream = stream->get<bool>();
    }
    return p;
}

ordered body(const prompt& p, const answer& a) {
    return {{"model", p.model},
            {"id", a.id},
            {"type", "message"},
            {"role", "assistant"},
            {"content", ordered::array({{{"type", "text"}, {"text", a.text}}})},
            {"stop_reason", "end_turn"},
            {"stop_sequence", nullptr},
            {"usage", usage(a.input_tokens, a.output_tokens, true)}};
}

std::vector<sse_event> events(const prompt& p, const answer& a) {
    std::vector<sse_event> out;
    const ordered message = {{"id", a.id},
                             {"type", "message"},
                             {"role", "assistant"},
                             {"model", p.model},
                             {"content", ordered::array()},
                             {"stop_reason", nullptr},
                             {"stop_sequence", nullptr},
                             {"usage", usage(a.input_tokens, 1, false)}};
    out.push_back({named_event("message_start", {{"type", "message_start"}, {"message", message}})});
    out.push_back({named_event("content_block_start",
                               {{"type", "content_block_start"},
                                {"index", 0},
                                {"content_block", {{"type", "text"}, {"text", ""}}}})});
    out.push_back({named_event("ping", {{"type", "ping"}})});
    for (const auto& piece : split_pieces(a.text, 3))
        out.push_back({named_event("content_block_delta",
                                   {{"type", "content_block_delta"},
                                    {"index", 0},
                                    {"delta", {{"type", "text_delta"}, {"text", piece}}}}),
                       true});
    out.push_back({named_event("content_block_stop", {{"type", "content_block_stop"}, {"index", 0}})});
    out.push_back({named_event("message_delta",
                               {{"type", "message_delta"},
                                {"delta", {{"stop_reason", "end_turn"}, {"stop_sequence", nullptr}}},
                                {"usage", {{"output_tokens", a.output_tokens}}}})});
    out.push_back({named_event("message_stop", {{"type", "message_stop"}})});
    return out;
}

}  // namespace aitrail_emulator::anthropic
