#pragma once
/// @file failing_storage.hpp
/// A storage test double that refuses appends (and, separately, flushes) on
/// demand, the way a full disk would. It wraps a memory_storage; copies share
/// both the stored lines and the failure schedule, so a test keeps a copy and
/// steers the one it handed to the writer.

#include <aitrail/integrity/sealed_entry.hpp>
#include <aitrail/storage/concepts.hpp>
#include <aitrail/storage/memory_storage.hpp>
#include <aitrail/storage/storage_error.hpp>

#include <cerrno>   // ENOSPC, EIO
#include <cstddef>  // size_t
#include <memory>   // shared_ptr, make_shared
#include <mutex>    // mutex, lock_guard
#include <span>     // span
#include <string>   // string
#include <utility>  // move
#include <vector>   // vector

namespace aitrail_test {

/// Meets aitrail::readable_storage; append() throws while failures are scheduled.
class failing_storage {
public:
    /// Wraps a new, empty memory_storage.
    failing_storage() : failing_storage(aitrail::memory_storage{}) {}
    /// Wraps `inner` (which may already hold a trail).
    explicit failing_storage(aitrail::memory_storage inner)
        : inner_(std::move(inner)), control_(std::make_shared<control>()) {}

    /// Makes the next `n` append() calls throw storage_error("disk full
    /// (injected)", ENOSPC) without storing anything.
    void fail_next(std::size_t n) {
        std::lock_guard lock(control_->mutex);
        control_->append.remaining = n;
    }

    /// Makes the next `n` flush() calls throw storage_error("fsync failed
    /// (injected)", EIO); appends are not affected.
    void fail_next_flush(std::size_t n) {
        std::lock_guard lock(control_->mutex);
        control_->flush.remaining = n;
    }

    /// Stores the batch, or throws (storing nothing) if a failure is scheduled.
    void append(std::span<const aitrail::sealed_entry> batch) {
        if (next_call_fails(&control::append)) throw aitrail::storage_error("disk full (injected)", ENOSPC);
        inner_.append(batch);
    }
    /// Nothing to make durable; throws if a flush failure is scheduled.
    void flush() {
        if (next_call_fails(&control::flush)) throw aitrail::storage_error("fsync failed (injected)", EIO);
        inner_.flush();
    }
    /// Where the stored chain ends.
    aitrail::chain_head head() const { return inner_.head(); }
    /// Visits the stored lines.
    void scan(const aitrail::line_visitor& visit) const { inner_.scan(visit); }

    /// The stored lines.
    std::vector<std::string> lines() const { return inner_.lines(); }
    /// The wrapped storage (shares its lines with this one).
    const aitrail::memory_storage& inner() const noexcept { return inner_; }
    /// append() calls so far, failed or not.
    std::size_t append_calls() const { return counts(&control::append).calls; }
    /// append() calls that threw.
    std::size_t injected_failures() const { return counts(&control::append).injected; }

    /// flush() calls so far, failed or not.
    std::size_t flush_calls() const { return counts(&control::flush).calls; }
    /// flush() calls that threw.
    std::size_t injected_flush_failures() const { return counts(&control::flush).injected; }

private:
    /// The scheduled failures and the counts of one operation (append or flush).
    struct fault_plan {
        std::size_t remaining = 0;  ///< calls still to fail
        std::size_t calls = 0;      ///< calls so far, failed or not
        std::size_t injected = 0;   ///< calls that failed
    };
    struct control {
        mutable std::mutex mutex;
        fault_plan append;
        fault_plan flush;
    };

    /// Counts a call of the operation `which`; true when it is to fail
    /// (using up one scheduled failure).
    bool next_call_fails(fault_plan control::*which) {
        std::lock_guard lock(control_->mutex);
        fault_plan& plan = (*control_).*which;
        ++plan.calls;
        if (plan.remaining == 0) return false;
        --plan.remaining;
        ++plan.injected;
        return true;
    }
    /// The counts of the operation `which`, read under the lock.
    fault_plan counts(fault_plan control::*which) const {
        std::lock_guard lock(control_->mutex);
        return (*control_).*which;
    }

    aitrail::memory_storage inner_;
    std::shared_ptr<control> control_;
};

static_assert(aitrail::readable_storage<failing_storage>);

}  // namespace aitrail_test
