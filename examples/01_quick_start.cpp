// Quick start: audit an LLM-style call and an ML prediction into a verifiable
// trail on the embedded default storage (rotating JSONL files).
//
//   ./01_quick_start [TRAIL_DIR]      (default: ./demo-trail)
//   aitrail verify TRAIL_DIR

#include <aitrail/aitrail.hpp>

#include <iostream>
#include <stdexcept>
#include <string>

// Stand-ins for a real model client and a real classifier.
std::string ask_model(const std::string& prompt) { return "Summary of: " + prompt.substr(0, 40); }
double fraud_score(double amount) { return amount > 1000 ? 0.12 : 0.03; }

int main(int argc, char** argv) {
    const std::string dir = argc > 1 ? argv[1] : "demo-trail";
    aitrail::auditor audit{aitrail::jsonl_storage{dir}};

    // An LLM call: input, output, usage and stop reason, timed by the scope.
    {
        auto scope = audit.scope({.kind = "llm.call", .action = "messages.create", .user = "backend-team",
                                  .model = {"claude-sonnet-4-20250514", "", "anthropic"}, .tags = {"sql-explain"}});
        const std::string prompt = "Explain this query: SELECT * FROM orders WHERE created_at > NOW() - INTERVAL '7 days'";
        scope.input({{"messages", {{{"role", "user"}, {"content", prompt}}}}, {"max_tokens", 1024}});
        scope.output(ask_model(prompt));
        scope.usage({.input = 310, .output = 95}).stop_reason("end_turn");
    }

    // An ML prediction (a fraud detector), recorded even if it throws.
    {
        auto scope = audit.scope({.kind = "ml.prediction", .action = "predict", .user = "analyst_jane",
                                  .model = {"fraud_detector", "v3.2.1"}});
        scope.input({{"transaction_amount", 1250}, {"merchant_category", "electronics"}});
        const double score = scope.run([] { return fraud_score(1250); });
        scope.output({{"prediction", score < 0.5 ? "legitimate" : "fraud"}, {"risk_score_pct", static_cast<int>(score * 100)}});
    }

    // A call that fails: the scope records status "error" with the exception.
    try {
        auto scope = audit.scope({.action = "messages.create", .user = "backend-team"});
        scope.run([] { throw std::runtime_error("upstream returned 529 overloaded"); });
    } catch (const std::exception&) {
        // the application handles it as usual; the trail already has it
    }

    audit.flush();
    std::cout << "wrote " << audit.metrics().written << " entries to " << dir << "\n";
}
