#include <aitrail/capture/audit_scope.hpp>

#include <doctest/doctest.h>

#include "support/stored_entries.hpp"

#include <aitrail/capture/auditor.hpp>
#include <aitrail/detail/hex.hpp>
#include <aitrail/detail/openssl.hpp>
#include <aitrail/integrity/jcs.hpp>
#include <aitrail/read/verify.hpp>
#include <aitrail/storage/memory_storage.hpp>

#include <chrono>     // milliseconds
#include <cstdint>    // int64_t, uint64_t
#include <set>        // set
#include <stdexcept>  // runtime_error, logic_error, invalid_argument
#include <string>     // string
#include <thread>     // thread, sleep_for
#include <vector>     // vector

namespace audit_scope_tests {

namespace {

using aitrail::memory_storage;
using json = nlohmann::json;
// Synchronous: these tests look at the record as soon as the scope ends.
using audit_t = aitrail::auditor<aitrail::synchronous_policy>;

/// Every stored line, parsed.
std::vector<json> entries(const memory_storage& storage) {
    std::vector<json> out;
    for (const auto& line : storage.lines()) out.push_back(json::parse(line));
    return out;
}

/// The `rec` of the last stored line.
json last_rec(const memory_storage& storage) { return aitrail_test::last_entry(storage)["rec"]; }

/// Checks that the last record has `status` and the error `type`: `message`.
void check_last_outcome(const memory_storage& storage, const char* status, const char* type, const char* message) {
    const json rec = last_rec(storage);
    CHECK(rec["status"] == status);
    CHECK(rec["error"] == json{{"type", type}, {"message", message}});
}

std::string sha_hex(const std::string& bytes) {
    return aitrail::detail::to_hex(aitrail::detail::sha256_of({bytes}));
}

bool is_uuid_v7(const std::string& id) {
    if (id.size() != 36) return false;
    for (std::size_t i = 0; i < id.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash != (id[i] == '-')) return false;
        if (!dash && !((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f'))) return false;
    }
    const char variant = id[19];
    return id[14] == '7' && (variant == '8' || variant == '9' || variant == 'a' || variant == 'b');
}

/// An auditor whose errors fail the test instead of going to stderr.
aitrail::writer_options strict_options() {
    aitrail::writer_options o;
    o.on_error = [](const std::string& message) { FAIL_CHECK("unexpected writer error: ", message); };
    return o;
}

}  // namespace

TEST_SUITE_BEGIN("audit_scope");

TEST_CASE("audit_scope: first line is trail.open") {
    memory_storage storage;
    auto options = strict_options();
    options.trail_id = "trail-under-test";
    audit_t audit{storage, options};
    CHECK(audit.trail_id() == "trail-under-test");

    const auto all = entries(storage);
    REQUIRE(all.size() == 1);
    CHECK(all[0]["seq"] == 0);
    CHECK(all[0]["prev"] == std::string(64, '0'));
    const json& rec = all[0]["rec"];
    CHECK(rec["kind"] == "trail.open");
    CHECK(rec["status"] == "ok");
    CHECK(is_uuid_v7(rec["id"].get<std::string>()));
    CHECK(rec["meta"] == json{{"trail_id", "trail-under-test"},
                              {"hasher", "sha256"},
                              {"producer", "aitrail-cpp/" AITRAIL_VERSION_STRING},
                              {"format", 1}});
    CHECK(std::string(aitrail::producer_name) == "aitrail-cpp/" AITRAIL_VERSION_STRING);
}

TEST_CASE("audit_scope: trail id defaults to a UUIDv7") {
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    CHECK(is_uuid_v7(audit.trail_id()));
    CHECK(entries(storage)[0]["rec"]["meta"]["trail_id"] == audit.trail_id());
}

TEST_CASE("audit_scope: a normal scope records ok with bodies and digests") {
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    {
        auto scope = audit.scope({.kind = "ml.prediction",
                                  .action = "predict",
                                  .user = "analyst_jane",
                                  .model = {"fraud_detector", "v3.2.1", "local"},
                                  .tags = {"batch"},
                                  .meta = {{"tenant", "acme"}}});
        scope.input({{"amount", 120}, {"country", "DE"}});
        scope.output({{"fraud", false}, {"score", 3}});
        scope.system("be careful");
        scope.content("retrieved", json::array({"doc1", "doc2"}));
    }
    const auto all = entries(storage);
    REQUIRE(all.size() == 2);
    const json& e = all[1];
    CHECK(e["seq"] == 1);
    CHECK(e["prev"] == all[0]["hash"]);
    const json& rec = e["rec"];
    CHECK(rec["kind"] == "ml.prediction");
    CHECK(rec["action"] == "predict");
    CHECK(rec["user"] == "analyst_jane");
    CHECK(rec["model"] == json{{"name", "fraud_detector"}, {"version", "v3.2.1"}, {"provider", "local"}});
    CHECK(rec["tags"] == json::array({"batch"}));
    CHECK(rec["meta"] == json{{"tenant", "acme"}});
    CHECK(rec["status"] == "ok");
    CHECK_FALSE(rec.contains("error"));
    REQUIRE(rec.contains("latency_us"));
    CHECK(rec["latency_us"].get<std::int64_t>() >= 0);
    CHECK(e["content"] == json{{"input", {{"amount", 120}, {"country", "DE"}}},
                               {"output", {{"fraud", false}, {"score", 3}}},
                               {"system", "be careful"},
                               {"retrieved", {"doc1", "doc2"}}});
    CHECK(rec["digests"].size() == 4);
    CHECK(rec["digests"]["input"] == sha_hex(R"({"amount":120,"country":"DE"})"));
    CHECK(rec["digests"]["output"] == sha_hex(R"({"fraud":false,"score":3})"));
    CHECK(rec["digests"]["system"] == sha_hex(R"("be careful")"));
    CHECK(rec["digests"]["retrieved"] == sha_hex(R"(["doc1","doc2"])"));
}

TEST_CASE("audit_scope: non-object meta option becomes an empty object") {
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    { auto scope = audit.scope({.meta = json::array({1})}); }
    CHECK_FALSE(last_rec(storage).contains("meta"));
}

TEST_CASE("audit_scope: run() records a thrown exception and rethrows") {
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    {
        auto scope = audit.scope();
        CHECK_THROWS_WITH_AS(scope.run([] { throw std::runtime_error("upstream timeout"); }), "upstream timeout",
                             std::runtime_error);
    }
    check_last_outcome(storage, "error", "std::runtime_error", "upstream timeout");
}

TEST_CASE("audit_scope: run() through unwinding keeps the exception's type") {
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    try {
        auto scope = audit.scope();
        scope.run([](aitrail::audit_scope&) { throw std::invalid_argument("bad prompt"); });
    } catch (const std::invalid_argument&) {
    }
    check_last_outcome(storage, "error", "std::invalid_argument", "bad prompt");
}

TEST_CASE("audit_scope: run() returns the callable's result") {
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    {
        auto scope = audit.scope();
        const int plain = scope.run([] { return 41; });
        const int with_scope = scope.run([](aitrail::audit_scope& s) {
            s.tag("inside");
            return 42;
        });
        CHECK(plain == 41);
        CHECK(with_scope == 42);
    }
    const json rec = last_rec(storage);
    CHECK(rec["status"] == "ok");
    CHECK(rec["tags"] == json::array({"inside"}));
}

TEST_CASE("audit_scope: run() records a non-standard exception") {
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    {
        auto scope = audit.scope();
        CHECK_THROWS_AS(scope.run([] { throw 7; }), int);
    }
    const json rec = last_rec(storage);
    CHECK(rec["status"] == "error");
    CHECK(rec["error"]["type"] == "unknown");
}

TEST_CASE("audit_scope: an exception unwinding without run() still records an error") {
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    try {
        auto scope = audit.scope({.action = "messages.create"});
        scope.input("prompt");
        throw std::logic_error("not recorded by type");
    } catch (const std::logic_error&) {
    }
    const auto all = entries(storage);
    REQUIRE(all.size() == 2);
    const json& rec = all[1]["rec"];
    CHECK(rec["action"] == "messages.create");
    CHECK(rec["status"] == "error");
    CHECK(rec["error"]["type"] == "exception");
    CHECK(rec["error"]["message"].get<std::string>().find("an exception propagated") != std::string::npos);
    CHECK(all[1]["content"]["input"] == "prompt");
}

TEST_CASE("audit_scope: a scope created during unwinding records ok") {
    // uncaught_exceptions() is compared with its value at construction, so a
    // scope used inside a destructor during unwinding is not mistaken for a failure.
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    struct audits_on_destruction {
        audit_t& a;
        ~audits_on_destruction() { auto scope = a.scope({.action = "cleanup"}); }
    };
    try {
        audits_on_destruction guard{audit};
        throw std::runtime_error("x");
    } catch (const std::runtime_error&) {
    }
    const json rec = last_rec(storage);
    CHECK(rec["action"] == "cleanup");
    CHECK(rec["status"] == "ok");
}

TEST_CASE("audit_scope: fail() records type and message") {
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    {
        auto scope = audit.scope();
        scope.fail(std::invalid_argument("bad input"));
    }
    CHECK(last_rec(storage)["error"] == json{{"type", "std::invalid_argument"}, {"message", "bad input"}});
    CHECK(last_rec(storage)["status"] == "error");
    {
        auto scope = audit.scope();
        scope.fail("http_429", "rate limited by provider");
    }
    CHECK(last_rec(storage)["error"] == json{{"type", "http_429"}, {"message", "rate limited by provider"}});
}

TEST_CASE("audit_scope: block() records blocked with the reason") {
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    {
        auto scope = audit.scope();
        scope.block("prompt injection detected");
    }
    check_last_outcome(storage, "blocked", "blocked", "prompt injection detected");
}

TEST_CASE("audit_scope: an explicit outcome survives unwinding") {
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    // Sets an outcome on a new scope, then throws through it.
    const auto unwind_after = [&](const auto& set_outcome) {
        try {
            auto scope = audit.scope();
            set_outcome(scope);
            throw std::runtime_error("after the call completed");
        } catch (const std::runtime_error&) {
        }
    };
    unwind_after([](aitrail::audit_scope& scope) { scope.status(aitrail::record_status::ok); });
    CHECK(last_rec(storage)["status"] == "ok");
    CHECK_FALSE(last_rec(storage).contains("error"));

    unwind_after([](aitrail::audit_scope& scope) { scope.block("policy"); });
    CHECK(last_rec(storage)["status"] == "blocked");
    CHECK(last_rec(storage)["error"]["message"] == "policy");

    unwind_after([](aitrail::audit_scope& scope) { scope.fail(std::out_of_range("index 9")); });
    CHECK(last_rec(storage)["error"] == json{{"type", "std::out_of_range"}, {"message", "index 9"}});
}

TEST_CASE("audit_scope: mark() records events in order") {
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    {
        auto scope = audit.scope();
        scope.mark("authorized");
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        scope.mark("first_token");
        scope.mark("last_token");
    }
    const json rec = last_rec(storage);
    const json& events = rec["events"];
    REQUIRE(events.size() == 3);
    CHECK(events[0]["name"] == "authorized");
    CHECK(events[1]["name"] == "first_token");
    CHECK(events[2]["name"] == "last_token");
    const auto t0 = events[0]["t_us"].get<std::int64_t>();
    const auto t1 = events[1]["t_us"].get<std::int64_t>();
    const auto t2 = events[2]["t_us"].get<std::int64_t>();
    CHECK(t0 >= 0);
    CHECK(t1 >= t0 + 2000);
    CHECK(t2 >= t1);
    CHECK(rec["latency_us"].get<std::int64_t>() >= t2);
}

TEST_CASE("audit_scope: finish() early writes once") {
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    {
        auto scope = audit.scope({.action = "early"});
        scope.finish();
        CHECK(storage.lines().size() == 2);
        scope.finish();
        CHECK(storage.lines().size() == 2);
    }
    CHECK(storage.lines().size() == 2);
    CHECK(last_rec(storage)["action"] == "early");
    CHECK(audit.metrics().written == 2);
}

TEST_CASE("audit_scope: setters appear in the record") {
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    {
        auto scope = audit.scope({.model = {"router", "", ""}, .tags = {"opt"}, .meta = {{"from_options", 1}}});
        aitrail::token_usage usage;
        usage.input = 120;
        usage.output = 30;
        usage.cache_read = 0;
        scope.tag("added")
            .meta("request_id", "req-7")
            .meta("nested", {{"k", {1, 2}}})
            .usage(usage)
            .stop_reason("end_turn")
            .model({"claude-sonnet", "2025", "anthropic"})
            .cost({2500, "list-2026"});
        scope.record().fingerprints["system"] = std::string(64, 'f');
    }
    const json rec = last_rec(storage);
    CHECK(rec["tags"] == json::array({"opt", "added"}));
    CHECK(rec["meta"] == json{{"from_options", 1}, {"request_id", "req-7"}, {"nested", {{"k", {1, 2}}}}});
    CHECK(rec["usage"] == json{{"input_tokens", 120}, {"output_tokens", 30}, {"cache_read_tokens", 0}});
    CHECK(rec["stop_reason"] == "end_turn");
    CHECK(rec["model"] == json{{"name", "claude-sonnet"}, {"version", "2025"}, {"provider", "anthropic"}});
    CHECK(rec["cost"] == json{{"nanos_usd", 2500}, {"pricing", "list-2026"}});
    CHECK(rec["fingerprints"] == json{{"system", std::string(64, 'f')}});
    CHECK(rec["kind"] == "llm.call");
}

TEST_CASE("audit_scope: id() is the record's UUIDv7") {
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    std::string id;
    {
        auto scope = audit.scope();
        id = scope.id();
    }
    CHECK(is_uuid_v7(id));
    CHECK(last_rec(storage)["id"] == id);
}

TEST_CASE("audit_scope: ids of consecutive scopes increase") {
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    std::vector<std::string> ids;
    for (int i = 0; i < 200; ++i) {
        auto scope = audit.scope();
        scope.input(i);
        ids.push_back(scope.id());
    }
    for (std::size_t i = 1; i < ids.size(); ++i) {
        INFO("ids ", i - 1, " and ", i, ": ", ids[i - 1], " ", ids[i]);
        CHECK(ids[i - 1] < ids[i]);
    }
}

TEST_CASE("audit_scope: ids order like their timestamps") {
    // The id embeds ts (48-bit ms, then 12 bits of sub-millisecond time), so
    // a later ts always means a larger id, whatever the random tail.
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    for (int i = 0; i < 500; ++i) { auto scope = audit.scope(); }
    const auto all = entries(storage);
    int compared = 0;
    for (std::size_t i = 2; i < all.size(); ++i) {
        const auto& a = all[i - 1]["rec"];
        const auto& b = all[i]["rec"];
        const auto ts_a = a["ts"].get<std::string>(), ts_b = b["ts"].get<std::string>();
        if (ts_a < ts_b) {  // system_clock may step back; only ordered pairs say anything
            INFO(ts_a, " ", a["id"], " / ", ts_b, " ", b["id"]);
            CHECK(a["id"].get<std::string>() < b["id"].get<std::string>());
            ++compared;
        }
    }
    CHECK(compared > 0);
    // The first 48 bits are the Unix time in milliseconds.
    const auto rec = all.back()["rec"];
    const auto ts = aitrail::detail::parse_rfc3339(rec["ts"].get<std::string>());
    REQUIRE(ts);
    const auto ms = static_cast<std::uint64_t>(ts->time_since_epoch().count() / 1000);
    const std::string id = rec["id"];
    CHECK(std::stoull(id.substr(0, 8) + id.substr(9, 4), nullptr, 16) == ms);
}

TEST_CASE("audit_scope: an auditor on a non-empty trail resumes it") {
    memory_storage storage;
    std::string trail_id;
    {
        audit_t audit{storage, strict_options()};
        trail_id = audit.trail_id();
        { auto scope = audit.scope({.action = "first"}); }
        { auto scope = audit.scope({.action = "second"}); }
    }
    REQUIRE(storage.lines().size() == 3);
    {
        audit_t audit{storage, strict_options()};
        { auto scope = audit.scope({.action = "third"}); }
    }
    const auto all = entries(storage);
    REQUIRE(all.size() == 5);
    CHECK(all[3]["seq"] == 3);
    CHECK(all[3]["prev"] == all[2]["hash"]);
    CHECK(all[3]["rec"]["kind"] == "trail.resume");
    CHECK(all[3]["rec"]["meta"] ==
          json{{"hasher", "sha256"}, {"producer", aitrail::producer_name}, {"format", 1}, {"resumed_at_seq", 3}});
    CHECK(all[4]["seq"] == 4);
    CHECK(all[4]["prev"] == all[3]["hash"]);
    CHECK(all[4]["rec"]["action"] == "third");
    const auto report = aitrail::verify(storage);
    CHECK(report.ok());
    CHECK(report.entries == 5);
    CHECK(report.trail_id == trail_id);
}

TEST_CASE("audit_scope: 8 threads x 500 scopes make one contiguous chain") {
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    constexpr int threads = 8, per_thread = 500;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&audit, t] {
            for (int i = 0; i < per_thread; ++i) {
                auto scope = audit.scope({.user = "thread-" + std::to_string(t)});
                scope.input({{"i", i}});
                scope.output(i * 2);
            }
        });
    }
    for (auto& w : workers) w.join();

    const auto lines = storage.lines();
    REQUIRE(lines.size() == 1 + threads * per_thread);
    std::set<std::string> ids;
    std::vector<int> per_user(threads, 0);
    std::string prev(64, '0');
    bool chained = true;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const json e = json::parse(lines[i]);
        if (e["seq"].get<std::uint64_t>() != i || e["prev"] != prev) chained = false;
        prev = e["hash"].get<std::string>();
        ids.insert(e["rec"]["id"].get<std::string>());
        if (i > 0) ++per_user.at(std::stoul(e["rec"]["user"].get<std::string>().substr(7)));
    }
    CHECK(chained);
    CHECK(ids.size() == lines.size());
    for (int t = 0; t < threads; ++t) CHECK(per_user[static_cast<std::size_t>(t)] == per_thread);
    const auto m = audit.metrics();
    CHECK(m.written == lines.size());
    CHECK(m.enqueued == lines.size());
    CHECK(m.pending == 0);
    CHECK(aitrail::verify(storage).ok());
}

TEST_SUITE_END();

}  // namespace audit_scope_tests
