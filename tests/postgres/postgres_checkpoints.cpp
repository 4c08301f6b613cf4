// The checkpoint history of a PostgreSQL trail: table `<table>_checkpoints`,
// append-only in the database, the latest being the last row; and the
// writer's checkpoint policy signing into it.
#include <aitrail/storage/postgres_checkpoints.hpp>

#include <doctest/doctest.h>

#include "postgres/test_server.hpp"

#include <aitrail/capture/auditor.hpp>
#include <aitrail/integrity/checkpoint.hpp>
#include <aitrail/integrity/signed_note.hpp>
#include <aitrail/policy/checkpoint.hpp>
#include <aitrail/read/verify.hpp>
#include <aitrail/storage/postgres_storage.hpp>

#include <string>  // string
#include <vector>  // vector

namespace postgres_checkpoints_tests {

namespace {

namespace pg = aitrail_test::pg;
using pg::contains;
using pg::fresh_table;

static_assert(aitrail::checkpoint_history<aitrail::postgres_checkpoints>);

const std::string note_a = "example.com/app\n3\nAAAA\n\n\xE2\x80\x94 example.com/app sig\n";
const std::string note_b = "example.com/app\n10\nBBBB\n\n\xE2\x80\x94 example.com/app sig\n";

struct signing_policy : aitrail::default_policy {
    static constexpr bool asynchronous = false;  // one entry a batch: signs at exactly 10 and 20
    using checkpoint = aitrail::checkpoint_policies::any_of<aitrail::checkpoint_policies::every_entries<10>,
                                                            aitrail::checkpoint_policies::at_close>;
};

}  // namespace

TEST_SUITE_BEGIN("postgres_checkpoints");

TEST_CASE("store, latest and all, in order, and a reader before the first store sees none and creates nothing") {
    const auto table = fresh_table("cp_history").table;
    pg::raw_db db;
    {
        const aitrail::postgres_checkpoints before(pg::conninfo(), table, true);
        CHECK_FALSE(before.latest());
        CHECK(before.all().empty());
    }
    CHECK(db.value("SELECT to_regclass('" + table + "_checkpoints') IS NULL") == "t");
    aitrail::postgres_checkpoints h(pg::conninfo(), table);
    CHECK(h.table() == table + "_checkpoints");
    h.store(note_a);
    h.store(note_b);
    CHECK(*h.latest() == note_b);
    REQUIRE(h.all().size() == 2);
    CHECK(h.all()[0] == note_a);
    CHECK(db.value("SELECT string_agg(size::text, ',' ORDER BY id) FROM " + table + "_checkpoints") == "3,10");
    CHECK(db.value("SELECT count(*) FROM " + table + "_checkpoints WHERE created_at > now() - interval '1 hour'") == "2");
    const aitrail::postgres_checkpoints reader(pg::conninfo(), table, true);
    CHECK(reader.all() == h.all());
    CHECK_THROWS_WITH_AS(h.store("not a checkpoint"), doctest::Contains("no size on line 2"), aitrail::storage_error);
    CHECK_THROWS_WITH_AS(aitrail::postgres_checkpoints(pg::conninfo(), "Bad-Name"), doctest::Contains("invalid trail table name"),
                         aitrail::storage_error);
}

TEST_CASE("the database refuses UPDATE, DELETE and TRUNCATE on the checkpoints table") {
    const auto table = fresh_table("cp_append_only").table;
    aitrail::postgres_checkpoints h(pg::conninfo(), table);
    h.store(note_a);
    pg::raw_db db;
    const std::string cps = table + "_checkpoints";
    CHECK(contains(db.try_exec("UPDATE " + cps + " SET note = 'forged'"), "append-only"));
    CHECK(contains(db.try_exec("DELETE FROM " + cps), "append-only"));
    CHECK(contains(db.try_exec("TRUNCATE " + cps), "append-only"));
    CHECK(h.all() == std::vector<std::string>{note_a});
    // Opening again (the table and its triggers exist) changes nothing.
    const aitrail::postgres_checkpoints again(pg::conninfo(), table);
    CHECK(again.all() == std::vector<std::string>{note_a});
}

TEST_CASE("a role with only SELECT and INSERT on a checkpoints table an administrator created signs into it") {
    const auto table = fresh_table("cp_rights").table;
    { const aitrail::postgres_checkpoints admin(pg::conninfo(), table); }
    pg::raw_db db;
    const std::string role = table + "_signer";
    db.exec("DROP ROLE IF EXISTS " + role);
    db.exec("CREATE ROLE " + role + " LOGIN PASSWORD 'signer-pw'");
    db.exec("GRANT SELECT, INSERT ON " + table + "_checkpoints TO " + role);
    const auto conninfo = pg::with_value(pg::with_value(pg::conninfo(), "user", role), "password", "signer-pw");
    {
        aitrail::postgres_checkpoints h(conninfo, table);
        h.store(note_a);
        CHECK(h.all() == std::vector<std::string>{note_a});
    }
    db.exec("DROP OWNED BY " + role);
    db.exec("DROP ROLE " + role);
}

TEST_CASE("the tiles and checkpoints of a trail in another schema live in that schema") {
    const std::string schema = pg::table_name("cp_schema");
    pg::raw_db db;
    db.exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    const auto key = aitrail::note_signer::generate("example.com/pg-schema");
    aitrail::writer_options wo;
    wo.checkpoint_key = key;
    {
        aitrail::auditor<signing_policy> audit{aitrail::postgres_storage(pg::conninfo(), {.table = schema + ".entries"}), wo};
        for (int i = 0; i < 4; ++i) (void)audit.scope({.action = "call"});
    }
    CHECK(db.value("SELECT count(*) FROM " + schema + ".entries_tiles") == "1");  // tile/0/000.p/5
    CHECK(db.value("SELECT size FROM " + schema + ".entries_checkpoints") == "5");  // at close
    CHECK(db.value("SELECT to_regclass('public.entries_checkpoints') IS NULL") == "t");
    CHECK(contains(db.try_exec("DELETE FROM " + schema + ".entries_checkpoints"), "append-only"));
}

TEST_CASE("the writer's checkpoint policy signs into <table>_checkpoints, the latest committing to the stored tree") {
    const auto options = fresh_table("cp_writer");
    const auto key = aitrail::note_signer::generate("example.com/pg-writer");
    aitrail::writer_options wo;
    wo.checkpoint_key = key;
    std::vector<std::string> errors;
    wo.on_error = [&](const std::string& m) { errors.push_back(m); };
    {
        aitrail::auditor<signing_policy> audit{aitrail::postgres_storage(pg::conninfo(), options), wo};
        for (int i = 0; i < 24; ++i) (void)audit.scope({.action = "call", .user = "u" + std::to_string(i)});
        CHECK(audit.metrics().checkpoints == 2);  // at 10 and 20 entries (trail.open and 24 calls)
    }
    CHECK(errors.empty());
    const aitrail::postgres_checkpoints h(pg::conninfo(), options.table, true);
    std::vector<std::uint64_t> sizes;
    for (const auto& note : h.all()) sizes.push_back(aitrail::open_checkpoint(note, key.verifier()).cp.size);
    CHECK(sizes == std::vector<std::uint64_t>{10, 20, 25});  // the last at close
    auto ro = options;
    ro.read_only = true;
    const aitrail::postgres_storage reader(pg::conninfo(), ro);
    const auto latest = aitrail::open_checkpoint(*h.latest(), key.verifier()).cp;
    const auto report = aitrail::verify(reader);
    REQUIRE(report.ok());
    CHECK(report.tree_size == 25);
    CHECK(aitrail::to_hex(latest.root) == report.tree_root);
}

TEST_SUITE_END();

}  // namespace postgres_checkpoints_tests
