// The directory witness: keeps every checkpoint it accepts, refuses one
// inconsistent with what it holds (never overwriting), checks the log's
// signature when given its key, and cosigns when given a witness key.
#include <aitrail/pipeline/directory_witness.hpp>

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"
#include "support/witness_log.hpp"

#include <fstream>      // ifstream
#include <iterator>     // istreambuf_iterator
#include <optional>     // optional
#include <string>       // string
#include <vector>       // vector

namespace directory_witness_tests {

namespace {

using aitrail::cosigner;
using aitrail::directory_witness;
using aitrail::witness_error;
using aitrail_test::temp_dir;
using aitrail_test::witness_log;

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

using aitrail_test::witness_status_of;

TEST_SUITE_BEGIN("directory_witness");

TEST_CASE("keeps every checkpoint it accepts and the latest apart") {
    temp_dir dir("dirwitness");
    witness_log log("example.com/log");
    directory_witness w(dir.path() / "w", {aitrail::note_verifier(log.vkey())});
    log.grow(3);
    CHECK(w.publish(log.request()).cosignatures.empty());
    log.grow(5);
    (void)w.publish(log.request());
    REQUIRE(w.latest("example.com/log").has_value());
    CHECK(w.latest("example.com/log")->size == 8);
    const std::string all = slurp(dir.path() / "w" / "example.com%2Flog" / "checkpoints");
    CHECK(all.find("\n3\n") != std::string::npos);
    CHECK(all.find("\n8\n") != std::string::npos);
    CHECK(slurp(dir.path() / "w" / "example.com%2Flog" / "checkpoint") == log.note());
}

TEST_CASE("refuses a checkpoint inconsistent with the one it holds and keeps the old one") {
    temp_dir dir("dirwitness");
    witness_log log("example.com/log");
    directory_witness w(dir.path(), {aitrail::note_verifier(log.vkey())});
    log.grow(4);
    (void)w.publish(log.request());
    const std::string held = *w.latest_note("example.com/log");
    // A forked log under the same key: same origin, different leaves.
    witness_log fork("example.com/log", "fork");
    fork.grow(9);
    aitrail::witness_request r{aitrail::sign_checkpoint(fork.checkpoint_at(9), log.signer()), fork.checkpoint_at(9),
                               [&](std::uint64_t old) { return fork.proof(old, 9); }};
    std::string message;
    try {
        (void)w.publish(r);
    } catch (const witness_error& e) {
        message = e.what();
        CHECK(e.status() == 422);
    }
    CHECK(message.find("refused checkpoint 9: 422 inconsistent") != std::string::npos);
    CHECK(*w.latest_note("example.com/log") == held);
    // The same size with another root is a conflict too.
    witness_log fork4("example.com/log", "other");
    fork4.grow(4);
    aitrail::witness_request same{aitrail::sign_checkpoint(fork4.checkpoint_at(4), log.signer()), fork4.checkpoint_at(4), {}};
    CHECK(witness_status_of([&] { (void)w.publish(same); }) == 409);
    // A smaller checkpoint than the one held is a rollback.
    witness_log small("example.com/log");
    small.grow(2);
    aitrail::witness_request back{aitrail::sign_checkpoint(small.checkpoint_at(2), log.signer()), small.checkpoint_at(2), {}};
    CHECK_THROWS_WITH_AS((void)w.publish(back), doctest::Contains("rolled back: the checkpoint held has size 4"),
                         witness_error);
}

TEST_CASE("the spec's refusals: unknown origin, bad signature, stale old size, old above size") {
    temp_dir dir("dirwitness");
    witness_log log("example.com/log");
    directory_witness w(dir.path(), {aitrail::note_verifier(log.vkey())});
    witness_log other("example.com/other");
    other.grow(1);
    CHECK(witness_status_of([&] { (void)w.publish(other.request()); }) == 404);
    log.grow(2);
    const auto impostor = aitrail::note_signer::generate("example.com/log");
    CHECK(witness_status_of([&] { (void)w.publish(log.request(&impostor)); }) == 403);
    (void)w.add_checkpoint(log.note(), 0, {});
    log.grow(2);
    const auto proof = log.proof(2, 4);
    CHECK(witness_status_of([&] { (void)w.add_checkpoint(log.note(), 0, {}); }) == 409);
    try {
        (void)w.add_checkpoint(log.note(), 3, {});
    } catch (const witness_error& e) {
        CHECK(e.status() == 409);
        CHECK(e.witness_size() == std::optional<std::uint64_t>(2));
    }
    CHECK(witness_status_of([&] { (void)w.add_checkpoint(log.note(), 5, {}); }) == 400);
    CHECK(witness_status_of([&] { (void)w.add_checkpoint("not a note", 0, {}); }) == 400);
    CHECK(witness_status_of([&] { (void)w.add_checkpoint(log.note(), 2, proof); }) == 0);
}

TEST_CASE("given a witness key it cosigns, and the cosignature verifies") {
    temp_dir dir("dirwitness");
    witness_log log("example.com/log");
    const auto key = cosigner::generate("witness.example/w1");
    directory_witness w(dir.path(), {aitrail::note_verifier(log.vkey())}, key);
    log.grow(7);
    const auto reply = w.publish(log.request());
    REQUIRE(reply.cosignatures.size() == 1);
    const std::string body = aitrail::format_checkpoint_body(log.checkpoint_at(7));
    CHECK_NOTHROW((void)aitrail::verify_cosignature(body, reply.cosignatures[0], key.verifier()));
    // The kept note carries the cosignature.
    const std::string kept = *w.latest_note("example.com/log");
    CHECK(kept == log.note() + reply.cosignatures[0]);
    // The same checkpoint again is cosigned again (old size = size, same root).
    CHECK(w.publish(log.request()).cosignatures.size() == 1);
}

TEST_CASE("the state survives reopening, and a second process cannot hold the directory") {
    temp_dir dir("dirwitness");
    witness_log log("example.com/log");
    log.grow(5);
    {
        directory_witness w(dir.path());
        (void)w.publish(log.request());
        CHECK_THROWS_WITH_AS(directory_witness(dir.path()), doctest::Contains("in use by another process"),
                             aitrail::storage_error);
    }
    directory_witness again(dir.path());
    REQUIRE(again.latest("example.com/log").has_value());
    CHECK(again.latest("example.com/log")->size == 5);
    CHECK(witness_status_of([&] { (void)again.add_checkpoint(log.note(), 0, {}); }) == 409);
}

TEST_SUITE_END();

}  // namespace

}  // namespace directory_witness_tests
