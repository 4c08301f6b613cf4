// The aitrail tool's command line as a whole: every command's --help shows
// an example and the exit codes; every checked value (integer, duration,
// time, money) refuses garbage with exit 2 and a message naming the command
// and the flag; JSON and CSV carry amounts exact to the nano-USD.
#include <aitrail/read/query.hpp>

#include <doctest/doctest.h>

#include "support/shell.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_path.hpp"

#include <aitrail/capture/auditor.hpp>
#include <aitrail/storage/jsonl_storage.hpp>

#include <nlohmann/json.hpp>

#include <chrono>      // sys_days
#include <filesystem>  // path
#include <string>      // string
#include <vector>      // vector

namespace cli_usage_tests {

namespace fs = std::filesystem;

namespace {

using aitrail_test::run_shell;
using aitrail_test::shell_quote;
using aitrail_test::temp_dir;
using aitrail_test::tool_path;

/// A trail of two calls costing 81,487 and 14,053,913,548 nano-USD.
void write_priced_calls(const fs::path& dir) {
    aitrail::auditor<aitrail::synchronous_policy> audit{aitrail::jsonl_storage{dir}};
    const aitrail::timestamp day{std::chrono::sys_days{std::chrono::year{2026} / 11 / 1}};
    const std::int64_t costs[] = {81'487, 14'053'913'548};
    for (int i = 0; i < 2; ++i) {
        aitrail::pending_entry e;
        e.rec.ts = day + std::chrono::hours(i);
        e.rec.id = "priced-" + std::to_string(i);
        e.rec.user = "team-" + std::to_string(i);
        e.rec.model = {"claude-sonnet-4", "", "anthropic"};
        e.rec.cost = aitrail::cost_info{costs[i], "test"};
        audit.record(std::move(e));
    }
    audit.flush();
}

}  // namespace

TEST_CASE("every command's --help exits 0 and shows an example and the exit codes") {
    for (const char* command :
         {"verify", "query", "tail", "show", "report", "export", "redact", "proxy", "replay", "version"}) {
        const std::string name = command;
        CAPTURE(name);
        const auto r = run_shell(tool_path() + " " + command + " --help 2>&1");
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("examples:\n  aitrail ") != std::string::npos);
        CHECK(r.out.find("exit status: 0") != std::string::npos);
    }
    const auto all = run_shell(tool_path() + " --help 2>&1");
    CHECK(all.exit_code == 0);
    for (const char* command : {"verify", "query", "tail", "show", "report", "export", "redact", "proxy", "replay"})
        CHECK_MESSAGE(all.out.find(std::string("  ") + command + " ") != std::string::npos, command);
    CHECK(run_shell(tool_path() + " 2>/dev/null").exit_code == 2);
    const auto unknown = run_shell(tool_path() + " frobnicate 2>&1");
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.out.find("aitrail: unknown command 'frobnicate'") != std::string::npos);
}

TEST_CASE("bad integers, durations, times and amounts exit 2 naming the command and the flag") {
    const temp_dir tmp("cli-usage-bad");
    const auto dir = tmp.path() / "trail";
    write_priced_calls(dir);
    const std::string trail = " --trail " + shell_quote(dir.string());
    struct bad_case {
        std::string args;
        std::string message;
    };
    const std::vector<bad_case> cases = {
        // integers
        {"verify --max-problems x" + trail, "aitrail verify: --max-problems: 'x' is not a whole number"},
        {"verify --max-problems -1" + trail, "aitrail verify: --max-problems: '-1' is not a whole number"},
        {"query --limit 10x" + trail, "aitrail query: --limit: '10x' is not a whole number"},
        {"tail -n many" + trail, "aitrail tail: --limit: 'many' is not a whole number"},
        {"export --batch 0 --to jsonl --out x" + trail, "aitrail export: --batch: '0' is not a whole number"},
        {"report anomalies --window-days 1.5" + trail, "aitrail report: --window-days: '1.5' is not a whole number"},
        {"proxy --upstream http://127.0.0.1:1 --max-connections lots" + trail,
         "aitrail proxy: --max-connections: 'lots' is not a whole number"},
        // durations
        {"tail --interval soon" + trail, "aitrail tail: --interval: 'soon' is not a duration"},
        {"proxy --upstream http://127.0.0.1:1 --drain-timeout 5y" + trail,
         "aitrail proxy: --drain-timeout: '5y' is not a duration"},
        // times
        {"query --since yesterday-ish" + trail, "aitrail query: --since: 'yesterday-ish' is not a time"},
        {"report cost_by_user_day --until 2026-02-30" + trail, "aitrail report: --until: '2026-02-30' is not a time"},
        // money
        {"query --min-cost-usd lots" + trail, "aitrail query: --min-cost-usd: 'lots' is not an amount of USD"},
        {"report anomalies --min-spend-usd 0.0000000001" + trail,
         "aitrail report: --min-spend-usd: '0.0000000001' is not an amount of USD"},
        // formats
        {"show x --format xml" + trail, "aitrail show: --format: 'xml'"},
        {"tail --format yaml" + trail, "aitrail tail: --format: 'yaml'"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.args);
        const auto r = run_shell(tool_path() + " " + c.args + " 2>&1 >/dev/null");
        CAPTURE(r.out);
        CHECK(r.exit_code == 2);
        CHECK(r.out.find(c.message) != std::string::npos);
    }
}

TEST_CASE("show takes --format table, json and the old name text") {
    const temp_dir tmp("cli-usage-show");
    const auto dir = tmp.path() / "trail";
    write_priced_calls(dir);
    const std::string base = tool_path() + " show priced-0 --trail " + shell_quote(dir.string());
    const auto table = run_shell(base + " --format table");
    CHECK(table.exit_code == 0);
    CHECK(table.out.find("VERIFIED") != std::string::npos);
    CHECK(run_shell(base + " --format text").out == table.out);
    const auto json = run_shell(base + " --format json");
    CHECK(json.exit_code == 0);
    CHECK(nlohmann::json::parse(json.out)["verification"]["verified"] == true);
}

TEST_CASE("query and report print amounts exact to the nano-USD in JSON and CSV") {
    const temp_dir tmp("cli-usage-money");
    const auto dir = tmp.path() / "trail";
    write_priced_calls(dir);
    const std::string trail = " --trail " + shell_quote(dir.string());

    auto r = run_shell(tool_path() + " query --format csv" + trail);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find(",0.000081487\r\n") != std::string::npos);
    CHECK(r.out.find(",14.053913548\r\n") != std::string::npos);

    r = run_shell(tool_path() + " report cost_by_user_day --format json" + trail);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("\"cost_usd\": 0.000081487") != std::string::npos);
    CHECK(r.out.find("\"cost_usd\": 14.053913548") != std::string::npos);
    CHECK(nlohmann::json::parse(r.out)["rows"].size() == 2);

    r = run_shell(tool_path() + " report spend_by --by user --format csv" + trail);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find(",0.000081487,") != std::string::npos);

    // A table rounds for reading.
    r = run_shell(tool_path() + " report cost_by_user_day --format table" + trail);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("0.000081 ") != std::string::npos);
    CHECK(r.out.find("14.053914") != std::string::npos);
}

TEST_CASE("verify takes --trail as well as positional paths") {
    const temp_dir tmp("cli-usage-verify");
    const auto dir = tmp.path() / "trail";
    write_priced_calls(dir);
    const auto r = run_shell(tool_path() + " verify --quiet --trail " + shell_quote(dir.string()));
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind("OK ", 0) == 0);
}

}  // namespace cli_usage_tests
