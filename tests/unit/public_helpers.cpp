// Public helpers the tool, examples and benchmarks use instead of the
// internals: digests and hex (integrity/hasher.hpp), a stored line back into
// a sealed entry (integrity/sealed_entry.hpp), JSON redaction with a policy
// (pipeline/redact_json.hpp) and reading one entry by id (read/find_entry.hpp).
#include <aitrail/integrity/hasher.hpp>

#include <doctest/doctest.h>

#include <aitrail/integrity/sealed_entry.hpp>
#include <aitrail/record/timestamp.hpp>
#include <aitrail/pipeline/redact_json.hpp>
#include <aitrail/read/find_entry.hpp>

#include "support/report_trails.hpp"

#include <map>     // map
#include <string>  // string

namespace public_helpers_tests {

TEST_CASE("sha256_digest, hmac_sha256_digest and to_hex give the standard vectors") {
    CHECK(aitrail::to_hex(aitrail::sha256_digest("abc")) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // RFC 4231 test case 2.
    CHECK(aitrail::to_hex(aitrail::hmac_sha256_digest("Jefe", "what do ya want for nothing?")) ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(aitrail::sha256_digest("abc") == aitrail::hashers::sha256{}({"a", "bc"}));
}

TEST_CASE("redact_json removes credentials and redacts strings, keeping the structure") {
    namespace r = aitrail::redactors;
    auto doc = nlohmann::json::parse(
        R"({"headers": {"Authorization": "Bearer sk-x"}, "messages": [{"content": "mail jane.doe@example.com"}], "n": 3})");
    std::map<std::string, std::int64_t> counts;
    aitrail::redact_json<r::pii<r::email>>(doc, counts);
    CHECK_FALSE(doc["headers"].contains("Authorization"));
    CHECK(doc["messages"][0]["content"].get<std::string>().find("jane.doe") == std::string::npos);
    CHECK(doc["n"] == 3);
    CHECK(counts["credential"] == 1);
    CHECK(counts["email"] == 1);
}

TEST_CASE("sealed_entry_from_line and entry_with_id read back what the writer stored") {
    aitrail_test::trail_builder b;
    b.add({.ts = "2026-11-01T09:00:00Z", .user = "jane", .model = "m", .cost_nanos = 1000});
    const auto lines = b.trail().lines();
    REQUIRE(!lines.empty());
    const auto e = aitrail::sealed_entry_from_line(lines.back());
    REQUIRE(e);
    CHECK(e->seq == lines.size() - 1);
    CHECK(e->line == lines.back());
    CHECK(e->hash.size() == 64);
    CHECK(aitrail::to_rfc3339(e->ts) == "2026-11-01T09:00:00.000000Z");
    CHECK_FALSE(aitrail::sealed_entry_from_line("not a trail line"));

    const auto id = nlohmann::json::parse(lines.back())["rec"]["id"].get<std::string>();
    const aitrail::stored_line l{lines.back(), "memory", lines.size()};
    const auto found = aitrail::entry_with_id(l, id);
    REQUIRE(found);
    CHECK(found->hash == e->hash);
    CHECK(found->problems.empty());
    CHECK_FALSE(aitrail::entry_with_id(l, "another-id"));
}

}  // namespace public_helpers_tests
