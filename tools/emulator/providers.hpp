#pragma once
/// @file providers.hpp
/// What the emulator understands of the three provider APIs: reading a
/// request body into a prompt, and writing the deterministic answer back as a
/// whole body or as server-sent events. No HTTP here; session.hpp does that.

#include <nlohmann/json.hpp>

#include <cstddef>      // size_t
#include <cstdint>      // int64_t, uint64_t
#include <stdexcept>    // runtime_error
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail_emulator {

/// The API a request was sent to, chosen by the path's ending.
enum class api { anthropic_messages, openai_chat, openai_responses };

/// Whose error shape a reply uses: Anthropic's or OpenAI's.
enum class error_style { anthropic, openai };

/// A request body the real API would reject with 400; the message says why.
struct bad_request : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// What the emulator took from a request body.
struct prompt {
    std::string model;            ///< echoed back in every reply
    std::string last_user_text;   ///< text of the last user message, parts joined by '\n'
    std::size_t input_words = 0;  ///< words in all message texts plus system/instructions
    bool stream = false;          ///< `stream: true`
    bool include_usage = false;   ///< Chat Completions `stream_options.include_usage`
    nlohmann::json instructions;  ///< Responses `instructions`, echoed (null when absent)
};

/// The deterministic reply to a prompt.
struct answer {
    std::string id;                 ///< msg_emu_N, chatcmpl-emuN or resp_emuN
    std::string item_id;            ///< Responses: the output message item's id
    std::string text;               ///< "Echo: " + the last user text (first 200 code points)
    std::size_t input_tokens = 0;   ///< prompt::input_words
    std::size_t output_tokens = 0;  ///< words in `text`
    std::int64_t created = 0;       ///< Unix seconds
};

/// One server-sent event, ready to write as one chunk.
struct sse_event {
    std::string bytes;           ///< "event: ...\ndata: ...\n\n" or "data: ...\n\n"
    bool content_delta = false;  ///< carries a piece of the answer text
};

/// The error style that fits an API.
error_style style_of(api which) noexcept;

/// Reads a request body; throws bad_request where the real API answers 400.
prompt parse_prompt(api which, const nlohmann::json& body);

/// The answer to `p`; `counter` makes the ids unique within one run.
answer make_answer(api which, const prompt& p, std::uint64_t counter);

/// The non-streaming response body.
std::string response_body(api which, const prompt& p, const answer& a);

/// The streamed response, one element per event, in order.
std::vector<sse_event> stream_events(api which, const prompt& p, const answer& a);

/// An event whose data is cut mid-JSON, for the `malformed` fault.
std::string malformed_event(api which);

/// A provider-shaped error body for an HTTP status (400..599); `detail`
/// names the model or URL where the real message would.
std::string error_body(error_style style, int status, std::string_view detail);

// Text helpers shared by the per-API files.

/// Words separated by ASCII whitespace.
std::size_t count_words(std::string_view text) noexcept;

/// `text` cut after `max` code points, never inside a UTF-8 sequence.
std::string first_code_points(std::string_view text, std::size_t max);

/// `text` split into consecutive pieces of about `words` words each; the
/// whitespace before a word starts its piece, so the pieces join back to `text`.
std::vector<std::string> split_pieces(std::string_view text, std::size_t words);

/// The text of a message's `content`: a string, or the `text` members of an
/// array of parts joined by '\n'; null is empty. Throws bad_request otherwise.
std::string content_text(const nlohmann::json& content, std::string_view where);

/// One SSE event with an `event:` line.
std::string named_event(std::string_view name, const nlohmann::ordered_json& data);

/// One SSE event with only a `data:` line.
std::string data_event(const nlohmann::ordered_json& data);

namespace anthropic {
/// Anthropic Messages request → prompt.
prompt parse(const nlohmann::json& body);
/// Anthropic Messages response body.
nlohmann::ordered_json body(const prompt& p, const answer& a);
/// Anthropic Messages event stream.
std::vector<sse_event> events(const prompt& p, const answer& a);
}  // namespace anthropic

namespace openai_chat {
/// Chat Completions request → prompt.
prompt parse(const nlohmann::json& body);
/// Chat Completions response body.
nlohmann::ordered_json body(const prompt& p, const answer& a);
/// Chat Completions chunk stream, ending in `data: [DONE]`.
std::vector<sse_event> events(const prompt& p, const answer& a);
}  // namespace openai_chat

namespace openai_responses {
/// Responses request → prompt.
prompt parse(const nlohmann::json& body);
/// Responses response object (status "completed").
nlohmann::ordered_json body(const prompt& p, const answer& a);
/// Responses event stream.
std::vector<sse_event> events(const prompt& p, const answer& a);
}  // namespace openai_responses

}  // namespace aitrail_emulator
