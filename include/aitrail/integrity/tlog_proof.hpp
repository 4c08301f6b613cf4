#pragma once
/// @file tlog_proof.hpp
/// Offline proofs of inclusion in a transparency log (c2sp.org/tlog-proof,
/// version v1): an entry's index, its inclusion proof and the signed (and
/// possibly cosigned) checkpoint it leads to, as one text file.

#include <aitrail/config.hpp>
#include <aitrail/detail/base64.hpp>
#include <aitrail/detail/note_text.hpp>
#include <aitrail/integrity/checkpoint.hpp>
#include <aitrail/integrity/hasher.hpp>
#include <aitrail/integrity/merkle_verify.hpp>
#include <aitrail/integrity/signed_note.hpp>

#include <cstddef>      // size_t
#include <cstdint>      // uint64_t
#include <optional>     // optional
#include <span>         // span
#include <stdexcept>    // runtime_error
#include <string>       // string, to_string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// A proof text that is malformed or does not verify; the message says where.
class tlog_proof_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The first line of every tlog-proof.
inline constexpr std::string_view tlog_proof_header = "c2sp.org/tlog-proof@v1";

/// The parts of a tlog-proof.
struct tlog_proof {
    std::uint64_t index = 0;            ///< zero-based index of the entry in the log
    std::vector<digest> hashes;         ///< inclusion proof, from the leaf's sibling up
    std::string checkpoint_note;        ///< the signed checkpoint note, verbatim
    std::optional<std::string> extra;   ///< opaque extra data (raw bytes; base64 in the text), not authenticated

    /// Field-wise equality.
    friend bool operator==(const tlog_proof&, const tlog_proof&) = default;
};

/// The text of `proof`: header, optional `extra <base64>`, `index <n>`, one
/// base64 hash a line, a blank line, then the checkpoint note.
inline std::string format_tlog_proof(const tlog_proof& proof) {
    if (proof.checkpoint_note.empty()) throw tlog_proof_error("tlog-proof: checkpoint note is empty");
    std::string out(tlog_proof_header);
    out += '\n';
    if (proof.extra) out += "extra " + detail::base64_encode(*proof.extra) + "\n";
    out += "index " + std::to_string(proof.index) + "\n";
    for (const digest& h : proof.hashes) out += detail::base64_encode(detail::bytes_view(h)) + "\n";
    out += '\n';
    out += proof.checkpoint_note;
    return out;
}

/// Parses a tlog-proof strictly; throws tlog_proof_error naming the line.
/// The checkpoint note is kept as written: verify_tlog_proof opens it.
inline tlog_proof parse_tlog_proof(std::string_view text) {
    tlog_proof proof;
    std::size_t line_no = 0;
    auto next_line = [&](std::string_view what) {
        ++line_no;
        const std::size_t nl = text.find('\n');
        if (nl == std::string_view::npos)
            throw tlog_proof_error("tlog-proof: line " + std::to_string(line_no) + ": missing (expected " +
                                   std::string(what) + ")");
        const std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl + 1);
        return line;
    };
    auto where = [&] { return "tlog-proof: line " + std::to_string(line_no) + ": "; };
    if (next_line("the header") != tlog_proof_header)
        throw tlog_proof_error(where() + "expected the header \"" + std::string(tlog_proof_header) + "\"");
    std::string_view line = next_line("\"extra\" or \"index\"");
    if (line.substr(0, 6) == "extra ") {
        auto extra = detail::base64_decode(line.substr(6));
        if (!extra) throw tlog_proof_error(where() + "extra data is not canonical base64");
        proof.extra = std::move(*extra);
        line = next_line("\"index <n>\"");
    }
    if (line.substr(0, 6) != "index ") throw tlog_proof_error(where() + "expected \"index <n>\"");
    const auto index = detail::parse_canonical_decimal(line.substr(6));
    if (!index) throw tlog_proof_error(where() + "index is not a decimal number without leading zeros");
    proof.index = *index;
    while (!(line = next_line("a proof hash or the blank line")).empty()) {
        if (proof.hashes.size() == 64)
            throw tlog_proof_error(where() + "more than 64 proof hashes (no tree is that deep)");
        const auto h = detail::base64_decode(line);
        if (!h) throw tlog_proof_error(where() + "proof hash is not canonical base64");
        if (h->size() != 32)
            throw tlog_proof_error(where() + "proof hash is " + std::to_string(h->size()) + " bytes, expected 32");
        digest d{};
        for (std::size_t i = 0; i < d.size(); ++i) d[i] = static_cast<unsigned char>((*h)[i]);
        proof.hashes.push_back(d);
    }
    if (text.empty()) throw tlog_proof_error("tlog-proof: no checkpoint after the blank line");
    proof.checkpoint_note = std::string(text);
    return proof;
}

/// Verifies `proof` for the entry whose RFC 6962 leaf hash is `leaf_hash`:
/// the checkpoint must open with `verifiers` (open_checkpoint: signed by the
/// log key named as its origin) and the inclusion proof must lead from the
/// leaf at the proof's index to the checkpoint's root. Returns the opened
/// checkpoint (with any cosignatures that verified); throws on failure.
inline opened_checkpoint verify_tlog_proof(const tlog_proof& proof, const digest& leaf_hash,
                                           std::span<const note_verifier> verifiers) {
    opened_checkpoint cp = open_checkpoint(proof.checkpoint_note, verifiers);
    const proof_check check = verify_inclusion(leaf_hash, proof.index, cp.cp.size, proof.hashes, cp.cp.root);
    if (!check) throw tlog_proof_error("tlog-proof: " + check.error);
    return cp;
}

}  // namespace v1
}  // namespace aitrail
