#pragma once
/// @file pricer.hpp
/// The pricing policy: how the writer fills `rec.cost` before it seals a
/// record. Chosen in the policy struct:
/// @code
/// struct my_policy : aitrail::default_policy {
///     using pricing = aitrail::pricers::builtin_2026_11;   // compile-time prices
///  // using pricing = aitrail::pricers::runtime;           // a price file read at start-up
///  // using pricing = aitrail::pricers::none;              // leave cost unset
/// };
/// @endcode
///
/// | Expression                 | Type   | Semantics                                                  |
/// |----------------------------|--------|------------------------------------------------------------|
/// | `P::price(rec, ctx)`       | `void` | sets `rec.cost` (and `meta.cost_provenance`) from `rec.usage` |
/// | `P::needs_table`           | `bool` | (optional) true if `ctx.table` must be set at run time     |
///
/// `price` runs on the writer thread, once per record, before sealing. It
/// must keep a cost the caller already set, and leave a record that reports
/// no token count alone.

#include <aitrail/config.hpp>
#include <aitrail/policy/pricing/price_table.hpp>
#include <aitrail/policy/pricing/record_cost.hpp>
#include <aitrail/record/audit_record.hpp>

#include <optional>     // nullopt
#include <type_traits>  // is_same_v

namespace aitrail {
inline namespace v1 {

/// What a pricing policy gets besides the record: the run-time price table,
/// if the program loaded one (aitrail::pricers::runtime uses it).
struct price_context {
    const pricers::price_table* table = nullptr;  ///< not owned; outlives the auditor's writer
};

/// Requirements on a pricing policy (see the table at the top of this file).
template <class P>
concept pricer = requires(audit_record& rec, const price_context& ctx) { P::price(rec, ctx); };

namespace pricers {

/// Prices nothing: `rec.cost` stays as the caller left it (the reference
/// no-op pricing policy).
struct none {
    /// Needs no table.
    static constexpr bool needs_table = false;
    /// Does nothing.
    static void price(audit_record&, const price_context&) noexcept {}
};

/// Prices with the price_table given at run time (`price_context::table`),
/// for prices kept in a file that operations update without a rebuild.
/// Without a table, every priced record gets cost {null, "unknown"}.
/// @code
/// struct my_policy : aitrail::default_policy { using pricing = aitrail::pricers::runtime; };
/// const auto prices = aitrail::pricers::price_table::load("/etc/myapp/prices.json");
/// @endcode
struct runtime {
    /// The auditor must be given a table.
    static constexpr bool needs_table = true;
    /// Prices `rec` from `ctx.table` unless it already has a cost or reports no tokens.
    static void price(audit_record& rec, const price_context& ctx) {
        if (ctx.table != nullptr) {
            price_if_unpriced(rec, *ctx.table);
        } else if (!rec.cost && !rec.usage.empty()) {
            detail::write_cost(rec, {}, {}, std::nullopt);
        }
    }
};

}  // namespace pricers

/// Deprecated: the former name of pricers (it collided with the policy
/// member `pricing`). New code names pricers.
namespace pricing = pricers;

namespace detail {

/// True if pricing policy P declares that it needs a run-time table.
template <class P>
inline constexpr bool pricer_needs_table = [] {
    if constexpr (requires { P::needs_table; }) return static_cast<bool>(P::needs_table);
    else return false;
}();

/// Instantiated where a policy's pricing is used: one readable message per
/// broken requirement.
template <class P>
struct pricing_requirements {
    static_assert(!std::is_same_v<P, pricers::price> && !std::is_same_v<P, pricers::per_million>,
                  "aitrail: Policy::pricing is a pricing policy, not a price: put prices in a table, "
                  "aitrail::pricers::table<aitrail::pricers::id<\"my-prices-v1\">, "
                  "aitrail::pricers::entry<\"model\", aitrail::pricers::per_million{.input = \"3\", .output = \"15\"}>>");
    static_assert(!std::is_same_v<P, pricers::price_table>,
                  "aitrail: Policy::pricing cannot be aitrail::pricers::price_table: use aitrail::pricers::runtime "
                  "and give the loaded price_table to the auditor");
    static_assert(pricer<P>,
                  "aitrail: Policy::pricing must meet aitrail::pricer: a type with "
                  "'static void price(aitrail::audit_record&, const aitrail::price_context&)'; use "
                  "aitrail::pricers::none, aitrail::pricers::runtime or aitrail::pricers::table<...>");
    static constexpr bool value = true;
};

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
