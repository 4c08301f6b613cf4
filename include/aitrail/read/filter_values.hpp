#pragma once
/// @file filter_values.hpp
/// Parsers for the values people type into record filters (the tool's
/// --since/--until, --min-cost-usd, --min-latency-ms): times in three forms
/// and exact decimals. Strict: anything they do not fully understand is
/// nullopt, never a silent zero.

#include <aitrail/config.hpp>
#include <aitrail/record/timestamp.hpp>

#include <chrono>       // seconds
#include <cstdint>      // int64_t
#include <limits>       // numeric_limits
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {

/// Parses a non-negative decimal with at most `decimals` fraction digits
/// into an integer scaled by 10^decimals: ("1.5", 3) -> 1500, ("0.000081487",
/// 9) -> 81487 nano-USD. nullopt for signs, exponents, more digits, a bare
/// point, or overflow.
inline std::optional<std::int64_t> parse_fixed_decimal(std::string_view text, int decimals) noexcept {
    if (text.empty() || decimals < 0) return std::nullopt;
    std::int64_t value = 0;
    int seen = -1;  // fraction digits so far; -1 before the point
    bool any_digit = false;
    constexpr auto limit = (std::numeric_limits<std::int64_t>::max() - 9) / 10;
    for (char c : text) {
        if (c == '.') {
            if (seen >= 0) return std::nullopt;
            seen = 0;
            continue;
        }
        if (c < '0' || c > '9') return std::nullopt;
        if (seen >= 0 && ++seen > decimals) return std::nullopt;
        if (value > limit) return std::nullopt;
        value = value * 10 + (c - '0');
        any_digit = true;
    }
    if (!any_digit || seen == 0) return std::nullopt;  // "." or "5."
    for (int d = seen < 0 ? 0 : seen; d < decimals; ++d) {
        if (value > limit) return std::nullopt;
        value *= 10;
    }
    return value;
}

/// Parses an age: a whole number and a unit, s, m, h, d or w ("30m",
/// "24h", "7d"); nullopt for anything else or beyond a century.
inline std::optional<std::chrono::seconds> parse_age(std::string_view text) noexcept {
    if (text.size() < 2) return std::nullopt;
    std::int64_t unit = 0;
    switch (text.back()) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        case 'w': unit = 7 * 86400; break;
        default: return std::nullopt;
    }
    const auto n = parse_fixed_decimal(text.substr(0, text.size() - 1), 0);
    constexpr std::int64_t century = 100LL * 366 * 86400;  // far enough back for any trail
    if (!n || *n > century / unit) return std::nullopt;
    return std::chrono::seconds{*n * unit};
}

/// Parses a point in time as filters take it: RFC 3339 UTC
/// ("2026-11-01T00:00:00Z"), a date ("2026-11-01", midnight UTC), "now", or
/// an age before `now` ("30m", "24h", "7d"; see parse_age).
inline std::optional<timestamp> parse_time_spec(std::string_view text, timestamp now) {
    if (text == "now") return now;
    if (auto t = parse_rfc3339(text)) return t;
    if (text.size() == 10 && text[4] == '-' && text[7] == '-') return parse_rfc3339(std::string(text) + "T00:00:00Z");
    if (auto age = parse_age(text)) return now - *age;
    return std::nullopt;
}

}  // namespace v1
}  // namespace aitrail
