#pragma once
/// @file hasher.hpp
/// The chain hash as a compile-time trait. A trail names its hasher in its
/// `trail.open` record; the verifier picks the same one by that name.
///
/// | Expression        | Type               | Semantics                                          |
/// |-------------------|--------------------|----------------------------------------------------|
/// | `H::name`         | `std::string_view` | name written to `trail.open` (`meta.hasher`)       |
/// | `H{}`             | `H`                | default-constructible (keyed hashers load the key) |
/// | `h({a, b, ...})`  | `aitrail::digest`  | digest of the concatenation of the byte strings    |

#include <aitrail/config.hpp>
#include <aitrail/detail/hex.hpp>
#include <aitrail/detail/openssl.hpp>
#include <aitrail/integrity/key_source.hpp>

#include <array>             // array
#include <concepts>          // default_initializable, same_as
#include <initializer_list>  // initializer_list
#include <stdexcept>         // logic_error
#include <string>            // string
#include <utility>           // move
#include <string_view>       // string_view

namespace aitrail {
inline namespace v1 {

/// A 256-bit digest, as the chain and content commitments use.
using digest = std::array<unsigned char, 32>;

/// SHA-256 of `data` in one call (what the default chain hash computes).
inline digest sha256_digest(std::string_view data) { return detail::sha256_of({data}); }

/// HMAC-SHA256 of `data` under `key`: for keyed fingerprints of values that
/// must not be stored (an API key grouped by its MAC, never by itself).
inline digest hmac_sha256_digest(std::string_view key, std::string_view data) {
    return detail::hmac_sha256_of(key, {data});
}

/// `d` as 64 lowercase hex digits, as the trail writes hashes.
inline std::string to_hex(const digest& d) { return detail::to_hex(d); }

/// Hashers shipped with aitrail.
namespace hashers {

/// SHA-256 (FIPS 180-4): the default, unkeyed chain hash. Anyone can verify a
/// sha256 trail; rewriting the whole trail needs checkpoints to detect.
/// @code
/// struct my_policy : aitrail::default_policy { using hasher = aitrail::hashers::sha256; };
/// @endcode
struct sha256 {
    /// Name recorded in the trail.
    static constexpr std::string_view name = "sha256";
    /// Digest of the concatenated parts.
    digest operator()(std::initializer_list<std::string_view> parts) const { return detail::sha256_of(parts); }
};

/// HMAC-SHA256 under a secret key: a keyed chain. Without the key nobody can
/// rewrite the trail and make it verify, which a plain SHA-256 chain cannot
/// promise (anyone can recompute it). The key's id, never the key, is
/// written to trail.open; `aitrail verify --key-file` checks such trails.
/// @code
/// struct my_policy : aitrail::default_policy {
///     using hasher = aitrail::hashers::hmac_sha256<aitrail::keys::from_env<"AITRAIL_TRAIL_KEY">>;
/// };
/// @endcode
template <key_source K>
class hmac_sha256 {
public:
    /// Name recorded in the trail.
    static constexpr std::string_view name = "hmac-sha256";
    /// Loads the key (throws naming the key source when it is unavailable).
    hmac_sha256() : hmac_sha256(std::string(K::key())) {}
    /// A hasher under an explicit key (verifiers, tools).
    explicit hmac_sha256(std::string key) : key_(std::move(key)), key_id_(key_id_of(key_)) {}
    /// MAC of the concatenated parts.
    digest operator()(std::initializer_list<std::string_view> parts) const { return detail::hmac_sha256_of(key_, parts); }
    /// The key's public id (see key_id_of).
    const std::string& key_id() const noexcept { return key_id_; }

private:
    std::string key_;
    std::string key_id_;
};

/// A key source for an HMAC hasher whose key is given at run time.
struct runtime_key {
    /// Never used: hmac_sha256<runtime_key> is built with an explicit key.
    static std::string key() { throw std::logic_error("aitrail: hmac_sha256<runtime_key> needs an explicit key"); }
};

}  // namespace hashers

/// Deprecated: the former name of hashers. New code names hashers.
namespace hash = hashers;

/// Requirements on a chain hasher (see the table at the top of this file).
template <class H>
concept hasher = std::default_initializable<H> && requires(const H& h, std::string_view s) {
    { H::name } -> std::convertible_to<std::string_view>;
    { h({s, s}) } -> std::same_as<digest>;
};

}  // namespace v1
}  // namespace aitrail
