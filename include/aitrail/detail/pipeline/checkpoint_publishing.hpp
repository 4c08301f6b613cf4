#pragma once
/// @file checkpoint_publishing.hpp
/// The writer's witnesses, on a thread of their own: a witness that is slow,
/// unreachable or refusing must never hold up records, so the writer only
/// hands over each checkpoint it signs (the newest replaces one not yet
/// sent: it covers everything the older one did) and goes on. The thread
/// publishes it, retries while a witness fails (doubling the wait from the
/// publisher's initial backoff up to its maximum), counts and reports each
/// failure, and stores the checkpoint again with the cosignatures received
/// once it is still the trail's latest.
///
/// The thread reads tiles (for consistency proofs) and stores notes through
/// the two functions it is given, which take the writer's storage lock: the
/// storage itself is never touched from two threads at once.

#include <aitrail/config.hpp>
#include <aitrail/integrity/checkpoint.hpp>
#include <aitrail/integrity/merkle.hpp>
#include <aitrail/pipeline/witness.hpp>
#include <aitrail/pipeline/witness_publisher.hpp>

#include <algorithm>           // min
#include <atomic>              // atomic
#include <chrono>              // steady_clock, milliseconds
#include <condition_variable>  // condition_variable
#include <cstdint>             // uint64_t
#include <exception>           // exception
#include <functional>          // function
#include <memory>              // shared_ptr
#include <mutex>               // mutex, unique_lock
#include <optional>            // optional
#include <string>              // string
#include <thread>              // thread
#include <utility>             // move
#include <vector>              // vector

namespace aitrail {
inline namespace v1 {
namespace detail {

/// Counters the publishing thread keeps for writer_metrics.
struct publishing_counters {
    std::atomic<std::uint64_t> published{0};     ///< checkpoints every witness accepted
    std::atomic<std::uint64_t> failures{0};      ///< witness calls that failed
    std::atomic<std::uint64_t> cosignatures{0};  ///< cosignature lines received
};

/// Publishes a writer's checkpoints to its witnesses; see the file comment.
class checkpoint_publishing {
public:
    /// The consistency proof from `old_size` to `size`, read from the trail.
    using proof_function = std::function<std::vector<digest>(std::uint64_t old_size, std::uint64_t size)>;
    /// Stores `cosigned` if `signed_note` is still the trail's latest
    /// checkpoint; returns whether it did.
    using store_function = std::function<bool(const std::string& signed_note, const std::string& cosigned)>;
    /// Reports one failure (the writer's on_error).
    using report_function = std::function<void(const std::string&)>;

    /// Starts the thread. `backoff` and `max_backoff` pace the retries of a
    /// checkpoint some witness did not take.
    checkpoint_publishing(std::shared_ptr<witness_publisher> publisher, proof_function proof, store_function store,
                          report_function report, std::chrono::milliseconds backoff,
                          std::chrono::milliseconds max_backoff)
        : publisher_(std::move(publisher)),
          proof_(std::move(proof)),
          store_(std::move(store)),
          report_(std::move(report)),
          backoff_(std::max(backoff, std::chrono::milliseconds(1))),
          max_backoff_(std::max(max_backoff, backoff_)),
          thread_([this] { run(); }) {}
    checkpoint_publishing(const checkpoint_publishing&) = delete;
    checkpoint_publishing& operator=(const checkpoint_publishing&) = delete;
    ~checkpoint_publishing() { finish(std::chrono::milliseconds(0)); }

    /// Hands over a checkpoint just signed; returns at once.
    void submit(std::string note, checkpoint cp) {
        {
            std::lock_guard lock(mutex_);
            pending_ = job{std::move(note), std::move(cp)};
            attempt_at_ = std::chrono::steady_clock::now();
            wait_ = backoff_;
        }
        cv_.notify_all();
    }

    /// Gives the checkpoint not yet accepted by every witness until
    /// `deadline` from now to get through, then stops the thread. A call in
    /// flight runs to its end (each witness bounds its own calls).
    void finish(std::chrono::milliseconds deadline) {
        {
            std::unique_lock lock(mutex_);
            if (!thread_.joinable()) return;
            finish_by_ = std::chrono::steady_clock::now() + deadline;
            finishing_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }

    /// The counters (read from any thread).
    const publishing_counters& counters() const noexcept { return counters_; }

private:
    struct job {
        std::string note;
        checkpoint cp;
    };

    void run() {
        std::unique_lock lock(mutex_);
        for (;;) {
            const auto now = std::chrono::steady_clock::now();
            if (finishing_ && (!pending_ || now >= finish_by_)) return;
            if (!pending_ || now < attempt_at_) {
                auto until = pending_ ? attempt_at_ : now + std::chrono::hours(1);
                if (finishing_) until = std::min(until, finish_by_);
                cv_.wait_until(lock, until);
                continue;
            }
            job current = *pending_;
            lock.unlock();
            const bool all_accepted = publish(current);
            lock.lock();
            // A newer checkpoint handed over meanwhile replaces this one.
            if (pending_ && pending_->note != current.note) continue;
            if (all_accepted) {
                pending_.reset();
            } else {
                attempt_at_ = std::chrono::steady_clock::now() + wait_;
                wait_ = std::min(wait_ * 2, max_backoff_);
            }
        }
    }

    // Publishes `j` to every witness not backing off; true when none failed.
    bool publish(const job& j) noexcept {
        try {
            witness_request request;
            request.note = j.note;
            request.cp = j.cp;
            const std::uint64_t size = j.cp.size;
            request.consistency_proof = [this, size](std::uint64_t old_size) { return proof_(old_size, size); };
            const auto before = publisher_->metrics();
            published_checkpoint out = publisher_->publish(request);
            const auto after = publisher_->metrics();
            counters_.failures.fetch_add(after.failures - before.failures, std::memory_order_relaxed);
            counters_.cosignatures.fetch_add(out.cosignatures.size(), std::memory_order_relaxed);
            for (const std::string& e : out.errors) report_(e);
            if (!out.cosignatures.empty() && out.note != j.note) store_(j.note, out.note);
            const bool deferred = after.deferred != before.deferred;
            if (out.errors.empty() && !deferred) counters_.published.fetch_add(1, std::memory_order_relaxed);
            return out.errors.empty() && !deferred;
        } catch (const std::exception& e) {
            counters_.failures.fetch_add(1, std::memory_order_relaxed);
            try {
                report_(std::string("checkpoint not published: ") + e.what());
            } catch (...) {  // the report itself failed: the count stands
            }
            return false;
        }
    }

    std::shared_ptr<witness_publisher> publisher_;
    proof_function proof_;
    store_function store_;
    report_function report_;
    std::chrono::milliseconds backoff_;
    std::chrono::milliseconds max_backoff_;
    publishing_counters counters_;

    std::mutex mutex_;
    std::condition_variable cv_;
    std::optional<job> pending_;
    std::chrono::steady_clock::time_point attempt_at_{};
    std::chrono::milliseconds wait_{0};
    bool finishing_ = false;
    std::chrono::steady_clock::time_point finish_by_{};
    std::thread thread_;  // last: started once everything it reads is built
};

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
