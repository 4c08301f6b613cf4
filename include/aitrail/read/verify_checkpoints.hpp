#pragma once
/// @file verify_checkpoints.hpp
/// Checks a trail against the checkpoints signed for it: those it keeps
/// (`checkpoint` and `checkpoints`, or the SQL table) and any kept elsewhere.
/// A checkpoint commits the log to the tree of its first n entries, so with
/// the log's verifier key an auditor can name what the chain alone cannot:
/// entries cut off the end, a trail rewritten from scratch with a valid
/// chain, a checkpoint not signed by a known key (forged), an older
/// checkpoint put back (rollback), two signed views of one log (fork), and
/// a checkpoint without its witness quorum. The roots of the trail's tree at
/// the checkpoints' sizes come from the same pass that verifies the entries
/// (verify_options::roots_at), so the trail is read once.

#include <aitrail/config.hpp>
#include <aitrail/integrity/checkpoint.hpp>
#include <aitrail/integrity/proof_hashes.hpp>
#include <aitrail/integrity/signed_note.hpp>
#include <aitrail/read/verify_report.hpp>
#include <aitrail/storage/checkpoint_history.hpp>

#include <algorithm>    // sort
#include <cstddef>      // size_t
#include <cstdint>      // uint64_t
#include <exception>    // exception
#include <filesystem>   // path
#include <functional>   // function
#include <map>          // map
#include <optional>     // optional
#include <set>          // set
#include <string>       // string, to_string
#include <utility>      // move, pair
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// A checkpoint note to check and where it was found, for messages
/// ("trails/app/checkpoint", "trails/app/checkpoints#3", "old.cp").
struct checkpoint_note_at {
    std::string where;  ///< its place
    std::string note;   ///< the signed note
};

/// The checkpoints of a trail: the latest it keeps, its history in order,
/// and any kept elsewhere (their order does not matter).
struct checkpoint_set {
    std::optional<checkpoint_note_at> latest;  ///< the trail's `checkpoint`
    std::vector<checkpoint_note_at> history;   ///< the trail's `checkpoints`, oldest first
    std::vector<checkpoint_note_at> elsewhere; ///< given by the auditor
};

/// Who may sign: the log's keys, and the witnesses with their quorum.
struct checkpoint_trust {
    std::vector<note_verifier> log_keys;      ///< verifier keys of the log (name = origin)
    std::vector<note_verifier> witness_keys;  ///< witness keys (cosignature/v1 or Ed25519)
    std::size_t witness_quorum = 0;           ///< cosignatures by distinct witnesses the latest checkpoint needs
    /// When set, decides the quorum instead of witness_quorum: given the
    /// names of the witnesses whose cosignatures verified (e.g. a
    /// c2sp.org/tlog-policy's groups, evaluated by its reader).
    std::function<bool(const std::set<std::string>& cosigners)> quorum_met;
    /// What quorum_met requires, for messages ("the policy's quorum 'g1'").
    std::string quorum_name;
};

/// The checkpoints kept by the trail in JSONL directory `dir`; `where`
/// names are `dir/checkpoint` and `dir/checkpoints#<1-based record>`.
inline checkpoint_set checkpoints_of_directory(const std::filesystem::path& dir) {
    const jsonl_checkpoints h(dir);
    checkpoint_set out;
    if (auto latest = h.latest()) out.latest = checkpoint_note_at{h.latest_path().string(), std::move(*latest)};
    auto all = h.all();
    for (std::size_t i = 0; i < all.size(); ++i)
        out.history.push_back({h.history_path().string() + "#" + std::to_string(i + 1), std::move(all[i])});
    return out;
}

/// The checkpoints kept by any checkpoint_history, named `name#<n>`.
template <checkpoint_history H>
checkpoint_set checkpoints_of(const H& h, const std::string& name) {
    checkpoint_set out;
    if (auto latest = h.latest()) out.latest = checkpoint_note_at{name + " latest", std::move(*latest)};
    auto all = h.all();
    for (std::size_t i = 0; i < all.size(); ++i) out.history.push_back({name + "#" + std::to_string(i + 1), std::move(all[i])});
    return out;
}

/// The tree sizes the checkpoints claim (read without checking signatures),
/// for verify_options::roots_at. Notes that do not parse are skipped here
/// and reported by verify_checkpoints().
inline std::vector<std::uint64_t> checkpoint_sizes(const checkpoint_set& set) {
    std::vector<std::uint64_t> out;
    auto take = [&](const checkpoint_note_at& c) {
        const auto split = c.note.rfind("\n\n");
        if (split == std::string::npos) return;
        try {
            out.push_back(parse_checkpoint_body(std::string_view(c.note).substr(0, split + 1)).size);
        } catch (const std::exception&) {
        }
    };
    if (set.latest) take(*set.latest);
    for (const auto& c : set.history) take(c);
    for (const auto& c : set.elsewhere) take(c);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

namespace detail {

/// One checkpoint that opened, with its place.
struct valid_checkpoint {
    const checkpoint_note_at* at;
    opened_checkpoint opened;
    bool needs_quorum = false;  ///< the latest, or one kept elsewhere
};

inline verify_problem checkpoint_problem(problem_kind kind, const std::string& where, std::string detail,
                                         std::optional<std::uint64_t> seq = std::nullopt) {
    return {kind, where, 0, seq, std::move(detail), ~std::uint64_t{0}};
}

inline std::string describe(const opened_checkpoint& c) {
    return "size " + std::to_string(c.cp.size) + ", root " + digest_base64(c.cp.root);
}

}  // namespace detail

/// Checks the checkpoints `set` against the trail whose verification is
/// `report` (run with verify_options::roots_at = checkpoint_sizes(set)),
/// appends every finding to report.problems (each located by the
/// checkpoint's place) and returns how many checkpoints verified.
inline std::size_t verify_checkpoints(verify_report& report, const checkpoint_set& set, const checkpoint_trust& trust) {
    std::vector<note_verifier> keys = trust.log_keys;
    keys.insert(keys.end(), trust.witness_keys.begin(), trust.witness_keys.end());
    const auto is_log_key = [&](const std::string& origin) {
        for (const auto& k : trust.log_keys)
            if (k.name() == origin) return true;
        return false;
    };
    auto add = [&](verify_problem p) { report.problems.push_back(std::move(p)); };
    std::vector<detail::valid_checkpoint> valid;
    std::optional<detail::valid_checkpoint> latest;
    std::vector<std::optional<std::uint64_t>> history_sizes;

    auto open = [&](const checkpoint_note_at& c, bool needs_quorum) -> std::optional<detail::valid_checkpoint> {
        try {
            auto opened = open_checkpoint(c.note, keys);
            if (!is_log_key(opened.cp.origin))
                throw checkpoint_error("signed by \"" + opened.cp.origin + "\", which is no log key given");
            return detail::valid_checkpoint{&c, std::move(opened), needs_quorum};
        } catch (const std::exception& e) {
            add(detail::checkpoint_problem(problem_kind::checkpoint_forged, c.where,
                                           std::string("no valid signature by a known log key: ") + e.what()));
            return std::nullopt;
        }
    };
    if (set.latest)
        if ((latest = open(*set.latest, true))) valid.push_back(*latest);
    for (const auto& c : set.history) {
        // The latest is normally the history's last record too: count it once.
        if (set.latest && c.note == set.latest->note && latest) {
            history_sizes.push_back(latest->opened.cp.size);
            continue;
        }
        auto v = open(c, false);
        history_sizes.push_back(v ? std::optional(v->opened.cp.size) : std::nullopt);
        if (v) valid.push_back(std::move(*v));
    }
    for (const auto& c : set.elsewhere)
        if (auto v = open(c, true)) valid.push_back(std::move(*v));

    // Rollback: the history only grows; the latest is its newest.
    std::optional<std::uint64_t> high;
    std::size_t high_at = 0;
    for (std::size_t i = 0; i < history_sizes.size(); ++i) {
        if (!history_sizes[i]) continue;
        if (high && *history_sizes[i] < *high)
            add(detail::checkpoint_problem(problem_kind::checkpoint_rollback, set.history[i].where,
                                           "size " + std::to_string(*history_sizes[i]) + " after size " +
                                               std::to_string(*high) + " (" + set.history[high_at].where +
                                               "): an older checkpoint was put back"));
        if (!high || *history_sizes[i] >= *high) high = history_sizes[i], high_at = i;
    }
    if (latest && high && latest->opened.cp.size < *high) {
        // The one state a crash leaves: the newest note appended, the latest
        // not yet replaced, so it is still the note just before the newest.
        const bool interrupted = high_at + 1 == set.history.size() && high_at > 0 &&
                                 set.history[high_at - 1].note == set.latest->note;
        add(detail::checkpoint_problem(
            problem_kind::checkpoint_rollback, set.latest->where,
            "size " + std::to_string(latest->opened.cp.size) + " is older than the newest checkpoint kept, size " +
                std::to_string(*high) + " (" + set.history[high_at].where + "): an older checkpoint was put back" +
                (interrupted ? ", or a crash interrupted storing the newest (opening the trail for writing completes it)"
                             : "")));
    }

    // Each checkpoint against the trail: the tree of its first n entries.
    std::vector<bool> matches(valid.size(), false);
    for (std::size_t i = 0; i < valid.size(); ++i) {
        const auto& c = valid[i];
        const checkpoint& cp = c.opened.cp;
        if (cp.size > report.prefix_entries) {
            add(detail::checkpoint_problem(
                problem_kind::checkpoint_truncated, c.at->where,
                "checkpoint size " + std::to_string(cp.size) + " but the trail has " +
                    std::to_string(report.prefix_entries) + " entries in order: entries seq " +
                    std::to_string(report.prefix_entries) + ".." + std::to_string(cp.size - 1) +
                    " were cut off the end",
                report.prefix_entries));
            continue;
        }
        const auto root = report.roots.find(cp.size);
        if (root == report.roots.end()) continue;  // not asked for: cannot happen with checkpoint_sizes()
        matches[i] = root->second == cp.root;
    }
    // Fork: two valid checkpoints of one origin that cannot both be prefixes
    // of one tree; then rewritten: a checkpoint the trail's tree is not.
    std::set<std::size_t> forked;
    for (std::size_t i = 0; i < valid.size(); ++i)
        for (std::size_t j = 0; j < valid.size(); ++j) {
            const auto &a = valid[i].opened, &b = valid[j].opened;
            if (i == j || a.cp.origin != b.cp.origin || a.cp.size > b.cp.size) continue;
            const bool same_size_differ = a.cp.size == b.cp.size && a.cp.root != b.cp.root && i < j;
            const bool beside_valid = matches[j] && !matches[i] && a.cp.size <= report.prefix_entries;
            if (!same_size_differ && !beside_valid) continue;
            if (forked.contains(i)) continue;
            forked.insert(i);
            add(detail::checkpoint_problem(problem_kind::checkpoint_fork, valid[i].at->where,
                                           "checkpoint (" + detail::describe(a) + ") and " + valid[j].at->where + " (" +
                                               detail::describe(b) + ") are both signed by \"" + a.cp.origin +
                                               "\" but are not consistent: the log forked"));
        }
    for (std::size_t i = 0; i < valid.size(); ++i) {
        const checkpoint& cp = valid[i].opened.cp;
        if (matches[i] || forked.contains(i) || cp.size > report.prefix_entries) continue;
        const auto root = report.roots.find(cp.size);
        if (root == report.roots.end()) continue;
        add(detail::checkpoint_problem(problem_kind::checkpoint_rewritten, valid[i].at->where,
                                       "checkpoint size " + std::to_string(cp.size) + " has root " +
                                           digest_base64(cp.root) + " but the tree of the trail's first " +
                                           std::to_string(cp.size) + " entries has root " +
                                           digest_base64(root->second) + ": the trail was rewritten"));
    }

    // Witnesses: the latest (and those kept elsewhere) need the quorum.
    if (trust.witness_quorum > 0 || trust.quorum_met)
        for (const auto& c : valid) {
            if (!c.needs_quorum) continue;
            std::set<std::string> by;
            for (const auto& sig : c.opened.note.verified)
                for (const auto& w : trust.witness_keys)
                    if (w.name() == sig.name && w.key_id() == sig.key_id) by.insert(sig.name);
            const bool met = trust.quorum_met ? trust.quorum_met(by) : by.size() >= trust.witness_quorum;
            if (!met)
                add(detail::checkpoint_problem(
                    problem_kind::witness_quorum, c.at->where,
                    "cosigned by " + std::to_string(by.size()) + " known witness" + (by.size() == 1 ? "" : "es") +
                        ", the policy needs " +
                        (trust.quorum_met ? (trust.quorum_name.empty() ? std::string("its quorum") : trust.quorum_name)
                                          : std::to_string(trust.witness_quorum))));
        }
    report.checkpoints_checked = valid.size();
    return valid.size();
}

}  // namespace v1
}  // namespace aitrail
