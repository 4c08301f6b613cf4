#pragma once
/// @file error_log.hpp
/// Collects what a writer reports through on_error, from whichever thread
/// reports it.

#include <cstddef>     // size_t
#include <functional>  // function
#include <memory>      // shared_ptr, make_shared
#include <mutex>       // mutex, lock_guard
#include <string>      // string
#include <vector>      // vector

namespace aitrail_test {

/// A thread-safe list of reported messages; handler() feeds it and may
/// outlive it (the state is shared).
class error_log {
public:
    error_log() : state_(std::make_shared<state>()) {}

    /// An on_error handler that appends to this log.
    std::function<void(const std::string&)> handler() const {
        return [s = state_](const std::string& message) {
            std::lock_guard lock(s->mutex);
            s->messages.push_back(message);
        };
    }
    /// A copy of the messages so far.
    std::vector<std::string> messages() const {
        std::lock_guard lock(state_->mutex);
        return state_->messages;
    }
    /// How many messages contain `needle`.
    std::size_t count_containing(const std::string& needle) const {
        std::lock_guard lock(state_->mutex);
        std::size_t n = 0;
        for (const auto& m : state_->messages)
            if (m.find(needle) != std::string::npos) ++n;
        return n;
    }

private:
    struct state {
        std::mutex mutex;
        std::vector<std::string> messages;
    };
    std::shared_ptr<state> state_;
};

}  // namespace aitrail_test
