// model_usage (seed 003's model_usage_report): calls, users, prediction and
// version distributions, latency and first/last use of one model.
#include <aitrail/read/reports/model_usage.hpp>

#include <doctest/doctest.h>

#include "support/report_trails.hpp"

#include <aitrail/capture/prediction.hpp>

#include <string>  // string
#include <vector>  // vector

namespace reports_usage_tests {

using aitrail::cell;
using aitrail::decimal;

namespace {

std::vector<cell> row(std::vector<cell> cells) { return cells; }

/// The rows of one section, without the section column.
std::vector<std::vector<cell>> section(const aitrail::result_table& t, const std::string& name) {
    std::vector<std::vector<cell>> out;
    for (const auto& r : t.rows)
        if (r[0] == cell{name}) out.emplace_back(r.begin() + 1, r.end());
    return out;
}

void prediction(aitrail_test::trail_builder& b, const std::string& ts, const std::string& user, const std::string& version,
                nlohmann::json label, std::int64_t latency_us, const std::string& status = "ok") {
    aitrail_test::call c{.ts = ts, .user = user, .model = "fraud_detector", .version = version, .kind = "ml.prediction",
                         .status = status, .latency_us = latency_us};
    if (!label.is_null()) c.meta["prediction"] = label;
    if (status != "ok") c.error_type = "ValueError";
    b.add(c);
}

}  // namespace

TEST_SUITE_BEGIN("reports_usage");

TEST_CASE("model_usage of an ML model: summary, latency, predictions, versions") {
    aitrail_test::trail_builder b;
    prediction(b, "2026-11-01T08:00:00Z", "analyst_jane", "v3.2.1", "legitimate", 23'500);
    prediction(b, "2026-11-01T09:00:00Z", "analyst_jane", "v3.2.1", "fraud", 15'000);
    prediction(b, "2026-11-02T10:00:00Z", "analyst_bob", "v3.2.1", "legitimate", 30'000);
    b.add({.ts = "2026-11-02T11:00:00Z", .user = "someone_else", .model = "sentiment_classifier", .version = "v2.1.0",
           .kind = "ml.prediction", .latency_us = 99'000, .meta = {{"prediction", "positive"}}});
    prediction(b, "2026-11-03T11:00:00Z", "api_client", "v3.3.0", "legitimate", 10'000);
    prediction(b, "2026-11-03T12:00:00Z", "api_client", "v3.3.0", nullptr, 5'000, "error");
    const auto t = aitrail::reports::model_usage(b.trail(), "fraud_detector");
    REQUIRE(t.columns == std::vector<std::string>{"section", "key", "value", "share"});
    const auto summary = section(t, "summary");
    REQUIRE(summary.size() == 7);
    CHECK(summary[0] == row({"model", "fraud_detector", cell{}}));
    CHECK(summary[1] == row({"calls", 5, cell{}}));
    CHECK(summary[2] == row({"unique_users", 3, cell{}}));
    CHECK(summary[3] == row({"errors", 1, cell{}}));
    CHECK(summary[4] == row({"blocked", 0, cell{}}));
    CHECK(summary[5] == row({"first_ts", "2026-11-01T08:00:00.000000Z", cell{}}));
    CHECK(summary[6] == row({"last_ts", "2026-11-03T12:00:00.000000Z", cell{}}));
    // Sorted: 5, 10, 15, 23.5, 30 ms.
    const auto latency = section(t, "latency");
    REQUIRE(latency.size() == 6);
    CHECK(latency[0] == row({"timed", 5, cell{}}));
    CHECK(latency[1] == row({"mean_ms", decimal(16700, 3), cell{}}));
    CHECK(latency[2] == row({"p50_ms", decimal(15000, 3), cell{}}));
    CHECK(latency[3] == row({"p95_ms", decimal(30000, 3), cell{}}));
    CHECK(latency[5] == row({"max_ms", decimal(30000, 3), cell{}}));
    const auto predictions = section(t, "prediction");
    REQUIRE(predictions.size() == 3);
    CHECK(predictions[0] == row({"legitimate", 3, decimal(6000, 2)}));
    CHECK(predictions[1] == row({"fraud", 1, decimal(2000, 2)}));
    CHECK(predictions[2] == row({cell{}, 1, decimal(2000, 2)}));  // the failed call predicted nothing
    const auto versions = section(t, "version");
    REQUIRE(versions.size() == 2);
    CHECK(versions[0] == row({"v3.2.1", 3, decimal(6000, 2)}));
    CHECK(versions[1] == row({"v3.3.0", 2, decimal(4000, 2)}));
}

TEST_CASE("model_usage of an LLM counts stop reasons, and reads labels a prediction_scope wrote") {
    aitrail_test::trail_builder b;
    b.add({.ts = "2026-11-01T08:00:00Z", .user = "a", .model = "claude-x", .stop_reason = "end_turn"});
    b.add({.ts = "2026-11-01T08:01:00Z", .user = "a", .model = "claude-x", .stop_reason = "max_tokens"});
    b.add({.ts = "2026-11-01T08:02:00Z", .user = "b", .model = "claude-x", .stop_reason = "end_turn"});
    {
        auto p = b.auditor().predict({.user = "c", .model = {"scorer", "v1"}});
        p.features({{"x", 1}}).predicted(1, {.confidence = 0.9});
    }
    {
        auto p = b.auditor().predict({.user = "c", .model = {"scorer", "v1"}});
        p.features({{"x", 2}}).predicted(true);
    }
    const auto& trail = b.trail();
    const auto llm = aitrail::reports::model_usage(trail, "claude-*");
    const auto labels = section(llm, "prediction");
    REQUIRE(labels.size() == 2);
    CHECK(labels[0] == row({"end_turn", 2, decimal(6667, 2)}));
    CHECK(labels[1] == row({"max_tokens", 1, decimal(3333, 2)}));
    CHECK(section(llm, "version") == std::vector<std::vector<cell>>{row({cell{}, 3, decimal(10000, 2)})});

    const auto scorer = aitrail::reports::model_usage(trail, "scorer");
    const auto scored = section(scorer, "prediction");
    REQUIRE(scored.size() == 2);
    CHECK(scored[0] == row({"1", 1, decimal(5000, 2)}));
    CHECK(scored[1] == row({"true", 1, decimal(5000, 2)}));
}

TEST_CASE("model_usage of a model that was never called") {
    aitrail_test::trail_builder b;
    b.add({.ts = "2026-11-01T08:00:00Z", .user = "a", .model = "claude-x"});
    const auto t = aitrail::reports::model_usage(b.trail(), "nobody");
    const auto summary = section(t, "summary");
    CHECK(summary[1] == row({"calls", 0, cell{}}));
    CHECK(summary[5] == row({"first_ts", cell{}, cell{}}));
    CHECK(section(t, "latency")[1] == row({"mean_ms", cell{}, cell{}}));
    CHECK(section(t, "prediction").empty());
}

TEST_SUITE_END();

}  // namespace reports_usage_tests
