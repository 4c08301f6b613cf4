#pragma once
/// @file jcs_check.hpp
/// A single-pass check that a text is one JSON value in RFC 8785 (JCS)
/// canonical form, and a cheap splitter of an object's top-level members.
///
/// The trail verifier runs the check over every line: a line that is not
/// canonical would hash differently once re-serialized, so rejecting it early
/// with an offset is both faster and clearer than a hash mismatch later. The
/// check allocates nothing and never builds a DOM.

#include <aitrail/config.hpp>
#include <aitrail/detail/jcs_check_string.hpp>  // check_canonical_string, compare_canonical_keys,
                                                // find_quote_or_backslash
#include <aitrail/detail/jcs_number.hpp>        // format_es6_number, es6_number_buffer_size

#include <charconv>      // from_chars
#include <cmath>         // isfinite
#include <concepts>      // invocable
#include <cstddef>       // size_t
#include <cstring>       // memcmp
#include <optional>      // optional, nullopt
#include <string_view>   // string_view
#include <system_error>  // errc
#include <type_traits>   // is_nothrow_invocable_v

namespace aitrail {
inline namespace v1 {
namespace detail {

/// Where and why a text is not canonical.
struct jcs_violation {
    /// Byte offset of the offending token within the checked text.
    std::size_t offset;
    /// Static string naming the rule broken, e.g. "keys not in UTF-16 order".
    const char* reason;
};

/// Deepest nesting of objects and arrays accepted; bounds the checker's fixed
/// per-level state and keeps hostile input from costing more than a line.
inline constexpr std::size_t jcs_max_depth = 512;

/// True for the four bytes JSON allows between tokens, none of which
/// canonical text may hold there.
constexpr bool is_json_whitespace(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// Reason for finding `p` where a token was expected: whitespace and the end
/// of the text get their own reasons, so the message names the real fault.
inline const char* unexpected_token_reason(const char* p, const char* end, const char* otherwise) noexcept {
    if (p == end) return "unexpected end of text";
    if (is_json_whitespace(*p)) return "whitespace outside a string";
    return otherwise;
}

/// True if `token` (made of sign, digits, '.', 'e', 'E', '+') is exactly the
/// ES6 Number::toString form of the double it denotes.
inline bool is_canonical_number(std::string_view token) noexcept {
    const std::size_t sign = token[0] == '-' ? 1 : 0;
    const std::size_t digits = token.size() - sign;
    // Integers of up to 15 digits are exact doubles that ES6 prints digit for
    // digit, so only the leading zero and -0 need a look; most numbers in a
    // trail (sequence numbers, token counts, latencies) end here.
    if (digits >= 1 && digits <= 15) {
        bool integer = true;
        for (std::size_t i = sign; i < token.size(); ++i)
            integer = integer && token[i] >= '0' && token[i] <= '9';
        if (integer) return token[sign] != '0' || (digits == 1 && sign == 0);
    }
    if (token.size() >= es6_number_buffer_size) return false;  // longer than any ES6 form
    double value = 0;
    const char* const last = token.data() + token.size();
    const auto [ptr, ec] = std::from_chars(token.data(), last, value);
    if (ec != std::errc{} || ptr != last || !std::isfinite(value)) return false;
    char canonical[es6_number_buffer_size];
    const char* const canonical_end = format_es6_number(value, canonical);
    return token == std::string_view(canonical, static_cast<std::size_t>(canonical_end - canonical));
}

/// True for the bytes a number token is scanned over; the byte-for-byte
/// comparison with the ES6 form then rejects any ill-formed arrangement.
constexpr bool is_number_byte(char c) noexcept {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

/// Checks that `text` is exactly one JSON value in RFC 8785 canonical form.
/// Returns std::nullopt when canonical. Nothing may follow the value, not even
/// a line terminator.
inline std::optional<jcs_violation> check_canonical(std::string_view text) noexcept {
    const char* const begin = text.data();
    const char* const end = begin + text.size();
    const char* p = begin;
    const auto violation = [begin](const char* at, const char* reason) noexcept {
        return jcs_violation{static_cast<std::size_t>(at - begin), reason};
    };

    // Per open container: whether it is an object and, for objects, the raw
    // bytes of the previous key, which the next key must sort after. Pointers
    // into `text` rather than copies, so nothing is allocated.
    bool in_object[jcs_max_depth];
    const char* previous_key[jcs_max_depth];
    std::size_t previous_key_size[jcs_max_depth];
    std::size_t depth = 0;
    bool expect_key = false;

    for (;;) {
        if (expect_key) {
            if (p == end || *p != '"') return violation(p, unexpected_token_reason(p, end, "expected a string key"));
            const char* const key_begin = ++p;
            if (const char* reason = check_canonical_string(p, end)) return violation(p, reason);
            const std::string_view key(key_begin, static_cast<std::size_t>(p - key_begin));
            ++p;  // closing quote
            const std::size_t level = depth - 1;
            if (previous_key[level] != nullptr) {
                const int order =
                    compare_canonical_keys(std::string_view(previous_key[level], previous_key_size[level]), key);
                if (order == 0) return violation(key_begin - 1, "duplicate key");
                if (order > 0) return violation(key_begin - 1, "keys not in UTF-16 order");
            }
            previous_key[level] = key_begin;
            previous_key_size[level] = key.size();
            if (p == end || *p != ':') return violation(p, unexpected_token_reason(p, end, "expected ':'"));
            ++p;
        }

        // A value starts at p.
        if (p == end) return violation(p, "unexpected end of text");
        switch (*p) {
        case '"': {
            ++p;
            if (const char* reason = check_canonical_string(p, end)) return violation(p, reason);
            ++p;
            break;
        }
        case '{':
        case '[': {
            const bool object = *p == '{';
            if (depth == jcs_max_depth) return violation(p, "nesting too deep");
            ++p;
            if (p < end && *p == (object ? '}' : ']')) {  // empty: already a complete value
                ++p;
                break;
            }
            in_object[depth] = object;
            previous_key[depth] = nullptr;
            previous_key_size[depth] = 0;
            ++depth;
            expect_key = object;
            continue;
        }
        case 't':
        case 'f':
        case 'n': {
            const std::string_view literal = *p == 't' ? "true" : *p == 'f' ? "false" : "null";
            if (static_cast<std::size_t>(end - p) < literal.size() ||
                std::memcmp(p, literal.data(), literal.size()) != 0)
                return violation(p, "invalid literal");
            p += literal.size();
            break;
        }
        case '-': case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9': {
            const char* const start = p;
            while (p < end && is_number_byte(*p)) ++p;
            if (!is_canonical_number(std::string_view(start, static_cast<std::size_t>(p - start))))
                return violation(start, "non-canonical number");
            break;
        }
        default:
            return violation(p, unexpected_token_reason(p, end, "unexpected character"));
        }

        // A value is complete: close the containers it completes.
        for (;;) {
            if (depth == 0) {
                if (p != end) return violation(p, unexpected_token_reason(p, end, "trailing bytes after value"));
                return std::nullopt;
            }
            const bool object = in_object[depth - 1];
            if (p < end && *p == ',') {
                ++p;
                expect_key = object;
                break;
            }
            if (p < end && *p == (object ? '}' : ']')) {
                ++p;
                --depth;
                continue;
            }
            const char* const reason = object ? "expected ',' or '}'" : "expected ',' or ']'";
            return violation(p, unexpected_token_reason(p, end, reason));
        }
    }
}

/// One member of a JSON object, as views into the object's text.
struct json_member {
    /// Raw key bytes between the quotes, escapes left as written.
    std::string_view key;
    /// Raw bytes of the value, from its first byte to its last.
    std::string_view value;
    /// Offset of `value` within the object text.
    std::size_t value_offset;
};

/// Index one past the closing quote of the string opening at `s[i]`, or npos
/// if it does not end.
inline std::size_t skip_json_string(std::string_view s, std::size_t i) noexcept {
    const char* const end = s.data() + s.size();
    const char* p = s.data() + i + 1;
    for (;;) {
        p = find_quote_or_backslash(p, end);
        if (p == end) return std::string_view::npos;
        if (*p == '"') return static_cast<std::size_t>(p - s.data()) + 1;
        if (end - p <= 2) return std::string_view::npos;
        p += 2;  // an escape's second byte is never the closing quote
    }
}

/// Index one past the value starting at `s[i]`, or npos if none ends there.
/// Containers are matched by counting brackets outside strings only, which is
/// enough to find their end in well-formed text.
inline std::size_t skip_json_value(std::string_view s, std::size_t i) noexcept {
    if (i >= s.size()) return std::string_view::npos;
    if (s[i] == '"') return skip_json_string(s, i);
    if (s[i] == '{' || s[i] == '[') {
        std::size_t depth = 0;
        while (i < s.size()) {
            const char c = s[i];
            if (c == '"') {
                i = skip_json_string(s, i);
                if (i == std::string_view::npos) return i;
                continue;
            }
            if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) return i + 1;
            }
            ++i;
        }
        return std::string_view::npos;
    }
    std::size_t j = i;
    while (j < s.size() && s[j] != ',' && s[j] != '}' && s[j] != ']' && s[j] != ':' && !is_json_whitespace(s[j]))
        ++j;
    return j == i ? std::string_view::npos : j;
}

/// Index of the first non-whitespace byte at or after `i`; canonical text has
/// none, but skipping it costs nothing and lets the splitter take any JSON.
inline std::size_t skip_json_whitespace(std::string_view s, std::size_t i) noexcept {
    while (i < s.size() && is_json_whitespace(s[i])) ++i;
    return i;
}

/// Splits the text of a JSON object (assumed well-formed, e.g. after
/// check_canonical) into its top-level members, calling on_member(const
/// json_member&) for each in order. Returns false if `object_text` is not an
/// object or is malformed; members found before the fault have been reported
/// by then. Nested values are skipped by a string-aware bracket scan with no
/// further validation, so this costs little more than one pass over the bytes.
template <class F>
    requires std::invocable<F&, const json_member&>
bool for_each_member(std::string_view object_text, F&& on_member) noexcept(
    std::is_nothrow_invocable_v<F&, const json_member&>) {
    constexpr auto npos = std::string_view::npos;
    const std::string_view s = object_text;
    std::size_t i = skip_json_whitespace(s, 0);
    if (i == s.size() || s[i] != '{') return false;
    i = skip_json_whitespace(s, i + 1);
    if (i < s.size() && s[i] == '}') return skip_json_whitespace(s, i + 1) == s.size();
    for (;;) {
        if (i == s.size() || s[i] != '"') return false;
        const std::size_t key_end = skip_json_string(s, i);
        if (key_end == npos) return false;
        const std::string_view key = s.substr(i + 1, key_end - i - 2);
        i = skip_json_whitespace(s, key_end);
        if (i == s.size() || s[i] != ':') return false;
        const std::size_t value_begin = skip_json_whitespace(s, i + 1);
        const std::size_t value_end = skip_json_value(s, value_begin);
        if (value_end == npos) return false;
        const json_member member{key, s.substr(value_begin, value_end - value_begin), value_begin};
        on_member(member);
        i = skip_json_whitespace(s, value_end);
        if (i == s.size()) return false;
        if (s[i] == '}') return skip_json_whitespace(s, i + 1) == s.size();
        if (s[i] != ',') return false;
        i = skip_json_whitespace(s, i + 1);
    }
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
