#pragma once
/// @file signed_note.hpp
/// C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, byte for byte
/// as Go's golang.org/x/mod/sumdb/note writes and opens them, so that a
/// checkpoint we sign verifies there and one signed there verifies here.

#include <aitrail/config.hpp>
#include <aitrail/detail/base64.hpp>
#include <aitrail/detail/note_text.hpp>
#include <aitrail/detail/openssl.hpp>

#include <algorithm>    // count
#include <array>        // array
#include <cstddef>      // size_t
#include <cstdint>      // uint32_t, uint64_t, uint8_t
#include <functional>   // less
#include <set>          // set
#include <span>         // span
#include <stdexcept>    // runtime_error
#include <string>       // string, to_string
#include <string_view>  // string_view
#include <tuple>        // tie
#include <utility>      // move, pair
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// A signed note, a key text or a signature that is malformed or does not
/// verify. The message names the format, the place and the problem.
class note_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Signature type bytes of the C2SP registry that aitrail implements.
enum class note_key_type : std::uint8_t {
    ed25519 = 0x01,      ///< Ed25519 over the note text (c2sp.org/signed-note)
    cosignature = 0x04,  ///< timestamped Ed25519 witness cosignature (cosignature/v1)
};

/// One signature line of a note: the key's name, its id and the base64
/// payload exactly as written (key id, then the signature bytes).
struct note_signature {
    std::string name;          ///< key name
    std::uint32_t key_id = 0;  ///< key id (first 4 bytes of the payload)
    std::string base64;        ///< the payload as written on the line
};

namespace detail {

/// The separator between a signature line's dash and the key name: U+2014 EM DASH, then a space.
inline constexpr std::string_view note_sig_prefix = "\xE2\x80\x94 ";
/// The most signature lines open_note reads, as Go's note.Open.
inline constexpr std::size_t note_max_signatures = 100;

/// key id = SHA-256(name || 0x0A || type || public key)[:4], big-endian.
inline std::uint32_t note_key_id(std::string_view name, note_key_type type, const ed25519_public_key& pub) {
    const char t = static_cast<char>(type);
    const auto h = sha256_of({name, "\n", std::string_view(&t, 1),
                              std::string_view(reinterpret_cast<const char*>(pub.data()), pub.size())});
    return (std::uint32_t{h[0]} << 24) | (std::uint32_t{h[1]} << 16) | (std::uint32_t{h[2]} << 8) | h[3];
}

/// `n` big-endian bytes of `v`, appended to `out`.
inline void append_big_endian(std::string& out, std::uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

/// The bytes of a byte array as a string_view.
template <std::size_t N>
std::string_view bytes_view(const std::array<unsigned char, N>& a) {
    return {reinterpret_cast<const char*>(a.data()), N};
}

/// The message a cosignature/v1 signs (c2sp.org/tlog-cosignature): a header
/// line, a time line, then the whole checkpoint body.
inline std::string cosignature_v1_message(std::string_view body, std::uint64_t unix_seconds) {
    return "cosignature/v1\ntime " + std::to_string(unix_seconds) + "\n" + std::string(body);
}

/// Splits "<type><32 bytes>" key material, naming what is wrong in errors.
inline std::pair<note_key_type, ed25519_public_key> split_key_material(std::string_view what, std::string_view raw) {
    if (raw.empty()) throw note_error(std::string(what) + ": key material is empty");
    const auto type = static_cast<unsigned char>(raw[0]);
    if (type != static_cast<unsigned char>(note_key_type::ed25519) &&
        type != static_cast<unsigned char>(note_key_type::cosignature))
        throw note_error(std::string(what) + ": unknown signature type 0x" + key_id_hex(type).substr(6));
    if (raw.size() != 33)
        throw note_error(std::string(what) + ": Ed25519 key is " + std::to_string(raw.size() - 1) +
                         " bytes, expected 32");
    ed25519_public_key key{};
    for (std::size_t i = 0; i < 32; ++i) key[i] = static_cast<unsigned char>(raw[i + 1]);
    return {static_cast<note_key_type>(type), key};
}

}  // namespace detail

/// Checks signatures by one key. Built from a verifier key text
/// `<name>+<8 hex key id>+<base64(type || 32-byte public key)>`; type 0x01
/// keys check Ed25519 note signatures, type 0x04 keys check witness
/// cosignatures (whose payload starts with a timestamp).
class note_verifier {
public:
    /// Parses a verifier key text; throws note_error naming the bad part.
    explicit note_verifier(std::string_view vkey) {
        const std::size_t p1 = vkey.find('+');
        const std::size_t p2 = p1 == std::string_view::npos ? p1 : vkey.find('+', p1 + 1);
        if (p2 == std::string_view::npos)
            throw note_error("verifier key: expected <name>+<key id>+<key>, found fewer than three '+' separated parts");
        name_ = std::string(vkey.substr(0, p1));
        if (!detail::is_valid_key_name(name_))
            throw note_error("verifier key: key name \"" + name_ + "\" is empty, not UTF-8, or has a space or '+'");
        const auto id = detail::parse_key_id_hex(vkey.substr(p1 + 1, p2 - p1 - 1));
        if (!id) throw note_error("verifier key: key id \"" + std::string(vkey.substr(p1 + 1, p2 - p1 - 1)) + "\" is not 8 hex digits");
        const auto raw = detail::base64_decode(vkey.substr(p2 + 1));
        if (!raw) throw note_error("verifier key: key material is not canonical base64");
        std::tie(type_, key_) = detail::split_key_material("verifier key", *raw);
        id_ = detail::note_key_id(name_, type_, key_);
        if (*id != id_)
            throw note_error("verifier key: key id " + detail::key_id_hex(*id) + " does not match the key (expected " +
                             detail::key_id_hex(id_) + ")");
    }
    /// A verifier for `pub` under `name` with the given signature type.
    note_verifier(std::string name, const detail::ed25519_public_key& pub, note_key_type type = note_key_type::ed25519)
        : name_(std::move(name)), type_(type), key_(pub) {
        if (!detail::is_valid_key_name(name_))
            throw note_error("note key: key name \"" + name_ + "\" is empty, not UTF-8, or has a space or '+'");
        id_ = detail::note_key_id(name_, type_, key_);
    }

    /// The key name.
    const std::string& name() const noexcept { return name_; }
    /// The key id.
    std::uint32_t key_id() const noexcept { return id_; }
    /// The signature type.
    note_key_type type() const noexcept { return type_; }
    /// The Ed25519 public key.
    const detail::ed25519_public_key& public_key() const noexcept { return key_; }
    /// The verifier key text this verifier is built from.
    std::string verifier_key() const {
        std::string material(1, static_cast<char>(type_));
        material += detail::bytes_view(key_);
        return name_ + "+" + detail::key_id_hex(id_) + "+" + detail::base64_encode(material);
    }
    /// True if `sig` (the payload after the key id) is this key's signature
    /// of the note text `body`.
    bool verify(std::string_view body, std::string_view sig) const {
        detail::ed25519_signature s{};
        if (type_ == note_key_type::ed25519) {
            if (sig.size() != s.size()) return false;
            for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<unsigned char>(sig[i]);
            return detail::ed25519_verify(key_, body, s);
        }
        // cosignature/v1: timestamp (8 bytes, big-endian), then the signature.
        if (sig.size() != 8 + s.size()) return false;
        std::uint64_t t = 0;
        for (std::size_t i = 0; i < 8; ++i) t = (t << 8) | static_cast<unsigned char>(sig[i]);
        if (t >> 63) return false;  // the spec caps timestamps at 2^63 - 1
        for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<unsigned char>(sig[8 + i]);
        return detail::ed25519_verify(key_, detail::cosignature_v1_message(body, t), s);
    }

private:
    std::string name_;
    std::uint32_t id_ = 0;
    note_key_type type_ = note_key_type::ed25519;
    detail::ed25519_public_key key_{};
};

/// Signs note texts with one Ed25519 key (signature type 0x01). Its key text
/// is Go's `PRIVATE+KEY+<name>+<8 hex key id>+<base64(0x01 || 32-byte Ed25519 private key)>`,
/// which must be kept secret.
class note_signer {
public:
    /// A new random key named `name`.
    static note_signer generate(std::string name) { return note_signer(std::move(name), detail::ed25519_generate()); }

    /// Parses a private key text; throws note_error naming the bad part.
    explicit note_signer(std::string_view skey) {
        constexpr std::string_view prefix = "PRIVATE+KEY+";
        if (skey.substr(0, prefix.size()) != prefix)
            throw note_error("private key: does not start with \"PRIVATE+KEY+\"");
        const note_verifier_parts parts = split(skey.substr(prefix.size()));
        const auto raw = detail::base64_decode(parts.material);
        if (!raw) throw note_error("private key: key material is not canonical base64");
        if (raw->empty() || static_cast<unsigned char>((*raw)[0]) != 0x01)
            throw note_error("private key: signature type is not 0x01 (Ed25519)");
        if (raw->size() != 33)
            throw note_error("private key: Ed25519 key is " + std::to_string(raw->size() - 1) + " bytes, expected 32");
        for (std::size_t i = 0; i < 32; ++i) priv_[i] = static_cast<unsigned char>((*raw)[i + 1]);
        name_ = std::string(parts.name);
        init();
        if (parts.id != id_)
            throw note_error("private key: key id " + detail::key_id_hex(parts.id) + " does not match the key (expected " +
                             detail::key_id_hex(id_) + ")");
    }
    /// A signer for the Ed25519 private key `priv` under `name`.
    note_signer(std::string name, const detail::ed25519_private_key& priv) : name_(std::move(name)), priv_(priv) {
        if (!detail::is_valid_key_name(name_))
            throw note_error("note key: key name \"" + name_ + "\" is empty, not UTF-8, or has a space or '+'");
        init();
    }

    /// The key name.
    const std::string& name() const noexcept { return name_; }
    /// The key id.
    std::uint32_t key_id() const noexcept { return id_; }
    /// The Ed25519 public key.
    const detail::ed25519_public_key& public_key() const noexcept { return pub_; }
    /// The verifier for this key.
    note_verifier verifier() const { return note_verifier(name_, pub_); }
    /// The verifier key text to hand to verifiers.
    std::string verifier_key() const { return verifier().verifier_key(); }
    /// The private key text (secret).
    std::string private_key() const {
        std::string material(1, '\x01');
        material += detail::bytes_view(priv_);
        return "PRIVATE+KEY+" + name_ + "+" + detail::key_id_hex(id_) + "+" + detail::base64_encode(material);
    }
    /// The signature line (`— <name> <base64>\n`) of note text `body`.
    std::string sign(std::string_view body) const {
        std::string payload;
        detail::append_big_endian(payload, id_, 4);
        payload += detail::bytes_view(detail::ed25519_sign(priv_, body));
        return std::string(detail::note_sig_prefix) + name_ + " " + detail::base64_encode(payload) + "\n";
    }

private:
    struct note_verifier_parts {
        std::string_view name;
        std::uint32_t id;
        std::string_view material;
    };
    static note_verifier_parts split(std::string_view rest) {
        const std::size_t p1 = rest.find('+');
        const std::size_t p2 = p1 == std::string_view::npos ? p1 : rest.find('+', p1 + 1);
        if (p2 == std::string_view::npos)
            throw note_error("private key: expected PRIVATE+KEY+<name>+<key id>+<key>");
        if (!detail::is_valid_key_name(rest.substr(0, p1)))
            throw note_error("private key: key name \"" + std::string(rest.substr(0, p1)) +
                             "\" is empty, not UTF-8, or has a space or '+'");
        const auto id = detail::parse_key_id_hex(rest.substr(p1 + 1, p2 - p1 - 1));
        if (!id) throw note_error("private key: key id \"" + std::string(rest.substr(p1 + 1, p2 - p1 - 1)) + "\" is not 8 hex digits");
        return {rest.substr(0, p1), *id, rest.substr(p2 + 1)};
    }
    void init() {
        pub_ = detail::ed25519_public_from_private(priv_);
        id_ = detail::note_key_id(name_, note_key_type::ed25519, pub_);
    }

    std::string name_;
    std::uint32_t id_ = 0;
    detail::ed25519_private_key priv_{};
    detail::ed25519_public_key pub_{};
};

/// A note whose signatures were checked: its text, the signatures that
/// verified (in order, each key once) and those by unknown keys.
struct opened_note {
    std::string body;                         ///< the note text, final newline included
    std::vector<note_signature> verified;     ///< signatures by known keys, all verified
    std::vector<note_signature> unverified;   ///< signatures by keys not given (not checked)
};

/// Checks that `body` may be a note text; throws note_error otherwise.
inline void check_note_body(std::string_view body) {
    if (body.empty() || body.back() != '\n') throw note_error("signed note: text is empty or does not end in a newline");
    if (auto problem = detail::note_text_problem(body)) throw note_error("signed note: text " + *problem);
}

/// The signed note of `body` with one signature line per signer, in order.
inline std::string sign_note(std::string_view body, std::span<const note_signer> signers) {
    check_note_body(body);
    if (signers.empty()) throw note_error("signed note: no signer given");
    std::string out(body);
    out += '\n';
    for (const note_signer& s : signers) out += s.sign(body);
    return out;
}

/// The signed note of `body` signed by `signer`.
inline std::string sign_note(std::string_view body, const note_signer& signer) {
    return sign_note(body, std::span<const note_signer>(&signer, 1));
}

/// Opens a signed note as Go's note.Open does: signatures by keys not in
/// `verifiers` are kept unverified, one by a known key must verify, and at
/// least one must. Throws note_error naming the line and the problem.
inline opened_note open_note(std::string_view text, std::span<const note_verifier> verifiers) {
    if (auto problem = detail::note_text_problem(text)) throw note_error("signed note: " + *problem);
    const std::size_t split = text.rfind("\n\n");
    if (split == std::string_view::npos)
        throw note_error("signed note: no blank line separates the text from the signatures");
    opened_note note;
    note.body = std::string(text.substr(0, split + 1));
    std::string_view sigs = text.substr(split + 2);
    if (sigs.empty() || sigs.back() != '\n')
        throw note_error("signed note: the signature lines are missing or do not end in a newline");
    std::size_t line_no = static_cast<std::size_t>(std::count(note.body.begin(), note.body.end(), '\n')) + 2;
    std::set<std::pair<std::string, std::uint32_t>> seen;
    std::set<std::string, std::less<>> seen_unverified;
    std::size_t count = 0;
    for (; !sigs.empty(); ++line_no) {
        const std::size_t nl = sigs.find('\n');
        const std::string_view line = sigs.substr(0, nl);
        sigs.remove_prefix(nl + 1);
        const std::string where = "signed note: line " + std::to_string(line_no) + ": ";
        if (line.substr(0, detail::note_sig_prefix.size()) != detail::note_sig_prefix)
            throw note_error(where + "malformed signature line (expected \"\xE2\x80\x94 <key name> <base64>\")");
        const std::string_view rest = line.substr(detail::note_sig_prefix.size());
        const std::size_t sp = rest.find(' ');
        const std::string_view name = rest.substr(0, sp);
        const std::string_view b64 = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp + 1);
        if (!detail::is_valid_key_name(name)) throw note_error(where + "malformed signature line (bad key name)");
        const auto raw = detail::base64_decode(b64);
        if (b64.empty() || !raw) throw note_error(where + "malformed signature line (signature is not base64)");
        if (raw->size() < 5) throw note_error(where + "malformed signature line (signature is shorter than 5 bytes)");
        if (++count > detail::note_max_signatures)
            throw note_error("signed note: more than " + std::to_string(detail::note_max_signatures) + " signatures");
        std::uint32_t id = 0;
        for (std::size_t i = 0; i < 4; ++i) id = (id << 8) | static_cast<unsigned char>((*raw)[i]);
        const note_verifier* known = nullptr;
        for (const note_verifier& v : verifiers) {
            if (v.name() != name || v.key_id() != id) continue;
            if (known != nullptr)
                throw note_error(where + "ambiguous key " + std::string(name) + "+" + detail::key_id_hex(id) +
                                 " (two verifiers share its name and id)");
            known = &v;
        }
        note_signature sig{std::string(name), id, std::string(b64)};
        if (known == nullptr) {
            // The same unknown line twice is kept once, as Go does.
            if (seen_unverified.insert(std::string(line)).second) note.unverified.push_back(std::move(sig));
            continue;
        }
        if (!seen.insert({sig.name, id}).second) continue;  // a key's first signature counts, as in Go
        if (!known->verify(note.body, std::string_view(*raw).substr(4)))
            throw note_error(where + "signature by key " + sig.name + "+" + detail::key_id_hex(id) + " does not verify");
        note.verified.push_back(std::move(sig));
    }
    if (note.verified.empty())
        throw note_error("signed note: no signature by a known key (" + std::to_string(note.unverified.size()) +
                         " by unknown keys)");
    return note;
}

/// Opens a note known to one key.
inline opened_note open_note(std::string_view text, const note_verifier& verifier) {
    return open_note(text, std::span<const note_verifier>(&verifier, 1));
}

}  // namespace v1
}  // namespace aitrail
