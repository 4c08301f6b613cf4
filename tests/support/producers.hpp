#pragma once
// What the writer's concurrency tests share: threads that submit at the same
// moment, a small-queue policy that makes them wait, writer options that
// collect errors, and a tally of the tagged records a trail holds, with the
// checks that each was stored exactly once.

#include <aitrail/pipeline/writer_options.hpp>
#include <aitrail/policy/default_policy.hpp>
#include <aitrail/read/verify.hpp>
#include <support/error_log.hpp>
#include <support/trail_entries.hpp>

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <cstddef>  // size_t, ptrdiff_t
#include <cstdint>  // uint64_t
#include <latch>    // latch
#include <set>      // set
#include <thread>   // thread
#include <utility>  // pair
#include <vector>   // vector

namespace aitrail_test {

/// A queue small enough that producers fill it: they wait (block) or drop.
struct small_queue_policy : aitrail::default_policy {
    static constexpr std::size_t queue_capacity = 64;
    static constexpr std::size_t max_batch = 16;
};

/// Runs `body(p)` for p = 0..producers-1, each on its own thread, all
/// released at once (so they contend), and joins them.
template <class Body>
void run_producers(std::uint64_t producers, Body body) {
    std::latch start(static_cast<std::ptrdiff_t>(producers));
    std::vector<std::thread> threads;
    threads.reserve(producers);
    for (std::uint64_t p = 0; p < producers; ++p)
        threads.emplace_back([&start, &body, p] {
            start.arrive_and_wait();
            body(p);
        });
    for (auto& t : threads) t.join();
}

/// Writer options whose errors go to `errors`.
inline aitrail::writer_options options_logging_to(error_log& errors) {
    aitrail::writer_options options;
    options.on_error = errors.handler();
    return options;
}

/// The tagged records among `entries` (trail.* records left out): how many
/// there are, and how many distinct (producer, index) pairs, so that
/// "count in == count out, each exactly once" is two comparisons.
struct tagged_tally {
    std::size_t records = 0;   ///< tagged records seen
    std::size_t distinct = 0;  ///< distinct (producer, index) among them
};

/// Tallies the tagged records of `entries`.
inline tagged_tally tally_tagged(const std::vector<nlohmann::json>& entries) {
    std::set<std::pair<std::uint64_t, std::uint64_t>> seen;
    tagged_tally t;
    for (const auto& e : entries) {
        if (is_trail_record(e)) continue;
        ++t.records;
        seen.emplace(e["rec"]["meta"]["producer"].get<std::uint64_t>(), e["rec"]["meta"]["index"].get<std::uint64_t>());
    }
    t.distinct = seen.size();
    return t;
}

/// Checks that `storage` holds `expected` tagged records, each exactly once,
/// in one unbroken chain that verifies: count in == count out.
template <class Storage>
void check_each_stored_once(Storage& storage, std::size_t expected) {
    const auto entries = parse_entries(storage.lines());
    const auto tally = tally_tagged(entries);
    CHECK(tally.records == expected);
    CHECK(tally.distinct == expected);
    CHECK(chain_break(entries) == "");
    CHECK(aitrail::verify(storage).ok());
}

}  // namespace aitrail_test
