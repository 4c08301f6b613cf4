// aitrail — the command-line tool for audit trails: verify, query, show,
// tail, export, redact, the auditing proxy and replay.

#include "cli.hpp"
#include "cmd_export.hpp"
#include "cmd_query.hpp"
#include "cmd_redact.hpp"
#include "cmd_report.hpp"
#include "cmd_show.hpp"
#include "cmd_verify.hpp"
#include "network_commands.hpp"

#include <aitrail/config.hpp>

#include <cstdio>  // printf
#include <string>  // string

namespace {

constexpr std::string_view main_usage =
    "usage: aitrail <command> [options]\n"
    "commands:\n"
    "  verify PATH...   check a trail's canonical form, hashes, content digests and chain\n"
    "  query            the records that match filters, as a table, JSON, JSON lines or CSV\n"
    "  tail             the last records of a trail, and (-f) new ones as they are written\n"
    "  show ID          one record with its content and its verification status\n"
    "  report NAME      cost by user and day, spend, error rates, latency, model usage, a user's data,\n"
    "                   anomalies, trail health (aitrail report --list)\n"
    "  export           copy a trail into JSONL, SQLite or PostgreSQL, verified on both ends\n"
    "  redact           redact text or JSON from stdin with a policy, to test it before trusting it\n"
    "  proxy            an auditing reverse proxy for the OpenAI and Anthropic APIs\n"
    "  replay ID        re-send a logged request (optionally to another model) and compare the answers\n"
    "  version          print the version\n"
    "run 'aitrail <command> --help' for a command's options\n";

}  // namespace

int main(int argc, char** argv) {
    using namespace aitrail_cli;
    args a;
    for (int i = 1; i < argc; ++i) a.items.emplace_back(argv[i]);
    if (a.empty()) return usage("", main_usage);
    const std::string command = a.next();
    if (command == "verify") return run_verify(std::move(a));
    if (command == "redact") return run_redact(std::move(a));
    if (command == "query") return run_query(std::move(a));
    if (command == "tail") return run_tail(std::move(a));
    if (command == "show") return run_show(std::move(a));
    if (command == "export") return run_export(std::move(a));
    if (command == "report") return run_report(std::move(a));
    if (command == "proxy") return proxy_command(std::move(a));
    if (command == "replay") return replay_command(std::move(a));
    if (command == "version" || command == "--version") {
        std::printf("aitrail %s (trail format v%d)\n", AITRAIL_VERSION_STRING, aitrail::trail_format_version);
        return ok;
    }
    if (command == "-h" || command == "--help" || command == "help") {
        std::printf("%.*s", static_cast<int>(main_usage.size()), main_usage.data());
        return ok;
    }
    return usage("unknown command '" + command + "'", main_usage);
}
