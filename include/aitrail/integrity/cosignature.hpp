#pragma once
/// @file cosignature.hpp
/// Witness cosignatures of checkpoints (c2sp.org/tlog-cosignature,
/// cosignature/v1): a timestamped Ed25519 signature line, signature type
/// 0x04, that a witness adds to a log's signed checkpoint.

#include <aitrail/config.hpp>
#include <aitrail/detail/base64.hpp>
#include <aitrail/detail/note_text.hpp>
#include <aitrail/detail/openssl.hpp>
#include <aitrail/integrity/checkpoint.hpp>
#include <aitrail/integrity/signed_note.hpp>

#include <cstddef>      // size_t
#include <cstdint>      // uint32_t, uint64_t
#include <string>       // string
#include <string_view>  // string_view
#include <utility>      // move

namespace aitrail {
inline namespace v1 {

/// The largest timestamp a cosignature may carry (2^63 - 1).
inline constexpr std::uint64_t max_cosignature_timestamp = (std::uint64_t{1} << 63) - 1;

/// The key id of witness `name` with Ed25519 public key `pub` for cosignature/v1:
/// SHA-256(name || 0x0A || 0x04 || public key)[:4].
inline std::uint32_t cosignature_key_id(std::string_view name, const detail::ed25519_public_key& pub) {
    return detail::note_key_id(name, note_key_type::cosignature, pub);
}

/// The message a cosignature/v1 signs: "cosignature/v1\n", "time <t>\n",
/// then the whole checkpoint body, extension lines included.
inline std::string cosignature_message(std::string_view checkpoint_body, std::uint64_t unix_seconds) {
    return detail::cosignature_v1_message(checkpoint_body, unix_seconds);
}

/// The cosignature line (`— <name> <base64(key id || timestamp || signature)>\n`)
/// by witness `name` with Ed25519 private key `priv` of `checkpoint_body`
/// at `unix_seconds` (POSIX time). The body must parse as a checkpoint.
inline std::string cosign(std::string_view checkpoint_body, std::string_view name,
                          const detail::ed25519_private_key& priv, std::uint64_t unix_seconds) {
    if (!detail::is_valid_key_name(name))
        throw note_error("cosignature: witness name \"" + std::string(name) + "\" is empty, not UTF-8, or has a space or '+'");
    if (unix_seconds > max_cosignature_timestamp) throw note_error("cosignature: timestamp exceeds 2^63 - 1");
    (void)parse_checkpoint_body(checkpoint_body);  // only checkpoints are cosigned
    std::string payload;
    detail::append_big_endian(payload, cosignature_key_id(name, detail::ed25519_public_from_private(priv)), 4);
    detail::append_big_endian(payload, unix_seconds, 8);
    payload += detail::bytes_view(detail::ed25519_sign(priv, cosignature_message(checkpoint_body, unix_seconds)));
    return std::string(detail::note_sig_prefix) + std::string(name) + " " + detail::base64_encode(payload) + "\n";
}

/// A witness's signing key: a name and an Ed25519 private key.
class cosigner {
public:
    /// A new random witness key named `name`.
    static cosigner generate(std::string name) { return cosigner(std::move(name), detail::ed25519_generate()); }
    /// The witness `name` with Ed25519 private key `priv`.
    cosigner(std::string name, const detail::ed25519_private_key& priv)
        : name_(std::move(name)), priv_(priv), pub_(detail::ed25519_public_from_private(priv_)) {
        if (!detail::is_valid_key_name(name_))
            throw note_error("cosignature: witness name \"" + name_ + "\" is empty, not UTF-8, or has a space or '+'");
    }
    /// Parses a witness private key text, the Go note key shape with
    /// signature type 0x04:
    /// `PRIVATE+KEY+<name>+<8 hex cosignature key id>+<base64(0x04 || Ed25519 private key)>`.
    /// Throws note_error naming the bad part.
    explicit cosigner(std::string_view private_key_text) {
        constexpr std::string_view prefix = "PRIVATE+KEY+";
        if (private_key_text.substr(0, prefix.size()) != prefix)
            throw note_error("witness private key: does not start with \"PRIVATE+KEY+\"");
        const std::string_view rest = private_key_text.substr(prefix.size());
        const std::size_t p1 = rest.find('+');
        const std::size_t p2 = p1 == std::string_view::npos ? p1 : rest.find('+', p1 + 1);
        if (p2 == std::string_view::npos)
            throw note_error("witness private key: expected PRIVATE+KEY+<name>+<key id>+<key>");
        name_ = std::string(rest.substr(0, p1));
        if (!detail::is_valid_key_name(name_))
            throw note_error("witness private key: key name \"" + name_ + "\" is empty, not UTF-8, or has a space or '+'");
        const auto id = detail::parse_key_id_hex(rest.substr(p1 + 1, p2 - p1 - 1));
        if (!id)
            throw note_error("witness private key: key id \"" + std::string(rest.substr(p1 + 1, p2 - p1 - 1)) +
                             "\" is not 8 hex digits");
        const auto raw = detail::base64_decode(rest.substr(p2 + 1));
        if (!raw) throw note_error("witness private key: key material is not canonical base64");
        if (raw->empty() || static_cast<unsigned char>((*raw)[0]) != static_cast<unsigned char>(note_key_type::cosignature))
            throw note_error("witness private key: signature type is not 0x04 (cosignature/v1)");
        if (raw->size() != 33)
            throw note_error("witness private key: Ed25519 key is " + std::to_string(raw->size() - 1) +
                             " bytes, expected 32");
        for (std::size_t i = 0; i < 32; ++i) priv_[i] = static_cast<unsigned char>((*raw)[i + 1]);
        pub_ = detail::ed25519_public_from_private(priv_);
        if (*id != key_id())
            throw note_error("witness private key: key id " + detail::key_id_hex(*id) +
                             " does not match the key (expected " + detail::key_id_hex(key_id()) + ")");
    }
    /// The witness name.
    const std::string& name() const noexcept { return name_; }
    /// The private key text (secret), as the text constructor parses it.
    std::string private_key() const {
        std::string material(1, static_cast<char>(note_key_type::cosignature));
        material += detail::bytes_view(priv_);
        return "PRIVATE+KEY+" + name_ + "+" + detail::key_id_hex(key_id()) + "+" + detail::base64_encode(material);
    }
    /// The cosignature/v1 key id.
    std::uint32_t key_id() const { return cosignature_key_id(name_, pub_); }
    /// The Ed25519 public key.
    const detail::ed25519_public_key& public_key() const noexcept { return pub_; }
    /// The verifier (signature type 0x04) for this witness.
    note_verifier verifier() const { return note_verifier(name_, pub_, note_key_type::cosignature); }
    /// The verifier key text `<name>+<key id>+<base64(0x04 || public key)>`.
    std::string verifier_key() const { return verifier().verifier_key(); }
    /// The cosignature line of `checkpoint_body` at `unix_seconds`.
    std::string cosign(std::string_view checkpoint_body, std::uint64_t unix_seconds) const {
        return aitrail::cosign(checkpoint_body, name_, priv_, unix_seconds);
    }

private:
    std::string name_;
    detail::ed25519_private_key priv_{};
    detail::ed25519_public_key pub_{};
};

/// Checks one cosignature line (with or without its final newline) of
/// `checkpoint_body` by `witness` (a type 0x04 verifier) and returns its
/// timestamp. Throws note_error naming what does not match.
inline std::uint64_t verify_cosignature(std::string_view checkpoint_body, std::string_view line,
                                        const note_verifier& witness) {
    if (witness.type() != note_key_type::cosignature)
        throw note_error("cosignature: verifier key " + witness.name() + " is not a cosignature (type 0x04) key");
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    if (line.substr(0, detail::note_sig_prefix.size()) != detail::note_sig_prefix)
        throw note_error("cosignature: malformed signature line (expected \"\xE2\x80\x94 <key name> <base64>\")");
    line.remove_prefix(detail::note_sig_prefix.size());
    const std::size_t sp = line.find(' ');
    if (sp == std::string_view::npos) throw note_error("cosignature: malformed signature line (no space after the name)");
    if (line.substr(0, sp) != witness.name())
        throw note_error("cosignature: signed by \"" + std::string(line.substr(0, sp)) + "\", expected witness \"" +
                         witness.name() + "\"");
    const auto raw = detail::base64_decode(line.substr(sp + 1));
    if (!raw) throw note_error("cosignature: signature is not canonical base64");
    if (raw->size() != 4 + 8 + 64)
        throw note_error("cosignature: payload is " + std::to_string(raw->size()) +
                         " bytes, expected 76 (key id, timestamp, Ed25519 signature)");
    std::uint32_t id = 0;
    for (std::size_t i = 0; i < 4; ++i) id = (id << 8) | static_cast<unsigned char>((*raw)[i]);
    if (id != witness.key_id())
        throw note_error("cosignature: key id " + detail::key_id_hex(id) + " is not the witness's " +
                         detail::key_id_hex(witness.key_id()));
    std::uint64_t t = 0;
    for (std::size_t i = 4; i < 12; ++i) t = (t << 8) | static_cast<unsigned char>((*raw)[i]);
    if (t > max_cosignature_timestamp) throw note_error("cosignature: timestamp exceeds 2^63 - 1");
    if (!witness.verify(checkpoint_body, std::string_view(*raw).substr(4)))
        throw note_error("cosignature: signature by witness " + witness.name() + "+" +
                         detail::key_id_hex(witness.key_id()) + " does not verify");
    return t;
}

}  // namespace v1
}  // namespace aitrail
