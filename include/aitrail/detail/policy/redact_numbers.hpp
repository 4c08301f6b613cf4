#pragma once
/// @file redact_numbers.hpp
/// What the number-shaped detectors (phone, ssn, credit_card, ipv4) share: when a
/// digit run is part of a longer token (a date, a version, an order number)
/// rather than a value of its own, the Luhn check, and digits-only forms.

#include <aitrail/config.hpp>
#include <aitrail/detail/policy/redact_bytes.hpp>

#include <cstddef>      // size_t
#include <string>       // string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace detail {

/// True if a number that would start at `begin` continues a longer token on
/// its left, so it is not a value of its own:
/// - a word character or '@' right before it ("ORD12..." or "x@1...");
/// - '#' or '$' right before it (ticket and order numbers, prices);
/// - '-', '_', '/' or '+' glued to a letter or digit ("ORD-4155550132",
///   "claude-sonnet-4-2025...", "2026/11/22", "1+2");
/// - '.', ':' or ',' glued to a digit (versions "10.0.19045", times
///   "12:30:45", grouped amounts "1,250").
/// "Tel:555-..." and "call 555-..." are not joined: a letter before ':' or
/// a space is a label, not part of the number.
constexpr bool joined_left(std::string_view s, std::size_t begin) noexcept {
    const char b = at(s, begin - 1);
    if (is_word(b) || b == '@' || b == '#' || b == '$') return true;
    const char bb = at(s, begin - 2);
    switch (b) {
        case '-': case '_': case '/': case '+': return is_alnum(bb);
        case '.': case ':': case ',': return is_digit(bb);
        default: return false;
    }
}

/// True if a number that would end at `end` continues a longer token on its
/// right: a word character or '@' (then it is an email's local part), or
/// '-', '_', '/', ':' glued to a letter or digit, or '.' glued to a digit
/// (a decimal or a version). A sentence's full stop ("...0132.") is not.
constexpr bool joined_right(std::string_view s, std::size_t end) noexcept {
    const char a = at(s, end);
    if (is_word(a) || a == '@') return true;
    const char aa = at(s, end + 1);
    switch (a) {
        case '-': case '_': case '/': case ':': return is_alnum(aa);
        case '.': return is_digit(aa);
        default: return false;
    }
}

/// True if a space-separated number spanning [begin, end) sits in a list of
/// numbers ("100 200 300 4000"): a digit and a space on either side.
constexpr bool in_number_list(std::string_view s, std::size_t begin, std::size_t end) noexcept {
    return (at(s, begin - 1) == ' ' && is_digit(at(s, begin - 2))) || (at(s, end) == ' ' && is_digit(at(s, end + 1)));
}

/// The decimal digits of `s`, in order.
inline std::string digits_of(std::string_view s) {
    std::string d;
    d.reserve(s.size());
    for (char c : s)
        if (is_digit(c)) d += c;
    return d;
}

/// Luhn (ISO/IEC 7812) check over the digits of `s`; other bytes are skipped.
constexpr bool luhn_ok(std::string_view s) noexcept {
    int sum = 0;
    bool twice = false;
    for (std::size_t i = s.size(); i-- > 0;) {
        if (!is_digit(s[i])) continue;
        int d = s[i] - '0';
        if (twice && (d *= 2) > 9) d -= 9;
        sum += d;
        twice = !twice;
    }
    return sum % 10 == 0;
}

/// The value of the `n` digits at `s[i]` (caller checked they are digits).
constexpr int number_at(std::string_view s, std::size_t i, std::size_t n) noexcept {
    int v = 0;
    for (std::size_t k = 0; k < n; ++k) v = v * 10 + (s[i + k] - '0');
    return v;
}

/// End of a dotted quad starting at `i` (four decimal octets 0-255 without
/// leading zeros), or 0. Shared by ipv4 and the IPv4 tail of ipv6.
constexpr std::size_t dotted_quad_end(std::string_view s, std::size_t i) noexcept {
    for (int octet = 0; octet < 4; ++octet) {
        const std::size_t r = digits_end(s, i);
        const std::size_t k = r - i;
        if (k == 0 || k > 3 || (k > 1 && s[i] == '0') || number_at(s, i, k) > 255) return 0;
        i = r;
        if (octet < 3) {
            if (at(s, i) != '.') return 0;
            ++i;
        }
    }
    return i;
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
