// `aitrail witness serve`: a c2sp.org/tlog-witness server, so that an
// organisation can keep its logs' checkpoints on another host. It checks
// each checkpoint's log signature and its consistency with the last one it
// cosigned, persists it, and answers with a cosignature/v1. Boost.Beast:
// its own translation unit, like proxy.cpp.

#include "commands.hpp"

#include "../common/note_keys.hpp"
#include "../witness/server.hpp"

#include <aitrail/integrity/cosignature.hpp>
#include <aitrail/integrity/signed_note.hpp>
#include <aitrail/pipeline/directory_witness.hpp>

#include <pthread.h>  // pthread_sigmask
#include <signal.h>   // sigwait

#include <cstdio>      // printf, fprintf
#include <filesystem>  // path, exists
#include <fstream>     // ifstream
#include <iterator>    // istreambuf_iterator
#include <optional>    // optional
#include <stdexcept>   // runtime_error
#include <string>      // string
#include <thread>      // thread
#include <vector>      // vector

namespace aitrail_cli {

namespace {

/// What `aitrail witness serve` is asked.
struct serve_settings {
    witness::server_settings listen;
    std::string key_file;
    std::vector<std::string> logs;
    std::string state;
};

/// The log keys of --log: each value is a verifier key or a file of them, one a line.
std::vector<aitrail::note_verifier> log_keys(const std::vector<std::string>& values) {
    auto keys = load_verifier_keys("--log", values);
    for (const auto& key : keys)
        if (key.type() != aitrail::note_key_type::ed25519)
            throw std::runtime_error("--log " + key.name() + ": a witness key (type 0x04), not a log key (type 0x01)");
    return keys;
}

int run_serve(const serve_settings& s) {
    constexpr std::string_view name = "witness serve";
    if (s.key_file.empty()) return usage(name, "witness serve needs --key FILE (from 'aitrail keygen --witness')");
    if (s.logs.empty()) return usage(name, "witness serve needs --log VKEY (the verifier key of each log it witnesses)");
    std::optional<aitrail::cosigner> key;
    try {
        key.emplace(trim_end(read_text_file("--key", s.key_file)));
    } catch (const aitrail::note_error& e) {
        return fail(name, "--key " + s.key_file + ": " + e.what());
    }
    const auto keys = log_keys(s.logs);
    const std::filesystem::path state = s.state.empty() ? std::filesystem::path(s.key_file + ".state") : std::filesystem::path(s.state);
    aitrail::directory_witness state_dir(state, keys, *key);

    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    ::signal(SIGPIPE, SIG_IGN);

    witness::server server{s.listen, state_dir};
    std::printf("aitrail witness listening %s:%u as %s, %zu log key(s), state %s\n", s.listen.host.c_str(),
                server.port(), key->verifier_key().c_str(), keys.size(), state.string().c_str());
    std::fflush(stdout);
    std::thread serving([&] { server.serve(); });
    int received = 0;
    sigwait(&signals, &received);
    server.stop();
    serving.join();
    std::fprintf(stderr, "aitrail witness: %s, stopped\n", received == SIGTERM ? "SIGTERM" : "SIGINT");
    return ok;
}

}  // namespace

runner add_witness(CLI::App& app) {
    auto* cmd = add_command(app, "witness", "Run a witness that cosigns other logs' checkpoints",
                            footer("  aitrail witness serve --listen 0.0.0.0:8788 --key witness.key --log log.vkey",
                                   "exit status: 0 ok, 2 usage or I/O error"));
    cmd->require_subcommand(0, 1);
    const auto [serve, s] = add_command<serve_settings>(
        *cmd, "serve", "A c2sp.org/tlog-witness server: POST /add-checkpoint, answered with cosignature/v1 lines",
        footer("  aitrail keygen --witness --origin witness.example.com/w1 --out witness.key > witness.vkey\n"
               "  aitrail witness serve --listen 0.0.0.0:8788 --key witness.key --log \"$(cat log.vkey)\"\n"
               "  aitrail witness serve --listen 127.0.0.1:0 --key witness.key --log logs.vkeys --state /var/lib/witness\n"
               "Prints 'aitrail witness listening HOST:PORT' when ready. The state (per log: the latest cosigned\n"
               "checkpoint, and every one it cosigned) is kept in --state DIR, default FILE.state beside the key,\n"
               "each change made durable before it is answered. SIGTERM or SIGINT: finish the request, exit 0.",
               "exit status: 0 stopped cleanly, 2 usage or I/O error"));
    add_parsed(*serve, "--listen", s->listen, "where to listen (default 127.0.0.1:8788; port 0 picks one)",
               [p = s.get()](const std::string& flag, const std::string& v) { return parse_listen(flag, v, p->listen); })
        ->type_name("HOST:PORT");
    serve->add_option("--key", s->key_file, "the witness private key (aitrail keygen --witness)")->type_name("FILE");
    serve->add_option("--log", s->logs,
                      "a log's verifier key (its name is the log's origin), or a file of them, one a line; repeatable")
        ->type_name("VKEY")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    serve->add_option("--state", s->state, "where the witness keeps its state (default: FILE.state for --key FILE)")
        ->type_name("DIR");
    add_parsed(*serve, "--prefix", s->listen.prefix, "the submission prefix path (default none: POST /add-checkpoint)",
               [](const std::string& flag, const std::string& v) {
                   if (!v.empty() && (v.front() != '/' || v.back() == '/')) refuse(flag, v, "a path like /w1");
                   return v;
               })
        ->type_name("PATH");
    return [cmd, serve, s] {
        if (!serve->parsed()) {
            std::printf("%s", cmd->help().c_str());
            return static_cast<int>(ok);
        }
        return run_serve(*s);
    };
}

}  // namespace aitrail_cli
