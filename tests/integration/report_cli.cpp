// `aitrail report` as a user runs it: the built tool on a JSONL trail, in
// every format, and the messages and exit statuses of bad options.
#include <doctest/doctest.h>

#include "support/files.hpp"
#include "support/report_trails.hpp"
#include "support/shell.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_path.hpp"

#include <aitrail/storage/jsonl_files.hpp>
#include <aitrail/storage/jsonl_storage.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>  // path
#include <fstream>     // ifstream, ofstream
#include <iterator>    // istreambuf_iterator
#include <string>      // string
#include <vector>      // vector

namespace report_cli_tests {

namespace fs = std::filesystem;

namespace {

using aitrail_test::call;
using aitrail_test::read_file;

struct tool_run {
    int status = -1;
    std::string out, err;
};

/// Runs `aitrail report <args>` and collects its exit status and output.
tool_run report(const fs::path& scratch, const std::vector<std::string>& args) {
    const fs::path err_file = scratch / "stderr.txt";
    std::string command = aitrail_test::shell_quote(aitrail_test::tool_path()) + " report";
    for (const auto& a : args) command += " " + aitrail_test::shell_quote(a);
    command += " 2>" + aitrail_test::shell_quote(err_file.string());
    INFO("command: ", command);
    const auto r = aitrail_test::run_shell(command);
    tool_run out{r.exit_code, r.out, read_file(err_file)};
    fs::remove(err_file);
    return out;
}

/// A minimal RFC 4180 reader: records of fields, CRLF line ends, quotes.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
    bool quoted_field = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        auto& field = rows.back().back();
        if (quoted_field) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
            else if (c == '"') quoted_field = false;
            else field += c;
        } else if (c == '"') quoted_field = true;
        else if (c == ',') rows.back().emplace_back();
        else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            ++i;
            rows.emplace_back(1);
        } else field += c;
    }
    if (rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
    return rows;
}

/// Eight calls over two days by jane and bob, with a JSON body that needs
/// CSV quoting.
void write_trail(const fs::path& dir) {
    aitrail::auditor<aitrail_test::report_policy> audit{aitrail::jsonl_storage(dir)};
    const std::vector<call> calls = {
        {.ts = "2026-11-01T08:00:00Z", .user = "jane", .model = "claude-x", .latency_us = 1000, .input_tokens = 100,
         .output_tokens = 10, .cost_nanos = 2'000'000, .tags = {"team:risk"},
         .content = {{"input", "say \"hi\", then stop"}}},
        {.ts = "2026-11-01T09:00:00Z", .user = "jane", .model = "claude-x", .latency_us = 3000, .input_tokens = 200,
         .output_tokens = 20, .cost_nanos = 4'000'000, .tags = {"team:risk"}},
        {.ts = "2026-11-01T10:00:00Z", .user = "bob", .model = "claude-x", .status = "error", .error_type = "overloaded",
         .latency_us = 500},
        {.ts = "2026-11-02T08:00:00Z", .user = "bob", .model = "claude-y", .latency_us = 2000, .input_tokens = 50,
         .output_tokens = 5, .cost_nanos = 1'000'000},
        {.ts = "2026-11-02T09:00:00Z", .user = "jane", .model = "fraud_detector", .version = "v3", .kind = "ml.prediction",
         .latency_us = 20'000, .meta = {{"prediction", "legitimate"}}},
        {.ts = "2026-11-02T09:30:00Z", .user = "jane", .model = "fraud_detector", .version = "v3", .kind = "ml.prediction",
         .latency_us = 30'000, .meta = {{"prediction", "fraud"}}},
    };
    int n = 0;
    for (const auto& c : calls) audit.record(aitrail_test::entry_of(c, ++n));
}

struct fixture {
    aitrail_test::temp_dir tmp{"report-cli"};
    fs::path trail = tmp.path() / "trail";
    fixture() { write_trail(trail); }
};

}  // namespace

TEST_SUITE_BEGIN("report_cli");

TEST_CASE("aitrail report --list names every report") {
    fixture f;
    const auto r = report(f.tmp.path(), {"--list"});
    CHECK(r.status == 0);
    for (const char* name : {"cost_by_user_day", "spend_by", "error_rate_by_model", "latency_by_model", "model_usage",
                             "data_access", "anomalies", "trail_health"})
        CHECK_MESSAGE(r.out.find(std::string(name) + " ") != std::string::npos, name);
}

TEST_CASE("aitrail report cost_by_user_day as CSV: header, rows in order, exact money") {
    fixture f;
    const auto r = report(f.tmp.path(), {"cost_by_user_day", "--trail", f.trail.string(), "--format", "csv"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.starts_with("user,day,requests,input_tokens,output_tokens,cost_usd,unknown_cost,avg_latency_ms\r\n"));
    const auto rows = parse_csv(r.out);
    REQUIRE(rows.size() == 5);
    CHECK(rows[1] == std::vector<std::string>{"jane", "2026-11-01", "2", "300", "30", "0.006000000", "0", "2.000"});
    CHECK(rows[2] == std::vector<std::string>{"bob", "2026-11-02", "1", "50", "5", "0.001000000", "0", "2.000"});
    CHECK(rows[3] == std::vector<std::string>{"bob", "2026-11-01", "1", "0", "0", "", "0", "0.500"});
    CHECK(rows[4] == std::vector<std::string>{"jane", "2026-11-02", "2", "0", "0", "", "0", "25.000"});
}

TEST_CASE("aitrail report as JSON, JSON lines and a table, with a time filter") {
    fixture f;
    const std::vector<std::string> base = {"cost_by_user_day", "--trail", f.trail.string(), "--since", "2026-11-02"};
    auto args = base;
    args.insert(args.end(), {"--format", "json"});
    auto r = report(f.tmp.path(), args);
    REQUIRE(r.status == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["title"] == "Daily cost by user");
    REQUIRE(j["rows"].size() == 2);
    CHECK(j["rows"][0]["user"] == "bob");
    CHECK(j["rows"][0]["cost_usd"] == 0.001);
    CHECK(j["rows"][1]["cost_usd"].is_null());

    args = base;
    args.insert(args.end(), {"--format", "jsonl"});
    r = report(f.tmp.path(), args);
    REQUIRE(r.status == 0);
    CHECK(nlohmann::json::parse(r.out.substr(0, r.out.find('\n')))["day"] == "2026-11-02");

    r = report(f.tmp.path(), base);
    REQUIRE(r.status == 0);
    CHECK(r.out.starts_with("Daily cost by user\n"));
    CHECK(r.out.find("bob ") != std::string::npos);
}

TEST_CASE("every report runs in every format") {
    fixture f;
    const std::vector<std::vector<std::string>> reports = {
        {"cost_by_user_day"},
        {"spend_by", "--by", "team"},
        {"error_rate_by_model"},
        {"latency_by_model"},
        {"model_usage", "--model", "fraud_detector"},
        {"data_access", "--user", "jane"},
        {"anomalies", "--sigma", "2.5", "--window-days", "3", "--min-samples", "2", "--factor", "2", "--min-spend-usd", "0.001"},
        {"trail_health"},
    };
    for (const auto& rep : reports) {
        for (const char* format : {"table", "json", "jsonl", "csv"}) {
            auto args = rep;
            args.insert(args.end(), {"--trail", f.trail.string(), "--format", format});
            const auto r = report(f.tmp.path(), args);
            CAPTURE(rep[0]);
            CAPTURE(format);
            INFO(r.err);
            CHECK(r.status == 0);
            if (std::string(format) == "json") {
                const auto j = nlohmann::json::parse(r.out);
                CHECK(j["rows"].is_array());
                CHECK(j["columns"].size() >= 3);
            }
            if (std::string(format) == "csv") CHECK(parse_csv(r.out).size() >= 2);
        }
    }
}

TEST_CASE("aitrail report data_access quotes content in CSV and keeps it JSON text") {
    fixture f;
    const auto r = report(f.tmp.path(), {"data_access", "--user", "jane", "--trail", f.trail.string(), "--format", "csv"});
    REQUIRE(r.status == 0);
    const auto rows = parse_csv(r.out);
    REQUIRE(rows.size() == 5);
    const auto& header = rows[0];
    const auto col = [&](const std::string& name) {
        for (std::size_t i = 0; i < header.size(); ++i)
            if (header[i] == name) return i;
        FAIL("no column ", name);
        return std::size_t{0};
    };
    CHECK(nlohmann::json::parse(rows[1][col("content")]) == nlohmann::json{{"input", "say \"hi\", then stop"}});
    CHECK(rows[1][col("content_state")] == "kept");
    CHECK(rows[3][col("model")] == "fraud_detector");
    CHECK(rows[3][col("content_state")] == "none");

    const auto model = report(f.tmp.path(), {"model_usage", "--model", "fraud_detector", "--trail", f.trail.string(),
                                             "--format", "json"});
    REQUIRE(model.status == 0);
    const auto j = nlohmann::json::parse(model.out);
    bool found = false;
    for (const auto& row : j["rows"])
        if (row["section"] == "prediction" && row["key"] == "fraud") found = row["value"] == 1 && row["share"] == 50.0;
    CHECK(found);
}

TEST_CASE("aitrail report refuses bad options with a message naming them, exit 2") {
    fixture f;
    const std::string trail = f.trail.string();
    struct bad_case {
        std::vector<std::string> args;
        std::string message;
    };
    const std::vector<bad_case> cases = {
        {{"cost_by_user_day", "--trail", trail, "--since", "last week"}, "--since: 'last week' is not a time"},
        {{"cost_by_user_day", "--trail", trail, "--until", "2026-02-30"}, "--until: '2026-02-30' is not a time"},
        {{"cost_by_user_day", "--trail", trail, "--format", "xml"}, "--format: 'xml'"},
        {{"cost_by_user_day", "--trail", trail, "--sigma", "2"}, "option --sigma does not apply to report cost_by_user_day"},
        {{"cost_by_user_day", "--trail", trail, "--status", "failed"}, "--status: 'failed'"},
        {{"cost_by_user_day", "--trail", trail, "--min-cost-usd", "1e3"}, "--min-cost-usd: '1e3'"},
        {{"cost_by_user_day", "--trail", trail, "--frobnicate"}, "unknown option --frobnicate"},
        {{"spend_by", "--trail", trail, "--by", "colour"}, "--by: 'colour' is not tag, team, model, user or kind"},
        {{"anomalies", "--trail", trail, "--window-days", "0"}, "--window-days: '0'"},
        {{"anomalies", "--trail", trail, "--sigma"}, "--sigma needs a value"},
        {{"model_usage", "--trail", trail}, "model_usage needs --model"},
        {{"data_access", "--trail", trail}, "data_access needs --user"},
        {{"cost_by_user_day"}, "report needs --trail"},
        {{"no_such_report", "--trail", trail}, "unknown report 'no_such_report'"},
        {{"cost_by_user_day", "--trail", (f.tmp.path() / "missing").string()}, "missing"},
    };
    for (const auto& c : cases) {
        const auto r = report(f.tmp.path(), c.args);
        CAPTURE(c.message);
        CAPTURE(r.err);
        CHECK(r.status == 2);
        CHECK(r.err.find(c.message) != std::string::npos);
        CHECK(r.out.empty());
    }
}

TEST_CASE("aitrail report trail_health exits 1 on a tampered trail") {
    fixture f;
    auto r = report(f.tmp.path(), {"trail_health", "--trail", f.trail.string(), "--format", "csv"});
    REQUIRE(r.status == 0);
    CHECK(r.out.find("verify,status,OK\r\n") != std::string::npos);
    const auto files = aitrail::list_trail_files(f.trail);
    REQUIRE_FALSE(files.empty());
    auto text = read_file(files.back().path);
    const auto at = text.find("\"user\":\"jane\"");
    REQUIRE(at != std::string::npos);
    text.replace(at, 13, "\"user\":\"JANE\"");
    std::ofstream(files.back().path, std::ios::binary | std::ios::trunc) << text;
    r = report(f.tmp.path(), {"trail_health", "--trail", f.trail.string(), "--format", "csv"});
    CHECK(r.status == 1);
    CHECK(r.out.find("verify,status,FAILED\r\n") != std::string::npos);
    r = report(f.tmp.path(), {"trail_health", "--trail", f.trail.string(), "--no-verify"});
    CHECK(r.status == 0);
}

TEST_SUITE_END();

}  // namespace report_cli_tests
