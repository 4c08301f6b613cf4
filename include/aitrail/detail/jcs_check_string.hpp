#pragma once
/// @file jcs_check_string.hpp
/// The string half of the RFC 8785 canonical-form check: validating the bytes
/// of one string and ordering object keys by UTF-16 code units. Kept apart from
/// jcs_check.hpp because strings are where nearly all of a trail line's bytes
/// are, so this is the code that decides the checker's speed.

#include <aitrail/config.hpp>

#include <bit>          // countr_zero
#include <cstddef>      // size_t
#include <cstdint>      // uint32_t
#include <string_view>  // string_view

#if defined(__SSE2__) || defined(_M_X64) || (defined(_M_IX86_FP) && _M_IX86_FP >= 2)
/// Set when SSE2 intrinsics may be used to skip runs of plain string bytes.
#define AITRAIL_DETAIL_JCS_SSE2 1
#include <emmintrin.h>  // _mm_loadu_si128, _mm_cmpeq_epi8, _mm_movemask_epi8
#endif
#if defined(__AVX2__)
#include <immintrin.h>  // _mm256_loadu_si256, _mm256_cmpeq_epi8, _mm256_movemask_epi8
#endif

namespace aitrail {
inline namespace v1 {
namespace detail {

/// Reason for a string the text ends inside; a named object so that callers
/// can tell it apart by address and point at the opening quote instead.
inline constexpr const char* unterminated_string = "unterminated string";

/// True for a byte a canonical string holds raw and that needs no further look.
constexpr bool is_plain_string_byte(unsigned char c) noexcept {
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/// First byte in [p, end) that is not a plain string byte, or `end`.
inline const char* skip_plain_string_bytes(const char* p, const char* end) noexcept {
    // A signed compare against 0x20 flags both the control bytes and every byte
    // >= 0x80 (negative as int8), so one compare covers two of the four cases.
#if defined(__AVX2__)
    const __m256i quote32 = _mm256_set1_epi8('"');
    const __m256i backslash32 = _mm256_set1_epi8('\\');
    const __m256i space32 = _mm256_set1_epi8(0x20);
    while (end - p >= 32) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
        const __m256i special = _mm256_or_si256(
            _mm256_or_si256(_mm256_cmpeq_epi8(v, quote32), _mm256_cmpeq_epi8(v, backslash32)),
            _mm256_cmpgt_epi8(space32, v));
        const auto mask = static_cast<std::uint32_t>(_mm256_movemask_epi8(special));
        if (mask != 0) return p + std::countr_zero(mask);
        p += 32;
    }
#endif
#if defined(AITRAIL_DETAIL_JCS_SSE2)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i special =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                         _mm_cmplt_epi8(v, space));
        const auto mask = static_cast<std::uint32_t>(_mm_movemask_epi8(special));
        if (mask != 0) return p + std::countr_zero(mask);
        p += 16;
    }
#endif
    while (p < end && is_plain_string_byte(static_cast<unsigned char>(*p))) ++p;
    return p;
}

/// First quote or backslash in [p, end), or `end`. The splitter's string scan:
/// it validates nothing, so non-ASCII text must not slow it down.
inline const char* find_quote_or_backslash(const char* p, const char* end) noexcept {
#if defined(AITRAIL_DETAIL_JCS_SSE2)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i special = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash));
        const auto mask = static_cast<std::uint32_t>(_mm_movemask_epi8(special));
        if (mask != 0) return p + std::countr_zero(mask);
        p += 16;
    }
#endif
    while (p < end && *p != '"' && *p != '\\') ++p;
    return p;
}

/// Value of an ASCII hex digit and whether it was an uppercase letter; -1 if
/// `c` is not a hex digit.
constexpr int hex_digit_value(char c, bool& uppercase) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') {
        uppercase = true;
        return c - 'A' + 10;
    }
    return -1;
}

/// Checks the escape at `p` (a backslash) and moves past it. Returns nullptr or
/// the reason it is not canonical, leaving `p` on the backslash.
inline const char* check_canonical_escape(const char*& p, const char* end) noexcept {
    if (end - p < 2) return unterminated_string;
    switch (p[1]) {
    case '"': case '\\': case 'b': case 'f': case 'n': case 'r': case 't':
        p += 2;
        return nullptr;
    case 'u':
        break;
    case '/':  // valid JSON, but RFC 8785 writes the solidus raw
        return "unnecessary escape";
    default:
        return "invalid escape";
    }
    if (end - p < 6) return unterminated_string;
    bool uppercase = false;
    int value = 0;
    for (int i = 2; i < 6; ++i) {
        const int digit = hex_digit_value(p[i], uppercase);
        if (digit < 0) return "invalid escape";
        value = value * 16 + digit;
    }
    // Only controls without a short form may be written as \u00xx; everything
    // else, surrogate escapes included, is written raw in canonical text.
    if (value >= 0x20) return "unnecessary escape";
    if (value == 0x08 || value == 0x09 || value == 0x0a || value == 0x0c || value == 0x0d)
        return "escape must use the short form";
    if (uppercase) return "escape must use lowercase hex";
    p += 6;
    return nullptr;
}

/// Checks one UTF-8 sequence whose lead byte (>= 0x80) is at `p` and moves
/// past it. Returns nullptr or the reason, leaving `p` on the lead byte.
inline const char* check_utf8_sequence(const char*& p, const char* end) noexcept {
    const auto* s = reinterpret_cast<const unsigned char*>(p);
    const unsigned char lead = s[0];
    // Bounds for the second byte exclude overlong forms (E0, F0), UTF-8
    // encoded surrogates (ED) and code points above U+10FFFF (F4).
    unsigned char low = 0x80;
    unsigned char high = 0xbf;
    std::ptrdiff_t length = 0;
    if (lead < 0xc2) {  // stray continuation byte, or C0/C1 (always overlong)
        return "invalid UTF-8";
    } else if (lead < 0xe0) {
        length = 2;
    } else if (lead < 0xf0) {
        length = 3;
        if (lead == 0xe0) low = 0xa0;
        if (lead == 0xed) high = 0x9f;
    } else if (lead < 0xf5) {
        length = 4;
        if (lead == 0xf0) low = 0x90;
        if (lead == 0xf4) high = 0x8f;
    } else {
        return "invalid UTF-8";
    }
    if (end - p < length) return "invalid UTF-8";
    for (std::ptrdiff_t i = 1; i < length; ++i)
        if ((s[i] & 0xc0) != 0x80) return "invalid UTF-8";
    if (s[1] < low || s[1] > high) return lead == 0xed ? "lone surrogate" : "invalid UTF-8";
    p += length;
    return nullptr;
}

/// Checks the body of a string whose opening quote is just before `p`. On
/// success returns nullptr with `p` on the closing quote; otherwise returns the
/// reason with `p` on the offending byte (the opening quote if unterminated).
inline const char* check_canonical_string(const char*& p, const char* end) noexcept {
    const char* const opening_quote = p - 1;
    for (;;) {
        p = skip_plain_string_bytes(p, end);
        if (p == end) {
            p = opening_quote;
            return unterminated_string;
        }
        const auto c = static_cast<unsigned char>(*p);
        const char* reason = nullptr;
        if (c == '"') return nullptr;
        if (c == '\\') {
            reason = check_canonical_escape(p, end);
        } else if (c < 0x20) {
            reason = "control character must be escaped";
        } else {
            // Non-Latin text comes in runs; stay here rather than re-entering
            // the vector loop for every character.
            do reason = check_utf8_sequence(p, end);
            while (reason == nullptr && p < end && static_cast<unsigned char>(*p) >= 0x80);
        }
        if (reason != nullptr) {
            if (reason == unterminated_string) p = opening_quote;
            return reason;
        }
    }
}

/// Decodes the character at `s[i]` of an already checked canonical string
/// body into its code point and moves `i` past it.
inline std::uint32_t decode_canonical_char(std::string_view s, std::size_t& i) noexcept {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\\') {
        const char e = s[i + 1];
        i += 2;
        switch (e) {
        case 'b': return 0x08;
        case 't': return 0x09;
        case 'n': return 0x0a;
        case 'f': return 0x0c;
        case 'r': return 0x0d;
        case 'u': {
            bool uppercase = false;
            std::uint32_t value = 0;
            for (int k = 0; k < 4; ++k)
                value = value * 16 + static_cast<std::uint32_t>(hex_digit_value(s[i + k], uppercase));
            i += 4;
            return value;
        }
        default: return static_cast<unsigned char>(e);  // '"' or '\\'
        }
    }
    if (c < 0x80) {
        ++i;
        return c;
    }
    const std::size_t length = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    std::uint32_t cp = c & (0x7fu >> length);
    for (std::size_t k = 1; k < length; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3fu);
    i += length;
    return cp;
}

/// Sort position of a code point under UTF-16 code unit order: U+E000..U+FFFF
/// move above every supplementary character, whose leading surrogate
/// (D800..DBFF) is smaller than them; all other order is the code point's own.
constexpr std::uint32_t utf16_rank(std::uint32_t cp) noexcept {
    return cp >= 0xe000 && cp <= 0xffff ? cp + 0x110000 : cp;
}

/// Compares two checked canonical key bodies (raw bytes between the quotes)
/// by the UTF-16 code units of their unescaped values: <0, 0 or >0.
inline int compare_canonical_keys(std::string_view a, std::string_view b) noexcept {
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < a.size() && j < b.size()) {
        const auto ca = static_cast<unsigned char>(a[i]);
        // Equal plain ASCII bytes stand for equal code units; anything else is
        // decoded, since escapes and multi-byte forms do not sort by bytes.
        if (ca == static_cast<unsigned char>(b[j]) && ca < 0x80 && ca != '\\') {
            ++i;
            ++j;
            continue;
        }
        const std::uint32_t x = utf16_rank(decode_canonical_char(a, i));
        const std::uint32_t y = utf16_rank(decode_canonical_char(b, j));
        if (x != y) return x < y ? -1 : 1;
    }
    return static_cast<int>(i < a.size()) - static_cast<int>(j < b.size());
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
