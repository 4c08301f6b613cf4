#pragma once
/// @file sync_writer.hpp
/// The writer behind an auditor: seals each record into the chain and hands
/// it to storage, on the calling thread, under one lock (so seal order is
/// trail order). It never throws into the caller: a value with no canonical
/// form is repaired and noted, a storage failure is reported through
/// on_error and the sealed entries are kept and retried, in order, before
/// anything newer is written.

#include <aitrail/config.hpp>
#include <aitrail/detail/time_format.hpp>
#include <aitrail/detail/uuid.hpp>
#include <aitrail/integrity/hasher.hpp>
#include <aitrail/integrity/sealer.hpp>
#include <aitrail/pipeline/alerts.hpp>
#include <aitrail/pipeline/prepare.hpp>
#include <aitrail/pipeline/sanitize.hpp>
#include <aitrail/pipeline/trail_records.hpp>
#include <aitrail/pipeline/writer_metrics.hpp>
#include <aitrail/record/audit_record.hpp>
#include <aitrail/storage/any_storage.hpp>

#include <chrono>      // milliseconds
#include <cstdio>      // fprintf
#include <functional>  // function
#include <mutex>       // mutex, lock_guard
#include <string>      // string
#include <vector>      // vector

namespace aitrail {
inline namespace v1 {

/// Runtime settings of an auditor's writer.
struct writer_options {
    /// Id of a new trail (written in trail.open); empty picks a UUIDv7.
    std::string trail_id;
    /// Receives every error the writer absorbs; default prints to stderr.
    std::function<void(const std::string&)> on_error;
    /// Longest pause between retries of a failing storage (the asynchronous
    /// writer backs off from 1 ms up to this).
    std::chrono::milliseconds max_retry_backoff{1000};
    /// At shutdown, how long to keep retrying a failing storage before
    /// reporting the entries it would not take.
    std::chrono::milliseconds shutdown_timeout{5000};
    /// Price table for `pricing::runtime` policies (not owned; must outlive
    /// the auditor).
    const pricing::price_table* prices = nullptr;
    /// Alert rules run on each record the writer seals (pipeline/alerts.hpp).
    alert_rules alerts;
    /// Receives each alert: when a rule fires and when it clears. Called by
    /// the writer one at a time; it must not record into this auditor.
    std::function<void(const alert&)> on_alert;
};

/// Seals and stores records synchronously, on the caller's thread.
template <class Policy>
class sync_writer {
    using H = typename Policy::hasher;

public:
    /// Starts writing to `storage`: a new trail gets its trail.open record, an
    /// existing one a trail.resume record (noting `torn_bytes` cut on open).
    sync_writer(any_storage storage, writer_options options, std::uint64_t torn_bytes = 0)
        : storage_(std::move(storage)), options_(std::move(options)), sealer_(storage_.head()) {
        // The id is known only for a trail this writer opens; a resumed
        // trail's id is in its own trail.open record.
        std::string id = options_.trail_id;
        const bool opening = sealer_.head().empty();
        auto first = detail::make_start_record(sealer_.head(), H::name, id, torn_bytes,
                                               detail::hasher_key_id(sealer_.chain_hasher()));
        if (opening) trail_id_ = std::move(id);
        submit(std::move(first));
    }
    sync_writer(const sync_writer&) = delete;
    sync_writer& operator=(const sync_writer&) = delete;

    /// Writes what is still pending and flushes; reports anything it could
    /// not write (it is not silently lost: on_error names the count).
    ~sync_writer() {
        std::lock_guard lock(mutex_);
        try_write_pending();
        try {
            storage_.flush();
        } catch (const std::exception& e) {
            report(std::string("flush at shutdown failed: ") + e.what());
        }
        if (!pending_.empty())
            report(std::to_string(pending_.size()) + " sealed entries could not be stored before shutdown (seq " +
                   std::to_string(pending_.front().seq) + " onward); the storage kept refusing them");
    }

    /// Seals `e` and stores it (or keeps it for retry). Never throws.
    void submit(pending_entry&& e) noexcept {
        std::lock_guard lock(mutex_);
        ++metrics_.enqueued;
        try {
            seal_into_pending(e);
        } catch (const std::exception& ex) {
            report(std::string("record could not be sealed: ") + ex.what());
            ++metrics_.dropped;
            return;
        }
        try_write_pending();
        // Entries kept for a retry outlive `e`: storages see rec only while
        // the record is alive (sealed_entry::rec may be null).
        for (auto& p : pending_) p.rec = nullptr;
    }

    /// Stores everything pending and makes it durable. Returns false (after
    /// reporting through on_error) if the storage refused.
    bool flush() noexcept {
        std::lock_guard lock(mutex_);
        if (!try_write_pending()) return false;
        try {
            storage_.flush();
            ++metrics_.flushes;
            return true;
        } catch (const std::exception& e) {
            ++metrics_.storage_errors;
            report(std::string("flush failed: ") + e.what());
            return false;
        }
    }

    /// Counters so far.
    writer_metrics metrics() const {
        std::lock_guard lock(mutex_);
        auto m = metrics_;
        m.pending = pending_.size();
        return m;
    }

    /// The trail id (known for trails this writer opened).
    const std::string& trail_id() const noexcept { return trail_id_; }

    /// The storage (for storages that expose more, e.g. scan).
    any_storage& storage() noexcept { return storage_; }

private:
    void seal_into_pending(pending_entry& e) {
        if (auto why = prepare_or_strip<Policy>(e, {{options_.prices}}); !why.empty())
            report("a policy failed on a record; it is kept without its content: " + why);
        sealed_entry sealed;
        if (detail::seal_repairing(sealer_, e, sealed)) ++metrics_.sanitized;
        pending_.push_back(std::move(sealed));
        // Under the lock, so alerts come one at a time and in trail order.
        detail::run_alert_rules(alerts_, e.rec, options_.on_alert, [this](const std::string& m) { report(m); });
    }

    // Appends everything pending in one batch. Keeps it on failure.
    bool try_write_pending() noexcept {
        if (pending_.empty()) return true;
        try {
            storage_.append(pending_);
        } catch (const std::exception& e) {
            ++metrics_.storage_errors;
            report(std::string("storage refused ") + std::to_string(pending_.size()) +
                   " entries; they are kept and retried before newer ones: " + e.what());
            return false;
        }
        ++metrics_.batches;
        metrics_.written += pending_.size();
        for (const auto& p : pending_) metrics_.bytes += p.line.size() + 1;
        pending_.clear();
        return true;
    }

    void report(const std::string& message) noexcept {
        try {
            if (options_.on_error) options_.on_error(message);
            else std::fprintf(stderr, "aitrail: %s\n", message.c_str());
        } catch (...) {
            // An error handler that throws must not take the caller down.
        }
    }

    mutable std::mutex mutex_;
    any_storage storage_;
    writer_options options_;
    sealer<H> sealer_;
    std::vector<sealed_entry> pending_;
    writer_metrics metrics_;
    std::string trail_id_;
    alert_evaluator alerts_{options_.alerts};  // after options_: built from it
};

}  // namespace v1
}  // namespace aitrail
