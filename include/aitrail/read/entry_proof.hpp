#pragma once
/// @file entry_proof.hpp
/// Proofs that one entry is in a trail, for auditors who do not have the
/// trail: a c2sp.org/tlog-proof@v1 whose `extra` carries the entry's line,
/// so the auditor sees the record and not just a hash. The `extra` bytes
/// are one or two lines, each ending in '\n':
///
///     [hasher <name>]      only when the trail's hasher is not sha256
///     <the entry's line>   canonical JSON; without `content` unless asked
///
/// Dropping `content` keeps the entry hash: content is bound through the
/// digests in `rec`, and the hash covers `{` + the line from `"prev"` on.
/// The verifier recomputes the entry hash from the line (SHA-256), takes
/// RFC 6962 leaf = SHA-256(0x00 || 32 hash bytes), and checks the inclusion
/// proof against the checkpoint it opened with the log's key. A line of a
/// keyed trail (hmac-sha256) cannot be re-hashed without the key: then only
/// the leaf of its stated hash is proven, and the result says so.

#include <aitrail/config.hpp>
#include <aitrail/detail/openssl.hpp>
#include <aitrail/integrity/checkpoint.hpp>
#include <aitrail/integrity/hasher.hpp>
#include <aitrail/integrity/merkle.hpp>
#include <aitrail/integrity/merkle_verify.hpp>
#include <aitrail/integrity/proof_hashes.hpp>
#include <aitrail/integrity/tiles.hpp>
#include <aitrail/integrity/tlog_proof.hpp>
#include <aitrail/read/line_check.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>      // uint64_t
#include <optional>     // optional
#include <span>         // span
#include <string>       // string, to_string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {

/// The `extra` of an entry proof (see the file comment) for the entry line
/// `line`; `hasher` is the trail's ("sha256" when unsure: a keyed trail's
/// verifier then reports a hash that does not recompute).
inline std::string entry_proof_extra(std::string_view line, bool with_content, std::string_view hasher = "sha256") {
    detail::entry_view e;
    if (auto why = detail::parse_envelope(line, e)) throw tlog_proof_error("entry proof: the line is not a trail entry: " + *why);
    std::string out;
    if (hasher != hashers::sha256::name) out += "hasher " + std::string(hasher) + "\n";
    if (!with_content && !e.content.empty()) {
        // {"content":{...},"hash":... -> {"hash":... (content sorts first)
        const auto after = static_cast<std::size_t>(e.content.data() - line.data()) + e.content.size() + 1;
        out += "{";
        out += line.substr(after);
    } else {
        out += line;
    }
    out += '\n';
    return out;
}

/// The tlog-proof of the entry `line` (seq = its index) in the tree of the
/// checkpoint `checkpoint_note`, read through `tiles`. The proof is checked
/// against the checkpoint's root before it is returned, so a trail whose
/// tiles or line disagree with the checkpoint yields an error, not a proof.
inline tlog_proof prove_entry(std::string_view line, const std::string& checkpoint_note, const tile_source& tiles,
                              bool with_content = false, std::string_view hasher = "sha256") {
    detail::entry_view e;
    if (auto why = detail::parse_envelope(line, e)) throw tlog_proof_error("entry proof: the line is not a trail entry: " + *why);
    const auto split = checkpoint_note.rfind("\n\n");
    if (split == std::string::npos) throw tlog_proof_error("entry proof: the checkpoint is not a signed note");
    const checkpoint cp = parse_checkpoint_body(std::string_view(checkpoint_note).substr(0, split + 1));
    if (e.seq >= cp.size)
        throw tlog_proof_error("entry proof: entry seq " + std::to_string(e.seq) + " is not covered by checkpoint size " +
                               std::to_string(cp.size) + " (sign a newer checkpoint: aitrail checkpoint)");
    tlog_proof proof;
    proof.index = e.seq;
    tile_hash_reader reader(cp.size, tiles);
    proof.hashes = merkle_inclusion_proof(e.seq, cp.size, reader);
    const digest leaf = merkle_leaf_hash(*digest_from_hex(e.hash));
    if (const proof_check check = verify_inclusion(leaf, e.seq, cp.size, proof.hashes, cp.root); !check)
        throw tlog_proof_error("entry proof: entry seq " + std::to_string(e.seq) +
                               " and the trail's tiles do not lead to the root of checkpoint size " +
                               std::to_string(cp.size) + " (" + check.error + "): run aitrail verify");
    proof.extra = entry_proof_extra(line, with_content, hasher);
    proof.checkpoint_note = checkpoint_note;
    return proof;
}

/// What an entry proof proved.
struct proven_entry {
    opened_checkpoint checkpoint;  ///< the checkpoint, opened with the keys given
    std::uint64_t index = 0;       ///< the entry's index (its seq)
    std::string line;              ///< the entry's line as carried
    std::string hasher = "sha256"; ///< the trail's hasher as carried
    bool rehashed = false;         ///< true when the entry hash was recomputed from the line
    nlohmann::json rec;            ///< the entry's record
};

/// Checks an entry proof offline: the checkpoint must open with
/// `verifiers`, the carried line must be an entry at the proof's index
/// whose hash recomputes (SHA-256 trails), and the inclusion proof must
/// lead from its leaf to the checkpoint's root. Throws tlog_proof_error (or
/// checkpoint_error, note_error) saying what failed.
inline proven_entry verify_entry_proof(const tlog_proof& proof, std::span<const note_verifier> verifiers) {
    if (!proof.extra) throw tlog_proof_error("entry proof: no extra data: the proof does not carry the entry's line");
    std::string_view extra = *proof.extra;
    proven_entry out;
    if (extra.starts_with("hasher ")) {
        const auto nl = extra.find('\n');
        if (nl == std::string_view::npos) throw tlog_proof_error("entry proof: extra: the hasher line has no newline");
        out.hasher = std::string(extra.substr(7, nl - 7));
        extra.remove_prefix(nl + 1);
    }
    if (extra.empty() || extra.back() != '\n' || extra.find('\n') != extra.size() - 1)
        throw tlog_proof_error("entry proof: extra: expected the entry's line ending in one newline");
    out.line = std::string(extra.substr(0, extra.size() - 1));
    detail::entry_view e;
    if (auto why = detail::parse_envelope(out.line, e))
        throw tlog_proof_error("entry proof: extra: the carried line is not a trail entry: " + *why);
    if (e.seq != proof.index)
        throw tlog_proof_error("entry proof: the carried line is seq " + std::to_string(e.seq) + " but the proof is for index " +
                               std::to_string(proof.index));
    const std::string_view text = out.line;
    if (out.hasher == hashers::sha256::name) {
        const digest h = detail::sha256_of({"{", text.substr(e.hashed_from)});
        if (to_hex(h) != e.hash)
            throw tlog_proof_error("entry proof: the carried line (seq " + std::to_string(e.seq) + ") hashes to " + to_hex(h) +
                                   " but states hash " + std::string(e.hash) + ": the line was altered");
        out.rehashed = true;
    }
    if (!e.content.empty()) {
        // Content carried: each body must match its digest in rec (as verify checks).
        const line_verdict v = check_line(text, nullptr, false);
        for (const auto& p : v.problems)
            if (p.kind == problem_kind::content_modified)
                throw tlog_proof_error("entry proof: the carried content does not match rec.digests: " + p.detail);
    }
    out.checkpoint = verify_tlog_proof(proof, merkle_leaf_hash(*digest_from_hex(e.hash)), verifiers);
    out.index = proof.index;
    out.rec = nlohmann::json::parse(e.rec, nullptr, false);
    return out;
}

}  // namespace v1
}  // namespace aitrail
