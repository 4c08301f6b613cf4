#include <aitrail/pipeline/async_writer.hpp>

#include <doctest/doctest.h>

#include <aitrail/capture/auditor.hpp>
#include <aitrail/policy/default_policy.hpp>
#include <aitrail/read/verify.hpp>
#include <support/error_log.hpp>
#include <support/failing_storage.hpp>
#include <support/producers.hpp>
#include <support/slow_storage.hpp>
#include <support/stress_scale.hpp>
#include <support/trail_entries.hpp>

#include <algorithm>  // max
#include <atomic>   // atomic
#include <chrono>   // steady_clock, milliseconds
#include <cstddef>  // size_t
#include <cstdint>  // uint64_t
#include <memory>   // unique_ptr, make_unique
#include <regex>    // regex, smatch
#include <string>   // string, stoull
#include <thread>   // thread, sleep_for
#include <vector>   // vector

namespace shutdown_tests {

// What the writer does when its auditor goes away: it stores everything
// still queued, gives a storage that keeps refusing no more than
// shutdown_timeout, and says what it could not store. And its counters add
// up.

namespace {

using aitrail_test::failing_storage;
using aitrail_test::slow_storage;
using clock_type = std::chrono::steady_clock;

struct small_batch_policy : aitrail::default_policy {
    static constexpr std::size_t queue_capacity = 256;
    static constexpr std::size_t max_batch = 16;
};

using tiny_queue_policy = aitrail_test::small_queue_policy;

/// The entries the writer reported as not stored at shutdown ("N sealed
/// entries could not be stored ..."), summed over its messages.
std::uint64_t reported_unstored(const std::vector<std::string>& messages) {
    static const std::regex pattern(R"((\d+) sealed entries could not be stored)");
    std::uint64_t n = 0;
    for (const auto& m : messages) {
        std::smatch match;
        if (std::regex_search(m, match, pattern)) n += std::stoull(match[1].str());
    }
    return n;
}

/// Destroys an auditor over a storage that refuses everything after
/// trail.open, with `records` records still to store; returns how long the
/// destructor took. `outage` is how long the storage had already been
/// refusing when the destructor started.
template <class Policy>
clock_type::duration destroy_over_refusing_storage(failing_storage storage, aitrail_test::error_log& errors,
                                                   std::uint64_t records, std::chrono::milliseconds outage) {
    auto options = aitrail_test::options_logging_to(errors);
    options.shutdown_timeout = std::chrono::milliseconds(200);
    auto audit = std::make_unique<aitrail::auditor<Policy>>(storage, options);
    storage.fail_next(std::size_t{1} << 40);  // from now on, forever
    for (std::uint64_t i = 0; i < records; ++i) audit->record(aitrail_test::tagged_record(0, i));
    std::this_thread::sleep_for(outage);
    const auto t0 = clock_type::now();
    audit.reset();
    return clock_type::now() - t0;
}

/// Generous for a loaded 2-core machine or ThreadSanitizer, but far below
/// "one shutdown_timeout per batch".
std::chrono::milliseconds shutdown_slack() {
    return std::chrono::milliseconds(aitrail_test::under_thread_sanitizer() ? 600 : 250);
}

}  // namespace

TEST_SUITE_BEGIN("shutdown");

TEST_CASE("shutdown: the destructor stores every record still queued") {
    constexpr std::uint64_t producers = 4;
    const std::uint64_t per_producer = aitrail_test::scaled(2500, 300);
    slow_storage storage;
    storage.set_delay(std::chrono::milliseconds(20));  // the queue is far from empty at the end

    std::uint64_t backlog = 0;
    {
        aitrail::auditor<> audit{storage};
        aitrail_test::run_producers(producers, [&](std::uint64_t p) {
            for (std::uint64_t i = 0; i < per_producer; ++i) audit.record(aitrail_test::tagged_record(p, i));
        });
        const auto m = audit.metrics();
        backlog = m.enqueued + 1 - m.written;
    }  // destroyed at once, no flush()
    INFO("records still to store when the destructor started: ", backlog);
    REQUIRE(backlog > 0);  // otherwise the destructor had nothing to prove

    aitrail_test::check_each_stored_once(storage, producers * per_producer);
    CHECK(storage.flush_calls() >= 1);  // and synced at the end
}

TEST_CASE("shutdown: over a storage that keeps refusing, the destructor returns within about shutdown_timeout") {
    constexpr std::uint64_t records = 100;  // several batches of 16
    failing_storage storage;
    aitrail_test::error_log errors;
    const auto took = destroy_over_refusing_storage<small_batch_policy>(storage, errors, records, std::chrono::milliseconds(0));
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(took);
    MESSAGE("destructor took ", ms.count(), " ms with shutdown_timeout 200 ms");
    CHECK(took >= std::chrono::milliseconds(150));  // it did keep trying
    CHECK(took <= std::chrono::milliseconds(200) + shutdown_slack());
    // Nothing but trail.open was stored, and the writer said how much was not.
    CHECK(storage.lines().size() == 1);
    CHECK(reported_unstored(errors.messages()) == records);
}

TEST_CASE("shutdown: a storage that was already failing before shutdown still gets only about shutdown_timeout") {
    constexpr std::uint64_t records = 40;
    failing_storage storage;
    aitrail_test::error_log errors;
    // By now the retry backoff has grown well past shutdown_timeout (1 ms, 2,
    // 4 ... toward max_retry_backoff, 1 s by default).
    const auto took = destroy_over_refusing_storage<small_batch_policy>(storage, errors, records, std::chrono::milliseconds(700));
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(took);
    MESSAGE("destructor took ", ms.count(), " ms with shutdown_timeout 200 ms after a 700 ms outage");
    CHECK(took <= std::chrono::milliseconds(200) + shutdown_slack());
    CHECK(storage.lines().size() == 1);
    CHECK(reported_unstored(errors.messages()) == records);
}

TEST_CASE("shutdown: the writer's counters add up") {
    constexpr std::uint64_t producers = 8;
    const std::uint64_t per_producer = aitrail_test::scaled(20000, 2000);
    constexpr std::uint64_t capacity = tiny_queue_policy::queue_capacity;
    slow_storage storage;  // no delay: the queue fills and empties all the time

    aitrail::writer_metrics at_end;
    std::uint64_t storage_appends = 0, storage_flushes = 0;
    std::atomic<bool> done{false};
    std::atomic<std::uint64_t> samples{0}, absurd_depth{0}, absurd_high_water{0};
    std::uint64_t worst_depth = 0, worst_high_water = 0;
    {
        aitrail::auditor<tiny_queue_policy> audit{storage};
        // Watches the counters while they move: the queue never holds more
        // than its capacity, whatever the interleaving.
        std::thread monitor([&] {
            while (!done.load()) {
                const auto m = audit.metrics();
                samples.fetch_add(1);
                if (m.queue_depth > capacity) {
                    absurd_depth.fetch_add(1);
                    worst_depth = std::max(worst_depth, m.queue_depth);
                }
                if (m.queue_high_water > capacity) {
                    absurd_high_water.fetch_add(1);
                    worst_high_water = std::max(worst_high_water, m.queue_high_water);
                }
                std::this_thread::yield();
            }
        });
        aitrail_test::run_producers(producers, [&](std::uint64_t p) {
            for (std::uint64_t i = 0; i < per_producer; ++i) audit.record(aitrail_test::tagged_record(p, i));
        });
        REQUIRE(audit.flush());
        done.store(true);
        monitor.join();
        // The writer is idle after flush(): its counters and the storage's agree now.
        at_end = audit.metrics();
        storage_appends = storage.append_calls();
        storage_flushes = storage.flush_calls();
    }
    INFO(samples.load(), " samples; worst queue_depth ", worst_depth, ", worst queue_high_water ", worst_high_water);
    CHECK(absurd_depth.load() == 0);
    CHECK(absurd_high_water.load() == 0);

    const std::uint64_t total = producers * per_producer;
    const auto lines = storage.lines();
    std::uint64_t bytes = 0;
    for (const auto& l : lines) bytes += l.size() + 1;

    CHECK(at_end.enqueued == total);
    CHECK(at_end.written == at_end.enqueued + 1);  // + trail.open
    CHECK(at_end.written == lines.size());
    CHECK(at_end.bytes == bytes);
    CHECK(at_end.batches == storage_appends);
    CHECK(at_end.batches >= (total + 1 + tiny_queue_policy::max_batch - 1) / tiny_queue_policy::max_batch);
    CHECK(at_end.batches <= at_end.written);
    CHECK(at_end.flushes == storage_flushes);
    CHECK(at_end.flushes >= 1);
    CHECK(at_end.queue_depth == 0);
    CHECK(at_end.pending == 0);
    CHECK(at_end.queue_high_water >= 1);
    CHECK(at_end.queue_high_water <= capacity);
    CHECK(at_end.dropped == 0);
    CHECK(at_end.storage_errors == 0);
    CHECK(at_end.sanitized == 0);
    CHECK(aitrail::verify(storage).ok());
}

TEST_SUITE_END();

}  // namespace shutdown_tests
