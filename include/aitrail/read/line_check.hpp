#pragma once
/// @file line_check.hpp
/// Everything a verifier can tell from one line alone: canonical form, the
/// envelope of format v1, the entry hash and the content digests. A pure
/// function of the line's bytes, so lines can be checked on several threads;
/// the chain (order and links) is judged afterwards, in order, by
/// trail_verifier.

#include <aitrail/config.hpp>
#include <aitrail/detail/hex.hpp>
#include <aitrail/detail/jcs_check.hpp>
#include <aitrail/detail/openssl.hpp>
#include <aitrail/integrity/hasher.hpp>
#include <aitrail/integrity/jcs.hpp>
#include <aitrail/read/verify_report.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>   // max
#include <charconv>    // from_chars
#include <functional>  // function
#include <optional>    // optional
#include <string>      // string
#include <string_view> // string_view
#include <vector>      // vector

namespace aitrail {
inline namespace v1 {

/// A chain hash chosen at run time (the verifier learns the hasher's name
/// from the trail itself).
using chain_hash_fn = std::function<digest(std::initializer_list<std::string_view>)>;

/// A finding about one line, before its place in the file is attached.
struct line_problem {
    problem_kind kind;  ///< what is wrong
    std::string detail; ///< the evidence
};

/// What one line says about itself.
struct line_verdict {
    bool is_entry = false;        ///< the envelope (seq, hash, prev) could be read
    bool flagged = false;         ///< the line itself has a problem (its links are not blamed on neighbours)
    std::uint64_t seq = 0;        ///< valid when is_entry
    std::string hash, prev;       ///< 64 hex each, valid when is_entry
    std::vector<line_problem> problems;  ///< empty for a sound line
    bool is_open = false;         ///< a trail.open record
    std::string trail_id, hasher; ///< from a trail.open record
    std::string key_id;           ///< from a trail.open record of a keyed trail
    std::optional<digest> leaf;   ///< the entry's Merkle leaf hash, when the verifier checks tiles
};

namespace detail {

inline std::string_view unquote(std::string_view v) noexcept {
    return v.size() >= 2 && v.front() == '"' && v.back() == '"' ? v.substr(1, v.size() - 2) : std::string_view{};
}

/// The members of an entry line, as views into it.
struct entry_view {
    std::string_view content, hash, prev, rec, seq_text;
    std::size_t hashed_from = 0;  ///< offset of "prev": in the line
    std::uint64_t seq = 0;
};

/// Splits a canonical line into its members and checks the envelope of
/// format v1; returns what is wrong, or nullopt.
inline std::optional<std::string> parse_envelope(std::string_view text, entry_view& e) {
    bool has_v = false, has_seq = false;
    std::string_view unexpected;
    const bool ok = for_each_member(text, [&](const json_member& m) {
        if (m.key == "content") e.content = m.value;
        else if (m.key == "hash") e.hash = unquote(m.value);
        else if (m.key == "prev") {
            e.prev = unquote(m.value);
            e.hashed_from = m.value_offset - 7;  // back over "prev":
        } else if (m.key == "rec") e.rec = m.value;
        else if (m.key == "seq") { e.seq_text = m.value; has_seq = true; }
        else if (m.key == "v") has_v = m.value == "1";
        else if (unexpected.empty()) unexpected = m.key;
    });
    if (!ok) return "not a JSON object";
    if (!unexpected.empty())
        return "unexpected member '" + std::string(unexpected) + "' (format v1 has content, hash, prev, rec, seq, v)";
    if (!has_v) return "missing or unsupported format version (expected \"v\":1)";
    if (!has_seq) return "missing seq";
    const auto r = std::from_chars(e.seq_text.data(), e.seq_text.data() + e.seq_text.size(), e.seq);
    if (r.ec != std::errc{} || r.ptr != e.seq_text.data() + e.seq_text.size()) return "seq is not a non-negative integer";
    if (!is_lower_hex(e.hash, 64)) return "hash is not 64 lowercase hex digits";
    if (!is_lower_hex(e.prev, 64)) return "prev is not 64 lowercase hex digits";
    if (e.rec.empty() || e.rec.front() != '{') return "rec is missing or not an object";
    if (!e.content.empty() && e.content.front() != '{') return "content is not an object";
    return std::nullopt;
}

/// Deepest bracket nesting in `text` (strings skipped). Parsing and
/// re-serializing recurse; a hostile line of a million '[' must be refused
/// before that, not crash the verifier.
inline std::size_t nesting_depth(std::string_view text) noexcept {
    std::size_t depth = 0, deepest = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            deepest = std::max(deepest, ++depth);
        } else if ((c == '}' || c == ']') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

inline void read_open_record(std::string_view rec_text, line_verdict& v) {
    // Cheap test first: only seq 0 of a trail carries it.
    if (rec_text.find("\"kind\":\"trail.open\"") == std::string_view::npos) return;
    const auto rec = nlohmann::json::parse(rec_text, nullptr, false);
    if (!rec.is_object()) return;
    const auto kind = rec.find("kind");
    if (kind == rec.end() || *kind != "trail.open") return;
    v.is_open = true;
    // A damaged record must yield a finding, not an exception: read only
    // members of the expected types.
    const auto meta = rec.find("meta");
    if (meta == rec.end() || !meta->is_object()) return;
    auto text_of = [&](const char* key) {
        const auto it = meta->find(key);
        return it != meta->end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    v.trail_id = text_of("trail_id");
    v.hasher = text_of("hasher");
    if (v.hasher.empty() && meta->contains("hasher")) v.hasher = "(not a string)";
    v.key_id = text_of("key_id");
}

inline void take_envelope(const entry_view& e, line_verdict& v) {
    v.is_entry = true;
    v.seq = e.seq;
    v.hash = std::string(e.hash);
    v.prev = std::string(e.prev);
}

// A line that is JSON but not canonical: its bytes are not the ones that
// were hashed, so hash and digests cannot be checked; but when it still
// holds an entry, its seq is named and it keeps its place in the chain.
inline line_verdict non_canonical(const nlohmann::json& j, std::string why) {
    line_verdict v;
    v.flagged = true;
    v.problems.push_back({problem_kind::not_canonical, std::move(why)});
    try {
        const std::string canonical = canonicalize(j);
        entry_view e;
        if (!parse_envelope(canonical, e)) take_envelope(e, v);
    } catch (const jcs_error&) {
        // No canonical form at all: reported without a seq.
    }
    return v;
}

}  // namespace detail

/// Checks one complete line (without its '\n'). `hash` is the trail's chain
/// hash, or null when it cannot be computed (the hash check is then skipped).
/// `recanonicalize` re-serializes the parsed line instead of the fast scan.
inline line_verdict check_line(std::string_view text, const chain_hash_fn* hash, bool recanonicalize) {
    using namespace detail;
    // 1. Canonical form. A line that is not JSON is "not an entry", JSON
    // that is not canonical is "not canonical" (docs/format.md, 6 step 2).
    // Parsing recurses, so a hostile depth is refused before any parse; the
    // fast scan below has its own limit and needs no pre-pass.
    auto too_deep = [&]() -> std::optional<line_verdict> {
        if (nesting_depth(text) <= jcs_max_depth) return std::nullopt;
        return line_verdict{.flagged = true,
                            .problems = {{problem_kind::not_canonical, "nesting deeper than " +
                                                                           std::to_string(jcs_max_depth) +
                                                                           " levels (refused before parsing)"}}};
    };
    if (recanonicalize) {
        if (auto refused = too_deep()) return *refused;
        const auto j = nlohmann::json::parse(text, nullptr, false);
        if (j.is_discarded()) return {.problems = {{problem_kind::not_an_entry, "not valid JSON"}}};
        std::string canonical;
        try {
            canonical = canonicalize(j);
        } catch (const jcs_error& e) {
            return non_canonical(j, e.what());
        }
        if (canonical != text) {
            std::size_t at = 0;
            while (at < canonical.size() && at < text.size() && canonical[at] == text[at]) ++at;
            return non_canonical(j, "differs from its canonical form at byte " + std::to_string(at));
        }
    } else if (const auto bad = check_canonical(text)) {
        if (auto refused = too_deep()) return *refused;
        const auto j = nlohmann::json::parse(text, nullptr, false);
        const std::string where = std::string(bad->reason) + " at byte " + std::to_string(bad->offset);
        if (j.is_discarded()) return {.problems = {{problem_kind::not_an_entry, "not valid JSON (" + where + ")"}}};
        return non_canonical(j, where);
    }

    // 2. The envelope of format v1.
    line_verdict v;
    entry_view e;
    if (auto err = parse_envelope(text, e)) {
        v.problems.push_back({problem_kind::not_an_entry, std::move(*err)});
        return v;
    }
    take_envelope(e, v);
    if (e.seq == 0) read_open_record(e.rec, v);

    // 3. The entry's own hash over {"prev":...,"rec":...,"seq":...,"v":1}:
    // the stored bytes from "prev" on, after a '{' (they are canonical).
    if (hash != nullptr) {
        const digest d = (*hash)({"{", text.substr(e.hashed_from)});
        std::string computed;
        append_hex(computed, d.data(), d.size());
        if (computed != e.hash) {
            v.flagged = true;
            v.problems.push_back({problem_kind::record_modified,
                                  "hash mismatch: stored " + std::string(e.hash) + ", computed " + computed +
                                      " (rec, prev or seq was changed after sealing)"});
            return v;
        }
    }

    // 4. Content bodies against the digests in rec.
    if (!e.content.empty()) {
        std::string_view digests;
        for_each_member(e.rec, [&](const json_member& m) {
            if (m.key == "digests") digests = m.value;
        });
        for_each_member(e.content, [&](const json_member& m) {
            if (v.flagged) return;
            std::string_view expected;
            for_each_member(digests, [&](const json_member& d) {
                if (d.key == m.key) expected = unquote(d.value);
            });
            if (expected.empty()) {
                v.flagged = true;
                v.problems.push_back({problem_kind::content_modified,
                                      "content '" + std::string(m.key) + "' has no digest in rec (added after sealing)"});
                return;
            }
            const auto d = sha256_of({m.value});
            std::string computed;
            append_hex(computed, d.data(), d.size());
            if (computed != expected) {
                v.flagged = true;
                v.problems.push_back({problem_kind::content_modified,
                                      "content '" + std::string(m.key) + "' does not match its digest: rec says " +
                                          std::string(expected) + ", body hashes to " + computed});
            }
        });
    }
    return v;
}

}  // namespace v1
}  // namespace aitrail
