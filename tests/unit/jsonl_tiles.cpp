#include <aitrail/storage/jsonl_storage.hpp>

#include <doctest/doctest.h>

#include "support/files.hpp"
#include "support/temp_dir.hpp"

#include <aitrail/integrity/sealer.hpp>
#include <aitrail/integrity/tiles.hpp>
#include <aitrail/manage/rebuild_tiles.hpp>
#include <aitrail/read/verify.hpp>
#include <aitrail/storage/jsonl_directory.hpp>

#include <chrono>      // sys_days, hours
#include <cstdint>     // uint64_t
#include <filesystem>  // path, remove_all, exists
#include <map>         // map
#include <span>        // span
#include <string>      // string
#include <vector>      // vector

namespace jsonl_tiles_tests {

namespace fs = std::filesystem;

namespace {

using aitrail_test::temp_dir;
using aitrail_test::read_file;
using aitrail_test::write_file;
using aitrail_test::append_file;

aitrail::timestamp day(unsigned d, int second = 0) {
    using namespace std::chrono;
    return aitrail::timestamp{sys_days{year{2026} / month{3} / std::chrono::day{d}}} + hours{9} + seconds{second};
}

/// A chain of entries and the tiles a tile_builder gives for it.
struct trail_maker {
    aitrail::sealer<aitrail::hashers::sha256> sealer;
    aitrail::tile_builder builder;
    std::map<std::string, std::string> full;  // full tiles by path

    /// The next `n` entries, on day `d`.
    std::vector<aitrail::sealed_entry> next(std::size_t n, unsigned d = 10) {
        std::vector<aitrail::sealed_entry> out;
        for (std::size_t i = 0; i < n; ++i) {
            aitrail::pending_entry e;
            e.rec.id = "rec-" + std::to_string(sealer.head().next_seq);
            e.rec.ts = day(d, static_cast<int>(i % 60));
            e.content = {{"input", sealer.head().next_seq}};
            out.push_back(sealer.seal(e));
            out.back().rec = nullptr;
            builder.append_entry(*aitrail::detail::from_hex<32>(out.back().hash),
                                 [&](const aitrail::tile_id& t, const std::string& b) { full[aitrail::tile_path(t)] = b; });
        }
        return out;
    }

    /// Every tile of the trail so far, by path.
    std::map<std::string, std::string> tiles() const {
        auto all = full;
        for (const auto& [t, b] : builder.partial_tiles()) all[aitrail::tile_path(t)] = b;
        return all;
    }
};

void append(aitrail::jsonl_storage& s, const std::vector<aitrail::sealed_entry>& batch) {
    s.append(std::span<const aitrail::sealed_entry>(batch));
}

/// The tile files in `dir`, by path.
std::map<std::string, std::string> stored_tiles(const fs::path& dir) {
    std::map<std::string, std::string> out;
    for (const auto& t : aitrail::list_tile_files(dir)) out[aitrail::tile_path(t)] = *aitrail::read_tile_file(dir, t);
    return out;
}

std::vector<std::string> warnings;
aitrail::jsonl_options quiet_options() {
    aitrail::jsonl_options o;
    o.on_warning = [](const std::string& m) { warnings.push_back(m); };
    return o;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_SUITE_BEGIN("jsonl_tiles");

TEST_CASE("the tiles of a JSONL trail are the tile builder's at every size, across the 256 and 65536 boundaries") {
    temp_dir dir("tiles-sizes");
    trail_maker m;
    aitrail::jsonl_storage s(dir.path(), quiet_options());
    for (const std::size_t target : {1U, 2U, 255U, 256U, 257U, 511U, 512U, 513U, 1000U, 65535U, 65536U, 65537U, 65800U}) {
        CAPTURE(target);
        append(s, m.next(target - s.head().next_seq));
        s.flush();
        CHECK(s.tree() == m.builder.tree());
        if (target < 2000 || target >= 65536) CHECK(stored_tiles(dir.path()) == m.tiles());
    }
    CHECK(fs::exists(dir.path() / "tile/1/000"));
    CHECK(fs::exists(dir.path() / "tile/2/000.p/1"));
    CHECK_FALSE(fs::exists(dir.path() / "tile/0/000.p"));  // partials of full tiles are gone
    const auto r = aitrail::verify_paths({dir.path()});
    CHECK(r.ok());
    CHECK(r.tiles == aitrail::verify_report::tiles_state::checked);
    CHECK(r.tree_root == aitrail::to_hex(m.builder.tree().root()));
}

TEST_CASE("a reopened trail resumes its tree from the tiles and goes on") {
    temp_dir dir("tiles-reopen");
    trail_maker m;
    {
        aitrail::jsonl_storage s(dir.path(), quiet_options());
        append(s, m.next(300));
    }  // partial tiles written on close
    CHECK(stored_tiles(dir.path()) == m.tiles());
    warnings.clear();
    {
        aitrail::jsonl_storage s(dir.path(), quiet_options());
        CHECK(s.tree() == m.builder.tree());
        CHECK(warnings.empty());  // nothing to repair
        append(s, m.next(250));
        s.flush();
        CHECK(s.tree() == m.builder.tree());
    }
    CHECK(stored_tiles(dir.path()) == m.tiles());
    CHECK(aitrail::verify_paths({dir.path()}).ok());
}

TEST_CASE("a torn tail cut on open leaves the tree of the complete entries") {
    temp_dir dir("tiles-torn");
    trail_maker m;
    {
        aitrail::jsonl_storage s(dir.path(), quiet_options());
        append(s, m.next(260));
    }
    const auto file = aitrail::list_trail_files(dir.path()).back().path;
    append_file(file, "{\"content\":{\"input\":26");
    aitrail::jsonl_storage s(dir.path(), quiet_options());
    CHECK(s.recovery().torn_bytes > 0);
    CHECK(s.tree() == m.builder.tree());
    append(s, m.next(10));
    s.flush();
    CHECK(stored_tiles(dir.path()) == m.tiles());
}

TEST_CASE("entries written without their tiles (a crash between the two) get them on open") {
    temp_dir dir("tiles-crash");
    trail_maker m;
    {
        aitrail::jsonl_storage s(dir.path(), quiet_options());
        append(s, m.next(600));
        s.flush();
    }
    // The state a kill between the entry write and the tile write leaves:
    // entries beyond the tiles, partial tiles of an older size.
    aitrail::jsonl_options off = quiet_options();
    off.tiles = false;
    {
        aitrail::jsonl_storage s(dir.path(), off);
        append(s, m.next(200));
        CHECK_THROWS_AS(s.tree(), aitrail::storage_error);
    }
    const auto stale = aitrail::verify_paths({dir.path()});
    CHECK_FALSE(stale.ok());
    warnings.clear();
    aitrail::jsonl_storage s(dir.path(), quiet_options());
    CHECK(s.tree() == m.builder.tree());
    REQUIRE(warnings.size() == 1);
    CHECK(contains(warnings.front(), "tiles repaired"));
    CHECK(stored_tiles(dir.path()) == m.tiles());
}

TEST_CASE("deleted tiles are rewritten on open, from the first missing one") {
    temp_dir dir("tiles-deleted");
    trail_maker m;
    {
        aitrail::jsonl_storage s(dir.path(), quiet_options());
        append(s, m.next(1300));
    }
    const auto all = m.tiles();
    fs::remove(dir.path() / "tile/0/003");
    fs::remove_all(dir.path() / "tile/1");
    { aitrail::jsonl_storage s(dir.path(), quiet_options()); }
    CHECK(stored_tiles(dir.path()) == all);
    fs::remove_all(dir.path() / "tile");
    { aitrail::jsonl_storage s(dir.path(), quiet_options()); }
    CHECK(stored_tiles(dir.path()) == all);
}

TEST_CASE("tiles beyond the trail's end are reported by verify and removed on open") {
    temp_dir dir("tiles-beyond");
    trail_maker m;
    {
        aitrail::jsonl_storage s(dir.path(), quiet_options());
        append(s, m.next(300));
    }
    write_file(dir.path() / "tile/0/004", std::string(32 * 256, 'x'));
    const auto r = aitrail::verify_paths({dir.path()});
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].kind == aitrail::problem_kind::tile_mismatch);
    CHECK(contains(aitrail::format_problem(r.problems[0]), "tile/0/004"));
    CHECK(contains(r.problems[0].detail, "beyond the trail's end"));
    { aitrail::jsonl_storage s(dir.path(), quiet_options()); }
    CHECK(stored_tiles(dir.path()) == m.tiles());
}

TEST_CASE("rotation by size and by day does not change the tree: one tree over every file") {
    temp_dir dir("tiles-rotate");
    trail_maker m;
    aitrail::jsonl_options o = quiet_options();
    o.max_file_bytes = 16 * 1024;
    {
        aitrail::jsonl_storage s(dir.path(), o);
        append(s, m.next(200, 10));
        append(s, m.next(200, 11));
        append(s, m.next(120, 12));
    }
    CHECK(aitrail::list_trail_files(dir.path()).size() > 3);
    CHECK(stored_tiles(dir.path()) == m.tiles());
    fs::remove_all(dir.path() / "tile");
    aitrail::jsonl_storage s(dir.path(), o);
    CHECK(s.tree() == m.builder.tree());
    CHECK(stored_tiles(dir.path()) == m.tiles());
}

TEST_CASE("a flipped tile byte is named by verify and put right by rebuild_tiles") {
    temp_dir dir("tiles-flip");
    trail_maker m;
    {
        aitrail::jsonl_storage s(dir.path(), quiet_options());
        append(s, m.next(1000));
    }
    const auto good = m.tiles();
    auto flip = [&](const std::string& path, std::size_t at) {
        std::string bytes = read_file(dir.path() / path);
        bytes[at] = static_cast<char>(bytes[at] ^ 1);
        write_file(dir.path() / path, bytes);
    };
    flip("tile/0/001", 17 * 32 + 5);
    flip("tile/0/003.p/232", 0);
    const auto r = aitrail::verify_paths({dir.path()});
    REQUIRE(r.problems.size() == 2);
    CHECK(aitrail::format_problem(r.problems[0]) ==
          "FAIL " + (dir.path() / "tile/0/001").string() + " seq 273: tile mismatch — hash 17 differs from entry seq 273");
    CHECK(contains(aitrail::format_problem(r.problems[1]), "tile/0/003.p/232 seq 768: tile mismatch — hash 0 differs"));

    const auto rebuilt = aitrail::rebuild_tiles(dir.path(), quiet_options());
    CHECK(rebuilt.tree_size == 1000);
    CHECK(rebuilt.root == m.builder.tree().root());
    CHECK(rebuilt.replaced == std::vector<std::string>{"tile/0/001", "tile/0/003.p/232"});
    CHECK(rebuilt.written.empty());
    CHECK(rebuilt.removed.empty());
    CHECK(stored_tiles(dir.path()) == good);
    CHECK(aitrail::verify_paths({dir.path()}).ok());
    CHECK_FALSE(aitrail::rebuild_tiles(dir.path(), quiet_options()).changed());
}

TEST_CASE("with tiles off nothing is written and verify says the trail has none") {
    temp_dir dir("tiles-off");
    trail_maker m;
    aitrail::jsonl_options o = quiet_options();
    o.tiles = false;
    {
        aitrail::jsonl_storage s(dir.path(), o);
        append(s, m.next(300));
        s.flush();
    }
    CHECK_FALSE(fs::exists(dir.path() / "tile"));
    const auto r = aitrail::verify_paths({dir.path()});
    CHECK(r.ok());
    CHECK(r.tiles == aitrail::verify_report::tiles_state::absent);
    CHECK(aitrail::format_tiles(r) == "tiles: none stored");
    aitrail::verify_options require;
    require.require_tiles = true;
    CHECK_FALSE(aitrail::verify_paths({dir.path()}, require).ok());
}

TEST_CASE("a read-only directory hands out the tiles for proofs") {
    temp_dir dir("tiles-proof");
    trail_maker m;
    {
        aitrail::jsonl_storage s(dir.path(), quiet_options());
        append(s, m.next(700));
    }
    const aitrail::jsonl_directory d(dir.path());
    aitrail::tile_hash_reader reader(700, aitrail::tile_source_of(d));
    CHECK(aitrail::merkle_root(700, reader) == m.builder.tree().root());
    CHECK(aitrail::verify(d).tiles_checked == aitrail::tiles_of_tree(700).size());
}

TEST_SUITE_END();

}  // namespace jsonl_tiles_tests
