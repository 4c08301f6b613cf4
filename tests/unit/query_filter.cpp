// query: which records each filter lets through, over a small trail whose
// answers are known, and the counters and early stop of a scan.
#include <aitrail/read/query.hpp>

#include <doctest/doctest.h>

#include <aitrail/capture/auditor.hpp>
#include <aitrail/storage/memory_storage.hpp>

#include <chrono>  // sys_days, hours
#include <string>  // string
#include <vector>  // vector

namespace query_filter_tests {

namespace {

const aitrail::timestamp day0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 1}};

/// Ten calls: i-th at day0 + i hours, users alternate, every third an error.
aitrail::memory_storage make_trail() {
    aitrail::memory_storage store;
    aitrail::auditor<aitrail::synchronous_policy> audit{store};
    for (int i = 0; i < 10; ++i) {
        aitrail::pending_entry e;
        e.rec.ts = day0 + std::chrono::hours(i);
        e.rec.id = "id-" + std::to_string(i);
        e.rec.user = i % 2 == 0 ? "alice" : "bob";
        e.rec.model = {i < 5 ? "claude-sonnet-4" : "gpt-4o", i < 5 ? "" : "2024-08-06", ""};
        e.rec.kind = i == 9 ? "ml.prediction" : "llm.call";
        e.rec.latency_us = 1000 * (i + 1);
        if (i != 4) e.rec.cost = aitrail::cost_info{1'000'000 * i, "test"};
        if (i % 3 == 0) {
            e.rec.status = aitrail::record_status::error;
            e.rec.error = aitrail::error_info{"overloaded_error", "busy"};
        }
        e.rec.tags = {i % 2 == 0 ? "team:search" : "team:support"};
        audit.record(std::move(e));
    }
    audit.flush();
    return store;
}

std::vector<std::string> ids(const aitrail::memory_storage& s, const aitrail::record_filter& f) {
    std::vector<std::string> out;
    aitrail::query(s, f, [&](const aitrail::record_view& r) { out.push_back(aitrail::text(r.id)); });
    return out;
}

using list = std::vector<std::string>;

}  // namespace

TEST_SUITE_BEGIN("query_filter");

TEST_CASE("an empty filter passes every call and no trail record") {
    const auto s = make_trail();
    CHECK(ids(s, {}).size() == 10);
    CHECK(ids(s, {.trail_records = true}).size() == 11);
    CHECK(ids(s, {.kind = "trail.open"}).size() == 1);
}

TEST_CASE("each filter field selects what it names") {
    const auto s = make_trail();
    CHECK(ids(s, {.ids = {"id-3", "id-7", "nope"}}) == list{"id-3", "id-7"});
    CHECK(ids(s, {.since = day0 + std::chrono::hours(8)}) == list{"id-8", "id-9"});
    CHECK(ids(s, {.until = day0 + std::chrono::hours(2)}) == list{"id-0", "id-1"});
    CHECK(ids(s, {.user = "bob", .status = "error"}) == list{"id-3", "id-9"});
    CHECK(ids(s, {.user = "alice", .model = "claude-*"}) == list{"id-0", "id-2", "id-4"});
    CHECK(ids(s, {.model_version = "2024-08-06", .kind = "ml.prediction"}) == list{"id-9"});
    CHECK(ids(s, {.tag = "team:sup*", .min_latency_us = 8000}) == list{"id-7", "id-9"});
    // Unknown cost (id-4) never passes a cost floor, even a zero one.
    CHECK(ids(s, {.min_cost_nanos_usd = 0}).size() == 9);
    CHECK(ids(s, {.min_cost_nanos_usd = 8'000'000}) == list{"id-8", "id-9"});
}

TEST_CASE("query counts lines and bytes, skips unreadable lines and stops when asked") {
    auto s = make_trail();
    auto lines = s.lines();
    lines.insert(lines.begin() + 3, "garbage");
    s.set_lines(lines);
    std::uint64_t bytes = 0;
    for (const auto& l : lines) bytes += l.size() + 1;
    std::vector<std::uint64_t> bad_lines;
    aitrail::query_options options;
    options.on_unreadable = [&](const aitrail::stored_line& l) { bad_lines.push_back(l.line_no); };
    const auto all = aitrail::query(s, {}, [](const aitrail::record_view&) {}, options);
    CHECK(all.lines == 12);
    CHECK(all.bytes == bytes);
    CHECK(all.matched == 10);
    CHECK(all.unreadable == 1);
    CHECK(bad_lines == std::vector<std::uint64_t>{4});
    int seen = 0;
    const auto first_two = aitrail::query(s, {}, [&](const aitrail::record_view&) { return ++seen < 2; });
    CHECK(first_two.matched == 2);
    CHECK(seen == 2);
}

TEST_SUITE_END();

}  // namespace query_filter_tests
