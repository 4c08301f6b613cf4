// `aitrail proxy`: an auditing reverse proxy for the OpenAI and Anthropic
// APIs. Point an application's base URL at it; every model call it carries
// is recorded in a verifiable trail, and the application sees the
// provider's answers unchanged. Boost.Beast and Asio are most of the tool's
// build time: this file and replay.cpp are the only ones that include them.

#include "commands.hpp"

#include "../common/note_keys.hpp"
#include "../common/witness_flags.hpp"
#include "../proxy/server.hpp"

#include <aitrail/aitrail.hpp>
#include <aitrail/capture/http_transport.hpp>

#include <pthread.h>  // pthread_sigmask
#include <signal.h>   // sigwait

#include <chrono>      // seconds
#include <condition_variable>  // condition_variable
#include <mutex>       // mutex, unique_lock
#include <cstdio>      // printf, fprintf
#include <cstdlib>     // getenv
#include <filesystem>  // path
#include <random>      // random_device
#include <string>      // string
#include <thread>      // thread

namespace aitrail_cli {

namespace {

/// What `aitrail proxy` is asked.
struct proxy_settings {
    proxy::server_settings listen;
    proxy::relay_settings relay;
    aitrail::http_transport_options upstream{.max_retries = 0};
    std::string trail;
    std::string key_file;
    std::string stream_usage = "pass";
    std::chrono::milliseconds drain{std::chrono::seconds{30}};
    std::string checkpoint_key_file;
    std::chrono::milliseconds checkpoint_every{std::chrono::seconds{60}};
    witness_flags witnesses;
};

/// The proxy's policy: the defaults, and a checkpoint at every flush and at
/// shutdown. The tool flushes every --checkpoint-every, so the writer signs
/// on its own thread at that interval; without --checkpoint-key the writer
/// has no key and signs nothing.
struct proxy_policy : aitrail::default_policy {
    using checkpoint =
        aitrail::checkpoint_policies::any_of<aitrail::checkpoint_policies::at_flush, aitrail::checkpoint_policies::at_close>;
};

int run_proxy(proxy_settings& s) {
    constexpr std::string_view name = "proxy";
    if (s.upstream.base_url.empty()) return usage(name, "proxy needs --upstream URL");
    if (s.trail.empty()) return usage(name, "proxy needs --trail DIR");
    s.relay.inject_stream_usage = s.stream_usage == "inject";
    const std::filesystem::path trail = s.trail;

    if (!s.key_file.empty()) {
        s.relay.fingerprint_key = aitrail::read_key_file(s.key_file);
    } else if (const char* env = std::getenv("AITRAIL_FINGERPRINT_KEY"); env && *env) {
        s.relay.fingerprint_key = aitrail::parse_key_material(env, "environment variable AITRAIL_FINGERPRINT_KEY");
    } else {
        std::random_device entropy;  // the kernel's CSPRNG on Linux
        for (int i = 0; i < 32; ++i) s.relay.fingerprint_key.push_back(static_cast<char>(entropy() & 0xff));
        std::fprintf(stderr,
                     "aitrail proxy: no fingerprint key given; users without a user header are fingerprinted "
                     "with a key that changes each run\n");
    }
    (void)aitrail::parse_base_url(s.upstream.base_url);  // a bad URL is refused now, not per request

    // Signals are taken by sigwait below; every thread started after this
    // inherits the mask, so none of them is interrupted by SIGTERM.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    ::signal(SIGPIPE, SIG_IGN);

    aitrail::writer_options options;
    options.on_error = [](const std::string& message) { std::fprintf(stderr, "aitrail proxy: trail: %s\n", message.c_str()); };
    if (!s.checkpoint_key_file.empty()) options.checkpoint_key = load_private_key("--checkpoint-key", s.checkpoint_key_file);
    if (s.witnesses.any() && !options.checkpoint_key) return usage(name, "--witness and --witness-dir need --checkpoint-key");
    if (options.checkpoint_key)
        options.witnesses = make_witness_publisher(s.witnesses, options.checkpoint_key->verifier(), {});
    aitrail::auditor<proxy_policy> audit{aitrail::jsonl_storage{trail}, std::move(options)};
    aitrail::http_transport transport{s.upstream};
    proxy::server<decltype(audit)> server{s.listen, s.relay, audit, transport};
    std::printf("aitrail proxy listening %s:%u -> %s, trail %s\n", s.listen.host.c_str(), server.port(),
                s.upstream.base_url.c_str(), trail.string().c_str());
    std::fflush(stdout);
    std::thread acceptor([&] { server.serve(); });
    // With a checkpoint key: a flush every --checkpoint-every, at which the
    // writer signs (proxy_policy).
    std::mutex stop_mutex;
    std::condition_variable stop_cv;
    bool stopping = false;
    std::thread checkpointer;
    if (!s.checkpoint_key_file.empty())
        checkpointer = std::thread([&] {
            std::unique_lock lock(stop_mutex);
            while (!stop_cv.wait_for(lock, s.checkpoint_every, [&] { return stopping; })) {
                lock.unlock();
                audit.flush();
                lock.lock();
            }
        });
    int received = 0;
    sigwait(&signals, &received);
    std::fprintf(stderr, "aitrail proxy: %s, finishing calls in flight\n", received == SIGTERM ? "SIGTERM" : "SIGINT");
    {
        std::lock_guard lock(stop_mutex);
        stopping = true;
    }
    stop_cv.notify_all();
    if (checkpointer.joinable()) checkpointer.join();
    server.stop(s.drain);
    acceptor.join();
    const bool flushed = audit.flush();
    const auto m = audit.metrics();
    const auto c = server.counters();
    std::fprintf(stderr, "aitrail proxy: stopped; %llu requests on %llu connections, %llu records written%s\n",
                 static_cast<unsigned long long>(c.requests), static_cast<unsigned long long>(c.connections),
                 static_cast<unsigned long long>(m.written), flushed ? "" : " (the last flush failed)");
    return flushed ? ok : found_problems;
}

std::chrono::milliseconds seconds_flag(const std::string& flag, const std::string& v) {
    return parse_duration(flag, v, std::chrono::seconds{1}, "seconds");
}

}  // namespace

runner add_proxy(CLI::App& app) {
    const auto [cmd, s] = add_command<proxy_settings>(
        app, "proxy", "An auditing reverse proxy for the OpenAI and Anthropic APIs",
        footer("  aitrail proxy --upstream https://api.openai.com --trail trails/proxy\n"
               "  OPENAI_BASE_URL=http://127.0.0.1:8787/v1 python app.py   # the application, unchanged\n"
               "Prints 'aitrail proxy listening HOST:PORT' when ready. SIGTERM or SIGINT: stop accepting, finish\n"
               "the calls in flight, flush the trail, exit 0.",
               "exit status: 0 stopped cleanly, 1 the last flush failed, 2 usage or I/O error"));
    add_parsed(*cmd, "--listen", s->listen, "where to listen (default 127.0.0.1:8787; port 0 picks one)",
               [p = s.get()](const std::string& flag, const std::string& v) { return parse_listen(flag, v, p->listen); })
        ->type_name("HOST:PORT");
    cmd->add_option("--upstream", s->upstream.base_url,
                    "the provider, e.g. https://api.openai.com or https://api.anthropic.com")
        ->type_name("URL");
    add_trail(*cmd, s->trail, "the trail directory (created if missing; resumed if it exists)")->type_name("DIR");
    cmd->add_option("--user-header", s->relay.user_header,
                    "header naming the user (default X-Aitrail-User; stripped before forwarding)")
        ->type_name("NAME");
    cmd->add_option("--tags-header", s->relay.tags_header,
                    "header with comma-separated tags (default X-Aitrail-Tags; stripped)")
        ->type_name("NAME");
    cmd->add_option("--fingerprint-key-file", s->key_file,
                    "key for the user fingerprint of calls without a user header (HMAC of the API key; default "
                    "$AITRAIL_FINGERPRINT_KEY, else a random key per run, so fingerprints then differ between runs)")
        ->type_name("FILE");
    add_parsed(*cmd, "--stream-usage", s->stream_usage,
               "inject: add stream_options.include_usage to OpenAI chat streams that lack it; pass (default): "
               "forward requests unchanged",
               [](const std::string& flag, const std::string& v) {
                   if (v != "inject" && v != "pass") refuse(flag, v, "inject or pass");
                   return v;
               })
        ->type_name("MODE");
    cmd->add_option("--checkpoint-key", s->checkpoint_key_file,
                    "sign a checkpoint of the trail with this log key every --checkpoint-every and at shutdown")
        ->type_name("FILE");
    add_parsed(*cmd, "--checkpoint-every", s->checkpoint_every,
               "interval of --checkpoint-key's checkpoints (default 60s; a new one only when the trail grew)",
               seconds_flag)
        ->type_name("DURATION");
    add_witness_flags(*cmd, s->witnesses);
    cmd->add_option("--ca-file", s->upstream.ca_file, "extra CA certificate(s) to trust for the upstream (PEM)")
        ->type_name("FILE");
    add_parsed(*cmd, "--upstream-timeout", s->upstream.response_timeout,
               "time to the upstream's response head (seconds, or 500ms, 2m; default 600)",
               [](const std::string& flag, const std::string& v) {
                   return std::chrono::duration_cast<decltype(aitrail::http_transport_options::response_timeout)>(
                       seconds_flag(flag, v));
               })
        ->type_name("SEC");
    add_parsed(*cmd, "--upstream-retries", s->upstream.max_retries,
               "retries of failed connections and 429/5xx answers (default 0: the client sees every answer and "
               "applies its own retry policy)",
               [](const std::string& flag, const std::string& v) { return static_cast<unsigned>(parse_integer(flag, v, 0, 100)); })
        ->type_name("N");
    add_parsed(*cmd, "--max-connections", s->listen.max_connections, "concurrent client connections (default 512)",
               [](const std::string& flag, const std::string& v) {
                   return static_cast<std::size_t>(parse_integer(flag, v, 1, 1'000'000));
               })
        ->type_name("N");
    add_parsed(*cmd, "--drain-timeout", s->drain,
               "on SIGTERM, how long calls in flight may take to finish (seconds; default 30)", seconds_flag)
        ->type_name("SEC");
    return [s] { return run_proxy(*s); };
}

}  // namespace aitrail_cli
