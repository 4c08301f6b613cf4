#pragma once
/// @file redact_bytes.hpp
/// Byte classes for the redaction scanner: a 256-bit set that can be a
/// template argument (so the skip loop over bytes that start no match is
/// built at compile time), and the character tests every detector repeats.

#include <aitrail/config.hpp>

#include <cstddef>      // size_t
#include <cstdint>      // uint64_t
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace detail {

/// A set of byte values. Structural (all members public), so it can be a
/// non-type template argument.
struct byte_set {
    std::uint64_t bits[4] = {0, 0, 0, 0};  ///< bit b of word b/64 set when byte b is in the set

    /// True if byte `c` is in the set.
    constexpr bool contains(char c) const noexcept {
        const auto b = static_cast<unsigned char>(c);
        return ((bits[b >> 6] >> (b & 63)) & 1u) != 0;
    }
    /// Adds byte `c`.
    constexpr byte_set& add(char c) noexcept {
        const auto b = static_cast<unsigned char>(c);
        bits[b >> 6] |= std::uint64_t{1} << (b & 63);
        return *this;
    }
    /// Adds the bytes from `lo` to `hi`, both included.
    constexpr byte_set& add_range(char lo, char hi) noexcept {
        for (unsigned b = static_cast<unsigned char>(lo); b <= static_cast<unsigned char>(hi); ++b)
            add(static_cast<char>(b));
        return *this;
    }
    /// The set of the bytes of `chars`.
    static constexpr byte_set of(std::string_view chars) noexcept {
        byte_set s;
        for (char c : chars) s.add(c);
        return s;
    }
    /// The set of the bytes from `lo` to `hi`, both included.
    static constexpr byte_set range(char lo, char hi) noexcept { return byte_set{}.add_range(lo, hi); }
    /// Union.
    constexpr byte_set operator|(const byte_set& o) const noexcept {
        return {{bits[0] | o.bits[0], bits[1] | o.bits[1], bits[2] | o.bits[2], bits[3] | o.bits[3]}};
    }
    /// Complement.
    constexpr byte_set operator~() const noexcept { return {{~bits[0], ~bits[1], ~bits[2], ~bits[3]}}; }
    /// True if the two sets share a byte.
    constexpr bool intersects(const byte_set& o) const noexcept {
        return ((bits[0] & o.bits[0]) | (bits[1] & o.bits[1]) | (bits[2] & o.bits[2]) | (bits[3] & o.bits[3])) != 0;
    }
    /// True if no byte is in the set.
    constexpr bool empty() const noexcept { return (bits[0] | bits[1] | bits[2] | bits[3]) == 0; }
    friend constexpr bool operator==(const byte_set&, const byte_set&) = default;
};

/// '0'-'9'.
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
/// 'A'-'Z'.
constexpr bool is_upper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
/// 'a'-'z'.
constexpr bool is_lower(char c) noexcept { return c >= 'a' && c <= 'z'; }
/// ASCII letter.
constexpr bool is_alpha(char c) noexcept { return is_upper(c) || is_lower(c); }
/// ASCII letter or digit.
constexpr bool is_alnum(char c) noexcept { return is_alpha(c) || is_digit(c); }
/// A regex \w character: [A-Za-z0-9_]. Bytes of multi-byte UTF-8 are not
/// word characters, so a non-breaking space or a CJK character next to a
/// number still bounds it (a missed boundary would hide PII, not protect it).
constexpr bool is_word(char c) noexcept { return is_alnum(c) || c == '_'; }
/// Hex digit, either case.
constexpr bool is_hex(char c) noexcept { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
/// ASCII lowercase of `c`.
constexpr char to_lower(char c) noexcept { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

/// `s[i]`, or '\0' outside `s`. `at(s, i - 1)` at i == 0 wraps to a huge
/// index and so reads '\0' too, which keeps every look-behind branch-free of
/// bounds checks.
constexpr char at(std::string_view s, std::size_t i) noexcept { return i < s.size() ? s[i] : '\0'; }

/// True if `s` holds `word` at `i`, ASCII case-insensitively (`word` lowercase).
constexpr bool has_word_at(std::string_view s, std::size_t i, std::string_view word) noexcept {
    if (i > s.size() || s.size() - i < word.size()) return false;
    for (std::size_t k = 0; k < word.size(); ++k)
        if (to_lower(s[i + k]) != word[k]) return false;
    return true;
}

/// End of the run of bytes of `set` starting at `i`.
constexpr std::size_t run_end(std::string_view s, std::size_t i, const byte_set& set) noexcept {
    while (i < s.size() && set.contains(s[i])) ++i;
    return i;
}

/// End of the run of decimal digits starting at `i`.
constexpr std::size_t digits_end(std::string_view s, std::size_t i) noexcept {
    while (i < s.size() && is_digit(s[i])) ++i;
    return i;
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
