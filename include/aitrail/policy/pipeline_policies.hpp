#pragma once
/// @file pipeline_policies.hpp
/// Compile-time choices of the pipeline: what a caller does when the queue
/// is full (backpressure), and when written entries are forced to disk
/// (durability). Chosen in the policy struct:
/// @code
/// struct my_policy : aitrail::default_policy {
///     using backpressure = aitrail::backpressure::drop_newest;   // never wait
///     using durability   = aitrail::durability::every_record;     // fsync each
///     static constexpr std::size_t queue_capacity = 4096;
/// };
/// @endcode

#include <aitrail/config.hpp>

#include <chrono>       // microseconds
#include <cstdint>      // int64_t
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {

/// What a caller does when the queue is full.
namespace backpressure {

/// Wait for space: nothing is ever lost (the default).
struct block {
    /// Name used in metrics and docs.
    static constexpr std::string_view name = "block";
};

/// Never wait: the record is dropped and counted, and the writer chains a
/// `trail.gap` record stating how many were dropped and when, so "dropped
/// under load" is never mistaken for "deleted later".
struct drop_newest {
    /// Name used in metrics and docs.
    static constexpr std::string_view name = "drop_newest";
};

/// Wait up to `Microseconds` for space, then drop as drop_newest does.
template <std::int64_t Microseconds>
struct block_for {
    static_assert(Microseconds > 0, "aitrail: backpressure::block_for needs a positive timeout in microseconds");
    /// Name used in metrics and docs.
    static constexpr std::string_view name = "block_for";
    /// How long a caller waits for space.
    static constexpr std::chrono::microseconds timeout{Microseconds};
};

}  // namespace backpressure

/// When stored entries are forced to stable storage (fdatasync).
///
/// | policy         | after a process crash (kill -9)     | after a power loss                        |
/// |----------------|-------------------------------------|-------------------------------------------|
/// | `none`         | everything the writer appended      | what the OS had flushed; flush() syncs    |
/// | `batch`        | everything the writer appended      | every batch the writer finished; flush() returning means all before it |
/// | `every_record` | everything the writer appended      | every record the writer finished          |
///
/// Records still in the queue when the process dies are lost under every
/// policy (they were never written); flush() is how a caller knows its
/// records left the queue. The trail stays verifiable in every case: a torn
/// last line is cut when the trail is reopened.
namespace durability {

/// Leave it to the page cache; only flush() syncs.
struct none {
    /// Name used in metrics and docs.
    static constexpr std::string_view name = "none";
    /// Sync after every appended batch?
    static constexpr bool sync_each_batch = false;
    /// Append and sync each record on its own?
    static constexpr bool one_record_per_batch = false;
};

/// Group commit: one fdatasync per batch the writer appends (the default).
struct batch {
    /// Name used in metrics and docs.
    static constexpr std::string_view name = "batch";
    /// Sync after every appended batch?
    static constexpr bool sync_each_batch = true;
    /// Append and sync each record on its own?
    static constexpr bool one_record_per_batch = false;
};

/// One append and one fdatasync per record: slowest, smallest loss window.
struct every_record {
    /// Name used in metrics and docs.
    static constexpr std::string_view name = "every_record";
    /// Sync after every appended batch?
    static constexpr bool sync_each_batch = true;
    /// Append and sync each record on its own?
    static constexpr bool one_record_per_batch = true;
};

}  // namespace durability
}  // namespace v1
}  // namespace aitrail
