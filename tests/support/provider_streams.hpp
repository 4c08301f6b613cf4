#pragma once
// Sample bodies of the three provider APIs, as their servers stream them:
// the adapters' own tests read them, and so does the test that damages
// them byte by byte for every adapter alike.

#include <string>  // string

namespace aitrail_test {

namespace anthropic_sample {

/// A message with thinking, text and a tool call, as the API streams it.
inline const std::string tool_stream =
    "event: message_start\n"
    "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01A\",\"type\":\"message\",\"role\":\"assistant\","
    "\"model\":\"claude-sonnet-4-20250514\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
    "\"usage\":{\"input_tokens\":1000,\"cache_creation_input_tokens\":500,\"cache_read_input_tokens\":2000,"
    "\"output_tokens\":1}}}\n\n"
    "event: ping\n"
    "data: {\"type\": \"ping\"}\n\n"
    "event: content_block_start\n"
    "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}\n\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Check the \"}}\n\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"weather.\"}}\n\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"EqQB\"}}\n\n"
    "event: content_block_stop\n"
    "data: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
    "event: content_block_start\n"
    "data: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"Let me look \xC3\xA9\"}}\n\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"that up.\"}}\n\n"
    "event: content_block_stop\n"
    "data: {\"type\":\"content_block_stop\",\"index\":1}\n\n"
    "event: content_block_start\n"
    "data: {\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01\","
    "\"name\":\"get_weather\",\"input\":{}}}\n\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}\n\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\": \"}}\n\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"Paris\\\"}\"}}\n\n"
    "event: content_block_stop\n"
    "data: {\"type\":\"content_block_stop\",\"index\":2}\n\n"
    "event: message_delta\n"
    "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},"
    "\"usage\":{\"output_tokens\":400,\"server_tool_use\":{\"web_search_requests\":2}}}\n\n"
    "event: message_stop\n"
    "data: {\"type\":\"message_stop\"}\n\n";

}  // namespace anthropic_sample

namespace openai_chat_sample {

inline std::string chunk(const std::string& choices, const std::string& extra = "") {
    return "data: {\"id\":\"chatcmpl-9x\",\"object\":\"chat.completion.chunk\",\"created\":1727346169,"
           "\"model\":\"gpt-4o-2024-08-06\",\"system_fingerprint\":\"fp_50\",\"choices\":" +
           choices + extra + "}\n\n";
}

/// Text, then a tool call in two argument pieces, then usage and [DONE]
/// (a request with stream_options.include_usage).
inline const std::string usage_stream =
    chunk(R"([{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}])",
          R"(,"usage":null)") +
    chunk(R"([{"index":0,"delta":{"content":"Checking "},"finish_reason":null}])", R"(,"usage":null)") +
    chunk(R"([{"index":0,"delta":{"content":"caf\u00e9s."},"finish_reason":null}])", R"(,"usage":null)") +
    chunk(R"([{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"find","arguments":""}}]},"finish_reason":null}])",
          R"(,"usage":null)") +
    chunk(R"([{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"q\":"}}]},"finish_reason":null}])",
          R"(,"usage":null)") +
    chunk(R"([{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"cafe\"}"}}]},"finish_reason":null}])",
          R"(,"usage":null)") +
    chunk(R"([{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}])", R"(,"usage":null)") +
    chunk("[]", R"(,"usage":{"prompt_tokens":1200,"completion_tokens":800,"total_tokens":2000,)"
                R"("prompt_tokens_details":{"cached_tokens":1024,"audio_tokens":0},)"
                R"("completion_tokens_details":{"reasoning_tokens":512,"audio_tokens":0}})") +
    "data: [DONE]\n\n";

/// The same without include_usage: no usage chunk, no counts.
inline const std::string plain_stream =
    chunk(R"([{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}])") +
    chunk(R"([{"index":0,"delta":{"content":"Hi"},"finish_reason":null}])") +
    chunk(R"([{"index":0,"delta":{},"finish_reason":"stop"}])") + "data: [DONE]\n\n";

}  // namespace openai_chat_sample

namespace openai_responses_sample {

inline std::string event(const std::string& type, const std::string& fields) {
    return "event: " + type + "\ndata: {\"type\":\"" + type + "\"," + fields + "}\n\n";
}

inline const std::string announced =
    R"("response":{"id":"resp_67c","object":"response","created_at":1741290958,"status":"in_progress",)"
    R"("error":null,"incomplete_details":null,"model":"o4-mini-2025-04-16","output":[],"usage":null})";

inline const std::string final_usage =
    R"("usage":{"input_tokens":1500,"input_tokens_details":{"cached_tokens":1024,"cache_write_tokens":100},)"
    R"("output_tokens":500,"output_tokens_details":{"reasoning_tokens":300},"total_tokens":2000})";

inline const std::string reasoning_item_done =
    R"({"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"Thinking it over."}]})";
inline const std::string message_item_done =
    R"({"id":"msg_1","type":"message","status":"completed","role":"assistant",)"
    R"("content":[{"type":"output_text","text":"Hi there!","annotations":[]}]})";

/// Reasoning with a summary, then a message, then response.completed.
inline const std::string text_stream =
    event("response.created", R"("sequence_number":0,)" + announced) +
    event("response.in_progress", R"("sequence_number":1,)" + announced) +
    event("response.output_item.added", R"("output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[]})") +
    event("response.reasoning_summary_part.added",
          R"("item_id":"rs_1","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":""})") +
    event("response.reasoning_summary_text.delta", R"("item_id":"rs_1","output_index":0,"summary_index":0,"delta":"Thinking ")") +
    event("response.reasoning_summary_text.delta", R"("item_id":"rs_1","output_index":0,"summary_index":0,"delta":"it over.")") +
    event("response.output_item.done", R"("output_index":0,"item":)" + reasoning_item_done) +
    event("response.output_item.added",
          R"("output_index":1,"item":{"id":"msg_1","type":"message","status":"in_progress","role":"assistant","content":[]})") +
    event("response.content_part.added",
          R"("item_id":"msg_1","output_index":1,"content_index":0,"part":{"type":"output_text","text":"","annotations":[]})") +
    event("response.output_text.delta", R"("item_id":"msg_1","output_index":1,"content_index":0,"delta":"Hi ")") +
    event("response.output_text.delta", R"("item_id":"msg_1","output_index":1,"content_index":0,"delta":"there!")") +
    event("response.output_text.done", R"("item_id":"msg_1","output_index":1,"content_index":0,"text":"Hi there!")") +
    event("response.output_item.done", R"("output_index":1,"item":)" + message_item_done) +
    event("response.completed",
          R"("response":{"id":"resp_67c","object":"response","created_at":1741290958,"status":"completed","error":null,)"
          R"("incomplete_details":null,"model":"o4-mini-2025-04-16","output":[)" +
              reasoning_item_done + "," + message_item_done + "]," + final_usage + "}");

}  // namespace openai_responses_sample

}  // namespace aitrail_test
