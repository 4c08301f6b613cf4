// OpenAI Responses (POST /v1/responses): request reading, the response
// object and its event stream, in the shapes of the OpenAPI spec's examples.

#include "providers.hpp"

namespace aitrail_emulator::openai_responses {

namespace {

using ordered = nlohmann::ordered_json;

/// The output_text content part.
ordered text_part(const std::string& text) {
    return {{"type", "output_text"}, {"text", text}, {"annotations", ordered::array()}};
}

/// The assistant message item; in progress it has no content yet.
ordered message_item(const answer& a, bool completed) {
    return {{"id", a.item_id},
            {"type", "message"},
            {"status", completed ? "completed" : "in_progress"},
            {"role", "assistant"},
            {"content", completed ? ordered::array({text_part(a.text)}) : ordered::array()}};
}

/// The response object; usage and output appear only once it is completed.
ordered response(const prompt& p, const answer& a, bool completed) {
    ordered usage = nullptr;
    if (completed)
        usage = {{"input_tokens", a.input_tokens},
                 {"input_tokens_details", {{"cached_tokens", 0}}},
                 {"output_tokens", a.output_tokens},
                 {"output_tokens_details", {{"reasoning_tokens", 0}}},
                 {"total_tokens", a.input_tokens + a.output_tokens}};
    return {{"id", a.id},
            {"object", "response"},
            {"created_at", a.created},
            {"status", completed ? "completed" : "in_progress"},
            {"error", nullptr},
            {"incomplete_details", nullptr},
            {"instructions", p.instructions},
            {"max_output_tokens", nullptr},
            {"model", p.model},
            {"output", completed ? ordered::array({message_item(a, true)}) : ordered::array()},
            {"parallel_tool_calls", true},
            {"previous_response_id", nullptr},
            {"reasoning", {{"effort", nullptr}, {"summary", nullptr}}},
            {"store", true},
            {"temperature", 1.0},
            {"text", {{"format", {{"type", "text"}}}}},
            {"tool_choice", "auto"},
            {"tools", ordered::array()},
            {"top_p", 1.0},
            {"truncation", "disabled"},
            {"usage", usage},
            {"user", nullptr},
            {"metadata", ordered::object()}};
}

}  // namespace

prompt parse(const nlohmann::json& body) {
    prompt p;
    const auto model = body.find("model");
    if (model == body.end() || !model->is_string()) throw bad_request("Missing required parameter: 'model'.");
    p.model = model->get<std::string>();
    const auto input = body.find("input");
    if (input == body.end()) throw bad_request("Missing required parameter: 'input'.");
    if (input->is_string()) {
        p.last_user_text = input->get<std::string>();
        p.input_words = count_words(p.last_user_text);
    } else if (input->is_array()) {
        for (std::size_t i = 0; i < input->size(); ++i) {
            const auto& item = (*input)[i];
            if (!item.is_object()) throw bad_request("Invalid 'input[" + std::to_string(i) + "]': expected an object.");
            // Items without a role (function call outputs, reasoning) carry no prompt text.
            if (!item.contains("role") || !item.contains("content")) continue;
            const std::string text = content_text(item["content"], "input[" + std::to_string(i) + "]");
            p.input_words += count_words(text);
            if (item["role"] == "user") p.last_user_text = text;
        }
    } else {
        throw bad_request("Invalid type for 'input': expected a string or an array of input items.");
    }
    if (const auto instructions = body.find("instructions"); instructions != body.end() && !instructions->is_null()) {
        if (!instructions->is_string()) throw bad_request("Invalid type for 'instructions': expected a string.");
        p.instructions = *instructions;
        p.input_words += count_words(instructions->get<std::string>());
    }
    if (const auto stream = body.find("stream"); stream != body.end() && !stream->is_null()) {
        if (!stream->is_boolean()) throw bad_request("Invalid type for 'stream': expected a boolean.");
        p.stream = stream->get<bool>();
    }
    return p;
}

ordered body(const prompt& p, const answer& a) { return response(p, a, true); }

std::vector<sse_event> events(const prompt& p, const answer& a) {
    std::vector<sse_event> out;
    int sequence = 0;
    // Each event carries its type twice (the event line and `type`) plus a sequence number.
    const auto add = [&](std::string_view type, ordered fields, bool delta = false) {
        ordered data = {{"type", type}, {"sequence_number", sequence++}};
        for (auto& [key, value] : fields.items()) data[key] = std::move(value);
        out.push_back({named_event(type, data), delta});
    };
    const auto position = [&](ordered extra) {
        ordered f = {{"item_id", a.item_id}, {"output_index", 0}, {"content_index", 0}};
        for (auto& [key, value] : extra.items()) f[key] = std::move(value);
        return f;
    };
    add("response.created", {{"response", response(p, a, false)}});
    add("response.in_progress", {{"response", response(p, a, false)}});
    add("response.output_item.added", {{"output_index", 0}, {"item", message_item(a, false)}});
    add("response.content_part.added", position({{"part", text_part("")}}));
    for (const auto& piece : split_pieces(a.text, 3))
        add("response.output_text.delta", position({{"delta", piece}, {"logprobs", ordered::array()}}), true);
    add("response.output_text.done", position({{"text", a.text}, {"logprobs", ordered::array()}}));
    add("response.content_part.done", position({{"part", text_part(a.text)}}));
    add("response.output_item.done", {{"output_index", 0}, {"item", message_item(a, true)}});
    add("response.completed", {{"response", response(p, a, true)}});
    return out;
}

}  // namespace aitrail_emulator::openai_responses
