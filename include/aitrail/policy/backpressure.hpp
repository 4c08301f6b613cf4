#pragma once
/// @file backpressure.hpp
/// The backpressure policy: what a caller does when the asynchronous
/// writer's queue is full. Chosen in the policy struct from the catalogue
/// aitrail::backpressure_policies:
/// @code
/// struct my_policy : aitrail::default_policy {
///     using backpressure = aitrail::backpressure_policies::drop_newest;   // never wait
/// };
/// @endcode
///
/// `backpressure_policy`:
/// | Expression   | Type                        | Semantics                                          |
/// |--------------|-----------------------------|----------------------------------------------------|
/// | `B::name`    | `std::string_view`          | written in metrics and in `trail.gap` records      |
/// | `B::timeout` | `std::chrono::microseconds` | how long a caller waits (all but `block` and `drop_newest`) |

#include <aitrail/config.hpp>

#include <chrono>       // microseconds
#include <concepts>     // convertible_to, same_as
#include <cstdint>      // int64_t
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {

/// Backpressure policies shipped with aitrail.
namespace backpressure_policies {

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
    static_assert(Microseconds > 0, "aitrail: backpressure_policies::block_for needs a positive timeout in microseconds");
    /// Name used in metrics and docs.
    static constexpr std::string_view name = "block_for";
    /// How long a caller waits for space.
    static constexpr std::chrono::microseconds timeout{Microseconds};
};

}  // namespace backpressure_policies

/// Deprecated: the former name of backpressure_policies (it collided with
/// the policy member `backpressure`). New code names backpressure_policies.
namespace backpressure = backpressure_policies;

/// Requirements on a backpressure policy (see the table at the top of this
/// file): `block`, `drop_newest`, or a type with a name and a timeout.
template <class B>
concept backpressure_policy = requires {
    { B::name } -> std::convertible_to<std::string_view>;
} && (std::same_as<B, backpressure_policies::block> || std::same_as<B, backpressure_policies::drop_newest> ||
      requires {
          { B::timeout } -> std::convertible_to<std::chrono::microseconds>;
      });

}  // namespace v1
}  // namespace aitrail
