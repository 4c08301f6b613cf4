// What the writer does before sealing: fingerprints of the original bodies,
// redaction of content, error message and chosen meta fields, removal of
// credentials, pricing — and a record kept without its bodies when a policy
// fails, instead of lost or stored unredacted.
#include <aitrail/pipeline/prepare.hpp>

#include <doctest/doctest.h>

#include <aitrail/aitrail.hpp>

#include <stdexcept>
#include <string>

namespace prepare_tests {

namespace {

struct fp_key {
    static std::string key() { return std::string(32, 'f'); }
};

struct seed_policy : aitrail::synchronous_policy {
    using redactor = aitrail::redactors::pii<aitrail::redactors::email, aitrail::redactors::phone, aitrail::redactors::ssn,
                                          aitrail::redactors::credit_card, aitrail::redactors::secrets>;
    using redact_meta = aitrail::meta_fields<"note">;
    using fingerprint = aitrail::fingerprinters::keyed<fp_key>;
};

struct missing_key {
    static std::string key() { throw std::runtime_error("fingerprint key is not configured"); }
};
struct broken_policy : seed_policy {
    using fingerprint = aitrail::fingerprinters::keyed<missing_key>;
};

aitrail::pending_entry call() {
    aitrail::pending_entry e;
    e.rec.kind = "llm.call";
    e.rec.model = {"claude-sonnet-4-20250514", "", "anthropic"};
    e.rec.usage = {.input = 1000, .output = 200};
    e.rec.meta = {{"note", "call back at 555-123-4567"}, {"ticket", "555-123-4567"},
                  {"headers", {{"Authorization", "Bearer sk-secret"}, {"x-request-id", "r1"}}}};
    e.rec.error = aitrail::error_info{"provider_error", "quota exceeded for jane.doe@example.com"};
    e.content = {{"input", "Customer: jane.doe@example.com, SSN 123-45-6789"},
                 {"system", "You are a helpful assistant."},
                 {"output", {{"text", "Card 4111 1111 1111 1111 is on file"}}}};
    return e;
}

}  // namespace

TEST_SUITE_BEGIN("prepare");

TEST_CASE("prepare: content, error message and chosen meta fields are redacted with counts") {
    auto e = call();
    aitrail::prepare_entry<seed_policy>(e, {});
    CHECK(e.content["input"] == "Customer: [EMAIL], SSN [SSN]");
    CHECK(e.content["output"]["text"] == "Card [CC] is on file");
    CHECK(e.content["system"] == "You are a helpful assistant.");
    CHECK(e.rec.error->message == "quota exceeded for [EMAIL]");
    CHECK(e.rec.meta["note"] == "call back at [PHONE]");
    CHECK(e.rec.meta["ticket"] == "555-123-4567");  // not a chosen field
    CHECK(e.rec.redactions.at("email") == 2);
    CHECK(e.rec.redactions.at("ssn") == 1);
    CHECK(e.rec.redactions.at("credit_card") == 1);
    CHECK(e.rec.redactions.at("phone") == 1);
}

TEST_CASE("prepare: credential members are removed wherever they are") {
    auto e = call();
    e.content["input"] = {{"headers", {{"x-api-key", "sk-ant-api03-abcdefghijklmnopqrstuvwxyz"}}}, {"prompt", "hi"}};
    aitrail::prepare_entry<seed_policy>(e, {});
    CHECK_FALSE(e.rec.meta["headers"].contains("Authorization"));
    CHECK(e.rec.meta["headers"]["x-request-id"] == "r1");
    CHECK_FALSE(e.content["input"]["headers"].contains("x-api-key"));
    CHECK(e.rec.redactions.at("credential") == 2);
}

TEST_CASE("prepare: fingerprints are keyed and taken from the original, unredacted bodies") {
    auto e = call();
    const std::string original = aitrail::canonicalize(e.content["input"]);
    aitrail::prepare_entry<seed_policy>(e, {});
    const std::string expected = "hmac-sha256:" + aitrail::key_id_of(fp_key::key()) + ":" +
                                 aitrail::detail::to_hex(aitrail::detail::hmac_sha256_of(fp_key::key(), {original}));
    CHECK(e.rec.fingerprints.at("input") == expected);
    CHECK(e.rec.fingerprints.count("system") == 1);
    CHECK(e.rec.fingerprints.count("output") == 0);
}

TEST_CASE("prepare: the record is priced from the built-in table") {
    auto e = call();
    aitrail::prepare_entry<seed_policy>(e, {});
    REQUIRE(e.rec.cost.has_value());
    // claude-sonnet-4: $3/M input, $15/M output: 1000 * 3000 + 200 * 15000 pico-USD.
    CHECK(e.rec.cost->nanos_usd == 6'000'000);
    CHECK(e.rec.meta["cost_provenance"]["model"] == "claude-sonnet-4");
}

TEST_CASE("prepare: a failing policy keeps the record without its bodies") {
    auto e = call();
    const auto why = aitrail::prepare_or_strip<broken_policy>(e, {});
    CHECK(why.find("not configured") != std::string::npos);
    CHECK(e.content.empty());
    CHECK(e.rec.meta["aitrail_prepare_error"].get<std::string>().find("content not stored") != std::string::npos);
}

TEST_CASE("prepare: the auditor stores the redacted bodies, and the digests commit to them") {
    aitrail::memory_storage store;
    {
        aitrail::auditor<seed_policy> audit{store};
        auto scope = audit.scope({.user = "jane"});
        scope.input("mail jane.doe@example.com");
    }
    const auto line = store.lines().back();
    CHECK(line.find("jane.doe@example.com") == std::string::npos);
    CHECK(line.find("[EMAIL]") != std::string::npos);
    CHECK(aitrail::verify(store).ok());
}

TEST_CASE("prepare: trail records are the writer's own and are left alone") {
    aitrail::pending_entry e;
    e.rec.kind = "trail.open";
    e.rec.meta = {{"note", "555-123-4567"}};
    aitrail::prepare_entry<seed_policy>(e, {});
    CHECK(e.rec.meta["note"] == "555-123-4567");
    CHECK(e.rec.redactions.empty());
}

TEST_SUITE_END();

}  // namespace prepare_tests
