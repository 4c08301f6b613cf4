#pragma once
// The record filter options shared by the read commands (query, tail,
// report): times, ids, users, models, kinds, statuses, tags and floors.
//
//   --since T, --until T      RFC 3339 UTC (2026-11-01T00:00:00Z), a date
//                             (2026-11-01, midnight UTC), or a duration
//                             before now: 30s, 30m, 24h, 7d, 2w
//   --id ID                   repeatable: any of the ids
//   --user U  --model M  --model-version V  --kind K  --tag T
//   --status ok|error|blocked
//   --min-latency-ms N        up to 3 decimals (microseconds)
//   --min-cost-usd X          up to 9 decimals (nano-USD)
//
// Text values ending in '*' match by prefix (see aitrail::record_filter).

#include "cli.hpp"

#include <aitrail/detail/time_format.hpp>
#include <aitrail/read/query.hpp>

#include <chrono>       // days, hours, minutes, seconds, sys_days
#include <cstdint>      // int64_t
#include <limits>       // numeric_limits
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view

namespace aitrail_cli {

/// Parses a non-negative decimal with at most `max_decimals` fraction
/// digits into an integer scaled by 10^max_decimals ("1.5", 3 -> 1500).
/// nullopt for anything else (signs, exponents, too many digits, overflow).
inline std::optional<std::int64_t> parse_scaled_decimal(std::string_view s, int max_decimals) {
    if (s.empty()) return std::nullopt;
    std::int64_t value = 0;
    int decimals = -1;  // -1: before the point
    bool any_digit = false;
    constexpr auto limit = std::numeric_limits<std::int64_t>::max() / 10;
    for (char c : s) {
        if (c == '.') {
            if (decimals >= 0) return std::nullopt;
            decimals = 0;
            continue;
        }
        if (c < '0' || c > '9') return std::nullopt;
        if (decimals >= 0 && ++decimals > max_decimals) return std::nullopt;
        if (value > limit) return std::nullopt;
        value = value * 10 + (c - '0');
        any_digit = true;
    }
    if (!any_digit || (decimals == 0)) return std::nullopt;  // "." or "5."
    for (int d = decimals < 0 ? 0 : decimals; d < max_decimals; ++d) {
        if (value > limit) return std::nullopt;
        value *= 10;
    }
    return value;
}

/// Parses a time: RFC 3339 UTC, a date (midnight UTC), "now", or a
/// duration before `now` (an integer and a unit: s, m, h, d or w).
inline std::optional<aitrail::timestamp> parse_time(std::string_view s, aitrail::timestamp now) {
    using namespace std::chrono;
    if (s == "now") return now;
    if (auto t = aitrail::detail::parse_rfc3339(s)) return t;
    if (s.size() == 10 && s[4] == '-' && s[7] == '-') {
        if (auto t = aitrail::detail::parse_rfc3339(std::string(s) + "T00:00:00Z")) return t;
        return std::nullopt;
    }
    if (s.size() < 2) return std::nullopt;
    const char unit = s.back();
    std::int64_t unit_seconds = 0;
    switch (unit) {
        case 's': unit_seconds = 1; break;
        case 'm': unit_seconds = 60; break;
        case 'h': unit_seconds = 3600; break;
        case 'd': unit_seconds = 86400; break;
        case 'w': unit_seconds = 7 * 86400; break;
        default: return std::nullopt;
    }
    const auto n = parse_scaled_decimal(s.substr(0, s.size() - 1), 0);
    constexpr std::int64_t century = 100LL * 366 * 86400;  // far enough back for any trail
    if (!n || *n > century / unit_seconds) return std::nullopt;
    return now - seconds{*n * unit_seconds};
}

/// The help lines of the filter options, for a command's usage text.
inline constexpr std::string_view filter_usage =
    "filters (all must hold; text values ending in '*' match by prefix):\n"
    "  --since T, --until T   time range [since, until): RFC 3339 (2026-11-01T00:00:00Z),\n"
    "                         a date (2026-11-01), or a duration before now (30m, 24h, 7d)\n"
    "  --id ID                a record id (repeatable: any of them)\n"
    "  --user U  --model M  --model-version V  --kind K  --tag T\n"
    "  --status ok|error|blocked\n"
    "  --min-latency-ms N     latency at least N ms\n"
    "  --min-cost-usd X       cost at least X USD (records of unknown cost never match)\n";

/// If `flag` is a filter option, takes its value from `a` into `filter` and
/// returns true; `error` is then set (naming the option and the value) when
/// the value is missing or bad, and left empty otherwise. Returns false,
/// touching nothing, for any other flag.
inline bool parse_filter_option(args& a, const std::string& flag, aitrail::record_filter& filter, std::string& error) {
    static constexpr std::string_view flags[] = {"--since", "--until",  "--id",     "--user",           "--model",
                                                 "--model-version", "--kind", "--status", "--tag", "--min-latency-ms",
                                                 "--min-cost-usd"};
    bool known = false;
    for (auto f : flags) known = known || flag == f;
    if (!known) return false;
    error.clear();
    if (a.empty()) {
        error = flag + " needs a value";
        return true;
    }
    const std::string value = a.next();
    const auto bad = [&](std::string_view what) { error = flag + ": '" + value + "' is not " + std::string(what); };
    if (flag == "--since" || flag == "--until") {
        const auto t = parse_time(value, aitrail::detail::now_utc());
        if (!t) {
            bad("a time (RFC 3339 like 2026-11-01T00:00:00Z, a date like 2026-11-01, or a duration before now like "
                "30m, 24h, 7d)");
            return true;
        }
        (flag == "--since" ? filter.since : filter.until) = *t;
        if (filter.since && filter.until && *filter.since >= *filter.until)
            error = "--until (" + aitrail::detail::to_rfc3339(*filter.until) + ") must be after --since (" +
                    aitrail::detail::to_rfc3339(*filter.since) + ")";
    } else if (flag == "--status") {
        if (value != "ok" && value != "error" && value != "blocked" && !value.ends_with('*')) {
            bad("a status (ok, error or blocked)");
            return true;
        }
        filter.status = value;
    } else if (flag == "--min-latency-ms") {
        const auto us = parse_scaled_decimal(value, 3);
        if (!us) bad("a number of milliseconds (up to 3 decimals)");
        else filter.min_latency_us = *us;
    } else if (flag == "--min-cost-usd") {
        const auto nanos = parse_scaled_decimal(value, 9);
        if (!nanos) bad("an amount of USD (up to 9 decimals)");
        else filter.min_cost_nanos_usd = *nanos;
    } else if (value.empty()) {
        error = flag + " needs a non-empty value";
    } else if (flag == "--id") filter.ids.push_back(value);
    else if (flag == "--user") filter.user = value;
    else if (flag == "--model") filter.model = value;
    else if (flag == "--model-version") filter.model_version = value;
    else if (flag == "--kind") filter.kind = value;
    else if (flag == "--tag") filter.tag = value;
    return true;
}

}  // namespace aitrail_cli
