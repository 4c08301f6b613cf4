// `aitrail replay`: re-sends a logged request (optionally to another
// model), records the replay next to the original, and prints how the
// answer, tokens, cost and latency changed. Speaks HTTP through Boost.Beast:
// its own translation unit, like proxy.cpp.

#include "commands.hpp"

#include <aitrail/aitrail.hpp>
#include <aitrail/capture/http_transport.hpp>
#include <aitrail/read/replay_report.hpp>

#include <cstdio>      // printf
#include <cstdlib>     // getenv
#include <filesystem>  // path
#include <string>      // string
#include <vector>      // vector

namespace aitrail_cli {

namespace {

/// What `aitrail replay` is asked.
struct replay_settings {
    std::string id, model, upstream, ca_file, trail, record_to;
    bool allow_redacted = false;
};

int run_replay(const replay_settings& s) {
    constexpr std::string_view name = "replay";
    if (s.id.empty()) return usage(name, "replay needs a record ID");
    if (s.trail.empty()) return usage(name, "replay needs --trail DIR");
    const std::filesystem::path trail = s.trail;
    try {
        auto original = aitrail::find_entry(std::vector<std::filesystem::path>{trail}, s.id);
        if (!original) return fail(name, "no record with id " + s.id + " in " + s.trail);
        const auto api = aitrail::api_of(original->entry.rec);
        if (!api) throw aitrail::replay_error("record " + s.id + " is not a call of a known provider API");
        (void)aitrail::replayable_request(*original, s.allow_redacted);  // refuse before opening anything

        aitrail::replay_options options;
        options.model = s.model;
        options.allow_redacted = s.allow_redacted;
        const bool anthropic = *api == aitrail::provider_api::anthropic_messages;
        if (const char* key = std::getenv(anthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY"); key && *key) {
            if (anthropic) options.headers.emplace_back("x-api-key", key);
            else options.headers.emplace_back("authorization", std::string("Bearer ") + key);
        }
        if (anthropic) options.headers.emplace_back("anthropic-version", "2023-06-01");

        aitrail::http_transport_options http;
        http.base_url = !s.upstream.empty() ? s.upstream : anthropic ? "https://api.anthropic.com" : "https://api.openai.com";
        http.ca_file = s.ca_file;
        aitrail::http_transport transport{http};
        aitrail::auditor audit{aitrail::jsonl_storage{s.record_to.empty() ? trail : std::filesystem::path(s.record_to)}};
        const auto result = aitrail::replay(*original, transport, audit, options);
        audit.flush();
        std::printf("%s", aitrail::format_replay(result).c_str());
        return result.outcome && result.outcome->error ? found_problems : ok;
    } catch (const aitrail::transport_error& e) {
        std::fprintf(stderr, "aitrail replay: the upstream failed (%.*s): %s (recorded in the trail)\n",
                     static_cast<int>(aitrail::to_string(e.failure()).size()), aitrail::to_string(e.failure()).data(),
                     e.what());
        return found_problems;
    }
}

}  // namespace

runner add_replay(CLI::App& app) {
    const auto [cmd, s] = add_command<replay_settings>(
        app, "replay", "Re-send a logged request (optionally to another model) and compare the answers",
        footer("  aitrail replay 019a4f5e-7c1d-7b2e-9a31-2f6c0d8e4b17 --trail trails/app --model gpt-4.1-mini\n"
               "API keys come from ANTHROPIC_API_KEY or OPENAI_API_KEY and are never recorded.",
               "exit status: 0 replayed, 1 the replayed call failed, 2 usage error or the record cannot be replayed"));
    cmd->add_option("ID", s->id, "the record to replay (its id, as query and show print it)");
    add_trail(*cmd, s->trail, "the trail holding it (a JSONL directory); the replay is recorded there too")
        ->type_name("DIR");
    cmd->add_option("--model", s->model, "send to model M instead of the logged one")->type_name("M");
    cmd->add_option("--upstream", s->upstream,
                    "where to send it (default https://api.anthropic.com or https://api.openai.com)")
        ->type_name("URL");
    cmd->add_option("--record-to", s->record_to, "record the replay in another trail (e.g. while an application writes DIR)")
        ->type_name("DIR");
    cmd->add_flag("--allow-redacted", s->allow_redacted,
                  "send a request whose logged body had values redacted (placeholders included)");
    cmd->add_option("--ca-file", s->ca_file, "extra CA certificate(s) to trust for the upstream (PEM)")->type_name("FILE");
    return [s] { return run_replay(*s); };
}

}  // namespace aitrail_cli
