// `aitrail export`, `verify`, `query` and `report` on SQL trails, as a user
// runs them: a JSONL trail exported into PostgreSQL, from there into SQLite,
// each copy verified from its database alone and reporting the same bytes.
#include <aitrail/read/verify.hpp>

#include <doctest/doctest.h>

#include "postgres/test_server.hpp"
#include "support/report_trails.hpp"
#include "support/shell.hpp"
#include "support/temp_dir.hpp"

#include <aitrail/record/record_view.hpp>
#include <aitrail/storage/jsonl_storage.hpp>

#include <string>  // string
#include <vector>  // vector

namespace export_cli_tests {

#if defined(AITRAIL_TOOL_PATH) && defined(AITRAIL_HAS_SQLITE)

TEST_SUITE_BEGIN("export_cli");

TEST_CASE("export moves a trail JSONL -> PostgreSQL -> SQLite, verified on both ends each time") {
    aitrail_test::trail_builder b;
    for (int i = 0; i < 60; ++i)
        b.add({.ts = "2026-11-0" + std::to_string(1 + i % 5) + "T10:00:00Z",
               .user = i % 3 ? "alice" : "bob",
               .model = i % 2 ? "gpt-4o" : "claude-sonnet-4",
               .status = i % 10 == 0 ? "error" : "ok",
               .error_type = i % 10 == 0 ? "overloaded_error" : "",
               .latency_us = 1000 * (i + 1),
               .input_tokens = 100 + i,
               .output_tokens = 20,
               .cost_nanos = 1'000'000 + i,
               .content = {{"input", "q" + std::to_string(i)}}});
    const auto lines = b.trail().lines();
    const aitrail_test::temp_dir tmp("export-cli");
    const auto dir = tmp.path() / "trail";
    {
        aitrail::jsonl_storage s{dir};
        std::vector<aitrail::sealed_entry> entries;
        for (const auto& l : lines) {
            auto e = aitrail::sealed_entry_from_line(l);
            REQUIRE(e);
            entries.push_back(std::move(*e));
        }
        s.append(entries);
        s.flush();
    }
    const std::string tool = AITRAIL_TOOL_PATH;
    const std::string table = aitrail_test::pg::table_name("export_cli");
    const std::string pg_spec = "postgres:" + aitrail_test::pg::conninfo() + "#" + table;
    const std::string db = (tmp.path() / "copy.db").string();

    auto r = aitrail_test::run_shell(tool + " export --trail " + aitrail_test::shell_quote(dir.string()) + " --to postgres --out " +
                                     aitrail_test::shell_quote(aitrail_test::pg::conninfo()) + " --table " + table + " 2>&1");
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("exported 61 entries") != std::string::npos);

    r = aitrail_test::run_shell(tool + " export --trail " + aitrail_test::shell_quote(pg_spec) + " --to sqlite --out " + aitrail_test::shell_quote(db) + " 2>&1");
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(aitrail_test::run_shell(tool + " verify --quiet " + aitrail_test::shell_quote("sqlite:" + db)).exit_code == 0);
    CHECK(aitrail_test::run_shell(tool + " verify --quiet " + aitrail_test::shell_quote(pg_spec)).exit_code == 0);

    // The same answers from the three stores, through the command line.
    for (const std::string cmd : {"report cost_by_user_day --format csv", "report error_rate_by_model --format json",
                                  "query --user bob --status error --format jsonl"}) {
        const auto from_jsonl = aitrail_test::run_shell(tool + " " + cmd + " --trail " + aitrail_test::shell_quote(dir.string()));
        const auto from_pg = aitrail_test::run_shell(tool + " " + cmd + " --trail " + aitrail_test::shell_quote(pg_spec));
        const auto from_sqlite = aitrail_test::run_shell(tool + " " + cmd + " --trail " + aitrail_test::shell_quote("sqlite:" + db));
        INFO(cmd);
        CHECK(from_jsonl.exit_code == 0);
        CHECK(from_jsonl.out.size() > 100);
        CHECK(from_pg.out == from_jsonl.out);
        CHECK(from_sqlite.out == from_jsonl.out);
    }

    // A second export into the same table is refused: it already holds a trail.
    r = aitrail_test::run_shell(tool + " export --trail " + aitrail_test::shell_quote(dir.string()) + " --to " + aitrail_test::shell_quote(pg_spec) + " 2>&1");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("already holds a trail") != std::string::npos);
}

#endif

TEST_SUITE_END();

}  // namespace export_cli_tests
