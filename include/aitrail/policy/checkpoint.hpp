#pragma once
/// @file checkpoint.hpp
/// The checkpoint policy: when the writer signs a checkpoint of the trail's
/// Merkle tree (with the key given at run time in writer_options). Chosen
/// in the policy struct from the catalogue aitrail::checkpoint_policies;
/// moments combine with any_of:
/// @code
/// struct my_policy : aitrail::default_policy {
///     using checkpoint = aitrail::checkpoint_policies::any_of<
///         aitrail::checkpoint_policies::every_entries<10000>,
///         aitrail::checkpoint_policies::every_seconds<60>,
///         aitrail::checkpoint_policies::at_close>;
/// };
/// @endcode
/// The writer signs after the storage took the entries, on its own thread
/// (the caller's, for the synchronous writer), never two inconsistent
/// checkpoints (pipeline/checkpoint_signer.hpp); a failure is reported
/// through on_error and counted, and never costs a record. A policy other
/// than `none` needs a storage that keeps the tree (aitrail::tree_storage).
///
/// `checkpoint_policy`:
/// | Expression        | Type               | Semantics                                              |
/// |-------------------|--------------------|--------------------------------------------------------|
/// | `C::name`         | `std::string_view` | name used in docs and messages                         |
/// | `C::enabled`      | `bool`             | the writer signs at all                                |
/// | `C::entries`      | `std::uint64_t`    | sign once this many entries were stored since the last (0: never) |
/// | `C::seconds`      | `std::uint64_t`    | sign when this many seconds passed since the last and entries were stored (0: never) |
/// | `C::on_flush`     | `bool`             | sign at every flush()                                  |
/// | `C::on_close`     | `bool`             | sign when the writer shuts down                        |

#include <aitrail/config.hpp>

#include <algorithm>    // min
#include <concepts>     // convertible_to
#include <cstdint>      // uint64_t
#include <initializer_list>  // initializer_list
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {

namespace detail {
/// The smallest non-zero value, 0 when all are 0 (combined intervals).
constexpr std::uint64_t min_nonzero(std::initializer_list<std::uint64_t> values) {
    std::uint64_t out = 0;
    for (const auto v : values)
        if (v != 0) out = out == 0 ? v : std::min(out, v);
    return out;
}
}  // namespace detail

/// Checkpoint policies shipped with aitrail.
namespace checkpoint_policies {

/// No checkpoints from the writer (the default; `aitrail checkpoint` can
/// still sign from outside).
struct none {
    /// Name used in docs and messages.
    static constexpr std::string_view name = "none";
    /// The writer signs at all?
    static constexpr bool enabled = false;
    /// Entries between checkpoints (0: not by count).
    static constexpr std::uint64_t entries = 0;
    /// Seconds between checkpoints (0: not by time).
    static constexpr std::uint64_t seconds = 0;
    /// Sign at flush()?
    static constexpr bool on_flush = false;
    /// Sign at shutdown?
    static constexpr bool on_close = false;
};

/// Sign once every N entries stored.
template <std::uint64_t N>
struct every_entries : none {
    static_assert(N >= 1, "aitrail: checkpoint_policies::every_entries<N> needs N >= 1");
    /// Name used in docs and messages.
    static constexpr std::string_view name = "every_entries";
    /// The writer signs at all?
    static constexpr bool enabled = true;
    /// Entries between checkpoints.
    static constexpr std::uint64_t entries = N;
};

/// Sign when T seconds passed since the last checkpoint and entries were
/// stored since (checked when the writer stores a batch or idles).
template <std::uint64_t T>
struct every_seconds : none {
    static_assert(T >= 1, "aitrail: checkpoint_policies::every_seconds<T> needs T >= 1");
    /// Name used in docs and messages.
    static constexpr std::string_view name = "every_seconds";
    /// The writer signs at all?
    static constexpr bool enabled = true;
    /// Seconds between checkpoints.
    static constexpr std::uint64_t seconds = T;
};

/// Sign at every flush() (after the entries are durable).
struct at_flush : none {
    /// Name used in docs and messages.
    static constexpr std::string_view name = "at_flush";
    /// The writer signs at all?
    static constexpr bool enabled = true;
    /// Sign at flush()?
    static constexpr bool on_flush = true;
};

/// Sign once when the writer shuts down (after its last entries are stored).
struct at_close : none {
    /// Name used in docs and messages.
    static constexpr std::string_view name = "at_close";
    /// The writer signs at all?
    static constexpr bool enabled = true;
    /// Sign at shutdown?
    static constexpr bool on_close = true;
};

/// Sign at every moment any of `P...` names.
template <class... P>
struct any_of {
    static_assert(sizeof...(P) >= 1, "aitrail: checkpoint_policies::any_of needs at least one policy");
    /// Name used in docs and messages.
    static constexpr std::string_view name = "any_of";
    /// The writer signs at all?
    static constexpr bool enabled = (P::enabled || ...);
    /// Entries between checkpoints: the smallest count given.
    static constexpr std::uint64_t entries = detail::min_nonzero({P::entries...});
    /// Seconds between checkpoints: the shortest interval given.
    static constexpr std::uint64_t seconds = detail::min_nonzero({P::seconds...});
    /// Sign at flush()?
    static constexpr bool on_flush = (P::on_flush || ...);
    /// Sign at shutdown?
    static constexpr bool on_close = (P::on_close || ...);
};

}  // namespace checkpoint_policies

/// Requirements on a checkpoint policy (see the table above).
template <class C>
concept checkpoint_policy = requires {
    { C::name } -> std::convertible_to<std::string_view>;
    { C::enabled } -> std::convertible_to<bool>;
    { C::entries } -> std::convertible_to<std::uint64_t>;
    { C::seconds } -> std::convertible_to<std::uint64_t>;
    { C::on_flush } -> std::convertible_to<bool>;
    { C::on_close } -> std::convertible_to<bool>;
};

}  // namespace v1
}  // namespace aitrail
