#include <aitrail/capture/audited_client.hpp>

#include <doctest/doctest.h>

#include <aitrail/capture/auditor.hpp>
#include <aitrail/storage/memory_storage.hpp>

#include "support/scripted_transport.hpp"
#include "support/stored_entries.hpp"

#include <stdexcept>  // runtime_error
#include <string>     // string
#include <utility>    // pair
#include <vector>     // vector

namespace audited_client_tests {

namespace {

using aitrail::memory_storage;
using aitrail::provider_api;
using aitrail_test::scripted_transport;
using json = nlohmann::json;
using audit_t = aitrail::auditor<aitrail::synchronous_policy>;

using aitrail_test::last_entry;

std::string event(const std::string& name, const json& data) {
    return "event: " + name + "\ndata: " + data.dump() + "\n\n";
}

/// An Anthropic stream: message_start (input counts), three text deltas,
/// message_delta (cumulative output), message_stop.
std::string anthropic_stream() {
    std::string s;
    s += event("message_start", {{"type", "message_start"},
                                 {"message", {{"id", "msg_test_1"}, {"type", "message"}, {"role", "assistant"},
                                              {"model", "claude-sonnet-4-5-20250929"}, {"content", json::array()},
                                              {"stop_reason", nullptr},
                                              {"usage", {{"input_tokens", 40}, {"cache_read_input_tokens", 100},
                                                         {"cache_creation_input_tokens", 0}, {"output_tokens", 1}}}}}});
    s += event("content_block_start",
               {{"type", "content_block_start"}, {"index", 0}, {"content_block", {{"type", "text"}, {"text", ""}}}});
    s += "event: ping\ndata: {\"type\": \"ping\"}\n\n";
    for (const char* piece : {"The ", "answer ", "is 42."})
        s += event("content_block_delta", {{"type", "content_block_delta"}, {"index", 0},
                                           {"delta", {{"type", "text_delta"}, {"text", piece}}}});
    s += event("content_block_stop", {{"type", "content_block_stop"}, {"index", 0}});
    s += event("message_delta", {{"type", "message_delta"},
                                 {"delta", {{"stop_reason", "end_turn"}, {"stop_sequence", nullptr}}},
                                 {"usage", {{"output_tokens", 9}}}});
    s += event("message_stop", {{"type", "message_stop"}});
    return s;
}

const json anthropic_request = {{"model", "claude-sonnet-4-5"},
                                {"max_tokens", 256},
                                {"messages", {{{"role", "user"}, {"content", "What is the answer?"}}}}};

}  // namespace

TEST_SUITE_BEGIN("audited_client");

TEST_CASE("audited_client: create returns the provider's bytes and records usage, model and content") {
    memory_storage storage;
    audit_t audit{storage};
    scripted_transport t;
    const std::string body =
        R"({"model":"claude-sonnet-4-5-20250929","id":"msg_test_2","type":"message","role":"assistant",)"
        R"("content":[{"type":"text","text":"Hi."}],"stop_reason":"end_turn","stop_sequence":null,)"
        R"("usage":{"input_tokens":222,"cache_creation_input_tokens":3,"cache_read_input_tokens":5,"output_tokens":14}})";
    t.response = aitrail_test::json_response(200, body);
    aitrail::audited_client client{t, audit, provider_api::anthropic_messages,
                                   {.headers = {{"x-api-key", "sk-ant-secret-123"}}}};

    const auto r = client.create(anthropic_request, {.user = "user_42", .tags = {"support"}});
    CHECK(r.status == 200);
    CHECK(r.body == body);  // unchanged, byte for byte
    REQUIRE(t.requests.size() == 1);
    CHECK(t.requests[0].target == "/v1/messages");
    CHECK(json::parse(t.requests[0].body) == anthropic_request);

    const json e = last_entry(storage);
    const json& rec = e["rec"];
    CHECK(rec["id"] == r.audit_id);
    CHECK(rec["kind"] == "llm.call");
    CHECK(rec["action"] == "messages.create");
    CHECK(rec["user"] == "user_42");
    CHECK(rec["tags"] == json{"support"});
    CHECK(rec["model"] == json{{"name", "claude-sonnet-4-5-20250929"}, {"provider", "anthropic"}});
    CHECK(rec["status"] == "ok");
    CHECK(rec["stop_reason"] == "end_turn");
    CHECK(rec["usage"]["input_tokens"] == 230);  // 222 + 3 written + 5 read: every input token
    CHECK(rec["usage"]["cache_read_tokens"] == 5);
    CHECK(rec["usage"]["cache_write_tokens"] == 3);
    CHECK(rec["usage"]["output_tokens"] == 14);
    CHECK(rec["meta"]["usage_source"] == "provider");
    CHECK(rec["meta"]["response_id"] == "msg_test_2");
    CHECK(rec["meta"]["http_status"] == 200);
    CHECK(rec["meta"]["stream"] == false);
    CHECK(rec.contains("latency_us"));
    CHECK(e["content"]["input"] == anthropic_request);
    CHECK(e["content"]["output"] == json::parse(body));
    // The API key travelled in a header: nowhere in the trail.
    for (const auto& line : storage.lines()) CHECK(line.find("sk-ant-secret") == std::string::npos);
}

TEST_CASE("audited_client: a stream reaches the application unchanged and records TTFT and final usage") {
    memory_storage storage;
    audit_t audit{storage};
    scripted_transport t;
    t.response = aitrail_test::sse_response(anthropic_stream());
    t.chunk_size = 5;  // chunks end mid-line and mid-event
    aitrail::audited_client client{t, audit, provider_api::anthropic_messages};

    std::string seen;
    int chunks = 0;
    const auto r = client.stream(anthropic_request, [&](std::string_view bytes) {
        seen += bytes;
        ++chunks;
    });
    CHECK(r.status == 200);
    CHECK(seen == anthropic_stream());
    CHECK(chunks > 10);
    CHECK(json::parse(t.requests.at(0).body)["stream"] == true);

    const json e = last_entry(storage);
    const json& rec = e["rec"];
    CHECK(rec["status"] == "ok");
    CHECK(rec["usage"]["input_tokens"] == 140);
    CHECK(rec["usage"]["cache_read_tokens"] == 100);
    CHECK(rec["usage"]["output_tokens"] == 9);
    CHECK(rec["meta"]["usage_source"] == "provider");
    CHECK(rec["meta"]["stream"] == true);
    CHECK(rec["stop_reason"] == "end_turn");
    std::vector<std::string> marks;
    for (const auto& ev : rec["events"]) marks.push_back(ev["name"]);
    CHECK(marks == std::vector<std::string>{"forwarded", "response_head", "first_token", "completed"});
    CHECK(rec["meta"]["ttft_us"].is_number_integer());
    CHECK(e["content"]["output"]["content"][0]["text"] == "The answer is 42.");
}

TEST_CASE("audited_client: a stream cut off mid-answer records partial usage and the failure") {
    memory_storage storage;
    audit_t audit{storage};
    scripted_transport t;
    const std::string stream = anthropic_stream();
    t.response = aitrail_test::sse_response(stream);
    t.cut_after = stream.find("is 42.");  // after message_start and two deltas
    aitrail::audited_client client{t, audit, provider_api::anthropic_messages};

    std::string seen;
    CHECK_THROWS_AS(client.stream(anthropic_request, [&](std::string_view b) { seen += b; }), aitrail::transport_error);
    CHECK(seen.size() == *t.cut_after);
    const json rec = last_entry(storage)["rec"];
    CHECK(rec["status"] == "error");
    CHECK(rec["error"]["type"] == "transport.cut_off");
    CHECK(rec["meta"]["usage_source"] == "partial");
    CHECK(rec["usage"]["input_tokens"] == 140);     // from message_start
    CHECK(rec["usage"]["output_tokens"] == 1);      // the last count the provider sent, not a guess
}

TEST_CASE("audited_client: OpenAI chat streams ask for usage unless told not to") {
    const std::string chunk1 =
        R"(data: {"id":"chatcmpl-t","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"},"finish_reason":null}]})"
        "\n\n";
    const std::string chunk2 =
        R"(data: {"id":"chatcmpl-t","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})"
        "\n\n";
    const std::string usage_chunk =
        R"(data: {"id":"chatcmpl-t","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":1,"total_tokens":13}})"
        "\n\n";
    const json request = {{"model", "gpt-4o-mini"}, {"messages", {{{"role", "user"}, {"content", "Hi"}}}}};

    // Streams `body` back through a client with `options`: the request body
    // the transport was sent, and the record written.
    const auto stream_through = [&](const std::string& body, aitrail::audited_client_options options) {
        memory_storage storage;
        audit_t audit{storage};
        scripted_transport t;
        t.response = aitrail_test::sse_response(body);
        aitrail::audited_client client{t, audit, provider_api::openai_chat, options};
        client.stream(request, [](std::string_view) {});
        return std::pair{json::parse(t.requests.at(0).body), last_entry(storage)["rec"]};
    };
    SUBCASE("by default the request asks for the usage chunk") {
        const auto [sent, rec] = stream_through(chunk1 + chunk2 + usage_chunk + "data: [DONE]\n\n", {});
        CHECK(sent["stream_options"]["include_usage"] == true);
        CHECK(rec["usage"]["input_tokens"] == 12);
        CHECK(rec["usage"]["output_tokens"] == 1);
        CHECK(rec["meta"]["usage_source"] == "provider");
        CHECK(rec["stop_reason"] == "stop");
    }
    SUBCASE("without it, the usage is missing: unset, never 0") {
        const auto [sent, rec] = stream_through(chunk1 + chunk2 + "data: [DONE]\n\n", {.ensure_stream_usage = false});
        CHECK_FALSE(sent.contains("stream_options"));
        CHECK_FALSE(rec.contains("usage"));
        CHECK(rec["meta"]["usage_source"] == "missing");
        CHECK(rec["status"] == "ok");
    }
}

TEST_CASE("audited_client: provider errors are returned to the application and recorded with type and status") {
    memory_storage storage;
    audit_t audit{storage};
    scripted_transport t;
    const std::string body = R"({"type":"error","error":{"type":"rate_limit_error","message":"slow down"}})";
    t.response = aitrail_test::json_response(429, body);
    aitrail::audited_client client{t, audit, provider_api::anthropic_messages};

    SUBCASE("create") {
        const auto r = client.create(anthropic_request);
        CHECK(r.status == 429);
        CHECK(r.body == body);
    }
    SUBCASE("stream: an error answer is not SSE; the application gets it whole") {
        std::string streamed;
        const auto r = client.stream(anthropic_request, [&](std::string_view b) { streamed += b; });
        CHECK(r.status == 429);
        CHECK(r.body == body);
        CHECK(streamed.empty());
    }
    const json rec = last_entry(storage)["rec"];
    CHECK(rec["status"] == "error");
    CHECK(rec["error"]["type"] == "rate_limit_error");
    CHECK(rec["error"]["message"] == "slow down");
    CHECK(rec["meta"]["http_status"] == 429);
    CHECK(rec["meta"]["usage_source"] == "missing");
}

TEST_CASE("audited_client: a transport failure is recorded, then rethrown") {
    memory_storage storage;
    audit_t audit{storage};
    scripted_transport t;
    t.fail_first = aitrail::transport_failure::connect;
    aitrail::audited_client client{t, audit, provider_api::openai_responses};
    CHECK_THROWS_AS(client.create({{"model", "gpt-5.4"}, {"input", "hi"}}), aitrail::transport_error);
    const json rec = last_entry(storage)["rec"];
    CHECK(rec["status"] == "error");
    CHECK(rec["error"]["type"] == "transport.connect");
    CHECK(rec["action"] == "responses.create");
    CHECK(rec["model"]["name"] == "gpt-5.4");
    CHECK_FALSE(rec["meta"].contains("http_status"));
}

TEST_CASE("audited_client: an application callback that throws leaves an abandoned record") {
    memory_storage storage;
    audit_t audit{storage};
    scripted_transport t;
    t.response = aitrail_test::sse_response(anthropic_stream());
    aitrail::audited_client client{t, audit, provider_api::anthropic_messages};
    int calls = 0;
    CHECK_THROWS_AS(client.stream(anthropic_request,
                                  [&](std::string_view) {
                                      if (++calls == 3) throw std::runtime_error("UI closed");
                                  }),
                    std::runtime_error);
    const json rec = last_entry(storage)["rec"];
    CHECK(rec["status"] == "error");
    CHECK(rec["error"]["type"] == "abandoned");
    CHECK(rec["error"]["message"] == "UI closed");
}

TEST_CASE("audited_client: a transport missing stream() is refused with a readable message") {
    struct send_only {
        aitrail::model_response send(const aitrail::model_request&) { return {}; }
    };
    CHECK_FALSE(aitrail::transport<send_only>);
    CHECK(aitrail::transport<scripted_transport>);
}

TEST_SUITE_END();

}  // namespace audited_client_tests
