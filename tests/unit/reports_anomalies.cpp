// anomalies (seed 001's "unusually high token usage", and cost jumps): a
// planted anomaly is found, a normal value is not, comparisons are exact at
// the boundary, and baselines too small to judge are left alone.
#include <aitrail/read/reports/anomalies.hpp>

#include <doctest/doctest.h>

#include "support/report_trails.hpp"

#include <cstdint>  // int64_t
#include <string>   // string
#include <vector>   // vector

namespace reports_anomalies_tests {

using aitrail::cell;
using aitrail::decimal;
using aitrail::reports::anomaly_options;

namespace {

std::vector<cell> row(std::vector<cell> cells) { return cells; }

std::string two(int n) {
    std::string digits = n < 10 ? "0" : "";
    digits += std::to_string(n);
    return digits;
}

/// 40 calls over 2026-11-01..07 with 900 and 1100 input tokens (mean 1000,
/// sample sigma 101.27), then on 11-08 a planted 1400 and a normal 1250.
void token_trail(aitrail_test::trail_builder& b) {
    b.add({.ts = "2026-10-31T23:00:00Z", .user = "early", .model = "m", .input_tokens = 1'000'000});  // no baseline yet
    for (int i = 0; i < 40; ++i)
        b.add({.ts = "2026-11-0" + std::to_string(1 + i / 6) + "T" + two(i % 6 * 4) + ":00:00Z", .user = "u" + std::to_string(i % 3),
               .model = "m", .input_tokens = i % 2 == 0 ? 900 : 1100});
    b.add({.ts = "2026-11-08T00:00:00Z", .user = "mallory", .model = "m", .input_tokens = 1400, .id = "planted"});
    b.add({.ts = "2026-11-08T00:05:00Z", .user = "u1", .model = "m", .input_tokens = 1250, .id = "normal"});
    // Twelve days later the window is empty again: nothing to judge against.
    b.add({.ts = "2026-11-20T10:00:00Z", .user = "u1", .model = "m", .input_tokens = 50'000, .id = "unjudged"});
}

}  // namespace

TEST_SUITE_BEGIN("reports_anomalies");

TEST_CASE("above_sigma decides mean + k sigma exactly at the boundary") {
    using aitrail::reports::detail::above_sigma;
    // Baseline {0, 0, 0, 8}: n 4, S 8, Q 64, mean 2, sample sigma exactly 4.
    CHECK_FALSE(above_sigma(6, 4, 8, 64, 100));  // 6 = 2 + 1*4: not above
    CHECK(above_sigma(7, 4, 8, 64, 100));
    CHECK_FALSE(above_sigma(14, 4, 8, 64, 300));  // 14 = 2 + 3*4
    CHECK(above_sigma(15, 4, 8, 64, 300));
    CHECK_FALSE(above_sigma(12, 4, 8, 64, 250));  // 12 = 2 + 2.5*4
    CHECK(above_sigma(13, 4, 8, 64, 250));
    CHECK_FALSE(above_sigma(1, 4, 8, 64, 0));  // below the mean is never above
    // A constant baseline (sigma 0): anything above the mean is.
    CHECK(above_sigma(11, 30, 300, 3000, 300));
    CHECK_FALSE(above_sigma(10, 30, 300, 3000, 300));
    // Products beyond 128 bits fall back to long double and still decide.
    const aitrail::reports::int128 big = aitrail::reports::int128{1} << 100;
    CHECK(above_sigma(std::int64_t{1} << 50, 1'000'000, 1'000'000, big, 300));
}

TEST_CASE("token anomalies: the planted call is found, the normal one and unjudged ones are not") {
    aitrail_test::trail_builder b;
    token_trail(b);
    anomaly_options o;
    o.cost_jumps = false;
    const auto t = aitrail::reports::anomalies(b.trail(), {}, o);
    REQUIRE(t.columns == std::vector<std::string>{"type", "when", "id", "user", "model", "observed", "unit",
                                                  "baseline_mean", "threshold", "samples"});
    REQUIRE(t.rows.size() == 1);
    // mean 1000, sigma = sqrt(16e6 / (40*39)) = 101.273..., threshold 1303.81.
    CHECK(t.rows[0] == row({"tokens", "2026-11-08T00:00:00.000000Z", "planted", "mallory", "m", 1400, "input_tokens",
                            decimal(100000, 2), decimal(130381, 2), 40}));
}

TEST_CASE("token anomalies: a record written late is judged against its own window") {
    aitrail_test::trail_builder b;
    for (int i = 0; i < 40; ++i)
        b.add({.ts = "2026-11-0" + std::to_string(1 + i / 6) + "T" + two(i % 6 * 4) + ":00:00Z", .model = "m",
               .input_tokens = i % 2 == 0 ? 900 : 1100});
    b.add({.ts = "2026-11-09T12:00:00Z", .model = "m", .input_tokens = 1000});  // moves the window on
    b.add({.ts = "2026-11-08T00:00:00Z", .model = "m", .input_tokens = 1400, .id = "late"});
    anomaly_options o;
    o.cost_jumps = false;
    const auto t = aitrail::reports::anomalies(b.trail(), {}, o);
    REQUIRE(t.rows.size() == 1);
    CHECK(t.rows[0][2] == cell{"late"});
    CHECK(t.rows[0][9] == cell{40});
}

TEST_CASE("token anomalies: the time range picks what is reported, the baseline reaches before it") {
    aitrail_test::trail_builder b;
    token_trail(b);
    anomaly_options o;
    o.cost_jumps = false;
    aitrail::record_filter f;
    f.since = aitrail::detail::parse_rfc3339("2026-11-08T00:00:00Z");
    auto t = aitrail::reports::anomalies(b.trail(), f, o);
    REQUIRE(t.rows.size() == 1);
    CHECK(t.rows[0][2] == cell{"planted"});
    // A lower k flags the normal call too; more required samples than the
    // window holds flags nothing.
    o.sigma_hundredths = 200;  // threshold 1000 + 2*101.27 before the planted call; 1009.76 + 2*117.9 after
    t = aitrail::reports::anomalies(b.trail(), f, o);
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[1][2] == cell{"normal"});
    o.min_samples = 43;
    CHECK(aitrail::reports::anomalies(b.trail(), f, o).rows.empty());
}

TEST_CASE("token anomalies: a user filter compares users with their own past") {
    aitrail_test::trail_builder b;
    token_trail(b);
    anomaly_options o;
    o.cost_jumps = false;
    o.min_samples = 10;
    o.sigma_hundredths = 200;
    aitrail::record_filter f;
    f.user = "u1";  // 7 x 1100 and 6 x 900 tokens: mean 1007.69, 2 sigma = 207.6; then 1250
    const auto t = aitrail::reports::anomalies(b.trail(), f, o);
    REQUIRE(t.rows.size() == 1);
    CHECK(t.rows[0][2] == cell{"normal"});
    CHECK(t.rows[0][9] == cell{13});
}

TEST_CASE("cost jumps: a day over 3x the previous week's daily mean, exact at the boundary") {
    aitrail_test::trail_builder b;
    const std::int64_t usd = 1'000'000'000;
    const auto spend = [&](const std::string& user, const std::string& day, std::int64_t nanos) {
        b.add({.ts = day + "T12:00:00Z", .user = user, .model = "m", .cost_nanos = nanos});
    };
    for (int d = 1; d <= 7; ++d) {
        const std::string day = "2026-11-0" + std::to_string(d);
        spend("spender", day, usd);
        spend("exact", day, usd);
        spend("just_over", day, usd);
        spend("small", day, usd / 100);
    }
    spend("spender", "2026-11-08", 5 * usd);      // 5 > 3 x 1: a jump
    spend("spender", "2026-11-09", 4 * usd);      // previous mean (6 + 5) / 7 = 1.57: 4 < 4.71
    spend("exact", "2026-11-08", 3 * usd);        // exactly 3x: not above
    spend("just_over", "2026-11-08", 3 * usd + 1);
    spend("small", "2026-11-08", usd / 10);       // 10x, but under the 1 USD floor
    spend("newbie", "2026-11-08", 50 * usd);      // no history: not judged
    spend("young", "2026-11-07", 2 * usd);        // one day of history: its mean is that day's
    spend("young", "2026-11-08", 7 * usd);        // 7 > 3 x 2
    anomaly_options o;
    o.tokens = false;
    const auto t = aitrail::reports::anomalies(b.trail(), {}, o);
    REQUIRE(t.rows.size() == 3);
    CHECK(t.rows[0] == row({"cost_jump", "2026-11-08", cell{}, "just_over", cell{}, decimal(3000000, 6), "usd",
                            decimal(1000000, 6), decimal(3000000, 6), 7}));
    CHECK(t.rows[1] == row({"cost_jump", "2026-11-08", cell{}, "spender", cell{}, decimal(5000000, 6), "usd",
                            decimal(1000000, 6), decimal(3000000, 6), 7}));
    CHECK(t.rows[2] == row({"cost_jump", "2026-11-08", cell{}, "young", cell{}, decimal(7000000, 6), "usd",
                            decimal(2000000, 6), decimal(6000000, 6), 1}));
    // Lower the floor: the small user's jump shows; per model, the model's total jumps.
    o.min_spend_nanos = usd / 20;
    CHECK(aitrail::reports::anomalies(b.trail(), {}, o).rows.size() == 4);
    o.jump_by = aitrail::reports::jump_subject::model;
    const auto by_model = aitrail::reports::anomalies(b.trail(), {}, o);
    REQUIRE(by_model.rows.size() == 1);  // 11-08: 68.1 USD > 3 x 3.3
    CHECK(by_model.rows[0][1] == cell{"2026-11-08"});
    CHECK(by_model.rows[0][3].is_null());
    CHECK(by_model.rows[0][4] == cell{"m"});
}

TEST_SUITE_END();

}  // namespace reports_anomalies_tests
