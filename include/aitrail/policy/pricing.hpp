#pragma once
/// @file pricing.hpp
/// The pricing policy in one include: exact integer costs (nano-USD) from
/// token counts, with the price table that produced them recorded beside
/// each cost. See docs/pricing.md.
/// @code
/// struct my_policy : aitrail::default_policy {
///     using pricing = aitrail::pricers::table<
///         aitrail::pricers::id<"my-prices-v1">,
///         aitrail::pricers::entry<"claude-sonnet-4", aitrail::pricers::per_million{.input = "3", .output = "15"}>>;
/// };
/// @endcode

#include <aitrail/config.hpp>
#include <aitrail/policy/pricing/builtin.hpp>       // builtin_2026_11
#include <aitrail/policy/pricing/cost.hpp>          // cost_of
#include <aitrail/policy/pricing/model_match.hpp>   // candidate_keys
#include <aitrail/policy/pricing/price.hpp>         // price, per_million
#include <aitrail/policy/pricing/price_table.hpp>   // price_table (run time)
#include <aitrail/policy/pricing/pricer.hpp>        // pricer, none, runtime
#include <aitrail/policy/pricing/record_cost.hpp>   // reprice
#include <aitrail/policy/pricing/static_table.hpp>  // table, id, entry
