// An LLM call through audited_client: the application sends requests and
// reads answers as with any HTTP client; every call lands in the trail with
// its usage, cost, latency, time to first token and errors.
//
//   ANTHROPIC_API_KEY=... build/examples/06_audited_client
//   # or against a local stand-in of the API:
//   build/tools/aitrail-emulator --listen 127.0.0.1:8080 &
//   ANTHROPIC_BASE_URL=http://127.0.0.1:8080 build/examples/06_audited_client

#include <aitrail/aitrail.hpp>
#include <aitrail/capture/http_transport.hpp>

#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
    const char* base = std::getenv("ANTHROPIC_BASE_URL");
    const char* key = std::getenv("ANTHROPIC_API_KEY");
    aitrail::http_transport http{{
        .base_url = base ? base : "https://api.anthropic.com",
        .default_headers = {{"x-api-key", key ? key : ""}, {"anthropic-version", "2023-06-01"}},
    }};
    aitrail::auditor audit{aitrail::jsonl_storage{argc > 1 ? argv[1] : "client-trail"}};
    aitrail::audited_client claude{http, audit, aitrail::provider_api::anthropic_messages};

    const nlohmann::json request = {
        {"model", "claude-sonnet-4-5"},
        {"max_tokens", 256},
        {"messages", {{{"role", "user"}, {"content", "Summarize our refund policy in one sentence."}}}}};
    try {
        // One call, answered whole: the body is the provider's, unchanged.
        auto answer = claude.create(request, {.user = "user_123", .tags = {"support", "prompt-v2"}});
        std::cout << answer.status << " " << answer.body << "\n(audit id " << answer.audit_id << ")\n";

        // The same call streamed: chunks reach the application as they arrive.
        claude.stream(request, [](std::string_view chunk) { std::cout << chunk << std::flush; },
                      {.user = "user_123", .tags = {"support", "prompt-v2", "streamed"}});
    } catch (const aitrail::transport_error& e) {
        std::cerr << "the call failed (" << aitrail::to_string(e.failure()) << "): " << e.what()
                  << " -- it is recorded in the trail all the same\n";
        return 1;
    }
}
