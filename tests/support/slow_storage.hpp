#pragma once
/// @file slow_storage.hpp
/// A storage test double that takes its time: every append() sleeps for a
/// configurable delay before storing, the way a slow disk or a remote store
/// would, so a test can make the writer thread far slower than the threads
/// that feed it. It wraps a memory_storage; copies share the stored lines,
/// the delay and the counters, so a test keeps a copy and steers (and reads)
/// the one it handed to the writer.

#include <aitrail/integrity/sealed_entry.hpp>
#include <aitrail/storage/concepts.hpp>
#include <aitrail/storage/memory_storage.hpp>

#include <atomic>   // atomic
#include <chrono>   // microseconds
#include <cstdint>  // uint64_t
#include <memory>   // shared_ptr, make_shared
#include <span>     // span
#include <string>   // string
#include <thread>   // sleep_for
#include <utility>  // move
#include <vector>   // vector

namespace aitrail_test {

/// Meets aitrail::readable_storage; append() sleeps for delay() first.
class slow_storage {
public:
    /// Wraps a new, empty memory_storage; no delay until set_delay().
    slow_storage() : slow_storage(aitrail::memory_storage{}) {}
    /// Wraps `inner` (which may already hold a trail), with `delay` per append().
    explicit slow_storage(aitrail::memory_storage inner, std::chrono::microseconds delay = {})
        : inner_(std::move(inner)), control_(std::make_shared<control>()) {
        set_delay(delay);
    }

    /// Every later append() sleeps this long before storing (0: no sleep).
    void set_delay(std::chrono::microseconds delay) noexcept {
        control_->delay_us.store(delay.count(), std::memory_order_relaxed);
    }
    /// The current per-append delay.
    std::chrono::microseconds delay() const noexcept {
        return std::chrono::microseconds(control_->delay_us.load(std::memory_order_relaxed));
    }

    /// Sleeps for delay(), then stores the batch.
    void append(std::span<const aitrail::sealed_entry> batch) {
        const auto d = delay();
        if (d.count() > 0) std::this_thread::sleep_for(d);
        inner_.append(batch);
        control_->entries.fetch_add(batch.size(), std::memory_order_relaxed);
        control_->appends.fetch_add(1, std::memory_order_relaxed);
    }
    /// Nothing to make durable; counted.
    void flush() {
        inner_.flush();
        control_->flushes.fetch_add(1, std::memory_order_relaxed);
    }
    /// Where the stored chain ends.
    aitrail::chain_head head() const { return inner_.head(); }
    /// Visits the stored lines.
    void scan(const aitrail::line_visitor& visit) const { inner_.scan(visit); }

    /// The stored lines.
    std::vector<std::string> lines() const { return inner_.lines(); }
    /// The wrapped storage (shares its lines with this one).
    const aitrail::memory_storage& inner() const noexcept { return inner_; }
    /// append() calls completed so far.
    std::uint64_t append_calls() const noexcept { return control_->appends.load(std::memory_order_relaxed); }
    /// Entries stored by those calls.
    std::uint64_t appended_entries() const noexcept { return control_->entries.load(std::memory_order_relaxed); }
    /// flush() calls so far.
    std::uint64_t flush_calls() const noexcept { return control_->flushes.load(std::memory_order_relaxed); }

private:
    struct control {
        std::atomic<std::int64_t> delay_us{0};
        std::atomic<std::uint64_t> appends{0};
        std::atomic<std::uint64_t> entries{0};
        std::atomic<std::uint64_t> flushes{0};
    };
    aitrail::memory_storage inner_;
    std::shared_ptr<control> control_;
};

static_assert(aitrail::readable_storage<slow_storage>);

}  // namespace aitrail_test
