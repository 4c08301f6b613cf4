#pragma once
// `aitrail verify`: checks a trail end to end and says where it is broken.

#include "cli.hpp"
#include "trail_source.hpp"

#include <aitrail/read/verify.hpp>

#include <chrono>   // steady_clock
#include <cstdio>   // printf
#include <cstdlib>  // strtoull
#include <string>   // string

namespace aitrail_cli {

inline constexpr std::string_view verify_usage =
    "usage: aitrail verify [--key-file FILE] [--recanonicalize] [--max-problems N] [--quiet] PATH...\n"
    "       aitrail verify [options] sqlite:FILE | postgres:CONNINFO | postgresql://URI\n"
    "  PATH   a trail directory (its trail-*.jsonl files in order) or trail files\n"
    "  an SQL trail (sqlite_storage, postgres_storage) is verified from the database alone;\n"
    "  add #TABLE for a table other than aitrail_entries\n"
    "  --key-file FILE   the key of a keyed trail (hasher hmac-sha256): hex or raw bytes\n"
    "  --recanonicalize  re-serialize every line instead of the fast canonical check\n"
    "  --max-problems N  list at most N problems (default 20; all are counted)\n"
    "  --quiet           print only the summary line\n"
    "exit status: 0 the trail verifies, 1 problems found, 2 usage or I/O error\n";

inline int run_verify(args a) {
    aitrail::verify_options options;
    options.max_problems = 20;
    bool quiet = false;
    std::vector<std::filesystem::path> paths;
    while (!a.empty()) {
        const std::string arg = a.next();
        if (arg == "--recanonicalize") options.recanonicalize = true;
        else if (arg == "--quiet") quiet = true;
        else if (arg == "--key-file") {
            if (a.empty()) return usage("--key-file needs a file", verify_usage);
            try {
                options.key = aitrail::read_key_file(a.next());
            } catch (const std::exception& e) {
                std::fprintf(stderr, "%s\n", e.what());
                return usage_error;
            }
        } else if (arg == "--max-problems") {
            if (a.empty()) return usage("--max-problems needs a number", verify_usage);
            options.max_problems = std::strtoull(a.next().c_str(), nullptr, 10);
        } else if (arg == "-h" || arg == "--help") {
            std::printf("%.*s", static_cast<int>(verify_usage.size()), verify_usage.data());
            return ok;
        } else if (arg.starts_with("--")) return usage("unknown option " + arg, verify_usage);
        else paths.emplace_back(arg);
    }
    if (paths.empty()) return usage("verify needs at least one PATH", verify_usage);

    const auto t0 = std::chrono::steady_clock::now();
    aitrail::verify_report report;
    try {
        const auto first = parse_trail_spec(paths.front().string());
        if (first.kind != trail_kind::jsonl) {
            if (paths.size() != 1) return usage("verify takes one SQL trail at a time", verify_usage);
            report = aitrail::verify(trail_source::open(paths.front().string()), options);
        } else {
            report = aitrail::verify_paths(paths, options);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return usage_error;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (report.ok()) {
        std::printf("%s\n", aitrail::format_summary(report).c_str());
        if (!quiet && seconds > 0)
            std::fprintf(stderr, "verified in %.3f s (%.0f MB/s)\n", seconds, static_cast<double>(report.bytes) / 1e6 / seconds);
        return ok;
    }
    if (!quiet)
        for (const auto& p : report.problems) std::printf("%s\n", aitrail::format_problem(p).c_str());
    const auto total = report.problems.size() + report.problems_omitted;
    std::printf("FAILED %zu problem%s (%llu entries, %llu file%s, %s read)%s\n", static_cast<std::size_t>(total),
                total == 1 ? "" : "s", static_cast<unsigned long long>(report.entries),
                static_cast<unsigned long long>(report.files), report.files == 1 ? "" : "s",
                aitrail::human_bytes(report.bytes).c_str(),
                report.problems_omitted ? "; use --max-problems to list more" : "");
    return found_problems;
}

}  // namespace aitrail_cli
