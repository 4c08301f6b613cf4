// `aitrail tail`: the last records of a trail, and (-f) new ones as they
// are written.

#include "commands.hpp"

#include "../common/filters.hpp"
#include "../common/trail_source.hpp"
#include "record_printer.hpp"

#include <chrono>    // milliseconds
#include <csignal>   // signal, SIGINT, SIGTERM
#include <deque>     // deque
#include <optional>  // optional
#include <string>    // string
#include <thread>    // sleep_for

namespace aitrail_cli {

namespace {

/// What `aitrail tail` is asked.
struct tail_settings {
    std::string trail;
    aitrail::record_filter filter;
    aitrail::table_format format = default_record_format();
    std::int64_t limit = 10;
    bool follow = false;
    std::chrono::milliseconds interval{500};
};

volatile std::sig_atomic_t stop_requested = 0;

int run_tail(const tail_settings& s) {
    constexpr std::string_view name = "tail";
    if (s.trail.empty()) return usage(name, "tail needs --trail SPEC");
    if (auto problem = filter_problem(s.filter)) return usage(name, *problem);
    if (s.follow && s.format == aitrail::table_format::json)
        return usage(name, "tail -f prints records as they come: use --format jsonl, csv or table");
    const auto count = static_cast<std::size_t>(s.limit);
    const auto source = trail_source::open(s.trail);
    // The last `count` matches: a ring of their lines.
    std::deque<std::string> last;
    std::optional<std::uint64_t> seen_seq;  // highest seq read so far
    const aitrail::record_matcher match(s.filter);
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
    record_printer printer(s.format, false, ~std::uint64_t{0});
    for (const auto& line : last)
        if (aitrail::parse_record_view(line, view)) printer.add(view);
    if (!s.follow) {
        printer.finish();
        return ok;
    }
    printer.flush_rows();
    std::signal(SIGINT, [](int) { stop_requested = 1; });
    std::signal(SIGTERM, [](int) { stop_requested = 1; });
    while (stop_requested == 0) {
        std::this_thread::sleep_for(s.interval);
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
}

}  // namespace

runner add_tail(CLI::App& app) {
    const auto [cmd, s] = add_command<tail_settings>(app, "tail", "The last records of a trail, and (-f) new ones as they are written",
                                                     footer("  aitrail tail --trail trails/app -n 20\n"
                                                            "  aitrail tail --trail trails/app -f --status error --format jsonl",
                                                            "exit status: 0 (also when -f is stopped by Ctrl-C), 2 usage or I/O error"));
    add_trail(*cmd, s->trail, "the trail: DIR | sqlite:FILE | postgres:CONNINFO | postgresql://URI");
    add_parsed(*cmd, "-n,--limit", s->limit, "the last N matching records (default 10)",
               [](const std::string& flag, const std::string& v) { return parse_integer(flag, v, 0, 10'000'000); })
        ->type_name("N");
    cmd->add_flag("-f,--follow", s->follow, "then keep printing records as they are written (Ctrl-C stops)");
    add_parsed(*cmd, "--interval", s->interval, "how often -f looks for new records (milliseconds, or 250ms, 2s; default 500)",
               [](const std::string& flag, const std::string& v) {
                   const auto d = parse_duration(flag, v, std::chrono::milliseconds{1}, "milliseconds");
                   if (d.count() == 0) refuse(flag, v, "a positive duration");
                   return d;
               })
        ->type_name("MS");
    add_filter_options(*cmd, s->filter);
    add_format(*cmd, s->format, "table on a terminal, else jsonl");
    return [s] { return run_tail(*s); };
}

}  // namespace aitrail_cli
