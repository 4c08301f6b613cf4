#pragma once
/// @file proof_hashes.hpp
/// Merkle proofs as text: one standard base64 hash a line, as the bodies of
/// c2sp.org/tlog-witness requests carry consistency proofs, so a proof can
/// be printed, mailed and checked by other tools. Also the digest <-> text
/// conversions the command-line tool needs without the library's internals.

#include <aitrail/config.hpp>
#include <aitrail/detail/base64.hpp>
#include <aitrail/detail/hex.hpp>
#include <aitrail/integrity/hasher.hpp>
#include <aitrail/integrity/merkle.hpp>

#include <cstddef>      // size_t
#include <optional>     // optional
#include <span>         // span
#include <stdexcept>    // runtime_error
#include <string>       // string, to_string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// Proof text that is malformed; the message names the line.
class proof_text_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Standard base64 (RFC 4648 §4, padded) of a hash, as checkpoints write roots.
inline std::string digest_base64(const digest& d) { return detail::base64_encode(detail::digest_bytes(d)); }

/// The hash written as canonical base64 of 32 bytes, or nullopt.
inline std::optional<digest> digest_from_base64(std::string_view text) {
    const auto raw = detail::base64_decode(text);
    if (!raw || raw->size() != 32) return std::nullopt;
    digest d{};
    for (std::size_t i = 0; i < d.size(); ++i) d[i] = static_cast<unsigned char>((*raw)[i]);
    return d;
}

/// The hash written as 64 hex digits (either case), or nullopt.
inline std::optional<digest> digest_from_hex(std::string_view text) { return detail::from_hex<32>(text); }

/// `hashes` as text: one base64 hash a line, each ending in a newline
/// (empty for an empty proof).
inline std::string format_proof_hashes(std::span<const digest> hashes) {
    std::string out;
    for (const digest& h : hashes) out += digest_base64(h) + "\n";
    return out;
}

/// Parses the text format_proof_hashes() writes; a missing final newline is
/// accepted. Throws proof_text_error naming the line.
inline std::vector<digest> parse_proof_hashes(std::string_view text) {
    std::vector<digest> out;
    std::size_t line_no = 0;
    while (!text.empty()) {
        ++line_no;
        const std::size_t nl = text.find('\n');
        const std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        if (out.size() == 64) throw proof_text_error("proof: line " + std::to_string(line_no) + ": more than 64 hashes");
        const auto d = digest_from_base64(line);
        if (!d)
            throw proof_text_error("proof: line " + std::to_string(line_no) +
                                   ": not the canonical base64 of a 32-byte hash");
        out.push_back(*d);
    }
    return out;
}

}  // namespace v1
}  // namespace aitrail
