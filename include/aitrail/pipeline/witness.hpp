#pragma once
/// @file witness.hpp
/// Witnesses: a checkpoint kept next to the trail is only as safe as the
/// trail, so it is also published to witnesses elsewhere, each of which
/// refuses a checkpoint inconsistent with the last one it accepted and may
/// answer with cosignatures (c2sp.org/tlog-cosignature). This header holds
/// the `witness` concept, its request and reply, the callback model, the
/// body of a c2sp.org/tlog-witness add-checkpoint request, and the function
/// that stores returned cosignatures with the checkpoint.
///
/// `witness`:
/// | Expression     | Type            | Semantics                                                             |
/// |----------------|-----------------|-----------------------------------------------------------------------|
/// | `w.publish(r)` | `witness_reply` | `r`: `const witness_request&`. Accepts the checkpoint (cosignatures, maybe none) or throws witness_error |
/// | `w.name()`     | `std::string`   | names the witness in messages and metrics (a URL, a directory)        |

#include <aitrail/config.hpp>
#include <aitrail/detail/base64.hpp>
#include <aitrail/detail/note_text.hpp>
#include <aitrail/integrity/checkpoint.hpp>
#include <aitrail/integrity/hasher.hpp>
#include <aitrail/integrity/signed_note.hpp>

#include <concepts>     // convertible_to, move_constructible
#include <cstddef>      // size_t
#include <cstdint>      // uint64_t
#include <functional>   // function
#include <optional>     // optional
#include <stdexcept>    // runtime_error, invalid_argument
#include <string>       // string, to_string
#include <string_view>  // string_view
#include <utility>      // move
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// What is published to a witness: the log's signed checkpoint, and a way to
/// prove it extends whatever the witness accepted before. The publisher knows
/// the tree; only the witness knows the size it last accepted, so the proof
/// is asked for on demand.
struct witness_request {
    std::string note;  ///< the signed checkpoint note, as the log signed it
    checkpoint cp;     ///< its parsed body
    /// The RFC 6962 consistency proof from `old_size` (0 < old_size <= cp.size) to cp.size.
    std::function<std::vector<digest>(std::uint64_t old_size)> consistency_proof;
};

/// What a witness answers when it accepts a checkpoint.
struct witness_reply {
    /// Signature lines (`— <witness> <base64>\n`), cosignature/v1 as a rule;
    /// empty for a witness that keeps checkpoints without cosigning them.
    std::vector<std::string> cosignatures;
};

/// A witness refused a checkpoint or could not be reached. The message reads
/// "witness <name> refused checkpoint <size>: <reason>".
class witness_error : public std::runtime_error {
public:
    /// `status` is the c2sp.org/tlog-witness HTTP status the refusal maps to
    /// (0: not a refusal, e.g. a network failure); `witness_size` is the size
    /// the witness holds when it said so (409 Conflict).
    witness_error(std::string witness, std::uint64_t size, const std::string& reason, int status = 0,
                  std::optional<std::uint64_t> witness_size = std::nullopt)
        : std::runtime_error("witness " + witness + " refused checkpoint " + std::to_string(size) + ": " + reason),
          witness_(std::move(witness)), reason_(reason), status_(status), witness_size_(witness_size) {}

    /// The witness's name.
    const std::string& witness() const noexcept { return witness_; }
    /// Why, without the witness and the size.
    const std::string& reason() const noexcept { return reason_; }
    /// 400, 403, 404, 409 or 422 as c2sp.org/tlog-witness answers; 0 otherwise.
    int status() const noexcept { return status_; }
    /// The size the witness last accepted, when it told.
    std::optional<std::uint64_t> witness_size() const noexcept { return witness_size_; }

private:
    std::string witness_;
    std::string reason_;
    int status_ = 0;
    std::optional<std::uint64_t> witness_size_;
};

/// Can be asked to accept a checkpoint.
template <class W>
concept publishing_witness = requires(W& w, const witness_request& r) {
    { w.publish(r) } -> std::convertible_to<witness_reply>;
};

/// Has a name for messages and metrics.
template <class W>
concept named_witness = requires(const W& w) {
    { w.name() } -> std::convertible_to<std::string>;
};

/// Somewhere a checkpoint can be published to.
template <class W>
concept witness = std::move_constructible<W> && publishing_witness<W> && named_witness<W>;

namespace detail {

/// Instantiated by witness_publisher for a user's witness type: one readable
/// message per missing member, before the compiler's own diagnostics.
template <class W>
struct witness_requirements {
    static_assert(std::move_constructible<W>, "aitrail: Witness must be move-constructible (the publisher keeps it)");
    static_assert(publishing_witness<W>,
                  "aitrail: Witness requires publish(const aitrail::witness_request&) returning aitrail::witness_reply "
                  "(throwing aitrail::witness_error when it refuses)");
    static_assert(named_witness<W>, "aitrail: Witness requires name() const returning std::string");
    static constexpr bool value = true;
};

}  // namespace detail

/// A witness that is a function: the user's own publishing (a queue, a
/// ticket system, another service). The function throws witness_error (or
/// any exception) to refuse.
class callback_witness {
public:
    /// The function type.
    using function = std::function<witness_reply(const witness_request&)>;
    /// A witness named `name` that calls `f`.
    callback_witness(std::string name, function f) : name_(std::move(name)), f_(std::move(f)) {}
    /// Calls the function.
    witness_reply publish(const witness_request& r) { return f_(r); }
    /// The name given.
    std::string name() const { return name_; }

private:
    std::string name_;
    function f_;
};

/// The body of a c2sp.org/tlog-witness add-checkpoint request, parsed.
struct add_checkpoint_body {
    std::uint64_t old_size = 0;  ///< the `old <size>` line
    std::vector<digest> proof;   ///< consistency proof lines
    std::string note;            ///< the signed checkpoint note
};

/// The add-checkpoint request body: `old <size>\n`, one base64 line per proof
/// hash, an empty line, then the signed checkpoint note.
inline std::string format_add_checkpoint_body(std::uint64_t old_size, const std::vector<digest>& proof,
                                              std::string_view note) {
    std::string out = "old " + std::to_string(old_size) + "\n";
    for (const digest& d : proof) out += detail::base64_encode(detail::bytes_view(d)) + "\n";
    out += "\n";
    out += note;
    return out;
}

/// Parses an add-checkpoint request body strictly (the spec allows at most
/// 63 proof lines); throws std::invalid_argument naming the line, which a
/// witness answers with 400 Bad Request.
inline add_checkpoint_body parse_add_checkpoint_body(std::string_view body) {
    add_checkpoint_body out;
    auto next_line = [&](std::size_t line_no) {
        const std::size_t nl = body.find('\n');
        if (nl == std::string_view::npos)
            throw std::invalid_argument("add-checkpoint: line " + std::to_string(line_no) + " does not end in a newline");
        const std::string_view line = body.substr(0, nl);
        body.remove_prefix(nl + 1);
        return line;
    };
    const std::string_view first = next_line(1);
    const auto old = first.substr(0, 4) == "old " ? detail::parse_canonical_decimal(first.substr(4)) : std::nullopt;
    if (!old) throw std::invalid_argument("add-checkpoint: line 1 is not \"old <size>\" with a decimal size");
    out.old_size = *old;
    for (std::size_t line_no = 2;; ++line_no) {
        const std::string_view line = next_line(line_no);
        if (line.empty()) break;
        if (out.proof.size() == 63) throw std::invalid_argument("add-checkpoint: more than 63 consistency proof lines");
        const auto raw = detail::base64_decode(line);
        if (!raw || raw->size() != 32)
            throw std::invalid_argument("add-checkpoint: line " + std::to_string(line_no) +
                                        " is not the base64 of a 32-byte hash");
        digest d{};
        for (std::size_t i = 0; i < d.size(); ++i) d[i] = static_cast<unsigned char>((*raw)[i]);
        out.proof.push_back(d);
    }
    if (body.empty()) throw std::invalid_argument("add-checkpoint: no checkpoint after the empty line");
    out.note = std::string(body);
    return out;
}

/// `note` with the signature lines of `cosignatures` appended, skipping
/// lines it already carries, so the stored checkpoint holds the witnesses'
/// cosignatures next to the log's signature (a signed note may carry any
/// number of signature lines). Throws note_error for a line that is not a
/// signature line.
inline std::string append_cosignatures(std::string_view note, const std::vector<std::string>& cosignatures) {
    if (note.rfind("\n\n") == std::string_view::npos || note.back() != '\n')
        throw note_error("append cosignatures: the note has no signature lines");
    std::string out(note);
    for (std::string line : cosignatures) {
        if (!line.empty() && line.back() != '\n') line += '\n';
        if (line.substr(0, detail::note_sig_prefix.size()) != detail::note_sig_prefix ||
            line.find('\n') != line.size() - 1)
            throw note_error("append cosignatures: \"" + line.substr(0, line.find('\n')) + "\" is not a signature line");
        const std::size_t sigs = out.rfind("\n\n") + 2;
        if (("\n" + out.substr(sigs)).find("\n" + line) != std::string::npos) continue;
        out += line;
    }
    return out;
}

/// The signature lines of a witness's answer body (each `— ...\n`); throws
/// note_error for anything else.
inline std::vector<std::string> split_signature_lines(std::string_view body) {
    std::vector<std::string> lines;
    while (!body.empty()) {
        const std::size_t nl = body.find('\n');
        if (nl == std::string_view::npos) throw note_error("cosignatures: the last line does not end in a newline");
        const std::string_view line = body.substr(0, nl + 1);
        if (line.substr(0, detail::note_sig_prefix.size()) != detail::note_sig_prefix)
            throw note_error("cosignatures: \"" + std::string(line.substr(0, nl)) + "\" is not a signature line");
        lines.emplace_back(line);
        body.remove_prefix(nl + 1);
    }
    return lines;
}

}  // namespace v1
}  // namespace aitrail
