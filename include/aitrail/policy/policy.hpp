#pragma once
/// @file policy.hpp
/// The policy contract: the eleven members every compile-time policy declares,
/// each checked with its own readable message. Deriving from
/// aitrail::default_policy (policy/default_policy.hpp) declares all eleven.
///
/// `policy`:
/// | Member           | Kind                       | Requirement                  | Catalogue                         |
/// |------------------|----------------------------|------------------------------|-----------------------------------|
/// | `hasher`         | type                       | aitrail::hasher              | `aitrail::hashers`                |
/// | `redactor`       | type                       | aitrail::redactor            | `aitrail::redactors`              |
/// | `redact_meta`    | type                       | aitrail::meta_field_list     | `aitrail::meta_fields<"name"...>` |
/// | `fingerprint`    | type                       | aitrail::fingerprinter       | `aitrail::fingerprinters`         |
/// | `pricing`        | type                       | aitrail::pricer              | `aitrail::pricers`                |
/// | `backpressure`   | type                       | aitrail::backpressure_policy | `aitrail::backpressure_policies`  |
/// | `durability`     | type                       | aitrail::durability_policy   | `aitrail::durability_policies`    |
/// | `asynchronous`   | `static constexpr bool`    | —                            | —                                 |
/// | `queue_capacity` | `static constexpr` integer | 2 ≤ n ≤ 65534                | —                                 |
/// | `max_batch`      | `static constexpr` integer | n ≥ 1                        | —                                 |
/// | `checkpoint`     | type                       | aitrail::checkpoint_policy   | `aitrail::checkpoint_policies`    |
///
/// One naming scheme: a member names its role, the concept names what fills
/// it, and the catalogue is the concept's plural, so a member never shadows
/// the namespace it is chosen from.

#include <aitrail/config.hpp>
#include <aitrail/integrity/hasher.hpp>
#include <aitrail/policy/backpressure.hpp>
#include <aitrail/policy/checkpoint.hpp>
#include <aitrail/policy/durability.hpp>
#include <aitrail/policy/fingerprint.hpp>
#include <aitrail/policy/meta_fields.hpp>
#include <aitrail/policy/pricing/pricer.hpp>
#include <aitrail/policy/redactor.hpp>

#include <concepts>     // integral, same_as
#include <cstddef>      // size_t
#include <type_traits>  // remove_cv_t

namespace aitrail {
inline namespace v1 {

/// Most records a policy's queue may hold (Boost.Lockfree's fixed-size
/// queue indexes its slots with 16 bits, one value reserved).
inline constexpr std::size_t max_queue_capacity = 65534;

namespace detail {

// One small concept per requirement. The value checks are written so that a
// missing member makes them false, never a hard error: the user then reads
// the one message about the missing member, not a cascade.
template <class P> concept policy_has_hasher = requires { typename P::hasher; };
template <class P> concept policy_has_redactor = requires { typename P::redactor; };
template <class P> concept policy_has_redact_meta = requires { typename P::redact_meta; };
template <class P> concept policy_has_fingerprint = requires { typename P::fingerprint; };
template <class P> concept policy_has_pricing = requires { typename P::pricing; };
template <class P> concept policy_has_backpressure = requires { typename P::backpressure; };
template <class P> concept policy_has_durability = requires { typename P::durability; };
template <class P> concept policy_has_asynchronous = requires { P::asynchronous; };
template <class P> concept policy_has_queue_capacity = requires { P::queue_capacity; };
template <class P> concept policy_has_max_batch = requires { P::max_batch; };
template <class P> concept policy_has_checkpoint = requires { typename P::checkpoint; };

template <class P>
concept policy_asynchronous_is_bool = std::same_as<std::remove_cv_t<decltype(P::asynchronous)>, bool>;

// A size constant: an integer (not bool) known at compile time.
template <class T>
concept policy_size_type = std::integral<std::remove_cv_t<T>> && !std::same_as<std::remove_cv_t<T>, bool>;

template <class P>
concept policy_queue_capacity_in_range =
    policy_size_type<decltype(P::queue_capacity)> && (P::queue_capacity >= 2) &&
    (static_cast<unsigned long long>(P::queue_capacity) <= max_queue_capacity);

template <class P>
concept policy_max_batch_in_range = policy_size_type<decltype(P::max_batch)> && (P::max_batch >= 1);

// Each member's own requirement, as a concept of the policy: a missing
// member makes it false instead of a hard error.
template <class P> concept policy_hasher_valid = hasher<typename P::hasher>;
template <class P> concept policy_redact_meta_valid = meta_field_list<typename P::redact_meta>;
template <class P> concept policy_fingerprint_valid = fingerprinter<typename P::fingerprint>;
template <class P> concept policy_backpressure_valid = backpressure_policy<typename P::backpressure>;
template <class P> concept policy_durability_valid = durability_policy<typename P::durability>;
template <class P> concept policy_checkpoint_valid = checkpoint_policy<typename P::checkpoint>;

// The policy's member if it declares one, else a valid stand-in, so that the
// member's own checks (redactor_requirements, pricing_requirements) speak
// only about members that exist.
template <class P, bool = policy_has_redactor<P>>
struct policy_redactor_or_default {
    using type = redactors::no_redaction;
};
template <class P>
struct policy_redactor_or_default<P, true> {
    using type = typename P::redactor;
};
template <class P, bool = policy_has_pricing<P>>
struct policy_pricing_or_default {
    using type = pricers::none;
};
template <class P>
struct policy_pricing_or_default<P, true> {
    using type = typename P::pricing;
};

}  // namespace detail

/// Requirements on a policy: all eleven members, each meeting its own
/// requirement (see the table at the top of this file). Derive from
/// aitrail::default_policy to get all eleven.
template <class P>
concept policy =
    detail::policy_has_hasher<P> && hasher<typename P::hasher> &&                        //
    detail::policy_has_redactor<P> && redactor<typename P::redactor> &&                  //
    detail::policy_has_redact_meta<P> && meta_field_list<typename P::redact_meta> &&     //
    detail::policy_has_fingerprint<P> && fingerprinter<typename P::fingerprint> &&       //
    detail::policy_has_pricing<P> && pricer<typename P::pricing> &&                      //
    detail::policy_has_backpressure<P> && backpressure_policy<typename P::backpressure> &&  //
    detail::policy_has_durability<P> && durability_policy<typename P::durability> &&     //
    detail::policy_has_asynchronous<P> && detail::policy_asynchronous_is_bool<P> &&      //
    detail::policy_has_queue_capacity<P> && detail::policy_queue_capacity_in_range<P> && //
    detail::policy_has_max_batch<P> && detail::policy_max_batch_in_range<P> &&             //
    detail::policy_has_checkpoint<P> && checkpoint_policy<typename P::checkpoint>;

namespace detail {

/// Instantiated by the auditor: one readable message per broken
/// requirement, before the compiler's own diagnostics.
template <class P>
struct policy_requirements {
    // hasher
    static_assert(policy_has_hasher<P>,
                  "aitrail: Policy requires a member type 'hasher' "
                  "(derive your policy from aitrail::default_policy to get every member)");
    static_assert(!policy_has_hasher<P> || policy_hasher_valid<P>,
                  "aitrail: Policy::hasher must meet aitrail::hasher: a default-constructible type with "
                  "'static constexpr std::string_view name' and "
                  "'aitrail::digest operator()(std::initializer_list<std::string_view>) const' (use "
                  "aitrail::hashers::sha256 or aitrail::hashers::hmac_sha256<key_source>)");
    // redactor
    static_assert(policy_has_redactor<P>,
                  "aitrail: Policy requires a member type 'redactor' "
                  "(derive your policy from aitrail::default_policy to get every member)");
    static_assert(redactor_requirements<typename policy_redactor_or_default<P>::type>::value);
    // redact_meta
    static_assert(policy_has_redact_meta<P>,
                  "aitrail: Policy requires a member type 'redact_meta' "
                  "(derive your policy from aitrail::default_policy to get every member)");
    static_assert(!policy_has_redact_meta<P> || policy_redact_meta_valid<P>,
                  "aitrail: Policy::redact_meta must meet aitrail::meta_field_list: "
                  "'static bool contains(std::string_view)' (use aitrail::meta_fields<\"field\", ...>)");
    // fingerprint
    static_assert(policy_has_fingerprint<P>,
                  "aitrail: Policy requires a member type 'fingerprint' "
                  "(derive your policy from aitrail::default_policy to get every member)");
    static_assert(!policy_has_fingerprint<P> || policy_fingerprint_valid<P>,
                  "aitrail: Policy::fingerprint must meet aitrail::fingerprinter: "
                  "'static void apply(aitrail::pending_entry&)' (use aitrail::fingerprinters::none, "
                  "keyed<key_source> or unkeyed_sha256)");
    // pricing
    static_assert(policy_has_pricing<P>,
                  "aitrail: Policy requires a member type 'pricing' "
                  "(derive your policy from aitrail::default_policy to get every member)");
    static_assert(pricing_requirements<typename policy_pricing_or_default<P>::type>::value);
    // backpressure
    static_assert(policy_has_backpressure<P>,
                  "aitrail: Policy requires a member type 'backpressure' "
                  "(derive your policy from aitrail::default_policy to get every member)");
    static_assert(!policy_has_backpressure<P> || policy_backpressure_valid<P>,
                  "aitrail: Policy::backpressure must meet aitrail::backpressure_policy (use "
                  "aitrail::backpressure_policies::block, drop_newest or block_for<microseconds>)");
    // durability
    static_assert(policy_has_durability<P>,
                  "aitrail: Policy requires a member type 'durability' "
                  "(derive your policy from aitrail::default_policy to get every member)");
    static_assert(!policy_has_durability<P> || policy_durability_valid<P>,
                  "aitrail: Policy::durability must meet aitrail::durability_policy (use "
                  "aitrail::durability_policies::none, batch or every_record)");
    // asynchronous
    static_assert(policy_has_asynchronous<P>,
                  "aitrail: Policy requires 'static constexpr bool asynchronous' "
                  "(derive your policy from aitrail::default_policy to get every member)");
    static_assert(!policy_has_asynchronous<P> || policy_asynchronous_is_bool<P>,
                  "aitrail: Policy::asynchronous must be a bool (true: write on a background thread)");
    // queue_capacity
    static_assert(policy_has_queue_capacity<P>,
                  "aitrail: Policy requires 'static constexpr std::size_t queue_capacity' "
                  "(derive your policy from aitrail::default_policy to get every member)");
    static_assert(!policy_has_queue_capacity<P> || policy_queue_capacity_in_range<P>,
                  "aitrail: Policy::queue_capacity must be an integer between 2 and 65534 (Boost.Lockfree's "
                  "fixed-size limit)");
    // max_batch
    static_assert(policy_has_max_batch<P>,
                  "aitrail: Policy requires 'static constexpr std::size_t max_batch' "
                  "(derive your policy from aitrail::default_policy to get every member)");
    static_assert(!policy_has_max_batch<P> || policy_max_batch_in_range<P>,
                  "aitrail: Policy::max_batch must be an integer of at least 1");
    // checkpoint
    static_assert(policy_has_checkpoint<P>,
                  "aitrail: Policy requires a member type 'checkpoint' "
                  "(derive your policy from aitrail::default_policy to get every member)");
    static_assert(!policy_has_checkpoint<P> || policy_checkpoint_valid<P>,
                  "aitrail: Policy::checkpoint must meet aitrail::checkpoint_policy (use "
                  "aitrail::checkpoint_policies::none, every_entries<N>, every_seconds<T>, at_flush, at_close or "
                  "any_of<...>)");
    static constexpr bool value = policy<P>;
};

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
