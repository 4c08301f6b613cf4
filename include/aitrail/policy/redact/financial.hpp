#pragma once
/// @file financial.hpp
/// Identity and account numbers: US social security numbers, payment card
/// numbers and IBANs. Each has a checksum or validity rule, which is what
/// separates it from the many other numbers in a log; a candidate failing
/// the rule is left untouched.

#include <aitrail/config.hpp>
#include <aitrail/detail/policy/redact_bytes.hpp>
#include <aitrail/detail/policy/redact_iban.hpp>
#include <aitrail/detail/policy/redact_numbers.hpp>
#include <aitrail/policy/redact/match.hpp>

#include <cstddef>      // size_t
#include <optional>     // optional, nullopt
#include <string>       // string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace redactors {

/// US social security numbers.
/// - `AAA-GG-SSSS` with one separator ('-', ' ' or '.') used both times
///   ("693-09.4444" is not one); the space form not inside a list of
///   numbers;
/// - nine bare digits only after a cue: "ssn" (not inside a word, so not
///   "classname") or "social security", ending within the 20 characters
///   before the number ("SSN: 078051121", "social security no. 078051121");
/// - valid as issued: area not 000, 666 or 900-999, group not 00, serial
///   not 0000, not all one digit, not 078-05-1120 or 219-09-9999 (numbers
///   printed on sample cards and ads). 123-45-6789 is valid and redacted.
/// Not detected: the "very weak" shapes 078-051121 and 07805-1121 and bare
/// nine digits without a cue, which are mostly not SSNs.
struct ssn : detector_base<"ssn", "SSN", byte_set::range('0', '9')> {
    // Triggers: the first digit.

    /// The SSN starting at `pos`.
    static std::optional<match> match_at(std::string_view s, std::size_t pos, std::size_t) noexcept {
        using detail::at, detail::digits_end;
        // Checked before reading the digits, so that every digit inside a
        // long run is turned down without reading the rest of the run.
        // "SSN#078051121" is labelled, not an order number.
        const bool joined = detail::joined_left(s, pos);
        if (joined && at(s, pos - 1) != '#') return std::nullopt;
        const std::size_t r1 = digits_end(s, pos);
        if (r1 - pos == 3) {
            if (joined) return std::nullopt;
            const char sep = at(s, r1);
            if ((sep != '-' && sep != ' ' && sep != '.') || digits_end(s, r1 + 1) != r1 + 3 || at(s, r1 + 3) != sep ||
                digits_end(s, r1 + 4) != r1 + 8)
                return std::nullopt;
            const std::size_t end = r1 + 8;
            if (detail::joined_right(s, end) || (sep == ' ' && detail::in_number_list(s, pos, end))) return std::nullopt;
            if (!valid(detail::number_at(s, pos, 3), detail::number_at(s, r1 + 1, 2), detail::number_at(s, r1 + 4, 4)))
                return std::nullopt;
            return match{pos, end};
        }
        if (r1 - pos == 9) {
            if (detail::joined_right(s, r1) || !cue_before(s, pos)) return std::nullopt;
            if (!valid(detail::number_at(s, pos, 3), detail::number_at(s, pos + 3, 2), detail::number_at(s, pos + 5, 4)))
                return std::nullopt;
            return match{pos, r1};
        }
        return std::nullopt;
    }

    /// Digits only: "078-05-1123" and "078 05 1123" get one keyed token.
    static std::string canonical(std::string_view value) { return detail::digits_of(value); }

private:
    /// True if the parts form an SSN that can have been issued.
    static constexpr bool valid(int area, int group, int serial) noexcept {
        if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) return false;
        if ((area == 78 && group == 5 && serial == 1120) || (area == 219 && group == 9 && serial == 9999)) return false;
        // All nine digits the same: 111-11-1111 ... 888-88-8888.
        const int d = area % 10;
        return !(area == d * 111 && group == d * 11 && serial == d * 1111);
    }

    /// True if "ssn" or "social security" ends within 20 bytes before `pos`.
    static constexpr bool cue_before(std::string_view s, std::size_t pos) noexcept {
        constexpr std::size_t reach = 20;
        const std::size_t from = pos > reach + 15 ? pos - reach - 15 : 0;
        for (std::size_t k = from; k < pos; ++k) {
            if (k + 3 + reach >= pos && detail::has_word_at(s, k, "ssn") && !detail::is_alpha(detail::at(s, k - 1)))
                return true;
            if (k + 15 + reach >= pos && detail::has_word_at(s, k, "social security")) return true;
        }
        return false;
    }
};

/// Payment card numbers (PANs).
/// - 13 to 19 digits in one run, or grouped as cards are printed: 4-4-4-4,
///   4-4-4-3, 4-6-5, 4-6-4 or 4-4-4-4-3, separated by single spaces or
///   single hyphens, the same throughout;
/// - passing the Luhn check;
/// - an issuer prefix in use: 2200-2204 or 2221-2720 (Mir, Mastercard
///   2-series), 3, 4, 5, 6; 1 only for 15-digit UATP cards. So ISBN-13s
///   (978..., 979...), 13-digit millisecond timestamps and 16-19 digit
///   snowflake ids starting with 1 are left alone;
/// - never inside a longer digit run or token; after a space-grouped card
///   another number may follow ("4111 1111 1111 1111 2026": the card is the
///   first 16 digits).
/// Random 16-digit numbers pass Luhn one time in ten: a plain id starting
/// 3-6 with a valid Luhn digit is redacted as a card.
struct credit_card : detector_base<"credit_card", "CC", byte_set::range('0', '9')> {
    // Triggers: the first digit.

    /// The card number starting at `pos`.
    static std::optional<match> match_at(std::string_view s, std::size_t pos, std::size_t) noexcept {
        using detail::at, detail::digits_end;
        if (s[pos] < '1' || s[pos] > '6' || detail::joined_left(s, pos)) return std::nullopt;
        const std::size_t r1 = digits_end(s, pos);
        if (r1 - pos >= 13 && r1 - pos <= 19) {
            const std::string_view run = s.substr(pos, r1 - pos);
            if (detail::joined_right(s, r1) || !issuer_ok(run, run.size()) || !detail::luhn_ok(run)) return std::nullopt;
            return match{pos, r1};
        }
        const char sep = at(s, r1);
        if (r1 - pos != 4 || (sep != ' ' && sep != '-')) return std::nullopt;

        // The groups after the first: their sizes and where each ends.
        std::size_t sizes[4] = {}, ends[4] = {}, n = 0, i = r1;
        while (n < 4 && at(s, i) == sep && detail::is_digit(at(s, i + 1))) {
            const std::size_t r = digits_end(s, i + 1);
            if (r - (i + 1) > 6) break;
            sizes[n] = r - (i + 1);
            ends[n++] = i = r;
        }
        // Longest first; a shorter grouping is tried when a number follows
        // the card across a space.
        for (std::size_t m = n; m > 0; --m) {
            if (!grouping_ok(sizes, m) || detail::joined_right(s, ends[m - 1])) continue;
            char buf[19] = {};
            std::size_t k = 0;
            for (std::size_t j = pos; j < ends[m - 1]; ++j)
                if (detail::is_digit(s[j])) buf[k++] = s[j];
            const std::string_view compact{buf, k};
            if (issuer_ok(compact, k) && detail::luhn_ok(compact)) return match{pos, ends[m - 1]};
        }
        return std::nullopt;
    }

    /// Digits only: "4111 1111 1111 1111" and "4111-1111-1111-1111" get one
    /// keyed token.
    static std::string canonical(std::string_view value) { return detail::digits_of(value); }

private:
    /// True if the first `m` groups after the leading four form a printed
    /// card layout: 4-6-4 and 4-6-5 (Diners, Amex), 4-4-4-3 and 4-4-4-4,
    /// 4-4-4-4-3 (19 digits).
    static constexpr bool grouping_ok(const std::size_t* sizes, std::size_t m) noexcept {
        if (m == 2) return sizes[0] == 6 && (sizes[1] == 4 || sizes[1] == 5);
        if (m == 3) return sizes[0] == 4 && sizes[1] == 4 && (sizes[2] == 3 || sizes[2] == 4);
        if (m == 4) return sizes[0] == 4 && sizes[1] == 4 && sizes[2] == 4 && sizes[3] == 3;
        return false;
    }

    /// True if `digits` (n of them) starts with an issuer prefix in use.
    static constexpr bool issuer_ok(std::string_view digits, std::size_t n) noexcept {
        switch (digits[0]) {
            case '1': return n == 15;
            case '2': {
                const int p = detail::number_at(digits, 0, 4);
                return (p >= 2200 && p <= 2204) || (p >= 2221 && p <= 2720);
            }
            case '3': case '4': case '5': case '6': return true;
            default: return false;
        }
    }
};

/// International bank account numbers (ISO 13616).
/// - two uppercase letters naming a country of the IBAN registry, two check
///   digits, then uppercase letters and digits up to exactly that country's
///   IBAN length (DE: 22, FR: 27, ...);
/// - compact ("DE89370400440532013000") or in groups of four separated by
///   single spaces or single hyphens, the same throughout, the last group
///   possibly shorter; slashes or lowercase letters do not make an IBAN;
/// - mod-97 of the rearranged number is 1;
/// - bounded by non-word characters on both sides.
struct iban : detector_base<"iban", "IBAN", byte_set::range('0', '9')> {
    // Triggers: the first check digit; the country code before it is read backwards.

    /// The IBAN whose check digits start at `pos`.
    static std::optional<match> match_at(std::string_view s, std::size_t pos, std::size_t floor) noexcept {
        using detail::at;
        constexpr byte_set upper_digit = byte_set::range('A', 'Z') | byte_set::range('0', '9');
        if (pos < floor + 2 || !detail::is_digit(at(s, pos + 1))) return std::nullopt;
        const std::size_t b = pos - 2;
        const std::size_t len = detail::iban_length(s[b], s[b + 1]);
        if (len == 0 || detail::is_word(at(s, b - 1))) return std::nullopt;

        char buf[34] = {};
        std::size_t n = 4, i = pos + 2;
        for (std::size_t k = 0; k < 4; ++k) buf[k] = s[b + k];
        const char sep = at(s, i);
        if (sep == ' ' || sep == '-') {
            while (n < len && at(s, i) == sep) {
                const std::size_t r = detail::run_end(s, i + 1, upper_digit);
                const std::size_t k = r - (i + 1);
                if (k == 0 || k > 4 || n + k > len || (k < 4 && n + k < len)) return std::nullopt;
                for (std::size_t j = i + 1; j < r; ++j) buf[n++] = s[j];
                i = r;
            }
            if (n != len) return std::nullopt;
        } else {
            const std::size_t r = detail::run_end(s, i, upper_digit);
            if (r - b != len) return std::nullopt;
            for (; i < r; ++i) buf[n++] = s[i];
        }
        if (detail::is_word(at(s, i)) || !detail::iban_mod97_ok({buf, n})) return std::nullopt;
        return match{b, i};
    }

    /// Without separators: grouped and compact forms get one keyed token.
    static std::string canonical(std::string_view value) {
        std::string out;
        for (char c : value)
            if (detail::is_alnum(c)) out += c;
        return out;
    }
};

}  // namespace redactors
}  // namespace v1
}  // namespace aitrail
