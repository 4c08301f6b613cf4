#pragma once
/// @file fingerprint.hpp
/// Correlation fingerprints of the original bodies (the usual audit
/// schema's `input_hash` / `system_prompt_hash`): computed before redaction, so the
/// same prompt correlates across records even when the stored copy is
/// redacted or stripped. Keyed by default: an unkeyed hash of a short value
/// (an email, a yes/no answer) is reversed by hashing guesses.
/// @code
/// struct my_policy : aitrail::default_policy {
///     using fingerprint = aitrail::fingerprinters::keyed<aitrail::keys::from_env<"AITRAIL_FP_KEY">>;
/// };
/// @endcode

#include <aitrail/config.hpp>
#include <aitrail/detail/hex.hpp>
#include <aitrail/detail/openssl.hpp>
#include <aitrail/integrity/jcs.hpp>
#include <aitrail/integrity/key_source.hpp>
#include <aitrail/record/audit_record.hpp>

#include <string>       // string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {

/// Requirements on a fingerprint policy: `F::apply(pending_entry&)` fills
/// `rec.fingerprints` from the (not yet redacted) content.
template <class F>
concept fingerprinter = requires(pending_entry& e) { F::apply(e); };

/// Fingerprint policies shipped with aitrail.
namespace fingerprinters {

/// No fingerprints (the default).
struct none {
    /// Does nothing.
    static void apply(pending_entry&) noexcept {}
};

namespace detail {
/// The content keys fingerprinted: what users correlate on.
inline constexpr std::string_view keys[] = {content_keys::input, content_keys::system};

template <class Digest>
void fill(pending_entry& e, std::string_view prefix, Digest digest) {
    if (!e.content.is_object()) return;
    for (std::string_view key : keys) {
        const auto it = e.content.find(std::string(key));
        if (it == e.content.end()) continue;
        std::string value(prefix);
        value += aitrail::detail::to_hex(digest(canonicalize(*it)));
        e.rec.fingerprints[std::string(key)] = std::move(value);
    }
}
}  // namespace detail

/// HMAC-SHA256 under a secret key of the canonical body; written as
/// `hmac-sha256:<key id>:<64 hex>` so a reader knows which key correlates.
template <key_source K>
struct keyed {
    /// Fingerprints input and system prompt.
    static void apply(pending_entry& e) {
        // Loaded once: reading an environment variable or a file per record
        // would cost more than the MAC.
        static const std::string key = K::key();
        static const std::string prefix = "hmac-sha256:" + key_id_of(key) + ":";
        detail::fill(e, prefix, [](const std::string& bytes) { return aitrail::detail::hmac_sha256_of(key, {bytes}); });
    }
};

/// Plain SHA-256 of the canonical body, `sha256:<64 hex>`. Only for bodies
/// that cannot be guessed: anyone can test a candidate value against it.
struct unkeyed_sha256 {
    /// Fingerprints input and system prompt.
    static void apply(pending_entry& e) {
        detail::fill(e, "sha256:", [](const std::string& bytes) { return aitrail::detail::sha256_of({bytes}); });
    }
};

}  // namespace fingerprinters

/// Deprecated: the former name of fingerprinters. New code names fingerprinters.
namespace fingerprints = fingerprinters;
}  // namespace v1
}  // namespace aitrail
