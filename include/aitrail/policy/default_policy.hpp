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

namespace aitrail {
inline namespace v1 {

/// The defaults: SHA-256 chain. Redaction, pricing, backpressure and
/// durability policies join here as they are added; deriving keeps user
/// policies source-compatible.
struct default_policy {
    /// Chain hash (see aitrail::hasher).
    using hasher = hash::sha256;
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
