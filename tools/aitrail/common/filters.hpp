#pragma once
// The record filter options shared by the read commands (query, tail,
// report): times, ids, users, models, kinds, statuses, tags and floors.
//
//   --since T, --until T      RFC 3339 UTC (2026-11-01T00:00:00Z), a date
//                             (2026-11-01, midnight UTC), or an age before
//                             now: 30s, 30m, 24h, 7d, 2w
//   --id ID                   repeatable: any of the ids
//   --user U  --model M  --model-version V  --kind K  --tag T
//   --status ok|error|blocked
//   --min-latency-ms N        up to 3 decimals (microseconds)
//   --min-cost-usd X          up to 9 decimals (nano-USD)
//
// Text values ending in '*' match by prefix (see aitrail::record_filter).

#include "cli_common.hpp"

#include <aitrail/read/query.hpp>
#include <aitrail/record/timestamp.hpp>

#include <optional>  // optional
#include <string>    // string

namespace aitrail_cli {

/// Adds the filter options to `app`, filling `filter` as they are parsed.
inline void add_filter_options(CLI::App& app, aitrail::record_filter& filter) {
    const std::string group = "Filters (all must hold; text values ending in '*' match by prefix)";
    const auto text = [&](const std::string& name, std::string& target, const std::string& description) {
        add_parsed(app, name, target, description, [](const std::string& flag, const std::string& value) {
            if (value.empty()) throw CLI::ValidationError(flag + " needs a non-empty value");
            return value;
        })->group(group);
    };
    add_parsed(app, "--since", filter.since, "records at or after T: RFC 3339, a date (2026-11-01), or an age (30m, 24h, 7d)",
               [](const std::string& flag, const std::string& value) { return std::optional(parse_time(flag, value)); })
        ->type_name("T")
        ->group(group);
    add_parsed(app, "--until", filter.until, "records before T (same forms as --since)",
               [](const std::string& flag, const std::string& value) { return std::optional(parse_time(flag, value)); })
        ->type_name("T")
        ->group(group);
    app.add_option("--id", filter.ids, "a record id (repeatable: any of them)")
        ->type_name("ID")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->group(group);
    text("--user", filter.user, "the user");
    text("--model", filter.model, "the model name");
    text("--model-version", filter.model_version, "the model version");
    text("--kind", filter.kind, "the record kind (llm.call, ml.prediction...)");
    text("--tag", filter.tag, "a tag the record carries");
    add_parsed(app, "--status", filter.status, "ok, error or blocked",
               [](const std::string& flag, const std::string& value) {
                   if (value != "ok" && value != "error" && value != "blocked" && !value.ends_with('*'))
                       refuse(flag, value, "a status (ok, error or blocked)");
                   return value;
               })
        ->type_name("S")
        ->group(group);
    add_parsed(app, "--min-latency-ms", filter.min_latency_us, "latency at least N ms (up to 3 decimals)",
               [](const std::string& flag, const std::string& value) {
                   return std::optional(
                       parse_decimal(flag, value, 3, 0, INT64_MAX, "a number of milliseconds (up to 3 decimals)"));
               })
        ->type_name("N")
        ->group(group);
    add_parsed(app, "--min-cost-usd", filter.min_cost_nanos_usd,
               "cost at least X USD (up to 9 decimals; records of unknown cost never match)",
               [](const std::string& flag, const std::string& value) { return std::optional(parse_money(flag, value)); })
        ->type_name("X")
        ->group(group);
}

/// Checks what single options cannot: an empty time range.
inline std::optional<std::string> filter_problem(const aitrail::record_filter& filter) {
    if (filter.since && filter.until && *filter.since >= *filter.until)
        return "--until (" + aitrail::to_rfc3339(*filter.until) + ") must be after --since (" +
               aitrail::to_rfc3339(*filter.since) + ")";
    return std::nullopt;
}

}  // namespace aitrail_cli
