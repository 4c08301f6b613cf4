// The witness publisher and the callback witness: every witness is asked,
// failures are counted, reported and retried after a backoff, never thrown,
// and the cosignatures received end up in the stored note.
#include <aitrail/pipeline/witness_publisher.hpp>

#include <doctest/doctest.h>

#include "support/witness_log.hpp"

#include <aitrail/integrity/cosignature.hpp>

#include <chrono>     // milliseconds
#include <stdexcept>  // runtime_error
#include <string>     // string
#include <thread>     // sleep_for
#include <vector>     // vector

namespace witness_publisher_tests {

namespace {

using aitrail::callback_witness;
using aitrail::witness_publisher;
using aitrail::witness_reply;
using aitrail::witness_request;
using aitrail_test::witness_log;

/// A witness that cosigns with its own key.
callback_witness cosigning(const aitrail::cosigner& key) {
    return {key.name(), [key](const witness_request& r) {
                return witness_reply{{key.cosign(aitrail::format_checkpoint_body(r.cp), 1700000000)}};
            }};
}

static_assert(aitrail::witness<callback_witness>);

TEST_SUITE_BEGIN("witness_publisher");

TEST_CASE("a callback witness is called with the request and its proof function") {
    witness_log log("example.com/log");
    log.grow(6);
    std::uint64_t seen = 0;
    std::size_t proof_len = 0;
    callback_witness w("mine", [&](const witness_request& r) {
        seen = r.cp.size;
        proof_len = r.consistency_proof(3).size();
        return witness_reply{};
    });
    CHECK(w.name() == "mine");
    CHECK(w.publish(log.request()).cosignatures.empty());
    CHECK(seen == 6);
    CHECK(proof_len == log.proof(3, 6).size());
}

TEST_CASE("cosignatures of every witness are appended to the note, which still opens") {
    witness_log log("example.com/log");
    log.grow(4);
    const auto k1 = aitrail::cosigner::generate("w1.example");
    const auto k2 = aitrail::cosigner::generate("w2.example");
    witness_publisher p;
    p.add(cosigning(k1));
    p.add(cosigning(k2));
    const auto out = p.publish(log.request());
    CHECK(out.errors.empty());
    REQUIRE(out.cosignatures.size() == 2);
    CHECK(p.metrics().attempts == 2);
    CHECK(p.metrics().cosignatures == 2);
    const std::vector<aitrail::note_verifier> keys{aitrail::note_verifier(log.vkey()), k1.verifier(), k2.verifier()};
    const auto opened = aitrail::open_checkpoint(out.note, keys);
    CHECK(opened.note.verified.size() == 3);
    // Appending the same lines again changes nothing.
    CHECK(aitrail::append_cosignatures(out.note, out.cosignatures) == out.note);
    CHECK_THROWS_AS(aitrail::append_cosignatures(out.note, {"not a signature\n"}), aitrail::note_error);
}

TEST_CASE("a failing witness never throws out of publish: counted, reported, retried after its backoff") {
    witness_log log("example.com/log");
    log.grow(2);
    std::vector<std::string> reported;
    int calls = 0;
    bool down = true;
    witness_publisher p({.initial_backoff = std::chrono::milliseconds{50},
                         .max_backoff = std::chrono::milliseconds{200},
                         .on_error = [&](const std::string& m) { reported.push_back(m); }});
    p.add(callback_witness("flaky", [&](const witness_request&) -> witness_reply {
        ++calls;
        if (down) throw std::runtime_error("connection refused");
        return {};
    }));
    auto out = p.publish(log.request());
    REQUIRE(out.errors.size() == 1);
    CHECK(out.errors[0] == "witness flaky refused checkpoint 2: connection refused");
    CHECK(reported == out.errors);
    CHECK(out.note == log.note());  // the checkpoint is still there, without cosignatures
    // Within the backoff the witness is not asked again.
    out = p.publish(log.request());
    CHECK(calls == 1);
    CHECK(p.metrics().deferred == 1);
    std::this_thread::sleep_for(std::chrono::milliseconds{80});
    down = false;
    log.grow(1);
    out = p.publish(log.request());
    CHECK(out.errors.empty());
    CHECK(calls == 2);
    CHECK(p.metrics().attempts == 2);
    CHECK(p.metrics().failures == 1);
}

TEST_CASE("witness_error names the witness, the size and the reason") {
    const aitrail::witness_error e("https://w.example/", 1200, "422 inconsistent", 422);
    CHECK(std::string(e.what()) == "witness https://w.example/ refused checkpoint 1200: 422 inconsistent");
    CHECK(e.status() == 422);
    CHECK(e.witness() == "https://w.example/");
}

TEST_CASE("the add-checkpoint body: formatted and parsed as the spec writes it") {
    witness_log log("example.com/log");
    log.grow(5);
    const auto proof = log.proof(3, 5);
    const std::string body = aitrail::format_add_checkpoint_body(3, proof, log.note());
    CHECK(body.starts_with("old 3\n"));
    const auto parsed = aitrail::parse_add_checkpoint_body(body);
    CHECK(parsed.old_size == 3);
    CHECK(parsed.proof == proof);
    CHECK(parsed.note == log.note());
    CHECK(aitrail::parse_add_checkpoint_body("old 0\n\n" + log.note()).proof.empty());
    CHECK_THROWS_AS(aitrail::parse_add_checkpoint_body("old 03\n\n" + log.note()), std::invalid_argument);
    CHECK_THROWS_AS(aitrail::parse_add_checkpoint_body("old 1\nnotbase64\n\n" + log.note()), std::invalid_argument);
    CHECK_THROWS_AS(aitrail::parse_add_checkpoint_body("old 1\n\n"), std::invalid_argument);
    CHECK_THROWS_AS(aitrail::parse_add_checkpoint_body("old 1"), std::invalid_argument);
}

TEST_SUITE_END();

}  // namespace

}  // namespace witness_publisher_tests
