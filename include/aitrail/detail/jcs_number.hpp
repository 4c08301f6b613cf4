#pragma once
/// @file jcs_number.hpp
/// ECMAScript Number::toString for finite doubles, as RFC 8785 section 3.2.2.3
/// requires. std::to_chars already yields the shortest round-trip digits with
/// ties broken towards the exact value (the same choice ES6 makes); only the
/// layout of those digits differs, which is what this header rearranges.

#include <aitrail/config.hpp>

#include <charconv>      // to_chars
#include <cmath>         // isfinite
#include <cstring>       // memcpy
#include <system_error>  // errc

namespace aitrail {
inline namespace v1 {
namespace detail {

/// Space a caller must provide to format_es6_number (longest form:
/// "-1.2345678901234567e-308" is 24 bytes).
inline constexpr std::size_t es6_number_buffer_size = 32;

/// Writes the ES6 form of finite `value` at `out` and returns one past the last
/// byte. -0 becomes "0". Precondition: std::isfinite(value).
inline char* format_es6_number(double value, char* out) noexcept {
    if (value == 0) {  // both +0 and -0
        *out = '0';
        return out + 1;
    }
    char sci[es6_number_buffer_size];
    auto [end, ec] = std::to_chars(sci, sci + sizeof sci, value, std::chars_format::scientific);
    (void)ec;  // cannot fail: the buffer holds every double's scientific form
    // sci looks like "-d.ddddde+XX" or "de-XXX": split into sign, digits, exponent.
    const char* p = sci;
    if (*p == '-') *out++ = *p++;
    char digits[20];
    int k = 0;
    for (; *p != 'e'; ++p)
        if (*p != '.') digits[k++] = *p;
    ++p;  // 'e'
    const bool negative_exp = *p == '-';
    ++p;  // sign
    int e = 0;
    for (; p < end; ++p) e = e * 10 + (*p - '0');
    if (negative_exp) e = -e;
    const int n = e + 1;  // ES6's n: position of the decimal point

    if (k <= n && n <= 21) {  // integer: digits then n-k zeros
        std::memcpy(out, digits, static_cast<std::size_t>(k));
        out += k;
        for (int i = k; i < n; ++i) *out++ = '0';
    } else if (0 < n && n <= 21) {  // point inside the digits
        std::memcpy(out, digits, static_cast<std::size_t>(n));
        out += n;
        *out++ = '.';
        std::memcpy(out, digits + n, static_cast<std::size_t>(k - n));
        out += k - n;
    } else if (-6 < n && n <= 0) {  // 0.000ddd
        *out++ = '0';
        *out++ = '.';
        for (int i = n; i < 0; ++i) *out++ = '0';
        std::memcpy(out, digits, static_cast<std::size_t>(k));
        out += k;
    } else {  // exponent form: d[.ddd]e±x
        *out++ = digits[0];
        if (k > 1) {
            *out++ = '.';
            std::memcpy(out, digits + 1, static_cast<std::size_t>(k - 1));
            out += k - 1;
        }
        *out++ = 'e';
        *out++ = n - 1 < 0 ? '-' : '+';
        auto r = std::to_chars(out, out + 8, n - 1 < 0 ? 1 - n : n - 1);
        out = r.ptr;
    }
    return out;
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
