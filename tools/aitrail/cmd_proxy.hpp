#pragma once
// `aitrail proxy`: an auditing reverse proxy for the OpenAI and Anthropic
// APIs. Point an application's base URL at it; every model call it carries
// is recorded in a verifiable trail, and the application sees the
// provider's answers unchanged.

#include "cli.hpp"
#include "proxy/server.hpp"

#include <aitrail/aitrail.hpp>
#include <aitrail/capture/http_transport.hpp>

#include <pthread.h>  // pthread_sigmask
#include <signal.h>   // sigwait

#include <chrono>   // seconds
#include <cstdio>   // printf
#include <cstdlib>  // getenv, strtoul
#include <random>   // random_device
#include <string>   // string
#include <thread>   // thread

namespace aitrail_cli {

inline constexpr std::string_view proxy_usage =
    "usage: aitrail proxy --upstream URL --trail DIR [options]\n"
    "  --listen HOST:PORT        where to listen (default 127.0.0.1:8787; port 0 picks one)\n"
    "  --upstream URL            the provider, e.g. https://api.openai.com or https://api.anthropic.com\n"
    "  --trail DIR               the trail directory (created if missing; resumed if it exists)\n"
    "  --user-header NAME        header naming the user (default X-Aitrail-User; stripped before forwarding)\n"
    "  --tags-header NAME        header with comma-separated tags (default X-Aitrail-Tags; stripped)\n"
    "  --fingerprint-key-file F  key for the user fingerprint of calls without a user header\n"
    "                            (HMAC of the API key; default $AITRAIL_FINGERPRINT_KEY, else a random\n"
    "                            key per run, so fingerprints then differ between runs)\n"
    "  --stream-usage inject     add stream_options.include_usage to OpenAI chat streams that lack it\n"
    "                            (default pass: requests are forwarded unchanged)\n"
    "  --ca-file FILE            extra CA certificate(s) to trust for the upstream (PEM)\n"
    "  --upstream-timeout SEC    time to the upstream's response head (default 600)\n"
    "  --upstream-retries N      retries of failed connections and 429/5xx answers (default 0: the\n"
    "                            client sees every answer and applies its own retry policy)\n"
    "  --max-connections N       concurrent client connections (default 512)\n"
    "  --drain-timeout SEC       on SIGTERM, how long calls in flight may take to finish (default 30)\n"
    "Prints 'aitrail proxy listening HOST:PORT' when ready. SIGTERM or SIGINT: stop accepting, finish\n"
    "the calls in flight, flush the trail, exit 0.\n";

inline int run_proxy(args a) {
    proxy::server_settings listen;
    proxy::relay_settings relay;
    aitrail::http_transport_options upstream;
    upstream.max_retries = 0;
    std::filesystem::path trail;
    std::string key_file, stream_usage = "pass";
    long drain_seconds = 30;
    auto number = [&](long& out) {
        if (a.empty()) return false;
        char* end = nullptr;
        const std::string v = a.next();
        out = std::strtol(v.c_str(), &end, 10);
        return end != v.c_str() && *end == '\0' && out >= 0;
    };
    while (!a.empty()) {
        const std::string arg = a.next();
        long n = 0;
        if (arg == "-h" || arg == "--help") {
            std::printf("%.*s", static_cast<int>(proxy_usage.size()), proxy_usage.data());
            return ok;
        } else if (arg == "--listen") {
            if (a.empty()) return usage("--listen needs HOST:PORT", proxy_usage);
            const std::string v = a.next();
            const auto colon = v.rfind(':');
            if (colon == std::string::npos) return usage("--listen needs HOST:PORT, got '" + v + "'", proxy_usage);
            listen.host = v.substr(0, colon);
            listen.port = static_cast<unsigned short>(std::strtoul(v.c_str() + colon + 1, nullptr, 10));
        } else if (arg == "--upstream") {
            if (a.empty()) return usage("--upstream needs a URL", proxy_usage);
            upstream.base_url = a.next();
        } else if (arg == "--trail") {
            if (a.empty()) return usage("--trail needs a directory", proxy_usage);
            trail = a.next();
        } else if (arg == "--user-header") {
            if (a.empty()) return usage("--user-header needs a name", proxy_usage);
            relay.user_header = a.next();
        } else if (arg == "--tags-header") {
            if (a.empty()) return usage("--tags-header needs a name", proxy_usage);
            relay.tags_header = a.next();
        } else if (arg == "--fingerprint-key-file") {
            if (a.empty()) return usage("--fingerprint-key-file needs a file", proxy_usage);
            key_file = a.next();
        } else if (arg == "--stream-usage") {
            if (a.empty()) return usage("--stream-usage needs inject or pass", proxy_usage);
            stream_usage = a.next();
            if (stream_usage != "inject" && stream_usage != "pass")
                return usage("--stream-usage is inject or pass, not '" + stream_usage + "'", proxy_usage);
        } else if (arg == "--ca-file") {
            if (a.empty()) return usage("--ca-file needs a file", proxy_usage);
            upstream.ca_file = a.next();
        } else if (arg == "--upstream-timeout") {
            if (!number(n)) return usage("--upstream-timeout needs seconds", proxy_usage);
            upstream.response_timeout = std::chrono::seconds(n);
        } else if (arg == "--upstream-retries") {
            if (!number(n)) return usage("--upstream-retries needs a number", proxy_usage);
            upstream.max_retries = static_cast<unsigned>(n);
        } else if (arg == "--max-connections") {
            if (!number(n) || n == 0) return usage("--max-connections needs a positive number", proxy_usage);
            listen.max_connections = static_cast<std::size_t>(n);
        } else if (arg == "--drain-timeout") {
            if (!number(drain_seconds)) return usage("--drain-timeout needs seconds", proxy_usage);
        } else {
            return usage("unknown option " + arg, proxy_usage);
        }
    }
    if (upstream.base_url.empty()) return usage("proxy needs --upstream URL", proxy_usage);
    if (trail.empty()) return usage("proxy needs --trail DIR", proxy_usage);
    relay.inject_stream_usage = stream_usage == "inject";

    try {
        if (!key_file.empty()) {
            relay.fingerprint_key = aitrail::read_key_file(key_file);
        } else if (const char* env = std::getenv("AITRAIL_FINGERPRINT_KEY"); env && *env) {
            relay.fingerprint_key = aitrail::parse_key_material(env, "environment variable AITRAIL_FINGERPRINT_KEY");
        } else {
            std::random_device entropy;  // the kernel's CSPRNG on Linux
            for (int i = 0; i < 32; ++i) relay.fingerprint_key.push_back(static_cast<char>(entropy() & 0xff));
            std::fprintf(stderr,
                         "aitrail proxy: no fingerprint key given; users without a user header are fingerprinted "
                         "with a key that changes each run\n");
        }
        (void)aitrail::parse_base_url(upstream.base_url);  // a bad URL is refused now, not per request
    } catch (const std::exception& e) {
        std::fprintf(stderr, "aitrail proxy: %s\n", e.what());
        return usage_error;
    }

    // Signals are taken by sigwait below; every thread started after this
    // inherits the mask, so none of them is interrupted by SIGTERM.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    ::signal(SIGPIPE, SIG_IGN);

    try {
        aitrail::writer_options options;
        options.on_error = [](const std::string& message) { std::fprintf(stderr, "aitrail proxy: trail: %s\n", message.c_str()); };
        aitrail::auditor audit{aitrail::jsonl_storage{trail}, std::move(options)};
        aitrail::http_transport transport{upstream};
        proxy::server<decltype(audit)> server{listen, relay, audit, transport};
        std::printf("aitrail proxy listening %s:%u -> %s, trail %s\n", listen.host.c_str(), server.port(),
                    upstream.base_url.c_str(), trail.string().c_str());
        std::fflush(stdout);
        std::thread acceptor([&] { server.serve(); });
        int received = 0;
        sigwait(&signals, &received);
        std::fprintf(stderr, "aitrail proxy: %s, finishing calls in flight\n", received == SIGTERM ? "SIGTERM" : "SIGINT");
        server.stop(std::chrono::seconds(drain_seconds));
        acceptor.join();
        const bool flushed = audit.flush();
        const auto m = audit.metrics();
        const auto c = server.counters();
        std::fprintf(stderr, "aitrail proxy: stopped; %llu requests on %llu connections, %llu records written%s\n",
                     static_cast<unsigned long long>(c.requests), static_cast<unsigned long long>(c.connections),
                     static_cast<unsigned long long>(m.written), flushed ? "" : " (the last flush failed)");
        return flushed ? ok : found_problems;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "aitrail proxy: %s\n", e.what());
        return usage_error;
    }
}

}  // namespace aitrail_cli
