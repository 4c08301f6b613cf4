#include <aitrail/pipeline/async_writer.hpp>

#include <doctest/doctest.h>

#include <aitrail/capture/auditor.hpp>
#include <aitrail/detail/time_format.hpp>
#include <aitrail/policy/default_policy.hpp>
#include <aitrail/read/verify.hpp>
#include <support/slow_storage.hpp>
#include <support/stress_scale.hpp>
#include <support/trail_entries.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>    // max
#include <chrono>       // steady_clock, microseconds
#include <cstddef>      // size_t
#include <cstdint>      // uint64_t
#include <latch>        // latch
#include <set>          // set
#include <string>       // string
#include <string_view>  // string_view
#include <thread>       // thread
#include <utility>      // pair
#include <vector>       // vector

namespace overload_tests {

// Eight producers push records as fast as they can into a small queue in
// front of a writer at least ten times slower than they are. Whatever the
// backpressure policy, every record is accounted for: stored exactly once,
// or counted in a trail.gap record, and the chain still verifies.

namespace {

using aitrail_test::slow_storage;
using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;

constexpr std::uint64_t producer_count = 8;
constexpr std::size_t small_capacity = 64;

template <class Backpressure>
struct overload_policy : aitrail::default_policy {
    using backpressure = Backpressure;
    static constexpr std::size_t queue_capacity = small_capacity;
    static constexpr std::size_t max_batch = 16;
};

/// ThreadSanitizer slows the producers down too; a slower writer keeps the ratio.
std::chrono::microseconds writer_delay(std::chrono::microseconds normal) {
    return aitrail_test::under_thread_sanitizer() ? normal * 4 : normal;
}

/// What one overload run measured.
struct run_result {
    aitrail::writer_metrics metrics;        ///< after the producers finished and flush() returned
    bool flushed = false;                   ///< what that flush() returned
    std::vector<std::string> after_flush;   ///< the trail at that moment
    std::vector<std::string> lines;         ///< the trail once the auditor is gone
    clock_type::duration wall{};            ///< from the producers' start to the last one's end
    clock_type::duration most_outside{};    ///< longest time a producer spent outside submit()
    std::string start_ts, end_ts;           ///< UTC around the producers' run (RFC 3339)
};

template <class Backpressure>
run_result run_overload(slow_storage storage, std::uint64_t per_producer) {
    run_result r;
    std::vector<clock_type::duration> outside(producer_count);
    {
        aitrail::writer_options options;
        options.trail_id = "overload";
        aitrail::auditor<overload_policy<Backpressure>> audit{storage, options};
        std::latch start(static_cast<std::ptrdiff_t>(producer_count + 1));
        std::vector<std::thread> producers;
        for (std::uint64_t p = 0; p < producer_count; ++p) {
            producers.emplace_back([&, p] {
                start.arrive_and_wait();
                clock_type::duration own{};
                for (std::uint64_t i = 0; i < per_producer; ++i) {
                    const auto t0 = clock_type::now();
                    auto e = aitrail_test::tagged_record(p, i);
                    own += clock_type::now() - t0;
                    audit.record(std::move(e));
                }
                outside[p] = own;
            });
        }
        r.start_ts = aitrail::detail::to_rfc3339(aitrail::detail::now_utc());
        const auto t0 = clock_type::now();
        start.arrive_and_wait();
        for (auto& t : producers) t.join();
        r.wall = clock_type::now() - t0;
        r.end_ts = aitrail::detail::to_rfc3339(aitrail::detail::now_utc());
        r.flushed = audit.flush();
        r.metrics = audit.metrics();
        r.after_flush = storage.lines();
    }
    r.lines = storage.lines();
    for (const auto& o : outside) r.most_outside = std::max(r.most_outside, o);
    return r;
}

double seconds(clock_type::duration d) { return std::chrono::duration<double>(d).count(); }

/// The tagged records of a trail, as (producer, index), checked to be unique.
struct census {
    std::set<std::pair<std::uint64_t, std::uint64_t>> seen;
    std::size_t records = 0;     ///< tagged records in the trail
    std::size_t duplicates = 0;  ///< tagged records seen twice
    std::size_t foreign = 0;     ///< records with a producer or index out of range
    std::vector<json> gaps;      ///< the trail.gap records
    std::size_t other_trail_records = 0;
};

census take_census(const std::vector<json>& entries, std::uint64_t per_producer) {
    census c;
    for (const auto& e : entries) {
        const auto kind = aitrail_test::kind_of(e);
        if (kind == "trail.gap") {
            c.gaps.push_back(e);
        } else if (aitrail_test::is_trail_record(e)) {
            ++c.other_trail_records;
        } else {
            ++c.records;
            const auto& meta = e.at("rec").at("meta");
            const auto p = meta.at("producer").get<std::uint64_t>();
            const auto i = meta.at("index").get<std::uint64_t>();
            if (p >= producer_count || i >= per_producer) ++c.foreign;
            if (!c.seen.emplace(p, i).second) ++c.duplicates;
        }
    }
    return c;
}

std::uint64_t gap_total(const std::vector<json>& gaps) {
    std::uint64_t n = 0;
    for (const auto& g : gaps) n += g.at("rec").at("meta").at("dropped").get<std::uint64_t>();
    return n;
}

/// The checks shared by the policies that may drop: the accounting identity,
/// the gap records' contents, and the chain (the caller verifies the hashes).
void check_dropping_run(const run_result& r, std::uint64_t per_producer, std::string_view policy_name) {
    const std::uint64_t total = producer_count * per_producer;
    CHECK(r.flushed);

    // After flush(): every drop so far is declared in a gap record.
    const auto at_flush = take_census(aitrail_test::parse_entries(r.after_flush), per_producer);
    CHECK(r.metrics.dropped == gap_total(at_flush.gaps));
    CHECK(r.metrics.enqueued + r.metrics.dropped == total);
    CHECK(r.metrics.queue_depth == 0);
    CHECK(r.metrics.queue_high_water <= small_capacity);
    // The run was an overload, not a test that happened to keep up.
    REQUIRE(r.metrics.dropped > 0);

    // After shutdown: stored + declared dropped == submitted, exactly.
    const auto entries = aitrail_test::parse_entries(r.lines);
    const auto c = take_census(entries, per_producer);
    const auto dropped = gap_total(c.gaps);
    INFO("stored ", c.records, ", declared dropped ", dropped, " in ", c.gaps.size(), " gap records, submitted ", total);
    CHECK(c.records + dropped == total);
    CHECK(dropped == r.metrics.dropped);
    CHECK(c.duplicates == 0);
    CHECK(c.foreign == 0);
    CHECK(c.other_trail_records == 1);  // trail.open
    CHECK(aitrail_test::chain_break(entries) == "");
    for (const auto& g : c.gaps) {
        const auto& meta = g.at("rec").at("meta");
        const auto first = meta.at("first_drop").get<std::string>();
        const auto last = meta.at("last_drop").get<std::string>();
        INFO("gap record: ", g.dump());
        CHECK(meta.at("dropped").get<std::uint64_t>() >= 1);
        CHECK(meta.at("backpressure").get<std::string>() == policy_name);
        // Fixed-width RFC 3339 UTC strings compare as the times they name.
        CHECK(first <= last);
        CHECK(first >= r.start_ts);
        CHECK(last <= r.end_ts);
    }
}

}  // namespace

TEST_SUITE_BEGIN("overload");

TEST_CASE("overload: block stores every record exactly once while a 10x slower writer holds the producers back") {
    const std::uint64_t per_producer = aitrail_test::scaled(400, 60);
    const std::uint64_t total = producer_count * per_producer;
    slow_storage storage;
    storage.set_delay(writer_delay(std::chrono::microseconds(2000)));

    const auto r = run_overload<aitrail::backpressure_policies::block>(storage, per_producer);

    // The writer was the bottleneck by at least 10x: what the producers could
    // offer (records per second of their own work) against what was written.
    const double offered = static_cast<double>(total) / seconds(r.most_outside);
    const double written = static_cast<double>(total) / seconds(r.wall);
    MESSAGE("block: producers could offer ", offered, " records/s; the writer stored ", written, " records/s");
    CHECK(offered >= 10 * written);
    // The queue ran full: producers had to wait for space.
    CHECK(r.metrics.queue_high_water >= small_capacity - producer_count);
    CHECK(r.metrics.queue_high_water <= small_capacity);

    CHECK(r.flushed);
    CHECK(r.metrics.enqueued == total);
    CHECK(r.metrics.dropped == 0);
    CHECK(r.metrics.written == total + 1);
    CHECK(r.metrics.queue_depth == 0);

    const auto entries = aitrail_test::parse_entries(r.lines);
    const auto c = take_census(entries, per_producer);
    CHECK(c.records == total);
    CHECK(c.seen.size() == total);
    CHECK(c.duplicates == 0);
    CHECK(c.foreign == 0);
    CHECK(c.gaps.empty());
    CHECK(c.other_trail_records == 1);
    CHECK(aitrail_test::chain_break(entries) == "");
    CHECK(aitrail::verify(storage).ok());
}

TEST_CASE("overload: drop_newest accounts for every record as stored or declared in a trail.gap") {
    const std::uint64_t per_producer = aitrail_test::scaled(2000, 250);
    slow_storage storage;
    storage.set_delay(writer_delay(std::chrono::microseconds(2000)));

    const auto r = run_overload<aitrail::backpressure_policies::drop_newest>(storage, per_producer);
    MESSAGE("drop_newest: ", r.metrics.enqueued, " stored, ", r.metrics.dropped, " dropped of ",
            producer_count * per_producer);
    check_dropping_run(r, per_producer, "drop_newest");
    CHECK(aitrail::verify(storage).ok());
}

TEST_CASE("overload: block_for<2ms> accounts for every record as stored or declared in a trail.gap") {
    const std::uint64_t per_producer = aitrail_test::scaled(200, 40);
    slow_storage storage;
    // A batch takes longer than the callers' patience: some give up.
    storage.set_delay(writer_delay(std::chrono::microseconds(4000)));

    const auto r = run_overload<aitrail::backpressure_policies::block_for<2000>>(storage, per_producer);
    MESSAGE("block_for<2000>: ", r.metrics.enqueued, " stored, ", r.metrics.dropped, " dropped of ",
            producer_count * per_producer);
    check_dropping_run(r, per_producer, "block_for");
    CHECK(aitrail::verify(storage).ok());
}

TEST_SUITE_END();

}  // namespace overload_tests
