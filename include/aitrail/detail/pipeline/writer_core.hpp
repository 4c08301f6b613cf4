#pragma once
/// @file writer_core.hpp
/// What the synchronous and the asynchronous writer share: the storage, the
/// options, the chain's sealer, the trail's first record, the prepare ->
/// seal -> alert sequence, appending and syncing with their counters, and
/// error reports. A writer adds only how records reach it: sync_writer under
/// a lock on the caller's thread, async_writer through a queue to its own
/// thread (as spdlog's async_logger changes only the sink hand-off of logger).
///
/// The core is not synchronised: one thread at a time calls it (the sync
/// writer's lock, or the async writer's thread). Its counters are atomic so
/// that metrics() may be read from any thread. The one exception is the
/// witnesses' thread (checkpoint_publishing.hpp), which reads tiles and
/// stores cosigned checkpoints: with witnesses, every use of the storage
/// takes storage_mutex_.

#include <aitrail/config.hpp>
#include <aitrail/detail/pipeline/checkpoint_publishing.hpp>
#include <aitrail/integrity/sealed_entry.hpp>
#include <aitrail/integrity/sealer.hpp>
#include <aitrail/pipeline/alerts.hpp>
#include <aitrail/pipeline/checkpoint_signer.hpp>
#include <aitrail/pipeline/prepare.hpp>
#include <aitrail/pipeline/sanitize.hpp>
#include <aitrail/pipeline/trail_records.hpp>
#include <aitrail/pipeline/writer_metrics.hpp>
#include <aitrail/pipeline/writer_options.hpp>
#include <aitrail/record/audit_record.hpp>
#include <aitrail/storage/any_storage.hpp>

#include <atomic>     // atomic
#include <chrono>     // steady_clock, seconds
#include <cstddef>    // size_t
#include <cstdint>    // uint64_t
#include <cstdio>     // fprintf
#include <exception>  // exception
#include <memory>     // unique_ptr, make_unique
#include <mutex>      // mutex, unique_lock
#include <span>       // span
#include <string>     // string, to_string
#include <utility>    // move

namespace aitrail {
inline namespace v1 {
namespace detail {

/// The part of a writer that does not depend on how records reach it.
template <class Policy>
class writer_core {
public:
    /// The policy's chain hasher.
    using hasher_type = typename Policy::hasher;
    /// The policy's checkpoint moments.
    using checkpoint_type = typename Policy::checkpoint;

    /// Writes to `storage`, continuing the chain it holds.
    writer_core(any_storage storage, writer_options options)
        : storage_(std::move(storage)), options_(std::move(options)), sealer_(storage_.head()) {
        if (!options_.witnesses || options_.witnesses->size() == 0) return;
        if (!checkpoint_type::enabled || !options_.checkpoint_key) {
            report("witnesses were given but this writer signs no checkpoints (the policy's checkpoint is none, or "
                   "writer_options::checkpoint_key is not set): nothing will be published");
            return;
        }
        const auto& retry = options_.witnesses->options();
        publishing_ = std::make_unique<checkpoint_publishing>(
            options_.witnesses,
            [this](std::uint64_t old_size, std::uint64_t size) {
                std::lock_guard lock(storage_mutex_);
                tile_hash_reader reader(size, [this](const tile_id& t) { return storage_.read_tile(t); });
                return merkle_consistency_proof(old_size, size, reader);
            },
            [this](const std::string& signed_note, const std::string& cosigned) {
                std::lock_guard lock(storage_mutex_);
                // A newer checkpoint stays the latest: the older one's
                // cosignatures are not worth a rollback in the history.
                if (storage_.latest() != signed_note) return false;
                storage_.store(cosigned);
                return true;
            },
            [this](const std::string& m) { report(m); }, retry.initial_backoff, retry.max_backoff);
    }
    writer_core(const writer_core&) = delete;
    writer_core& operator=(const writer_core&) = delete;

    /// The trail's first record from this writer: trail.open for a new trail
    /// (whose id is then remembered), trail.resume for an existing one
    /// (noting `torn_bytes` cut on open).
    pending_entry start_record(std::uint64_t torn_bytes) {
        // The id is known only for a trail this writer opens; a resumed
        // trail's id is in its own trail.open record.
        std::string id = options_.trail_id;
        const bool opening = sealer_.head().empty();
        auto first = make_start_record(sealer_.head(), hasher_type::name, id, torn_bytes,
                                       hasher_key_id(sealer_.chain_hasher()));
        if (opening) trail_id_ = std::move(id);
        return first;
    }

    /// Seals `e` into `out` as the next entry of the chain, repairing values
    /// that have no canonical form (counted as sanitized).
    void seal(pending_entry& e, sealed_entry& out) {
        if (seal_repairing(sealer_, e, out)) sanitized_.fetch_add(1, std::memory_order_relaxed);
    }

    /// The writer's sequence for one record: the policies run (a failing
    /// one strips the content, see prepare_or_strip), the record is sealed
    /// into `slot()`, `keep()` takes the sealed entry, and the alert rules
    /// see the record — in trail order, since one thread at a time gets
    /// here. A record that cannot be sealed is reported and counted as
    /// dropped; returns false then.
    template <class Slot, class Keep>
    bool seal_record(pending_entry& e, Slot&& slot, Keep&& keep) noexcept {
        try {
            if (auto why = prepare_or_strip<Policy>(e, {{options_.prices}}); !why.empty())
                report("a policy failed on a record; it is kept without its content: " + why);
            seal(e, slot());
            keep();
            run_alert_rules(alerts_, e.rec, options_.on_alert, [this](const std::string& m) { report(m); });
            return true;
        } catch (const std::exception& ex) {
            report(std::string("record could not be sealed: ") + ex.what());
            count_dropped(1);
            return false;
        }
    }

    /// Appends `batch` in one call and counts it. On failure counts the
    /// error, reports "storage refused N entries; <then()>: <why>" and
    /// returns false (the caller keeps the batch and decides when to retry).
    template <class Then>
    bool append(std::span<const sealed_entry> batch, Then&& then) noexcept {
        try {
            auto lock = lock_storage();
            storage_.append(batch);
        } catch (const std::exception& e) {
            storage_errors_.fetch_add(1, std::memory_order_relaxed);
            report_refusal(batch.size(), then, e);
            return false;
        }
        std::uint64_t bytes = 0;
        for (const auto& entry : batch) bytes += entry.line.size() + 1;
        written_.fetch_add(batch.size(), std::memory_order_relaxed);
        bytes_.fetch_add(bytes, std::memory_order_relaxed);
        batches_.fetch_add(1, std::memory_order_relaxed);
        if constexpr (checkpoint_type::enabled) {
            unsigned_entries_ += batch.size();
            if (checkpoint_type::entries != 0 && unsigned_entries_ >= checkpoint_type::entries) sign_checkpoint();
            else tick();
        }
        return true;
    }

    /// Signs a checkpoint if the policy's interval has passed and entries
    /// were stored since the last one (the writer calls it when idle too).
    void tick() noexcept {
        if constexpr (checkpoint_type::enabled && checkpoint_type::seconds != 0) {
            if (unsigned_entries_ > 0 &&
                std::chrono::steady_clock::now() - last_checkpoint_ >= std::chrono::seconds(checkpoint_type::seconds))
                sign_checkpoint();
        }
    }

    /// The writer is shutting down, its entries stored: the at_close moment.
    void close() noexcept {
        if constexpr (checkpoint_type::on_close) sign_checkpoint();
        if (publishing_) publishing_->finish(options_.shutdown_timeout);
    }

    /// Signs a checkpoint of the stored tree now: flushes (the tiles a proof
    /// reads must be stored), signs with writer_options::checkpoint_key and
    /// stores it. Failures are reported and counted, never thrown.
    bool sign_checkpoint() noexcept {
        if constexpr (!checkpoint_type::enabled) {
            return false;
        } else {
            last_checkpoint_ = std::chrono::steady_clock::now();
            // No key given at run time: checkpoints are off for this writer.
            if (!options_.checkpoint_key) return false;
            try {
                auto lock = lock_storage();
                storage_.flush();
                const merkle_tree& tree = storage_.tree();
                const std::uint64_t size = tree.size();
                tile_source tiles = [this](const tile_id& t) { return storage_.read_tile(t); };
                issued_checkpoint issued =
                    sign_next_checkpoint(size, tiles, storage_, *options_.checkpoint_key, tree.root());
                lock = {};
                checkpoints_.fetch_add(1, std::memory_order_relaxed);
                unsigned_entries_ = 0;
                if (publishing_ && issued.fresh) publishing_->submit(std::move(issued.note), std::move(issued.cp));
                return true;
            } catch (const std::exception& e) {
                checkpoint_errors_.fetch_add(1, std::memory_order_relaxed);
                report(std::string("checkpoint not signed: ") + e.what());
                return false;
            }
        }
    }

    /// Flushes the storage to stable storage and counts it; reports and
    /// returns false if it failed.
    bool sync(bool requested = false) noexcept {
        try {
            {
                auto lock = lock_storage();
                storage_.flush();
            }
            flushes_.fetch_add(1, std::memory_order_relaxed);
            // A flush() the program asked for is the at_flush moment (not the
            // durability policy's own syncs).
            if constexpr (checkpoint_type::on_flush)
                if (requested) sign_checkpoint();
            return true;
        } catch (const std::exception& e) {
            storage_errors_.fetch_add(1, std::memory_order_relaxed);
            report(std::string("flush failed: ") + e.what());
            return false;
        }
    }

    /// Reports entries a shutdown could not store (they are not silently lost).
    void report_unstored(std::size_t count, std::uint64_t first_seq) noexcept {
        try {
            report(std::to_string(count) + " sealed entries could not be stored before shutdown (seq " +
                   std::to_string(first_seq) + " onward); the storage kept refusing them");
        } catch (...) {
            // Out of memory for the message: nothing better to do.
        }
    }

    /// Hands `message` to on_error (default: stderr). Never throws.
    void report(const std::string& message) noexcept {
        try {
            if (options_.on_error) options_.on_error(message);
            else std::fprintf(stderr, "aitrail: %s\n", message.c_str());
        } catch (...) {
            // An error handler that throws must not take the writer down.
        }
    }

    /// Counts a record handed to the writer.
    void count_enqueued() noexcept { enqueued_.fetch_add(1, std::memory_order_relaxed); }
    /// Counts `n` records given up.
    void count_dropped(std::uint64_t n) noexcept { dropped_.fetch_add(n, std::memory_order_relaxed); }

    /// The counters the core keeps (each read atomically); the writer adds
    /// what it knows of its hand-off (pending, queue depth).
    writer_metrics metrics() const noexcept {
        writer_metrics m;
        m.enqueued = enqueued_.load(std::memory_order_relaxed);
        m.dropped = dropped_.load(std::memory_order_relaxed);
        m.written = written_.load(std::memory_order_relaxed);
        m.batches = batches_.load(std::memory_order_relaxed);
        m.bytes = bytes_.load(std::memory_order_relaxed);
        m.flushes = flushes_.load(std::memory_order_relaxed);
        m.storage_errors = storage_errors_.load(std::memory_order_relaxed);
        m.sanitized = sanitized_.load(std::memory_order_relaxed);
        m.checkpoints = checkpoints_.load(std::memory_order_relaxed);
        m.checkpoint_errors = checkpoint_errors_.load(std::memory_order_relaxed);
        if (publishing_) {
            const auto& c = publishing_->counters();
            m.witnessed = c.published.load(std::memory_order_relaxed);
            m.witness_failures = c.failures.load(std::memory_order_relaxed);
            m.cosignatures = c.cosignatures.load(std::memory_order_relaxed);
        }
        return m;
    }

    /// The trail id (known for trails this writer opened).
    const std::string& trail_id() const noexcept { return trail_id_; }
    /// The storage.
    any_storage& storage() noexcept { return storage_; }
    /// The runtime settings.
    const writer_options& options() const noexcept { return options_; }

private:
    // The storage, for this thread alone while the witnesses' thread runs.
    std::unique_lock<std::mutex> lock_storage() {
        return publishing_ ? std::unique_lock<std::mutex>(storage_mutex_) : std::unique_lock<std::mutex>();
    }

    template <class Then>
    void report_refusal(std::size_t count, Then& then, const std::exception& e) noexcept {
        try {
            report(std::string("storage refused ") + std::to_string(count) + " entries; " + then() + ": " + e.what());
        } catch (...) {
            // Out of memory for the message: the error is still counted.
        }
    }

    any_storage storage_;
    writer_options options_;
    sealer<hasher_type> sealer_;
    std::string trail_id_;
    alert_evaluator alerts_{options_.alerts};  // after options_: built from it

    std::atomic<std::uint64_t> enqueued_{0}, written_{0}, batches_{0}, bytes_{0}, flushes_{0}, storage_errors_{0},
        sanitized_{0}, dropped_{0}, checkpoints_{0}, checkpoint_errors_{0};
    std::uint64_t unsigned_entries_ = 0;  // stored since the last checkpoint
    std::chrono::steady_clock::time_point last_checkpoint_ = std::chrono::steady_clock::now();
    std::mutex storage_mutex_;
    // Last: its thread stops before the storage it reads goes away.
    std::unique_ptr<checkpoint_publishing> publishing_;
};

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
