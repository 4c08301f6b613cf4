// The auditor's workflow on a PostgreSQL trail, through the built tool:
// `aitrail checkpoint` signs into `<table>_checkpoints`, `prove` and
// `verify-proof` show an entry is in the signed tree, `consistency` links two
// checkpoints, `verify --vkey` accepts the trail; and the damage someone
// with write access to the database can do is named: a tile byte changed,
// entries deleted off the end.
#include <aitrail/storage/postgres_storage.hpp>

#include <doctest/doctest.h>

#include "postgres/test_server.hpp"

#if defined(AITRAIL_TOOL_PATH)

#include "support/checkpoint_trails.hpp"
#include "support/files.hpp"
#include "support/temp_dir.hpp"

#include <aitrail/capture/auditor.hpp>
#include <aitrail/integrity/checkpoint.hpp>
#include <aitrail/integrity/merkle_verify.hpp>
#include <aitrail/integrity/proof_hashes.hpp>
#include <aitrail/integrity/tlog_proof.hpp>

#include <filesystem>  // path
#include <string>      // string, to_string
#include <vector>      // vector

namespace postgres_checkpoint_cli_tests {

namespace {

namespace pg = aitrail_test::pg;
using aitrail_test::has;

/// A PostgreSQL trail of 40 calls (41 entries with trail.open) in a table of
/// the test's own, and a log key.
struct workspace {
    aitrail_test::temp_dir scratch{"pg-cp-cli"};
    aitrail::postgres_options options;
    std::string trail;  // the spec the tool is given
    aitrail_test::log_key key = aitrail_test::make_log_key(scratch.path(), "example.com/pg-log", "log");

    explicit workspace(const std::string& stem)
        : options(pg::fresh_table(stem)), trail("postgres:" + pg::conninfo() + "#" + options.table) {
        add_calls(40);
    }

    void add_calls(int calls) const {
        aitrail::auditor<> audit{aitrail::postgres_storage(pg::conninfo(), options)};
        for (int i = 0; i < calls; ++i) {
            auto scope = audit.scope({.action = "messages.create", .user = "user" + std::to_string(i)});
            scope.input({{"prompt", "question " + std::to_string(i)}}).output({{"text", "answer " + std::to_string(i)}});
        }
    }

    aitrail_test::cli_run run(const std::vector<std::string>& args) const { return aitrail_test::run_aitrail(scratch.path(), args); }
    aitrail_test::cli_run sign() const { return run({"checkpoint", "--trail", trail, "--key", key.key_file.string()}); }
    aitrail_test::cli_run verify() const { return run({"verify", trail, "--vkey", key.vkey_file.string()}); }
};

}  // namespace

TEST_SUITE_BEGIN("postgres_checkpoint_cli");

TEST_CASE("checkpoint, prove, verify-proof, consistency and verify --vkey on a PostgreSQL trail") {
    workspace w("cp_cli");
    const auto first = w.sign();
    CAPTURE(first.all());
    REQUIRE(first.status == 0);
    const auto a = aitrail::open_checkpoint(first.out, w.key.signer.verifier()).cp;
    CHECK(a.origin == "example.com/pg-log");
    CHECK(a.size == 41);
    pg::raw_db db;
    CHECK(db.value("SELECT note FROM " + w.options.table + "_checkpoints ORDER BY id DESC LIMIT 1") == first.out);
    const auto again = w.sign();
    CHECK(again.status == 0);
    CHECK(has(again.err, "has not grown"));

    const auto proof = w.run({"prove", "--trail", w.trail, "--seq", "7"});
    CAPTURE(proof.all());
    REQUIRE(proof.status == 0);
    CHECK(aitrail::parse_tlog_proof(proof.out).index == 7);
    const auto proof_file = w.scratch.path() / "seq7.proof";
    aitrail_test::write_file(proof_file, proof.out);
    const auto checked = w.run({"verify-proof", proof_file.string(), "--vkey", w.key.vkey_file.string()});
    CAPTURE(checked.all());
    CHECK(checked.status == 0);
    CHECK(has(checked.out, "OK entry 7 is in example.com/pg-log at tree size 41"));

    w.add_calls(300);  // trail.resume and 300 calls
    const auto second = w.sign();
    REQUIRE(second.status == 0);
    const auto b = aitrail::open_checkpoint(second.out, w.key.signer.verifier()).cp;
    CHECK(b.size == 342);
    const auto c = w.run({"consistency", "--trail", w.trail, "--from", std::to_string(a.size)});
    CAPTURE(c.all());
    REQUIRE(c.status == 0);
    CHECK(aitrail::verify_consistency(a.size, b.size, aitrail::parse_proof_hashes(c.out), a.root, b.root));

    const auto v = w.verify();
    CAPTURE(v.all());
    CHECK(v.status == 0);
    CHECK(has(v.out, "checkpoints: 2 verified, up to size 342"));
}

TEST_CASE("verify names a tile byte changed in the table, and tiles --rebuild puts it right") {
    workspace w("cp_cli_tile");
    REQUIRE(w.sign().status == 0);
    pg::raw_db db;
    const std::string tiles = w.options.table + "_tiles";
    db.exec("UPDATE " + tiles + " SET hashes = set_byte(hashes, 40, get_byte(hashes, 40) # 1) WHERE level = 0 AND idx = 0");
    const auto v = w.run({"verify", w.trail});
    CAPTURE(v.all());
    CHECK(v.status == 1);
    CHECK(has(v.out, "tile mismatch"));
    CHECK(has(v.out, "hash 1 differs from entry seq 1"));
    const auto rebuilt = w.run({"tiles", "--trail", w.trail, "--rebuild"});
    CAPTURE(rebuilt.all());
    REQUIRE(rebuilt.status == 0);
    CHECK(has(rebuilt.out, "rebuilt the tiles of postgres:"));
    CHECK(has(rebuilt.out, "tree size 41"));
    CHECK(w.verify().status == 0);
}

TEST_CASE("entries deleted off the end of a PostgreSQL trail: verify --vkey names them, the signer refuses") {
    workspace w("cp_cli_cut");
    REQUIRE(w.sign().status == 0);
    REQUIRE(w.verify().status == 0);
    pg::raw_db db;
    // As someone with the table owner's rights would: triggers off, rows gone.
    db.exec("ALTER TABLE " + w.options.table + " DISABLE TRIGGER USER");
    db.exec("DELETE FROM " + w.options.table + " WHERE seq >= 38");
    const auto v = w.verify();
    CAPTURE(v.all());
    CHECK(v.status == 1);
    CHECK(has(v.out, "cut off the end"));
    // Tiles rebuilt to match the shorter trail do not hide it.
    REQUIRE(w.run({"tiles", "--trail", w.trail, "--rebuild"}).status == 0);
    const auto again = w.verify();
    CHECK(again.status == 1);
    CHECK(has(again.out, "cut off the end"));
    const auto refused = w.sign();
    CAPTURE(refused.all());
    CHECK(refused.status == 1);
    CHECK(has(refused.err, "REFUSED"));
    CHECK(has(refused.err, "cut off the end"));
}

TEST_SUITE_END();

}  // namespace postgres_checkpoint_cli_tests

#endif  // AITRAIL_TOOL_PATH
