// Error rate by model (seed 001): errors / total per model as an exact
// percentage, blocked calls apart, the commonest error type.
#include <aitrail/read/reports/errors.hpp>

#include <doctest/doctest.h>

#include "support/report_trails.hpp"

#include <string>  // string
#include <vector>  // vector

namespace reports_errors_tests {

using aitrail::cell;
using aitrail::decimal;
using aitrail_test::call;

namespace {

std::vector<cell> row(std::vector<cell> cells) { return cells; }

void add(aitrail_test::trail_builder& b, const std::string& model, const std::string& status,
         const std::string& error_type = "") {
    b.add({.ts = "2026-11-01T10:00:00Z", .user = "u", .model = model, .status = status, .error_type = error_type});
}

}  // namespace

TEST_SUITE_BEGIN("reports_errors");

TEST_CASE("error_rate_by_model: rates, blocked apart, top error type, highest rate first") {
    aitrail_test::trail_builder b;
    add(b, "model-a", "ok");
    add(b, "model-a", "error", "rate_limit");
    add(b, "model-a", "error", "overloaded");
    add(b, "model-a", "error", "rate_limit");
    add(b, "model-b", "ok");
    add(b, "model-b", "blocked", "policy");
    add(b, "model-b", "error", "timeout");
    add(b, "model-c", "ok");
    add(b, "model-c", "ok");
    add(b, "model-d", "error", "b_type");
    add(b, "model-d", "error", "a_type");
    add(b, "model-d", "ok");
    add(b, "", "error");
    const auto t = aitrail::reports::error_rate_by_model(b.trail());
    REQUIRE(t.columns ==
            std::vector<std::string>{"model", "total", "errors", "blocked", "error_rate", "top_error_type", "top_error_count"});
    REQUIRE(t.rows.size() == 5);
    CHECK(t.rows[0] == row({cell{}, 1, 1, 0, decimal(10000, 2), "(unspecified)", 1}));
    CHECK(t.rows[1] == row({"model-a", 4, 3, 0, decimal(7500, 2), "rate_limit", 2}));
    CHECK(t.rows[2] == row({"model-d", 3, 2, 0, decimal(6667, 2), "a_type", 1}));  // a tie goes to the first name
    CHECK(t.rows[3] == row({"model-b", 3, 1, 1, decimal(3333, 2), "timeout", 1}));
    CHECK(t.rows[4] == row({"model-c", 2, 0, 0, decimal(0, 2), cell{}, cell{}}));
}

TEST_CASE("error_rate_by_model honours the filter (a time window, like the seed's 24 hours)") {
    aitrail_test::trail_builder b;
    b.add({.ts = "2026-11-01T10:00:00Z", .model = "m", .status = "error", .error_type = "old"});
    b.add({.ts = "2026-11-02T10:00:00Z", .model = "m", .status = "ok"});
    b.add({.ts = "2026-11-02T11:00:00Z", .model = "m", .status = "error", .error_type = "new"});
    b.add({.ts = "2026-11-02T12:00:00Z", .model = "m", .status = "ok"});
    aitrail::record_filter f;
    f.since = aitrail::detail::parse_rfc3339("2026-11-02T00:00:00Z");
    const auto t = aitrail::reports::error_rate_by_model(b.trail(), f);
    REQUIRE(t.rows.size() == 1);
    CHECK(t.rows[0] == row({"m", 3, 1, 0, decimal(3333, 2), "new", 1}));
}

TEST_SUITE_END();

}  // namespace reports_errors_tests
