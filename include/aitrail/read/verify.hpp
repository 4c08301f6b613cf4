#pragma once
/// @file verify.hpp
/// Independent verification of a trail: canonical form, each entry's hash,
/// each content body against its digest, and the chain (seq and prev) across
/// lines and files. The fast path hashes the stored bytes directly — they are
/// canonical, which is checked in the same pass — and the slow path
/// re-canonicalizes every line; both must reach the same verdict.

#include <aitrail/config.hpp>
#include <aitrail/detail/hex.hpp>
#include <aitrail/detail/jcs_check.hpp>
#include <aitrail/detail/openssl.hpp>
#include <aitrail/integrity/hasher.hpp>
#include <aitrail/integrity/jcs.hpp>
#include <aitrail/integrity/sealed_entry.hpp>
#include <aitrail/read/verify_report.hpp>
#include <aitrail/storage/concepts.hpp>
#include <aitrail/storage/jsonl_files.hpp>
#include <aitrail/storage/jsonl_reader.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>   // sort
#include <charconv>    // from_chars
#include <filesystem>  // path, is_directory
#include <functional>  // function
#include <iterator>    // distance
#include <map>         // map
#include <optional>    // optional
#include <string>      // string
#include <vector>      // vector

namespace aitrail {
inline namespace v1 {

/// A chain hash chosen at run time (the verifier learns the hasher's name
/// from the trail itself).
using chain_hash_fn = std::function<digest(std::initializer_list<std::string_view>)>;

/// Runtime settings of verification.
struct verify_options {
    /// Re-canonicalize each line with a full parse instead of the fast check.
    bool recanonicalize = false;
    /// Stop listing problems after this many (the count goes on).
    std::size_t max_problems = 1000;
    /// Maps the hasher named in trail.open to a hash function; nullopt when
    /// this verifier cannot compute it (e.g. a keyed hasher without the key).
    std::function<std::optional<chain_hash_fn>(std::string_view name)> resolve_hasher = [](std::string_view name)
        -> std::optional<chain_hash_fn> {
        if (name == hash::sha256::name) return chain_hash_fn(hash::sha256{});
        return std::nullopt;
    };
};

/// Checks a trail fed to it line by line, in trail order.
class trail_verifier {
public:
    /// A verifier with the given options.
    explicit trail_verifier(verify_options options = {}) : options_(std::move(options)) {
        hash_ = options_.resolve_hasher(hash::sha256::name);
    }

    /// Marks the start of a new file (or other source) of the trail.
    void begin_source() {
        ++report_.files;
        file_start_ = true;
    }

    /// Checks one line.
    void add_line(const stored_line& l) {
        ++ordinal_;
        report_.bytes += l.text.size() + (l.terminated ? 1 : 0);
        const bool first_in_file = std::exchange(file_start_, false);
        if (!l.terminated) {
            add({problem_kind::torn_line, std::string(l.source), l.line_no, std::nullopt,
                 "the final line has no newline (" + std::to_string(l.text.size()) +
                     " bytes): an interrupted write; jsonl_storage cuts it when the trail is next opened for writing",
                 ordinal_});
            return;
        }
        check_entry(l, first_in_file);
    }

    /// Finishes: resolves gaps against late arrivals and returns the report.
    verify_report finish() {
        for (auto& g : gaps_) {
            // Counted over the map, not over the range: a forged seq can make
            // the range as long as 2^64.
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
        std::stable_sort(report_.problems.begin(), report_.problems.end(),
                         [](const verify_problem& a, const verify_problem& b) { return a.ordinal < b.ordinal; });
        return std::move(report_);
    }

private:
    struct seen_entry {
        std::string hash;
        std::string source;
        std::uint64_t line_no;
        std::uint64_t ordinal;
        bool flagged;
    };
    struct pending_gap {
        std::uint64_t from, to;
        verify_problem problem;
    };
    struct entry_view {
        std::string_view content, hash, prev, rec, seq_text;
        std::size_t hashed_from = 0;  // offset of "prev": in the line
        std::uint64_t seq = 0;
    };

    static std::string range(std::uint64_t from, std::uint64_t to) {
        return from == to ? "seq " + std::to_string(from) : "seq " + std::to_string(from) + ".." + std::to_string(to);
    }

    void add(verify_problem p) {
        if (report_.problems.size() < options_.max_problems) report_.problems.push_back(std::move(p));
        else ++report_.problems_omitted;
    }

    static std::string_view unquote(std::string_view v) {
        return v.size() >= 2 && v.front() == '"' && v.back() == '"' ? v.substr(1, v.size() - 2) : std::string_view{};
    }

    // Splits the line into its members and checks the envelope of format v1.
    std::optional<std::string> parse_envelope(std::string_view text, entry_view& e) const {
        bool has_v = false, has_seq = false;
        std::string unexpected;
        const bool ok = detail::for_each_member(text, [&](const detail::json_member& m) {
            if (m.key == "content") e.content = m.value;
            else if (m.key == "hash") e.hash = unquote(m.value);
            else if (m.key == "prev") {
                e.prev = unquote(m.value);
                e.hashed_from = m.value_offset - 7;  // back over "prev":
            } else if (m.key == "rec") e.rec = m.value;
            else if (m.key == "seq") { e.seq_text = m.value; has_seq = true; }
            else if (m.key == "v") has_v = m.value == "1";
            else if (unexpected.empty()) unexpected = std::string(m.key);
        });
        if (!ok) return "not a JSON object";
        if (!unexpected.empty()) return "unexpected member '" + unexpected + "' (format v1 has content, hash, prev, rec, seq, v)";
        if (!has_v) return "missing or unsupported format version (expected \"v\":1)";
        if (!has_seq) return "missing seq";
        const auto r = std::from_chars(e.seq_text.data(), e.seq_text.data() + e.seq_text.size(), e.seq);
        if (r.ec != std::errc{} || r.ptr != e.seq_text.data() + e.seq_text.size()) return "seq is not a non-negative integer";
        if (!detail::is_lower_hex(e.hash, 64)) return "hash is not 64 lowercase hex digits";
        if (!detail::is_lower_hex(e.prev, 64)) return "prev is not 64 lowercase hex digits";
        if (e.rec.empty() || e.rec.front() != '{') return "rec is missing or not an object";
        if (!e.content.empty() && e.content.front() != '{') return "content is not an object";
        return std::nullopt;
    }

    void check_entry(const stored_line& l, bool first_in_file) {
        const std::string source(l.source);
        auto problem = [&](problem_kind k, std::optional<std::uint64_t> seq, std::string detail) {
            add({k, source, l.line_no, seq, std::move(detail), ordinal_});
        };

        // 1. Canonical form (and with it, well-formed JSON). On both paths a
        // line that is not JSON is "not an entry" and JSON that is not
        // canonical is "not canonical" (docs/format.md, 6 step 2).
        if (options_.recanonicalize) {
            const auto j = nlohmann::json::parse(l.text, nullptr, false);
            if (j.is_discarded()) return problem(problem_kind::not_an_entry, std::nullopt, "not valid JSON");
            std::string canonical;
            try {
                canonical = canonicalize(j);
            } catch (const jcs_error& e) {
                return check_non_canonical(l, first_in_file, j, e.what());
            }
            if (canonical != l.text) {
                std::size_t at = 0;
                while (at < canonical.size() && at < l.text.size() && canonical[at] == l.text[at]) ++at;
                return check_non_canonical(l, first_in_file, j,
                                           "differs from its canonical form at byte " + std::to_string(at));
            }
        } else if (const auto v = detail::check_canonical(l.text)) {
            const auto j = nlohmann::json::parse(l.text, nullptr, false);
            if (j.is_discarded())
                return problem(problem_kind::not_an_entry, std::nullopt,
                               "not valid JSON (" + std::string(v->reason) + " at byte " + std::to_string(v->offset) + ")");
            return check_non_canonical(l, first_in_file, j,
                                       std::string(v->reason) + " at byte " + std::to_string(v->offset));
        }

        // 2. The envelope of format v1.
        entry_view e;
        if (auto err = parse_envelope(l.text, e)) return problem(problem_kind::not_an_entry, std::nullopt, *err);
        ++report_.entries;

        if (e.seq == 0 || report_.entries == 1) read_open_record(e, l);

        // 3. The entry's own hash over {"prev":...,"rec":...,"seq":...,"v":1}.
        bool flagged = false;
        if (hash_) {
            const digest d = (*hash_)({"{", l.text.substr(e.hashed_from)});
            std::string computed;
            detail::append_hex(computed, d.data(), d.size());
            if (computed != e.hash) {
                flagged = true;
                problem(problem_kind::record_modified, e.seq,
                        "hash mismatch: stored " + std::string(e.hash) + ", computed " + computed +
                            " (rec, prev or seq was changed after sealing)");
            }
        }

        // 4. Content bodies against the digests in rec.
        if (!e.content.empty() && !flagged) {
            std::map<std::string_view, std::string_view> digests;
            detail::for_each_member(e.rec, [&](const detail::json_member& m) {
                if (m.key == "digests")
                    detail::for_each_member(m.value, [&](const detail::json_member& d) { digests[d.key] = unquote(d.value); });
            });
            detail::for_each_member(e.content, [&](const detail::json_member& m) {
                if (flagged) return;
                const auto it = digests.find(m.key);
                if (it == digests.end()) {
                    flagged = true;
                    problem(problem_kind::content_modified, e.seq,
                            "content '" + std::string(m.key) + "' has no digest in rec (added after sealing)");
                    return;
                }
                const auto d = detail::sha256_of({m.value});
                std::string computed;
                detail::append_hex(computed, d.data(), d.size());
                if (computed != it->second) {
                    flagged = true;
                    problem(problem_kind::content_modified, e.seq,
                            "content '" + std::string(m.key) + "' does not match its digest: rec says " +
                                std::string(it->second) + ", body hashes to " + computed);
                }
            });
        }

        // 5. The chain: order by seq, link by prev.
        check_chain(e, l, first_in_file, flagged);
    }

    // A line that is JSON but not canonical. Its bytes are not the
    // bytes that were hashed, so its hash and digests cannot be checked; but
    // when it still holds an entry, the problem names its seq and the entry
    // takes its place in the chain (flagged, so that no link through it is
    // blamed on a neighbour) instead of also being reported as missing.
    void check_non_canonical(const stored_line& l, bool first_in_file, const nlohmann::json& j, std::string why) {
        entry_view e;
        std::string canonical;  // e's views point into it
        bool is_entry = false;
        try {
            canonical = canonicalize(j);
            is_entry = !parse_envelope(canonical, e);
        } catch (const jcs_error&) {
            // No canonical form at all: report the line without its seq.
        }
        add({problem_kind::not_canonical, std::string(l.source), l.line_no,
             is_entry ? std::optional<std::uint64_t>(e.seq) : std::nullopt, std::move(why), ordinal_});
        if (!is_entry) return;
        ++report_.entries;
        check_chain(e, l, first_in_file, /*flagged=*/true);
    }

    void read_open_record(const entry_view& e, const stored_line& l) {
        const auto rec = nlohmann::json::parse(e.rec, nullptr, false);
        if (!rec.is_object() || rec.value("kind", "") != "trail.open") return;
        const auto meta = rec.value("meta", nlohmann::json::object());
        report_.trail_id = meta.value("trail_id", "");
        report_.hasher = meta.value("hasher", "");
        if (report_.hasher.empty() || report_.hasher == hash::sha256::name) return;
        hash_ = options_.resolve_hasher(report_.hasher);
        if (!hash_)
            add({problem_kind::unverifiable, std::string(l.source), l.line_no, e.seq,
                 "the trail is chained with hasher '" + report_.hasher +
                     "', which this verifier cannot compute (a keyed hasher needs its key); entry hashes not checked",
                 ordinal_});
    }

    void check_chain(const entry_view& e, const stored_line& l, bool first_in_file, bool flagged) {
        const std::string source(l.source);
        if (!last_seq_) {
            if (e.seq != 0) {
                gaps_.push_back({0, e.seq - 1,
                                 {problem_kind::gap, source, l.line_no, e.seq,
                                  "the trail starts at seq " + std::to_string(e.seq) + ", not 0: entries " +
                                      range(0, e.seq - 1) + " are missing (earlier files removed?)",
                                  ordinal_}});
            } else if (e.prev != genesis_prev) {
                add({problem_kind::record_modified, source, l.line_no, e.seq, "seq 0 must have prev of 64 zeros", ordinal_});
            }
        } else if (e.seq == *last_seq_ + 1) {
            // In order: nothing to say here; the link is checked below.
        } else if (e.seq > *last_seq_ + 1) {
            const auto from = *last_seq_ + 1, to = e.seq - 1;
            verify_problem p{first_in_file ? problem_kind::broken_across_files : problem_kind::gap, source, l.line_no, e.seq,
                             "", ordinal_};
            p.detail = first_in_file ? "this file starts at seq " + std::to_string(e.seq) + " but the previous file ends at seq " +
                                           std::to_string(*last_seq_) + ": entries " + range(from, to) +
                                           " are missing (a file was removed, or entries deleted at its end)"
                                     : "entries " + range(from, to) + " are missing before this line (deleted)";
            gaps_.push_back({from, to, std::move(p)});
        } else if (const auto dup = seen_.find(e.seq); dup != seen_.end()) {
            // A second entry with this seq: the chain continues from one of
            // them; the other was inserted. The later one is linked by its
            // successor in every forgery we can construct without the key
            // (see docs/format.md), so the earlier one is reported.
            if (!dup->second.flagged)
                add({problem_kind::inserted, dup->second.source, dup->second.line_no, e.seq,
                     "a second entry with seq " + std::to_string(e.seq) + " follows at " + source + ":" +
                         std::to_string(l.line_no) + " and the chain continues from it: this line was inserted",
                     dup->second.ordinal});
            dup->second.flagged = true;
        } else {
            arrived_late_[e.seq] = 1;
        }

        // The link: prev must be the stored hash of entry seq-1, if we saw it.
        if (e.seq > 0) {
            const auto before = seen_.find(e.seq - 1);
            if (before != seen_.end() && before->second.hash != e.prev && !before->second.flagged && !flagged) {
                before->second.flagged = true;
                add({problem_kind::record_modified, before->second.source, before->second.line_no, e.seq - 1,
                     "seq " + std::to_string(e.seq) + " (" + source + ":" + std::to_string(l.line_no) +
                         ") commits to prev " + std::string(e.prev) + " but this entry's hash is " + before->second.hash +
                         ": this entry was replaced",
                     before->second.ordinal});
            }
        }

        seen_[e.seq] = {std::string(e.hash), source, l.line_no, ordinal_, flagged};
        if (seen_.size() > window) seen_.erase(seen_.begin());
        if (!last_seq_ || e.seq > *last_seq_) last_seq_ = e.seq;
    }

    // How many recent entries are kept to tell insertions and reorderings
    // apart from plain gaps; memory stays bounded on any trail size.
    static constexpr std::size_t window = 4096;

    verify_options options_;
    std::optional<chain_hash_fn> hash_;
    verify_report report_;
    std::uint64_t ordinal_ = 0;
    bool file_start_ = false;
    std::optional<std::uint64_t> last_seq_;
    std::map<std::uint64_t, seen_entry> seen_;
    std::map<std::uint64_t, int> arrived_late_;
    std::vector<pending_gap> gaps_;
};

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
    trail_verifier v(std::move(options));
    for (const auto& f : files) {
        v.begin_source();
        scan_jsonl_file(f, [&](const stored_line& l) {
            v.add_line(l);
            return true;
        });
    }
    return v.finish();
}

/// Verifies the trail held by a readable storage.
template <readable_storage S>
verify_report verify(const S& s, verify_options options = {}) {
    trail_verifier v(std::move(options));
    std::string source;  // a copy: the storage may reuse the bytes l.source points to
    s.scan([&](const stored_line& l) {
        if (l.line_no == 1 || l.source != source) {
            v.begin_source();
            source = l.source;
        }
        v.add_line(l);
        return true;
    });
    return v.finish();
}

}  // namespace v1
}  // namespace aitrail
