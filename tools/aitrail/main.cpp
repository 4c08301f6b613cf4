// aitrail — the command-line tool for audit trails: verify, query, tail,
// show, report, export, redact, the auditing proxy, replay, tiles, the
// checkpoint commands (checkpoint, prove, verify-proof, consistency), keygen
// and the witness server. Each command lives in commands/<name>.cpp; this
// file lists them and turns what CLI11
// reports about the command line, and any error a command throws, into
// "aitrail <command>: ..." and exit 2.

#include "commands/commands.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>       // fprintf
#include <exception>    // exception
#include <iostream>     // cout
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace {

using namespace aitrail_cli;

/// One command: its name and what adds it to the application.
struct command_entry {
    std::string_view name;
    runner (*add)(CLI::App&);
};

/// The commands, in the order `aitrail --help` lists them.
constexpr command_entry command_table[] = {
    {"verify", add_verify}, {"query", add_query},   {"tail", add_tail},   {"show", add_show},
    {"report", add_report}, {"export", add_export}, {"redact", add_redact}, {"proxy", add_proxy},
    {"replay", add_replay}, {"tiles", add_tiles},   {"checkpoint", add_checkpoint}, {"prove", add_prove},
    {"verify-proof", add_verify_proof}, {"consistency", add_consistency}, {"keygen", add_keygen},
    {"witness", add_witness}, {"version", add_version},
};

/// CLI11's message for a bad command line, in the tool's words.
std::string message_of(const CLI::ParseError& e) {
    std::string what = e.what();
    // "The following argument(s) was/were not expected: X Y"
    if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
        const auto colon = what.find(": ");
        const std::string extras = colon == std::string::npos ? what : what.substr(colon + 2);
        return (extras.starts_with("-") ? "unknown option " : "unexpected argument ") + extras;
    }
    // "--sigma: 1 required TEXT missing"
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr && what.find("missing") != std::string::npos)
        return what.substr(0, what.find(':')) + " needs a value";
    return what;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"aitrail: verify, query and report on tamper-evident audit trails of AI model calls"};
    app.name("aitrail");
    app.footer(
        "\nrun 'aitrail <command> --help' for a command's options and examples\n"
        "trail SPEC: a JSONL trail directory or file, sqlite:FILE, postgres:CONNINFO or postgresql://URI\n"
        "exit status: 0 ok, 1 problems found, 2 usage or I/O error\n");
    app.require_subcommand(1);
    std::vector<std::pair<CLI::App*, runner>> commands;
    for (const auto& c : command_table) {
        auto run = c.add(app);
        commands.emplace_back(app.get_subcommand(std::string(c.name)), std::move(run));
    }

    // The command named on the command line, for messages.
    std::string command;
    if (argc <= 1) {
        std::fprintf(stderr, "aitrail: a command is required\n%s", app.help().c_str());
        return usage_error;
    }
    {
        const std::string_view first = argv[1];
        if (first == "--version") return commands.back().second();
        if (first == "help") {
            std::cout << app.help();
            return ok;
        }
        for (const auto& c : command_table)
            if (c.name == first) command = first;
        if (command.empty() && !first.starts_with("-")) {
            std::fprintf(stderr, "aitrail: unknown command '%s'\n%s", argv[1], app.help().c_str());
            return usage_error;
        }
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        if (command.empty()) {
            std::fprintf(stderr, "aitrail: %s\n%s", message_of(e).c_str(), app.help().c_str());
            return usage_error;
        }
        return usage(command, message_of(e));
    }
    for (auto& [sub, run] : commands) {
        if (!sub->parsed()) continue;
        // Every command's I/O and library errors end here, so each one reports
        // them the same way: "aitrail <command>: <what>", exit 2.
        try {
            return run();
        } catch (const std::exception& e) {
            return fail(sub->get_name(), e.what());
        }
    }
    return usage_error;  // not reached: require_subcommand(1)
}
