#pragma once
/// @file default_policy.hpp
/// The compile-time policy an auditor is built with. Users derive from
/// default_policy and redeclare only what they change:
/// @code
/// struct my_policy : aitrail::default_policy {
///     using hasher = aitrail::hash::sha256;
/// };
/// aitrail::auditor<my_policy> audit{aitrail::jsonl_storage{"audit/"}};
/// @endcode

#include <aitrail/config.hpp>
#include <aitrail/integrity/hasher.hpp>
#include <aitrail/policy/pipeline_policies.hpp>

#include <cstddef>  // size_t

namespace aitrail {
inline namespace v1 {

/// The defaults: SHA-256 chain, asynchronous writer, callers wait rather
/// than lose a record, one fdatasync per batch. Deriving keeps user policies
/// source-compatible as members are added.
struct default_policy {
    /// Chain hash (see aitrail::hasher).
    using hasher = hash::sha256;
    /// Seal and store on a background thread (false: on the caller's thread,
    /// under a lock — for tools and tests that want the record stored on return).
    static constexpr bool asynchronous = true;
    /// What a caller does when the queue is full (see policy/pipeline_policies.hpp).
    using backpressure = aitrail::backpressure::block;
    /// When entries are forced to disk (see policy/pipeline_policies.hpp).
    using durability = aitrail::durability::batch;
    /// Records the queue holds (2..65534). At ~2 µs a record on the writer,
    /// 16384 absorbs bursts of ~30 ms without the caller noticing.
    static constexpr std::size_t queue_capacity = 16384;
    /// Most records the writer seals into one append (and one sync).
    static constexpr std::size_t max_batch = 1024;
};

/// The defaults, but sealed and stored on the caller's thread: the record is
/// in storage when the scope ends. For tools, tests and low-volume programs.
struct synchronous_policy : default_policy {
    /// Write on the caller's thread.
    static constexpr bool asynchronous = false;
};

/// Requirements on a policy: it names a hasher that meets aitrail::hasher.
template <class P>
concept policy = requires { typename P::hasher; } && hasher<typename P::hasher>;

namespace detail {

/// Instantiated by the auditor: one readable message per broken requirement.
template <class P>
struct policy_requirements {
    static_assert(requires { typename P::hasher; },
                  "aitrail: Policy requires a member type 'hasher' (derive your policy from aitrail::default_policy)");
    static_assert(hasher<typename P::hasher>,
                  "aitrail: Policy::hasher must meet aitrail::hasher: a default-constructible type with "
                  "'static constexpr std::string_view name' and "
                  "'aitrail::digest operator()(std::initializer_list<std::string_view>) const'");
    static constexpr bool value = true;
};

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
