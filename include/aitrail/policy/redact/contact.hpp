#pragma once
/// @file contact.hpp
/// Contact details: email addresses and phone numbers. Both are written in
/// so many ways that a loose rule catches half of every log (dates,
/// versions, order numbers); the rules below are each stated exactly, and
/// tests/unit/redact_near_misses.cpp holds the text they must leave alone.

#include <aitrail/config.hpp>
#include <aitrail/detail/policy/redact_bytes.hpp>
#include <aitrail/detail/policy/redact_numbers.hpp>
#include <aitrail/policy/redact/match.hpp>

#include <cstddef>      // size_t
#include <optional>     // optional, nullopt
#include <string>       // string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace redactors {

/// Email addresses. Anchored at '@', then:
/// - local part: the run of [A-Za-z0-9._%+-] (and '_', which real addresses
///   use) left of the '@', not crossing the previous match; leading dots are
///   dropped, a trailing dot rejects ("john.@x.com");
/// - domain: labels of [A-Za-z0-9-] without a leading or trailing hyphen,
///   joined by single dots, at least two labels; the last label (TLD) is two
///   or more letters or an `xn--` punycode label. When the last label is not
///   a TLD ("a@b.com.42"), the domain ends at the last label that is;
/// - not followed by '_'.
/// So "info@presidio." (no TLD), "hello-world", "@wraps", "user@localhost"
/// and "pkg@1.2.3" are left alone.
struct email : detector_base<"email", "EMAIL", byte_set::of("@")> {
    // Triggers: anchored at the '@'.

    /// The address around the '@' at `pos`.
    static std::optional<match> match_at(std::string_view s, std::size_t pos, std::size_t floor) noexcept {
        constexpr byte_set local = byte_set::range('A', 'Z') | byte_set::range('a', 'z') | byte_set::range('0', '9') |
                                   byte_set::of("._%+-_");
        std::size_t begin = pos;
        while (begin > floor && local.contains(s[begin - 1])) --begin;
        while (begin < pos && s[begin] == '.') ++begin;
        if (begin == pos || s[pos - 1] == '.') return std::nullopt;

        const std::size_t end = domain_end(s, pos + 1);
        if (end == 0 || detail::at(s, end) == '_') return std::nullopt;
        return match{begin, end};
    }

    /// Addresses compare case-insensitively for keyed tokens.
    static std::string canonical(std::string_view value) {
        std::string out(value);
        for (char& c : out) c = detail::to_lower(c);
        return out;
    }

private:
    /// End of the domain starting at `i`, or 0 when there is none.
    static std::size_t domain_end(std::string_view s, std::size_t i) noexcept {
        constexpr byte_set label_chars = byte_set::range('A', 'Z') | byte_set::range('a', 'z') |
                                         byte_set::range('0', '9') | byte_set::of("-");
        std::size_t labels = 0, good_end = 0;
        for (;;) {
            std::size_t e = detail::run_end(s, i, label_chars);
            if (e == i || s[i] == '-') break;
            const bool trailing_hyphen = s[e - 1] == '-';
            while (s[e - 1] == '-') --e;  // "a@b.com--" : the dashes are punctuation
            if (e - i > 63) break;
            ++labels;
            if (labels >= 2 && is_tld(s.substr(i, e - i))) good_end = e;
            if (trailing_hyphen || detail::at(s, e) != '.' || !label_chars.contains(detail::at(s, e + 1))) break;
            i = e + 1;
        }
        return good_end;
    }

    /// Two or more letters, or a punycode label.
    static constexpr bool is_tld(std::string_view t) noexcept {
        if (t.size() > 4 && detail::has_word_at(t, 0, "xn--")) return true;
        if (t.size() < 2) return false;
        for (char c : t)
            if (!detail::is_alpha(c)) return false;
        return true;
    }
};

/// Phone numbers. Anchored at a digit, '(' or '+'; never inside a longer
/// token (see detail::joined_left / joined_right: "ORD-4155550132",
/// "v10.0.1904512", "12:30:45" and the like stay).
///
/// North American forms, optionally after "1-", "1." or "1 ":
/// - `(415) 555-0132`, `(415)555-0132`, `(415) 555 0132`, `(415) 5550132`;
/// - `415-555-0132`, `415.555.0132` and the mixes the common regex
///   `\b\d{3}[-.]?\d{3}[-.]?\d{4}\b` allows (`415555-0132`, `415-5550132`);
/// - `415 555 0132` and `415 555-0132`, when the area code and exchange
///   start with 2-9 and no other number follows or precedes across a space
///   (a list "100 200 3000" is not a phone);
/// - `4155550132`: ten bare digits only when area code and exchange start
///   with 2-9, which spares Unix timestamps (1.7e9) and most plain counters.
///
/// International: '+', a country code starting 1-9, then groups of digits
/// joined by single ' ', '-' or '.', with at most one parenthesized group
/// ("+44 (20) 7123 4567", "+44 (0)20 7123 4567"); 7 to 15 digits in all
/// (E.164), or 10 to 15 when written without separators ("+14155550132"),
/// so "+1000000 users" stays; exactly 11 after "+1". A number that runs on
/// past that is cut where a space follows ("+1 415 555 0132 2026 times"). A '+' glued to a word or a digit ("1+2",
/// "C++") is not a phone.
///
/// Not detected: local formats of other countries without '+'
/// ("09-7625400", "090-1234-5678", "13812345678"), which look like too many
/// other numbers; extensions ("x12") are left in place.
struct phone : detector_base<"phone", "PHONE", byte_set::range('0', '9') | byte_set::of("(+")> {
    // Triggers: digits, '(' of an area code, '+' of a country code.

    /// The number starting at `pos`.
    static std::optional<match> match_at(std::string_view s, std::size_t pos, std::size_t) noexcept {
        const char c = s[pos];
        if (c == '+') return international(s, pos);
        if (detail::joined_left(s, pos)) return std::nullopt;
        if (c == '1') {
            const char sep = detail::at(s, pos + 1), next = detail::at(s, pos + 2);
            if ((sep == '-' || sep == '.' || sep == ' ') && (detail::is_digit(next) || next == '('))
                if (const std::size_t e = north_american(s, pos + 2)) return match{pos, e};
        }
        if (const std::size_t e = north_american(s, pos)) return match{pos, e};
        return std::nullopt;
    }

    /// Digits only, without the NANP country code: "+1 (415) 555-0132" and
    /// "415.555.0132" get one keyed token.
    static std::string canonical(std::string_view value) {
        std::string d = detail::digits_of(value);
        if (d.size() == 11 && d[0] == '1') d.erase(0, 1);
        return d;
    }

private:
    /// True if digit `c` may start an area code or exchange (2-9).
    static constexpr bool nanp_lead(char c) noexcept { return c >= '2' && c <= '9'; }

    /// End of a North American number starting at `i`, or 0.
    static std::size_t north_american(std::string_view s, std::size_t i) noexcept {
        using detail::at, detail::digits_end;
        std::size_t end = 0;
        bool spaced = false;
        if (s[i] == '(') {
            if (digits_end(s, i + 1) != i + 4 || at(s, i + 4) != ')') return 0;
            std::size_t j = i + 5;
            if (at(s, j) == ' ') ++j;
            const std::size_t r = digits_end(s, j);
            if (r - j == 7) {
                end = r;
            } else if (r - j == 3) {
                const char sep = at(s, r);
                if ((sep != '-' && sep != '.' && sep != ' ') || digits_end(s, r + 1) != r + 5) return 0;
                end = r + 5;
            } else {
                return 0;
            }
        } else {
            const std::size_t r1 = digits_end(s, i);
            const std::size_t n1 = r1 - i;
            const char sep1 = at(s, r1);
            if (n1 == 10) {
                if (!nanp_lead(s[i]) || !nanp_lead(s[i + 3])) return 0;
                end = r1;
            } else if (n1 == 6) {
                if ((sep1 != '-' && sep1 != '.') || digits_end(s, r1 + 1) != r1 + 5) return 0;
                end = r1 + 5;
            } else if (n1 == 3 && (sep1 == '-' || sep1 == '.' || sep1 == ' ')) {
                const std::size_t r2 = digits_end(s, r1 + 1);
                const std::size_t n2 = r2 - (r1 + 1);
                const char sep2 = at(s, r2);
                if (n2 == 7 && sep1 != ' ') {
                    end = r2;
                } else if (n2 == 3 && (sep1 == ' ' ? (sep2 == ' ' || sep2 == '-') : (sep2 == '-' || sep2 == '.')) &&
                           digits_end(s, r2 + 1) == r2 + 5) {
                    end = r2 + 5;
                    spaced = sep1 == ' ';
                    if (spaced && (!nanp_lead(s[i]) || !nanp_lead(s[r1 + 1]))) return 0;
                } else {
                    return 0;
                }
            } else {
                return 0;
            }
        }
        if (detail::joined_right(s, end)) return 0;
        if (spaced && detail::in_number_list(s, i, end)) return 0;
        return end;
    }

    /// A number written with its country code: "+44 (20) 7123 4567".
    static std::optional<match> international(std::string_view s, std::size_t pos) noexcept {
        using detail::at, detail::digits_end, detail::is_digit;
        const char before = at(s, pos - 1);
        if (detail::is_word(before) || before == '+' || before == '@') return std::nullopt;
        if (!is_digit(at(s, pos + 1)) || s[pos + 1] == '0') return std::nullopt;

        struct stop {
            std::size_t end;      // where the number would end
            std::size_t digits;   // digits up to there
        };
        stop stops[16];
        std::size_t n = 0, digits = 0, i = pos + 1;
        bool paren = false;
        while (n < 16) {
            if (at(s, i) == '(') {
                const std::size_t r = digits_end(s, i + 1);
                if (paren || n == 0 || r == i + 1 || r - (i + 1) > 4 || at(s, r) != ')') break;
                digits += r - (i + 1);
                i = r + 1;
                paren = true;
            } else if (is_digit(at(s, i))) {
                const std::size_t r = digits_end(s, i);
                digits += r - i;
                i = r;
            } else {
                break;
            }
            stops[n++] = {i, digits};
            const char sep = at(s, i), next = at(s, i + 1);
            if ((sep == ' ' || sep == '-' || sep == '.') && (is_digit(next) || (next == '(' && !paren))) {
                ++i;
            } else if (!((sep == '(' && !paren) || (s[i - 1] == ')' && is_digit(sep)))) {
                break;
            }
        }
        if (n == 0) return std::nullopt;
        // Country code 1 (North America) numbers have exactly 11 digits;
        // others end at the last group within E.164's 15. A shorter cut is
        // taken only where a space follows ("+1 415 555 0132 2026 times").
        std::size_t k = n - 1;
        if (s[pos + 1] == '1') {
            while (k > 0 && stops[k].digits > 11) --k;
            if (stops[k].digits != 11) return std::nullopt;
        } else {
            while (k > 0 && stops[k].digits > 15) --k;
            if (stops[k].digits > 15) return std::nullopt;
        }
        if (detail::joined_right(s, stops[k].end) || stops[k].digits < (k == 0 ? 10u : 7u)) return std::nullopt;
        return match{pos, stops[k].end};
    }
};

}  // namespace redactors
}  // namespace v1
}  // namespace aitrail
