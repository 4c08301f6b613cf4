#pragma once
/// @file price.hpp
/// What one model costs per token of each class, held exactly: integer
/// pico-USD (1e-12 USD) per token. Users write prices the way providers
/// publish them, in USD per million tokens, as decimal text:
/// @code
/// constexpr aitrail::pricers::price sonnet =
///     aitrail::pricers::per_million{.input = "3", .output = "15", .cache_read = "0.30", .cache_write = "3.75"};
/// static_assert(sonnet.cache_write == 3'750'000);   // pico-USD per token
/// @endcode
/// The text is parsed at compile time; a price that is not exact (more than
/// 6 decimals, a floating-point literal) does not compile.

#include <aitrail/config.hpp>
#include <aitrail/detail/policy/pricing_decimal.hpp>

#include <concepts>     // integral, floating_point, same_as
#include <cstddef>      // size_t
#include <cstdint>      // int64_t
#include <string_view>  // string_view
#include <utility>      // cmp_less, cmp_greater

namespace aitrail {
inline namespace v1 {
namespace pricers {

/// Rates of one model in pico-USD per token, by token class (see
/// docs/pricing.md). The optional rates fall back: cache_read and
/// cache_write to input (no cache discount or surcharge known), reasoning to
/// output (how OpenAI and Anthropic bill reasoning and thinking tokens).
/// Usable as a template argument (all members public and integral).
struct price {
    /// Marks an optional rate as absent, so its fallback applies.
    static constexpr std::int64_t not_set = -1;

    std::int64_t input = not_set;        ///< uncached input token (required)
    std::int64_t output = not_set;       ///< output token that is not reasoning (required)
    std::int64_t cache_read = not_set;   ///< input token read from the prompt cache
    std::int64_t cache_write = not_set;  ///< input token written to the prompt cache
    std::int64_t reasoning = not_set;    ///< reasoning / thinking output token

    /// Rate for cached input read: cache_read, else input.
    constexpr std::int64_t cache_read_rate() const noexcept { return cache_read != not_set ? cache_read : input; }
    /// Rate for input written to the cache: cache_write, else input.
    constexpr std::int64_t cache_write_rate() const noexcept { return cache_write != not_set ? cache_write : input; }
    /// Rate for reasoning output: reasoning, else output.
    constexpr std::int64_t reasoning_rate() const noexcept { return reasoning != not_set ? reasoning : output; }

    /// True when input and output are set and no rate is negative (other
    /// than an optional one left at not_set).
    constexpr bool valid() const noexcept {
        auto optional_ok = [](std::int64_t r) { return r >= 0 || r == not_set; };
        return input >= 0 && output >= 0 && optional_ok(cache_read) && optional_ok(cache_write) &&
               optional_ok(reasoning);
    }

    friend constexpr bool operator==(const price&, const price&) = default;
};

/// One price in USD per million tokens, given as decimal text ("3.75",
/// "0.0375") or a whole number of dollars (3), converted exactly to pico-USD
/// per token at compile time. Floating-point literals are refused: 0.075 has
/// no exact binary form, and a trail must not depend on how it rounds.
struct usd_per_million {
    std::int64_t pico = price::not_set;  ///< pico-USD per token, or not_set

    /// Not set: the rate's fallback applies.
    constexpr usd_per_million() noexcept = default;

    /// From decimal text; a wrong text stops compilation at a function
    /// named after the problem (see detail::price_text_error).
    template <std::size_t N>
    consteval usd_per_million(const char (&text)[N]) {
        const auto parsed = detail::parse_price_text(std::string_view(text, N - 1));
        using p = detail::price_text_problem;
        namespace e = detail::price_text_error;
        switch (parsed.problem) {
            case p::none: break;
            case p::empty: e::price_text_is_empty(); break;
            case p::negative: e::price_cannot_be_negative(); break;
            case p::not_a_decimal: e::price_must_be_digits_with_an_optional_dot_and_up_to_6_decimals(); break;
            case p::too_many_decimals: e::price_has_more_than_6_decimals_per_million(); break;
            case p::too_large: e::price_is_above_1000000_usd_per_million(); break;
        }
        pico = parsed.pico;
    }

    /// From whole dollars per million tokens.
    template <std::integral I>
        requires(!std::same_as<I, bool> && !std::same_as<I, char>)
    consteval usd_per_million(I dollars) {
        if (std::cmp_less(dollars, 0)) detail::price_text_error::price_cannot_be_negative();
        if (std::cmp_greater(dollars, detail::max_price_dollars))
            detail::price_text_error::price_is_above_1000000_usd_per_million();
        pico = static_cast<std::int64_t>(dollars) * detail::pico_per_dollar_per_million;
    }

    /// Refused: write the price as text so it stays exact.
    template <std::floating_point F>
    consteval usd_per_million(F) {
        static_assert(detail::dependent_false<F>,
                      "aitrail: write prices as strings (\"3.75\") or whole dollars (3) so they stay exact; "
                      "a floating-point literal such as 0.075 has no exact binary value");
    }

    friend constexpr bool operator==(const usd_per_million&, const usd_per_million&) = default;
};

/// A model's prices in USD per million tokens, the way price pages show
/// them; converts to price. Leave an optional rate out to use its fallback.
/// @code
/// aitrail::pricers::per_million{.input = "1.10", .output = "4.40", .cache_read = "0.275"}   // o4-mini
/// @endcode
struct per_million {
    usd_per_million input;        ///< uncached input (required)
    usd_per_million output;       ///< output (required)
    usd_per_million cache_read;   ///< cached input read; defaults to input
    usd_per_million cache_write;  ///< input written to the cache; defaults to input
    usd_per_million reasoning;    ///< reasoning / thinking output; defaults to output

    /// The same prices in pico-USD per token.
    constexpr operator price() const noexcept {
        return {input.pico, output.pico, cache_read.pico, cache_write.pico, reasoning.pico};
    }
};

}  // namespace pricers
}  // namespace v1
}  // namespace aitrail
