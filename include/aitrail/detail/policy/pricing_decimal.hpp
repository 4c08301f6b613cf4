#pragma once
/// @file pricing_decimal.hpp
/// Exact decimal prices. A price is written as text in USD per million
/// tokens ("3.75") and held as an integer count of pico-USD (1e-12 USD) per
/// token: $1/M is 1e-6 USD a token, i.e. 1'000'000 pico-USD, so any price
/// with at most 6 decimals is a whole number of pico-USD and no binary
/// fraction ever enters a cost. The same constexpr parser serves the
/// compile-time tables (consteval) and the JSON price files (at run time).

#include <aitrail/config.hpp>

#include <cstdint>      // int64_t
#include <string>       // string, to_string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace detail {

/// pico-USD per token for a price of $1 per million tokens.
inline constexpr std::int64_t pico_per_dollar_per_million = 1'000'000;

/// Most decimals a per-million price may have (beyond that it is not a
/// whole number of pico-USD per token).
inline constexpr int max_price_decimals = 6;

/// Highest price accepted, in USD per million tokens: a dollar a token,
/// far above any real model, low enough that the parse cannot overflow.
inline constexpr std::int64_t max_price_dollars = 1'000'000;

/// What is wrong with a price text.
enum class price_text_problem {
    none,               ///< parsed
    empty,              ///< ""
    negative,           ///< "-1"
    not_a_decimal,      ///< anything but digits with an optional '.' and digits
    too_many_decimals,  ///< more than max_price_decimals after the '.'
    too_large,          ///< above max_price_dollars
};

/// A human-readable reason, for error messages.
constexpr std::string_view describe(price_text_problem p) noexcept {
    switch (p) {
        case price_text_problem::none: return "no problem";
        case price_text_problem::empty: return "the price is empty";
        case price_text_problem::negative: return "a price cannot be negative";
        case price_text_problem::not_a_decimal:
            return "a price is a plain decimal in USD per million tokens, such as \"3\" or \"0.075\" "
                   "(digits, an optional '.' and up to 6 more digits; no sign, exponent, '$' or spaces)";
        case price_text_problem::too_many_decimals:
            return "a price per million tokens may have at most 6 decimals (1e-12 USD a token)";
        case price_text_problem::too_large: return "a price may be at most 1000000 USD per million tokens";
    }
    return "no problem";
}

/// Result of parse_price_text: `pico` is valid when `problem` is none.
struct parsed_price {
    std::int64_t pico = 0;                                  ///< pico-USD per token
    price_text_problem problem = price_text_problem::none;  ///< why it failed
};

/// Parses "3", "3.75", "0.0375" (USD per million tokens) into pico-USD per
/// token. Grammar: DIGIT+ ( "." DIGIT{1,6} )?  — deliberately narrow, so a
/// price file means the same thing to every reader.
constexpr parsed_price parse_price_text(std::string_view text) noexcept {
    if (text.empty()) return {0, price_text_problem::empty};
    if (text.front() == '-') return {0, price_text_problem::negative};
    auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    std::size_t i = 0;
    std::int64_t dollars = 0;
    while (i < text.size() && is_digit(text[i])) {
        dollars = dollars * 10 + (text[i] - '0');
        if (dollars > max_price_dollars) return {0, price_text_problem::too_large};
        ++i;
    }
    if (i == 0) return {0, price_text_problem::not_a_decimal};
    std::int64_t fraction = 0;  // in millionths of a dollar per million
    if (i < text.size()) {
        if (text[i] != '.') return {0, price_text_problem::not_a_decimal};
        ++i;
        const std::size_t first = i;
        while (i < text.size() && is_digit(text[i])) ++i;
        const std::size_t decimals = i - first;
        if (decimals == 0 || i != text.size()) return {0, price_text_problem::not_a_decimal};
        if (decimals > static_cast<std::size_t>(max_price_decimals)) return {0, price_text_problem::too_many_decimals};
        for (std::size_t k = first; k < i; ++k) fraction = fraction * 10 + (text[k] - '0');
        for (std::size_t k = decimals; k < static_cast<std::size_t>(max_price_decimals); ++k) fraction *= 10;
    }
    const std::int64_t pico = dollars * pico_per_dollar_per_million + fraction;
    if (pico > max_price_dollars * pico_per_dollar_per_million) return {0, price_text_problem::too_large};
    return {pico, price_text_problem::none};
}

/// The shortest decimal text for a price: 3'750'000 -> "3.75", 15'000'000
/// -> "15", 37'500 -> "0.0375". Parsing it gives `pico` back.
inline std::string format_price_text(std::int64_t pico) {
    std::string out = std::to_string(pico / pico_per_dollar_per_million);
    std::int64_t fraction = pico % pico_per_dollar_per_million;
    if (fraction == 0) return out;
    std::string digits = std::to_string(fraction);
    digits.insert(0, static_cast<std::size_t>(max_price_decimals) - digits.size(), '0');
    while (digits.back() == '0') digits.pop_back();
    return out + "." + digits;
}

/// Called only when a compile-time price is wrong. Not constexpr, so the
/// compiler stops at the call and names the function: the name is the message.
namespace price_text_error {
inline void price_text_is_empty() {}
inline void price_cannot_be_negative() {}
inline void price_must_be_digits_with_an_optional_dot_and_up_to_6_decimals() {}
inline void price_has_more_than_6_decimals_per_million() {}
inline void price_is_above_1000000_usd_per_million() {}
}  // namespace price_text_error

/// false, but only once T is known: for a static_assert in a template that
/// must fire only when instantiated.
template <class T>
inline constexpr bool dependent_false = false;

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
