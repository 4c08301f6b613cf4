// aitrail — the command-line tool for audit trails: verify, redact, the
// auditing proxy and replay; query, reports and export join as subcommands.

#include "cli.hpp"
#include "cmd_proxy.hpp"
#include "cmd_redact.hpp"
#include "cmd_replay.hpp"
#include "cmd_verify.hpp"

#include <aitrail/config.hpp>

#include <cstdio>  // printf
#include <string>  // string

namespace {

constexpr std::string_view main_usage =
    "usage: aitrail <command> [options]\n"
    "commands:\n"
    "  verify PATH...   check a trail's canonical form, hashes, content digests and chain\n"
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
    if (command == "proxy") return run_proxy(std::move(a));
    if (command == "replay") return run_replay(std::move(a));
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
