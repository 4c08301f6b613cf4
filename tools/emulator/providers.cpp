// The API-independent half of providers.hpp: dispatch, text helpers and the
// provider-shaped error bodies.

#include "providers.hpp"

#include <ctime>  // time

namespace aitrail_emulator {

namespace {

/// ASCII whitespace, as the usage formula counts it.
bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/// Anthropic's error `type` for a status.
std::string_view anthropic_error_type(int status) noexcept {
    switch (status) {
    case 400: return "invalid_request_error";
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 413: return "request_too_large";
    case 429: return "rate_limit_error";
    case 529: return "overloaded_error";
    default: return status < 500 ? "invalid_request_error" : "api_error";
    }
}

/// Anthropic's error message for a status; the wording follows the real API's.
std::string anthropic_message(int status, std::string_view detail) {
    switch (status) {
    case 404: return "Not found: " + std::string(detail);
    case 429:
        return "This request would exceed the rate limit for your organization of 50 requests per minute "
               "(model " + std::string(detail) + "). Please try again later.";
    case 500: return "Internal server error";
    case 529: return "Overloaded";
    default: return "Emulated error " + std::to_string(status) + " for " + std::string(detail);
    }
}

/// OpenAI's error object for a status.
nlohmann::ordered_json openai_error(int status, std::string_view detail) {
    std::string message;
    std::string type = status < 500 ? "invalid_request_error" : "server_error";
    nlohmann::ordered_json code = nullptr;
    switch (status) {
    case 401:
        message = "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.";
        code = "invalid_api_key";
        break;
    case 404: message = "Invalid URL (" + std::string(detail) + ")"; break;
    case 429:
        // OpenAI names the exhausted limit ("requests" or "tokens") in `type`.
        message = "Rate limit reached for " + std::string(detail) +
                  " in organization org-emulator on requests per min (RPM): Limit 3, Used 3, Requested 1. "
                  "Please try again in 1s.";
        type = "requests";
        code = "rate_limit_exceeded";
        break;
    case 500: message = "The server had an error while processing your request. Sorry about that!"; break;
    case 503:
    case 529: message = "The engine is currently overloaded, please try again later."; break;
    default: message = "Emulated error " + std::to_string(status) + " for " + std::string(detail); break;
    }
    return {{"message", message}, {"type", type}, {"param", nullptr}, {"code", code}};
}

}  // namespace

error_style style_of(api which) noexcept {
    return which == api::anthropic_messages ? error_style::anthropic : error_style::openai;
}

prompt parse_prompt(api which, const nlohmann::json& body) {
    if (!body.is_object()) throw bad_request("request body must be a JSON object");
    switch (which) {
    case api::anthropic_messages: return anthropic::parse(body);
    case api::openai_chat: return openai_chat::parse(body);
    case api::openai_responses: return openai_responses::parse(body);
    }
    throw bad_request("unknown API");
}

answer make_answer(api which, const prompt& p, std::uint64_t counter) {
    answer a;
    const std::string n = std::to_string(counter);
    switch (which) {
    case api::anthropic_messages: a.id = "msg_emu_" + n; break;
    case api::openai_chat: a.id = "chatcmpl-emu" + n; break;
    case api::openai_responses: a.id = "resp_emu" + n; break;
    }
    a.item_id = "msg_emu_" + n;
    a.text = "Echo: " + first_code_points(p.last_user_text, 200);
    a.input_tokens = p.input_words;
    a.output_tokens = count_words(a.text);
    a.created = static_cast<std::int64_t>(std::time(nullptr));
    return a;
}

std::string response_body(api which, const prompt& p, const answer& a) {
    switch (which) {
    case api::anthropic_messages: return anthropic::body(p, a).dump();
    case api::openai_chat: return openai_chat::body(p, a).dump();
    case api::openai_responses: return openai_responses::body(p, a).dump();
    }
    return {};
}

std::vector<sse_event> stream_events(api which, const prompt& p, const answer& a) {
    switch (which) {
    case api::anthropic_messages: return anthropic::events(p, a);
    case api::openai_chat: return openai_chat::events(p, a);
    case api::openai_responses: return openai_responses::events(p, a);
    }
    return {};
}

std::string malformed_event(api which) {
    switch (which) {
    case api::anthropic_messages:
        return "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_de\n\n";
    case api::openai_chat: return "data: {\"id\":\"chatcmpl-emu\",\"object\":\"chat.completion.chu\n\n";
    case api::openai_responses:
        return "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"Ec\n\n";
    }
    return {};
}

std::string error_body(error_style style, int status, std::string_view detail) {
    if (style == error_style::openai) return nlohmann::ordered_json{{"error", openai_error(status, detail)}}.dump();
    const nlohmann::ordered_json body = {
        {"type", "error"},
        {"error", {{"type", anthropic_error_type(status)}, {"message", anthropic_message(status, detail)}}}};
    return body.dump();
}

std::size_t count_words(std::string_view text) noexcept {
    std::size_t words = 0;
    bool in_word = false;
    for (const char c : text) {
        const bool space = is_space(c);
        if (!space && !in_word) ++words;
        in_word = !space;
    }
    return words;
}

std::string first_code_points(std::string_view text, std::size_t max) {
    std::size_t seen = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool starts_code_point = (static_cast<unsigned char>(text[i]) & 0xC0U) != 0x80U;
        if (starts_code_point && seen++ == max) return std::string(text.substr(0, i));
    }
    return std::string(text);
}

std::vector<std::string> split_pieces(std::string_view text, std::size_t words) {
    std::vector<std::string> pieces;
    std::size_t piece_start = 0;
    std::size_t space_start = 0;  // where the whitespace before the current word began
    std::size_t word_index = 0;
    bool in_word = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool space = is_space(text[i]);
        if (space && in_word) space_start = i;
        if (!space && !in_word) {
            if (word_index > 0 && word_index % words == 0) {
                pieces.emplace_back(text.substr(piece_start, space_start - piece_start));
                piece_start = space_start;
            }
            ++word_index;
        }
        in_word = !space;
    }
    if (piece_start < text.size() || pieces.empty()) pieces.emplace_back(text.substr(piece_start));
    return pieces;
}

std::string content_text(const nlohmann::json& content, std::string_view where) {
    if (content.is_null()) return {};
    if (content.is_string()) return content.get<std::string>();
    if (!content.is_array()) throw bad_request(std::string(where) + ": content must be a string or an array of parts");
    std::string text;
    bool first = true;
    for (const auto& part : content) {
        if (!part.is_object()) throw bad_request(std::string(where) + ": each content part must be an object");
        const auto it = part.find("text");
        if (it == part.end() || !it->is_string()) continue;  // images, tool results: no text to echo
        if (!first) text += '\n';
        text += it->get<std::string>();
        first = false;
    }
    return text;
}

std::string named_event(std::string_view name, const nlohmann::ordered_json& data) {
    return "event: " + std::string(name) + "\ndata: " + data.dump() + "\n\n";
}

std::string data_event(const nlohmann::ordered_json& data) { return "data: " + data.dump() + "\n\n"; }

}  // namespace aitrail_emulator
