#pragma once
/// @file model_match.hpp
/// Which key of a price table a model id is priced under. Providers report
/// the same model under several spellings (a dated snapshot, a routing
/// prefix, a Vertex "@" version), and a table lists each model once. The
/// rules are deliberately few and exact (docs/pricing.md, "Model ids"):
///
/// 1. the id as given                          "claude-sonnet-4-20250514"
/// 2. without a leading "anthropic/" or "openai/"   "openai/gpt-4o" -> "gpt-4o"
/// 3. then without an "@..." version suffix    "claude-sonnet-4@20250514" -> "claude-sonnet-4"
/// 4. then without a date suffix "-YYYYMMDD" or "-YYYY-MM-DD"
///                                             "gpt-4o-2024-08-06" -> "gpt-4o"
///
/// The first candidate that is a key wins, so a table may still price one
/// snapshot apart ("gpt-4o-2024-05-13") by listing it. There is no prefix or
/// family matching: "gpt-4o-mini" never falls back to "gpt-4o", and an id
/// that matches no key is priced "unknown", never 0.

#include <aitrail/config.hpp>
#include <aitrail/policy/pricing/price.hpp>

#include <array>        // array
#include <cstddef>      // size_t
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace detail {

/// Provider prefixes stripped by rule 2: the providers whose ids the shipped
/// tables list. Others are kept, since another provider's "gpt-4o" may be
/// priced differently; a table can list "azure/gpt-4o" itself.
inline constexpr std::array<std::string_view, 2> stripped_provider_prefixes = {"anthropic/", "openai/"};

constexpr bool all_digits(std::string_view s) noexcept {
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return !s.empty();
}

/// True for a month 01-12 and a day 01-31 given as two digits each.
constexpr bool plausible_month_day(std::string_view mm, std::string_view dd) noexcept {
    if (!all_digits(mm) || !all_digits(dd) || mm.size() != 2 || dd.size() != 2) return false;
    const int m = (mm[0] - '0') * 10 + (mm[1] - '0');
    const int d = (dd[0] - '0') * 10 + (dd[1] - '0');
    return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/// `id` without a trailing "-YYYYMMDD" or "-YYYY-MM-DD"; `id` itself if it
/// has neither. A plain 4-digit suffix ("gpt-4-0613") is a different model
/// and is kept.
constexpr std::string_view strip_date_suffix(std::string_view id) noexcept {
    if (id.size() > 9 && id[id.size() - 9] == '-') {  // -YYYYMMDD
        const auto date = id.substr(id.size() - 8);
        if (all_digits(date) && plausible_month_day(date.substr(4, 2), date.substr(6, 2)))
            return id.substr(0, id.size() - 9);
    }
    if (id.size() > 11 && id[id.size() - 11] == '-') {  // -YYYY-MM-DD
        const auto date = id.substr(id.size() - 10);
        if (all_digits(date.substr(0, 4)) && date[4] == '-' && date[7] == '-' &&
            plausible_month_day(date.substr(5, 2), date.substr(8, 2)))
            return id.substr(0, id.size() - 11);
    }
    return id;
}

}  // namespace detail

namespace pricers {

/// The keys a model id is looked up under, most specific first (at most 4,
/// all views into the id, no duplicates).
struct model_candidates {
    std::array<std::string_view, 4> names{};  ///< the candidates; the first `count` are used
    std::size_t count = 0;                    ///< how many

    /// First candidate.
    constexpr const std::string_view* begin() const noexcept { return names.data(); }
    /// Past the last candidate.
    constexpr const std::string_view* end() const noexcept { return names.data() + count; }
};

/// The candidate keys of `model_id`, in the order they are tried (see the
/// rules at the top of this file). Empty for an empty id.
constexpr model_candidates candidate_keys(std::string_view model_id) noexcept {
    model_candidates out;
    auto add = [&](std::string_view name) {
        if (!name.empty() && (out.count == 0 || out.names[out.count - 1] != name)) out.names[out.count++] = name;
    };
    std::string_view id = model_id;
    add(id);
    for (std::string_view prefix : detail::stripped_provider_prefixes)
        if (id.starts_with(prefix)) {
            id.remove_prefix(prefix.size());
            break;
        }
    add(id);
    if (const auto at = id.find('@'); at != std::string_view::npos) id = id.substr(0, at);
    add(id);
    add(detail::strip_date_suffix(id));
    return out;
}

/// A model found in a price table: the key it was found under and its rates.
struct model_match {
    std::string_view key;  ///< the table's key (lives as long as the table)
    price rates;           ///< the model's prices
    friend constexpr bool operator==(const model_match&, const model_match&) = default;
};

}  // namespace pricers
}  // namespace v1
}  // namespace aitrail
