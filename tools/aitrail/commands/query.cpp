// `aitrail query`: the records of a trail that match a filter, as a table,
// JSON, JSON lines (the entries verbatim, for jq) or CSV. Streams: memory
// stays constant however large the trail.

#include "commands.hpp"

#include "../common/filters.hpp"
#include "../common/trail_source.hpp"
#include "record_printer.hpp"

#include <cstdio>    // fprintf
#include <optional>  // optional
#include <string>    // string

namespace aitrail_cli {

namespace {

/// What `aitrail query` is asked.
struct query_settings {
    std::string trail;
    aitrail::record_filter filter;
    aitrail::table_format format = default_record_format();
    std::optional<std::int64_t> limit;
    bool with_content = false;
};

int run_query(const query_settings& s) {
    constexpr std::string_view name = "query";
    if (s.trail.empty()) return usage(name, "query needs --trail SPEC");
    if (auto problem = filter_problem(s.filter)) return usage(name, *problem);
    // A table is read by a person: a thousand rows is plenty unless asked.
    std::uint64_t limit = ~std::uint64_t{0};
    if (s.limit) limit = static_cast<std::uint64_t>(*s.limit);
    else if (s.format == aitrail::table_format::table) limit = 1000;
    const auto source = trail_source::open(s.trail);
    record_printer printer(s.format, s.with_content, limit);
    aitrail::query_options options;
    options.on_progress = progress_line(source);
    const auto stats =
        aitrail::query(source, s.filter, [&](const aitrail::record_view& r) { return printer.add(r); }, options);
    if (options.on_progress) std::fprintf(stderr, "\r\033[K");
    printer.finish();
    if (stats.unreadable > 0)
        std::fprintf(stderr, "aitrail query: %llu lines were not trail entries (run 'aitrail verify')\n",
                     static_cast<unsigned long long>(stats.unreadable));
    return ok;
}

}  // namespace

runner add_query(CLI::App& app) {
    const auto [cmd, s] = add_command<query_settings>(app, "query", "The records that match filters, as a table, JSON, JSON lines or CSV",
                                                      footer("  aitrail query --trail trails/app --user alice --since 24h\n"
                                                             "  aitrail query --trail sqlite:audit.db --model 'claude-*' --status error --format csv\n"
                                                             "  aitrail query --trail trails/app --min-cost-usd 0.05 --format jsonl | jq .rec.id",
                                                             "exit status: 0 (whether or not records matched), 2 usage or I/O error"));
    add_trail(*cmd, s->trail, "the trail: DIR | sqlite:FILE | postgres:CONNINFO | postgresql://URI");
    add_filter_options(*cmd, s->filter);
    add_format(*cmd, s->format, "table on a terminal, else jsonl: the trail entries verbatim");
    add_parsed(*cmd, "-n,--limit", s->limit, "print at most N records (table: default 1000)",
               [](const std::string& flag, const std::string& v) {
                   return std::optional(parse_integer(flag, v, 0, INT64_MAX));
               })
        ->type_name("N");
    cmd->add_flag("--content", s->with_content, "json: include each record's content");
    return [s] { return run_query(*s); };
}

}  // namespace aitrail_cli
