// A small service's calls of every kind in one trail, with no network and no
// account: an LLM call and a streamed one through audited_client, a fraud
// model's predictions, and a call the provider refuses. The model is an
// in-process stand-in for the Anthropic Messages API: any type with send()
// and stream() is a transport, so the client records it as it would a real one.
//
//   ./09_demo_trail [TRAIL_DIR]      (default: ./demo-trail; scripts/demo runs it)
//   aitrail verify TRAIL_DIR

#include <aitrail/aitrail.hpp>

#include <iomanip>      // setw
#include <iostream>
#include <string>
#include <string_view>

namespace {

using json = nlohmann::json;

// Answers like the Anthropic Messages API, from memory. Overloaded when asked
// to be, so the demo shows how a provider's error is recorded.
struct canned_anthropic {
    bool overloaded = false;

    aitrail::model_response send(const aitrail::model_request&) const {
        const json body = overloaded
            ? json{{"type", "error"}, {"error", {{"type", "overloaded_error"}, {"message", "Overloaded"}}}}
            : json{{"id", "msg_demo_1"}, {"type", "message"}, {"role", "assistant"},
                   {"model", "claude-sonnet-4-5-20250929"},
                   {"content", {{{"type", "text"}, {"text", "Refunds are issued within 14 days of a return."}}}},
                   {"stop_reason", "end_turn"}, {"stop_sequence", nullptr},
                   {"usage", {{"input_tokens", 310}, {"output_tokens", 95}}}};
        return {overloaded ? 529 : 200, {{"content-type", "application/json"}}, body.dump()};
    }

    // A stream as the API sends it: the input count first, the output count
    // (cumulative) at the end; audited_client reads both as they pass.
    void stream(const aitrail::model_request&, aitrail::stream_handler& h) const {
        h.on_head({200, {{"content-type", "text/event-stream"}}, ""});
        auto event = [&](std::string_view name, const json& data) {
            h.on_chunk("event: " + std::string(name) + "\ndata: " + data.dump() + "\n\n");
        };
        event("message_start", {{"type", "message_start"},
                                {"message", {{"id", "msg_demo_2"}, {"type", "message"}, {"role", "assistant"},
                                             {"model", "claude-sonnet-4-5-20250929"}, {"content", json::array()},
                                             {"stop_reason", nullptr},
                                             {"usage", {{"input_tokens", 420}, {"output_tokens", 1}}}}}});
        for (const char* piece : {"Your order ", "ships ", "tomorrow."})
            event("content_block_delta", {{"type", "content_block_delta"}, {"index", 0},
                                          {"delta", {{"type", "text_delta"}, {"text", piece}}}});
        event("message_delta", {{"type", "message_delta"}, {"delta", {{"stop_reason", "end_turn"}}},
                                {"usage", {{"output_tokens", 12}}}});
        event("message_stop", {{"type", "message_stop"}});
    }
};

json ask(std::string_view text) {
    return {{"model", "claude-sonnet-4-5-20250929"}, {"max_tokens", 256},
            {"messages", {{{"role", "user"}, {"content", text}}}}};
}

// What the service did, one line per call, with the id that finds it in the trail.
void say(std::string_view who, std::string_view what, std::string_view audit_id) {
    std::cout << std::left << std::setw(14) << who << std::setw(48) << what << "audit id " << audit_id << "\n";
}

}  // namespace

int main(int argc, char** argv) {
    const std::string dir = argc > 1 ? argv[1] : "demo-trail";
    aitrail::auditor audit{aitrail::jsonl_storage{dir}};
    canned_anthropic model;
    aitrail::audited_client claude{model, audit, aitrail::provider_api::anthropic_messages};

    // An LLM call, answered whole, and one streamed: usage, cost, latency.
    auto answer = claude.create(ask("What is our refund policy?"), {.user = "support-bot", .tags = {"support"}});
    say("support-bot", "asked claude-sonnet-4-5: HTTP " + std::to_string(answer.status), answer.audit_id);
    auto streamed = claude.stream(ask("When does order 1042 ship?"), [](std::string_view) { /* to the screen */ },
                                  {.user = "support-bot", .tags = {"support", "streamed"}});
    say("support-bot", "streamed from claude-sonnet-4-5: HTTP " + std::to_string(streamed.status), streamed.audit_id);

    // Two predictions of a fraud model; the label is kept in the record too.
    for (const int amount : {40, 1250}) {
        auto p = audit.predict({.user = "analyst_jane", .model = {"fraud_detector", "v3.2.1"}});
        const std::string label = amount > 1000 ? "fraud" : "legitimate";
        p.features({{"transaction_amount", amount}, {"merchant_category", "electronics"}});
        p.predicted(label, {.score = amount > 1000 ? 0.91 : 0.03});
        say("analyst_jane", "fraud_detector on $" + std::to_string(amount) + ": " + label, p.id());
    }

    // The provider refuses a call: recorded with its error type and status.
    model.overloaded = true;
    auto refused = claude.create(ask("Summarise ticket 250."), {.user = "support-bot", .tags = {"support"}});
    say("support-bot", "asked claude-sonnet-4-5: HTTP " + std::to_string(refused.status) + " overloaded", refused.audit_id);

    audit.flush();
    std::cout << "wrote " << audit.metrics().written << " entries (the calls and the trail's own records) to " << dir << "\n";
}
