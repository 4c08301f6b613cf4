#pragma once
/// @file checkpoint.hpp
/// Transparency-log checkpoints (c2sp.org/tlog-checkpoint): the signed note
/// that commits a log to its tree size and RFC 6962 root hash.

#include <aitrail/config.hpp>
#include <aitrail/detail/base64.hpp>
#include <aitrail/detail/note_text.hpp>
#include <aitrail/integrity/hasher.hpp>
#include <aitrail/integrity/signed_note.hpp>

#include <cstddef>      // size_t
#include <cstdint>      // uint64_t
#include <span>         // span
#include <stdexcept>    // runtime_error
#include <string>       // string, to_string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// A checkpoint body that is malformed; the message names the line.
class checkpoint_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The three lines a log commits to, and any extension lines after them.
struct checkpoint {
    std::string origin;                   ///< the log's identity (line 1); its key name
    std::uint64_t size = 0;               ///< number of leaves (line 2)
    digest root{};                        ///< RFC 6962 root hash at that size (line 3)
    std::vector<std::string> extensions;  ///< opaque non-empty lines after the root (not recommended)

    /// Field-wise equality.
    friend bool operator==(const checkpoint&, const checkpoint&) = default;
};

/// The note text of `cp`: origin, size in decimal, base64 root, extensions,
/// each ending in a newline. Throws checkpoint_error for an empty origin or
/// extension line, or one holding a newline or a control character.
inline std::string format_checkpoint_body(const checkpoint& cp) {
    auto check_line = [](std::string_view what, std::string_view line) {
        if (line.empty()) throw checkpoint_error("checkpoint: " + std::string(what) + " is empty");
        if (line.find('\n') != std::string_view::npos)
            throw checkpoint_error("checkpoint: " + std::string(what) + " contains a newline");
        if (auto problem = detail::note_text_problem(line))
            throw checkpoint_error("checkpoint: " + std::string(what) + ": " + problem->substr(problem->find(": ") + 2));
    };
    check_line("origin", cp.origin);
    std::string out = cp.origin + "\n" + std::to_string(cp.size) + "\n" +
                      detail::base64_encode(detail::bytes_view(cp.root)) + "\n";
    for (std::size_t i = 0; i < cp.extensions.size(); ++i) {
        check_line("extension line " + std::to_string(i + 1), cp.extensions[i]);
        out += cp.extensions[i];
        out += '\n';
    }
    return out;
}

/// Parses a checkpoint body strictly: at least three lines, every line ending
/// in a newline and non-empty, a decimal size without leading zeros, and the
/// canonical base64 of exactly 32 bytes. Throws checkpoint_error naming the line.
inline checkpoint parse_checkpoint_body(std::string_view body) {
    if (body.empty() || body.back() != '\n') throw checkpoint_error("checkpoint: body does not end in a newline");
    std::vector<std::string_view> lines;
    for (std::size_t at = 0; at < body.size();) {
        const std::size_t nl = body.find('\n', at);
        lines.push_back(body.substr(at, nl - at));
        at = nl + 1;
    }
    if (lines.size() < 3)
        throw checkpoint_error("checkpoint: body has " + std::to_string(lines.size()) +
                               " lines, expected origin, size and root hash");
    for (std::size_t i = 0; i < lines.size(); ++i)
        if (lines[i].empty()) throw checkpoint_error("checkpoint: line " + std::to_string(i + 1) + " is empty");
    if (auto problem = detail::note_text_problem(body)) throw checkpoint_error("checkpoint: " + *problem);
    checkpoint cp;
    cp.origin = std::string(lines[0]);
    const auto size = detail::parse_canonical_decimal(lines[1]);
    if (!size)
        throw checkpoint_error("checkpoint: line 2: tree size \"" + std::string(lines[1]) +
                               "\" is not a decimal number without leading zeros");
    cp.size = *size;
    const auto root = detail::base64_decode(lines[2]);
    if (!root) throw checkpoint_error("checkpoint: line 3: root hash is not canonical base64");
    if (root->size() != cp.root.size())
        throw checkpoint_error("checkpoint: line 3: root hash is " + std::to_string(root->size()) +
                               " bytes, expected 32");
    for (std::size_t i = 0; i < cp.root.size(); ++i) cp.root[i] = static_cast<unsigned char>((*root)[i]);
    for (std::size_t i = 3; i < lines.size(); ++i) cp.extensions.emplace_back(lines[i]);
    return cp;
}

/// The signed checkpoint note of `cp` by the log key `signer`, whose name
/// must be the origin (so that verifiers find the log's key by the origin).
inline std::string sign_checkpoint(const checkpoint& cp, const note_signer& signer) {
    if (signer.name() != cp.origin)
        throw checkpoint_error("checkpoint: signer key name \"" + signer.name() + "\" is not the origin \"" +
                               cp.origin + "\"");
    return sign_note(format_checkpoint_body(cp), signer);
}

/// A checkpoint whose note verified, with the note's signatures.
struct opened_checkpoint {
    checkpoint cp;    ///< the parsed body
    opened_note note; ///< body and signatures as open_note returned them
};

/// Opens a signed checkpoint: the note must verify (open_note), its body must
/// parse, and one verified signature must be by an Ed25519 note key named as
/// the origin, so
/// that witness cosignatures alone never stand for the log's own signature.
inline opened_checkpoint open_checkpoint(std::string_view note_text, std::span<const note_verifier> verifiers) {
    opened_checkpoint out{checkpoint{}, open_note(note_text, verifiers)};
    out.cp = parse_checkpoint_body(out.note.body);
    bool by_log = false;
    for (const note_signature& sig : out.note.verified)
        for (const note_verifier& v : verifiers)
            by_log = by_log || (sig.name == out.cp.origin && v.name() == sig.name && v.key_id() == sig.key_id &&
                                v.type() == note_key_type::ed25519);
    if (!by_log)
        throw checkpoint_error("checkpoint: no verified signature by the log key \"" + out.cp.origin + "\"");
    return out;
}

/// Opens a checkpoint signed by one known log key.
inline opened_checkpoint open_checkpoint(std::string_view note_text, const note_verifier& log_key) {
    return open_checkpoint(note_text, std::span<const note_verifier>(&log_key, 1));
}

}  // namespace v1
}  // namespace aitrail
