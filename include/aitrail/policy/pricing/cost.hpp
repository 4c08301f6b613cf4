#pragma once
/// @file cost.hpp
/// The cost of one call from its token counts and a price, in integer
/// nano-USD, computed exactly and rounded once (see docs/pricing.md):
///
///     uncached  = input  - cache_read - cache_write     at price.input
///     cache_read                                        at price.cache_read_rate()
///     cache_write                                       at price.cache_write_rate()
///     visible   = output - reasoning                    at price.output
///     reasoning                                         at price.reasoning_rate()
///
///     pico  = sum of tokens x rate (pico-USD, 64-bit, every step checked)
///     nanos = (pico + 500) / 1000                       (round half up, once, on the total)
///
/// Token classes follow OpenTelemetry GenAI: `input` counts every input
/// token, cached ones included; `output` counts every output token,
/// reasoning included. A count left unset is 0 for the three breakdowns and
/// an error for input and output.

#include <aitrail/config.hpp>
#include <aitrail/integrity/jcs.hpp>
#include <aitrail/policy/pricing/price.hpp>
#include <aitrail/record/audit_record.hpp>

#include <cstdint>      // int64_t
#include <limits>       // numeric_limits
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace detail {

/// acc += tokens * rate, refusing overflow (both factors are non-negative).
constexpr bool add_product(std::int64_t& acc, std::int64_t tokens, std::int64_t rate) noexcept {
    constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
    if (tokens == 0 || rate == 0) return true;
    if (tokens > max / rate) return false;
    const std::int64_t product = tokens * rate;
    if (acc > max - product) return false;
    acc += product;
    return true;
}

inline constexpr std::string_view problem_missing_counts =
    "the input and output token counts must both be reported to price a call";
inline constexpr std::string_view problem_negative_count = "a token count is negative";
inline constexpr std::string_view problem_cache_exceeds_input =
    "cache_read + cache_write exceed input; input must count every input token, cached ones included "
    "(OpenTelemetry gen_ai.usage.input_tokens; for Anthropic, input_tokens + cache_read_input_tokens + "
    "cache_creation_input_tokens)";
inline constexpr std::string_view problem_reasoning_exceeds_output =
    "reasoning exceeds output; output must count every output token, reasoning included";
inline constexpr std::string_view problem_overflow =
    "the cost exceeds 2^53 nano-USD, the largest integer a trail holds exactly";
inline constexpr std::string_view problem_invalid_price =
    "the price has no input or output rate, or a negative rate";

}  // namespace detail

namespace pricers {

/// Why a cost could not be computed.
enum class cost_status {
    ok,             ///< nanos_usd holds the cost
    invalid_usage,  ///< counts missing, negative or inconsistent
    overflow,       ///< the cost exceeds what a trail can hold exactly (2^53 nano-USD, ~9 million USD)
    invalid_price,  ///< the price lacks input or output, or has a negative rate
};

/// The result of cost_of(): a cost, or the reason there is none.
struct cost_outcome {
    cost_status status = cost_status::ok;  ///< ok, or why not
    std::int64_t nanos_usd = 0;            ///< the cost when status is ok
    std::string_view problem;              ///< a fixed sentence when status is not ok
    /// True when nanos_usd holds the cost.
    constexpr bool ok() const noexcept { return status == cost_status::ok; }
};

/// The exact cost of `usage` at `p` (see the top of this file). Never
/// throws; an impossible cost is reported, not guessed.
constexpr cost_outcome cost_of(const token_usage& usage, const price& p) noexcept {
    if (!p.valid()) return {cost_status::invalid_price, 0, detail::problem_invalid_price};
    if (!usage.input || !usage.output) return {cost_status::invalid_usage, 0, detail::problem_missing_counts};
    const std::int64_t input = *usage.input, output = *usage.output;
    const std::int64_t cache_read = usage.cache_read.value_or(0);
    const std::int64_t cache_write = usage.cache_write.value_or(0);
    const std::int64_t reasoning = usage.reasoning.value_or(0);
    if (input < 0 || output < 0 || cache_read < 0 || cache_write < 0 || reasoning < 0)
        return {cost_status::invalid_usage, 0, detail::problem_negative_count};
    // Both are non-negative, so comparing each first keeps the sum in range.
    if (cache_read > input || cache_write > input - cache_read)
        return {cost_status::invalid_usage, 0, detail::problem_cache_exceeds_input};
    if (reasoning > output) return {cost_status::invalid_usage, 0, detail::problem_reasoning_exceeds_output};

    std::int64_t pico = 0;
    const bool fits = detail::add_product(pico, input - cache_read - cache_write, p.input) &&
                      detail::add_product(pico, cache_read, p.cache_read_rate()) &&
                      detail::add_product(pico, cache_write, p.cache_write_rate()) &&
                      detail::add_product(pico, output - reasoning, p.output) &&
                      detail::add_product(pico, reasoning, p.reasoning_rate()) &&
                      detail::add_product(pico, 1, 500);  // the half for rounding
    if (!fits) return {cost_status::overflow, 0, detail::problem_overflow};
    const std::int64_t nanos = pico / 1000;
    // A larger integer would be refused by the canonical writer (RFC 8785
    // numbers are doubles), so it is reported here, where it is explained.
    if (nanos > jcs_max_exact_integer) return {cost_status::overflow, 0, detail::problem_overflow};
    return {cost_status::ok, nanos, {}};
}

}  // namespace pricers
}  // namespace v1
}  // namespace aitrail
