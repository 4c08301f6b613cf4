// A keyed chain (HMAC-SHA256): verifiable with the key, refused without it or
// with the wrong one, and a rewrite by someone without the key is detected.
#include <aitrail/integrity/hasher.hpp>

#include <doctest/doctest.h>

#include <aitrail/aitrail.hpp>

#include <cstdlib>
#include <string>
#include <vector>

namespace keyed_hasher_tests {

namespace {

const std::string trail_key(32, 'k');

struct test_key {
    static std::string key() { return trail_key; }
};

struct keyed_policy : aitrail::synchronous_policy {
    using hasher = aitrail::hashers::hmac_sha256<test_key>;
};

std::vector<std::string> write_keyed_trail() {
    aitrail::memory_storage store;
    {
        aitrail::auditor<keyed_policy> audit{store};
        for (int i = 0; i < 5; ++i) {
            auto scope = audit.scope({.user = "user-" + std::to_string(i)});
            scope.input("prompt " + std::to_string(i));
        }
    }
    return store.lines();
}

aitrail::verify_report verify_lines(std::vector<std::string> lines, std::optional<std::string> key) {
    aitrail::memory_storage store;
    store.set_lines(std::move(lines));
    aitrail::verify_options options;
    options.key = std::move(key);
    return aitrail::verify(store, options);
}

}  // namespace

TEST_SUITE_BEGIN("keyed_hasher");

TEST_CASE("keyed hasher: trail.open names the hasher and the key id, never the key") {
    const auto lines = write_keyed_trail();
    const auto open = nlohmann::json::parse(lines.front())["rec"]["meta"];
    CHECK(open["hasher"] == "hmac-sha256");
    CHECK(open["key_id"] == aitrail::key_id_of(trail_key));
    CHECK(open["key_id"].get<std::string>().size() == 16);
    for (const auto& l : lines) CHECK(l.find(trail_key) == std::string::npos);
}

TEST_CASE("keyed hasher: verifies with the key") {
    const auto report = verify_lines(write_keyed_trail(), trail_key);
    CHECK(report.ok());
    CHECK(report.entries == 6);
    CHECK(report.hasher == "hmac-sha256");
}

TEST_CASE("keyed hasher: without the key the trail is unverifiable, not valid") {
    const auto report = verify_lines(write_keyed_trail(), std::nullopt);
    REQUIRE_FALSE(report.ok());
    CHECK(report.problems.front().kind == aitrail::problem_kind::unverifiable);
    CHECK(report.problems.front().detail.find("--key-file") != std::string::npos);
}

TEST_CASE("keyed hasher: the wrong key is named by its id") {
    const auto report = verify_lines(write_keyed_trail(), std::string(32, 'x'));
    REQUIRE_FALSE(report.ok());
    CHECK(report.problems.front().kind == aitrail::problem_kind::unverifiable);
    CHECK(report.problems.front().detail.find(aitrail::key_id_of(std::string(32, 'x'))) != std::string::npos);
}

TEST_CASE("keyed hasher: a rewrite without the key does not verify") {
    // The forger edits a record and recomputes the entry hash the only way
    // they can: with plain SHA-256. Under the key it no longer matches.
    auto lines = write_keyed_trail();
    auto entry = nlohmann::json::parse(lines[3]);
    entry["rec"]["user"] = "someone-else";
    auto hashed = entry;
    hashed.erase("hash");
    hashed.erase("content");
    entry["hash"] = aitrail::detail::to_hex(aitrail::detail::sha256_of({aitrail::canonicalize(hashed)}));
    lines[3] = aitrail::canonicalize(entry);
    const auto report = verify_lines(lines, trail_key);
    REQUIRE_FALSE(report.ok());
    CHECK(report.problems.front().kind == aitrail::problem_kind::record_modified);
    CHECK(report.problems.front().line_no == 4);
}

TEST_CASE("keyed hasher: key material is hex or raw bytes, and short keys are refused") {
    CHECK(aitrail::parse_key_material(std::string(64, 'a') + "\n", "test") == std::string(32, '\xaa'));
    CHECK(aitrail::parse_key_material("a raw passphrase of enough bytes", "test") == "a raw passphrase of enough bytes");
    CHECK_THROWS_WITH(aitrail::parse_key_material("short", "test"), doctest::Contains("at least 16"));
}

TEST_CASE("keyed hasher: a key source from the environment names the variable when unset") {
    using env_key = aitrail::keys::from_env<"AITRAIL_TEST_UNSET_KEY_VARIABLE">;
    ::unsetenv("AITRAIL_TEST_UNSET_KEY_VARIABLE");
    CHECK_THROWS_WITH(env_key::key(), doctest::Contains("AITRAIL_TEST_UNSET_KEY_VARIABLE"));
    ::setenv("AITRAIL_TEST_UNSET_KEY_VARIABLE", std::string(64, 'b').c_str(), 1);
    CHECK(env_key::key() == std::string(32, '\xbb'));
    ::unsetenv("AITRAIL_TEST_UNSET_KEY_VARIABLE");
}

TEST_SUITE_END();

}  // namespace keyed_hasher_tests
