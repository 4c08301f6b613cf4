#pragma once
// `aitrail query` and `aitrail tail`: the records of a trail that match a
// filter, as a table, JSON, JSON lines (the entries verbatim, for jq) or CSV.
// Both stream: memory stays constant however large the trail.

#include "cli.hpp"
#include "filter_args.hpp"
#include "trail_source.hpp"

#include <aitrail/read/query.hpp>
#include <aitrail/read/result_table.hpp>
#include <aitrail/storage/jsonl_files.hpp>
#include <aitrail/storage/jsonl_reader.hpp>

#include <nlohmann/json.hpp>

#include <unistd.h>  // isatty

#include <chrono>    // milliseconds
#include <csignal>   // signal, SIGINT, SIGTERM
#include <cstdio>    // printf, fprintf, fflush
#include <cstdlib>   // strtoull
#include <deque>     // deque
#include <iostream>  // cout
#include <sstream>   // ostringstream
#include <string>    // string
#include <thread>    // sleep_for

namespace aitrail_cli {

inline constexpr std::string_view query_usage =
    "usage: aitrail query --trail SPEC [filters] [--format table|json|jsonl|csv] [--limit N] [--content]\n"
    "  --trail SPEC           DIR | sqlite:FILE | postgres:CONNINFO | postgresql://URI\n"
    "filters (all must hold; text values ending in '*' match by prefix):\n"
    "  --id ID                a record id (repeatable: any of them)\n"
    "  --since T, --until T   time range [since, until): RFC 3339, a date (2026-11-01),\n"
    "                         or a duration before now (30m, 24h, 7d)\n"
    "  --user U  --model M  --model-version V  --kind K  --status ok|error|blocked  --tag T\n"
    "  --min-latency-ms N     latency at least N ms\n"
    "  --min-cost-usd X       cost at least X USD (records of unknown cost never match)\n"
    "output:\n"
    "  --format F   table (default on a terminal), jsonl (the trail entries verbatim;\n"
    "               default otherwise), json (an array of records) or csv\n"
    "  --limit N    print at most N records (table: default 1000)\n"
    "  --content    json: include each record's content\n"
    "exit status: 0 (whether or not records matched), 2 on usage or I/O errors\n";

inline constexpr std::string_view tail_usage =
    "usage: aitrail tail --trail SPEC [-n N] [-f] [filters] [--format table|json|jsonl|csv]\n"
    "  -n N       the last N matching records (default 10)\n"
    "  -f         then keep printing records as they are written (Ctrl-C stops)\n"
    "  --interval MS  how often -f looks for new records (default 500)\n"
    "  filters as for 'aitrail query'\n";

namespace detail_query {

/// The columns query prints for table and CSV.
inline const std::vector<std::string>& record_columns() {
    static const std::vector<std::string> columns = {"ts",     "id",         "kind",         "user",
                                                      "model",  "status",     "latency_ms",   "input_tokens",
                                                      "output_tokens", "cost_usd"};
    return columns;
}

inline std::vector<aitrail::cell> record_row(const aitrail::record_view& r) {
    std::string model = aitrail::text(r.model_name);
    if (!r.model_version.empty()) model += "@" + aitrail::text(r.model_version);
    return {std::string(r.ts),
            aitrail::text(r.id),
            std::string(r.kind),
            aitrail::text(r.user),
            model,
            std::string(r.status),
            r.latency_us ? aitrail::decimal(*r.latency_us, 3) : aitrail::cell{},
            r.input_tokens,
            r.output_tokens,
            aitrail::usd(r.cost_nanos_usd)};
}

/// Prints matching records one by one in the chosen format.
class record_printer {
public:
    record_printer(aitrail::table_format format, bool with_content, std::uint64_t limit)
        : format_(format), with_content_(with_content), limit_(limit) {
        table_.columns = record_columns();
    }

    /// False once the limit is reached.
    bool add(const aitrail::record_view& r) {
        if (printed_ >= limit_) {
            ++omitted_;
            return format_ == aitrail::table_format::table;  // keep counting for the note
        }
        ++printed_;
        switch (format_) {
            case aitrail::table_format::jsonl:
                std::cout.write(r.line.data(), static_cast<std::streamsize>(r.line.size())) << '\n';
                break;
            case aitrail::table_format::json: {
                auto entry = nlohmann::json::parse(r.line);
                nlohmann::json out = {{"seq", entry["seq"]}, {"hash", entry["hash"]}, {"rec", entry["rec"]}};
                if (with_content_ && entry.contains("content")) out["content"] = entry["content"];
                std::cout << (printed_ == 1 ? "[\n" : ",\n")
                          << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
                break;
            }
            case aitrail::table_format::csv: {
                aitrail::result_table one;
                one.columns = table_.columns;
                one.rows.push_back(record_row(r));
                if (printed_ == 1) {
                    aitrail::print_table(std::cout, one, aitrail::table_format::csv);
                } else {
                    std::ostringstream s;
                    aitrail::print_table(s, one, aitrail::table_format::csv);
                    const auto text = s.str();
                    std::cout << text.substr(text.find("\r\n") + 2);
                }
                break;
            }
            case aitrail::table_format::table: table_.rows.push_back(record_row(r)); break;
        }
        return true;
    }

    /// Ends the output (closing bracket, the buffered table).
    void finish() {
        if (format_ == aitrail::table_format::json) std::cout << (printed_ == 0 ? "[]\n" : "\n]\n");
        if (format_ == aitrail::table_format::table) {
            if (omitted_ > 0)
                table_.notes.push_back("(" + std::to_string(omitted_) + " more records not shown; use --limit or --format jsonl)");
            aitrail::print_table(std::cout, table_, aitrail::table_format::table);
        }
        std::cout.flush();
    }

    /// Prints the table rows gathered so far and forgets them (tail -f).
    void flush_rows() {
        if (format_ != aitrail::table_format::table) {
            std::cout.flush();
            return;
        }
        aitrail::print_table(std::cout, table_, aitrail::table_format::table);
        table_.rows.clear();
        std::cout.flush();
    }

private:
    aitrail::table_format format_;
    bool with_content_;
    std::uint64_t limit_;
    std::uint64_t printed_ = 0, omitted_ = 0;
    aitrail::result_table table_;
};

/// "scanned 512 MB of 1.6 GB (31%)" on stderr, when stderr is a terminal.
inline std::function<void(const aitrail::query_stats&)> progress_line(const trail_source& source) {
    if (::isatty(2) == 0) return {};
    const auto total = source.size_bytes();
    return [total](const aitrail::query_stats& s) {
        if (total && *total > 0)
            std::fprintf(stderr, "\rscanned %s of %s (%d%%), %llu matched ", aitrail::human_bytes(s.bytes).c_str(),
                         aitrail::human_bytes(*total).c_str(), static_cast<int>(s.bytes * 100 / *total),
                         static_cast<unsigned long long>(s.matched));
        else
            std::fprintf(stderr, "\rscanned %llu records, %llu matched ", static_cast<unsigned long long>(s.lines),
                         static_cast<unsigned long long>(s.matched));
    };
}

inline aitrail::table_format default_format() {
    return ::isatty(1) != 0 ? aitrail::table_format::table : aitrail::table_format::jsonl;
}

}  // namespace detail_query

inline int run_query(args a) {
    aitrail::record_filter filter;
    std::string trail, error;
    auto format = detail_query::default_format();
    std::optional<std::uint64_t> limit;
    bool with_content = false;
    while (!a.empty()) {
        const std::string arg = a.next();
        if (arg == "-h" || arg == "--help") {
            std::printf("%.*s", static_cast<int>(query_usage.size()), query_usage.data());
            return ok;
        }
        if (parse_filter_option(a, arg, filter, error)) {
            if (!error.empty()) return usage(error, query_usage);
        } else if (arg == "--content") with_content = true;
        else if (arg == "--trail" || arg == "--format" || arg == "--limit") {
            if (a.empty()) return usage(arg + " needs a value", query_usage);
            const std::string value = a.next();
            if (arg == "--trail") trail = value;
            else if (arg == "--format") {
                auto f = aitrail::parse_table_format(value);
                if (!f) return usage("--format must be table, json, jsonl or csv, not '" + value + "'", query_usage);
                format = *f;
            } else {
                char* end = nullptr;
                limit = std::strtoull(value.c_str(), &end, 10);
                if (value.empty() || *end != '\0') return usage("--limit needs a number, not '" + value + "'", query_usage);
            }
        } else return usage("unknown argument " + arg, query_usage);
    }
    if (trail.empty()) return usage("query needs --trail", query_usage);
    if (!limit && format == aitrail::table_format::table) limit = 1000;
    try {
        const auto source = trail_source::open(trail);
        detail_query::record_printer printer(format, with_content, limit.value_or(~std::uint64_t{0}));
        aitrail::query_options options;
        options.on_progress = detail_query::progress_line(source);
        const auto stats =
            aitrail::query(source, filter, [&](const aitrail::record_view& r) { return printer.add(r); }, options);
        if (options.on_progress) std::fprintf(stderr, "\r\033[K");
        printer.finish();
        if (stats.unreadable > 0)
            std::fprintf(stderr, "aitrail query: %llu lines were not trail entries (run 'aitrail verify')\n",
                         static_cast<unsigned long long>(stats.unreadable));
        return ok;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "aitrail query: %s\n", e.what());
        return usage_error;
    }
}

namespace detail_query {

inline volatile std::sig_atomic_t tail_stop = 0;

}  // namespace detail_query

inline int run_tail(args a) {
    aitrail::record_filter filter;
    std::string trail, error;
    auto format = detail_query::default_format();
    std::uint64_t count = 10, interval_ms = 500;
    bool follow = false;
    while (!a.empty()) {
        const std::string arg = a.next();
        if (arg == "-h" || arg == "--help") {
            std::printf("%.*s", static_cast<int>(tail_usage.size()), tail_usage.data());
            return ok;
        }
        if (parse_filter_option(a, arg, filter, error)) {
            if (!error.empty()) return usage(error, tail_usage);
        } else if (arg == "-f" || arg == "--follow") follow = true;
        else if (arg == "--trail" || arg == "--format" || arg == "-n" || arg == "--interval") {
            if (a.empty()) return usage(arg + " needs a value", tail_usage);
            const std::string value = a.next();
            if (arg == "--trail") trail = value;
            else if (arg == "--format") {
                auto f = aitrail::parse_table_format(value);
                if (!f) return usage("--format must be table, json, jsonl or csv, not '" + value + "'", tail_usage);
                format = *f;
            } else {
                char* end = nullptr;
                const auto n = std::strtoull(value.c_str(), &end, 10);
                if (value.empty() || *end != '\0') return usage(arg + " needs a number, not '" + value + "'", tail_usage);
                (arg == "-n" ? count : interval_ms) = n;
            }
        } else return usage("unknown argument " + arg, tail_usage);
    }
    if (trail.empty()) return usage("tail needs --trail", tail_usage);
    if (follow && format == aitrail::table_format::json)
        return usage("tail -f prints records as they come: use --format jsonl, csv or table", tail_usage);
    try {
        const auto source = trail_source::open(trail);
        // The last `count` matches: a ring of their lines.
        std::deque<std::string> last;
        std::optional<std::uint64_t> seen_seq;  // highest seq read so far
        const aitrail::record_matcher match(filter);
        aitrail::record_view view;
        const auto read_new = [&](auto&& on_match) {
            source.scan_from(seen_seq ? *seen_seq + 1 : 0, [&](const aitrail::stored_line& l) {
                if (!aitrail::parse_record_view(l.text, view)) return true;
                if (seen_seq && view.seq <= *seen_seq) return true;
                seen_seq = view.seq;
                if (match(view)) on_match(l.text);
                return true;
            });
        };
        read_new([&](std::string_view line) {
            last.emplace_back(line);
            if (last.size() > count) last.pop_front();
        });
        detail_query::record_printer printer(format, false, ~std::uint64_t{0});
        for (const auto& line : last)
            if (aitrail::parse_record_view(line, view)) printer.add(view);
        if (!follow) {
            printer.finish();
            return ok;
        }
        printer.flush_rows();
        std::signal(SIGINT, [](int) { detail_query::tail_stop = 1; });
        std::signal(SIGTERM, [](int) { detail_query::tail_stop = 1; });
        while (detail_query::tail_stop == 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));
            bool any = false;
            read_new([&](std::string_view line) {
                if (aitrail::parse_record_view(line, view)) {
                    printer.add(view);
                    any = true;
                }
            });
            if (any) printer.flush_rows();
        }
        return ok;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "aitrail tail: %s\n", e.what());
        return usage_error;
    }
}

}  // namespace aitrail_cli
