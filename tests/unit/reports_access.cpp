// data_access (a GDPR subject access request; seed 003's data_access_report):
// every record of one user with its content where kept, stripped and
// partial content said so, totals and models used.
#include <aitrail/read/reports/data_access.hpp>

#include <doctest/doctest.h>

#include "support/report_trails.hpp"

#include <aitrail/read/verify.hpp>

#include <nlohmann/json.hpp>

#include <sstream>  // ostringstream
#include <string>   // string
#include <vector>   // vector

namespace reports_access_tests {

using aitrail::cell;
using aitrail::decimal;

namespace {

/// Column `name` of row `r` of `t`.
const cell& at(const aitrail::result_table& t, std::size_t r, const std::string& name) {
    for (std::size_t i = 0; i < t.columns.size(); ++i)
        if (t.columns[i] == name) return t.rows.at(r).at(i);
    FAIL("no column ", name);
    static const cell none;
    return none;
}

/// jane's four records (one stripped, one partial) among others'.
aitrail::memory_storage& jane_trail(aitrail_test::trail_builder& b) {
    b.add({.ts = "2026-11-02T09:00:00Z", .user = "jane", .model = "fraud_detector", .version = "v3", .kind = "ml.prediction",
           .latency_us = 1000, .content = {{"input", {{"amount", 1250}}}, {"output", {{"prediction", "legitimate"}}}}});
    b.add({.ts = "2026-11-01T08:00:00Z", .user = "jane", .model = "claude-x", .input_tokens = 10, .output_tokens = 5,
           .cost_nanos = 1'000'000, .redactions = {{"email", 2}},
           .content = {{"input", {{"prompt", "mail me at [EMAIL] or [EMAIL]"}}}, {"output", {{"text", "ok"}}}}});
    b.add({.ts = "2026-11-01T08:30:00Z", .user = "bob", .model = "claude-x", .content = {{"input", "bob's"}}});
    b.add({.ts = "2026-11-01T08:40:00Z", .user = "jane2", .model = "claude-x", .content = {{"input", "not jane"}}});
    b.add({.ts = "2026-11-03T10:00:00Z", .user = "jane", .model = "claude-x", .status = "error", .error_type = "timeout",
           .cost_unknown = true});
    b.add({.ts = "2026-11-03T11:00:00Z", .user = "jane", .model = "claude-y", .input_tokens = 3, .output_tokens = 4,
           .cost_nanos = 2'000'000, .content = {{"input", "partly kept"}, {"output", "dropped later"}}});
    auto& storage = b.storage();
    auto lines = storage.lines();
    REQUIRE(lines.size() == 7);                           // trail.open and six calls
    lines[1] = aitrail_test::strip_content(lines[1]);     // a retention job took the prediction's bodies
    auto partial = nlohmann::json::parse(lines[6]);       // ...and only the output of the last call
    partial["content"].erase("output");
    lines[6] = partial.dump();
    storage.set_lines(lines);
    return storage;
}

}  // namespace

TEST_SUITE_BEGIN("reports_access");

TEST_CASE("data_access lists every record of the user in time order, with content where kept") {
    aitrail_test::trail_builder b;
    const auto& trail = jane_trail(b);
    REQUIRE(aitrail::verify(trail).ok());  // stripping content keeps the chain intact
    const auto t = aitrail::reports::data_access(trail, "jane");
    REQUIRE(t.columns == std::vector<std::string>{"ts", "id", "kind", "action", "model", "model_version", "status",
                                                  "error_type", "input_tokens", "output_tokens", "cost_usd", "redactions",
                                                  "content_state", "content"});
    REQUIRE(t.rows.size() == 4);  // not bob's, not jane2's
    CHECK(at(t, 0, "id") == cell{"rec-0002"});
    CHECK(at(t, 0, "ts") == cell{"2026-11-01T08:00:00.000000Z"});
    CHECK(at(t, 0, "model") == cell{"claude-x"});
    CHECK(at(t, 0, "input_tokens") == cell{10});
    CHECK(at(t, 0, "cost_usd") == decimal(1000, 6));
    CHECK(at(t, 0, "redactions") == cell{2});
    CHECK(at(t, 0, "content_state") == cell{"kept"});
    CHECK(nlohmann::json::parse(at(t, 0, "content").str()) ==
          nlohmann::json{{"input", {{"prompt", "mail me at [EMAIL] or [EMAIL]"}}}, {"output", {{"text", "ok"}}}});

    CHECK(at(t, 1, "id") == cell{"rec-0001"});
    CHECK(at(t, 1, "kind") == cell{"ml.prediction"});
    CHECK(at(t, 1, "model_version") == cell{"v3"});
    CHECK(at(t, 1, "content_state") == cell{"stripped"});
    CHECK(at(t, 1, "content").is_null());
    CHECK(at(t, 1, "input_tokens").is_null());  // not reported, not 0

    CHECK(at(t, 2, "status") == cell{"error"});
    CHECK(at(t, 2, "error_type") == cell{"timeout"});
    CHECK(at(t, 2, "cost_usd").is_null());
    CHECK(at(t, 2, "content_state") == cell{"none"});

    CHECK(at(t, 3, "content_state") == cell{"partial"});
    CHECK(nlohmann::json::parse(at(t, 3, "content").str()) == nlohmann::json{{"input", "partly kept"}});

    REQUIRE(t.notes.size() == 3);
    CHECK(t.notes[0] == "records: 4 (1 error, 0 blocked); input tokens 13, output tokens 9; cost 0.003000 USD known, 1 unknown");
    CHECK(t.notes[1] == "models used: claude-x (2), claude-y (1), fraud_detector (1)");
    CHECK(t.notes[2] == "content: 1 kept, 1 stripped, 1 partial, 1 without content; 2 values redacted before storage");
}

TEST_CASE("data_access without content, within a time range, and as JSON") {
    aitrail_test::trail_builder b;
    const auto& trail = jane_trail(b);
    aitrail::record_filter f;
    f.since = aitrail::detail::parse_rfc3339("2026-11-02T00:00:00Z");
    const auto t = aitrail::reports::data_access(trail, "jane", f, {.include_content = false});
    REQUIRE(t.rows.size() == 3);
    for (std::size_t i = 0; i < t.rows.size(); ++i) CHECK(at(t, i, "content").is_null());
    std::ostringstream out;
    aitrail::print_table(out, t, aitrail::table_format::json);
    const auto j = nlohmann::json::parse(out.str());
    CHECK(j["rows"].size() == 3);
    CHECK(j["rows"][0]["id"] == "rec-0001");
    CHECK(j["rows"][2]["cost_usd"] == 0.002);
    CHECK_THROWS_AS(aitrail::reports::data_access(trail, ""), std::invalid_argument);
}

TEST_SUITE_END();

}  // namespace reports_access_tests
