#pragma once
/// @file cost.hpp
/// Where the money goes: cost per user and UTC day ("daily cost by
/// user"), and spend grouped by tag, team, model, user or kind. Costs are
/// summed in integer nano-USD and printed with usd(); a record whose cost is
/// unknown (priced, but nanos_usd null) is counted apart, never as $0.
/// @code
/// auto t = aitrail::reports::cost_by_user_day(aitrail::jsonl_directory{"audit/"},
///                                             {.since = aitrail::detail::now_utc() - std::chrono::days{30}});
/// aitrail::print_table(std::cout, t, aitrail::table_format::table);
/// @endcode

#include <aitrail/config.hpp>
#include <aitrail/read/query.hpp>
#include <aitrail/record/record_view.hpp>
#include <aitrail/read/reports/common.hpp>
#include <aitrail/read/result_table.hpp>

#include <algorithm>    // sort, find
#include <cstdint>      // int64_t
#include <functional>   // less
#include <map>          // map
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view
#include <tuple>        // tie
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {
namespace reports {

/// Cost per user and UTC day: user, day, requests, input_tokens,
/// output_tokens, cost_usd (sum of known costs; null when none was known),
/// unknown_cost (records priced with an unknown cost), avg_latency_ms (mean
/// of the reported latencies). Rows by cost_usd descending, then user and
/// day ascending. A record without a user is grouped under a null user.
template <line_source S>
result_table cost_by_user_day(const S& source, const record_filter& filter = {}) {
    std::map<std::string, std::map<std::string, spend_totals, std::less<>>, std::less<>> groups;
    std::string buffer;
    query(source, filter, [&](const record_view& r) {
        detail::entry(detail::entry(groups, detail::key_text(r.user, buffer)), day_of(r.ts)).add(r);
    });
    struct row {
        const std::string* user;
        const std::string* day;
        const spend_totals* totals;
    };
    std::vector<row> rows;
    for (const auto& [user, days] : groups)
        for (const auto& [day, totals] : days) rows.push_back({&user, &day, &totals});
    std::sort(rows.begin(), rows.end(), [](const row& a, const row& b) {
        if (a.totals->cost_nanos != b.totals->cost_nanos) return a.totals->cost_nanos > b.totals->cost_nanos;
        return std::tie(*a.user, *a.day) < std::tie(*b.user, *b.day);
    });
    result_table t;
    t.title = "Daily cost by user";
    t.columns = {"user", "day", "requests", "input_tokens", "output_tokens", "cost_usd", "unknown_cost", "avg_latency_ms"};
    for (const auto& r : rows) {
        const auto& s = *r.totals;
        t.rows.push_back({detail::text_or_null(*r.user), *r.day, s.requests, s.input_tokens, s.output_tokens, s.cost_usd(),
                          s.unknown_cost, detail::mean_ms(s.latency_sum_us, s.timed)});
    }
    t.notes.push_back("days are UTC; cost_usd sums known costs, unknown_cost counts records priced without a known cost");
    return t;
}

/// What spend_by() groups records by.
enum class spend_dimension {
    tag,    ///< each tag of the record (a record counts once per distinct tag)
    team,   ///< tags of the form "team:X", grouped by X
    model,  ///< rec.model.name
    user,   ///< rec.user
    kind,   ///< rec.kind
};

/// "tag", "team", "model", "user" or "kind".
constexpr std::string_view to_string(spend_dimension d) noexcept {
    switch (d) {
        case spend_dimension::tag: return "tag";
        case spend_dimension::team: return "team";
        case spend_dimension::model: return "model";
        case spend_dimension::user: return "user";
        case spend_dimension::kind: return "kind";
    }
    return "model";
}

/// Parses a dimension name; nullopt for anything else.
constexpr std::optional<spend_dimension> parse_spend_dimension(std::string_view s) noexcept {
    if (s == "tag") return spend_dimension::tag;
    if (s == "team") return spend_dimension::team;
    if (s == "model") return spend_dimension::model;
    if (s == "user") return spend_dimension::user;
    if (s == "kind") return spend_dimension::kind;
    return std::nullopt;
}

/// Spend grouped by `by`: <dimension> (null for records without one, e.g.
/// untagged), requests, input_tokens, output_tokens, cost_usd, unknown_cost,
/// share (percent of the total known cost of all matching records, each
/// counted once; with tag and team a record counts in each of its groups, so
/// shares may add up to more than 100). Rows by cost_usd descending, then
/// the group ascending, the null group last.
template <line_source S>
result_table spend_by(const S& source, spend_dimension by, const record_filter& filter = {}) {
    std::map<std::string, spend_totals, std::less<>> groups;
    spend_totals none, total;
    std::string buffer;
    std::vector<std::string> seen;  // this record's groups, to count it once per group
    query(source, filter, [&](const record_view& r) {
        total.add(r);
        std::string_view key;
        switch (by) {
            case spend_dimension::model: key = r.model_name; break;
            case spend_dimension::user: key = r.user; break;
            case spend_dimension::kind: key = r.kind; break;
            case spend_dimension::tag:
            case spend_dimension::team: {
                seen.clear();
                r.for_each_tag([&](std::string_view escaped) {
                    std::string tag = text(escaped);
                    if (by == spend_dimension::team) {
                        if (!tag.starts_with("team:")) return;
                        tag.erase(0, 5);
                    }
                    if (std::find(seen.begin(), seen.end(), tag) == seen.end()) seen.push_back(std::move(tag));
                });
                if (seen.empty()) none.add(r);
                for (const auto& g : seen) detail::entry(groups, g).add(r);
                return;
            }
        }
        if (key.empty()) none.add(r);
        else detail::entry(groups, detail::key_text(key, buffer)).add(r);
    });
    std::vector<std::pair<const std::string*, const spend_totals*>> rows;
    for (const auto& [key, totals] : groups) rows.emplace_back(&key, &totals);
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        return a.second->cost_nanos > b.second->cost_nanos;  // ties keep the key order of the map
    });
    result_table t;
    t.title = "Spend by " + std::string(to_string(by));
    t.columns = {std::string(to_string(by)), "requests", "input_tokens", "output_tokens", "cost_usd", "unknown_cost", "share"};
    const auto add = [&](cell key, const spend_totals& s) {
        t.rows.push_back({std::move(key), s.requests, s.input_tokens, s.output_tokens, s.cost_usd(), s.unknown_cost,
                          detail::share(s.cost_nanos, total.cost_nanos)});
    };
    for (const auto& [key, totals] : rows) add(cell{*key}, *totals);
    if (none.requests > 0) add(cell{}, none);
    t.notes.push_back("total: " + std::to_string(total.requests) + " records, cost " +
                      (total.priced > 0 ? usd(total.cost_nanos).str() : std::string("unknown")) + " USD known, " +
                      std::to_string(total.unknown_cost) + " unknown");
    if (by == spend_dimension::tag || by == spend_dimension::team)
        t.notes.push_back("a record with several " + std::string(to_string(by)) +
                          "s counts in each: shares may add up to more than 100");
    return t;
}

}  // namespace reports
}  // namespace v1
}  // namespace aitrail
