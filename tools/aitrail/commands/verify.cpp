// `aitrail verify`: checks a trail end to end and says where it is broken.

#include "commands.hpp"

#include "../common/note_keys.hpp"
#include "../common/trail_source.hpp"

#include <aitrail/integrity/key_source.hpp>
#include <aitrail/read/verify.hpp>
#include <aitrail/read/verify_checkpoints.hpp>

#include <chrono>      // steady_clock
#include <cstdio>      // printf, fprintf
#include <filesystem>  // path, is_directory
#include <map>         // map
#include <memory>      // make_shared
#include <optional>    // optional
#include <set>         // set
#include <stdexcept>   // runtime_error
#include <string>      // string, stoul
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
    std::vector<std::string> vkeys;        ///< --vkey: the log's verifier keys
    std::vector<std::string> checkpoints;  ///< --checkpoint: checkpoints kept elsewhere
    std::string policy_file;               ///< --policy: a tlog-policy file
};

/// The keys and checkpoints of --vkey, --policy and --checkpoint; nullopt
/// when none of them is given (plain verify: no extra work).
struct checkpoint_request {
    aitrail::checkpoint_set set;
    aitrail::checkpoint_trust trust;
};

/// Reads a c2sp.org/tlog-policy file: `log <vkey>` lines name the log's
/// keys, `witness <name> <vkey>` the witnesses, `group <name> <all|any|N>
/// <member>...` groups of witnesses and groups, and `quorum <name>` (or
/// `none`) the witness or group whose cosignatures a checkpoint needs.
void read_policy(const std::string& file, aitrail::checkpoint_trust& trust) {
    const std::string text = read_text_file("--policy", file);
    struct group {
        std::size_t need = 0;
        std::vector<std::string> members;
    };
    auto groups = std::make_shared<std::map<std::string, group>>();
    std::set<std::string> witnesses;
    std::string quorum;
    std::size_t line_no = 0;
    for (std::size_t at = 0; at < text.size();) {
        const auto nl = text.find('\n', at);
        std::string line(trim_end(std::string_view(text).substr(at, nl - at)));
        at = nl == std::string::npos ? text.size() : nl + 1;
        ++line_no;
        const std::string where = "--policy " + file + ":" + std::to_string(line_no) + ": ";
        if (line.empty() || line.front() == '#') continue;
        std::vector<std::string> words;
        for (std::size_t p = 0; p < line.size();) {
            const auto sp = line.find(' ', p);
            if (sp != p) words.push_back(line.substr(p, sp - p));
            p = sp == std::string::npos ? line.size() : sp + 1;
        }
        try {
            if (words[0] == "log" && words.size() >= 2) {
                trust.log_keys.emplace_back(words[1]);
            } else if (words[0] == "witness" && words.size() >= 3) {
                trust.witness_keys.emplace_back(words[2]);
                if (trust.witness_keys.back().name() != words[1])
                    throw std::runtime_error("witness " + words[1] + ": its key is named " + trust.witness_keys.back().name());
                witnesses.insert(words[1]);
            } else if (words[0] == "group" && words.size() >= 4) {
                group g;
                g.members.assign(words.begin() + 3, words.end());
                for (const auto& m : g.members)
                    if (!witnesses.contains(m) && !groups->contains(m))
                        throw std::runtime_error("group " + words[1] + ": member '" + m + "' is not defined above");
                g.need = words[2] == "all" ? g.members.size() : words[2] == "any" ? 1 : std::stoul(words[2]);
                if (g.need > g.members.size())
                    throw std::runtime_error("group " + words[1] + ": needs " + words[2] + " of " +
                                             std::to_string(g.members.size()) + " members");
                (*groups)[words[1]] = std::move(g);
            } else if (words[0] == "quorum" && words.size() == 2) {
                quorum = words[1];
            } else {
                throw std::runtime_error("expected log, witness, group or quorum");
            }
        } catch (const std::exception& e) {
            throw std::runtime_error(where + e.what());
        }
    }
    if (quorum.empty() || quorum == "none") return;
    if (!witnesses.contains(quorum) && !groups->contains(quorum))
        throw std::runtime_error("--policy " + file + ": quorum names '" + quorum + "', which is no witness or group");
    trust.quorum_name = "the policy's quorum '" + quorum + "'";
    trust.quorum_met = [groups, quorum](const std::set<std::string>& cosigners) {
        // Groups only name members defined before them: no cycles.
        std::function<bool(const std::string&)> met = [&](const std::string& name) {
            const auto g = groups->find(name);
            if (g == groups->end()) return cosigners.contains(name);
            std::size_t n = 0;
            for (const auto& m : g->second.members) n += met(m) ? 1 : 0;
            return n >= g->second.need;
        };
        return met(quorum);
    };
}

std::optional<checkpoint_request> checkpoint_request_of(const verify_settings& s) {
    if (s.vkeys.empty() && s.checkpoints.empty() && s.policy_file.empty()) return std::nullopt;
    checkpoint_request r;
    if (!s.policy_file.empty()) read_policy(s.policy_file, r.trust);
    for (auto& k : load_verifier_keys("--vkey", s.vkeys)) r.trust.log_keys.push_back(std::move(k));
    if (r.trust.log_keys.empty())
        throw CLI::ValidationError("--checkpoint: checking checkpoints needs the log's key (--vkey VKEY or --policy FILE)");
    const auto spec = parse_trail_spec(s.trails.front());
    if (s.trails.size() == 1 && spec.kind == trail_kind::jsonl && std::filesystem::is_directory(spec.location))
        r.set = aitrail::checkpoints_of_directory(spec.location);
    else if (s.trails.size() == 1 && spec.kind != trail_kind::jsonl)
        r.set = aitrail::checkpoints_of(open_history(spec, true), display_name(spec) + "_checkpoints");
    for (const auto& f : s.checkpoints) r.set.elsewhere.push_back({f, read_text_file("--checkpoint", f)});
    return r;
}

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
    std::optional<checkpoint_request> checkpoints;
    try {
        checkpoints = checkpoint_request_of(s);
    } catch (const CLI::ValidationError& e) {
        return usage(name, e.what());
    }
    if (checkpoints) options.roots_at = aitrail::checkpoint_sizes(checkpoints->set);
    const auto first = parse_trail_spec(s.trails.front());
    if (first.kind != trail_kind::jsonl) {
        if (s.trails.size() != 1) return usage(name, "verify takes one SQL trail at a time");
        report = aitrail::verify(trail_source::open(s.trails.front()), options);
    } else {
        report = aitrail::verify_paths(std::vector<std::filesystem::path>(s.trails.begin(), s.trails.end()), options);
    }
    if (checkpoints) {
        const std::size_t before = report.problems.size();
        aitrail::verify_checkpoints(report, checkpoints->set, checkpoints->trust);
        for (std::size_t i = before; i < report.problems.size(); ++i) report.problems[i].ordinal = ~std::uint64_t{0};
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (report.ok()) {
        std::printf("%s\n", aitrail::format_summary(report).c_str());
        if (!s.quiet) std::printf("%s\n", aitrail::format_tiles(report).c_str());
        if (!s.quiet && checkpoints) {
            const auto all = aitrail::checkpoint_sizes(checkpoints->set);
            std::printf("checkpoints: %llu verified, up to size %llu\n",
                        static_cast<unsigned long long>(report.checkpoints_checked),
                        static_cast<unsigned long long>(all.empty() ? 0 : all.back()));
        }
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
               "  aitrail verify --key-file trail.key trails/app/trail-000001.jsonl\n"
               "  aitrail verify trails/app --vkey log.vkey --checkpoint kept-by-auditor.checkpoint\n"
               "  aitrail verify trails/app --policy log.policy",
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
    cmd->add_option("--vkey", s->vkeys,
                    "the log's verifier key, as text or a file (repeatable): check the trail against its checkpoints")
        ->type_name("VKEY")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd->add_option("--checkpoint", s->checkpoints, "a signed checkpoint kept elsewhere to check the trail against (repeatable)")
        ->type_name("FILE")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd->add_option("--policy", s->policy_file,
                    "a c2sp.org/tlog-policy file: the log key, witness keys and the quorum the latest checkpoint needs")
        ->type_name("FILE");
    cmd->add_flag("-q,--quiet", s->quiet, "print only the summary line");
    return [s] { return run_verify(*s); };
}

}  // namespace aitrail_cli
