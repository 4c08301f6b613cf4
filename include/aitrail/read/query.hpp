#pragma once
/// @file query.hpp
/// Streams the records of any readable trail that match a filter: id, time
/// range, user, model, kind, status, tag, latency and cost floors. Memory is
/// constant (one line at a time, as the storage delivers it) and a line is
/// only walked as far as the filter needs (record_view), so a scan runs at
/// the speed the storage reads.
/// @code
/// aitrail::record_filter f{.user = "analyst_jane", .status = "error"};
/// aitrail::query(aitrail::jsonl_directory{"audit/"}, f, [](const aitrail::record_view& r) {
///     std::cout << aitrail::text(r.id) << '\n';
///     return true;  // false stops the scan
/// });
/// @endcode

#include <aitrail/config.hpp>
#include <aitrail/detail/json_scan.hpp>
#include <aitrail/detail/time_format.hpp>
#include <aitrail/record/record_view.hpp>
#include <aitrail/storage/concepts.hpp>

#include <cstdint>      // int64_t, uint64_t
#include <functional>   // function
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view
#include <type_traits>  // is_void_v, invoke_result_t
#include <utility>      // forward
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// Which records a query wants. Empty strings and unset bounds match
/// everything; string fields ending in '*' match by prefix ("claude-*").
struct record_filter {
    std::vector<std::string> ids;              ///< any of these record ids
    std::optional<timestamp> since;            ///< ts >= since
    std::optional<timestamp> until;            ///< ts < until
    std::string user;                          ///< rec.user
    std::string model;                         ///< rec.model.name
    std::string model_version;                 ///< rec.model.version
    std::string kind;                          ///< rec.kind (llm.call, ml.prediction...)
    std::string status;                        ///< ok | error | blocked
    std::string tag;                           ///< one of rec.tags
    std::optional<std::int64_t> min_latency_us;      ///< latency_us >= this
    std::optional<std::int64_t> min_cost_nanos_usd;  ///< cost.nanos_usd >= this (unknown costs never match)
    /// Include the trail's own records (trail.open/resume/gap). A kind
    /// filter naming one includes it anyway.
    bool trail_records = false;
};

/// A record_filter prepared for matching many lines.
class record_matcher {
public:
    /// Prepares `f`.
    explicit record_matcher(record_filter f) : f_(std::move(f)) {
        if (f_.since) since_ = detail::to_rfc3339(*f_.since);
        if (f_.until) until_ = detail::to_rfc3339(*f_.until);
    }

    /// True when `r` passes every condition of the filter.
    bool operator()(const record_view& r) const {
        if (!f_.trail_records && r.is_trail_record() && !f_.kind.starts_with("trail.")) return false;
        // Timestamps are fixed-width RFC 3339 UTC: string order is time order.
        if (!since_.empty() && r.ts < since_) return false;
        if (!until_.empty() && r.ts >= until_) return false;
        if (!like(r.kind, f_.kind) || !like(r.status, f_.status) || !like(r.user, f_.user) ||
            !like(r.model_name, f_.model) || !like(r.model_version, f_.model_version))
            return false;
        if (f_.min_latency_us && (!r.latency_us || *r.latency_us < *f_.min_latency_us)) return false;
        if (f_.min_cost_nanos_usd && (!r.cost_nanos_usd || *r.cost_nanos_usd < *f_.min_cost_nanos_usd)) return false;
        if (!f_.tag.empty()) {
            bool found = false;
            r.for_each_tag([&](std::string_view t) { found = found || like(t, f_.tag); });
            if (!found) return false;
        }
        if (!f_.ids.empty()) {
            bool found = false;
            for (const auto& id : f_.ids) found = found || detail::json_string_equals(r.id, id);
            if (!found) return false;
        }
        return true;
    }

    /// The filter.
    const record_filter& filter() const noexcept { return f_; }

private:
    // `escaped` (a slice of the line) against a pattern: exact, or a prefix
    // when the pattern ends in '*'; an empty pattern matches anything.
    static bool like(std::string_view escaped, std::string_view pattern) {
        if (pattern.empty()) return true;
        if (pattern.back() == '*') {
            pattern.remove_suffix(1);
            if (escaped.find('\\') == std::string_view::npos) return escaped.starts_with(pattern);
            return text(escaped).starts_with(pattern);
        }
        return detail::json_string_equals(escaped, pattern);
    }

    record_filter f_;
    std::string since_, until_;
};

/// Counters of one query run.
struct query_stats {
    std::uint64_t lines = 0;       ///< lines read
    std::uint64_t bytes = 0;       ///< bytes read (lines and their '\n')
    std::uint64_t matched = 0;     ///< records passed to the callback
    std::uint64_t unreadable = 0;  ///< lines that are not trail entries (skipped)
};

/// Optional hooks of a query run.
struct query_options {
    /// Called for a line that is not a trail entry (the scan goes on; `aitrail
    /// verify` is the tool that judges a trail).
    std::function<void(const stored_line&)> on_unreadable;
    /// Called every `progress_every_bytes` with the counters so far.
    std::function<void(const query_stats&)> on_progress;
    /// How often on_progress is called.
    std::uint64_t progress_every_bytes = std::uint64_t{64} << 20;
};

/// Calls `on_match(const record_view&, const stored_line&)` (or just
/// `on_match(const record_view&)`) for every record of `source` that passes
/// `filter`, in trail order. `on_match` may return bool: false stops the scan.
template <line_source S, class F>
query_stats query(const S& source, const record_filter& filter, F&& on_match, const query_options& options = {}) {
    const record_matcher match(filter);
    query_stats stats;
    std::uint64_t next_progress = options.progress_every_bytes;
    record_view view;
    source.scan([&](const stored_line& line) {
        ++stats.lines;
        stats.bytes += line.text.size() + 1;
        if (options.on_progress && stats.bytes >= next_progress) {
            options.on_progress(stats);
            next_progress = stats.bytes + options.progress_every_bytes;
        }
        if (!parse_record_view(line.text, view)) {
            ++stats.unreadable;
            if (options.on_unreadable) options.on_unreadable(line);
            return true;
        }
        if (!match(view)) return true;
        ++stats.matched;
        if constexpr (std::is_invocable_v<F&, const record_view&, const stored_line&>) {
            using result = std::invoke_result_t<F&, const record_view&, const stored_line&>;
            if constexpr (std::is_void_v<result>) on_match(view, line);
            else return static_cast<bool>(on_match(view, line));
        } else {
            using result = std::invoke_result_t<F&, const record_view&>;
            if constexpr (std::is_void_v<result>) on_match(view);
            else return static_cast<bool>(on_match(view));
        }
        return true;
    });
    if (options.on_progress) options.on_progress(stats);
    return stats;
}

}  // namespace v1
}  // namespace aitrail
