#pragma once
/// @file health.hpp
/// The state of a trail at a glance, for an auditor before any other
/// question: how many entries and of which kinds, the time span, what the
/// writer admitted to (gaps where records were dropped, resumes after a
/// crash and the torn bytes it cut), what the redactor removed, where
/// content was stripped, which costs are unknown — and whether the chain
/// verifies, checked in the same pass over the lines.

#include <aitrail/config.hpp>
#include <aitrail/read/query.hpp>
#include <aitrail/record/record_view.hpp>
#include <aitrail/read/reports/common.hpp>
#include <aitrail/read/result_table.hpp>
#include <aitrail/read/verify.hpp>
#include <aitrail/read/verify_report.hpp>

#include <cstdint>      // int64_t, uint64_t
#include <functional>   // less
#include <map>          // map
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view
#include <utility>      // move

namespace aitrail {
inline namespace v1 {
namespace reports {

/// Feeds lines to a trail_verifier as aitrail::verify() does, opening a new
/// source whenever the line's source changes (or its numbering restarts), so
/// that a report can verify the trail in the pass it reads it in.
class source_tracker {
public:
    /// Adds `line` to `verifier`.
    void add(trail_verifier& verifier, const stored_line& line) {
        // A copy: the storage may reuse the bytes line.source points to.
        if (!started_ || line.line_no == 1 || line.source != source_) {
            source_ = line.source;
            started_ = true;
            verifier.begin_source(source_);
        }
        verifier.add_line(line);
    }

private:
    std::string source_;
    bool started_ = false;
};

/// Settings of trail_health().
struct health_options {
    bool verify = true;       ///< check the chain in the same pass
    verify_options checking;  ///< how (a keyed trail's key...)
};

/// The trail's health as (section, key, value) rows:
///
/// | section    | keys                                                          |
/// |------------|---------------------------------------------------------------|
/// | trail      | lines, entries (matching the filter), unreadable, first_ts, last_ts, trail_id |
/// | kind       | each rec.kind with its count (trail.* records included)       |
/// | status     | ok, error, blocked                                            |
/// | gaps       | gap_records (trail.gap), dropped (the sum of their meta.dropped) |
/// | resumes    | resumes (trail.resume), torn_bytes_removed (sum)              |
/// | redactions | each detector with the values it redacted (sum of rec.redactions), total |
/// | content    | kept, stripped, partial, none (see content_state)             |
/// | cost       | priced, unknown (priced without a known cost), unpriced       |
/// | verify     | status (OK, FAILED or skipped), problems, first_problem ("file:line seq N: kind") |
///
/// The filter selects the records counted; the chain is always verified
/// over the whole trail. Rows within a section in the order above, kinds and
/// detectors by name.
template <line_source S>
result_table trail_health(const S& source, const record_filter& filter = {}, const health_options& options = {}) {
    record_filter f = filter;
    f.trail_records = true;
    const record_matcher match(f);
    std::optional<trail_verifier> verifier;
    if (options.verify) verifier.emplace(options.checking);
    source_tracker tracker;

    std::int64_t lines = 0, entries = 0, unreadable = 0;
    std::int64_t status_ok = 0, status_error = 0, status_blocked = 0;
    std::int64_t gaps = 0, dropped = 0, resumes = 0, torn = 0;
    std::int64_t priced = 0, unknown = 0, unpriced = 0, redacted = 0;
    std::int64_t states[4] = {0, 0, 0, 0};
    std::map<std::string, std::int64_t, std::less<>> by_kind, detectors;
    std::string first_ts, last_ts, buffer;
    record_view r;
    source.scan([&](const stored_line& line) {
        ++lines;
        if (verifier) tracker.add(*verifier, line);
        if (!parse_record_view(line.text, r)) {
            ++unreadable;
            return true;
        }
        if (!match(r)) return true;
        ++entries;
        ++detail::entry(by_kind, detail::key_text(r.kind, buffer));
        if (first_ts.empty() || r.ts < first_ts) first_ts = r.ts;
        if (last_ts.empty() || r.ts > last_ts) last_ts = r.ts;
        if (r.kind == kinds::trail_gap) {
            ++gaps;
            if (auto n = member(r.meta, "dropped")) dropped += aitrail::detail::json_int(*n).value_or(0);
        } else if (r.kind == kinds::trail_resume) {
            ++resumes;
            if (auto n = member(r.meta, "torn_bytes_removed")) torn += aitrail::detail::json_int(*n).value_or(0);
        }
        if (r.is_trail_record()) return true;
        if (r.status == "error") ++status_error;
        else if (r.status == "blocked") ++status_blocked;
        else ++status_ok;
        for_each_redaction(r, [&](std::string_view detector, std::int64_t n) {
            detail::entry(detectors, detail::key_text(detector, buffer)) += n;
            redacted += n;
        });
        ++states[static_cast<int>(content_of(r))];
        if (r.cost_nanos_usd) ++priced;
        else if (cost_unknown(r)) ++unknown;
        else ++unpriced;
        return true;
    });

    result_table t;
    t.title = "Trail health";
    t.columns = {"section", "key", "value"};
    const auto add = [&](std::string_view section, std::string key, cell value) {
        t.rows.push_back({std::string(section), std::move(key), std::move(value)});
    };
    std::optional<verify_report> report;
    if (verifier) report = verifier->finish();
    add("trail", "lines", lines);
    add("trail", "entries", entries);
    add("trail", "unreadable", unreadable);
    add("trail", "first_ts", detail::text_or_null(first_ts));
    add("trail", "last_ts", detail::text_or_null(last_ts));
    add("trail", "trail_id", report ? detail::text_or_null(report->trail_id) : cell{});
    for (const auto& [kind, n] : by_kind) add("kind", kind, n);
    add("status", "ok", status_ok);
    add("status", "error", status_error);
    add("status", "blocked", status_blocked);
    add("gaps", "gap_records", gaps);
    add("gaps", "dropped", dropped);
    add("resumes", "resumes", resumes);
    add("resumes", "torn_bytes_removed", torn);
    for (const auto& [detector, n] : detectors) add("redactions", detector, n);
    add("redactions", "total", redacted);
    add("content", "kept", states[static_cast<int>(content_state::kept)]);
    add("content", "stripped", states[static_cast<int>(content_state::stripped)]);
    add("content", "partial", states[static_cast<int>(content_state::partial)]);
    add("content", "none", states[static_cast<int>(content_state::none)]);
    add("cost", "priced", priced);
    add("cost", "unknown", unknown);
    add("cost", "unpriced", unpriced);
    if (report) {
        const auto problems = static_cast<std::int64_t>(report->problems.size() + report->problems_omitted);
        add("verify", "status", report->ok() ? "OK" : "FAILED");
        add("verify", "problems", problems);
        cell first;
        if (!report->problems.empty()) {
            const auto& p = report->problems.front();
            std::string where = p.source + ":" + std::to_string(p.line_no);
            if (p.seq) where += " seq " + std::to_string(*p.seq);
            first = where + ": " + std::string(to_string(p.kind));
        }
        add("verify", "first_problem", std::move(first));
    } else {
        add("verify", "status", "skipped");
    }
    return t;
}

/// True when a trail_health() table says the chain verified (or was not checked).
inline bool health_ok(const result_table& t) {
    for (const auto& row : t.rows)
        if (row.size() == 3 && row[0].str() == "verify" && row[1].str() == "status") return row[2].str() != "FAILED";
    return true;
}

}  // namespace reports
}  // namespace v1
}  // namespace aitrail
