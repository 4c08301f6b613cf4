#pragma once
// What every aitrail command shares: exit codes, the one checked parser per
// kind of value (integers, decimals, money, durations, times, formats), the
// help footer, and how errors are printed ("aitrail <command>: ...").

#include <aitrail/read/filter_values.hpp>
#include <aitrail/read/result_table.hpp>
#include <aitrail/record/timestamp.hpp>

#include <CLI/CLI.hpp>

#include <chrono>       // milliseconds
#include <cstdint>      // int64_t
#include <cstdio>       // fprintf
#include <functional>   // function
#include <memory>       // shared_ptr, make_shared
#include <string>       // string
#include <string_view>  // string_view

namespace aitrail_cli {

/// Exit codes shared by every command.
enum exit_code : int { ok = 0, found_problems = 1, usage_error = 2 };

/// What a command's setup returns: runs the command once its options are parsed.
using runner = std::function<int()>;

/// The exit status lines of a command's help.
inline constexpr std::string_view exit_status_text =
    "exit status: 0 ok, 1 problems found, 2 usage or I/O error";

/// The help footer of a command: its examples, then `status` (what 0, 1
/// and 2 mean for it).
inline std::string footer(std::string_view examples, std::string_view status = exit_status_text) {
    return "\nexamples:\n" + std::string(examples) + "\n" + std::string(status) + "\n";
}

/// Prints "aitrail <command>: <message>" to stderr and returns usage_error.
inline int fail(std::string_view command, std::string_view message) {
    // The library's own errors start "aitrail: "; the command says it once.
    if (message.starts_with("aitrail: ")) message.remove_prefix(9);
    std::fprintf(stderr, "aitrail %.*s: %.*s\n", static_cast<int>(command.size()), command.data(),
                 static_cast<int>(message.size()), message.data());
    return usage_error;
}

/// As fail(), adding where to find the usage: for mistakes on the command line.
inline int usage(std::string_view command, std::string_view message) {
    fail(command, message);
    std::fprintf(stderr, "usage: aitrail %.*s [options] (see 'aitrail %.*s --help')\n", static_cast<int>(command.size()),
                 command.data(), static_cast<int>(command.size()), command.data());
    return usage_error;
}

/// Refuses `value` of `flag`: "--flag: 'value' is not <what>" (a parse error).
[[noreturn]] inline void refuse(const std::string& flag, const std::string& value, std::string_view what) {
    throw CLI::ValidationError(flag + ": '" + value + "' is not " + std::string(what));
}

// The parsers: each returns the value or refuses it naming the flag.

/// A whole number in [low, high].
inline std::int64_t parse_integer(const std::string& flag, const std::string& value, std::int64_t low, std::int64_t high) {
    const auto n = aitrail::parse_fixed_decimal(value, 0);
    if (!n || *n < low || *n > high) {
        if (high == INT64_MAX) refuse(flag, value, "a whole number of at least " + std::to_string(low));
        refuse(flag, value, "a whole number from " + std::to_string(low) + " to " + std::to_string(high));
    }
    return *n;
}

/// A decimal with at most `decimals` fraction digits, scaled by 10^decimals, in [low, high] (scaled).
inline std::int64_t parse_decimal(const std::string& flag, const std::string& value, int decimals, std::int64_t low,
                                  std::int64_t high, std::string_view what) {
    const auto n = aitrail::parse_fixed_decimal(value, decimals);
    if (!n || *n < low || *n > high) refuse(flag, value, what);
    return *n;
}

/// An amount of US dollars, exact to 9 decimals: nano-USD.
inline std::int64_t parse_money(const std::string& flag, const std::string& value) {
    const auto n = aitrail::parse_fixed_decimal(value, 9);
    if (!n) refuse(flag, value, "an amount of USD (digits, up to 9 decimals, like 0.25)");
    return *n;
}

/// A duration: a whole number in `unit` ("500"), or with a unit of its own:
/// ms, s, m, h ("250ms", "30s", "5m").
inline std::chrono::milliseconds parse_duration(const std::string& flag, const std::string& value,
                                                std::chrono::milliseconds unit, std::string_view unit_name) {
    using std::chrono::milliseconds;
    const auto fail_it = [&] {
        refuse(flag, value, "a duration (a whole number of " + std::string(unit_name) + ", or with a unit: 250ms, 30s, 5m, 1h)");
    };
    std::string_view text = value;
    std::int64_t scale = unit.count();
    if (text.ends_with("ms")) {
        scale = 1;
        text.remove_suffix(2);
    } else if (!text.empty() && (text.back() == 's' || text.back() == 'm' || text.back() == 'h')) {
        scale = text.back() == 's' ? 1000 : text.back() == 'm' ? 60'000 : 3'600'000;
        text.remove_suffix(1);
    }
    const auto n = aitrail::parse_fixed_decimal(text, 0);
    constexpr std::int64_t limit = 366LL * 86'400'000;  // a year: beyond it a typo, not a timeout
    if (!n || *n > limit / scale) fail_it();
    return milliseconds{*n * scale};
}

/// A time: RFC 3339, a date (midnight UTC), "now", or an age before now (30m, 24h, 7d).
inline aitrail::timestamp parse_time(const std::string& flag, const std::string& value) {
    const auto t = aitrail::parse_time_spec(value, aitrail::now_utc());
    if (!t)
        refuse(flag, value,
               "a time (RFC 3339 like 2026-11-01T00:00:00Z, a date like 2026-11-01, or an age before now like 30m, "
               "24h, 7d)");
    return *t;
}

/// An output format: table, json, jsonl or csv.
inline aitrail::table_format parse_format(const std::string& flag, const std::string& value) {
    const auto f = aitrail::parse_table_format(value);
    if (!f) refuse(flag, value, "a format (table, json, jsonl or csv)");
    return *f;
}

/// A listen address HOST:PORT (an IPv6 host in brackets, [::1]:8787; port 0
/// lets the system pick) written into the host and port of `settings`, the
/// servers' settings struct, keeping its other members.
template <class Settings>
Settings parse_listen(const std::string& flag, const std::string& value, Settings settings) {
    const auto colon = value.rfind(':');
    if (colon == std::string::npos || colon == 0) refuse(flag, value, "HOST:PORT");
    settings.host = value.substr(0, colon);
    if (settings.host.size() > 2 && settings.host.front() == '[' && settings.host.back() == ']')
        settings.host = settings.host.substr(1, settings.host.size() - 2);
    settings.port = static_cast<unsigned short>(parse_integer(flag, value.substr(colon + 1), 0, 65535));
    return settings;
}

/// Adds an option whose text `parse(flag, text)` turns into `target`: the
/// value is checked while the command line is parsed, so a bad one is a
/// usage error (exit 2) naming the flag.
template <class T, class Parse>
CLI::Option* add_parsed(CLI::App& app, const std::string& names, T& target, const std::string& description, Parse parse) {
    // The long name, for messages.
    std::string flag = names.substr(names.rfind(',') == std::string::npos ? 0 : names.rfind(',') + 1);
    return app.add_option_function<std::string>(
        names, [&target, parse, flag](const std::string& text) { target = parse(flag, text); }, description);
}

/// --trail SPEC (a JSONL directory or file, sqlite:FILE, postgres:CONNINFO).
inline CLI::Option* add_trail(CLI::App& app, std::string& target, const std::string& description) {
    return app.add_option("--trail", target, description)->type_name("SPEC");
}

/// --format table|json|jsonl|csv into `target`.
inline CLI::Option* add_format(CLI::App& app, aitrail::table_format& target, const std::string& default_text) {
    return add_parsed(app, "--format", target, "table, json, jsonl or csv (default " + default_text + ")", parse_format)
        ->type_name("FORMAT");
}

/// A new command `name` under `app`: later values of an option replace
/// earlier ones (as most tools do), and its help ends with `footer_text`.
inline CLI::App* add_command(CLI::App& app, const std::string& name, const std::string& description,
                             const std::string& footer_text) {
    auto* sub = app.add_subcommand(name, description);
    sub->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    sub->footer(footer_text);
    return sub;
}

/// A command as add_command() makes it, with the settings its options fill
/// in while the command line is parsed. The runner captures `settings` (a
/// shared_ptr), so they live until the command has run.
template <class Settings>
struct command_setup {
    CLI::App* cmd;                       ///< the command, to add its options to
    std::shared_ptr<Settings> settings;  ///< what those options write to
};

/// add_command(), with a fresh `Settings` for the command's options.
template <class Settings>
command_setup<Settings> add_command(CLI::App& app, const std::string& name, const std::string& description,
                                    const std::string& footer_text) {
    return {add_command(app, name, description, footer_text), std::make_shared<Settings>()};
}

}  // namespace aitrail_cli
