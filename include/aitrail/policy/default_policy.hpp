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
#include <aitrail/policy/fingerprint.hpp>
#include <aitrail/policy/meta_fields.hpp>
#include <aitrail/policy/pipeline_policies.hpp>
#include <aitrail/policy/pricing.hpp>
#include <aitrail/policy/redactor.hpp>

#include <cstddef>  // size_t

namespace aitrail {
inline namespace v1 {

/// The defaults: SHA-256 chain; secrets (API keys, tokens, private keys)
/// redacted, personal data kept unless the policy names detectors; cost from
/// the built-in price table; asynchronous writer, callers wait rather than
/// lose a record, one fdatasync per batch. Deriving keeps user policies
/// source-compatible as members are added.
struct default_policy {
    /// Chain hash (see aitrail::hasher).
    using hasher = hash::sha256;
    /// What is redacted before sealing (see aitrail::redactor).
    using redactor = redact::pii<redact::secrets>;
    /// Meta fields whose strings are redacted too (content and the error
    /// message always are).
    using redact_meta = meta_fields<>;
    /// Correlation fingerprints of the original bodies (see fingerprint.hpp).
    using fingerprint = fingerprints::none;
    /// How cost is computed (see aitrail::pricer).
    using pricing = aitrail::pricing::builtin_2026_11;
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

/// Requirements on a policy: a hasher, redactor, fingerprint and pricing
/// policy that meet their concepts (derive from default_policy to get all).
template <class P>
concept policy = requires {
    typename P::hasher;
    typename P::redactor;
    typename P::fingerprint;
    typename P::pricing;
} && hasher<typename P::hasher> && redactor<typename P::redactor> && fingerprinter<typename P::fingerprint> &&
                 pricer<typename P::pricing>;

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
    static_assert(requires { typename P::redactor; },
                  "aitrail: Policy requires a member type 'redactor' (derive your policy from aitrail::default_policy)");
    static_assert(detail::redactor_requirements<typename P::redactor>::value);
    static_assert(requires { typename P::pricing; },
                  "aitrail: Policy requires a member type 'pricing' (derive your policy from aitrail::default_policy)");
    static_assert(detail::pricing_requirements<typename P::pricing>::value);
    static_assert(fingerprinter<typename P::fingerprint>,
                  "aitrail: Policy::fingerprint must provide 'static void apply(aitrail::pending_entry&)' (use "
                  "aitrail::fingerprints::none, keyed<key_source> or unkeyed_sha256)");
    static constexpr bool value = true;
};

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
