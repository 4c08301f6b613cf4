#pragma once
/// @file redact_iban.hpp
/// IBAN lengths by country and the ISO 13616 mod-97 check. A string that
/// passes mod-97 by chance (1 in 97) is still rejected unless its length is
/// the one its country's IBANs have, which is what makes IBAN detection
/// precise enough to run on free text.

#include <aitrail/config.hpp>
#include <aitrail/detail/policy/redact_bytes.hpp>

#include <array>        // array
#include <cstddef>      // size_t
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace detail {

/// A country's IBAN length (country code and check digits included).
struct iban_country {
    char code[3];      ///< ISO 3166-1 alpha-2
    unsigned char n;   ///< IBAN length
};

/// The countries of the SWIFT IBAN registry (as published in 2025) and
/// their IBAN lengths; a country that joins later is not detected until it
/// is added here. French overseas territories and other dependencies use
/// their parent's code (FR, GB...) in the IBAN itself, so they need no row.
inline constexpr iban_country iban_countries[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22},
    {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24},
    {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18},
    {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27},
    {"GT", 28}, {"HN", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26},
    {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20},
    {"LU", 20}, {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20},
    {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24},
    {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33}, {"SA", 24},
    {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"SO", 23}, {"ST", 25},
    {"SV", 28}, {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20},
    {"YE", 30},
};

/// IBAN length by country code as a 26x26 table (0: not an IBAN country),
/// so a lookup on the hot path is one load.
inline constexpr auto iban_length_table = [] {
    std::array<unsigned char, 26 * 26> t{};
    for (const auto& c : iban_countries) t[static_cast<std::size_t>((c.code[0] - 'A') * 26 + (c.code[1] - 'A'))] = c.n;
    return t;
}();

/// The IBAN length of country `a``b` (uppercase letters), or 0.
constexpr std::size_t iban_length(char a, char b) noexcept {
    if (!is_upper(a) || !is_upper(b)) return 0;
    return iban_length_table[static_cast<std::size_t>((a - 'A') * 26 + (b - 'A'))];
}

/// ISO 13616 check: move the first four characters to the end, read letters
/// as 10..35, and the number mod 97 must be 1. `compact` holds only
/// [A-Z0-9]; the remainder is folded a character at a time, so any length
/// works without big integers.
constexpr bool iban_mod97_ok(std::string_view compact) noexcept {
    if (compact.size() < 5) return false;
    unsigned r = 0;
    auto feed = [&r](char c) {
        if (is_digit(c)) r = (r * 10 + static_cast<unsigned>(c - '0')) % 97;
        else r = (r * 100 + static_cast<unsigned>(c - 'A' + 10)) % 97;
    };
    for (std::size_t i = 4; i < compact.size(); ++i) feed(compact[i]);
    for (std::size_t i = 0; i < 4; ++i) feed(compact[i]);
    return r == 1;
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
