// trail_health: entries by kind, gaps and the records they say were
// dropped, resumes and the torn bytes cut, redactions by detector, stripped
// content, unknown costs, and the verifier's verdict on the same pass.
#include <aitrail/read/reports/health.hpp>

#include <doctest/doctest.h>

#include "support/report_trails.hpp"
#include "support/temp_dir.hpp"

#include <aitrail/storage/jsonl_directory.hpp>
#include <aitrail/storage/jsonl_files.hpp>
#include <aitrail/storage/jsonl_storage.hpp>

#include <fstream>  // ofstream
#include <string>   // string
#include <vector>   // vector

namespace reports_health_tests {

using aitrail::cell;

namespace {

/// The value of (section, key), or a null cell when the row is absent.
cell value(const aitrail::result_table& t, const std::string& section, const std::string& key) {
    for (const auto& r : t.rows)
        if (r[0] == cell{section} && r[1] == cell{key}) return r[2];
    return {};
}

bool has_row(const aitrail::result_table& t, const std::string& section, const std::string& key) {
    for (const auto& r : t.rows)
        if (r[0] == cell{section} && r[1] == cell{key}) return true;
    return false;
}

aitrail::pending_entry trail_record(const std::string& kind, const std::string& ts, nlohmann::json meta) {
    aitrail::pending_entry e;
    e.rec.kind = kind;
    e.rec.ts = *aitrail::detail::parse_rfc3339(ts);
    e.rec.id = "trail-" + ts;
    e.rec.meta = std::move(meta);
    return e;
}

/// Five calls, two gaps (5 and 3 dropped), a resume that cut 17 bytes; one
/// call's content stripped afterwards.
aitrail::memory_storage& sample(aitrail_test::trail_builder& b) {
    b.add({.ts = "2026-11-01T08:00:00Z", .user = "a", .model = "m", .cost_nanos = 1000,
           .redactions = {{"email", 2}, {"credit_card", 1}}, .content = {{"input", "x"}}});
    b.add({.ts = "2026-11-01T09:00:00Z", .user = "a", .model = "m", .cost_unknown = true, .redactions = {{"email", 1}},
           .content = {{"input", "y"}, {"output", "z"}}});
    b.add_entry(trail_record("trail.gap", "2026-11-01T09:30:00Z", {{"dropped", 5}, {"backpressure", "drop"}}));
    b.add({.ts = "2026-11-01T10:00:00Z", .user = "b", .model = "m", .status = "error", .error_type = "timeout"});
    b.add_entry(trail_record("trail.resume", "2026-11-01T10:30:00Z", {{"resumed_at_seq", 5}, {"torn_bytes_removed", 17}}));
    b.add({.ts = "2026-11-01T11:00:00Z", .user = "b", .model = "m", .kind = "ml.prediction", .status = "blocked",
           .error_type = "policy"});
    b.add_entry(trail_record("trail.gap", "2026-11-01T11:30:00Z", {{"dropped", 3}, {"backpressure", "drop"}}));
    b.add({.ts = "2026-11-02T08:00:00Z", .user = "c", .model = "m", .content = {{"input", "gone later"}}});
    auto& storage = b.storage();
    auto lines = storage.lines();
    REQUIRE(lines.size() == 9);
    lines[8] = aitrail_test::strip_content(lines[8]);
    storage.set_lines(lines);
    return storage;
}

}  // namespace

TEST_SUITE_BEGIN("reports_health");

TEST_CASE("trail_health counts kinds, gaps, resumes, redactions, content and costs, and verifies") {
    aitrail_test::trail_builder b;
    const auto t = aitrail::reports::trail_health(sample(b));
    REQUIRE(t.columns == std::vector<std::string>{"section", "key", "value"});
    CHECK(value(t, "trail", "lines") == cell{9});
    CHECK(value(t, "trail", "entries") == cell{9});
    CHECK(value(t, "trail", "unreadable") == cell{0});
    CHECK(value(t, "trail", "first_ts") == cell{"2026-11-01T08:00:00.000000Z"});
    CHECK(value(t, "trail", "last_ts").str() > "2026-11-02");  // trail.open: the time the test ran
    CHECK_FALSE(value(t, "trail", "trail_id").is_null());
    CHECK(value(t, "kind", "llm.call") == cell{4});
    CHECK(value(t, "kind", "ml.prediction") == cell{1});
    CHECK(value(t, "kind", "trail.gap") == cell{2});
    CHECK(value(t, "kind", "trail.open") == cell{1});
    CHECK(value(t, "kind", "trail.resume") == cell{1});
    CHECK(value(t, "status", "ok") == cell{3});
    CHECK(value(t, "status", "error") == cell{1});
    CHECK(value(t, "status", "blocked") == cell{1});
    CHECK(value(t, "gaps", "gap_records") == cell{2});
    CHECK(value(t, "gaps", "dropped") == cell{8});
    CHECK(value(t, "resumes", "resumes") == cell{1});
    CHECK(value(t, "resumes", "torn_bytes_removed") == cell{17});
    CHECK(value(t, "redactions", "credit_card") == cell{1});
    CHECK(value(t, "redactions", "email") == cell{3});
    CHECK(value(t, "redactions", "total") == cell{4});
    CHECK(value(t, "content", "kept") == cell{2});
    CHECK(value(t, "content", "stripped") == cell{1});
    CHECK(value(t, "content", "none") == cell{2});
    CHECK(value(t, "cost", "priced") == cell{1});
    CHECK(value(t, "cost", "unknown") == cell{1});
    CHECK(value(t, "cost", "unpriced") == cell{3});
    CHECK(value(t, "verify", "status") == cell{"OK"});
    CHECK(value(t, "verify", "problems") == cell{0});
    CHECK(value(t, "verify", "first_problem").is_null());
    CHECK(aitrail::reports::health_ok(t));
}

TEST_CASE("trail_health reports a tampered trail as FAILED with the first problem's place") {
    aitrail_test::trail_builder b;
    auto& storage = sample(b);
    auto lines = storage.lines();
    const auto at = lines[4].find("\"user\":\"b\"");
    REQUIRE(at != std::string::npos);
    lines[4].replace(at, 10, "\"user\":\"x\"");  // seq 4: someone else's call now
    storage.set_lines(lines);
    const auto t = aitrail::reports::trail_health(storage);
    CHECK(value(t, "verify", "status") == cell{"FAILED"});
    CHECK(value(t, "verify", "problems").str() != "0");
    CHECK(value(t, "verify", "first_problem").str().starts_with("memory:5 seq 4: record modified"));
    CHECK_FALSE(aitrail::reports::health_ok(t));
    // Without verification the counts stay and the status says so.
    aitrail::reports::health_options no_verify;
    no_verify.verify = false;
    const auto skipped = aitrail::reports::trail_health(storage, {}, no_verify);
    CHECK(value(skipped, "verify", "status") == cell{"skipped"});
    CHECK_FALSE(has_row(skipped, "verify", "problems"));
    CHECK(aitrail::reports::health_ok(skipped));
}

TEST_CASE("trail_health with a time filter counts what falls in it, and still verifies the whole trail") {
    aitrail_test::trail_builder b;
    aitrail::record_filter f;
    f.until = aitrail::detail::parse_rfc3339("2026-11-01T10:45:00Z");
    const auto t = aitrail::reports::trail_health(sample(b), f);
    CHECK(value(t, "trail", "lines") == cell{9});
    CHECK(value(t, "trail", "entries") == cell{5});
    CHECK(value(t, "gaps", "dropped") == cell{5});
    CHECK(value(t, "resumes", "resumes") == cell{1});
    CHECK_FALSE(has_row(t, "kind", "trail.open"));
    CHECK(value(t, "trail", "last_ts") == cell{"2026-11-01T10:30:00.000000Z"});
    CHECK(value(t, "verify", "status") == cell{"OK"});
}

TEST_CASE("trail_health of a JSONL trail resumed after a torn write") {
    aitrail_test::temp_dir dir("reports-health");
    {
        aitrail::auditor<aitrail_test::report_policy> audit{aitrail::jsonl_storage(dir.path())};
        audit.record(aitrail_test::entry_of({.ts = "2026-11-01T08:00:00Z", .user = "a", .model = "m"}, 1));
        audit.record(aitrail_test::entry_of({.ts = "2026-11-01T08:01:00Z", .user = "a", .model = "m"}, 2));
    }
    const auto files = aitrail::list_trail_files(dir.path());
    REQUIRE_FALSE(files.empty());  // trail.open's day, then the calls' day
    {
        std::ofstream out(files.back().path, std::ios::binary | std::ios::app);
        out << "{\"content\":{";  // a write cut short: 12 bytes, no newline
    }
    {
        aitrail::auditor<aitrail_test::report_policy> audit{aitrail::jsonl_storage(dir.path())};
        audit.record(aitrail_test::entry_of({.ts = "2026-11-01T09:00:00Z", .user = "b", .model = "m"}, 3));
    }
    const auto t = aitrail::reports::trail_health(aitrail::jsonl_directory(dir.path()));
    CHECK(value(t, "resumes", "resumes") == cell{1});
    CHECK(value(t, "resumes", "torn_bytes_removed") == cell{12});
    CHECK(value(t, "kind", "llm.call") == cell{3});
    CHECK(value(t, "verify", "status") == cell{"OK"});
}

TEST_SUITE_END();

}  // namespace reports_health_tests
