#pragma once
/// @file time_format.hpp
/// RFC 3339 UTC timestamps with microseconds ("2026-11-22T15:51:00.123456Z"),
/// the one timestamp form the trail writes: fixed width, so that string order
/// is time order and a day prefix ("2026-11-22") selects a UTC day.

#include <aitrail/config.hpp>

#include <chrono>       // sys_time, microseconds
#include <cstdint>      // int64_t
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {

/// A point in time with the trail's resolution.
using timestamp = std::chrono::sys_time<std::chrono::microseconds>;

namespace detail {

/// Current UTC time at microsecond resolution.
inline timestamp now_utc() noexcept {
    return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

/// Writes `t` as "YYYY-MM-DDTHH:MM:SS.ffffffZ" (27 bytes) into `out`.
inline void format_rfc3339(timestamp t, char* out) noexcept {
    using namespace std::chrono;
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const auto us = (t - day).count();  // microseconds into the day
    const auto put = [&](int at, long long v, int width) {
        for (int i = width - 1; i >= 0; --i, v /= 10) out[at + i] = static_cast<char>('0' + v % 10);
    };
    put(0, static_cast<int>(ymd.year()), 4);
    out[4] = '-';
    put(5, static_cast<unsigned>(ymd.month()), 2);
    out[7] = '-';
    put(8, static_cast<unsigned>(ymd.day()), 2);
    out[10] = 'T';
    put(11, us / 3'600'000'000LL, 2);
    out[13] = ':';
    put(14, us / 60'000'000LL % 60, 2);
    out[16] = ':';
    put(17, us / 1'000'000LL % 60, 2);
    out[19] = '.';
    put(20, us % 1'000'000LL, 6);
    out[26] = 'Z';
}

/// `t` as an RFC 3339 string.
inline std::string to_rfc3339(timestamp t) {
    std::string s(27, '\0');
    format_rfc3339(t, s.data());
    return s;
}

/// Parses RFC 3339 in UTC ("Z" or "+00:00"), with 0-9 fractional digits
/// (beyond microseconds truncated). Returns nullopt on anything else.
inline std::optional<timestamp> parse_rfc3339(std::string_view s) noexcept {
    using namespace std::chrono;
    auto num = [&](std::size_t at, std::size_t width, int& v) {
        if (at + width > s.size()) return false;
        v = 0;
        for (std::size_t i = at; i < at + width; ++i) {
            if (s[i] < '0' || s[i] > '9') return false;
            v = v * 10 + (s[i] - '0');
        }
        return true;
    };
    int y, mo, d, h, mi, sec;
    if (!num(0, 4, y) || s.size() < 20 || s[4] != '-' || !num(5, 2, mo) || s[7] != '-' || !num(8, 2, d) ||
        (s[10] != 'T' && s[10] != 't') || !num(11, 2, h) || s[13] != ':' || !num(14, 2, mi) || s[16] != ':' ||
        !num(17, 2, sec))
        return std::nullopt;
    const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
    std::size_t i = 19;
    long long frac_us = 0;
    if (i < s.size() && s[i] == '.') {
        ++i;
        int digits = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            if (digits < 6) frac_us = frac_us * 10 + (s[i] - '0');
            ++digits;
            ++i;
        }
        if (digits == 0) return std::nullopt;
        for (; digits < 6; ++digits) frac_us *= 10;
    }
    const std::string_view zone = s.substr(i);
    if (zone != "Z" && zone != "z" && zone != "+00:00") return std::nullopt;
    return timestamp{sys_days{ymd}} + hours{h} + minutes{mi} + seconds{sec} + microseconds{frac_us};
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
