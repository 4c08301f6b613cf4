#include <aitrail/pipeline/async_writer.hpp>

#include <doctest/doctest.h>

#include <aitrail/capture/auditor.hpp>
#include <aitrail/policy/default_policy.hpp>
#include <aitrail/read/verify.hpp>
#include <aitrail/storage/jsonl_files.hpp>
#include <aitrail/storage/jsonl_storage.hpp>
#include <support/error_log.hpp>
#include <support/failing_storage.hpp>
#include <support/producers.hpp>
#include <support/slow_storage.hpp>
#include <support/stress_scale.hpp>
#include <support/temp_dir.hpp>
#include <support/trail_entries.hpp>

#include <atomic>      // atomic
#include <chrono>      // microseconds, milliseconds
#include <cstddef>     // size_t
#include <cstdint>     // uint64_t
#include <filesystem>  // path
#include <fstream>     // ifstream
#include <sstream>     // ostringstream
#include <string>      // string, getline

namespace flush_tests {

// flush() is a promise to the thread that calls it: when it returns, every
// record that thread submitted before the call is in storage. These tests
// hold it to that while other threads keep submitting and the storage is
// slow, fails for a while, or is a real file.

namespace {

using aitrail_test::failing_storage;
using aitrail_test::slow_storage;
using aitrail_test::small_queue_policy;

struct flush_policy : aitrail::default_policy {
    static constexpr std::size_t queue_capacity = 256;
    static constexpr std::size_t max_batch = 32;
};

/// The whole trail in `dir`, read from the files themselves.
std::string read_trail_files(const std::filesystem::path& dir) {
    std::string all;
    for (const auto& f : aitrail::list_trail_files(dir)) {
        std::ifstream in(f.path, std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        all += s.str();
    }
    return all;
}

}  // namespace

TEST_SUITE_BEGIN("flush");

TEST_CASE("flush: when flush() returns, everything its thread submitted before is stored") {
    constexpr std::uint64_t producers = 4;
    const std::uint64_t per_producer = aitrail_test::scaled(600, 120);
    constexpr std::uint64_t flush_every = 40;
    slow_storage storage;
    // A lagging writer: a flush() that returned early would find records missing.
    storage.set_delay(std::chrono::microseconds(300));

    std::atomic<std::uint64_t> flushes{0}, flushes_with_backlog{0}, failures{0}, late{0}, duplicates{0};
    {
        aitrail::auditor<flush_policy> audit{storage};
        aitrail_test::run_producers(producers, [&](std::uint64_t p) {
            aitrail_test::own_indices mine(per_producer);
            std::size_t cursor = 0;  // lines before it were already looked at
            for (std::uint64_t i = 0; i < per_producer; ++i) {
                audit.record(aitrail_test::tagged_record(p, i));
                if ((i + 1) % flush_every != 0 && i + 1 != per_producer) continue;
                const auto m = audit.metrics();
                if (m.written < m.enqueued + 1) flushes_with_backlog.fetch_add(1);
                if (!audit.flush()) failures.fetch_add(1);
                flushes.fetch_add(1);
                const auto lines = storage.lines();
                for (; cursor < lines.size(); ++cursor) mine.add(lines[cursor], p);
                if (mine.first_missing_below(i + 1) != i + 1) late.fetch_add(1);
            }
            duplicates.fetch_add(mine.duplicates);
        });
    }
    INFO(flushes.load(), " flushes, ", flushes_with_backlog.load(), " of them with records still unwritten");
    CHECK(failures.load() == 0);
    CHECK(late.load() == 0);
    CHECK(duplicates.load() == 0);
    // The test could have failed: flushes were called with work outstanding.
    CHECK(flushes_with_backlog.load() > 0);
    CHECK(storage.lines().size() == producers * per_producer + 1);
    CHECK(aitrail::verify(storage).ok());
}

TEST_CASE("flush: with durability_policies::batch over jsonl_storage, flushed records are in the file when flush() returns") {
    struct batch_policy : flush_policy {
        using durability = aitrail::durability_policies::batch;
    };
    constexpr std::uint64_t producers = 3;
    const std::uint64_t per_producer = aitrail_test::scaled(300, 60);
    constexpr std::uint64_t flush_every = 25;
    const aitrail_test::temp_dir tmp("flush-jsonl");
    const auto dir = tmp.path() / "trail";

    std::atomic<std::uint64_t> failures{0}, late{0};
    std::uint64_t syncs_seen = 0;
    {
        aitrail::auditor<batch_policy> audit{aitrail::jsonl_storage{dir}};
        aitrail_test::run_producers(producers, [&](std::uint64_t p) {
            for (std::uint64_t i = 0; i < per_producer; ++i) {
                audit.record(aitrail_test::tagged_record(p, i));
                if ((i + 1) % flush_every != 0 && i + 1 != per_producer) continue;
                if (!audit.flush()) failures.fetch_add(1);
                // Straight from the file, not through the storage object.
                aitrail_test::own_indices mine(per_producer);
                std::istringstream in(read_trail_files(dir));
                for (std::string line; std::getline(in, line);) mine.add(line, p);
                if (mine.first_missing_below(i + 1) != i + 1) late.fetch_add(1);
            }
        });
        syncs_seen = audit.metrics().flushes;
    }
    CHECK(failures.load() == 0);
    CHECK(late.load() == 0);
    CHECK(syncs_seen >= 1);
    const auto report = aitrail::verify_paths({dir});
    CHECK(report.ok());
    CHECK(report.entries == producers * per_producer + 1);
}

TEST_CASE("flush: a storage that refuses appends for a while is retried, and flush() returns true once it recovers") {
    failing_storage storage;
    aitrail_test::error_log errors;
    auto options = aitrail_test::options_logging_to(errors);
    options.max_retry_backoff = std::chrono::milliseconds(4);
    constexpr std::uint64_t before = 50, during = 50;
    constexpr std::size_t refusals = 6;
    aitrail::auditor<small_queue_policy> audit{storage, options};

    for (std::uint64_t i = 0; i < before; ++i) audit.record(aitrail_test::tagged_record(0, i));
    REQUIRE(audit.flush());
    REQUIRE(storage.lines().size() == before + 1);

    storage.fail_next(refusals);
    for (std::uint64_t i = before; i < before + during; ++i) audit.record(aitrail_test::tagged_record(0, i));
    CHECK(audit.flush());
    // flush() waited for the retries: the failures happened, and then everything landed.
    CHECK(storage.injected_failures() == refusals);
    CHECK(storage.lines().size() == before + during + 1);
    const auto m = audit.metrics();
    CHECK(m.storage_errors == refusals);
    CHECK(m.written == before + during + 1);
    CHECK(m.dropped == 0);
    CHECK(errors.count_containing("storage refused") == refusals);
    CHECK(errors.count_containing("disk full (injected)") == refusals);

    aitrail_test::own_indices all(before + during);
    for (const auto& line : storage.lines()) all.add(line, 0);
    CHECK(all.first_missing_below(before + during) == before + during);
    CHECK(all.duplicates == 0);
    CHECK(aitrail_test::chain_break(aitrail_test::parse_entries(storage.lines())) == "");
    CHECK(aitrail::verify(storage).ok());
}

TEST_CASE("flush: returns false when the storage cannot make the records durable, and true again after") {
    failing_storage storage;
    aitrail_test::error_log errors;
    auto options = aitrail_test::options_logging_to(errors);
    aitrail::auditor<small_queue_policy> audit{storage, options};

    for (std::uint64_t i = 0; i < 10; ++i) audit.record(aitrail_test::tagged_record(0, i));
    REQUIRE(audit.flush());  // now the writer is idle: the next sync is the next flush()'s
    const auto errors_before = audit.metrics().storage_errors;

    storage.fail_next_flush(1);
    CHECK_FALSE(audit.flush());
    CHECK(storage.injected_flush_failures() == 1);
    CHECK(audit.metrics().storage_errors == errors_before + 1);
    CHECK(errors.count_containing("flush failed") == 1);
    CHECK(errors.count_containing("fsync failed (injected)") == 1);

    CHECK(audit.flush());
    CHECK(storage.lines().size() == 11);
    CHECK(aitrail::verify(storage).ok());
}

TEST_CASE("flush: with block, producers wait out a storage outage and no record is lost") {
    constexpr std::uint64_t producers = 4;
    const std::uint64_t per_producer = aitrail_test::scaled(300, 60);
    constexpr std::size_t refusals = 12;
    failing_storage storage;
    aitrail_test::error_log errors;
    auto options = aitrail_test::options_logging_to(errors);
    options.max_retry_backoff = std::chrono::milliseconds(5);

    aitrail::writer_metrics m;
    std::atomic<std::uint64_t> failed_flushes{0};
    {
        aitrail::auditor<small_queue_policy> audit{storage, options};
        storage.fail_next(refusals);  // the outage starts with the first batch
        aitrail_test::run_producers(producers, [&](std::uint64_t p) {
            for (std::uint64_t i = 0; i < per_producer; ++i) {
                audit.record(aitrail_test::tagged_record(p, i));
                if (p == 0 && i == per_producer / 2 && !audit.flush()) failed_flushes.fetch_add(1);
            }
        });
        CHECK(audit.flush());
        m = audit.metrics();
    }
    CHECK(failed_flushes.load() == 0);
    CHECK(storage.injected_failures() == refusals);
    CHECK(m.storage_errors == refusals);
    CHECK(errors.count_containing("storage refused") == refusals);
    // During the outage the queue filled and the producers had to wait.
    CHECK(m.queue_high_water >= small_queue_policy::queue_capacity - producers);
    CHECK(m.queue_high_water <= small_queue_policy::queue_capacity);
    CHECK(m.dropped == 0);
    CHECK(m.enqueued == producers * per_producer);

    // Count in == count out, each exactly once.
    aitrail_test::check_each_stored_once(storage, producers * per_producer);
}

TEST_SUITE_END();

}  // namespace flush_tests
