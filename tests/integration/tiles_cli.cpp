// `aitrail tiles` and the tile findings of `aitrail verify`, as a user runs
// them: the built tool on a real trail directory.

#include <aitrail/storage/jsonl_storage.hpp>

#include <doctest/doctest.h>

#include "support/files.hpp"
#include "support/shell.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_path.hpp"

#include <aitrail/capture/auditor.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>  // path, remove_all, exists
#include <string>      // string
#include <vector>      // vector

namespace tiles_cli_tests {

namespace fs = std::filesystem;

namespace {

struct tool_run {
    int status = -1;
    std::string out;
    std::string err;
};

/// Runs `aitrail <args>`.
tool_run run_tool(const fs::path& scratch, const std::vector<std::string>& args) {
    const fs::path err_file = scratch / "stderr.txt";
    std::string command = aitrail_test::shell_quote(aitrail_test::tool_path());
    for (const auto& a : args) command += " " + aitrail_test::shell_quote(a);
    command += " 2>" + aitrail_test::shell_quote(err_file.string());
    INFO("command: ", command);
    const auto shell = aitrail_test::run_shell(command);
    REQUIRE(shell.exit_code != -1);
    tool_run r{shell.exit_code, shell.out, aitrail_test::read_file(err_file)};
    fs::remove(err_file);
    return r;
}

/// A trail of `n` audited calls in `dir` (plus its trail.open entry).
void write_trail(const fs::path& dir, int n) {
    aitrail::auditor<> audit{aitrail::jsonl_storage(dir), {}};
    for (int i = 0; i < n; ++i) {
        auto scope = audit.scope({.action = "predict", .user = "u" + std::to_string(i % 7), .model = {"clf", "v1"}});
        scope.input({{"x", i}}).output({{"y", i * 2}});
    }
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_SUITE_BEGIN("tiles_cli");

TEST_CASE("aitrail tiles prints the tree and the tiles, a flipped tile byte is named by verify and tiles, --rebuild puts it right") {
    aitrail_test::temp_dir scratch("tiles-cli");
    const auto dir = scratch.path() / "trail";
    write_trail(dir, 599);  // 600 entries with trail.open: 2 full level-0 tiles and a partial

    auto r = run_tool(scratch.path(), {"tiles", "--trail", dir.string()});
    CHECK(r.status == 0);
    CHECK(contains(r.out, "tree size  600\n"));
    CHECK(contains(r.out, "tiles      4 stored, 4 expected: 0 missing, 0 mismatching"));
    r = run_tool(scratch.path(), {"tiles", "--trail", dir.string(), "--format", "json"});
    CHECK(r.status == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j.at("tree_size") == 600);
    CHECK(j.at("root_hex").get<std::string>().size() == 64);
    CHECK(j.at("root").get<std::string>().size() == 44);

    r = run_tool(scratch.path(), {"verify", dir.string()});
    CHECK(r.status == 0);
    CHECK(contains(r.out, "tiles: 4 checked, tree of 600 entries, root " + j.at("root_hex").get<std::string>()));

    std::string bytes = aitrail_test::read_file(dir / "tile/0/001");
    bytes[5 * 32 + 3] = static_cast<char>(bytes[5 * 32 + 3] ^ 0x40);
    aitrail_test::write_file(dir / "tile/0/001", bytes);

    r = run_tool(scratch.path(), {"verify", dir.string()});
    CHECK(r.status == 1);
    CHECK(contains(r.out, "FAIL " + (dir / "tile/0/001").string() +
                              " seq 261: tile mismatch — hash 5 differs from entry seq 261\n"));
    r = run_tool(scratch.path(), {"tiles", "--trail", dir.string()});
    CHECK(r.status == 1);
    CHECK(contains(r.out, "0 missing, 1 mismatching"));
    CHECK(contains(r.out, "tile/0/001 seq 261: tile mismatch"));

    r = run_tool(scratch.path(), {"tiles", "--trail", dir.string(), "--rebuild"});
    CHECK(r.status == 0);
    CHECK(contains(r.out, "replaced  tile/0/001\n"));
    CHECK(contains(r.out, "0 written, 1 replaced, 0 removed, 3 unchanged"));
    CHECK(run_tool(scratch.path(), {"verify", dir.string()}).status == 0);

    fs::remove_all(dir / "tile");
    r = run_tool(scratch.path(), {"verify", dir.string()});
    CHECK(r.status == 0);
    CHECK(contains(r.out, "tiles: none stored"));
    CHECK(run_tool(scratch.path(), {"verify", "--require-tiles", dir.string()}).status == 1);
    r = run_tool(scratch.path(), {"tiles", "--trail", dir.string()});
    CHECK(r.status == 1);
    CHECK(contains(r.out, "2 missing"));  // the full tiles: partial ones may lag a running writer
    r = run_tool(scratch.path(), {"tiles", "--trail", dir.string(), "--rebuild"});
    CHECK(r.status == 0);
    CHECK(contains(r.out, "4 written, 0 replaced"));
    CHECK(run_tool(scratch.path(), {"tiles", "--trail", dir.string()}).status == 0);
}

TEST_CASE("aitrail tiles refuses a missing --trail with exit 2") {
    aitrail_test::temp_dir scratch("tiles-cli-usage");
    CHECK(run_tool(scratch.path(), {"tiles"}).status == 2);
    CHECK(run_tool(scratch.path(), {"tiles", "--trail", (scratch.path() / "nope").string()}).status == 2);
}

TEST_SUITE_END();

}  // namespace tiles_cli_tests
