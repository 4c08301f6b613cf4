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
#include <aitrail/detail/openssl.hpp>

#include <array>             // array
#include <concepts>          // default_initializable, same_as
#include <initializer_list>  // initializer_list
#include <string_view>       // string_view

namespace aitrail {
inline namespace v1 {

/// A 256-bit digest, as the chain and content commitments use.
using digest = std::array<unsigned char, 32>;

/// Hashers shipped with aitrail.
namespace hash {

/// SHA-256 (FIPS 180-4): the default, unkeyed chain hash. Anyone can verify a
/// sha256 trail; rewriting the whole trail needs checkpoints to detect.
/// @code
/// struct my_policy : aitrail::default_policy { using hasher = aitrail::hash::sha256; };
/// @endcode
struct sha256 {
    /// Name recorded in the trail.
    static constexpr std::string_view name = "sha256";
    /// Digest of the concatenated parts.
    digest operator()(std::initializer_list<std::string_view> parts) const { return detail::sha256_of(parts); }
};

}  // namespace hash

/// Requirements on a chain hasher (see the table at the top of this file).
template <class H>
concept hasher = std::default_initializable<H> && requires(const H& h, std::string_view s) {
    { H::name } -> std::convertible_to<std::string_view>;
    { h({s, s}) } -> std::same_as<digest>;
};

}  // namespace v1
}  // namespace aitrail
