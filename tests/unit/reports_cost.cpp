// Cost reports: daily cost by user (seed 001) and spend by tag, team,
// model, user and kind, on a small trail whose sums are worked out by hand.
#include <aitrail/read/reports/cost.hpp>

#include <doctest/doctest.h>

#include "support/report_trails.hpp"
#include "support/temp_dir.hpp"

#include <aitrail/storage/jsonl_directory.hpp>
#include <aitrail/storage/jsonl_files.hpp>

#include <fstream>  // ofstream
#include <sstream>  // ostringstream
#include <string>   // string
#include <vector>   // vector

namespace reports_cost_tests {

using aitrail::cell;
using aitrail::decimal;
using aitrail_test::call;

namespace {

// Costs: 1.5 m$, 2.5 m$, unknown, 10 m$, 500 nano-USD (prints as 0.000001), none.
aitrail_test::trail_builder& sample(aitrail_test::trail_builder& b) {
    b.add({.ts = "2026-11-01T09:00:00Z", .user = "alice", .model = "claude-a", .latency_us = 1000, .input_tokens = 100,
           .output_tokens = 50, .cost_nanos = 1'500'000, .tags = {"team:search", "prod"}});
    b.add({.ts = "2026-11-01T15:00:00Z", .user = "alice", .model = "claude-a", .latency_us = 3000, .input_tokens = 200,
           .output_tokens = 80, .cost_nanos = 2'500'000, .tags = {"team:search"}});
    b.add({.ts = "2026-11-01T23:59:59.999999Z", .user = "bob", .model = "claude-b", .latency_us = 2000,
           .input_tokens = 10, .output_tokens = 5, .cost_unknown = true, .tags = {"prod"}});
    b.add({.ts = "2026-11-02T00:00:00Z", .user = "alice", .model = "claude-b", .latency_us = 501, .input_tokens = 50,
           .output_tokens = 10, .cost_nanos = 10'000'000});
    b.add({.ts = "2026-11-02T01:00:00Z", .user = "bob", .model = "claude-a", .input_tokens = 5, .output_tokens = 5,
           .cost_nanos = 500, .tags = {"team:ads", "team:ads", "prod"}});
    b.add({.ts = "2026-11-02T02:00:00Z", .user = "carol", .model = "fraud_detector", .kind = "ml.prediction",
           .latency_us = 20000});
    return b;
}

std::vector<cell> row(std::vector<cell> cells) { return cells; }

}  // namespace

TEST_SUITE_BEGIN("reports_cost");

TEST_CASE("cost_by_user_day sums per user and UTC day, costliest first") {
    aitrail_test::trail_builder b;
    const auto t = aitrail::reports::cost_by_user_day(sample(b).trail());
    REQUIRE(t.columns == std::vector<std::string>{"user", "day", "requests", "input_tokens", "output_tokens", "cost_usd",
                                                  "unknown_cost", "avg_latency_ms"});
    REQUIRE(t.rows.size() == 5);
    CHECK(t.rows[0] == row({"alice", "2026-11-02", 1, 50, 10, decimal(10000, 6), 0, decimal(501, 3)}));
    CHECK(t.rows[1] == row({"alice", "2026-11-01", 2, 300, 130, decimal(4000, 6), 0, decimal(2000, 3)}));
    CHECK(t.rows[2] == row({"bob", "2026-11-02", 1, 5, 5, decimal(1, 6), 0, cell{}}));
    // No known cost: null, not $0; the unknown one is counted.
    CHECK(t.rows[3] == row({"bob", "2026-11-01", 1, 10, 5, cell{}, 1, decimal(2000, 3)}));
    CHECK(t.rows[4] == row({"carol", "2026-11-02", 1, 0, 0, cell{}, 0, decimal(20000, 3)}));
}

TEST_CASE("cost_by_user_day applies the filter first") {
    aitrail_test::trail_builder b;
    aitrail::record_filter f;
    f.since = aitrail::detail::parse_rfc3339("2026-11-01T12:00:00Z");
    f.until = aitrail::detail::parse_rfc3339("2026-11-02T00:30:00Z");
    const auto t = aitrail::reports::cost_by_user_day(sample(b).trail(), f);
    REQUIRE(t.rows.size() == 3);
    CHECK(t.rows[0] == row({"alice", "2026-11-02", 1, 50, 10, decimal(10000, 6), 0, decimal(501, 3)}));
    CHECK(t.rows[1] == row({"alice", "2026-11-01", 1, 200, 80, decimal(2500, 6), 0, decimal(3000, 3)}));
    CHECK(t.rows[2] == row({"bob", "2026-11-01", 1, 10, 5, cell{}, 1, decimal(2000, 3)}));
}

TEST_CASE("spend_by model: tokens, cost and exact share of the total") {
    aitrail_test::trail_builder b;
    const auto t = aitrail::reports::spend_by(sample(b).trail(), aitrail::reports::spend_dimension::model);
    REQUIRE(t.columns ==
            std::vector<std::string>{"model", "requests", "input_tokens", "output_tokens", "cost_usd", "unknown_cost", "share"});
    REQUIRE(t.rows.size() == 3);
    // Total known: 14 000 500 nano-USD. 10e6 / 14000500 = 71.426 %, 4000500 / 14000500 = 28.573 %.
    CHECK(t.rows[0] == row({"claude-b", 2, 60, 15, decimal(10000, 6), 1, decimal(7143, 2)}));
    CHECK(t.rows[1] == row({"claude-a", 3, 305, 135, decimal(4001, 6), 0, decimal(2857, 2)}));
    CHECK(t.rows[2] == row({"fraud_detector", 1, 0, 0, cell{}, 0, decimal(0, 2)}));
}

TEST_CASE("spend_by tag counts a record once per distinct tag, untagged last") {
    aitrail_test::trail_builder b;
    const auto t = aitrail::reports::spend_by(sample(b).trail(), aitrail::reports::spend_dimension::tag);
    REQUIRE(t.rows.size() == 4);
    CHECK(t.rows[0] == row({"team:search", 2, 300, 130, decimal(4000, 6), 0, decimal(2857, 2)}));
    CHECK(t.rows[1] == row({"prod", 3, 115, 60, decimal(1501, 6), 1, decimal(1072, 2)}));
    CHECK(t.rows[2] == row({"team:ads", 1, 5, 5, decimal(1, 6), 0, decimal(0, 2)}));
    CHECK(t.rows[3] == row({cell{}, 2, 50, 10, decimal(10000, 6), 0, decimal(7143, 2)}));
}

TEST_CASE("spend_by team reads team:X tags") {
    aitrail_test::trail_builder b;
    const auto t = aitrail::reports::spend_by(sample(b).trail(), aitrail::reports::spend_dimension::team);
    REQUIRE(t.columns.front() == "team");
    REQUIRE(t.rows.size() == 3);
    CHECK(t.rows[0][0] == cell{"search"});
    CHECK(t.rows[0][1] == cell{2});
    CHECK(t.rows[1][0] == cell{"ads"});
    CHECK(t.rows[1][1] == cell{1});  // the duplicated tag counts once
    CHECK(t.rows[2][0].is_null());
    CHECK(t.rows[2][1] == cell{3});
}

TEST_CASE("spend_by user and kind") {
    aitrail_test::trail_builder b;
    const auto& trail = sample(b).trail();
    const auto users = aitrail::reports::spend_by(trail, aitrail::reports::spend_dimension::user);
    REQUIRE(users.rows.size() == 3);
    CHECK(users.rows[0] == row({"alice", 3, 350, 140, decimal(14000, 6), 0, decimal(10000, 2)}));  // 99.996 %
    const auto kinds = aitrail::reports::spend_by(trail, aitrail::reports::spend_dimension::kind);
    REQUIRE(kinds.rows.size() == 2);
    CHECK(kinds.rows[0][0] == cell{"llm.call"});
    CHECK(kinds.rows[0][1] == cell{5});
    CHECK(kinds.rows[1] == row({"ml.prediction", 1, 0, 0, cell{}, 0, decimal(0, 2)}));
    CHECK(aitrail::reports::parse_spend_dimension("team") == aitrail::reports::spend_dimension::team);
    CHECK_FALSE(aitrail::reports::parse_spend_dimension("teams"));
}

TEST_CASE("cost reports carry exact amounts in JSON and CSV, rounded ones in the table") {
    aitrail_test::trail_builder b;
    b.add({.ts = "2026-11-01T09:00:00Z", .user = "dana", .model = "m", .cost_nanos = 81'487});
    b.add({.ts = "2026-11-01T10:00:00Z", .user = "erin", .model = "m", .cost_nanos = 14'053'913'548});
    const auto t = aitrail::reports::cost_by_user_day(b.trail());
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0][5].nanos_usd == 14'053'913'548);
    CHECK(t.rows[1][5].nanos_usd == 81'487);
    const auto print = [&](aitrail::table_format f) {
        std::ostringstream s;
        aitrail::print_table(s, t, f);
        return s.str();
    };
    const auto table = print(aitrail::table_format::table);
    CHECK(table.find("14.053914") != std::string::npos);
    CHECK(table.find("0.000081 ") != std::string::npos);
    const auto csv = print(aitrail::table_format::csv);
    CHECK(csv.find(",14.053913548,") != std::string::npos);
    CHECK(csv.find(",0.000081487,") != std::string::npos);
    for (auto f : {aitrail::table_format::json, aitrail::table_format::jsonl}) {
        const auto text = print(f);
        CAPTURE(text);
        CHECK(text.find("\"cost_usd\":" + std::string(f == aitrail::table_format::json ? " " : "") + "0.000081487") !=
              std::string::npos);
        CHECK(text.find("14.053913548") != std::string::npos);
    }
}

TEST_CASE("cost reports print the same bytes from memory and from a JSONL directory") {
    aitrail_test::trail_builder b;
    const auto& memory = sample(b).trail();
    aitrail_test::temp_dir dir("reports-cost");
    {
        std::ofstream out(dir.path() / aitrail::trail_file_name(0, aitrail::detail::now_utc()), std::ios::binary);
        for (const auto& l : memory.lines()) out << l << '\n';
    }
    const aitrail::jsonl_directory files(dir.path());
    const auto print = [](const aitrail::result_table& t) {
        std::ostringstream s;
        aitrail::print_table(s, t, aitrail::table_format::json);
        aitrail::print_table(s, t, aitrail::table_format::csv);
        return s.str();
    };
    CHECK(print(aitrail::reports::cost_by_user_day(memory)) == print(aitrail::reports::cost_by_user_day(files)));
    CHECK(print(aitrail::reports::spend_by(memory, aitrail::reports::spend_dimension::tag)) ==
          print(aitrail::reports::spend_by(files, aitrail::reports::spend_dimension::tag)));
}

TEST_SUITE_END();

}  // namespace reports_cost_tests
