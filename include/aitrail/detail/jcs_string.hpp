#pragma once
/// @file jcs_string.hpp
/// String rules of RFC 8785: minimal escaping of UTF-8 text, and the UTF-16
/// code-unit order that canonical object keys are sorted by.

#include <aitrail/config.hpp>

#include <cstddef>      // size_t
#include <cstdint>      // uint32_t
#include <string>       // string
#include <string_view>  // string_view

#if defined(__SSE2__)
#include <emmintrin.h>  // _mm_loadu_si128, _mm_cmplt_epi8, _mm_movemask_epi8
#endif

namespace aitrail {
inline namespace v1 {
namespace detail {

/// Why a string could not be written, and at which byte of it.
struct utf8_problem {
    std::size_t offset;  ///< byte offset in the string
    const char* what;    ///< static description
};

/// Decodes the UTF-8 sequence starting at `s[i]`; returns its length (1-4) and
/// stores the code point, or returns 0 with `problem` set when the bytes are
/// not valid UTF-8 (overlong forms, surrogates, beyond U+10FFFF, truncated).
inline std::size_t decode_utf8(std::string_view s, std::size_t i, std::uint32_t& cp, const char*& problem) noexcept {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
        cp = b0;
        return 1;
    }
    std::size_t len;
    std::uint32_t min;
    if ((b0 & 0xE0) == 0xC0) { len = 2; cp = b0 & 0x1Fu; min = 0x80; }
    else if ((b0 & 0xF0) == 0xE0) { len = 3; cp = b0 & 0x0Fu; min = 0x800; }
    else if ((b0 & 0xF8) == 0xF0) { len = 4; cp = b0 & 0x07u; min = 0x10000; }
    else { problem = "invalid UTF-8 lead byte"; return 0; }
    if (i + len > s.size()) { problem = "truncated UTF-8 sequence"; return 0; }
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) { problem = "invalid UTF-8 continuation byte"; return 0; }
        cp = cp << 6 | (b & 0x3Fu);
    }
    if (cp < min) { problem = "overlong UTF-8 sequence"; return 0; }
    if (cp >= 0xD800 && cp <= 0xDFFF) { problem = "lone surrogate (UTF-16 surrogates cannot be represented in canonical JSON)"; return 0; }
    if (cp > 0x10FFFF) { problem = "code point beyond U+10FFFF"; return 0; }
    return len;
}

/// Length of the prefix of `s` (from `i`) made of bytes a canonical string
/// holds verbatim: printable ASCII other than `"` and `\`. Prompts are mostly
/// such bytes, so 16 at a time is where the writer spends its time well.
inline std::size_t plain_ascii_run(std::string_view s, std::size_t i) noexcept {
#if defined(__SSE2__)
    const __m128i space = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    while (i + 16 <= s.size()) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
        // Signed compare: bytes 0x80-0xFF are negative, so one test catches
        // both control characters and the start of multi-byte UTF-8.
        const __m128i special = _mm_or_si128(_mm_cmplt_epi8(v, space),
                                             _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
        const int mask = _mm_movemask_epi8(special);
        if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
        i += 16;
    }
#endif
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
        ++i;
    }
    return i;
}

/// Appends `s` as a canonical JSON string literal (with quotes). Returns the
/// first problem instead of writing a string that a verifier would reject;
/// `out` is then left with a partial literal the caller discards.
inline bool append_jcs_string(std::string& out, std::string_view s, utf8_problem& problem) {
    static constexpr char hex[] = "0123456789abcdef";
    out.push_back('"');
    std::size_t run = 0;  // start of the pending run of bytes copied verbatim
    std::size_t i = 0;
    while ((i = plain_ascii_run(s, i)) < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            std::uint32_t cp;
            const char* what = nullptr;
            const std::size_t len = decode_utf8(s, i, cp, what);
            if (len == 0) {
                problem = {i, what};
                return false;
            }
            i += len;
            continue;
        }
        out.append(s.data() + run, i - run);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default: {
                const char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
                out.append(esc, 6);
            }
        }
        run = ++i;
    }
    out.append(s.data() + run, s.size() - run);
    out.push_back('"');
    return true;
}

/// Strict-weak order of valid UTF-8 strings by their UTF-16 code units, the
/// order RFC 8785 sorts keys in. UTF-8 byte order equals code point order,
/// which differs from UTF-16 order only where a supplementary character
/// (a surrogate pair, D800-DBFF first) meets one in U+E000-U+FFFF.
inline bool utf16_less(std::string_view a, std::string_view b) noexcept {
    std::size_t i = 0;
    const std::size_t n = a.size() < b.size() ? a.size() : b.size();
    while (i < n && a[i] == b[i]) ++i;
    if (i == a.size() || i == b.size()) return a.size() < b.size();
    // Back up to the start of the code point that differs.
    while (i > 0 && (static_cast<unsigned char>(a[i]) & 0xC0) == 0x80) --i;
    std::uint32_t ca, cb;
    const char* ignored = nullptr;
    if (decode_utf8(a, i, ca, ignored) == 0 || decode_utf8(b, i, cb, ignored) == 0)
        return a < b;  // invalid input: any consistent order will do
    auto first_unit = [](std::uint32_t cp) -> std::uint32_t {
        return cp >= 0x10000 ? 0xD800 + ((cp - 0x10000) >> 10) : cp;
    };
    const std::uint32_t ua = first_unit(ca), ub = first_unit(cb);
    if (ua != ub) return ua < ub;
    return ca < cb;  // both supplementary with the same high surrogate
}

/// True if `key` has a byte that can make UTF-16 order differ from byte order
/// (lead bytes of U+E000-U+FFFF and of supplementary characters).
inline bool needs_utf16_sort(std::string_view key) noexcept {
    for (char c : key)
        if (static_cast<unsigned char>(c) >= 0xEE) return true;
    return false;
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
