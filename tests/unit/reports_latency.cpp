// Latency by model: exact nearest-rank percentiles of known lists.
#include <aitrail/read/reports/latency.hpp>

#include <doctest/doctest.h>

#include "support/report_trails.hpp"

#include <cstdint>  // int64_t
#include <string>   // string
#include <vector>   // vector

namespace reports_latency_tests {

using aitrail::cell;
using aitrail::decimal;

namespace {

std::vector<cell> row(std::vector<cell> cells) { return cells; }

void timed(aitrail_test::trail_builder& b, const std::string& model, std::optional<std::int64_t> us) {
    b.add({.ts = "2026-11-01T10:00:00Z", .model = model, .latency_us = us});
}

}  // namespace

TEST_SUITE_BEGIN("reports_latency");

TEST_CASE("nearest_rank picks the value at rank ceil(p*n/100)") {
    using aitrail::reports::nearest_rank;
    const std::vector<std::int64_t> three{10, 20, 30};
    CHECK(nearest_rank(three, 1) == 10);
    CHECK(nearest_rank(three, 33) == 10);  // ceil(0.99) = 1
    CHECK(nearest_rank(three, 34) == 20);  // ceil(1.02) = 2
    CHECK(nearest_rank(three, 50) == 20);
    CHECK(nearest_rank(three, 67) == 30);
    CHECK(nearest_rank(three, 100) == 30);
    const std::vector<std::int64_t> one{7};
    CHECK(nearest_rank(one, 50) == 7);
    CHECK(nearest_rank(one, 99) == 7);
}

TEST_CASE("latency_by_model: p50/p95/p99/max/mean in ms, exact") {
    aitrail_test::trail_builder b;
    // model-x: 1..10 ms, written out of order.
    for (int ms : {7, 3, 10, 1, 5, 9, 2, 8, 4, 6}) timed(b, "model-x", std::int64_t{ms} * 1000);
    // model-y: 10, 20, ..., 1000 us, backwards.
    for (int k = 100; k >= 1; --k) timed(b, "model-y", std::int64_t{k} * 10);
    timed(b, "model-z", 1'234'567);
    timed(b, "model-z", std::nullopt);  // no latency: left out, noted
    timed(b, "model-w", 1);
    timed(b, "model-w", 2);  // mean 1.5 us rounds to 2 us
    const auto t = aitrail::reports::latency_by_model(b.trail());
    REQUIRE(t.columns == std::vector<std::string>{"model", "calls", "p50_ms", "p95_ms", "p99_ms", "max_ms", "mean_ms"});
    REQUIRE(t.rows.size() == 4);
    CHECK(t.rows[0] == row({"model-w", 2, decimal(1, 3), decimal(2, 3), decimal(2, 3), decimal(2, 3), decimal(2, 3)}));
    // n = 10: p50 is the 5th value, p95 and p99 the 10th.
    CHECK(t.rows[1] ==
          row({"model-x", 10, decimal(5000, 3), decimal(10000, 3), decimal(10000, 3), decimal(10000, 3), decimal(5500, 3)}));
    // n = 100: ranks 50, 95, 99.
    CHECK(t.rows[2] == row({"model-y", 100, decimal(500, 3), decimal(950, 3), decimal(990, 3), decimal(1000, 3), decimal(505, 3)}));
    CHECK(t.rows[3] == row({"model-z", 1, decimal(1234567, 3), decimal(1234567, 3), decimal(1234567, 3),
                            decimal(1234567, 3), decimal(1234567, 3)}));
    CHECK(t.rows[1][2].str() == "5.000");
    REQUIRE(t.notes.size() == 2);
    CHECK(t.notes[1].find("1 matching records without a latency") == 0);
}

TEST_CASE("latency_by_model with a status filter") {
    aitrail_test::trail_builder b;
    b.add({.ts = "2026-11-01T10:00:00Z", .model = "m", .status = "error", .error_type = "timeout", .latency_us = 30'000'000});
    b.add({.ts = "2026-11-01T10:00:01Z", .model = "m", .latency_us = 1000});
    aitrail::record_filter f;
    f.status = "ok";
    const auto t = aitrail::reports::latency_by_model(b.trail(), f);
    REQUIRE(t.rows.size() == 1);
    CHECK(t.rows[0][5] == decimal(1000, 3));
}

TEST_SUITE_END();

}  // namespace reports_latency_tests
