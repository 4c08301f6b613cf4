// The same trail in JSONL files, an SQLite database and a PostgreSQL table:
// every report, in every output format, prints the same bytes from each, and
// every store verifies on its own.
#include <aitrail/read/reports.hpp>

#include <doctest/doctest.h>

#include "postgres/test_server.hpp"
#include "support/report_trails.hpp"
#include "support/temp_dir.hpp"

#include <aitrail/record/record_view.hpp>
#include <aitrail/read/verify.hpp>
#include <aitrail/storage/jsonl_directory.hpp>
#include <aitrail/storage/jsonl_storage.hpp>
#include <aitrail/storage/postgres_storage.hpp>
#if defined(AITRAIL_HAS_SQLITE)
#include <aitrail/storage/sqlite_storage.hpp>
#endif

#include <random>   // mt19937
#include <sstream>  // ostringstream
#include <string>   // string
#include <vector>   // vector

namespace reports_identical_tests {

namespace {

/// 400 calls over ten days: five users, three models and a predictor, errors,
/// unknown costs, redactions, tags, content, and one stripped entry.
const aitrail::memory_storage& varied_trail(aitrail_test::trail_builder& b) {
    std::mt19937 rng(11);
    const char* users[] = {"alice", "bob", "carol \"c\" o'neil", "dave,jr", "j\u00f6rg"};
    const char* models[] = {"claude-sonnet-4", "gpt-4o", "gpt-4o-mini"};
    for (int i = 0; i < 400; ++i) {
        aitrail_test::call c;
        const int minute = i * 36;  // ten days
        char ts[32];
        std::snprintf(ts, sizeof ts, "2026-11-%02dT%02d:%02d:00Z", 1 + minute / 1440, minute / 60 % 24, minute % 60);
        c.ts = ts;
        c.user = users[rng() % 5];
        if (i % 7 == 0) {
            c.kind = "ml.prediction";
            c.model = "fraud_detector";
            c.version = i % 2 ? "v3.2.1" : "v3.3.0";
            c.meta = {{"prediction", rng() % 4 == 0 ? "fraud" : "legit"}};
        } else {
            c.model = models[rng() % 3];
            c.input_tokens = 100 + static_cast<std::int64_t>(rng() % 900);
            if (i == 333) c.input_tokens = 90'000;  // one anomaly
            c.output_tokens = static_cast<std::int64_t>(rng() % 300);
            if (i % 11 == 0) c.cost_unknown = true;
            else c.cost_nanos = *c.input_tokens * 3000 + *c.output_tokens * 15000;
            c.stop_reason = "end_turn";
        }
        c.latency_us = 1000 + static_cast<std::int64_t>(rng() % 2'000'000);
        if (rng() % 13 == 0) {
            c.status = "error";
            c.error_type = rng() % 2 ? "rate_limit_error" : "overloaded_error";
        }
        c.tags = {i % 3 ? "team:support" : "team:search", "env:prod"};
        if (i % 5 == 0) c.redactions = {{"email", 1 + i % 3}};
        c.content = {{"input", "question " + std::to_string(i)}, {"output", "answer " + std::to_string(i)}};
        b.add(c);
    }
    auto& store = b.storage();
    auto lines = store.lines();
    lines[42] = aitrail_test::strip_content(lines[42]);
    store.set_lines(lines);
    return store;
}

/// The lines as sealed entries, for a storage's append().
std::vector<aitrail::sealed_entry> entries_of(const std::vector<std::string>& lines) {
    std::vector<aitrail::sealed_entry> out;
    for (const auto& l : lines) {
        auto e = aitrail::sealed_entry_from_line(l);
        REQUIRE(e);
        out.push_back(std::move(*e));
    }
    return out;
}

/// Every report in every format, as one string.
template <class S>
std::string all_reports(const S& source) {
    namespace r = aitrail::reports;
    std::vector<aitrail::result_table> tables = {
        r::cost_by_user_day(source),
        r::spend_by(source, r::spend_dimension::tag),
        r::spend_by(source, r::spend_dimension::team),
        r::spend_by(source, r::spend_dimension::model),
        r::spend_by(source, r::spend_dimension::user),
        r::error_rate_by_model(source),
        r::latency_by_model(source),
        r::model_usage(source, "fraud_detector"),
        r::model_usage(source, "gpt-4o"),
        r::data_access(source, "carol \"c\" o'neil"),
        r::anomalies(source),
        r::trail_health(source),
        r::cost_by_user_day(source, {.since = aitrail::detail::parse_rfc3339("2026-11-04T00:00:00Z"),
                                     .until = aitrail::detail::parse_rfc3339("2026-11-06T00:00:00Z")}),
    };
    std::ostringstream out;
    for (const auto& t : tables)
        for (auto f : {aitrail::table_format::table, aitrail::table_format::json, aitrail::table_format::csv})
            aitrail::print_table(out, t, f);
    return out.str();
}

}  // namespace

TEST_SUITE_BEGIN("reports_identical");

TEST_CASE("every report prints the same bytes from JSONL, SQLite and PostgreSQL") {
    aitrail_test::trail_builder builder;
    const auto& memory = varied_trail(builder);
    const auto lines = memory.lines();
    const auto entries = entries_of(lines);
    const std::string expected = all_reports(memory);
    // The reports found what the trail holds (not a comparison of empty tables).
    CHECK(expected.find("fraud_detector") != std::string::npos);
    CHECK(expected.find("90000") != std::string::npos);
    CHECK(expected.find("answer ") != std::string::npos);

    const aitrail_test::temp_dir tmp("reports-identical");
    {
        aitrail::jsonl_storage jsonl{tmp.path() / "trail"};
        jsonl.append(entries);
        jsonl.flush();
    }
    const aitrail::jsonl_directory jsonl{tmp.path() / "trail"};
    CHECK(aitrail::verify(jsonl).ok());
    CHECK(all_reports(jsonl) == expected);

#if defined(AITRAIL_HAS_SQLITE)
    {
        aitrail::sqlite_storage sqlite{tmp.path() / "trail.db"};
        sqlite.append(entries);
        sqlite.flush();
    }
    const aitrail::sqlite_storage sqlite{tmp.path() / "trail.db", {.read_only = true}};
    CHECK(aitrail::verify(sqlite).ok());
    CHECK(all_reports(sqlite) == expected);
#endif

    const auto table = aitrail_test::pg::table_name("reports_identical");
    {
        aitrail::postgres_storage pg{aitrail_test::pg::conninfo(), {.table = table}};
        pg.append(entries);
        pg.flush();
    }
    const aitrail::postgres_storage pg{aitrail_test::pg::conninfo(), {.table = table, .read_only = true}};
    CHECK(aitrail::verify(pg).ok());
    CHECK(all_reports(pg) == expected);
}

TEST_SUITE_END();

}  // namespace reports_identical_tests
