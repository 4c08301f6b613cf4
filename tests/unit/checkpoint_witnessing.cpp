// The writer publishes the checkpoints it signs to its witnesses, on a
// thread of its own: cosignatures are stored with the checkpoint, a failing
// witness is reported, counted and retried, and a witness that does not
// answer never holds up records.
#include <aitrail/pipeline/writer_options.hpp>

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"

#include <aitrail/capture/auditor.hpp>
#include <aitrail/integrity/checkpoint.hpp>
#include <aitrail/integrity/cosignature.hpp>
#include <aitrail/pipeline/directory_witness.hpp>
#include <aitrail/storage/memory_storage.hpp>

#include <atomic>              // atomic
#include <chrono>              // milliseconds
#include <condition_variable>  // condition_variable
#include <memory>              // make_shared
#include <mutex>               // mutex
#include <string>              // string
#include <thread>              // sleep_for
#include <vector>              // vector

namespace checkpoint_witnessing_tests {

TEST_SUITE_BEGIN("checkpoint witnessing");

namespace cp = aitrail::checkpoint_policies;

namespace {

template <class Checkpoint, bool Async = true>
struct policy : aitrail::default_policy {
    static constexpr bool asynchronous = Async;
    using checkpoint = Checkpoint;
};

/// Waits (up to 30 s) until `done()`; the witnesses' thread runs on its own.
template <class F>
bool eventually(F done) {
    for (int i = 0; i < 3000 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return done();
}

/// A witness that refuses until told otherwise.
struct flaky_state {
    std::atomic<bool> up{false};
    std::atomic<int> calls{0};
};

}  // namespace

TEST_CASE("cosignatures of a directory witness are stored with the writer's checkpoint") {
    aitrail_test::temp_dir dir("witnessing");
    const auto key = aitrail::note_signer::generate("example.com/writer");
    const auto witness_key = aitrail::cosigner::generate("witness.example/w1");
    aitrail::memory_storage s;
    auto publisher = std::make_shared<aitrail::witness_publisher>();
    publisher->add(aitrail::directory_witness(dir.path(), {key.verifier()}, witness_key));
    std::vector<std::string> errors;
    std::mutex errors_mutex;
    {
        aitrail::writer_options o;
        o.checkpoint_key = key;
        o.witnesses = publisher;
        o.on_error = [&](const std::string& m) {
            std::lock_guard lock(errors_mutex);
            errors.push_back(m);
        };
        aitrail::auditor<policy<cp::any_of<cp::at_flush, cp::at_close>>> audit{s, std::move(o)};
        for (int i = 0; i < 20; ++i) (void)audit.scope({.action = "call"});
        REQUIRE(audit.flush());
        CHECK(eventually([&] { return audit.metrics().witnessed == 1; }));
        CHECK(audit.metrics().cosignatures == 1);
        CHECK(audit.metrics().witness_failures == 0);
    }
    CHECK(errors.empty());
    // The latest checkpoint carries the log's signature and the witness's
    // cosignature, and the witness keeps what it cosigned.
    const auto latest = s.checkpoints().latest();
    REQUIRE(latest.has_value());
    const std::vector<aitrail::note_verifier> keys{key.verifier(), witness_key.verifier()};
    const auto opened = aitrail::open_checkpoint(*latest, keys);
    CHECK(opened.cp.size == 21);
    CHECK(opened.note.verified.size() == 2);
    publisher.reset();  // the witness directory is locked while it is open
    aitrail::directory_witness w(dir.path());
    REQUIRE(w.latest("example.com/writer").has_value());
    CHECK(w.latest("example.com/writer")->size == 21);
}

TEST_CASE("a failing witness is reported, counted and retried until it takes the checkpoint") {
    const auto key = aitrail::note_signer::generate("example.com/writer");
    aitrail::memory_storage s;
    auto state = std::make_shared<flaky_state>();
    auto publisher = std::make_shared<aitrail::witness_publisher>(
        aitrail::witness_publisher_options{.initial_backoff = std::chrono::milliseconds(5),
                                           .max_backoff = std::chrono::milliseconds(20)});
    publisher->add(aitrail::callback_witness("flaky", [state](const aitrail::witness_request& r) {
        ++state->calls;
        if (!state->up) throw aitrail::witness_error("flaky", r.cp.size, "down for maintenance");
        return aitrail::witness_reply{};
    }));
    std::atomic<int> reported{0};
    aitrail::writer_options o;
    o.checkpoint_key = key;
    o.witnesses = publisher;
    o.on_error = [&](const std::string& m) {
        if (m.find("witness flaky refused checkpoint 6: down for maintenance") != std::string::npos) ++reported;
    };
    aitrail::auditor<policy<cp::at_flush>> audit{s, std::move(o)};
    for (int i = 0; i < 5; ++i) (void)audit.scope({.action = "call"});
    REQUIRE(audit.flush());
    CHECK(eventually([&] { return state->calls >= 3; }));  // retried without a new checkpoint
    CHECK(reported >= 2);
    CHECK(audit.metrics().witness_failures >= 2);
    CHECK(audit.metrics().witnessed == 0);
    state->up = true;
    CHECK(eventually([&] { return audit.metrics().witnessed == 1; }));
    CHECK(audit.metrics().written == 6);
}

TEST_CASE("a witness that does not answer holds up no record") {
    const auto key = aitrail::note_signer::generate("example.com/writer");
    aitrail::memory_storage s;
    std::mutex m;
    std::condition_variable cv;
    bool release = false;
    std::atomic<bool> entered{false};
    auto publisher = std::make_shared<aitrail::witness_publisher>();
    publisher->add(aitrail::callback_witness("stuck", [&](const aitrail::witness_request&) {
        entered = true;
        std::unique_lock lock(m);
        cv.wait(lock, [&] { return release; });
        return aitrail::witness_reply{};
    }));
    {
        aitrail::writer_options o;
        o.checkpoint_key = key;
        o.witnesses = publisher;
        o.shutdown_timeout = std::chrono::milliseconds(0);
        aitrail::auditor<policy<cp::at_flush>> audit{s, std::move(o)};
        (void)audit.scope({.action = "call"});
        REQUIRE(audit.flush());
        REQUIRE(eventually([&] { return entered.load(); }));
        // The witness is stuck inside its call: records and flushes go on.
        for (int i = 0; i < 1000; ++i) (void)audit.scope({.action = "call"});
        REQUIRE(audit.flush());
        CHECK(audit.metrics().written == 1002);
        CHECK(audit.metrics().checkpoints == 2);
        {
            std::lock_guard lock(m);
            release = true;
        }
        cv.notify_all();
    }
    CHECK(s.checkpoints().all().size() == 2);
}

TEST_CASE("witnesses without a checkpoint key are reported, not silently ignored") {
    aitrail::memory_storage s;
    auto publisher = std::make_shared<aitrail::witness_publisher>();
    publisher->add(aitrail::callback_witness("any", [](const aitrail::witness_request&) { return aitrail::witness_reply{}; }));
    std::vector<std::string> errors;
    aitrail::writer_options o;
    o.witnesses = publisher;
    o.on_error = [&](const std::string& e) { errors.push_back(e); };
    aitrail::auditor<policy<cp::at_flush, false>> audit{s, std::move(o)};
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].find("signs no checkpoints") != std::string::npos);
}

TEST_SUITE_END();

}  // namespace checkpoint_witnessing_tests
