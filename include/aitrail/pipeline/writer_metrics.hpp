#pragma once
/// @file writer_metrics.hpp
/// Counters a writer keeps, readable at any time.

#include <aitrail/config.hpp>

#include <cstdint>  // uint64_t

namespace aitrail {
inline namespace v1 {

/// A snapshot of a writer's counters.
struct writer_metrics {
    std::uint64_t enqueued = 0;        ///< records handed to the writer
    std::uint64_t written = 0;         ///< entries stored
    std::uint64_t dropped = 0;         ///< records given up (never under the default policies)
    std::uint64_t pending = 0;         ///< records accepted but not yet stored
    std::uint64_t queue_depth = 0;     ///< records in the queue now (asynchronous writer)
    std::uint64_t queue_high_water = 0;///< deepest the queue has been
    std::uint64_t batches = 0;         ///< successful append() calls
    std::uint64_t bytes = 0;           ///< bytes stored, newlines included
    std::uint64_t flushes = 0;         ///< successful storage flush() calls
    std::uint64_t storage_errors = 0;  ///< failed append() / flush() calls
    std::uint64_t sanitized = 0;       ///< records whose values had to be made canonical-safe
    std::uint64_t checkpoints = 0;     ///< checkpoints signed by the writer (checkpoint policy)
    std::uint64_t checkpoint_errors = 0; ///< checkpoints the writer could not or would not sign
    std::uint64_t witnessed = 0;       ///< checkpoints every witness took (writer_options::witnesses)
    std::uint64_t witness_failures = 0;///< witness calls that failed (each also reported through on_error)
    std::uint64_t cosignatures = 0;    ///< cosignature lines received from witnesses
};

}  // namespace v1
}  // namespace aitrail
