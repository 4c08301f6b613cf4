// verify_checkpoints names what only a signed checkpoint can show: entries
// cut off the end, a rewritten trail, a forged checkpoint, a rollback, a
// fork and a missing witness quorum.
#include <aitrail/read/verify_checkpoints.hpp>

#include <doctest/doctest.h>

#include <aitrail/capture/auditor.hpp>
#include <aitrail/pipeline/checkpoint_signer.hpp>
#include <aitrail/read/verify.hpp>
#include <aitrail/storage/memory_storage.hpp>

#include <algorithm>  // count
#include <string>  // string, to_string
#include <vector>  // vector

namespace verify_checkpoints_tests {

TEST_SUITE_BEGIN("checkpoint verification");

using aitrail::problem_kind;

namespace {

void calls(aitrail::memory_storage s, int n, const std::string& tag = "") {
    aitrail::auditor<> audit{s};
    for (int i = 0; i < n; ++i) (void)audit.scope({.action = "call " + tag + std::to_string(i)});
}

/// The note of the tree of `s` (flushed) signed by `key`.
std::string note_of(aitrail::memory_storage s, const aitrail::note_signer& key) {
    s.flush();
    aitrail::memory_checkpoints fresh;
    return aitrail::sign_next_checkpoint(s, fresh, key).note;
}

/// Verifies `s` against `set` with `trust`; returns the report.
aitrail::verify_report check(const aitrail::memory_storage& s, const aitrail::checkpoint_set& set,
                             const aitrail::checkpoint_trust& trust) {
    aitrail::verify_options options;
    options.roots_at = aitrail::checkpoint_sizes(set);
    auto report = aitrail::verify(s, options);
    aitrail::verify_checkpoints(report, set, trust);
    return report;
}

/// The kinds found, tile findings left out (a trail cut in memory keeps its tiles).
std::vector<problem_kind> kinds(const aitrail::verify_report& r) {
    std::vector<problem_kind> out;
    for (const auto& p : r.problems)
        if (p.kind != problem_kind::tile_mismatch) out.push_back(p.kind);
    return out;
}

struct fixture {
    aitrail::note_signer key = aitrail::note_signer::generate("example.com/app");
    aitrail::checkpoint_trust trust{{key.verifier()}, {}, 0};
    aitrail::memory_storage trail;
};

}  // namespace

TEST_CASE("an honest trail verifies against its history") {
    fixture f;
    calls(f.trail, 10);
    const auto a = note_of(f.trail, f.key);
    calls(f.trail, 10);
    const auto b = note_of(f.trail, f.key);
    const aitrail::checkpoint_set set{{{"checkpoint", b}}, {{"checkpoints#1", a}, {"checkpoints#2", b}}, {}};
    const auto r = check(f.trail, set, f.trust);
    CAPTURE(r.problems.size() ? aitrail::format_problem(r.problems[0]) : "");
    CHECK(r.ok());
    CHECK(r.checkpoints_checked == 2);
}

TEST_CASE("entries cut off the end") {
    fixture f;
    calls(f.trail, 30);
    const auto note = note_of(f.trail, f.key);
    auto lines = f.trail.lines();
    lines.resize(lines.size() - 3);
    f.trail.set_lines(lines);
    const auto r = check(f.trail, {{{"checkpoint", note}}, {}, {}}, f.trust);
    REQUIRE(kinds(r) == std::vector{problem_kind::checkpoint_truncated});
    CHECK(r.problems.back().source == "checkpoint");
    CHECK(r.problems.back().detail.find("cut off the end") != std::string::npos);
}

TEST_CASE("a rewritten trail: the checkpoint's root is not the tree of the first n entries") {
    fixture f;
    calls(f.trail, 30);
    const auto note = note_of(f.trail, f.key);
    aitrail::memory_storage rewritten;
    calls(rewritten, 30, "forged ");  // as many entries, a valid chain, other records
    const auto r = check(rewritten, {{{"checkpoint", note}}, {}, {}}, f.trust);
    CHECK(kinds(r) == std::vector{problem_kind::checkpoint_rewritten});
}

TEST_CASE("a checkpoint without a valid signature by a known log key is forged") {
    fixture f;
    calls(f.trail, 5);
    const auto other = aitrail::note_signer::generate("example.com/app");
    const auto r = check(f.trail, {{{"checkpoint", note_of(f.trail, other)}}, {}, {}}, f.trust);
    CHECK(kinds(r) == std::vector{problem_kind::checkpoint_forged});
}

TEST_CASE("an older checkpoint put back is a rollback") {
    fixture f;
    calls(f.trail, 5);
    const auto a = note_of(f.trail, f.key);
    calls(f.trail, 5);
    const auto b = note_of(f.trail, f.key);
    SUBCASE("in the history") {
        const auto r = check(f.trail, {{{"checkpoint", a}}, {{"checkpoints#1", b}, {"checkpoints#2", a}}, {}}, f.trust);
        const auto k = kinds(r);
        CHECK(std::count(k.begin(), k.end(), problem_kind::checkpoint_rollback) >= 1);
        CHECK(r.problems[0].source == "checkpoints#2");
    }
    SUBCASE("as the latest") {
        const auto r = check(f.trail, {{{"checkpoint", a}}, {{"checkpoints#1", a}, {"checkpoints#2", b}}, {}}, f.trust);
        REQUIRE(kinds(r) == std::vector{problem_kind::checkpoint_rollback});
        CHECK(r.problems[0].source == "checkpoint");
    }
}

TEST_CASE("two valid checkpoints of one origin that are not consistent are a fork") {
    fixture f;
    calls(f.trail, 20);
    const auto honest = note_of(f.trail, f.key);
    aitrail::memory_storage other;
    calls(other, 10, "other ");
    const auto forked = note_of(other, f.key);
    const auto r = check(f.trail, {{{"checkpoint", honest}}, {}, {{"elsewhere.cp", forked}}}, f.trust);
    REQUIRE(kinds(r) == std::vector{problem_kind::checkpoint_fork});
    CHECK(r.problems[0].source == "elsewhere.cp");
}

TEST_CASE("a latest checkpoint without the witness quorum") {
    fixture f;
    calls(f.trail, 5);
    const auto witness = aitrail::note_signer::generate("witness.example.com");
    f.trust.witness_keys.push_back(witness.verifier());
    f.trust.witness_quorum = 1;
    const auto r = check(f.trail, {{{"checkpoint", note_of(f.trail, f.key)}}, {}, {}}, f.trust);
    CHECK(kinds(r) == std::vector{problem_kind::witness_quorum});
}

TEST_SUITE_END();

}  // namespace verify_checkpoints_tests
