#pragma once
/// @file record_cost.hpp
/// Writing a cost into a record, with its provenance. A priced record holds
///
///     "cost": {"nanos_usd": 11475000, "pricing": "<table id>"}
///     "meta": {"cost_provenance": {"table": "<table id>", "digest": "<64 hex>", "model": "<key>"}}
///
/// so an auditor can tell which prices produced the number, and anyone with
/// the price file can recompute it from `usage` (reprice()). When there is no
/// number, nanos_usd is null and `pricing` says why, never a silent 0:
/// "unknown" (model not in the table, or no table), "invalid_usage"
/// (counts missing or inconsistent), "overflow" (beyond 2^53 nano-USD).

#include <aitrail/config.hpp>
#include <aitrail/policy/pricing/cost.hpp>
#include <aitrail/policy/pricing/model_match.hpp>
#include <aitrail/record/audit_record.hpp>

#include <nlohmann/json.hpp>

#include <concepts>     // convertible_to, same_as
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace pricers {

/// Values of cost.pricing when nanos_usd is null. Table ids may not take
/// these names, so a reader can tell a reason from a table.
namespace unpriced {
/// The model is not in the table, the record names no model, or no table was given.
inline constexpr std::string_view unknown = "unknown";
/// The token counts are missing, negative or inconsistent (see cost_of()).
inline constexpr std::string_view invalid_usage = "invalid_usage";
/// The cost is above 2^53 nano-USD (about 9 million USD for one call).
inline constexpr std::string_view overflow = "overflow";
/// True if `id` is one of the reserved names above.
constexpr bool is_reserved(std::string_view id) noexcept {
    return id == unknown || id == invalid_usage || id == overflow;
}
}  // namespace unpriced

/// Member of audit_record::meta that holds where a cost came from.
inline constexpr std::string_view provenance_key = "cost_provenance";

/// A price table as reprice() and the pricing policies use it: an id, the
/// SHA-256 of its document, and a lookup by model id.
///
/// | Expression    | Type                         | Semantics                                      |
/// |---------------|------------------------------|------------------------------------------------|
/// | `t.id()`      | convertible to `string_view` | the table's id, written to cost.pricing        |
/// | `t.digest()`  | convertible to `string_view` | lowercase hex SHA-256 of JCS(table document)   |
/// | `t.find(m)`   | `std::optional<model_match>` | the entry model id `m` is priced under, if any |
template <class T>
concept price_source = requires(const T& t, std::string_view model) {
    { t.id() } -> std::convertible_to<std::string_view>;
    { t.digest() } -> std::convertible_to<std::string_view>;
    { t.find(model) } -> std::same_as<std::optional<model_match>>;
};

}  // namespace pricers

namespace detail {

inline constexpr std::string_view problem_model_not_in_table = "no key of the price table matches the model id";
inline constexpr std::string_view problem_no_table = "no price table was given";

/// Sets rec.cost and meta.cost_provenance. `table_id` empty means no table.
inline void write_cost(audit_record& rec, std::string_view table_id, std::string_view digest,
                       const std::optional<pricers::model_match>& match) {
    nlohmann::json provenance = nlohmann::json::object();
    if (!table_id.empty()) {
        provenance["table"] = table_id;
        provenance["digest"] = digest;
    }
    cost_info cost;
    if (table_id.empty()) {
        cost.pricing = pricers::unpriced::unknown;
        provenance["problem"] = problem_no_table;
    } else if (!match) {
        cost.pricing = pricers::unpriced::unknown;
        provenance["problem"] = problem_model_not_in_table;
    } else {
        provenance["model"] = match->key;
        const auto outcome = pricers::cost_of(rec.usage, match->rates);
        switch (outcome.status) {
            case pricers::cost_status::ok:
                cost.nanos_usd = outcome.nanos_usd;
                cost.pricing = table_id;
                break;
            case pricers::cost_status::overflow: cost.pricing = pricers::unpriced::overflow; break;
            case pricers::cost_status::invalid_usage: cost.pricing = pricers::unpriced::invalid_usage; break;
            // Tables refuse such prices when they are built; kept for a hand-made price_source.
            case pricers::cost_status::invalid_price: cost.pricing = pricers::unpriced::unknown; break;
        }
        if (!outcome.ok()) provenance["problem"] = outcome.problem;
    }
    rec.cost = std::move(cost);
    // meta is the user's; provenance goes in only where it cannot clobber anything.
    if (rec.meta.is_null()) rec.meta = nlohmann::json::object();
    if (rec.meta.is_object()) rec.meta[std::string(pricers::provenance_key)] = std::move(provenance);
}

}  // namespace detail

namespace pricers {

/// Prices `rec` from `rec.usage` and `table`, replacing any cost it had
/// (and its meta.cost_provenance). A record that reports no token count is
/// left as it is: there is nothing to price. Returns true if it wrote a cost.
/// For re-pricing a stored trail with another price list, or checking one.
template <price_source Table>
bool reprice(audit_record& rec, const Table& table) {
    if (rec.usage.empty()) return false;
    detail::write_cost(rec, table.id(), table.digest(), table.find(rec.model.name));
    return true;
}

/// What the pricing policies do: as reprice(), except that a cost already
/// in the record (set by the caller, say from a provider's invoice) is kept.
template <price_source Table>
bool price_if_unpriced(audit_record& rec, const Table& table) {
    if (rec.cost) return false;
    return reprice(rec, table);
}

}  // namespace pricers
}  // namespace v1
}  // namespace aitrail
