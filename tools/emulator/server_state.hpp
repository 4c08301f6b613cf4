#pragma once
/// @file server_state.hpp
/// What all connections of one emulator run share: counters, the last
/// request, the once-faults already spent, and the live connections that a
/// shutdown has to interrupt.

#include <nlohmann/json.hpp>

#include <sys/socket.h>  // shutdown, SHUT_RDWR

#include <atomic>              // atomic
#include <chrono>              // milliseconds, steady_clock
#include <condition_variable>  // condition_variable
#include <cstddef>             // size_t
#include <cstdint>             // uint64_t
#include <mutex>               // mutex, lock_guard, unique_lock
#include <set>                 // set
#include <string>              // string

namespace aitrail_emulator {

/// Shared, thread-safe state of a running emulator.
class server_state {
public:
    /// A fresh number for response ids, starting at 1.
    std::uint64_t next_id() noexcept { return ids_.fetch_add(1, std::memory_order_relaxed) + 1; }

    /// A fresh number for request-id headers, starting at 1; apart from
    /// next_id() so that response ids run 1, 2, 3 without gaps.
    std::uint64_t next_request_id() noexcept { return request_ids_.fetch_add(1, std::memory_order_relaxed) + 1; }

    /// Remembers an API request for /_emulator/last_request and counts it.
    void record(nlohmann::json request) {
        const std::lock_guard lock(mutex_);
        last_request_ = std::move(request);
        ++requests_;
    }

    /// The last API request (null before the first).
    nlohmann::json last_request() const {
        const std::lock_guard lock(mutex_);
        return last_request_;
    }

    /// How many API requests arrived.
    std::uint64_t requests() const {
        const std::lock_guard lock(mutex_);
        return requests_;
    }

    /// True the first time `spec` is asked about in this run.
    bool first_sighting(const std::string& spec) {
        const std::lock_guard lock(mutex_);
        return spent_once_.insert(spec).second;
    }

    /// Counts a connection whose thread is about to start; false once stopping.
    bool admit() {
        const std::lock_guard lock(mutex_);
        if (stopping_) return false;
        ++active_;
        return true;
    }

    /// Lists a connection's socket so stop() can interrupt its blocking reads.
    void attach(int fd) {
        const std::lock_guard lock(mutex_);
        fds_.insert(fd);
        if (stopping_) ::shutdown(fd, SHUT_RDWR);
    }

    /// Unlists a socket; must happen before it is closed, or stop() could
    /// shut down an unrelated descriptor that reused the number.
    void detach(int fd) {
        const std::lock_guard lock(mutex_);
        fds_.erase(fd);
    }

    /// The connection's thread is done with everything it touched.
    void finished() {
        const std::lock_guard lock(mutex_);
        --active_;
        idle_.notify_all();
    }

    /// Interrupts every connection: blocked reads and writes fail at once and
    /// pauses end early.
    void stop() {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
        for (const int fd : fds_) ::shutdown(fd, SHUT_RDWR);
        idle_.notify_all();
    }

    /// Whether stop() was called.
    bool stopping() const {
        const std::lock_guard lock(mutex_);
        return stopping_;
    }

    /// Waits `ms`, or less if the emulator stops; false if it stopped.
    bool pause(std::chrono::milliseconds ms) {
        std::unique_lock lock(mutex_);
        return !idle_.wait_for(lock, ms, [&] { return stopping_; });
    }

    /// Waits until every connection thread finished or `limit` passed.
    bool wait_idle(std::chrono::milliseconds limit) {
        std::unique_lock lock(mutex_);
        return idle_.wait_for(lock, limit, [&] { return active_ == 0; });
    }

private:
    mutable std::mutex mutex_;                  ///< guards everything below but the counters
    std::condition_variable idle_;              ///< signalled on stop and when a connection finishes
    std::atomic<std::uint64_t> ids_{0};         ///< last response id number handed out
    std::atomic<std::uint64_t> request_ids_{0}; ///< last request-id header number handed out
    nlohmann::json last_request_;               ///< for /_emulator/last_request
    std::uint64_t requests_ = 0;                ///< for /_emulator/stats
    std::set<std::string> spent_once_;          ///< once-specs already applied
    std::set<int> fds_;                         ///< sockets of live connections
    std::size_t active_ = 0;                    ///< connection threads not yet finished
    bool stopping_ = false;                     ///< set by stop()
};

}  // namespace aitrail_emulator
