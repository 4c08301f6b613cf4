#pragma once
/// @file verify.hpp
/// Independent verification of a trail: each line on its own (canonical
/// form, entry hash, content digests: read/line_check.hpp), then the chain
/// (seq order and prev links) across lines and files. The fast path hashes
/// the stored bytes directly — they are canonical, which is checked in the
/// same pass — and the slow path re-canonicalizes every line; both reach the
/// same verdict. Files are checked on two threads; the chain in order.
/// When the trail has hash tiles, they are compared with the tree of the
/// entries in the same pass (read/verify_tiles.hpp).

#include <aitrail/config.hpp>
#include <aitrail/integrity/hasher.hpp>
#include <aitrail/integrity/sealed_entry.hpp>
#include <aitrail/read/line_check.hpp>
#include <aitrail/read/verify_report.hpp>
#include <aitrail/read/verify_tiles.hpp>
#include <aitrail/storage/concepts.hpp>
#include <aitrail/storage/jsonl_files.hpp>
#include <aitrail/storage/jsonl_reader.hpp>
#include <aitrail/storage/jsonl_tiles.hpp>

#include <algorithm>   // stable_sort
#include <filesystem>  // path, is_directory
#include <functional>  // function
#include <future>      // async
#include <iterator>    // distance
#include <map>         // map
#include <optional>    // optional
#include <string>      // string
#include <thread>      // hardware_concurrency
#include <vector>      // vector

namespace aitrail {
inline namespace v1 {

/// Runtime settings of verification.
struct verify_options {
    /// Re-canonicalize each line with a full parse instead of the fast check.
    bool recanonicalize = false;
    /// Stop listing problems after this many (the count goes on).
    std::size_t max_problems = 1000;
    /// Check lines on a second thread when the machine has one.
    bool parallel = true;
    /// The key of a keyed trail (hasher "hmac-sha256"); see read_key_file().
    std::optional<std::string> key;
    /// Maps a hasher name other than the built-in ones ("sha256", and
    /// "hmac-sha256" when `key` is set) to a hash function; nullopt when this
    /// verifier cannot compute it.
    std::function<std::optional<chain_hash_fn>(std::string_view name)> resolve_hasher = [](std::string_view)
        -> std::optional<chain_hash_fn> { return std::nullopt; };
    /// Compare the trail's hash tiles, when it has any, with its entries.
    bool check_tiles = true;
    /// Report a trail without hash tiles as a finding (by default it is not one).
    bool require_tiles = false;
    /// Tree sizes whose roots (of the first n entries) the report gives, for
    /// checking checkpoints (read/verify_checkpoints.hpp). Empty: no extra work.
    std::vector<std::uint64_t> roots_at;
};

/// Checks a trail fed to it line by line, in trail order.
class trail_verifier {
public:
    /// A verifier with the given options.
    explicit trail_verifier(verify_options options = {}) : options_(std::move(options)), seen_(window) {
        hash_ = chain_hash_fn(hashers::sha256{});
        for (const std::uint64_t n : options_.roots_at) roots_wanted_[n] = true;
        if (roots_wanted_.contains(0)) report_.roots[0] = merkle_empty_root();
    }

    /// Marks the start of a new file (or other source) of the trail.
    void begin_source(std::string name) {
        ++report_.files;
        sources_.push_back(std::move(name));
        file_start_ = true;
    }

    /// The trail's stored tiles, read through `read`, to compare with the
    /// entries (call before the first line); problems name a tile as
    /// `prefix + tile_path(t)`.
    void use_tiles(tile_source read, const std::vector<tile_id>& stored, std::string prefix) {
        report_.tiles_stored = stored.size();
        if (stored.empty()) return;
        report_.tiles = verify_report::tiles_state::unchecked;
        if (options_.check_tiles) tiles_.emplace(std::move(read), stored, std::move(prefix));
    }

    /// True once the hasher is known (after the first entry); until then
    /// lines must be added one by one, in order.
    bool settled() const noexcept { return settled_; }

    /// Checks one line alone. Thread-safe once settled().
    line_verdict check(const stored_line& l) const {
        if (!l.terminated) return {};
        auto v = check_line(l.text, hash_ ? &*hash_ : nullptr, options_.recanonicalize);
        // Here rather than in add_checked(): check() runs on two threads.
        if ((tiles_ || !roots_wanted_.empty()) && v.is_entry)
            if (const auto d = detail::from_hex<32>(v.hash)) v.leaf = merkle_leaf_hash(*d);
        return v;
    }

    /// Adds one line, in trail order.
    void add_line(const stored_line& l) { add_checked(l, check(l)); }

    /// Adds a line whose verdict came from check(), in trail order.
    void add_checked(const stored_line& l, line_verdict v) {
        ++ordinal_;
        report_.bytes += l.text.size() + (l.terminated ? 1 : 0);
        const bool first_in_file = std::exchange(file_start_, false);
        if (!l.terminated) {
            add_at(problem_kind::torn_line, l.line_no, std::nullopt,
                   "the final line has no newline (" + std::to_string(l.text.size()) +
                       " bytes): an interrupted write; jsonl_storage cuts it when the trail is next opened for writing");
            return;
        }
        if (v.is_open && !v.hasher.empty() && v.hasher != hashers::sha256::name) {
            // The trail names its own hasher: redo this line with it.
            std::string why;
            hash_ = resolve(v, why);
            if (!hash_) add_at(problem_kind::unverifiable, l.line_no, v.seq, why + "; entry hashes not checked");
            v = check(l);
        }
        if (v.is_open) {
            report_.trail_id = v.trail_id;
            report_.hasher = v.hasher;
        }
        for (auto& p : v.problems) add_at(p.kind, l.line_no, v.is_entry ? std::optional(v.seq) : std::nullopt, std::move(p.detail));
        if (!v.is_entry) return;
        if (tiles_) {
            if (v.leaf) tiles_->add(v.seq, *v.leaf);
            else tiles_->stop_at(v.seq);
        }
        add_to_prefix(v);
        ++report_.entries;
        settled_ = true;
        check_chain(v, l.line_no, first_in_file);
    }

    /// Finishes: resolves gaps against late arrivals and returns the report.
    verify_report finish() {
        for (auto& g : gaps_) {
            // Counted from the late arrivals, not by walking the range: a
            // forged seq can make the range astronomically wide.
            const auto late = static_cast<std::uint64_t>(
                std::distance(arrived_late_.lower_bound(g.from), arrived_late_.upper_bound(g.to)));
            if (late == g.to - g.from + 1) {
                g.problem.kind = problem_kind::reordered;
                g.problem.detail = "entries " + range(g.from, g.to) + " appear later in the trail: lines were moved or swapped";
            } else if (late > 0) {
                g.problem.detail += "; some of them appear later in the trail (reordered)";
            }
            add(std::move(g.problem));
        }
        gaps_.clear();
        if (tiles_) {
            // Tiles are derived from the entries: when the entries have
            // problems, those are the findings, not their echo in the tiles.
            auto found = tiles_->finish();
            if (report_.problems.empty() && report_.problems_omitted == 0) {
                for (auto& p : found) add(std::move(p));
                report_.tiles = verify_report::tiles_state::checked;
                report_.tiles_checked = tiles_->checked();
                report_.tiles_lagging = tiles_->lagging();
                report_.tree_size = tiles_->tree().size();
                report_.tree_root = to_hex(tiles_->tree().root());
            }
        } else if (options_.require_tiles && report_.tiles == verify_report::tiles_state::absent) {
            add({problem_kind::tile_mismatch, "tile/", 0, std::nullopt, "the trail has no hash tiles (required)", ordinal_ + 1});
        }
        std::stable_sort(report_.problems.begin(), report_.problems.end(),
                         [](const verify_problem& a, const verify_problem& b) { return a.ordinal < b.ordinal; });
        return std::move(report_);
    }

private:
    // The tree of the entries seq 0.. in order, for checkpoints: grows until
    // the first entry out of place (or unreadable), recording the roots asked for.
    void add_to_prefix(const line_verdict& v) {
        if (prefix_broken_ || v.seq != report_.prefix_entries) {
            prefix_broken_ = true;
            return;
        }
        ++report_.prefix_entries;
        if (roots_wanted_.empty()) return;
        if (!v.leaf) {
            prefix_broken_ = true;
            --report_.prefix_entries;
            return;
        }
        prefix_tree_.append_leaf_hash(*v.leaf);
        if (roots_wanted_.contains(prefix_tree_.size())) report_.roots[prefix_tree_.size()] = prefix_tree_.root();
    }

    std::optional<chain_hash_fn> resolve(const line_verdict& open, std::string& why) const {
        using keyed = hashers::hmac_sha256<hashers::runtime_key>;
        if (open.hasher == keyed::name) {
            if (!options_.key) {
                why = "the trail is keyed (hasher hmac-sha256, key id " + open.key_id +
                      "): give its key (aitrail verify --key-file)";
                return std::nullopt;
            }
            keyed h(*options_.key);
            if (!open.key_id.empty() && h.key_id() != open.key_id) {
                why = "the trail was keyed with key id " + open.key_id + " but the given key has id " + h.key_id();
                return std::nullopt;
            }
            return chain_hash_fn(std::move(h));
        }
        if (auto custom = options_.resolve_hasher(open.hasher)) return custom;
        why = "the trail is chained with hasher '" + open.hasher + "', which this verifier cannot compute";
        return std::nullopt;
    }

    // The last `window` entries, by seq modulo window: enough to tell an
    // insertion or a reordering from a plain gap, in bounded memory.
    struct seen_entry {
        std::uint64_t seq = 0;
        bool used = false;
        bool flagged = false;
        std::uint32_t source = 0;
        std::uint64_t line_no = 0;
        std::uint64_t ordinal = 0;
        std::string hash;
    };
    struct pending_gap {
        std::uint64_t from, to;
        verify_problem problem;
    };
    static constexpr std::size_t window = 4096;

    seen_entry* seen(std::uint64_t seq) {
        auto& s = seen_[seq % window];
        return s.used && s.seq == seq ? &s : nullptr;
    }

    static std::string range(std::uint64_t from, std::uint64_t to) {
        return from == to ? "seq " + std::to_string(from) : "seq " + std::to_string(from) + ".." + std::to_string(to);
    }
    std::string where(std::uint32_t source, std::uint64_t line_no) const {
        return sources_[source] + ":" + std::to_string(line_no);
    }
    std::uint32_t current_source() const noexcept { return static_cast<std::uint32_t>(sources_.size() - 1); }

    void add(verify_problem p) {
        if (report_.problems.size() < options_.max_problems) report_.problems.push_back(std::move(p));
        else ++report_.problems_omitted;
    }
    void add_at(problem_kind k, std::uint64_t line_no, std::optional<std::uint64_t> seq, std::string detail) {
        add({k, sources_.empty() ? std::string() : sources_.back(), line_no, seq, std::move(detail), ordinal_});
    }

    void check_chain(const line_verdict& e, std::uint64_t line_no, bool first_in_file) {
        if (!last_seq_) {
            if (e.seq != 0) {
                gaps_.push_back({0, e.seq - 1,
                                 {problem_kind::gap, sources_.back(), line_no, e.seq,
                                  "the trail starts at seq " + std::to_string(e.seq) + ", not 0: entries " +
                                      range(0, e.seq - 1) + " are missing (earlier files removed?)",
                                  ordinal_}});
            } else if (e.prev != genesis_prev) {
                add_at(problem_kind::record_modified, line_no, e.seq, "seq 0 must have prev of 64 zeros");
            }
        } else if (e.seq == *last_seq_ + 1) {
            // In order: nothing to say here; the link is checked below.
        } else if (e.seq > *last_seq_ + 1) {
            const auto from = *last_seq_ + 1, to = e.seq - 1;
            verify_problem p{first_in_file ? problem_kind::broken_across_files : problem_kind::gap, sources_.back(),
                             line_no, e.seq, "", ordinal_};
            p.detail = first_in_file ? "this file starts at seq " + std::to_string(e.seq) + " but the previous file ends at seq " +
                                           std::to_string(*last_seq_) + ": entries " + range(from, to) +
                                           " are missing (a file was removed, or entries deleted at its end)"
                                     : "entries " + range(from, to) + " are missing before this line (deleted)";
            gaps_.push_back({from, to, std::move(p)});
        } else if (seen_entry* dup = seen(e.seq)) {
            // A second entry with this seq: the chain continues from one of
            // them; the other was inserted. The later one is linked by its
            // successor in every forgery we can construct without the key
            // (see docs/format.md), so the earlier one is reported.
            if (!dup->flagged)
                add({problem_kind::inserted, sources_[dup->source], dup->line_no, e.seq,
                     "a second entry with seq " + std::to_string(e.seq) + " follows at " + where(current_source(), line_no) +
                         " and the chain continues from it: this line was inserted",
                     dup->ordinal});
            dup->flagged = true;
        } else {
            arrived_late_[e.seq] = 1;
        }

        // The link: prev must be the stored hash of entry seq-1, if we saw it.
        if (e.seq > 0) {
            seen_entry* before = seen(e.seq - 1);
            if (before != nullptr && before->hash != e.prev && !before->flagged && !e.flagged) {
                before->flagged = true;
                add({problem_kind::record_modified, sources_[before->source], before->line_no, e.seq - 1,
                     "seq " + std::to_string(e.seq) + " (" + where(current_source(), line_no) + ") commits to prev " +
                         e.prev + " but this entry's hash is " + before->hash + ": this entry was replaced",
                     before->ordinal});
            }
        }

        auto& slot = seen_[e.seq % window];
        slot.seq = e.seq;
        slot.used = true;
        slot.flagged = e.flagged;
        slot.source = current_source();
        slot.line_no = line_no;
        slot.ordinal = ordinal_;
        slot.hash = e.hash;
        if (!last_seq_ || e.seq > *last_seq_) last_seq_ = e.seq;
    }

    verify_options options_;
    std::optional<chain_hash_fn> hash_;
    verify_report report_;
    std::vector<std::string> sources_;
    std::uint64_t ordinal_ = 0;
    bool file_start_ = false;
    bool settled_ = false;
    std::optional<std::uint64_t> last_seq_;
    std::vector<seen_entry> seen_;
    std::map<std::uint64_t, int> arrived_late_;
    std::vector<pending_gap> gaps_;
    std::optional<tile_checker> tiles_;
    std::map<std::uint64_t, bool> roots_wanted_;
    merkle_tree prefix_tree_;
    bool prefix_broken_ = false;
};

namespace detail {

// Checks a chunk of lines, the second half on another thread, then feeds
// the verdicts to the chain in order.
inline void verify_chunk(trail_verifier& v, std::span<const stored_line> lines, bool parallel) {
    std::size_t i = 0;
    while (i < lines.size() && !v.settled()) v.add_line(lines[i++]);  // the first entry picks the hasher
    const auto rest = lines.subspan(i);
    if (rest.empty()) return;
    std::vector<line_verdict> verdicts(rest.size());
    std::size_t mid = rest.size();
    std::future<void> other;
    if (parallel && rest.size() >= 16) {
        // Split by bytes, not by count: lines vary in size.
        std::size_t total = 0, half = 0;
        for (const auto& l : rest) total += l.text.size();
        for (mid = 0; mid < rest.size() && half < total / 2; ++mid) half += rest[mid].text.size();
        other = std::async(std::launch::async, [&, mid] {
            for (std::size_t k = mid; k < rest.size(); ++k) verdicts[k] = v.check(rest[k]);
        });
    }
    for (std::size_t k = 0; k < mid; ++k) verdicts[k] = v.check(rest[k]);
    if (other.valid()) other.get();
    for (std::size_t k = 0; k < rest.size(); ++k) v.add_checked(rest[k], std::move(verdicts[k]));
}

}  // namespace detail

/// Verifies the JSONL trail in the given files and directories. A directory
/// stands for its trail files in name order; files are taken as given.
inline verify_report verify_paths(const std::vector<std::filesystem::path>& paths, verify_options options = {}) {
    std::vector<std::filesystem::path> files;
    for (const auto& p : paths) {
        if (std::filesystem::is_directory(p)) {
            const auto listed = list_trail_files(p);
            if (listed.empty()) throw storage_error("no trail files (trail-*.jsonl) in directory '" + p.string() + "'");
            for (const auto& f : listed) files.push_back(f.path);
        } else if (std::filesystem::exists(p)) {
            files.push_back(p);
        } else {
            throw storage_error("no such file or directory: '" + p.string() + "'");
        }
    }
    const bool parallel = options.parallel && std::thread::hardware_concurrency() > 1;
    trail_verifier v(std::move(options));
    // A trail directory's tiles are checked; loose files have none.
    if (paths.size() == 1 && std::filesystem::is_directory(paths.front())) {
        const auto dir = paths.front();
        v.use_tiles([dir](const tile_id& t) { return read_tile_file(dir, t); }, list_tile_files(dir),
                    (dir / "").string());
    }
    for (const auto& f : files) {
        v.begin_source(f.string());
        scan_jsonl_chunks(f, [&](std::span<const stored_line> lines) {
            detail::verify_chunk(v, lines, parallel);
            return true;
        });
    }
    return v.finish();
}

/// Verifies the trail held by a readable storage or any other line source,
/// and its tiles when it is a tile_reader.
template <line_source S>
verify_report verify(const S& s, verify_options options = {}) {
    trail_verifier v(std::move(options));
    if constexpr (tile_reader<S>) v.use_tiles(tile_source_of(s), s.list_tiles(), "");
    std::string source;  // a copy: the storage may reuse the bytes l.source points to
    s.scan([&](const stored_line& l) {
        if (l.line_no == 1 || l.source != source) {
            source = l.source;
            v.begin_source(source);
        }
        v.add_line(l);
        return true;
    });
    return v.finish();
}

}  // namespace v1
}  // namespace aitrail
