// `aitrail query`, `show`, `tail` and `export` as a user runs them: the built
// tool on a JSONL trail, judged by exit status and output.
#include <aitrail/read/query.hpp>

#include <doctest/doctest.h>

#include "support/shell.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_path.hpp"

#include <aitrail/capture/auditor.hpp>
#include <aitrail/storage/jsonl_directory.hpp>
#include <aitrail/storage/jsonl_storage.hpp>

#include <nlohmann/json.hpp>

#include <signal.h>  // kill, SIGTERM

#include <chrono>      // sys_days, hours, milliseconds
#include <filesystem>  // path
#include <fstream>     // ifstream, ofstream
#include <iterator>    // istreambuf_iterator
#include <sstream>     // istringstream
#include <string>      // string
#include <thread>      // sleep_for
#include <vector>      // vector

namespace query_cli_tests {

namespace fs = std::filesystem;

namespace {

using aitrail_test::run_shell;
using aitrail_test::shell_quote;
using aitrail_test::temp_dir;
using aitrail_test::tool_path;

const aitrail::timestamp day0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 1}};

/// Appends calls `first`..`first + n - 1` to the trail in `dir`: the i-th at
/// day0 + i hours, user alice for even i and "bob, \"the builder\"" for odd
/// ones (a comma and quotes, for CSV), an error every third call.
void write_calls(const fs::path& dir, int first, int n) {
    aitrail::auditor<aitrail::synchronous_policy> audit{aitrail::jsonl_storage{dir}};
    for (int i = first; i < first + n; ++i) {
        aitrail::pending_entry e;
        e.rec.ts = day0 + std::chrono::hours(i);
        e.rec.id = "call-" + std::to_string(i);
        e.rec.user = i % 2 == 0 ? "alice" : "bob, \"the builder\"";
        e.rec.model = {"claude-sonnet-4", "", "anthropic"};
        e.rec.latency_us = 1500 * (i + 1);
        e.rec.usage = {.input = 100 + i, .output = 10};
        e.rec.cost = aitrail::cost_info{2'500'000 * (i + 1), "test"};
        if (i % 3 == 0) {
            e.rec.status = aitrail::record_status::error;
            e.rec.error = aitrail::error_info{"overloaded_error", "busy"};
        }
        e.content["input"] = "question " + std::to_string(i);
        e.content["output"] = "answer " + std::to_string(i);
        audit.record(std::move(e));
    }
    audit.flush();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) {
        if (!l.empty() && l.back() == '\r') l.pop_back();
        out.push_back(l);
    }
    return out;
}

}  // namespace

TEST_SUITE_BEGIN("query_cli");

TEST_CASE("query prints matching records as jsonl, json, csv and table") {
    const temp_dir tmp("query-cli");
    const auto dir = tmp.path() / "trail";
    write_calls(dir, 0, 12);
    const std::string base = tool_path() + " query --trail " + shell_quote(dir.string());

    // jsonl: the entries themselves, byte for byte, in trail order.
    auto r = run_shell(base + " --status error --format jsonl");
    REQUIRE(r.exit_code == 0);
    auto got = lines_of(r.out);
    REQUIRE(got.size() == 4);  // calls 0, 3, 6, 9
    CHECK(nlohmann::json::parse(got[1])["rec"]["id"] == "call-3");
    CHECK(nlohmann::json::parse(got[3])["rec"]["status"] == "error");

    // json: one array of records, with content on request.
    r = run_shell(base + " --user alice --since 2026-11-01T05:00:00Z --until 2026-11-01T09:00:00Z --format json --content");
    REQUIRE(r.exit_code == 0);
    const auto arr = nlohmann::json::parse(r.out);
    REQUIRE(arr.size() == 2);  // calls 6 and 8
    CHECK(arr[0]["rec"]["id"] == "call-6");
    CHECK(arr[1]["content"]["output"] == "answer 8");

    // csv: header, then RFC 4180 quoting of the user with comma and quotes.
    r = run_shell(base + " --id call-1 --id call-2 --format csv");
    REQUIRE(r.exit_code == 0);
    got = lines_of(r.out);
    REQUIRE(got.size() == 3);
    CHECK(got[0] == "ts,id,kind,user,model,status,latency_ms,input_tokens,output_tokens,cost_usd");
    CHECK(got[1] == "2026-11-01T01:00:00.000000Z,call-1,llm.call,\"bob, \"\"the builder\"\"\",claude-sonnet-4,ok,3.000,101,10,0.005000000");

    // Cost and latency floors; a table for people.
    r = run_shell(base + " --min-cost-usd 0.025 --min-latency-ms 16.5 --format table");
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("call-10") != std::string::npos);
    CHECK(r.out.find("call-11") != std::string::npos);
    CHECK(r.out.find("call-9") == std::string::npos);

    // --limit stops early; a table says how many it left out.
    r = run_shell(base + " --limit 3 --format table");
    CHECK(r.out.find("9 more records not shown") != std::string::npos);
    r = run_shell(base + " --limit 3 --format jsonl");
    CHECK(lines_of(r.out).size() == 3);
    r = run_shell(base + " -n 2 --format jsonl");  // -n is --limit
    CHECK(lines_of(r.out).size() == 2);
}

TEST_CASE("query refuses bad options with a message naming them") {
    const temp_dir tmp("query-cli-bad");
    const auto dir = tmp.path() / "trail";
    write_calls(dir, 0, 2);
    const std::string base = tool_path() + " query --trail " + shell_quote(dir.string());
    CHECK(run_shell(base + " --since yesterday-ish 2>&1").exit_code == 2);
    auto r = run_shell(base + " --format xml 2>&1");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("--format") != std::string::npos);
    r = run_shell(base + " --min-cost-usd lots 2>&1");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("--min-cost-usd") != std::string::npos);
    r = run_shell(tool_path() + " query --trail " + shell_quote((tmp.path() / "missing").string()) + " 2>&1");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("missing") != std::string::npos);
}

TEST_CASE("show prints one record with content and says whether the chain up to it verifies") {
    const temp_dir tmp("show-cli");
    const auto dir = tmp.path() / "trail";
    write_calls(dir, 0, 5);
    auto r = run_shell(tool_path() + " show call-3 --trail " + shell_quote(dir.string()));
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("answer 3") != std::string::npos);
    CHECK(r.out.find("VERIFIED") != std::string::npos);
    r = run_shell(tool_path() + " show call-3 --trail " + shell_quote(dir.string()) + " --format json");
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["seq"] == 4);
    CHECK(j["verification"]["verified"] == true);
    CHECK(j["verification"]["chain_entries_checked"] == 5);
    CHECK(run_shell(tool_path() + " show no-such-id --trail " + shell_quote(dir.string()) + " 2>/dev/null").exit_code == 2);

    // An earlier entry changed: the record itself is intact, the chain is not.
    // (trail.open is dated today and the calls 2026-11-01: they are in the second file.)
    fs::path file;
    std::string text;
    for (const auto& f : aitrail::list_trail_files(dir)) {
        std::ifstream in(f.path);
        text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        file = f.path;
        if (text.find("question 1") != std::string::npos) break;
    }
    const auto at = text.find("question 1");
    REQUIRE(at != std::string::npos);
    text.replace(at, 10, "question X");
    std::ofstream(file, std::ios::trunc) << text;
    r = run_shell(tool_path() + " show call-3 --trail " + shell_quote(dir.string()));
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("entry   OK") != std::string::npos);
    CHECK(r.out.find("NOT VERIFIED") != std::string::npos);
}

TEST_CASE("tail prints the last records, and with -f the ones written afterwards") {
    const temp_dir tmp("tail-cli");
    const auto dir = tmp.path() / "trail";
    write_calls(dir, 0, 6);
    auto r = run_shell(tool_path() + " tail -n 2 --trail " + shell_quote(dir.string()) + " --format jsonl");
    REQUIRE(r.exit_code == 0);
    auto got = lines_of(r.out);
    REQUIRE(got.size() == 2);
    CHECK(nlohmann::json::parse(got[0])["rec"]["id"] == "call-4");
    CHECK(nlohmann::json::parse(got[1])["rec"]["id"] == "call-5");

    const auto out = tmp.path() / "follow.out";
    r = run_shell(tool_path() + " tail -f -n 1 --interval 50 --user alice --format jsonl --trail " + shell_quote(dir.string()) + " > " +
                  shell_quote(out.string()) + " 2>&1 & echo $!");
    const int pid = std::stoi(r.out);
    std::string text;
    // Polls the output until it holds `id` (up to 10 s: a loaded machine or a
    // sanitizer build starts the tool slowly).
    const auto wait_for = [&](const std::string& id) {
        for (int i = 0; i < 200 && text.find(id) == std::string::npos; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            std::ifstream f(out);
            text.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
        }
    };
    // The new calls are written only once tail has printed the last old
    // one: written earlier, they would be "the last records" instead.
    wait_for("call-4");
    write_calls(dir, 6, 4);  // calls 6..9: alice's are 6 and 8
    wait_for("call-8");
    ::kill(pid, SIGTERM);
    got = lines_of(text);
    REQUIRE(got.size() == 3);
    CHECK(nlohmann::json::parse(got[0])["rec"]["id"] == "call-4");
    CHECK(nlohmann::json::parse(got[1])["rec"]["id"] == "call-6");
    CHECK(nlohmann::json::parse(got[2])["rec"]["id"] == "call-8");
}

TEST_CASE("export copies a trail into an empty JSONL directory and verifies both ends") {
    const temp_dir tmp("export-cli");
    const auto dir = tmp.path() / "trail";
    write_calls(dir, 0, 30);
    const auto copy = tmp.path() / "copy";
    auto r = run_shell(tool_path() + " export --trail " + shell_quote(dir.string()) + " --to jsonl --out " + shell_quote(copy.string()) + " --batch 7");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("exported 31 entries") != std::string::npos);
    CHECK(run_shell(tool_path() + " verify --quiet " + shell_quote(copy.string())).exit_code == 0);
    // The same lines, in the same order.
    std::string a, b;
    aitrail::jsonl_directory{dir}.scan([&](const aitrail::stored_line& l) { return a.append(l.text) += '\n', true; });
    aitrail::jsonl_directory{copy}.scan([&](const aitrail::stored_line& l) { return b.append(l.text) += '\n', true; });
    CHECK(a == b);
    // Never into a trail that already has entries.
    r = run_shell(tool_path() + " export --trail " + shell_quote(dir.string()) + " --to jsonl --out " + shell_quote(copy.string()) + " 2>&1");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("already holds a trail") != std::string::npos);
}

TEST_SUITE_END();

}  // namespace query_cli_tests
