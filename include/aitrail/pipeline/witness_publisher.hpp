#pragma once
/// @file witness_publisher.hpp
/// Publishes each checkpoint to every configured witness. Publishing must
/// never block or lose records: publish() does not throw; a witness that
/// fails is reported through on_error, counted, and tried again on a later
/// call once its backoff has passed (with the checkpoint of that call, which
/// covers everything the missed one did).

#include <aitrail/config.hpp>
#include <aitrail/pipeline/witness.hpp>

#include <algorithm>    // min
#include <chrono>       // steady_clock, milliseconds
#include <cstddef>      // size_t
#include <cstdint>      // uint64_t
#include <exception>    // exception
#include <functional>   // function
#include <memory>       // shared_ptr, make_shared
#include <string>       // string
#include <utility>      // move
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// Counters of a witness_publisher.
struct witness_metrics {
    std::uint64_t attempts = 0;      ///< witness calls made
    std::uint64_t failures = 0;      ///< of which failed (refused, unreachable)
    std::uint64_t cosignatures = 0;  ///< cosignature lines received
    std::uint64_t deferred = 0;      ///< calls skipped because a witness was still backing off
};

/// How a witness_publisher retries.
struct witness_publisher_options {
    std::chrono::milliseconds initial_backoff{std::chrono::seconds{1}};  ///< wait after a first failure
    std::chrono::milliseconds max_backoff{std::chrono::minutes{5}};      ///< the wait doubles up to this
    /// Called once per failure with the witness_error's message (or the
    /// exception's, prefixed with the witness's name).
    std::function<void(const std::string&)> on_error;
};

/// The outcome of one publish().
struct published_checkpoint {
    std::string note;                       ///< the checkpoint note with every cosignature received appended
    std::vector<std::string> cosignatures;  ///< the lines received, in witness order
    std::vector<std::string> errors;        ///< one message per witness that failed
};

/// Publishes checkpoints to N witnesses; see the file comment.
class witness_publisher {
public:
    /// A publisher without witnesses yet.
    explicit witness_publisher(witness_publisher_options options = {}) : options_(std::move(options)) {}

    /// Adds a witness (any type meeting the `witness` concept).
    template <class W>
    void add(W w) {
        static_assert(detail::witness_requirements<W>::value);
        auto held = std::make_shared<W>(std::move(w));
        entry e;
        e.name = held->name();
        e.publish = [held](const witness_request& r) { return witness_reply(held->publish(r)); };
        entries_.push_back(std::move(e));
    }

    /// The number of witnesses.
    std::size_t size() const noexcept { return entries_.size(); }

    /// Publishes `r` to every witness not backing off. Never throws out of a
    /// witness failure: errors are collected, counted and passed to on_error.
    published_checkpoint publish(const witness_request& r) {
        published_checkpoint out;
        out.note = r.note;
        const auto now = std::chrono::steady_clock::now();
        for (entry& e : entries_) {
            if (e.failures != 0 && now < e.retry_at) {
                ++metrics_.deferred;
                continue;
            }
            ++metrics_.attempts;
            try {
                witness_reply reply = e.publish(r);
                e.failures = 0;
                metrics_.cosignatures += reply.cosignatures.size();
                for (std::string& line : reply.cosignatures) out.cosignatures.push_back(std::move(line));
            } catch (const std::exception& ex) {
                ++metrics_.failures;
                auto wait = options_.initial_backoff;
                for (unsigned i = 0; i < e.failures && wait < options_.max_backoff; ++i) wait *= 2;
                wait = std::min(wait, options_.max_backoff);
                ++e.failures;
                e.retry_at = now + wait;
                std::string message = ex.what();
                if (dynamic_cast<const witness_error*>(&ex) == nullptr)
                    message = "witness " + e.name + " refused checkpoint " + std::to_string(r.cp.size) + ": " + message;
                if (options_.on_error) {
                    try {
                        options_.on_error(message);
                    } catch (...) {  // a failing reporter must not stop publishing
                    }
                }
                out.errors.push_back(std::move(message));
            }
        }
        try {
            out.note = append_cosignatures(r.note, out.cosignatures);
        } catch (const std::exception& ex) {
            out.errors.push_back(std::string("cannot append cosignatures: ") + ex.what());
        }
        return out;
    }

    /// The counters so far.
    const witness_metrics& metrics() const noexcept { return metrics_; }
    /// The retry settings it was made with.
    const witness_publisher_options& options() const noexcept { return options_; }

private:
    struct entry {
        std::string name;
        std::function<witness_reply(const witness_request&)> publish;
        unsigned failures = 0;
        std::chrono::steady_clock::time_point retry_at{};
    };

    witness_publisher_options options_;
    std::vector<entry> entries_;
    witness_metrics metrics_;
};

}  // namespace v1
}  // namespace aitrail
