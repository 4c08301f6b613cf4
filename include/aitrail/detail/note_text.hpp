#pragma once
/// @file note_text.hpp
/// Text rules of C2SP signed notes: UTF-8 decoding as Go's unicode/utf8 does
/// it, the Unicode space test of key names, and decimal numbers without
/// leading zeros. Kept apart so that every note-based format applies the same
/// rules as the Go implementation it must interoperate with.

#include <aitrail/config.hpp>

#include <cstddef>      // size_t
#include <cstdint>      // uint32_t, uint64_t
#include <limits>       // numeric_limits
#include <optional>     // optional, nullopt
#include <string>       // string, to_string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace detail {

/// One decoded code point and the bytes it took; `cp` is nullopt for an
/// invalid sequence (overlong, surrogate, above U+10FFFF, or truncated).
struct utf8_step {
    std::optional<char32_t> cp;
    std::size_t size = 1;
};

/// Decodes the code point starting at `at` (which must be inside `s`).
inline utf8_step utf8_next(std::string_view s, std::size_t at) noexcept {
    const auto b0 = static_cast<unsigned char>(s[at]);
    if (b0 < 0x80) return {static_cast<char32_t>(b0), 1};
    std::size_t n = 0;
    char32_t cp = 0, min = 0;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
        n = 2, cp = b0 & 0x1f, min = 0x80;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
        n = 3, cp = b0 & 0x0f, min = 0x800;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        n = 4, cp = b0 & 0x07, min = 0x10000;
    } else {
        return {std::nullopt, 1};
    }
    if (at + n > s.size()) return {std::nullopt, 1};
    for (std::size_t i = 1; i < n; ++i) {
        const auto b = static_cast<unsigned char>(s[at + i]);
        if ((b & 0xc0) != 0x80) return {std::nullopt, 1};
        cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return {std::nullopt, 1};
    return {cp, n};
}

/// True for the code points Go's unicode.IsSpace reports: ASCII white space,
/// U+0085, U+00A0 and the Unicode Z categories.
constexpr bool is_unicode_space(char32_t c) noexcept {
    switch (c) {
        case U'\t': case U'\n': case U'\v': case U'\f': case U'\r': case U' ':
        case 0x85: case 0xa0: case 0x1680: case 0x2028: case 0x2029: case 0x202f: case 0x205f: case 0x3000:
            return true;
        default:
            return c >= 0x2000 && c <= 0x200a;
    }
}

/// True if `name` may name a note key: non-empty, valid UTF-8, no Unicode
/// space and no '+' (the verifier key text uses '+' as its separator).
inline bool is_valid_key_name(std::string_view name) noexcept {
    if (name.empty()) return false;
    for (std::size_t i = 0; i < name.size();) {
        const utf8_step step = utf8_next(name, i);
        if (!step.cp || is_unicode_space(*step.cp) || *step.cp == U'+') return false;
        i += step.size;
    }
    return true;
}

/// Where `text` breaks the note text rules (valid UTF-8, no control
/// character but newline), as "line N: ...", or nullopt when it keeps them.
inline std::optional<std::string> note_text_problem(std::string_view text) {
    std::size_t line = 1;
    for (std::size_t i = 0; i < text.size();) {
        const utf8_step step = utf8_next(text, i);
        if (!step.cp) return "line " + std::to_string(line) + ": invalid UTF-8";
        if (*step.cp == U'\n') {
            ++line;
        } else if (*step.cp < 0x20) {
            return "line " + std::to_string(line) + ": control character 0x" +
                   "0123456789abcdef"[*step.cp >> 4] + "0123456789abcdef"[*step.cp & 15] + " is not allowed";
        }
        i += step.size;
    }
    return std::nullopt;
}

/// The value of a decimal number written without leading zeros ("0" alone
/// is zero), or nullopt for anything else, a sign or an overflow included.
inline std::optional<std::uint64_t> parse_canonical_decimal(std::string_view s) noexcept {
    if (s.empty() || (s.size() > 1 && s[0] == '0')) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        const auto d = static_cast<std::uint64_t>(c - '0');
        if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return std::nullopt;
        v = v * 10 + d;
    }
    return v;
}

/// `id` as 8 lowercase hex digits, as key texts write key ids.
inline std::string key_id_hex(std::uint32_t id) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(8, '0');
    for (int i = 7; i >= 0; --i, id >>= 4) out[static_cast<std::size_t>(i)] = digits[id & 15];
    return out;
}

/// The key id that 8 hex digits (either case, as Go's parser takes) spell.
inline std::optional<std::uint32_t> parse_key_id_hex(std::string_view s) noexcept {
    if (s.size() != 8) return std::nullopt;
    std::uint32_t v = 0;
    for (char c : s) {
        int d = -1;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        if (d < 0) return std::nullopt;
        v = (v << 4) | static_cast<std::uint32_t>(d);
    }
    return v;
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
