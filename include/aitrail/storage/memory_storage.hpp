#pragma once
/// @file memory_storage.hpp
/// A storage in memory, for tests and for embedding a trail in another
/// store. Copies share one trail (like a handle), so a test can keep a copy
/// and look at what the auditor wrote.

#include <aitrail/config.hpp>
#include <aitrail/storage/concepts.hpp>
#include <aitrail/storage/entry_head.hpp>
#include <aitrail/storage/storage_error.hpp>

#include <memory>  // shared_ptr
#include <mutex>   // mutex, lock_guard
#include <span>    // span
#include <string>  // string
#include <vector>  // vector

namespace aitrail {
inline namespace v1 {

/// The reference readable_storage: lines in a vector, shared between copies.
class memory_storage {
public:
    /// An empty trail.
    memory_storage() : state_(std::make_shared<state>()) {}

    /// Stores the entries' lines, in order.
    void append(std::span<const sealed_entry> batch) {
        std::lock_guard lock(state_->mutex);
        for (const auto& e : batch) state_->lines.push_back(e.line);
    }
    /// Nothing to make durable.
    void flush() {}
    /// Where the stored chain ends.
    chain_head head() const {
        std::lock_guard lock(state_->mutex);
        if (state_->lines.empty()) return {};
        auto h = head_after_line(state_->lines.back());
        if (!h) throw storage_error("memory_storage: last line is not a trail entry");
        return *h;
    }
    /// Visits every line in order.
    void scan(const line_visitor& visit) const {
        const auto copy = lines();  // no lock held while the visitor runs
        std::uint64_t n = 0;
        for (const auto& l : copy)
            if (!visit(stored_line{l, "memory", ++n, true})) return;
    }
    /// A snapshot of the stored lines.
    std::vector<std::string> lines() const {
        std::lock_guard lock(state_->mutex);
        return state_->lines;
    }
    /// Replaces the stored lines (tests use it to tamper with a trail).
    void set_lines(std::vector<std::string> lines) {
        std::lock_guard lock(state_->mutex);
        state_->lines = std::move(lines);
    }

private:
    struct state {
        mutable std::mutex mutex;
        std::vector<std::string> lines;
    };
    std::shared_ptr<state> state_;
};

}  // namespace v1
}  // namespace aitrail
