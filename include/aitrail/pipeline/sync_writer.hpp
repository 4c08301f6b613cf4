#pragma once
/// @file sync_writer.hpp
/// The synchronous writer behind an auditor: seals each record into the
/// chain and hands it to storage, on the calling thread, under one lock (so
/// seal order is trail order). It never throws into the caller: a value with
/// no canonical form is repaired and noted, a storage failure is reported
/// through on_error and the sealed entries are kept and retried, in order,
/// before anything newer is written. The sealing itself is the writer core's
/// (detail/pipeline/writer_core.hpp), shared with async_writer.

#include <aitrail/config.hpp>
#include <aitrail/detail/pipeline/writer_core.hpp>
#include <aitrail/integrity/sealed_entry.hpp>
#include <aitrail/pipeline/writer_metrics.hpp>
#include <aitrail/pipeline/writer_options.hpp>
#include <aitrail/record/audit_record.hpp>
#include <aitrail/storage/any_storage.hpp>

#include <cstdint>    // uint64_t
#include <exception>  // exception
#include <mutex>      // mutex, lock_guard
#include <string>     // string, to_string
#include <utility>    // move
#include <vector>     // vector

namespace aitrail {
inline namespace v1 {

/// Seals and stores records synchronously, on the caller's thread.
template <class Policy>
class sync_writer {
public:
    /// Starts writing to `storage`: a new trail gets its trail.open record, an
    /// existing one a trail.resume record (noting `torn_bytes` cut on open).
    sync_writer(any_storage storage, writer_options options, std::uint64_t torn_bytes = 0)
        : core_(std::move(storage), std::move(options)) {
        submit(core_.start_record(torn_bytes));
    }
    sync_writer(const sync_writer&) = delete;
    sync_writer& operator=(const sync_writer&) = delete;

    /// Writes what is still pending and flushes; reports anything it could
    /// not write (it is not silently lost: on_error names the count).
    ~sync_writer() {
        std::lock_guard lock(mutex_);
        try_write_pending();
        core_.sync();  // reports a failure itself
        core_.close();
        if (!pending_.empty()) core_.report_unstored(pending_.size(), pending_.front().seq);
    }

    /// Seals `e` and stores it (or keeps it for retry). Never throws.
    void submit(pending_entry&& e) noexcept {
        std::lock_guard lock(mutex_);
        core_.count_enqueued();
        sealed_entry sealed;
        if (!core_.seal_record(e, [&]() -> sealed_entry& { return sealed; },
                               [&] { pending_.push_back(std::move(sealed)); }))
            return;
        try_write_pending();
        // Entries kept for a retry outlive `e`: storages see rec only while
        // the record is alive (sealed_entry::rec may be null).
        for (auto& p : pending_) p.rec = nullptr;
    }

    /// Stores everything pending and makes it durable. Returns false (after
    /// reporting through on_error) if the storage refused.
    bool flush() noexcept {
        std::lock_guard lock(mutex_);
        return try_write_pending() && core_.sync(true);
    }

    /// Counters so far.
    writer_metrics metrics() const {
        std::lock_guard lock(mutex_);
        auto m = core_.metrics();
        m.pending = pending_.size();
        return m;
    }

    /// The trail id (known for trails this writer opened).
    const std::string& trail_id() const noexcept { return core_.trail_id(); }

    /// The storage (for storages that expose more, e.g. scan).
    any_storage& storage() noexcept { return core_.storage(); }

private:
    // Appends everything pending in one batch. Keeps it on failure.
    bool try_write_pending() noexcept {
        if (pending_.empty()) return true;
        if (!core_.append(pending_, [] { return std::string("they are kept and retried before newer ones"); }))
            return false;
        pending_.clear();
        return true;
    }

    mutable std::mutex mutex_;
    detail::writer_core<Policy> core_;
    std::vector<sealed_entry> pending_;  // sealed, not yet accepted by the storage
};

}  // namespace v1
}  // namespace aitrail
