// `aitrail verify` as a user runs it: the built tool on real trails, judged
// by its exit status and the lines it prints.
#include <aitrail/read/verify.hpp>

#include <doctest/doctest.h>

#include "support/files.hpp"
#include "support/shell.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_path.hpp"

#include <aitrail/capture/auditor.hpp>
#include <aitrail/storage/jsonl_storage.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>       // uint64_t
#include <filesystem>    // path
#include <fstream>       // ifstream, ofstream
#include <iterator>      // istreambuf_iterator
#include <stdexcept>     // runtime_error
#include <string>        // string
#include <system_error>  // error_code
#include <vector>        // vector

namespace verify_cli_tests {

namespace fs = std::filesystem;

namespace {

using aitrail_test::temp_dir;
using aitrail_test::read_file;
using aitrail_test::write_file;

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
        lines.push_back(text.substr(start, nl - start));
    if (start < text.size()) lines.push_back(text.substr(start));
    return lines;
}

struct tool_run {
    int status = -1;     ///< exit status
    std::string out;     ///< what it printed to stdout
    std::string err;     ///< what it printed to stderr
    std::string all() const { return out + err; }
};

/// Runs `aitrail <args>` and collects its exit status and output.
tool_run run_tool(const fs::path& scratch, const std::vector<std::string>& args) {
    const fs::path err_file = scratch / "stderr.txt";
    std::string command = aitrail_test::shell_quote(aitrail_test::tool_path());
    for (const auto& a : args) command += " " + aitrail_test::shell_quote(a);
    command += " 2>" + aitrail_test::shell_quote(err_file.string());
    INFO("command: ", command);
    const auto shell = aitrail_test::run_shell(command);
    REQUIRE(shell.exit_code != -1);  // exited, not killed by a signal
    tool_run r;
    r.status = shell.exit_code;
    r.out = shell.out;
    r.err = read_file(err_file);
    fs::remove(err_file);
    return r;
}

/// Runs `aitrail verify DIR` twice, the fast way and with --recanonicalize,
/// and hands each result to `check`: both must reach the same verdict.
template <class Check>
void verify_both_ways(const fs::path& scratch, const fs::path& dir, Check check) {
    for (const bool slow : {false, true}) {
        CAPTURE(slow);
        std::vector<std::string> args{"verify"};
        if (slow) args.push_back("--recanonicalize");
        args.push_back(dir.string());
        const auto r = run_tool(scratch, args);
        CAPTURE(r.all());
        check(r);
    }
}

/// The lines of `text` that start with `prefix`.
std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix) {
    std::vector<std::string> found;
    for (const auto& l : split_lines(text))
        if (l.rfind(prefix, 0) == 0) found.push_back(l);
    return found;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// Writes a trail of trail.open and `calls` calls, in several small files.
void write_trail(const fs::path& dir, int calls) {
    aitrail::auditor<> audit{aitrail::jsonl_storage(dir, {.max_file_bytes = 4096})};
    for (int i = 0; i < calls; ++i) {
        auto scope = audit.scope({.action = "messages.create", .user = "user" + std::to_string(i)});
        scope.input({{"prompt", "question " + std::to_string(i)}}).output({{"text", "answer " + std::to_string(i)}});
    }
}

struct trail_shape {
    std::vector<fs::path> files;
    std::uint64_t lines = 0;
};

trail_shape shape_of(const fs::path& dir) {
    trail_shape s;
    for (const auto& f : aitrail::list_trail_files(dir)) {
        s.files.push_back(f.path);
        s.lines += split_lines(read_file(f.path)).size();
    }
    return s;
}

/// Replaces the user of the entry on line `line_no` (1-based) of `file` in
/// place, keeping its stored hash; returns that entry's seq.
std::uint64_t alter_user(const fs::path& file, std::size_t line_no) {
    auto lines = split_lines(read_file(file));
    REQUIRE(line_no >= 1);
    REQUIRE(line_no <= lines.size());
    auto& line = lines[line_no - 1];
    const auto at = line.find("\"user\":\"user");
    REQUIRE(at != std::string::npos);
    line[at + 8] = 'U';
    std::string text;
    for (const auto& l : lines) text += l + '\n';
    write_file(file, text);
    return nlohmann::json::parse(line).at("seq").get<std::uint64_t>();
}

}  // namespace

TEST_SUITE_BEGIN("verify_cli");

TEST_CASE("aitrail verify on a good trail prints OK with the counts and exits 0") {
    const temp_dir tmp("cli-good");
    const auto dir = tmp.path() / "trail";
    write_trail(dir, 40);
    const auto shape = shape_of(dir);
    REQUIRE(shape.files.size() >= 2);
    const std::string expected =
        "OK " + std::to_string(shape.lines) + " entries, " + std::to_string(shape.files.size()) + " files";

    verify_both_ways(tmp.path(), dir, [&](const tool_run& r) {
        CHECK(r.status == 0);
        const auto ok_lines = lines_starting(r.out, "OK ");
        REQUIRE(ok_lines.size() == 1);
        CHECK(ok_lines[0].rfind(expected, 0) == 0);
        CHECK(lines_starting(r.all(), "FAIL").empty());
    });

    // The files named one by one, in order, are the same trail.
    std::vector<std::string> args{"verify"};
    for (const auto& f : shape.files) args.push_back(f.string());
    const auto r = run_tool(tmp.path(), args);
    CAPTURE(r.all());
    CHECK(r.status == 0);
    CHECK(lines_starting(r.out, expected).size() == 1);
}

TEST_CASE("aitrail verify on a tampered trail names file, line, seq and kind and exits 1") {
    const temp_dir tmp("cli-tampered");
    const auto dir = tmp.path() / "trail";
    write_trail(dir, 40);
    const auto shape = shape_of(dir);
    REQUIRE(shape.files.size() >= 2);
    const fs::path file = shape.files[1];
    const std::uint64_t seq = alter_user(file, 2);
    const std::string location = file.filename().string() + ":2 seq " + std::to_string(seq) + ": record modified";

    verify_both_ways(tmp.path(), dir, [&](const tool_run& r) {
        CHECK(r.status == 1);
        const auto fails = lines_starting(r.out, "FAIL ");
        REQUIRE(fails.size() == 1);
        CHECK(contains(fails[0], "/" + location));
        CHECK(lines_starting(r.out, "OK ").empty());
    });

    SUBCASE("--max-problems limits the listing, not the verdict") {
        const std::uint64_t second = alter_user(shape.files.back(), 1);
        const auto all = run_tool(tmp.path(), {"verify", dir.string()});
        CAPTURE(all.all());
        CHECK(all.status == 1);
        const auto listed = lines_starting(all.out, "FAIL ");
        REQUIRE(listed.size() == 2);
        CHECK(contains(listed[1], shape.files.back().filename().string() + ":1 seq " + std::to_string(second)));

        const auto limited = run_tool(tmp.path(), {"verify", "--max-problems", "1", dir.string()});
        CAPTURE(limited.all());
        CHECK(limited.status == 1);
        const auto shown = lines_starting(limited.out, "FAIL ");
        REQUIRE(shown.size() == 1);
        CHECK(contains(shown[0], "/" + location));
    }
}

TEST_CASE("aitrail verify on a file that is not a trail names the file and line 1 and exits 1") {
    const temp_dir tmp("cli-not-trail");
    const auto notes = tmp.path() / "notes.txt";
    write_file(notes, "these are notes, not a trail\nsecond line\n");
    const auto r = run_tool(tmp.path(), {"verify", notes.string()});
    CAPTURE(r.all());
    CHECK(r.status == 1);
    CHECK(contains(r.all(), notes.string() + ":1"));
    CHECK(lines_starting(r.out, "OK ").empty());
}

TEST_CASE("aitrail verify on a missing path names it and exits 2") {
    const temp_dir tmp("cli-missing");
    const auto missing = tmp.path() / "no-such-trail";
    const auto r = run_tool(tmp.path(), {"verify", missing.string()});
    CAPTURE(r.all());
    CHECK(r.status != 0);
    CHECK(r.status == 2);
    CHECK(contains(r.all(), missing.string()));
    CHECK(lines_starting(r.out, "OK ").empty());

    SUBCASE("an empty directory is not a trail either") {
        fs::create_directory(missing);
        const auto empty = run_tool(tmp.path(), {"verify", missing.string()});
        CAPTURE(empty.all());
        CHECK(empty.status == 2);
        CHECK(contains(empty.all(), missing.string()));
    }
}

TEST_CASE("aitrail verify without a path is a usage error (exit 2)") {
    const temp_dir tmp("cli-usage");
    const auto r = run_tool(tmp.path(), {"verify"});
    CAPTURE(r.all());
    CHECK(r.status == 2);
    CHECK(contains(r.err, "usage"));
}

namespace {
struct cli_key {
    static std::string key() { return std::string(32, '\xcc'); }  // the bytes of the 64 hex digits in right.key
};
struct cli_keyed_policy : aitrail::default_policy {
    using hasher = aitrail::hashers::hmac_sha256<cli_key>;
};
}  // namespace

TEST_CASE("aitrail verify --key-file checks a keyed trail and names a missing or wrong key") {
    const temp_dir tmp("cli-keyed");
    const auto dir = tmp.path() / "trail";
    {
        aitrail::auditor<cli_keyed_policy> audit{aitrail::jsonl_storage(dir)};
        for (int i = 0; i < 3; ++i) audit.scope({.user = "u" + std::to_string(i)}).input("body");
    }
    write_file(tmp.path() / "right.key", std::string(64, 'c') + "\n");
    write_file(tmp.path() / "wrong.key", std::string(64, 'd') + "\n");

    const auto with_key = run_tool(tmp.path(), {"verify", "--key-file", (tmp.path() / "right.key").string(), dir.string()});
    CAPTURE(with_key.all());
    CHECK(with_key.status == 0);
    CHECK(with_key.out.rfind("OK 4 entries", 0) == 0);

    const auto without = run_tool(tmp.path(), {"verify", dir.string()});
    CAPTURE(without.all());
    CHECK(without.status == 1);
    CHECK(contains(without.out, "unverifiable"));
    CHECK(contains(without.out, "--key-file"));

    const auto wrong = run_tool(tmp.path(), {"verify", "--key-file", (tmp.path() / "wrong.key").string(), dir.string()});
    CAPTURE(wrong.all());
    CHECK(wrong.status == 1);
    CHECK(contains(wrong.out, "key id"));

    const auto missing = run_tool(tmp.path(), {"verify", "--key-file", (tmp.path() / "absent.key").string(), dir.string()});
    CHECK(missing.status == 2);
    CHECK(contains(missing.err, "absent.key"));
}

TEST_SUITE_END();

}  // namespace verify_cli_tests
