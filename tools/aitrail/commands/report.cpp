// `aitrail report NAME`: the questions auditors ask of a trail (daily cost
// by user, error rate by model, anomalies, a model's usage, a user's
// data...), each answered by one pass over any trail, as a table, JSON,
// JSON lines or CSV.

#include "commands.hpp"

#include "../common/filters.hpp"
#include "../common/trail_source.hpp"

#include <aitrail/integrity/key_source.hpp>
#include <aitrail/read/reports.hpp>
#include <aitrail/read/result_table.hpp>

#include <algorithm>    // find, replace
#include <cstdio>       // printf
#include <iostream>     // cout
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail_cli {

namespace {

namespace reports = aitrail::reports;

/// A report the command knows: its name, what it answers, the report
/// options it takes.
struct report_entry {
    std::string_view name;
    std::string_view summary;
    std::vector<std::string_view> options;
};

/// Every report, in the order --list prints them.
const std::vector<report_entry>& report_catalog() {
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

const report_entry* find_report(std::string name) {
    std::replace(name.begin(), name.end(), '-', '_');
    for (const auto& r : report_catalog())
        if (r.name == name) return &r;
    return nullptr;
}

/// Every report option, for checking that the ones given apply.
constexpr std::string_view report_options[] = {"--by",          "--sigma", "--window-days", "--min-samples", "--factor",
                                               "--min-spend-usd", "--only", "--no-content",  "--no-verify",   "--key-file"};

/// What `aitrail report` is asked.
struct report_settings {
    CLI::App* command = nullptr;  ///< to see which report options were given
    std::string name;
    bool list = false;
    std::string trail;
    aitrail::record_filter filter;
    aitrail::table_format format = aitrail::table_format::table;
    std::string by;
    reports::anomaly_options anomaly;
    reports::data_access_options access;
    reports::health_options health;
    std::string key_file;
    bool no_content = false, no_verify = false;
    std::string only;
};

int run_report(report_settings& s) {
    constexpr std::string_view cmd = "report";
    if (s.list) {
        for (const auto& r : report_catalog())
            std::printf("%-20.*s %.*s\n", static_cast<int>(r.name.size()), r.name.data(),
                        static_cast<int>(r.summary.size()), r.summary.data());
        return ok;
    }
    if (s.name.empty()) return usage(cmd, "report needs a NAME (aitrail report --list shows them)");
    const report_entry* report = find_report(s.name);
    if (report == nullptr) return usage(cmd, "unknown report '" + s.name + "' (aitrail report --list shows them)");
    for (std::string_view option : report_options)
        if (s.command->count(std::string(option)) > 0 &&
            std::find(report->options.begin(), report->options.end(), option) == report->options.end())
            return usage(cmd, "option " + std::string(option) + " does not apply to report " + std::string(report->name));
    if (!s.by.empty()) {
        if (report->name == "spend_by") {
            if (!reports::parse_spend_dimension(s.by))
                return usage(cmd, "--by: '" + s.by + "' is not tag, team, model, user or kind");
        } else if (s.by == "user" || s.by == "model") {
            s.anomaly.jump_by = s.by == "user" ? reports::jump_subject::user : reports::jump_subject::model;
        } else {
            return usage(cmd, "--by: '" + s.by + "' is not user or model");
        }
    }
    if (!s.only.empty()) {
        s.anomaly.tokens = s.only == "tokens";
        s.anomaly.cost_jumps = s.only == "cost_jumps";
    }
    s.access.include_content = !s.no_content;
    s.health.verify = !s.no_verify;
    if (s.trail.empty()) return usage(cmd, "report needs --trail SPEC");
    if (auto problem = filter_problem(s.filter)) return usage(cmd, *problem);
    if (report->name == "model_usage" && s.filter.model.empty())
        return usage(cmd, "model_usage needs --model M (the model to report on)");
    if (report->name == "data_access" && s.filter.user.empty())
        return usage(cmd, "data_access needs --user U (the data subject)");

    if (!s.key_file.empty()) s.health.checking.key = aitrail::read_key_file(s.key_file);
    const auto source = trail_source::open(s.trail);
    aitrail::result_table table;
    const std::string_view name = report->name;
    const auto& filter = s.filter;
    if (name == "cost_by_user_day") table = reports::cost_by_user_day(source, filter);
    else if (name == "spend_by")
        table = reports::spend_by(source, *reports::parse_spend_dimension(s.by.empty() ? "model" : s.by), filter);
    else if (name == "error_rate_by_model") table = reports::error_rate_by_model(source, filter);
    else if (name == "latency_by_model") table = reports::latency_by_model(source, filter);
    else if (name == "model_usage") table = reports::model_usage(source, filter.model, filter);
    else if (name == "data_access") table = reports::data_access(source, filter.user, filter, s.access);
    else if (name == "anomalies") table = reports::anomalies(source, filter, s.anomaly);
    else if (name == "trail_health") table = reports::trail_health(source, filter, s.health);
    aitrail::print_table(std::cout, table, s.format);
    std::cout.flush();
    if (name == "trail_health" && !reports::health_ok(table)) return found_problems;
    return ok;
}

}  // namespace

runner add_report(CLI::App& app) {
    const auto [cmd, s] = add_command<report_settings>(
        app, "report",
        "Cost by user and day, spend, error rates, latency, model usage, a user's data, anomalies, trail health",
        footer("  aitrail report --list\n"
               "  aitrail report cost_by_user_day --trail trails/app --since 2026-11-01 --format csv\n"
               "  aitrail report spend_by --by team --trail sqlite:audit.db --format json\n"
               "  aitrail report anomalies --trail trails/app --sigma 2.5 --window-days 14",
               "exit status: 0 ok, 1 trail_health finds the trail does not verify, 2 usage or I/O error"));
    s->command = cmd;
    cmd->add_option("NAME", s->name,
                    "the report: cost_by_user_day, spend_by, error_rate_by_model, latency_by_model, model_usage "
                    "(needs --model M), data_access (needs --user U), anomalies, trail_health");
    cmd->add_flag("--list", s->list, "list the reports and what each answers");
    add_trail(*cmd, s->trail, "the trail: DIR | sqlite:FILE | postgres:CONNINFO | postgresql://URI");
    add_format(*cmd, s->format, "table; json: title, columns, rows, notes; jsonl: one row per line");
    add_filter_options(*cmd, s->filter);
    const std::string group = "Report options";
    cmd->add_option("--by", s->by, "spend_by: tag | team | model (default) | user | kind; anomalies: cost jumps per user "
                                   "(default) | model")
        ->type_name("D")
        ->group(group);
    const auto positive_hundredths = [](const std::string& flag, const std::string& v) {
        return parse_decimal(flag, v, 2, 1, 100000, "a positive number up to 1000 with at most 2 decimals");
    };
    add_parsed(*cmd, "--sigma", s->anomaly.sigma_hundredths,
               "anomalies: input tokens over mean + K sigma (default 3; up to 2 decimals)", positive_hundredths)
        ->type_name("K")
        ->group(group);
    add_parsed(*cmd, "--window-days", s->anomaly.window_days, "anomalies: the trailing window, in days (default 7)",
               [](const std::string& flag, const std::string& v) { return static_cast<int>(parse_integer(flag, v, 1, 366)); })
        ->type_name("N")
        ->group(group);
    add_parsed(*cmd, "--min-samples", s->anomaly.min_samples,
               "anomalies: least baseline records for a token judgement (default 30)",
               [](const std::string& flag, const std::string& v) { return parse_integer(flag, v, 2, 1'000'000'000); })
        ->type_name("N")
        ->group(group);
    add_parsed(*cmd, "--factor", s->anomaly.factor_hundredths,
               "anomalies: a day's spend over F x the window's daily mean (default 3)", positive_hundredths)
        ->type_name("F")
        ->group(group);
    add_parsed(*cmd, "--min-spend-usd", s->anomaly.min_spend_nanos,
               "anomalies: least spend of a cost-jump day (default 1)", parse_money)
        ->type_name("X")
        ->group(group);
    add_parsed(*cmd, "--only", s->only, "anomalies: one check only, tokens or cost_jumps",
               [](const std::string& flag, const std::string& v) {
                   if (v != "tokens" && v != "cost_jumps") refuse(flag, v, "tokens or cost_jumps");
                   return v;
               })
        ->type_name("CHECK")
        ->group(group);
    cmd->add_flag("--no-content", s->no_content, "data_access: metadata only, without the stored bodies")->group(group);
    cmd->add_flag("--no-verify", s->no_verify, "trail_health: skip the chain verification")->group(group);
    cmd->add_option("--key-file", s->key_file, "trail_health: the key of a keyed trail (hasher hmac-sha256)")
        ->type_name("FILE")
        ->group(group);
    return [s] { return run_report(*s); };
}

}  // namespace aitrail_cli
