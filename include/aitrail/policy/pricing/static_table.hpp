#pragma once
/// @file static_table.hpp
/// A price table fixed at compile time, which is also a pricing policy:
/// @code
/// struct my_policy : aitrail::default_policy {
///     using pricing = aitrail::pricers::table<
///         aitrail::pricers::id<"my-prices-v1">,
///         aitrail::pricers::entry<"claude-sonnet-4", aitrail::pricers::per_million{.input = "3", .output = "15"}>,
///         aitrail::pricers::entry<"gpt-4o", aitrail::pricers::per_million{.input = "2.50", .output = "10"}>>;
/// };
/// @endcode
/// Mistakes (no id, a duplicate model, a price without input or output, a
/// price that is not exact) stop the build. The table's digest is that of
/// its document(), the same JSON a price file would hold: writing document()
/// to a file and loading it with price_table gives the same digest.

#include <aitrail/config.hpp>
#include <aitrail/detail/fixed_string.hpp>
#include <aitrail/detail/hex.hpp>
#include <aitrail/detail/openssl.hpp>
#include <aitrail/detail/policy/pricing_decimal.hpp>
#include <aitrail/integrity/jcs.hpp>
#include <aitrail/policy/pricing/model_match.hpp>
#include <aitrail/policy/pricing/price.hpp>
#include <aitrail/policy/pricing/pricer.hpp>
#include <aitrail/policy/pricing/record_cost.hpp>
#include <aitrail/record/audit_record.hpp>

#include <nlohmann/json.hpp>

#include <array>        // array
#include <cstddef>      // size_t
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace pricers {

/// Names a compile-time table; the name is written to cost.pricing.
template <aitrail::detail::fixed_string Name>
struct id {
    /// The table id.
    static constexpr std::string_view value = Name.view();
};

/// One model of a compile-time table: its key and its prices (a price, or
/// a per_million that converts to one).
template <aitrail::detail::fixed_string Key, price Rates>
struct entry {
    /// The model id it is priced under (see model_match.hpp).
    static constexpr std::string_view key = Key.view();
    /// Its prices in pico-USD per token.
    static constexpr price rates = Rates;
};

}  // namespace pricers

namespace detail {

template <class T>
inline constexpr bool is_pricing_id = false;
template <fixed_string Name>
inline constexpr bool is_pricing_id<pricers::id<Name>> = true;

template <class T>
inline constexpr bool is_pricing_entry = false;
template <fixed_string Key, pricers::price Rates>
inline constexpr bool is_pricing_entry<pricers::entry<Key, Rates>> = true;

/// One row of a compile-time table, as the lookup walks it.
struct static_price_row {
    std::string_view key;
    pricers::price rates;
};

template <class First, class... Rest>
struct first_of {
    using type = First;
};

/// The rows of table<Id, Entries...>, in the order written.
template <class Id, class... Entries>
inline constexpr std::array<static_price_row, sizeof...(Entries)> static_price_rows = {
    static_price_row{Entries::key, Entries::rates}...};

template <std::size_t N>
constexpr bool keys_unique(const std::array<static_price_row, N>& rows) {
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = i + 1; j < N; ++j)
            if (rows[i].key == rows[j].key) return false;
    return true;
}

/// The JSON a price file with the same prices would hold (minus as_of,
/// source and note), with each price in its shortest exact spelling.
template <std::size_t N>
nlohmann::json static_table_document(std::string_view id, const std::array<static_price_row, N>& rows) {
    nlohmann::json models = nlohmann::json::object();
    for (const auto& row : rows) {
        nlohmann::json m = {{"input", format_price_text(row.rates.input)},
                            {"output", format_price_text(row.rates.output)}};
        if (row.rates.cache_read != pricers::price::not_set) m["cache_read"] = format_price_text(row.rates.cache_read);
        if (row.rates.cache_write != pricers::price::not_set)
            m["cache_write"] = format_price_text(row.rates.cache_write);
        if (row.rates.reasoning != pricers::price::not_set) m["reasoning"] = format_price_text(row.rates.reasoning);
        models[std::string(row.key)] = std::move(m);
    }
    return {{"id", id}, {"currency", "USD"}, {"unit", "per_million_tokens"}, {"models", std::move(models)}};
}

}  // namespace detail

namespace pricers {

/// A compile-time price table and pricing policy: `table<id<"name">,
/// entry<"model", per_million{...}>...>`. Meets aitrail::pricer and price_source.
template <class... Parts>
struct table {
    static_assert(sizeof...(Parts) > 0 && detail::is_pricing_id<typename detail::first_of<Parts..., void>::type>,
                  "aitrail: pricers::table<...> starts with its id: "
                  "aitrail::pricers::table<aitrail::pricers::id<\"my-prices-v1\">, aitrail::pricers::entry<...>...>");

private:
    template <class Id, class... Entries>
    struct parts {
        static_assert((detail::is_pricing_entry<Entries> && ...),
                      "aitrail: after its id, pricers::table takes only "
                      "aitrail::pricers::entry<\"model\", aitrail::pricers::per_million{.input = \"3\", .output = \"15\"}>");
        static constexpr std::string_view name = Id::value;
        static constexpr auto rows = detail::static_price_rows<Id, Entries...>;
    };
    using split = parts<Parts...>;
    static constexpr auto& rows_ = split::rows;

    static constexpr bool rows_valid() {
        for (const auto& row : rows_)
            if (row.key.empty() || !row.rates.valid()) return false;
        return true;
    }
    static_assert(!split::name.empty(), "aitrail: pricers::id<\"...\"> must not be empty");
    static_assert(!unpriced::is_reserved(split::name),
                  "aitrail: \"unknown\", \"invalid_usage\" and \"overflow\" are reserved and cannot be a table id");
    static_assert(rows_valid(),
                  "aitrail: every pricers::entry needs a non-empty model id and at least .input and .output prices");
    static_assert(detail::keys_unique(rows_), "aitrail: a pricers::table lists the same model id twice");

public:
    /// A compile-time table prices from its own entries.
    static constexpr bool needs_table = false;

    /// The table id, written to cost.pricing.
    static constexpr std::string_view id() noexcept { return split::name; }
    /// Number of models.
    static constexpr std::size_t size() noexcept { return rows_.size(); }

    /// The entry `model_id` is priced under (see model_match.hpp), if any.
    static constexpr std::optional<model_match> find(std::string_view model_id) noexcept {
        for (std::string_view key : candidate_keys(model_id))
            for (const auto& row : rows_)
                if (row.key == key) return model_match{row.key, row.rates};
        return std::nullopt;
    }

    /// The table as a price-file JSON document.
    static nlohmann::json document() { return detail::static_table_document(split::name, rows_); }

    /// Lowercase hex SHA-256 of JCS(document()); computed once.
    static const std::string& digest() {
        static const std::string hex = detail::to_hex(detail::sha256_of({canonicalize(document())}));
        return hex;
    }

    /// The pricing policy: prices `rec` unless it already has a cost or reports no tokens.
    static void price(audit_record& rec, const price_context&) { price_if_unpriced(rec, table{}); }
};

}  // namespace pricers
}  // namespace v1
}  // namespace aitrail
