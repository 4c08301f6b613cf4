#pragma once
// `aitrail replay`: re-sends a logged request (optionally to another
// model), records the replay next to the original, and prints how the
// answer, tokens, cost and latency changed.

#include "cli.hpp"

#include <aitrail/aitrail.hpp>
#include <aitrail/capture/http_transport.hpp>
#include <aitrail/read/replay_report.hpp>

#include <cstdio>   // printf
#include <cstdlib>  // getenv
#include <string>   // string

namespace aitrail_cli {

inline constexpr std::string_view replay_usage =
    "usage: aitrail replay ID --trail DIR [options]\n"
    "  ID                  the record to replay (its id, as `aitrail verify`/query print it)\n"
    "  --trail DIR         the trail holding it; the replay is recorded there too\n"
    "  --model M           send to model M instead of the logged one\n"
    "  --upstream URL      where to send it (default https://api.anthropic.com or https://api.openai.com)\n"
    "  --record-to DIR     record the replay in another trail (e.g. while an application writes DIR)\n"
    "  --allow-redacted    send a request whose logged body had values redacted (placeholders included)\n"
    "  --ca-file FILE      extra CA certificate(s) to trust for the upstream (PEM)\n"
    "API keys come from ANTHROPIC_API_KEY or OPENAI_API_KEY and are never recorded.\n"
    "exit status: 0 replayed, 1 the replayed call failed, 2 usage error or the record cannot be replayed\n";

inline int run_replay(args a) {
    std::string id, model, upstream, ca_file;
    std::filesystem::path trail, record_to;
    bool allow_redacted = false;
    while (!a.empty()) {
        const std::string arg = a.next();
        auto value = [&](std::string& out) {
            if (a.empty()) return false;
            out = a.next();
            return true;
        };
        std::string v;
        if (arg == "-h" || arg == "--help") {
            std::printf("%.*s", static_cast<int>(replay_usage.size()), replay_usage.data());
            return ok;
        } else if (arg == "--trail") {
            if (!value(v)) return usage("--trail needs a directory", replay_usage);
            trail = v;
        } else if (arg == "--record-to") {
            if (!value(v)) return usage("--record-to needs a directory", replay_usage);
            record_to = v;
        } else if (arg == "--model") {
            if (!value(model)) return usage("--model needs a name", replay_usage);
        } else if (arg == "--upstream") {
            if (!value(upstream)) return usage("--upstream needs a URL", replay_usage);
        } else if (arg == "--ca-file") {
            if (!value(ca_file)) return usage("--ca-file needs a file", replay_usage);
        } else if (arg == "--allow-redacted") {
            allow_redacted = true;
        } else if (arg.starts_with("--")) {
            return usage("unknown option " + arg, replay_usage);
        } else if (id.empty()) {
            id = arg;
        } else {
            return usage("one record at a time: unexpected '" + arg + "'", replay_usage);
        }
    }
    if (id.empty()) return usage("replay needs a record ID", replay_usage);
    if (trail.empty()) return usage("replay needs --trail DIR", replay_usage);

    try {
        auto original = aitrail::find_entry(std::vector<std::filesystem::path>{trail}, id);
        if (!original) {
            std::fprintf(stderr, "aitrail replay: no record with id %s in %s\n", id.c_str(), trail.string().c_str());
            return usage_error;
        }
        const auto api = aitrail::api_of(original->entry.rec);
        if (!api) throw aitrail::replay_error("record " + id + " is not a call of a known provider API");
        (void)aitrail::replayable_request(*original, allow_redacted);  // refuse before opening anything

        aitrail::replay_options options;
        options.model = model;
        options.allow_redacted = allow_redacted;
        const bool anthropic = *api == aitrail::provider_api::anthropic_messages;
        if (const char* key = std::getenv(anthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY"); key && *key) {
            if (anthropic) options.headers.emplace_back("x-api-key", key);
            else options.headers.emplace_back("authorization", std::string("Bearer ") + key);
        }
        if (anthropic) options.headers.emplace_back("anthropic-version", "2023-06-01");

        aitrail::http_transport_options http;
        http.base_url = !upstream.empty() ? upstream : anthropic ? "https://api.anthropic.com" : "https://api.openai.com";
        http.ca_file = ca_file;
        aitrail::http_transport transport{http};
        aitrail::auditor audit{aitrail::jsonl_storage{record_to.empty() ? trail : record_to}};
        const auto result = aitrail::replay(*original, transport, audit, options);
        audit.flush();
        std::printf("%s", aitrail::format_replay(result).c_str());
        return result.outcome && result.outcome->error ? found_problems : ok;
    } catch (const aitrail::transport_error& e) {
        std::fprintf(stderr, "aitrail replay: the upstream failed (%.*s): %s (recorded in the trail)\n",
                     static_cast<int>(aitrail::to_string(e.failure()).size()), aitrail::to_string(e.failure()).data(),
                     e.what());
        return found_problems;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "aitrail replay: %s\n", e.what());
        return usage_error;
    }
}

}  // namespace aitrail_cli
