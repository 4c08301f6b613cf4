#pragma once
/// @file builtin.hpp
/// The providers' published list prices as of 2026-11-22, compiled in: the
/// same prices as data/prices/prices.json (a test keeps the two equal).
/// List prices change; a program that must stay current should load the
/// price file at run time (aitrail::pricers::runtime) and update it.
/// @code
/// struct my_policy : aitrail::default_policy { using pricing = aitrail::pricers::builtin_2026_11; };
/// @endcode
///
/// Standard tier only: no batch discount, no flex or priority tier, no
/// long-context rate (Claude Sonnet above 200K input tokens), no regional
/// surcharge. Anthropic cache_write is the 5-minute cache write; OpenAI
/// bills cache writes as input and reasoning as output, so those rates are
/// left to their fallbacks (see price).

#include <aitrail/config.hpp>
#include <aitrail/policy/pricing/price.hpp>
#include <aitrail/policy/pricing/static_table.hpp>

namespace aitrail {
inline namespace v1 {
namespace pricers {

// GCC < 14 warns (-Wextra) about designated initializers that leave
// defaulted members out, which is how optional rates are meant to be written;
// silenced here so that including this header keeps a user's -Werror build clean.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif

/// Anthropic and OpenAI list prices (USD per million tokens) as of 2026-11-22.
using builtin_2026_11 = table<
    id<"aitrail-prices-2026-11-22">,
    // Anthropic: input, output, cache write (5 min), cache read. Thinking is billed as output.
    entry<"claude-opus-4-5", per_million{.input = "5", .output = "25", .cache_read = "0.50", .cache_write = "6.25"}>,
    entry<"claude-opus-4-1", per_million{.input = "15", .output = "75", .cache_read = "1.50", .cache_write = "18.75"}>,
    entry<"claude-opus-4", per_million{.input = "15", .output = "75", .cache_read = "1.50", .cache_write = "18.75"}>,
    entry<"claude-opus-4-0", per_million{.input = "15", .output = "75", .cache_read = "1.50", .cache_write = "18.75"}>,
    entry<"claude-sonnet-4-5", per_million{.input = "3", .output = "15", .cache_read = "0.30", .cache_write = "3.75"}>,
    entry<"claude-sonnet-4", per_million{.input = "3", .output = "15", .cache_read = "0.30", .cache_write = "3.75"}>,
    entry<"claude-sonnet-4-0", per_million{.input = "3", .output = "15", .cache_read = "0.30", .cache_write = "3.75"}>,
    entry<"claude-haiku-4-5", per_million{.input = "1", .output = "5", .cache_read = "0.10", .cache_write = "1.25"}>,
    entry<"claude-3-5-haiku", per_million{.input = "0.80", .output = "4", .cache_read = "0.08", .cache_write = "1"}>,
    // OpenAI: input, output, cached input. Cache writes cost input, reasoning costs output.
    entry<"gpt-5", per_million{.input = "1.25", .output = "10", .cache_read = "0.125"}>,
    entry<"gpt-5-mini", per_million{.input = "0.25", .output = "2", .cache_read = "0.025"}>,
    entry<"gpt-5-nano", per_million{.input = "0.05", .output = "0.40", .cache_read = "0.005"}>,
    entry<"gpt-4.1", per_million{.input = "2", .output = "8", .cache_read = "0.50"}>,
    entry<"gpt-4.1-mini", per_million{.input = "0.40", .output = "1.60", .cache_read = "0.10"}>,
    entry<"gpt-4.1-nano", per_million{.input = "0.10", .output = "0.40", .cache_read = "0.025"}>,
    entry<"gpt-4o", per_million{.input = "2.50", .output = "10", .cache_read = "1.25"}>,
    // The first gpt-4o snapshot kept its launch price; listed so its date is not stripped to "gpt-4o".
    entry<"gpt-4o-2024-05-13", per_million{.input = "5", .output = "15"}>,
    entry<"gpt-4o-mini", per_million{.input = "0.15", .output = "0.60", .cache_read = "0.075"}>,
    entry<"o3", per_million{.input = "2", .output = "8", .cache_read = "0.50"}>,
    entry<"o4-mini", per_million{.input = "1.10", .output = "4.40", .cache_read = "0.275"}>,
    entry<"o3-mini", per_million{.input = "1.10", .output = "4.40", .cache_read = "0.55"}>,
    entry<"o1", per_million{.input = "15", .output = "60", .cache_read = "7.50"}>>;

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace pricers
}  // namespace v1
}  // namespace aitrail
