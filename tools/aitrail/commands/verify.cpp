// `aitrail verify`: checks a trail end to end and says where it is broken.

#include "commands.hpp"

#include "../common/trail_source.hpp"

#include <aitrail/integrity/key_source.hpp>
#include <aitrail/read/verify.hpp>

#include <chrono>      // steady_clock
#include <cstdio>      // printf, fprintf
#include <filesystem>  // path
#include <string>      // string
#include <vector>      // vector

namespace aitrail_cli {

namespace {

/// What `aitrail verify` is asked.
struct verify_settings {
    std::vector<std::string> paths;   ///< positional PATHs
    std::vector<std::string> specs;   ///< --trail SPECs
    std::vector<std::string> trails;  ///< both: what is verified
    std::string key_file;
    bool recanonicalize = false;
    std::int64_t max_problems = 20;
    bool quiet = false;
    bool require_tiles = false;
    bool skip_tiles = false;
};

int run_verify(verify_settings s) {
    constexpr std::string_view name = "verify";
    s.trails = s.specs;
    s.trails.insert(s.trails.end(), s.paths.begin(), s.paths.end());
    if (s.trails.empty()) return usage(name, "verify needs at least one trail (PATH or --trail SPEC)");
    aitrail::verify_options options;
    options.max_problems = static_cast<std::size_t>(s.max_problems);
    options.recanonicalize = s.recanonicalize;
    options.require_tiles = s.require_tiles;
    options.check_tiles = !s.skip_tiles;
    const auto t0 = std::chrono::steady_clock::now();
    aitrail::verify_report report;
    if (!s.key_file.empty()) options.key = aitrail::read_key_file(s.key_file);
    const auto first = parse_trail_spec(s.trails.front());
    if (first.kind != trail_kind::jsonl) {
        if (s.trails.size() != 1) return usage(name, "verify takes one SQL trail at a time");
        report = aitrail::verify(trail_source::open(s.trails.front()), options);
    } else {
        report = aitrail::verify_paths(std::vector<std::filesystem::path>(s.trails.begin(), s.trails.end()), options);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (report.ok()) {
        std::printf("%s\n", aitrail::format_summary(report).c_str());
        if (!s.quiet) std::printf("%s\n", aitrail::format_tiles(report).c_str());
        if (!s.quiet && seconds > 0)
            std::fprintf(stderr, "verified in %.3f s (%.0f MB/s)\n", seconds, static_cast<double>(report.bytes) / 1e6 / seconds);
        return ok;
    }
    if (!s.quiet)
        for (const auto& p : report.problems) std::printf("%s\n", aitrail::format_problem(p).c_str());
    const auto total = report.problems.size() + report.problems_omitted;
    std::printf("FAILED %zu problem%s (%llu entries, %llu file%s, %s read)%s\n", static_cast<std::size_t>(total),
                total == 1 ? "" : "s", static_cast<unsigned long long>(report.entries),
                static_cast<unsigned long long>(report.files), report.files == 1 ? "" : "s",
                aitrail::human_bytes(report.bytes).c_str(),
                report.problems_omitted ? "; use --max-problems to list more" : "");
    return found_problems;
}

}  // namespace

runner add_verify(CLI::App& app) {
    const auto [cmd, s] = add_command<verify_settings>(
        app, "verify", "Check a trail's canonical form, hashes, content digests, chain and hash tiles, and say where it is broken",
        footer("  aitrail verify trails/app\n"
               "  aitrail verify --trail sqlite:audit.db --max-problems 100\n"
               "  aitrail verify --key-file trail.key trails/app/trail-000001.jsonl",
               "exit status: 0 the trail verifies, 1 problems found, 2 usage or I/O error"));
    cmd->add_option("PATH", s->paths,
                    "a trail directory (its trail-*.jsonl files in order), trail files, sqlite:FILE or postgres:CONNINFO "
                    "(add #TABLE for a table other than aitrail_entries)")
        ->type_name("PATH...");
    cmd->add_option("--trail", s->specs, "the trail, as PATH (repeatable)")
        ->type_name("SPEC")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd->add_option("--key-file", s->key_file, "the key of a keyed trail (hasher hmac-sha256): hex or raw bytes")
        ->type_name("FILE");
    cmd->add_flag("--recanonicalize", s->recanonicalize, "re-serialize every line instead of the fast canonical check");
    add_parsed(*cmd, "--max-problems", s->max_problems, "list at most N problems (default 20; all are counted)",
               [](const std::string& flag, const std::string& v) { return parse_integer(flag, v, 0, INT64_MAX); })
        ->type_name("N");
    cmd->add_flag("--require-tiles", s->require_tiles, "report a trail without hash tiles as a problem");
    cmd->add_flag("--skip-tiles", s->skip_tiles, "do not compare the hash tiles with the entries");
    cmd->add_flag("-q,--quiet", s->quiet, "print only the summary line");
    return [s] { return run_verify(*s); };
}

}  // namespace aitrail_cli
