#pragma once
/// @file verify_report.hpp
/// What verification found: counts, and every problem with its place
/// (file:line), its seq and its kind, in words an auditor can act on.

#include <aitrail/config.hpp>
#include <aitrail/integrity/hasher.hpp>

#include <cstdint>      // uint64_t
#include <cstdio>       // snprintf
#include <map>          // map
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// The kinds of damage a verifier tells apart.
enum class problem_kind {
    content_modified,     ///< a content body no longer matches its digest in rec
    record_modified,      ///< an entry's bytes no longer match its hash, or the next entry's prev
    gap,                  ///< entries missing (deleted) inside the trail
    reordered,            ///< entries present but out of order
    inserted,             ///< an entry that the chain does not continue from (forged or duplicated)
    torn_line,            ///< a final line without its newline (an interrupted write)
    not_canonical,        ///< valid JSON, but not in RFC 8785 canonical form
    not_an_entry,         ///< not JSON, or not a trail entry of format v1
    broken_across_files,  ///< the chain does not continue from one file to the next (file missing)
    unverifiable,         ///< cannot be checked (unknown hasher, missing key)
    tile_mismatch,        ///< a stored hash tile disagrees with the entries (or is missing, or beyond the trail)
    checkpoint_truncated, ///< a checkpoint covers more entries than the trail has: entries cut off the end
    checkpoint_rewritten, ///< a checkpoint's root is not the root of the trail's first n entries
    checkpoint_forged,    ///< a checkpoint without a valid signature by a known log key
    checkpoint_rollback,  ///< an older checkpoint put back in place of a newer one
    checkpoint_fork,      ///< two validly signed checkpoints of one log that are not consistent
    witness_quorum,       ///< a checkpoint without the cosignatures the witness policy requires
};

/// Short stable name of a problem kind (used in CLI output and JSON).
constexpr std::string_view to_string(problem_kind k) noexcept {
    switch (k) {
        case problem_kind::content_modified: return "content modified";
        case problem_kind::record_modified: return "record modified";
        case problem_kind::gap: return "gap/deleted";
        case problem_kind::reordered: return "reordered";
        case problem_kind::inserted: return "inserted";
        case problem_kind::torn_line: return "torn line";
        case problem_kind::not_canonical: return "not canonical";
        case problem_kind::not_an_entry: return "not a trail entry";
        case problem_kind::broken_across_files: return "broken across files";
        case problem_kind::unverifiable: return "unverifiable";
        case problem_kind::tile_mismatch: return "tile mismatch";
        case problem_kind::checkpoint_truncated: return "entries cut off the end";
        case problem_kind::checkpoint_rewritten: return "rewritten trail";
        case problem_kind::checkpoint_forged: return "forged checkpoint";
        case problem_kind::checkpoint_rollback: return "rollback";
        case problem_kind::checkpoint_fork: return "fork";
        case problem_kind::witness_quorum: return "missing witness quorum";
    }
    return "unknown";
}

/// One finding.
struct verify_problem {
    problem_kind kind;                ///< what is wrong
    std::string source;               ///< file (or other source) of the line; the tile's path for a tile
    std::uint64_t line_no = 0;        ///< 1-based line in `source`; 0 for a tile
    std::optional<std::uint64_t> seq; ///< the entry's seq, when it could be read
    std::string detail;               ///< explanation with the evidence (hashes, seqs)
    std::uint64_t ordinal = 0;        ///< position of the line in the whole scan (for ordering)
};

/// The result of verifying a trail.
struct verify_report {
    std::uint64_t entries = 0;         ///< lines read as entries
    std::uint64_t files = 0;           ///< sources (files) read
    std::uint64_t bytes = 0;           ///< bytes read, newlines included
    std::string trail_id;              ///< from the trail.open record, if seen
    std::string hasher;                ///< from the trail.open record, if seen
    std::vector<verify_problem> problems;  ///< in trail order; empty when the trail verifies
    std::uint64_t problems_omitted = 0;    ///< problems beyond the report's limit
    /// Whether the trail's hash tiles were compared with its entries.
    enum class tiles_state {
        absent,     ///< the trail has no tiles (or the source cannot hold them)
        checked,    ///< every stored tile was compared with the tree of the entries
        unchecked,  ///< the trail has tiles but they were not compared (check_tiles off, or the entries have problems)
    } tiles = tiles_state::absent;
    std::uint64_t tiles_stored = 0;   ///< tiles the trail has
    std::uint64_t tiles_checked = 0;  ///< tiles compared with the entries
    std::uint64_t tiles_lagging = 0;  ///< newest full tiles not written yet (a running writer, or a crash before reopen)
    std::uint64_t tree_size = 0;      ///< leaves of the tree recomputed (when checked)
    std::string tree_root;            ///< its root, 64 hex (when checked)
    std::uint64_t prefix_entries = 0; ///< entries seq 0.. in order before the first out of place (the tree checkpoints cover)
    std::map<std::uint64_t, digest> roots;  ///< root of the first n entries for each n of verify_options::roots_at
    std::uint64_t checkpoints_checked = 0;  ///< checkpoints that verified (verify_checkpoints())
    /// True when nothing is wrong.
    bool ok() const noexcept { return problems.empty() && problems_omitted == 0; }
};

/// "1.8 MB" style size for summaries (decimal units, one decimal).
inline std::string human_bytes(std::uint64_t n) {
    const char* units[] = {"B", "kB", "MB", "GB", "TB"};
    double v = static_cast<double>(n);
    int u = 0;
    while (v >= 1000 && u < 4) {
        v /= 1000;
        ++u;
    }
    char buf[32];
    if (u == 0) std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(n));
    else std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
}

/// One line per problem: `FAIL file:line seq N: kind — detail`.
inline std::string format_problem(const verify_problem& p) {
    std::string s = "FAIL " + p.source + (p.line_no != 0 ? ":" + std::to_string(p.line_no) : std::string());
    if (p.seq) s += " seq " + std::to_string(*p.seq);
    s += ": ";
    s += to_string(p.kind);
    if (!p.detail.empty()) s += " — " + p.detail;
    return s;
}

/// What verify says of the tiles: `tiles: 12 checked, tree of 3000 entries,
/// root <hex>`, `tiles: none stored` or `tiles: 12 stored, not checked`.
inline std::string format_tiles(const verify_report& r) {
    switch (r.tiles) {
        case verify_report::tiles_state::absent: return "tiles: none stored";
        case verify_report::tiles_state::unchecked: return "tiles: " + std::to_string(r.tiles_stored) + " stored, not checked";
        case verify_report::tiles_state::checked: break;
    }
    return "tiles: " + std::to_string(r.tiles_checked) + " checked, " +
           (r.tiles_lagging == 0 ? std::string()
                                 : std::to_string(r.tiles_lagging) + " newest full not yet written, ") +
           "tree of " + std::to_string(r.tree_size) + " entries, root " + r.tree_root;
}

/// The success line: `OK <n> entries, <files> files, <bytes>`.
inline std::string format_summary(const verify_report& r) {
    return "OK " + std::to_string(r.entries) + " entries, " + std::to_string(r.files) +
           (r.files == 1 ? " file, " : " files, ") + human_bytes(r.bytes);
}

}  // namespace v1
}  // namespace aitrail
