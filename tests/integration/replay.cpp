// Replay: a logged call is re-sent from the trail's own bytes (optionally
// to another model), recorded as a new record citing the original, and
// compared; records that cannot be replayed faithfully are refused.

#include <aitrail/read/replay.hpp>

#include <doctest/doctest.h>

#include <aitrail/capture/auditor.hpp>
#include <aitrail/capture/http_transport.hpp>
#include <aitrail/read/replay_report.hpp>
#include <aitrail/read/verify.hpp>
#include <aitrail/storage/jsonl_storage.hpp>
#include <aitrail/storage/memory_storage.hpp>

#include "support/emulator_process.hpp"
#include "support/shell.hpp"
#include "support/temp_dir.hpp"

#include <filesystem>  // path
#include <string>      // string

namespace replay_tests {

namespace {

using json = nlohmann::json;
using audit_t = aitrail::auditor<aitrail::synchronous_policy>;

const json request = {{"model", "claude-3-5-haiku-20241022"},
                      {"max_tokens", 64},
                      {"messages", {{{"role", "user"}, {"content", "Name three primes"}}}}};

/// Sends `req` through an audited client of `api` to the upstream behind
/// `http`, recording the call in the JSONL trail in `dir` (closed again on
/// return, so the trail is complete); returns the record's id.
std::string record_call(const std::filesystem::path& dir, aitrail::http_transport& http, aitrail::provider_api api,
                        const json& req, const aitrail::call_context& ctx = {}) {
    audit_t audit{aitrail::jsonl_storage{dir}};
    aitrail::audited_client client{http, audit, api};
    return client.create(req, ctx).audit_id;
}

std::string run(const std::string& command, int& exit_code) {
    auto r = aitrail_test::run_shell(command + " 2>&1");
    exit_code = r.exit_code;
    return r.out;
}

}  // namespace

TEST_SUITE_BEGIN("replay");

TEST_CASE("replay: re-sends the logged request to another model and cites the original") {
    aitrail_test::temp_dir dir("replay");
    aitrail_test::emulator_process upstream;
    aitrail::http_transport http{{.base_url = upstream.base_url()}};
    const std::string id = record_call(dir.path(), http, aitrail::provider_api::anthropic_messages, request,
                                       {.user = "user_7", .tags = {"nightly"}});
    const auto original = aitrail::find_entry({dir.path()}, id);
    REQUIRE(original);
    CHECK(original->problems.empty());
    CHECK(original->entry.rec.user == "user_7");
    CHECK(original->hash.size() == 64);

    aitrail::replay_result r;
    {
        audit_t audit{aitrail::jsonl_storage{dir.path()}};
        r = aitrail::replay(*original, http, audit, {.model = "claude-sonnet-4-5"});
    }
    CHECK(r.response.status == 200);
    REQUIRE(r.outcome);
    CHECK(r.outcome->model == "claude-sonnet-4-5");
    const json sent = json::parse(json::parse(
        [&] { int c; return run("curl -sS '" + upstream.base_url() + "/_emulator/last_request'", c); }())["body"]
                                      .get<std::string>());
    json expected = request;
    expected["model"] = "claude-sonnet-4-5";
    CHECK(sent == expected);  // the logged request, only the model changed

    const auto replayed = aitrail::find_entry({dir.path()}, r.replay_id);
    REQUIRE(replayed);
    const auto& meta = replayed->entry.rec.meta;
    CHECK(meta["replay_of"] == json{{"id", id}, {"hash", original->hash}});
    CHECK(replayed->entry.rec.user == "user_7");
    CHECK(replayed->entry.rec.tags == std::vector<std::string>{"nightly", "replay"});
    CHECK(aitrail::verify_paths({dir.path()}).ok());

    const std::string report = aitrail::format_replay(r);
    CHECK(report.find("model: claude-3-5-haiku-20241022 -> claude-sonnet-4-5") != std::string::npos);
    CHECK(report.find("output: identical") != std::string::npos);  // the emulator echoes the prompt
    CHECK(report.find("input tokens") != std::string::npos);
    CHECK(report.find("cost (USD)") != std::string::npos);
    CHECK(report.find("latency (ms)") != std::string::npos);
}

TEST_CASE("replay: a streamed call is replayed as a stream") {
    aitrail_test::emulator_process upstream;
    aitrail::http_transport http{{.base_url = upstream.base_url()}};
    audit_t audit{aitrail::memory_storage{}};
    aitrail::memory_storage store;
    audit_t logged{store};
    aitrail::audited_client client{http, logged, aitrail::provider_api::openai_chat};
    const json chat = {{"model", "gpt-4o-mini"}, {"messages", {{{"role", "user"}, {"content", "stream me"}}}}};
    const auto id = client.stream(chat, [](std::string_view) {}).audit_id;
    const auto original = aitrail::find_entry(store, id);
    REQUIRE(original);
    const auto r = aitrail::replay(*original, http, audit);
    REQUIRE(r.outcome);
    CHECK(r.outcome->source == aitrail::usage_source::provider);
    CHECK(r.response.body.find("data: [DONE]") != std::string::npos);
    CHECK(aitrail::output_text(aitrail::provider_api::openai_chat, r.outcome->output) == "Echo: stream me");
}

TEST_CASE("replay: records that cannot be replayed exactly are refused, saying why") {
    aitrail::found_entry f;
    f.entry.rec.id = "0190-test";
    f.entry.rec.action = "messages.create";
    f.source = "trail-0000000000000000-20261122.jsonl";
    f.line_no = 7;
    SUBCASE("the body was not stored") {
        f.entry.rec.meta = {{"aitrail_prepare_error", "key source unavailable (content not stored)"}};
        CHECK_THROWS_WITH_AS(aitrail::replayable_request(f),
                             doctest::Contains("record 0190-test (trail-0000000000000000-20261122.jsonl:7) cannot be "
                                               "replayed: its request body was not stored"),
                             aitrail::replay_error);
    }
    SUBCASE("values were redacted from it") {
        f.entry.content = {{"input", request}};
        f.entry.rec.redactions = {{"email", 2}, {"credential", 1}};
        CHECK_THROWS_WITH_AS(aitrail::replayable_request(f), doctest::Contains("values were redacted from it (email 2)"),
                             aitrail::replay_error);
        CHECK(aitrail::replayable_request(f, true) == request);  // when asked to, placeholders and all
    }
    SUBCASE("the stored line fails its digest") {
        f.entry.content = {{"input", request}};
        f.problems.push_back({aitrail::problem_kind::content_modified, "content digest mismatch"});
        CHECK_THROWS_WITH_AS(aitrail::replayable_request(f), doctest::Contains("fails verification"),
                             aitrail::replay_error);
    }
}

TEST_CASE("replay: aitrail replay prints the comparison and records the replay in the trail") {
    aitrail_test::temp_dir dir("replay-cli");
    aitrail_test::emulator_process upstream;
    aitrail::http_transport http{{.base_url = upstream.base_url()}};
    const std::string id =
        record_call(dir.path(), http, aitrail::provider_api::openai_responses, {{"model", "gpt-5.4"}, {"input", "compare me"}});
    int code = 0;
    const std::string out = run(std::string("'") + AITRAIL_TOOL_PATH + "' replay " + id + " --trail '" +
                                    dir.path().string() + "' --upstream " + upstream.base_url() + " --model gpt-5.4-mini",
                                code);
    CHECK(code == 0);
    CHECK(out.find("replay ") == 0);
    CHECK(out.find("gpt-5.4 -> gpt-5.4-mini") != std::string::npos);
    CHECK(out.find("output tokens") != std::string::npos);
    CHECK(aitrail::verify_paths({dir.path()}).ok());

    const std::string missing = run(std::string("'") + AITRAIL_TOOL_PATH + "' replay 0000-nope --trail '" +
                                        dir.path().string() + "'",
                                    code);
    CHECK(code == 2);
    CHECK(missing.find("no record with id 0000-nope") != std::string::npos);
}

TEST_SUITE_END();

}  // namespace replay_tests
