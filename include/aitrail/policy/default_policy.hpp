#pragma once
/// @file default_policy.hpp
/// The compile-time policy an auditor is built with. Users derive from
/// default_policy and redeclare only what they change:
/// @code
/// struct my_policy : aitrail::default_policy {
///     using redactor = aitrail::redactors::pii<aitrail::redactors::email, aitrail::redactors::secrets>;
///     using hasher   = aitrail::hashers::hmac_sha256<aitrail::keys::from_env<"AITRAIL_TRAIL_KEY">>;
///     static constexpr std::size_t queue_capacity = 4096;
/// };
/// aitrail::auditor<my_policy> audit{aitrail::jsonl_storage{"audit/"}};
/// @endcode
/// Each member is chosen from the catalogue named after its concept (policy/
/// policy.hpp lists them); docs/policies.md describes every choice.

#include <aitrail/config.hpp>
#include <aitrail/integrity/hasher.hpp>
#include <aitrail/policy/backpressure.hpp>
#include <aitrail/policy/checkpoint.hpp>
#include <aitrail/policy/durability.hpp>
#include <aitrail/policy/fingerprint.hpp>
#include <aitrail/policy/meta_fields.hpp>
#include <aitrail/policy/policy.hpp>
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
    /// Chain hash, from aitrail::hashers (see integrity/hasher.hpp).
    using hasher = hashers::sha256;
    /// What is redacted before sealing, from aitrail::redactors (see
    /// policy/redactor.hpp).
    using redactor = redactors::pii<redactors::secrets>;
    /// Meta fields whose strings are redacted too (content and the error
    /// message always are): aitrail::meta_fields<"query", ...>.
    using redact_meta = meta_fields<>;
    /// Correlation fingerprints of the original bodies, from
    /// aitrail::fingerprinters (see policy/fingerprint.hpp).
    using fingerprint = fingerprinters::none;
    /// How cost is computed, from aitrail::pricers (see docs/pricing.md).
    using pricing = pricers::builtin_2026_11;
    /// Seal and store on a background thread (false: on the caller's thread,
    /// under a lock — for tools and tests that want the record stored on return).
    static constexpr bool asynchronous = true;
    /// What a caller does when the queue is full, from
    /// aitrail::backpressure_policies (see policy/backpressure.hpp).
    using backpressure = backpressure_policies::block;
    /// When entries are forced to disk, from aitrail::durability_policies
    /// (see policy/durability.hpp).
    using durability = durability_policies::batch;
    /// Records the queue holds (2..65534). At ~2 µs a record on the writer,
    /// 16384 absorbs bursts of ~30 ms without the caller noticing.
    static constexpr std::size_t queue_capacity = 16384;
    /// Most records the writer seals into one append (and one sync); at least 1.
    static constexpr std::size_t max_batch = 1024;
    /// When the writer signs a checkpoint of the trail's tree, from
    /// aitrail::checkpoint_policies (see policy/checkpoint.hpp); the key is
    /// writer_options::checkpoint_key.
    using checkpoint = checkpoint_policies::none;
};

/// The defaults, but sealed and stored on the caller's thread: the record is
/// in storage when the scope ends. For tools, tests and low-volume programs.
/// @code
/// aitrail::auditor<aitrail::synchronous_policy> audit{aitrail::memory_storage{}};
/// @endcode
struct synchronous_policy : default_policy {
    /// Write on the caller's thread.
    static constexpr bool asynchronous = false;
};

}  // namespace v1
}  // namespace aitrail
