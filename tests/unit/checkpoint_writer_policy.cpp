// The writer's checkpoint policy: signs at the moments the policy names
// (every N entries, at flush, at close), with the key given at run time;
// a signer that fails is reported and counted, and no record is lost.
#include <aitrail/policy/checkpoint.hpp>

#include <doctest/doctest.h>

#include <aitrail/capture/auditor.hpp>
#include <aitrail/integrity/checkpoint.hpp>
#include <aitrail/storage/memory_storage.hpp>

#include <string>  // string
#include <vector>  // vector

namespace checkpoint_writer_policy_tests {

TEST_SUITE_BEGIN("checkpoint writer policy");

namespace cp = aitrail::checkpoint_policies;

namespace {

template <class Checkpoint, bool Async = false>
struct policy : aitrail::default_policy {
    static constexpr bool asynchronous = Async;
    using checkpoint = Checkpoint;
};

aitrail::writer_options with_key(const aitrail::note_signer& key, std::vector<std::string>* errors = nullptr) {
    aitrail::writer_options o;
    o.checkpoint_key = key;
    if (errors != nullptr) o.on_error = [errors](const std::string& m) { errors->push_back(m); };
    return o;
}

/// Every stored checkpoint opens with `key`; returns their sizes.
std::vector<std::uint64_t> sizes(const aitrail::memory_storage& s, const aitrail::note_signer& key) {
    std::vector<std::uint64_t> out;
    for (const auto& note : s.checkpoints().all()) out.push_back(aitrail::open_checkpoint(note, key.verifier()).cp.size);
    return out;
}

}  // namespace

static_assert(aitrail::checkpoint_policy<cp::none>);
static_assert(aitrail::checkpoint_policy<cp::any_of<cp::every_entries<10>, cp::every_seconds<5>, cp::at_close>>);
static_assert(cp::any_of<cp::every_entries<10>, cp::every_entries<4>, cp::at_flush>::entries == 4);
static_assert(cp::any_of<cp::every_entries<10>, cp::at_flush>::on_flush);
static_assert(!cp::any_of<cp::every_entries<10>, cp::at_flush>::on_close);
static_assert(!aitrail::default_policy::checkpoint::enabled);
static_assert(aitrail::checkpointed_storage<aitrail::memory_storage>);

TEST_CASE("every N entries") {
    const auto key = aitrail::note_signer::generate("example.com/writer");
    aitrail::memory_storage s;
    {
        aitrail::auditor<policy<cp::every_entries<5>>> audit{s, with_key(key)};
        for (int i = 0; i < 11; ++i) (void)audit.scope({.action = "call"});
        CHECK(audit.metrics().checkpoints == 2);  // after entries 5 and 10 (trail.open and 11 calls)
    }
    CHECK(sizes(s, key) == std::vector<std::uint64_t>{5, 10});
}

TEST_CASE("at flush, after the entries are durable") {
    const auto key = aitrail::note_signer::generate("example.com/writer");
    aitrail::memory_storage s;
    aitrail::auditor<policy<cp::at_flush>> audit{s, with_key(key)};
    for (int i = 0; i < 3; ++i) (void)audit.scope({.action = "call"});
    CHECK(s.checkpoints().all().empty());
    REQUIRE(audit.flush());
    CHECK(sizes(s, key) == std::vector<std::uint64_t>{4});
    (void)audit.scope({.action = "call"});
    REQUIRE(audit.flush());
    CHECK(sizes(s, key) == std::vector<std::uint64_t>{4, 5});
}

TEST_CASE("at close, on the asynchronous writer's thread") {
    const auto key = aitrail::note_signer::generate("example.com/writer");
    aitrail::memory_storage s;
    {
        aitrail::auditor<policy<cp::at_close, true>> audit{s, with_key(key)};
        for (int i = 0; i < 20; ++i) (void)audit.scope({.action = "call"});
    }
    CHECK(sizes(s, key) == std::vector<std::uint64_t>{21});
    CHECK(s.lines().size() == 21);
}

TEST_CASE("a signer that refuses is reported through on_error and counted; every record is kept") {
    const auto key = aitrail::note_signer::generate("example.com/writer");
    const auto stranger = aitrail::note_signer::generate("example.com/writer");
    aitrail::memory_storage s;
    // The history holds a checkpoint by another key: the writer must not sign over it.
    s.checkpoints().store(aitrail::sign_checkpoint({"example.com/writer", 0, aitrail::merkle_empty_root(), {}}, stranger));
    std::vector<std::string> errors;
    {
        aitrail::auditor<policy<cp::every_entries<2>>> audit{s, with_key(key, &errors)};
        for (int i = 0; i < 5; ++i) (void)audit.scope({.action = "call"});
        CHECK(audit.metrics().checkpoint_errors >= 2);
        CHECK(audit.metrics().checkpoints == 0);
        CHECK(audit.metrics().written == 6);
    }
    REQUIRE_FALSE(errors.empty());
    CHECK(errors.front().find("checkpoint not signed") != std::string::npos);
    CHECK(s.lines().size() == 6);
    CHECK(s.checkpoints().all().size() == 1);
}

TEST_CASE("without a key the policy's moments sign nothing, and the writer keeps writing") {
    aitrail::memory_storage s;
    std::vector<std::string> errors;
    aitrail::writer_options o;
    o.on_error = [&](const std::string& m) { errors.push_back(m); };
    {
        aitrail::auditor<policy<cp::every_entries<1>>> audit{s, o};
        for (int i = 0; i < 3; ++i) (void)audit.scope({.action = "call"});
    }
    CHECK(errors.empty());
    CHECK(s.lines().size() == 4);
    CHECK(s.checkpoints().all().empty());
}

TEST_SUITE_END();

}  // namespace checkpoint_writer_policy_tests
