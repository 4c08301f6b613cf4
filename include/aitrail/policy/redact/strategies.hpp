#pragma once
/// @file strategies.hpp
/// What replaces a detected value, chosen per detector:
/// @code
/// struct audit_key { static std::string key() { return load_key_from_vault(); } };
/// using redactor = aitrail::redactors::pii<
///     aitrail::redactors::with<aitrail::redactors::email, aitrail::redactors::keyed_token<audit_key>>,  // [EMAIL:3f9a2c1d]
///     aitrail::redactors::with<aitrail::redactors::secrets, aitrail::redactors::drop>,                 // removed
///     aitrail::redactors::phone>;                                                                    // [PHONE]
/// @endcode
///
/// A strategy is a type with
///
/// | Expression                        | Type | Semantics |
/// |-----------------------------------|------|-----------|
/// | `S::template write<D>(out, value)`| (any)| appends to `out` what stands for `value`, found by detector `D` |

#include <aitrail/config.hpp>
#include <aitrail/detail/fixed_string.hpp>
#include <aitrail/detail/hex.hpp>
#include <aitrail/detail/openssl.hpp>
#include <aitrail/policy/redact/match.hpp>

#include <concepts>     // convertible_to
#include <cstdlib>      // getenv
#include <stdexcept>    // runtime_error
#include <string>       // string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace redactors {

/// "[LABEL]": says what was there, nothing about which value (the default).
struct mask {
    /// Appends "[" D::label "]".
    template <class D>
    static void write(std::string& out, std::string_view) {
        out += '[';
        out += D::label;
        out += ']';
    }
};

/// "[LABEL:3f9a2c1d]": the first 8 hex digits of HMAC-SHA256(key, value).
/// The same value gives the same token within a trail and across trails
/// under one key, so "the same customer wrote twice" stays visible; without
/// the key a token cannot be tested against guesses, and 32 bits leave many
/// values per token, so it is no handle back to the value. The value hashed
/// is the detector's canonical form (D::canonical: digits only for phones,
/// SSNs and cards, no separators for IBANs, lowercase for emails and IPv6),
/// so one card written two ways gets one token.
///
/// `KeySource::key()` returns the raw key bytes; it is called once per
/// value redacted, so it should return a cached key rather than load one.
/// A key of at least 32 random bytes is the intended use.
template <class KeySource>
struct keyed_token {
    static_assert(requires { { KeySource::key() } -> std::convertible_to<std::string>; },
                  "aitrail: keyed_token<KeySource> requires 'static std::string KeySource::key()' returning the raw "
                  "HMAC key bytes");

    /// Appends "[" D::label ":" 8 hex "]".
    template <class D>
    static void write(std::string& out, std::string_view value) {
        const std::string key = KeySource::key();
        const auto mac = detail::hmac_sha256_of(key, {detail::canonical_of<D>(value)});
        out += '[';
        out += D::label;
        out += ':';
        detail::append_hex(out, mac.data(), 4);
        out += ']';
    }
};

/// Removes the value and leaves nothing in its place.
struct drop {
    /// Appends nothing.
    template <class D>
    static void write(std::string&, std::string_view) {}
};

/// Detector `Detector` (or every detector of a redactors::detector_list)
/// replaced by `Strategy`. A detector listed bare in pii<...> is
/// `with<Detector, mask>`.
template <class Detector, class Strategy>
struct with {
    /// The detector (or list of detectors).
    using detector = Detector;
    /// What replaces its matches.
    using strategy = Strategy;
};

/// A key source reading the key from environment variable `Variable`, once
/// per process; throws std::runtime_error naming the variable when it is
/// unset or empty, so a missing key stops redaction instead of weakening it.
/// @code
/// using redactor = aitrail::redactors::pii<aitrail::redactors::with<
///     aitrail::redactors::email, aitrail::redactors::keyed_token<aitrail::redactors::key_from_env<"AUDIT_REDACTION_KEY">>>>;
/// @endcode
template <fixed_string Variable>
struct key_from_env {
    /// The variable's bytes.
    static std::string key() {
        static const std::string cached = [] {
            const std::string var(Variable.view());
            const char* v = std::getenv(var.c_str());
            if (v == nullptr || *v == '\0')
                throw std::runtime_error("aitrail: redaction key variable " + var + " is not set");
            return std::string(v);
        }();
        return cached;
    }
};

/// A strategy that can write values found by detector D.
template <class S, class D>
concept strategy_for = requires(std::string& out, std::string_view value) { S::template write<D>(out, value); };

}  // namespace redactors
}  // namespace v1
}  // namespace aitrail
