// The Merkle tree and hash tiles of a PostgreSQL trail, in `<table>_tiles`:
// the same tree and tile bytes as a memory trail of the same entries, at
// every size and across reopen; one tree for two writers; missing tiles
// rewritten on open, a changed one named by verify and rebuilt.
#include <aitrail/storage/postgres_storage.hpp>

#include <doctest/doctest.h>

#include "support/sealed_chain.hpp"

#include "postgres/test_server.hpp"

#include <aitrail/integrity/sealer.hpp>
#include <aitrail/integrity/tiles.hpp>
#include <aitrail/manage/rebuild_tiles.hpp>
#include <aitrail/read/verify.hpp>
#include <aitrail/storage/memory_storage.hpp>

#include <chrono>   // sys_days, hours
#include <map>      // map
#include <span>     // span
#include <string>   // string, to_string
#include <vector>   // vector

namespace postgres_tiles_tests {

namespace {

namespace pg = aitrail_test::pg;
using pg::fresh_table;

static_assert(aitrail::tile_store<aitrail::postgres_storage>);
static_assert(aitrail::checkpointed_storage<aitrail::postgres_storage>);

/// A chain of entries, also kept in a memory trail (the reference tree and
/// tiles).
struct trail_maker {
    aitrail::sealer<aitrail::hashers::sha256> sealer;
    aitrail::memory_storage reference;

    std::vector<aitrail::sealed_entry> next(std::size_t n) {
        std::vector<aitrail::sealed_entry> out = aitrail_test::seal_next(sealer, n);
        reference.append(out);
        reference.flush();
        return out;
    }
};

/// Every tile a storage holds, by path.
template <class S>
std::map<std::string, std::string> stored_tiles(const S& s) {
    std::map<std::string, std::string> out;
    for (const auto& t : s.list_tiles()) out[aitrail::tile_path(t)] = s.read_tile(t).value_or("<gone>");
    return out;
}

void append(aitrail::postgres_storage& s, const std::vector<aitrail::sealed_entry>& batch) {
    s.append(std::span<const aitrail::sealed_entry>(batch));
}

aitrail::verify_report verify_table(const aitrail::postgres_options& options) {
    auto o = options;
    o.read_only = true;
    return aitrail::verify(aitrail::postgres_storage(pg::conninfo(), o));
}

}  // namespace

TEST_SUITE_BEGIN("postgres_tiles");

TEST_CASE("postgres_storage keeps the tiles in a table, equal to a memory trail's, across reopen") {
    const auto options = fresh_table("tiles_equal");
    trail_maker m;
    {
        aitrail::postgres_storage s(pg::conninfo(), options);
        for (const std::size_t target : {1U, 255U, 256U, 257U, 600U}) {
            append(s, m.next(target - s.head().next_seq));
            s.flush();
            CHECK(s.tree() == m.reference.tree());
            CHECK(s.tree().root() == m.reference.tree().root());
            CHECK(stored_tiles(s) == stored_tiles(m.reference));
        }
        append(s, m.next(37));  // partial tiles written when the storage closes
    }
    aitrail::postgres_storage s(pg::conninfo(), options);
    CHECK(s.tree() == m.reference.tree());
    CHECK(stored_tiles(s) == stored_tiles(m.reference));
    append(s, m.next(63));
    s.flush();
    CHECK(stored_tiles(s) == stored_tiles(m.reference));
    // Full tiles only: the batch's own transaction wrote them, before any flush.
    append(s, m.next(300));
    pg::raw_db db;
    CHECK(db.value("SELECT count(*) FROM " + options.table + "_tiles WHERE level = 0 AND width = 256") == "3");
    s.flush();
    const auto r = verify_table(options);
    CHECK(r.ok());
    CHECK(r.tiles == aitrail::verify_report::tiles_state::checked);
    CHECK(r.tree_size == 1000);
}

TEST_CASE("two postgres_storages on one table keep one tree") {
    const auto options = fresh_table("tiles_two");
    trail_maker m;
    aitrail::postgres_storage a(pg::conninfo(), options), b(pg::conninfo(), options);
    for (int round = 0; round < 6; ++round) {
        append(a, m.next(100));
        append(b, m.next(50));
    }
    CHECK(b.tree() == m.reference.tree());
    a.flush();
    b.flush();
    CHECK(stored_tiles(a) == stored_tiles(m.reference));
    CHECK(verify_table(options).ok());
}

TEST_CASE("deleted tiles come back on open, a changed one is named by verify and rebuilt") {
    const auto options = fresh_table("tiles_tamper");
    const std::string tiles = options.table + "_tiles";
    trail_maker m;
    {
        aitrail::postgres_storage s(pg::conninfo(), options);
        append(s, m.next(700));
    }
    pg::raw_db db;
    db.exec("DELETE FROM " + tiles + " WHERE level = 0 AND idx = 1");
    {
        aitrail::postgres_storage s(pg::conninfo(), options);
        CHECK(stored_tiles(s) == stored_tiles(m.reference));
    }
    const std::string zero_tile = "UPDATE " + tiles + " SET hashes = decode(repeat('00', 8192), 'hex') WHERE level = 0 AND idx = 0";
    db.exec(zero_tile);
    const auto r = verify_table(options);
    REQUIRE(r.problems.size() == 1);
    CHECK(aitrail::format_problem(r.problems[0]) == "FAIL tile/0/000 seq 0: tile mismatch — hash 0 differs from entry seq 0");
    aitrail::postgres_storage w(pg::conninfo(), options);
    // The open already put it right: the upper partial tile disagreed with it.
    CHECK(stored_tiles(w) == stored_tiles(m.reference));
    db.exec(zero_tile);
    const auto rebuilt = aitrail::rebuild_tiles(w);
    CHECK(rebuilt.replaced == std::vector<std::string>{"tile/0/000"});
    CHECK(rebuilt.tree_size == 700);
    CHECK(stored_tiles(w) == stored_tiles(m.reference));
    CHECK(w.tree() == m.reference.tree());
    CHECK(verify_table(options).ok());
}

TEST_CASE("a read-only postgres_storage hands out the tiles for proofs, and keeps no tree") {
    const auto options = fresh_table("tiles_reader");
    trail_maker m;
    {
        aitrail::postgres_storage s(pg::conninfo(), options);
        append(s, m.next(300));
    }
    auto o = options;
    o.read_only = true;
    const aitrail::postgres_storage r(pg::conninfo(), o);
    aitrail::tile_hash_reader reader(300, aitrail::tile_source_of(r));
    CHECK(aitrail::merkle_root(300, reader) == m.reference.tree().root());
    CHECK(stored_tiles(r) == stored_tiles(m.reference));
    CHECK_THROWS_WITH_AS(r.tree(), doctest::Contains("no Merkle tree is kept"), aitrail::storage_error);
}

TEST_CASE("with tiles off there is no tiles table and no tree") {
    auto options = fresh_table("tiles_off");
    options.tiles = false;
    trail_maker m;
    aitrail::postgres_storage s(pg::conninfo(), options);
    append(s, m.next(10));
    s.flush();
    pg::raw_db db;
    CHECK(db.value("SELECT to_regclass('" + options.table + "_tiles') IS NULL") == "t");
    CHECK(s.list_tiles().empty());
    CHECK_THROWS_WITH_AS(s.tree(), doctest::Contains("no Merkle tree is kept"), aitrail::storage_error);
    const auto r = verify_table(options);
    CHECK(r.ok());
    CHECK(r.tiles == aitrail::verify_report::tiles_state::absent);
}

TEST_CASE("entries that are not a chain from seq 0 leave the writer without a tree, saying why") {
    const auto options = fresh_table("tiles_gap");
    trail_maker m;
    {
        aitrail::postgres_storage s(pg::conninfo(), options);
        append(s, m.next(20));
    }
    pg::raw_db db;
    db.exec("ALTER TABLE " + options.table + " DISABLE TRIGGER USER");
    db.exec("DELETE FROM " + options.table + " WHERE seq = 5");
    db.exec("DELETE FROM " + options.table + "_tiles");
    aitrail::postgres_storage s(pg::conninfo(), options);
    CHECK_THROWS_WITH_AS(s.tree(), doctest::Contains("seq 5 is missing"), aitrail::storage_error);
    CHECK(s.head().next_seq == 20);
}

TEST_CASE("a writer role without rights on the tiles table is refused at open, naming the table") {
    const auto options = fresh_table("tiles_rights");
    { aitrail::postgres_storage admin(pg::conninfo(), options); }
    pg::raw_db db;
    const std::string role = options.table + "_writer";
    db.exec("DROP ROLE IF EXISTS " + role);
    db.exec("CREATE ROLE " + role + " LOGIN PASSWORD 'tiles-pw'");
    db.exec("GRANT SELECT, INSERT ON " + options.table + " TO " + role);
    const auto conninfo = pg::with_value(pg::with_value(pg::conninfo(), "user", role), "password", "tiles-pw");
    const auto message = pg::error_of([&] { aitrail::postgres_storage s(conninfo, options); });
    CHECK(pg::contains(message, "postgres_storage '" + options.table + "'"));
    CHECK(pg::contains(message, "permission denied for table " + options.table + "_tiles"));
    // Without tiles the same role writes (and a later writer with tiles on
    // computes them from the entries).
    auto no_tiles = options;
    no_tiles.tiles = false;
    trail_maker m;
    {
        aitrail::postgres_storage s(conninfo, no_tiles);
        append(s, m.next(5));
    }
    aitrail::postgres_storage admin(pg::conninfo(), options);
    CHECK(admin.tree() == m.reference.tree());
    db.exec("DROP OWNED BY " + role);
    db.exec("DROP ROLE " + role);
}

TEST_SUITE_END();

}  // namespace postgres_tiles_tests
