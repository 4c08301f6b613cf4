#pragma once
/// @file common.hpp
/// What the reports share: exact arithmetic on nano-USD, microseconds and
/// token counts (128-bit where a product may not fit in 64 bits), the
/// nearest-rank percentile, UTC day and hour numbers read straight from the
/// fixed-width `ts` of a record, and small readers of record_view slices
/// (a member of meta, the redaction counts, whether content was kept).
/// Nothing here parses a line into a document.

#include <aitrail/config.hpp>
#include <aitrail/detail/json_scan.hpp>
#include <aitrail/detail/time_format.hpp>
#include <aitrail/record/record_view.hpp>
#include <aitrail/read/result_table.hpp>

#include <algorithm>    // sort, max
#include <chrono>       // sys_days, year_month_day
#include <cstdint>      // int64_t
#include <map>          // map
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {
namespace reports {

/// 128-bit integers for sums of squares and cross-multiplied comparisons.
__extension__ typedef __int128 int128;

namespace detail {

/// `escaped` as text, without a copy when it holds no escape (the common case).
inline std::string_view key_text(std::string_view escaped, std::string& buffer) {
    if (escaped.find('\\') == std::string_view::npos) return escaped;
    buffer = text(escaped);
    return buffer;
}

/// Finds `key` in a map keyed by std::string with a transparent comparator,
/// inserting a value-initialized entry when absent (no allocation when found).
template <class Map>
typename Map::mapped_type& entry(Map& m, std::string_view key) {
    auto it = m.find(key);
    if (it == m.end()) it = m.emplace(std::string(key), typename Map::mapped_type{}).first;
    return it->second;
}

/// A text cell, or null for an empty string.
inline cell text_or_null(std::string_view s) { return s.empty() ? cell{} : cell{std::string(s)}; }

/// Rounds `num / den` to the nearest integer, halves away from zero (den > 0).
inline std::int64_t div_round(int128 num, int128 den) {
    const int128 q = num >= 0 ? (num + den / 2) / den : -((-num + den / 2) / den);
    return static_cast<std::int64_t>(q);
}

/// Microseconds as milliseconds with three decimals.
inline cell ms(std::int64_t us) { return decimal(us, 3); }

/// The mean of `n` microsecond values summing to `sum_us`, in ms (null when n is 0).
inline cell mean_ms(int128 sum_us, std::int64_t n) {
    if (n <= 0) return {};
    return decimal(div_round(sum_us, n), 3);
}

/// `part / whole` as a percentage with two decimals, exact for any int64
/// operands (percent() multiplies in 64 bits); null when whole is 0.
inline cell share(std::int64_t part, std::int64_t whole) {
    if (whole == 0) return {};
    return decimal(div_round(int128{part} * 10000, whole), 2);
}

/// Parses `width` decimal digits at `at`; -1 when any is not a digit.
inline int digits(std::string_view s, std::size_t at, std::size_t width) noexcept {
    if (at + width > s.size()) return -1;
    int v = 0;
    for (std::size_t i = at; i < at + width; ++i) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

}  // namespace detail

/// The UTC day of a record's `ts` ("2026-11-22"): its first ten characters.
inline std::string_view day_of(std::string_view ts) noexcept { return ts.substr(0, std::min<std::size_t>(ts.size(), 10)); }

/// Days since 1970-01-01 of the UTC day that `ts` (RFC 3339) falls on.
inline std::optional<std::int64_t> day_number(std::string_view ts) noexcept {
    using namespace std::chrono;
    const int y = detail::digits(ts, 0, 4), m = detail::digits(ts, 5, 2), d = detail::digits(ts, 8, 2);
    if (y < 0 || m < 1 || m > 12 || d < 1 || d > 31 || ts.size() < 10 || ts[4] != '-' || ts[7] != '-') return std::nullopt;
    const year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;
    return sys_days{ymd}.time_since_epoch().count();
}

/// Hours since the epoch of the UTC hour that `ts` falls in.
inline std::optional<std::int64_t> hour_number(std::string_view ts) noexcept {
    const auto day = day_number(ts);
    const int h = detail::digits(ts, 11, 2);
    if (!day || h < 0 || h > 23 || ts.size() < 13 || ts[10] != 'T') return std::nullopt;
    return *day * 24 + h;
}

/// The day `n` days after 1970-01-01 as "YYYY-MM-DD".
inline std::string day_text(std::int64_t n) {
    return aitrail::detail::to_rfc3339(timestamp{std::chrono::sys_days{std::chrono::days{n}}}).substr(0, 10);
}

/// The nearest-rank percentile `p` (0 < p <= 100) of `sorted` (ascending,
/// not empty): the smallest value such that at least p% of the values are
/// less than or equal to it, i.e. the value at 1-based rank ceil(p * n / 100).
/// Always one of the values, never interpolated.
inline std::int64_t nearest_rank(const std::vector<std::int64_t>& sorted, int p) {
    const auto n = static_cast<std::int64_t>(sorted.size());
    std::int64_t rank = (static_cast<std::int64_t>(p) * n + 99) / 100;  // ceil(p*n/100)
    rank = std::clamp<std::int64_t>(rank, 1, n);
    return sorted[static_cast<std::size_t>(rank - 1)];
}

/// The raw JSON value of member `key` of the object `obj` (a slice of the
/// line), or nullopt when absent.
inline std::optional<std::string_view> member(std::string_view obj, std::string_view key) {
    std::optional<std::string_view> found;
    if (obj.empty()) return found;
    aitrail::detail::json_for_each_member(obj, [&](std::string_view k, std::string_view v) {
        if (aitrail::detail::json_string_equals(k, key)) {
            found = v;
            return false;
        }
        return true;
    });
    return found;
}

/// A JSON value as a label: a string decoded, anything else as its JSON text.
inline std::string label_of(std::string_view value) {
    if (auto s = aitrail::detail::json_raw_string(value)) return text(*s);
    return std::string(value);
}

/// True when the record was priced but its cost is unknown: `cost` is
/// present with `nanos_usd` null. A record without `cost` was not priced
/// (nothing to price, or no pricing policy) and is not counted as unknown.
inline bool cost_unknown(const record_view& r) {
    if (r.cost_nanos_usd) return false;
    // Most records either have a number or no cost member at all; look
    // further only when the member may be there.
    if (r.rec.find("\"cost\":{") == std::string_view::npos) return false;
    const auto cost = member(r.rec, "cost");
    return cost && cost->starts_with('{');
}

/// Calls `f(detector, count)` for each member of rec.redactions.
template <class F>
void for_each_redaction(const record_view& r, F&& f) {
    if (r.redactions.empty()) return;
    aitrail::detail::json_for_each_member(r.redactions, [&](std::string_view k, std::string_view v) {
        if (auto n = aitrail::detail::json_int(v)) f(k, *n);
        return true;
    });
}

/// Total of rec.redactions (values redacted by every detector).
inline std::int64_t redaction_total(const record_view& r) {
    std::int64_t total = 0;
    for_each_redaction(r, [&](std::string_view, std::int64_t n) { total += n; });
    return total;
}

/// What is left of a record's bodies.
enum class content_state {
    none,      ///< no bodies were recorded (no digests, no content)
    kept,      ///< every body the record commits to (rec.digests) is in `content`
    partial,   ///< some committed bodies are missing from `content`
    stripped,  ///< the record commits to bodies but `content` is absent or empty
};

/// "none", "kept", "partial" or "stripped".
constexpr std::string_view to_string(content_state s) noexcept {
    switch (s) {
        case content_state::none: return "none";
        case content_state::kept: return "kept";
        case content_state::partial: return "partial";
        case content_state::stripped: return "stripped";
    }
    return "none";
}

/// Compares the keys of rec.digests with the members of `content`.
inline content_state content_of(const record_view& r) {
    const bool has_content = !r.content.empty() && r.content != "{}";
    const bool has_digests = !r.digests.empty() && r.digests != "{}";
    if (!has_digests) return has_content ? content_state::kept : content_state::none;
    if (!has_content) return content_state::stripped;
    bool all = true;
    aitrail::detail::json_for_each_member(r.digests, [&](std::string_view key, std::string_view) {
        bool present = false;
        aitrail::detail::json_for_each_member(r.content, [&](std::string_view k, std::string_view) {
            present = k == key;
            return !present;
        });
        all = all && present;
        return all;
    });
    return all ? content_state::kept : content_state::partial;
}

/// Sums of the money and token columns several reports print.
struct spend_totals {
    std::int64_t requests = 0;       ///< records
    std::int64_t input_tokens = 0;   ///< sum of reported input tokens
    std::int64_t output_tokens = 0;  ///< sum of reported output tokens
    std::int64_t cost_nanos = 0;     ///< sum of known costs
    std::int64_t priced = 0;         ///< records with a known cost
    std::int64_t unknown_cost = 0;   ///< records priced with an unknown cost
    int128 latency_sum_us = 0;       ///< sum of latencies
    std::int64_t timed = 0;          ///< records with a latency

    /// Adds one record.
    void add(const record_view& r) {
        ++requests;
        input_tokens += r.input_tokens.value_or(0);
        output_tokens += r.output_tokens.value_or(0);
        if (r.cost_nanos_usd) {
            cost_nanos += *r.cost_nanos_usd;
            ++priced;
        } else if (cost_unknown(r)) {
            ++unknown_cost;
        }
        if (r.latency_us) {
            latency_sum_us += *r.latency_us;
            ++timed;
        }
    }
    /// The known cost in USD, or null when no record had one.
    cell cost_usd() const { return priced > 0 ? usd(cost_nanos) : cell{}; }
};

}  // namespace reports
}  // namespace v1
}  // namespace aitrail
