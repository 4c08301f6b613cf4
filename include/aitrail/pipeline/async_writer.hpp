#pragma once
/// @file async_writer.hpp
/// The asynchronous pipeline. A caller's thread only moves its finished
/// record onto the heap and pushes the pointer into a bounded lock-free
/// queue; one writer thread pops batches, seals them into the chain (so seal
/// order is trail order), appends each batch to storage in one call and
/// syncs it as the durability policy says. A full queue is handled by the
/// backpressure policy; a failing storage is retried with backoff while
/// records wait (block) or are counted and declared in a trail.gap record
/// (drop_newest). Nothing enqueued is lost at shutdown. Sealing, storing and
/// reporting are the writer core's (detail/pipeline/writer_core.hpp), shared
/// with sync_writer: this writer adds only the hand-off to its thread.

#include <aitrail/config.hpp>
#include <aitrail/detail/lockfree.hpp>
#include <aitrail/detail/pipeline/writer_core.hpp>
#include <aitrail/detail/time_format.hpp>
#include <aitrail/integrity/sealed_entry.hpp>
#include <aitrail/pipeline/trail_records.hpp>
#include <aitrail/pipeline/writer_metrics.hpp>
#include <aitrail/pipeline/writer_options.hpp>
#include <aitrail/policy/backpressure.hpp>
#include <aitrail/policy/durability.hpp>
#include <aitrail/policy/policy.hpp>
#include <aitrail/storage/any_storage.hpp>

#include <algorithm>           // min
#include <atomic>              // atomic
#include <chrono>              // steady_clock
#include <condition_variable>  // condition_variable
#include <string>              // string, to_string
#include <memory>              // unique_ptr
#include <mutex>               // mutex
#include <span>                // span
#include <thread>              // thread
#include <type_traits>         // is_same_v
#include <vector>              // vector

namespace aitrail {
inline namespace v1 {

namespace detail {

/// A flush() waiting for the writer.
struct flush_request {
    std::mutex mutex;
    std::condition_variable done_cv;
    bool done = false;
    bool ok = false;
};

/// What travels through the queue: a record, or a flush marker. Trivially
/// copyable, as Boost.Lockfree requires.
struct queue_item {
    pending_entry* entry = nullptr;
    flush_request* flush = nullptr;
};

template <class B>
inline constexpr bool is_blocking_backpressure = std::is_same_v<B, backpressure_policies::block>;

}  // namespace detail

/// Seals and stores records on a background thread.
template <class Policy>
class async_writer {
    using backpressure_type = typename Policy::backpressure;
    using durability_type = typename Policy::durability;
    static constexpr std::size_t capacity = Policy::queue_capacity;
    static constexpr std::size_t max_batch = durability_type::one_record_per_batch ? 1 : Policy::max_batch;
    // The policy's range (checked with its own message, policy/policy.hpp)
    // must be one the queue can hold.
    static_assert(max_queue_capacity <= detail::lockfree_max_capacity);
    static_assert(capacity >= 2 && capacity <= max_queue_capacity,
                  "aitrail: Policy::queue_capacity must be an integer between 2 and 65534 (Boost.Lockfree's "
                  "fixed-size limit)");
    static_assert(Policy::max_batch >= 1, "aitrail: Policy::max_batch must be an integer of at least 1");

public:
    /// Starts the writer thread on `storage`; the trail's first record
    /// (trail.open or trail.resume) is written before this returns.
    async_writer(any_storage storage, writer_options options, std::uint64_t torn_bytes = 0)
        : core_(std::move(storage), std::move(options)) {
        auto first = core_.start_record(torn_bytes);
        seal_next(first);
        store_batch();
        thread_ = std::thread([this] { run(); });
    }
    async_writer(const async_writer&) = delete;
    async_writer& operator=(const async_writer&) = delete;

    /// Drains the queue, stores and syncs everything, then stops the thread.
    ~async_writer() {
        // One deadline for the whole shutdown, however many batches are left;
        // published by the release store (read only once stopping_ is seen).
        shutdown_deadline_ = std::chrono::steady_clock::now() + core_.options().shutdown_timeout;
        stopping_.store(true, std::memory_order_release);
        {
            // A writer about to wait (for work, or between retries) checks
            // stopping_ under this mutex: it either sees it or is notified.
            std::lock_guard lock(wake_mutex_);
        }
        wake_cv_.notify_all();
        thread_.join();
    }

    /// Hands a finished record to the writer. Never throws. With `block` it
    /// waits while the queue is full; otherwise it may drop (counted).
    void submit(pending_entry&& e) noexcept {
        pending_entry* p = nullptr;
        try {
            p = new pending_entry(std::move(e));
        } catch (...) {
            count_drop();
            core_.report("out of memory: a record was dropped");
            return;
        }
        if (!push({p, nullptr})) {
            delete p;
            count_drop();
            return;
        }
        core_.count_enqueued();
        wake_writer();
    }

    /// Returns once every record submitted before the call is stored and
    /// synced to stable storage; false (after reporting) if the storage failed.
    bool flush() noexcept {
        detail::flush_request request;
        // A flush marker is never dropped: it waits for space whatever the
        // backpressure policy, because the caller asked to wait.
        for (;;) {
            const auto seen = space_generation_.load(std::memory_order_acquire);
            if (queue_.push(detail::queue_item{nullptr, &request})) break;
            wait_for_space(std::chrono::milliseconds(10), seen);
        }
        wake_writer();
        std::unique_lock lock(request.mutex);
        request.done_cv.wait(lock, [&] { return request.done; });
        return request.ok;
    }

    /// Counters so far (each read atomically; together a close snapshot).
    writer_metrics metrics() const {
        writer_metrics m = core_.metrics();
        m.queue_depth = static_cast<std::uint64_t>(std::max<std::int64_t>(0, depth_.load(std::memory_order_relaxed)));
        // Counted around the queue operations, so a racing push and pop can
        // overshoot by a record or two: never report more than the queue holds.
        m.queue_high_water = std::min<std::uint64_t>(high_water_.load(std::memory_order_relaxed), capacity);
        m.queue_depth = std::min<std::uint64_t>(m.queue_depth, capacity);
        m.pending = m.queue_depth;
        return m;
    }

    /// The trail id (known for trails this writer opened).
    const std::string& trail_id() const noexcept { return core_.trail_id(); }

    /// The storage. Touch it only when the writer is idle (after flush()),
    /// and, with witnesses, not while a checkpoint is being published.
    any_storage& storage() noexcept { return core_.storage(); }

private:
    // ---- caller side -------------------------------------------------------

    bool push(detail::queue_item item) noexcept {
        if (queue_.push(item)) return note_depth();
        if constexpr (std::is_same_v<backpressure_type, backpressure_policies::drop_newest>) {
            return false;
        } else if constexpr (detail::is_blocking_backpressure<backpressure_type>) {
            for (;;) {
                const auto seen = space_generation_.load(std::memory_order_acquire);
                if (queue_.push(item)) return note_depth();
                wait_for_space(std::chrono::milliseconds(10), seen);
            }
        } else {  // block_for<T>
            const auto deadline = std::chrono::steady_clock::now() + backpressure_type::timeout;
            while (std::chrono::steady_clock::now() < deadline) {
                const auto seen = space_generation_.load(std::memory_order_acquire);
                if (queue_.push(item)) return note_depth();
                wait_for_space(std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now()),
                               seen);
            }
            return queue_.push(item) && note_depth();
        }
    }

    bool note_depth() noexcept {
        const auto d = static_cast<std::uint64_t>(std::max<std::int64_t>(0, depth_.fetch_add(1, std::memory_order_relaxed) + 1));
        auto hw = high_water_.load(std::memory_order_relaxed);
        while (d > hw && !high_water_.compare_exchange_weak(hw, d, std::memory_order_relaxed)) {}
        return true;
    }

    // Waits until the writer frees space after generation `seen` (or `d`
    // passes). The generation closes the window between a failed push and
    // the wait: space freed in between is seen here, not slept through.
    template <class Duration>
    void wait_for_space(Duration d, std::uint64_t seen) noexcept {
        std::unique_lock lock(space_mutex_);
        waiting_for_space_.fetch_add(1, std::memory_order_seq_cst);
        if (space_generation_.load(std::memory_order_seq_cst) == seen)
            space_cv_.wait_for(lock, d, [&] { return space_generation_.load(std::memory_order_acquire) != seen; });
        waiting_for_space_.fetch_sub(1, std::memory_order_relaxed);
    }

    void count_drop() noexcept {
        const auto now = detail::now_utc().time_since_epoch().count();
        std::int64_t expected = 0;
        first_drop_us_.compare_exchange_strong(expected, now, std::memory_order_relaxed);
        last_drop_us_.store(now, std::memory_order_relaxed);
        dropped_.fetch_add(1, std::memory_order_release);
        core_.count_dropped(1);
    }

    void wake_writer() noexcept {
        // Only a sleeping writer needs the (system-call) notification.
        if (writer_sleeping_.load(std::memory_order_seq_cst)) {
            std::lock_guard lock(wake_mutex_);
            wake_cv_.notify_one();
        }
    }

    // ---- writer thread -----------------------------------------------------

    void run() noexcept {
        std::vector<detail::flush_request*> flushes;
        for (;;) {
            std::size_t taken = 0;
            detail::queue_item item;
            while (taken < max_batch && queue_.pop(item)) {
                ++taken;
                if (item.entry != nullptr) {
                    depth_.fetch_sub(1, std::memory_order_relaxed);
                    std::unique_ptr<pending_entry> owned(item.entry);
                    seal_into_batch(*owned);
                } else {
                    flushes.push_back(item.flush);
                    break;  // everything before the marker is in this batch
                }
            }
            if (taken > 0) {
                space_generation_.fetch_add(1, std::memory_order_seq_cst);
                if (waiting_for_space_.load(std::memory_order_seq_cst) > 0) {
                    std::lock_guard lock(space_mutex_);
                    space_cv_.notify_all();
                }
            }
            note_gap();
            const bool stored = store_batch();
            if (!flushes.empty()) {
                const bool ok = stored && core_.sync(true);
                for (auto* f : flushes) {
                    std::lock_guard lock(f->mutex);
                    f->ok = ok;
                    f->done = true;
                    f->done_cv.notify_all();
                }
                flushes.clear();
            } else if (stored && taken > 0 && durability_type::sync_each_batch) {
                core_.sync();
            }
            if (taken == 0 && batch_size_ == 0) {
                if (stopping_.load(std::memory_order_acquire)) {
                    if (queue_.empty()) break;
                    continue;
                }
                core_.tick();
                sleep_until_work();
            }
        }
        core_.sync();
        core_.close();
    }

    void sleep_until_work() {
        std::unique_lock lock(wake_mutex_);
        writer_sleeping_.store(true, std::memory_order_seq_cst);
        // Re-check after announcing sleep: a push racing with us either sees
        // the flag (and notifies) or is visible here.
        if (queue_.empty() && !stopping_.load(std::memory_order_acquire))
            wake_cv_.wait_for(lock, std::chrono::milliseconds(50));
        writer_sleeping_.store(false, std::memory_order_relaxed);
    }

    // Seals `e` into the next slot of the batch. Slots keep their buffers
    // between batches: multi-megabyte batches allocated afresh each time are
    // returned to the kernel and faulted back in, which cost the writer more
    // than hashing did.
    void seal_next(pending_entry& e) {
        core_.seal(e, next_slot());
        keep_slot();
    }

    sealed_entry& next_slot() {
        if (batch_size_ == batch_.size()) batch_.emplace_back();
        return batch_[batch_size_];
    }

    void keep_slot() noexcept {
        batch_[batch_size_].rec = nullptr;  // the record does not outlive the sealing call
        ++batch_size_;
    }

    std::span<const sealed_entry> batch() const noexcept { return {batch_.data(), batch_size_}; }

    void seal_into_batch(pending_entry& e) noexcept {
        core_.seal_record(e, [this]() -> sealed_entry& { return next_slot(); }, [this] { keep_slot(); });
    }

    // Declares drops in the chain, right where the writer noticed them.
    void note_gap() noexcept {
        if (dropped_.load(std::memory_order_acquire) == 0) return;
        const auto n = dropped_.exchange(0, std::memory_order_acq_rel);
        const auto last_us = last_drop_us_.load(std::memory_order_relaxed);
        auto first_us = first_drop_us_.exchange(0, std::memory_order_relaxed);
        // A drop racing with this reset may have counted without setting the
        // first time yet: its time is then the best first time we know.
        if (first_us == 0 || first_us > last_us) first_us = last_us;
        const timestamp first{std::chrono::microseconds(first_us)};
        const timestamp last{std::chrono::microseconds(last_us)};
        auto gap = detail::make_gap_record(n, first, std::max(first, last), backpressure_type::name);
        seal_into_batch(gap);
    }

    // Appends the batch, retrying with backoff while the storage refuses.
    // Returns false only when shutting down and the storage did not recover
    // before the shutdown deadline.
    bool store_batch() noexcept {
        if (batch_size_ == 0) return true;
        auto backoff = std::chrono::milliseconds(1);
        for (;;) {
            if (core_.append(batch(), [&] { return "retrying in " + std::to_string(backoff.count()) + " ms"; })) {
                batch_size_ = 0;
                return true;
            }
            if (stopping_.load(std::memory_order_acquire) && std::chrono::steady_clock::now() >= shutdown_deadline_) {
                core_.report_unstored(batch_size_, batch_[0].seq);
                core_.count_dropped(batch_size_);
                batch_size_ = 0;
                return false;
            }
            wait_before_retry(backoff);
            backoff = std::min(backoff * 2, core_.options().max_retry_backoff);
        }
    }

    // Sleeps `backoff` between two attempts. A shutdown cuts the sleep short:
    // from then on no wait runs past the shutdown deadline.
    void wait_before_retry(std::chrono::milliseconds backoff) {
        const auto until = std::chrono::steady_clock::now() + backoff;
        {
            std::unique_lock lock(wake_mutex_);
            if (!wake_cv_.wait_until(lock, until, [this] { return stopping_.load(std::memory_order_acquire); }))
                return;  // the whole backoff passed, no shutdown
        }
        std::this_thread::sleep_until(std::min(until, shutdown_deadline_));
    }

    detail::writer_core<Policy> core_;  // writer thread only after the constructor (metrics: any thread)
    std::vector<sealed_entry> batch_;  // writer thread only; slots reused, see seal_next
    std::size_t batch_size_ = 0;       // slots of batch_ in use

    detail::bounded_mpmc_queue<detail::queue_item, capacity> queue_;
    std::atomic<bool> stopping_{false};
    std::chrono::steady_clock::time_point shutdown_deadline_{};  // written before stopping_ is set
    std::atomic<bool> writer_sleeping_{false};
    std::mutex wake_mutex_;
    std::condition_variable wake_cv_;
    std::mutex space_mutex_;
    std::condition_variable space_cv_;
    std::atomic<int> waiting_for_space_{0};
    std::atomic<std::uint64_t> space_generation_{0};  // bumped each time the writer frees space

    std::atomic<std::uint64_t> dropped_{0}, high_water_{0};  // dropped_: drops not yet declared in a trail.gap
    // Signed: the writer may pop an item before its producer counted it.
    std::atomic<std::int64_t> depth_{0};
    std::atomic<std::int64_t> first_drop_us_{0}, last_drop_us_{0};

    std::thread thread_;  // last: starts after everything above exists
};

}  // namespace v1
}  // namespace aitrail
