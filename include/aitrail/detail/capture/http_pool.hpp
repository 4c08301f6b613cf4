#pragma once
/// @file http_pool.hpp
/// The keep-alive pool of http_transport: idle connections to its one peer,
/// shared by every thread that sends through the transport.

#include <aitrail/config.hpp>
#include <aitrail/detail/capture/http_connection.hpp>

#include <cstddef>  // size_t
#include <memory>   // unique_ptr
#include <mutex>    // mutex, lock_guard
#include <utility>  // move
#include <vector>   // vector

namespace aitrail {
inline namespace v1 {
namespace detail {

/// Idle connections, newest last. Only taking and returning happen under the
/// lock; checks and closing happen outside it, so one slow socket never holds
/// up the other threads.
class http_pool {
public:
    /// Keeps at most `capacity` idle connections.
    explicit http_pool(std::size_t capacity) : capacity_(capacity) {}

    /// The most recently used idle connection that still looks alive, or
    /// nullptr. Connections the peer closed meanwhile are dropped.
    std::unique_ptr<http_connection> take() {
        for (;;) {
            std::unique_ptr<http_connection> c;
            {
                std::lock_guard lock(mutex_);
                if (idle_.empty()) return nullptr;
                c = std::move(idle_.back());
                idle_.pop_back();
            }
            // The newest is the least likely to have timed out at the server.
            if (c->looks_alive()) return c;
        }
    }

    /// Keeps `c` for reuse, or closes it when the pool is full.
    void give(std::unique_ptr<http_connection> c) {
        {
            std::lock_guard lock(mutex_);
            if (idle_.size() < capacity_) {
                idle_.push_back(std::move(c));
                return;
            }
        }
        c.reset();  // outside the lock: closing is a system call
    }

    /// How many idle connections are kept now.
    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return idle_.size();
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::unique_ptr<http_connection>> idle_;
    std::size_t capacity_;
};

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
