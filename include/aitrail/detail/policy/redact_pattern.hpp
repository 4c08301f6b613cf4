#pragma once
/// @file redact_pattern.hpp
/// Compiles a redactors::pattern at compile time into a sequence of atoms, each
/// a byte class with a repeat count, and matches it without backtracking.
/// The language is in aitrail/policy/redact/pattern.hpp.
///
/// A mistake in a pattern stops compilation inside one of the
/// `redact_pattern_error_*` functions below; the compiler names it in its
/// message ("call to non-'constexpr' function ... redact_pattern_error_
/// unclosed_class()"), which says what is wrong.

#include <aitrail/config.hpp>
#include <aitrail/detail/policy/redact_bytes.hpp>

#include <cstddef>      // size_t
#include <cstdint>      // uint32_t
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace detail {

// Not constexpr on purpose: reaching one while compiling a pattern is the
// compile error, and its name is the message.
inline void redact_pattern_error_empty_pattern() {}
inline void redact_pattern_error_unclosed_class() {}
inline void redact_pattern_error_empty_class() {}
inline void redact_pattern_error_bad_class_range() {}
inline void redact_pattern_error_trailing_backslash() {}
inline void redact_pattern_error_unknown_escape_use_a_class() {}
inline void redact_pattern_error_quantifier_without_atom() {}
inline void redact_pattern_error_bad_repeat_count() {}
inline void redact_pattern_error_groups_alternation_and_anchors_are_not_supported() {}
inline void redact_pattern_error_first_atom_must_not_be_optional() {}
inline void redact_pattern_error_repeat_followed_by_overlapping_class() {}

/// "No upper bound" for `+`, `*` and `{n,}`.
inline constexpr std::uint32_t pattern_unbounded = 0xFFFFFFFFu;

/// One step of a pattern: `min` to `max` bytes of `cls`.
struct pattern_atom {
    byte_set cls{};           ///< bytes this step accepts
    std::uint32_t min = 1;    ///< fewest repetitions
    std::uint32_t max = 1;    ///< most repetitions
};

/// A compiled pattern of at most N atoms (N: the pattern's length).
template <std::size_t N>
struct compiled_pattern {
    pattern_atom atoms[N > 0 ? N : 1]{};  ///< the first `n` are used
    std::size_t n = 0;                    ///< atoms used
};

/// The class of an escape `\e` (`\d`, `\w`, `\s`, their negations, or an
/// escaped punctuation byte standing for itself).
constexpr byte_set escape_class(char e) {
    const byte_set digit = byte_set::range('0', '9');
    const byte_set word = digit | byte_set::range('A', 'Z') | byte_set::range('a', 'z') | byte_set::of("_");
    const byte_set space = byte_set::of(" \t\r\n\f\v");
    switch (e) {
        case 'd': return digit;
        case 'D': return ~digit;
        case 'w': return word;
        case 'W': return ~word;
        case 's': return space;
        case 'S': return ~space;
        default: break;
    }
    if (is_alnum(e)) redact_pattern_error_unknown_escape_use_a_class();
    return byte_set::of(std::string_view(&e, 1));
}

/// Parses a `[...]` class starting after its '['; `i` ends past its ']'.
constexpr byte_set parse_class(std::string_view p, std::size_t& i) {
    byte_set cls;
    bool negate = false;
    if (i < p.size() && p[i] == '^') {
        negate = true;
        ++i;
    }
    bool first = true;
    while (true) {
        if (i >= p.size()) redact_pattern_error_unclosed_class();
        char c = p[i];
        if (c == ']' && !first) break;
        first = false;
        if (c == '\\') {
            if (++i >= p.size()) redact_pattern_error_trailing_backslash();
            const byte_set e = escape_class(p[i]);
            ++i;
            if (!(e == byte_set::of(std::string_view(&p[i - 1], 1)))) {  // \d, \w... : no range from it
                cls = cls | e;
                continue;
            }
            c = p[i - 1];
        } else {
            ++i;
        }
        if (i + 1 < p.size() && p[i] == '-' && p[i + 1] != ']') {
            char hi = p[i + 1];
            i += 2;
            if (hi == '\\') {
                if (i >= p.size()) redact_pattern_error_trailing_backslash();
                hi = p[i++];
            }
            if (static_cast<unsigned char>(hi) < static_cast<unsigned char>(c)) redact_pattern_error_bad_class_range();
            cls.add_range(c, hi);
        } else {
            cls.add(c);
        }
    }
    ++i;  // the ']'
    if (negate) cls = ~cls;
    if (cls.empty()) redact_pattern_error_empty_class();
    return cls;
}

/// Reads a decimal repeat count at `i`.
constexpr std::uint32_t parse_count(std::string_view p, std::size_t& i) {
    if (i >= p.size() || !is_digit(p[i])) redact_pattern_error_bad_repeat_count();
    std::uint32_t v = 0;
    while (i < p.size() && is_digit(p[i])) {
        v = v * 10 + static_cast<std::uint32_t>(p[i++] - '0');
        if (v > 65535) redact_pattern_error_bad_repeat_count();
    }
    return v;
}

/// Compiles pattern `p` of length N (see pattern.hpp for the language).
template <std::size_t N>
constexpr compiled_pattern<N> compile_pattern(std::string_view p) {
    compiled_pattern<N> out;
    if (p.empty()) redact_pattern_error_empty_pattern();
    std::size_t i = 0;
    while (i < p.size()) {
        pattern_atom a;
        const char c = p[i++];
        switch (c) {
            case '[': a.cls = parse_class(p, i); break;
            case '\\':
                if (i >= p.size()) redact_pattern_error_trailing_backslash();
                a.cls = escape_class(p[i++]);
                break;
            case '.': a.cls = ~byte_set::of("\n"); break;
            case '?': case '*': case '+': case '{': case '}': case ']':
                redact_pattern_error_quantifier_without_atom();
                break;
            case '(': case ')': case '|': case '^': case '$':
                redact_pattern_error_groups_alternation_and_anchors_are_not_supported();
                break;
            default: a.cls = byte_set::of(std::string_view(&p[i - 1], 1)); break;
        }
        if (i < p.size()) {
            switch (p[i]) {
                case '?': a.min = 0; a.max = 1; ++i; break;
                case '*': a.min = 0; a.max = pattern_unbounded; ++i; break;
                case '+': a.min = 1; a.max = pattern_unbounded; ++i; break;
                case '{':
                    ++i;
                    a.min = a.max = parse_count(p, i);
                    if (i < p.size() && p[i] == ',') {
                        ++i;
                        a.max = (i < p.size() && p[i] == '}') ? pattern_unbounded : parse_count(p, i);
                    }
                    if (i >= p.size() || p[i] != '}' || a.max < a.min || a.max == 0) redact_pattern_error_bad_repeat_count();
                    ++i;
                    break;
                default: break;
            }
            if (i < p.size() && (p[i] == '?' || p[i] == '*' || p[i] == '+' || p[i] == '{'))
                redact_pattern_error_quantifier_without_atom();  // "a+?", "a{2}{3}"
        }
        out.atoms[out.n++] = a;
    }
    if (out.atoms[0].min == 0) redact_pattern_error_first_atom_must_not_be_optional();
    // Matching never backtracks, which is exact only if a repeat can never
    // take a byte a later step needed: its class must not overlap any step
    // it can be followed by (up to and including the next mandatory one).
    for (std::size_t k = 0; k < out.n; ++k) {
        if (out.atoms[k].min == out.atoms[k].max) continue;
        for (std::size_t j = k + 1; j < out.n; ++j) {
            if (out.atoms[j].cls.intersects(out.atoms[k].cls)) redact_pattern_error_repeat_followed_by_overlapping_class();
            if (out.atoms[j].min > 0) break;
        }
    }
    return out;
}

/// End of the match of `atoms` anchored at `pos`, or 0 when there is none.
/// Each step takes as many bytes as it can (never giving any back), which
/// the overlap rule in compile_pattern makes exact.
template <std::size_t N>
constexpr std::size_t match_pattern(const compiled_pattern<N>& cp, std::string_view s, std::size_t pos) noexcept {
    std::size_t i = pos;
    for (std::size_t k = 0; k < cp.n; ++k) {
        const pattern_atom& a = cp.atoms[k];
        std::uint32_t got = 0;
        while (got < a.max && i < s.size() && a.cls.contains(s[i])) {
            ++i;
            ++got;
        }
        if (got < a.min) return 0;
    }
    return i;
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
