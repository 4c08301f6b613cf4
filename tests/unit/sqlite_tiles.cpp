// Built only where the aitrail::sqlite target exists (tests/CMakeLists.txt
// then defines AITRAIL_HAS_SQLITE and links libsqlite3).
#if defined(AITRAIL_HAS_SQLITE)

#include <aitrail/storage/sqlite_storage.hpp>

#include <doctest/doctest.h>

#include "support/sealed_chain.hpp"

#include <aitrail/integrity/sealer.hpp>
#include <aitrail/integrity/tiles.hpp>
#include <aitrail/manage/rebuild_tiles.hpp>
#include <aitrail/read/verify.hpp>

#include "support/temp_dir.hpp"

#include <sqlite3.h>

#include <chrono>      // sys_days, hours
#include <filesystem>  // path
#include <map>         // map
#include <span>        // span
#include <string>      // string
#include <vector>      // vector

namespace sqlite_tiles_tests {

namespace {

/// A chain of entries and the tiles a tile_builder gives for it.
struct trail_maker {
    aitrail::sealer<aitrail::hashers::sha256> sealer;
    aitrail::tile_builder builder;
    std::map<std::string, std::string> full;

    std::vector<aitrail::sealed_entry> next(std::size_t n) {
        std::vector<aitrail::sealed_entry> out = aitrail_test::seal_next(sealer, n);
        for (const auto& entry : out) {
            builder.append_entry(*aitrail::detail::from_hex<32>(entry.hash),
                                 [&](const aitrail::tile_id& t, const std::string& b) { full[aitrail::tile_path(t)] = b; });
        }
        return out;
    }
    std::map<std::string, std::string> tiles() const {
        auto all = full;
        for (const auto& [t, b] : builder.partial_tiles()) all[aitrail::tile_path(t)] = b;
        return all;
    }
};

std::map<std::string, std::string> stored_tiles(const aitrail::sqlite_storage& s) {
    std::map<std::string, std::string> out;
    for (const auto& t : s.list_tiles()) out[aitrail::tile_path(t)] = *s.read_tile(t);
    return out;
}

void append(aitrail::sqlite_storage& s, const std::vector<aitrail::sealed_entry>& batch) {
    s.append(std::span<const aitrail::sealed_entry>(batch));
}

/// Runs `sql` on the database file directly (tampering, as an attacker would).
void run_sql(const std::filesystem::path& file, const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.string().c_str(), &db) == SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    if (err) sqlite3_free(err);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_OK);
}

}  // namespace

TEST_SUITE_BEGIN("sqlite_tiles");

TEST_CASE("sqlite_storage: keeps the tiles in a table, equal to the tile builder's, across reopen") {
    aitrail_test::temp_dir dir("sqlite-tiles");
    const auto file = dir.path() / "trail.db";
    trail_maker m;
    {
        aitrail::sqlite_storage s(file);
        for (const std::size_t target : {1U, 255U, 256U, 257U, 600U}) {
            append(s, m.next(target - s.head().next_seq));
            s.flush();
            CHECK(s.tree() == m.builder.tree());
            CHECK(stored_tiles(s) == m.tiles());
        }
    }
    aitrail::sqlite_storage s(file);
    CHECK(s.tree() == m.builder.tree());
    append(s, m.next(100));
    s.flush();
    CHECK(stored_tiles(s) == m.tiles());
    const auto r = aitrail::verify(aitrail::sqlite_storage(file, {.read_only = true}));
    CHECK(r.ok());
    CHECK(r.tiles == aitrail::verify_report::tiles_state::checked);
    CHECK(r.tree_size == 700);
}

TEST_CASE("sqlite_storage: two writers on one file keep one tree") {
    aitrail_test::temp_dir dir("sqlite-tiles-two");
    const auto file = dir.path() / "trail.db";
    trail_maker m;
    aitrail::sqlite_storage a(file), b(file);
    for (int round = 0; round < 6; ++round) {
        append(a, m.next(100));
        append(b, m.next(50));
    }
    CHECK(b.tree() == m.builder.tree());
    a.flush();
    b.flush();
    CHECK(stored_tiles(a) == m.tiles());
    CHECK(aitrail::verify(aitrail::sqlite_storage(file, {.read_only = true})).ok());
}

TEST_CASE("sqlite_storage: deleted tiles come back on open, a changed one is named by verify and rebuilt") {
    aitrail_test::temp_dir dir("sqlite-tiles-tamper");
    const auto file = dir.path() / "trail.db";
    trail_maker m;
    {
        aitrail::sqlite_storage s(file);
        append(s, m.next(700));
    }
    run_sql(file, "DELETE FROM aitrail_entries_tiles WHERE level = 0 AND idx = 1");
    {
        aitrail::sqlite_storage s(file);
        CHECK(stored_tiles(s) == m.tiles());
    }
    run_sql(file, "UPDATE aitrail_entries_tiles SET hashes = zeroblob(8192) WHERE level = 0 AND idx = 0");
    const auto r = aitrail::verify(aitrail::sqlite_storage(file, {.read_only = true}));
    REQUIRE(r.problems.size() == 1);
    CHECK(aitrail::format_problem(r.problems[0]) == "FAIL tile/0/000 seq 0: tile mismatch — hash 0 differs from entry seq 0");
    aitrail::sqlite_storage w(file);
    // The open already put it right: the upper partial tile disagreed with it.
    CHECK(stored_tiles(w) == m.tiles());
    run_sql(file, "UPDATE aitrail_entries_tiles SET hashes = zeroblob(8192) WHERE level = 0 AND idx = 0");
    const auto rebuilt = aitrail::rebuild_tiles(w);
    CHECK(rebuilt.replaced == std::vector<std::string>{"tile/0/000"});
    CHECK(stored_tiles(w) == m.tiles());
    CHECK(w.tree() == m.builder.tree());
    CHECK(aitrail::verify(aitrail::sqlite_storage(file, {.read_only = true})).ok());
}

TEST_CASE("sqlite_storage: a read-only opener hands out the tiles for proofs") {
    aitrail_test::temp_dir dir("sqlite-tiles-proof");
    const auto file = dir.path() / "trail.db";
    trail_maker m;
    {
        aitrail::sqlite_storage s(file);
        append(s, m.next(300));
    }
    const aitrail::sqlite_storage r(file, {.read_only = true});
    aitrail::tile_hash_reader reader(300, aitrail::tile_source_of(r));
    CHECK(aitrail::merkle_root(300, reader) == m.builder.tree().root());
    CHECK_THROWS_AS(r.tree(), aitrail::storage_error);
}

TEST_SUITE_END();

}  // namespace sqlite_tiles_tests

#endif  // AITRAIL_HAS_SQLITE
