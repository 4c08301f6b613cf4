// Alerts: rules evaluated as the writer stores each record — error rate,
// p95 latency, spend per hour, token anomalies — calling your callback from
// the writer's thread, never on the caller's path.
//
//   ./08_alerts [TRAIL_DIR]      (default: ./alerts-trail)

#include <aitrail/aitrail.hpp>

#include <chrono>
#include <iostream>
#include <string>
#include <thread>

using namespace std::chrono_literals;

int main(int argc, char** argv) {
    const std::string dir = argc > 1 ? argv[1] : "alerts-trail";
    aitrail::auditor audit{aitrail::jsonl_storage{dir}, {
        .alerts = {aitrail::error_rate_rule{.window = 5min, .max_per_mille = 100, .min_calls = 10},
                   aitrail::latency_p95_rule{.window = 5min, .max_p95 = 50ms, .min_calls = 10},
                   aitrail::spend_per_hour_rule{.max_nanos_usd = 1'000'000'000},  // $1
                   aitrail::token_anomaly_rule{.sigmas = 3, .min_samples = 10}},
        // Runs on the writer's thread: keep it short and never record into `audit` from here.
        .on_alert = [](const aitrail::alert& a) {
            std::cout << (a.resolved ? "resolved " : "ALERT    ") << a.rule << ": " << a.message << "\n";
        },
    }};

    // A burst of ordinary calls; two of them fail.
    for (int i = 0; i < 12; ++i) {
        auto scope = audit.scope({.action = "messages.create", .user = "support-bot",
                                  .model = {"claude-sonnet-4-5", "", "anthropic"}});
        if (i == 4 || i == 9) {
            scope.fail("overloaded_error", "529 overloaded");
            continue;
        }
        scope.usage({.input = 280 + (i % 5) * 10, .output = 60});
    }
    {   // A slow one...
        auto scope = audit.scope({.action = "messages.create", .user = "support-bot",
                                  .model = {"claude-sonnet-4-5", "", "anthropic"}});
        std::this_thread::sleep_for(60ms);
        scope.usage({.input = 300, .output = 60});
    }
    {   // ...and an expensive one: a whole document pasted into the prompt.
        auto scope = audit.scope({.action = "messages.create", .user = "support-bot",
                                  .model = {"claude-opus-4-1", "", "anthropic"}});
        scope.usage({.input = 400'000, .output = 2'000});
    }

    audit.flush();  // every alert for these calls has been delivered by now
    std::cout << "wrote " << audit.metrics().written << " entries to " << dir << "\n";
}
