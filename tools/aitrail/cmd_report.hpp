#pragma once
// `aitrail report NAME`: the questions auditors and the seeds ask of a trail
// (daily cost by user, error rate by model, anomalies, a model's usage, a
// user's data...), each answered by one pass over any trail, as a table,
// JSON, JSON lines or CSV.

#include "cli.hpp"
#include "filter_args.hpp"
#include "trail_source.hpp"

#include <aitrail/integrity/key_source.hpp>
#include <aitrail/read/reports.hpp>
#include <aitrail/read/result_table.hpp>

#include <algorithm>    // replace
#include <cstdio>       // printf, fprintf
#include <exception>    // exception
#include <iostream>     // cout
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail_cli {

inline constexpr std::string_view report_usage =
    "usage: aitrail report NAME --trail SPEC [filters] [--format table|json|jsonl|csv] [report options]\n"
    "       aitrail report --list\n"
    "  --trail SPEC   DIR | sqlite:FILE | postgres:CONNINFO | postgresql://URI\n"
    "  --format F     table (default), json (title, columns, rows, notes), jsonl (one row per line) or csv\n"
    "reports (aitrail report --list describes them):\n"
    "  cost_by_user_day  spend_by  error_rate_by_model  latency_by_model\n"
    "  model_usage  data_access  anomalies  trail_health\n"
    "report options:\n"
    "  --by D              spend_by: tag | team | model (default) | user | kind\n"
    "                      anomalies: cost jumps per user (default) | model\n"
    "  --sigma K           anomalies: input tokens over mean + K sigma (default 3; up to 2 decimals)\n"
    "  --window-days N     anomalies: the trailing window, in days (default 7)\n"
    "  --min-samples N     anomalies: least baseline records for a token judgement (default 30)\n"
    "  --factor F          anomalies: a day's spend over F x the window's daily mean (default 3)\n"
    "  --min-spend-usd X   anomalies: least spend of a cost-jump day (default 1)\n"
    "  --only tokens|cost_jumps   anomalies: one check only\n"
    "  --no-content        data_access: metadata only, without the stored bodies\n"
    "  --no-verify         trail_health: skip the chain verification\n"
    "  --key-file FILE     trail_health: the key of a keyed trail (hasher hmac-sha256)\n"
    "model_usage needs --model M; data_access needs --user U.\n"
    "exit status: 0, or 1 when trail_health finds the trail does not verify; 2 on usage or I/O errors\n";

/// A report the command knows: its name, what it answers, the report
/// options it takes.
struct report_entry {
    std::string_view name;
    std::string_view summary;
    std::vector<std::string_view> options;
};

/// Every report, in the order --list prints them.
inline const std::vector<report_entry>& report_catalog() {
    static const std::vector<report_entry> catalog = {
        {"cost_by_user_day", "requests, tokens, cost and mean latency per user and UTC day, costliest first", {}},
        {"spend_by", "requests, tokens, cost and share of the total per tag, team (tags team:X), model, user or kind",
         {"--by"}},
        {"error_rate_by_model", "total, errors, blocked, error rate and the commonest error type per model", {}},
        {"latency_by_model", "exact nearest-rank p50/p95/p99, max and mean latency per model, in ms", {}},
        {"model_usage", "one model (--model M): calls, unique users, errors, prediction and version distributions, "
                        "latency, first and last use",
         {}},
        {"data_access", "every record of one user (--user U) with its content where kept, totals and models used",
         {"--no-content"}},
        {"anomalies", "calls whose input tokens exceed mean + 3 sigma of the 7 days before; days whose spend jumps "
                      "over 3x the previous days' mean",
         {"--by", "--sigma", "--window-days", "--min-samples", "--factor", "--min-spend-usd", "--only"}},
        {"trail_health", "entries, kinds, time span, gaps, resumes, redactions, stripped content, unknown costs, "
                         "and whether the chain verifies",
         {"--no-verify", "--key-file"}},
    };
    return catalog;
}

namespace detail_report {

inline const report_entry* find_report(std::string name) {
    std::replace(name.begin(), name.end(), '-', '_');
    for (const auto& r : report_catalog())
        if (r.name == name) return &r;
    return nullptr;
}

inline void print_list() {
    for (const auto& r : report_catalog()) {
        std::printf("%-20.*s %.*s\n", static_cast<int>(r.name.size()), r.name.data(), static_cast<int>(r.summary.size()),
                    r.summary.data());
    }
}

/// A whole number in [low, high], or nullopt.
inline std::optional<std::int64_t> bounded_int(const std::string& value, std::int64_t low, std::int64_t high) {
    const auto n = parse_scaled_decimal(value, 0);
    if (!n || *n < low || *n > high) return std::nullopt;
    return n;
}

}  // namespace detail_report

inline int run_report(args a) {
    namespace reports = aitrail::reports;
    if (a.empty()) return usage("report needs a NAME (aitrail report --list shows them)", report_usage);
    const std::string first = a.next();
    if (first == "-h" || first == "--help") {
        std::printf("%.*s", static_cast<int>(report_usage.size()), report_usage.data());
        return ok;
    }
    if (first == "--list") {
        detail_report::print_list();
        return ok;
    }
    const report_entry* report = detail_report::find_report(first);
    if (report == nullptr)
        return usage("unknown report '" + first + "' (aitrail report --list shows them)", report_usage);

    aitrail::record_filter filter;
    std::string trail, error;
    auto format = aitrail::table_format::table;
    std::optional<std::string> by;
    reports::anomaly_options anomaly;
    reports::data_access_options access;
    reports::health_options health;
    while (!a.empty()) {
        const std::string arg = a.next();
        if (arg == "-h" || arg == "--help") {
            std::printf("%.*s", static_cast<int>(report_usage.size()), report_usage.data());
            return ok;
        }
        if (parse_filter_option(a, arg, filter, error)) {
            if (!error.empty()) return usage(error, report_usage);
            continue;
        }
        if (arg == "--trail" || arg == "--format") {
            if (a.empty()) return usage(arg + " needs a value", report_usage);
            const std::string value = a.next();
            if (arg == "--trail") {
                trail = value;
            } else {
                const auto f = aitrail::parse_table_format(value);
                if (!f) return usage("--format: '" + value + "' is not table, json, jsonl or csv", report_usage);
                format = *f;
            }
            continue;
        }
        const bool flag_only = arg == "--no-content" || arg == "--no-verify";
        const bool with_value = arg == "--by" || arg == "--sigma" || arg == "--window-days" || arg == "--min-samples" ||
                                arg == "--factor" || arg == "--min-spend-usd" || arg == "--only" || arg == "--key-file";
        if (!flag_only && !with_value) return usage("unknown option " + arg, report_usage);
        if (std::find(report->options.begin(), report->options.end(), arg) == report->options.end())
            return usage("option " + arg + " does not apply to report " + std::string(report->name), report_usage);
        if (arg == "--no-content") {
            access.include_content = false;
            continue;
        }
        if (arg == "--no-verify") {
            health.verify = false;
            continue;
        }
        if (a.empty()) return usage(arg + " needs a value", report_usage);
        const std::string value = a.next();
        const auto bad = [&](std::string_view what) {
            return usage(arg + ": '" + value + "' is not " + std::string(what), report_usage);
        };
        if (arg == "--by") {
            if (report->name == "spend_by") {
                if (!reports::parse_spend_dimension(value)) return bad("tag, team, model, user or kind");
            } else if (value == "user" || value == "model") {
                anomaly.jump_by = value == "user" ? reports::jump_subject::user : reports::jump_subject::model;
            } else {
                return bad("user or model");
            }
            by = value;
        } else if (arg == "--sigma" || arg == "--factor") {
            const auto n = parse_scaled_decimal(value, 2);
            if (!n || *n <= 0 || *n > 100000) return bad("a positive number up to 1000 with at most 2 decimals");
            (arg == "--sigma" ? anomaly.sigma_hundredths : anomaly.factor_hundredths) = *n;
        } else if (arg == "--window-days") {
            const auto n = detail_report::bounded_int(value, 1, 366);
            if (!n) return bad("a number of days from 1 to 366");
            anomaly.window_days = static_cast<int>(*n);
        } else if (arg == "--min-samples") {
            const auto n = detail_report::bounded_int(value, 2, 1'000'000'000);
            if (!n) return bad("a whole number of at least 2");
            anomaly.min_samples = *n;
        } else if (arg == "--min-spend-usd") {
            const auto n = parse_scaled_decimal(value, 9);
            if (!n) return bad("an amount of USD (up to 9 decimals)");
            anomaly.min_spend_nanos = *n;
        } else if (arg == "--only") {
            if (value != "tokens" && value != "cost_jumps") return bad("tokens or cost_jumps");
            anomaly.tokens = value == "tokens";
            anomaly.cost_jumps = value == "cost_jumps";
        } else if (arg == "--key-file") {
            try {
                health.checking.key = aitrail::read_key_file(value);
            } catch (const std::exception& e) {
                std::fprintf(stderr, "aitrail report: --key-file: %s\n", e.what());
                return usage_error;
            }
        }
    }
    if (trail.empty()) return usage("report needs --trail SPEC", report_usage);
    if (report->name == "model_usage" && filter.model.empty())
        return usage("model_usage needs --model M (the model to report on)", report_usage);
    if (report->name == "data_access" && filter.user.empty())
        return usage("data_access needs --user U (the data subject)", report_usage);

    try {
        const auto source = trail_source::open(trail);
        aitrail::result_table table;
        const std::string_view name = report->name;
        if (name == "cost_by_user_day") table = reports::cost_by_user_day(source, filter);
        else if (name == "spend_by")
            table = reports::spend_by(source, *reports::parse_spend_dimension(by.value_or("model")), filter);
        else if (name == "error_rate_by_model") table = reports::error_rate_by_model(source, filter);
        else if (name == "latency_by_model") table = reports::latency_by_model(source, filter);
        else if (name == "model_usage") table = reports::model_usage(source, filter.model, filter);
        else if (name == "data_access") table = reports::data_access(source, filter.user, filter, access);
        else if (name == "anomalies") table = reports::anomalies(source, filter, anomaly);
        else if (name == "trail_health") table = reports::trail_health(source, filter, health);
        aitrail::print_table(std::cout, table, format);
        std::cout.flush();
        if (name == "trail_health" && !reports::health_ok(table)) return found_problems;
        return ok;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "aitrail report: %s\n", e.what());
        return usage_error;
    }
}

}  // namespace aitrail_cli
