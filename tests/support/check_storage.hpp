#pragma once
/// @file check_storage.hpp
/// The behaviour every readable storage owes the trail, as one reusable check:
/// an empty store has an empty head; appended batches come back from scan()
/// byte for byte and in order; head() is where the chain ends; a store opened
/// again on the same state says the same; an empty batch changes nothing; and
/// what was stored verifies. Run it for a storage with
/// `check_storage<my_storage>(make_fresh, reopen)`, where make_fresh returns an
/// empty storage and reopen returns a new handle on the state the last
/// make_fresh created (a jsonl_storage on the same directory; a copy of a
/// memory_storage). The storage from make_fresh is destroyed before reopen is
/// called, so storages that allow one writer at a time can be checked too.

#include <aitrail/integrity/hasher.hpp>
#include <aitrail/integrity/sealed_entry.hpp>
#include <aitrail/integrity/sealer.hpp>
#include <aitrail/read/verify.hpp>
#include <aitrail/record/audit_record.hpp>
#include <aitrail/storage/concepts.hpp>

#include <doctest/doctest.h>

#include <chrono>      // sys_days, hours, microseconds
#include <cstddef>     // size_t
#include <cstdint>     // uint64_t
#include <functional>  // function
#include <span>        // span
#include <string>      // string, to_string
#include <vector>      // vector

namespace aitrail_test {

/// Seals `count` entries continuing `s`'s chain. Every entry carries content
/// (so digests are exercised) and a timestamp on one fixed UTC day.
inline std::vector<aitrail::sealed_entry> seal_entries(aitrail::sealer<aitrail::hashers::sha256>& s, std::size_t count) {
    using namespace std::chrono;
    const aitrail::timestamp day_start{sys_days{year{2026} / January / 15}};
    std::vector<aitrail::sealed_entry> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const std::uint64_t seq = s.head().next_seq;
        aitrail::pending_entry e;
        e.rec.id = "rec-" + std::to_string(seq);
        e.rec.ts = day_start + hours{12} + microseconds{static_cast<std::int64_t>(seq)};
        e.rec.action = "messages.create";
        e.rec.user = "user-" + std::to_string(seq % 7);
        e.rec.model = {"model-a", "v1", "local"};
        e.rec.latency_us = static_cast<std::int64_t>(1000 + seq);
        e.content = {{"input", {{"prompt", "question number " + std::to_string(seq)}}},
                     {"output", "answer \"" + std::to_string(seq * 3) + "\"\n\u00e9"}};
        out.push_back(s.seal(e));
        out.back().rec = nullptr;  // `e` ends here; the storage must not need it after append
    }
    return out;
}

/// A chain head in words, so that a failed comparison shows both sides.
inline std::string head_text(const aitrail::chain_head& h) {
    return "next seq " + std::to_string(h.next_seq) + ", prev " + h.prev_hash;
}

/// The lines of `s` in scan order. Every line must be complete and numbered.
template <class S>
std::vector<std::string> scan_lines(const S& s) {
    std::vector<std::string> lines;
    s.scan([&](const aitrail::stored_line& l) {
        CHECK(l.terminated);
        CHECK(l.line_no >= 1);
        CHECK_FALSE(l.source.empty());
        lines.emplace_back(l.text);
        return true;
    });
    return lines;
}

/// Appends `batch` to `s` and to the expected lines.
template <class S>
void append_batch(S& s, const std::vector<aitrail::sealed_entry>& batch, std::vector<std::string>& expected) {
    s.append(std::span<const aitrail::sealed_entry>(batch));
    for (const auto& e : batch) expected.push_back(e.line);
}

/// The head a chain has after `lines` (the last line's seq + 1 and its hash).
inline aitrail::chain_head head_after(const std::vector<aitrail::sealed_entry>& last_batch) {
    return {last_batch.back().seq + 1, last_batch.back().hash};
}

/// Checks that `S` keeps a trail as aitrail::readable_storage promises.
template <class S>
void check_storage(const std::function<S()>& make_fresh, const std::function<S()>& reopen) {
    static_assert(aitrail::readable_storage<S>, "check_storage needs a readable storage");
    std::vector<std::string> expected;
    aitrail::chain_head expected_head;

    {
        S s = make_fresh();
        INFO("a fresh storage");
        CHECK(head_text(s.head()) == head_text(aitrail::chain_head{}));
        CHECK(s.head().empty());
        CHECK(scan_lines(s).empty());
        CHECK_NOTHROW(s.flush());

        INFO("an empty batch on an empty storage");
        s.append(std::span<const aitrail::sealed_entry>{});
        CHECK(head_text(s.head()) == head_text(aitrail::chain_head{}));
        CHECK(scan_lines(s).empty());

        aitrail::sealer<aitrail::hashers::sha256> sealer;
        INFO("one batch of five");
        const auto first = seal_entries(sealer, 5);
        append_batch(s, first, expected);
        CHECK(scan_lines(s) == expected);
        CHECK(head_text(s.head()) == head_text(head_after(first)));

        INFO("further batches stay in order");
        for (std::size_t n : {1u, 10u, 3u}) {
            const auto batch = seal_entries(sealer, n);
            append_batch(s, batch, expected);
            CHECK(head_text(s.head()) == head_text(head_after(batch)));
            CHECK(head_text(s.head()) == head_text(sealer.head()));
        }
        REQUIRE(scan_lines(s) == expected);

        INFO("an empty batch after entries");
        s.append(std::span<const aitrail::sealed_entry>{});
        CHECK(head_text(s.head()) == head_text(sealer.head()));
        CHECK(scan_lines(s) == expected);

        INFO("flush");
        CHECK_NOTHROW(s.flush());
        CHECK(scan_lines(s) == expected);

        INFO("scan stops when the visitor returns false");
        std::size_t visited = 0;
        s.scan([&](const aitrail::stored_line&) { return ++visited < 3; });
        CHECK(visited == 3);

        INFO("what was stored verifies");
        const auto report = aitrail::verify(s);
        CHECK(report.ok());
        CHECK(report.entries == expected.size());
        expected_head = s.head();
    }

    {
        S s = reopen();
        INFO("a reopened storage");
        CHECK(head_text(s.head()) == head_text(expected_head));
        REQUIRE(scan_lines(s) == expected);

        INFO("the reopened storage continues the chain; 1000 entries round trip");
        aitrail::sealer<aitrail::hashers::sha256> sealer(s.head());
        std::size_t added = 0;
        for (std::size_t n : {1u, 99u, 400u, 7u, 493u}) {
            const auto batch = seal_entries(sealer, n);
            append_batch(s, batch, expected);
            added += n;
            CHECK(head_text(s.head()) == head_text(head_after(batch)));
        }
        REQUIRE(added == 1000);
        s.flush();
        CHECK(head_text(s.head()) == head_text(sealer.head()));
        CHECK(scan_lines(s) == expected);
        expected_head = s.head();
    }

    {
        S s = reopen();
        INFO("reopened after 1000 more entries");
        CHECK(head_text(s.head()) == head_text(expected_head));
        CHECK(scan_lines(s) == expected);
        const auto report = aitrail::verify(s);
        CHECK(report.ok());
        CHECK(report.entries == expected.size());
        const auto slow = aitrail::verify(s, aitrail::verify_options{.recanonicalize = true});
        CHECK(slow.ok());
        CHECK(slow.entries == expected.size());
    }
}

}  // namespace aitrail_test
