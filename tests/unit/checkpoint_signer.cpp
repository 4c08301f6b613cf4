// The checkpoint signer signs only trees that extend its last checkpoint,
// checked with a consistency proof read from the trail's tiles.
#include <aitrail/pipeline/checkpoint_signer.hpp>

#include <doctest/doctest.h>

#include <aitrail/capture/auditor.hpp>
#include <aitrail/storage/memory_storage.hpp>

#include <string>  // string, to_string

namespace checkpoint_signer_tests {

TEST_SUITE_BEGIN("checkpoint signer");

namespace {

/// `n` calls through an auditor on `s` (flushed: the partial tiles are stored).
void calls(aitrail::memory_storage s, int n) {
    aitrail::auditor<> audit{s};
    for (int i = 0; i < n; ++i) (void)audit.scope({.action = "call " + std::to_string(i)});
}

}  // namespace

TEST_CASE("signs the tree, stores the note and signs again only when the trail grew") {
    aitrail::memory_storage s;
    aitrail::memory_checkpoints history;
    const auto key = aitrail::note_signer::generate("example.com/app");
    calls(s, 10);
    s.flush();
    const auto first = aitrail::sign_next_checkpoint(s, history, key);
    CHECK(first.fresh);
    CHECK(first.cp.size == s.tree().size());
    CHECK(first.cp.root == s.tree().root());
    CHECK(aitrail::open_checkpoint(first.note, key.verifier()).cp == first.cp);
    CHECK(*history.latest() == first.note);

    const auto again = aitrail::sign_next_checkpoint(s, history, key);
    CHECK_FALSE(again.fresh);
    CHECK(history.all().size() == 1);

    calls(s, 300);
    s.flush();
    const auto grown = aitrail::sign_next_checkpoint(s, history, key);
    CHECK(grown.fresh);
    CHECK(grown.cp.size > first.cp.size);
    CHECK(history.all().size() == 2);
}

TEST_CASE("refuses a tree smaller than the last checkpoint") {
    aitrail::memory_storage big, small;
    aitrail::memory_checkpoints history;
    const auto key = aitrail::note_signer::generate("example.com/app");
    calls(big, 20);
    big.flush();
    aitrail::sign_next_checkpoint(big, history, key);
    calls(small, 5);
    small.flush();
    CHECK_THROWS_WITH_AS(aitrail::sign_next_checkpoint(small, history, key), doctest::Contains("cut off the end"),
                         aitrail::checkpoint_refused);
    CHECK(history.all().size() == 1);
}

TEST_CASE("refuses a tree that is not consistent with the last checkpoint") {
    aitrail::memory_storage one, other;
    aitrail::memory_checkpoints history;
    const auto key = aitrail::note_signer::generate("example.com/app");
    calls(one, 20);
    one.flush();
    aitrail::sign_next_checkpoint(one, history, key);
    calls(other, 40);  // another trail: its first 20 entries differ
    other.flush();
    CHECK_THROWS_WITH_AS(aitrail::sign_next_checkpoint(other, history, key), doctest::Contains("not consistent"),
                         aitrail::checkpoint_refused);
    // Same size, different tree.
    aitrail::memory_storage same_size;
    calls(same_size, 20);
    same_size.flush();
    CHECK_THROWS_WITH_AS(aitrail::sign_next_checkpoint(same_size, history, key), doctest::Contains("rewritten"),
                         aitrail::checkpoint_refused);
    CHECK(history.all().size() == 1);
}

TEST_CASE("refuses when the last checkpoint is not its own, or an older one was put back") {
    aitrail::memory_storage s;
    calls(s, 10);
    s.flush();
    const auto key = aitrail::note_signer::generate("example.com/app");
    const auto stranger = aitrail::note_signer::generate("example.com/app");
    aitrail::memory_checkpoints history;
    aitrail::sign_next_checkpoint(s, history, stranger);
    CHECK_THROWS_WITH_AS(aitrail::sign_next_checkpoint(s, history, key), doctest::Contains("does not open with key"),
                         aitrail::checkpoint_refused);
}

TEST_SUITE_END();

}  // namespace checkpoint_signer_tests
