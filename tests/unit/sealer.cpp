#include <aitrail/integrity/sealer.hpp>

#include <doctest/doctest.h>

#include <aitrail/detail/hex.hpp>
#include <aitrail/detail/openssl.hpp>
#include <aitrail/integrity/jcs.hpp>
#include <aitrail/record/json.hpp>

#include <chrono>       // sys_days, microseconds
#include <cmath>        // nan
#include <cstdint>      // uint64_t
#include <map>          // map
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace sealer_tests {

namespace {

using aitrail::canonicalize;
using aitrail::pending_entry;
using json = nlohmann::json;
using sha_sealer = aitrail::sealer<aitrail::hashers::sha256>;

const std::string zeros(64, '0');

/// SHA-256 hex, computed here rather than through the sealer.
std::string sha_hex(std::string_view bytes) { return aitrail::detail::to_hex(aitrail::detail::sha256_of({bytes})); }

pending_entry sample_entry(int n = 0) {
    using namespace std::chrono;
    pending_entry e;
    e.rec.id = "0193a000-0000-7000-8000-00000000000" + std::to_string(n % 10);
    e.rec.ts = aitrail::timestamp{sys_days{year{2026} / November / 22}} + microseconds{n};
    e.rec.action = "messages.create";
    e.rec.user = "user-" + std::to_string(n);
    e.rec.model = {"claude-sonnet", "", "anthropic"};
    e.rec.latency_us = 1000 + n;
    e.rec.meta = {{"n", n}};
    e.content = {{"input", {{"prompt", "hello \xF0\x9F\x98\x80"}, {"max_tokens", 64}}},
                 {"output", "hi\nthere"},
                 {"system", json::array({1, 2.5, nullptr})}};
    return e;
}

std::map<std::string, std::string> expected_digests(const json& content) {
    std::map<std::string, std::string> d;
    for (const auto& [k, v] : content.items()) d[k] = sha_hex(canonicalize(v));
    return d;
}

json parse(const std::string& line) { return json::parse(line); }

/// Seals `bad`, which must throw a jcs_error naming `pointer`.
void check_refused(sha_sealer& s, aitrail::pending_entry& bad, const std::string& pointer) {
    try {
        (void)s.seal(bad);
        FAIL("seal accepted the entry, whose " << pointer << " is not JSON text");
    } catch (const aitrail::jcs_error& e) {
        CHECK(e.pointer() == pointer);
    }
}

}  // namespace

TEST_SUITE_BEGIN("sealer");

TEST_CASE("sealer: first entry chains from 64 zeros") {
    sha_sealer s;
    CHECK(s.head().empty());
    CHECK(s.head().prev_hash == zeros);
    CHECK(aitrail::genesis_prev == zeros);
    auto e = sample_entry();
    const auto sealed = s.seal(e);
    CHECK(sealed.seq == 0);
    const json j = parse(sealed.line);
    CHECK(j["prev"] == zeros);
    CHECK(j["seq"] == 0);
    CHECK(j["v"] == 1);
    CHECK(s.head() == aitrail::chain_head{1, sealed.hash});
}

TEST_CASE("sealer: line layout and hash, computed independently") {
    auto e = sample_entry(7);
    const json content = e.content;
    aitrail::audit_record rec = e.rec;
    rec.digests = expected_digests(content);

    sha_sealer s;
    const auto sealed = s.seal(e);

    const std::string rec_bytes = canonicalize(json(rec));
    const std::string hashed = "{\"prev\":\"" + zeros + "\",\"rec\":" + rec_bytes + ",\"seq\":0,\"v\":1}";
    // The hashed bytes are exactly the canonical entry without hash and content.
    CHECK(hashed == canonicalize(json{{"v", 1}, {"seq", 0}, {"rec", json(rec)}, {"prev", zeros}}));
    const std::string hash = sha_hex(hashed);

    CHECK(sealed.hash == hash);
    CHECK(sealed.line == "{\"content\":" + canonicalize(content) + ",\"hash\":\"" + hash + "\",\"prev\":\"" + zeros +
                             "\",\"rec\":" + rec_bytes + ",\"seq\":0,\"v\":1}");
    CHECK(sealed.ts == e.rec.ts);
    CHECK(sealed.rec == &e.rec);
    CHECK(e.rec.digests == rec.digests);
}

TEST_CASE("sealer: layout without content") {
    auto e = sample_entry(3);
    e.content = json::object();
    const std::string rec_bytes = canonicalize(json(e.rec));
    sha_sealer s;
    const auto sealed = s.seal(e);
    const std::string hash = sha_hex("{\"prev\":\"" + zeros + "\",\"rec\":" + rec_bytes + ",\"seq\":0,\"v\":1}");
    CHECK(sealed.line == "{\"hash\":\"" + hash + "\",\"prev\":\"" + zeros + "\",\"rec\":" + rec_bytes + ",\"seq\":0,\"v\":1}");
    CHECK(e.rec.digests.empty());
    CHECK(parse(sealed.line).contains("content") == false);
}

TEST_CASE("sealer: hash covers the canonical entry without hash and content") {
    sha_sealer s;
    for (int n = 0; n < 5; ++n) {
        auto e = sample_entry(n);
        const auto sealed = s.seal(e);
        json j = parse(sealed.line);
        const std::string stated = j["hash"].get<std::string>();
        CHECK(stated == sealed.hash);
        CHECK(aitrail::detail::is_lower_hex(stated, 64));
        j.erase("hash");
        j.erase("content");
        CHECK(sha_hex(canonicalize(j)) == stated);
    }
}

TEST_CASE("sealer: line is canonical") {
    sha_sealer s;
    auto e = sample_entry(1);
    e.content["\xEF\xAC\xB3"] = "dalet";    // U+FB33
    e.content["\xF0\x9F\x98\x82"] = "joy";  // U+1F602: sorts before U+FB33 in UTF-16
    e.rec.meta["\xEE\x80\x80"] = {{"\xF0\x9F\x98\x80", 1}};
    const auto sealed = s.seal(e);
    CHECK(sealed.line == canonicalize(parse(sealed.line)));
    CHECK(sealed.line.find('\n') == std::string::npos);
    CHECK(sealed.line.find("\"\xF0\x9F\x98\x82\":\"joy\",\"\xEF\xAC\xB3\":\"dalet\"") != std::string::npos);
}

TEST_CASE("sealer: digests commit to each content body") {
    sha_sealer s;
    auto e = sample_entry(2);
    e.content["\xEF\xAC\xB3"] = {{"b", 1}, {"a", "\x01"}};
    const auto sealed = s.seal(e);
    const json j = parse(sealed.line);
    const json& digests = j["rec"]["digests"];
    REQUIRE(digests.size() == j["content"].size());
    for (const auto& [k, body] : j["content"].items()) {
        INFO("content key: ", k);
        CHECK(digests[k] == sha_hex(canonicalize(body)));
        CHECK(e.rec.digests.at(k) == digests[k]);
    }
    CHECK(digests["\xEF\xAC\xB3"] == sha_hex(R"({"a":"\u0001","b":1})"));
    CHECK(digests["output"] == sha_hex(R"("hi\nthere")"));
}

TEST_CASE("sealer: entries chain") {
    sha_sealer s;
    std::vector<aitrail::sealed_entry> sealed;
    for (int n = 0; n < 6; ++n) {
        auto e = sample_entry(n);
        sealed.push_back(s.seal(e));
    }
    for (std::size_t i = 0; i < sealed.size(); ++i) {
        const json j = parse(sealed[i].line);
        CHECK(sealed[i].seq == i);
        CHECK(j["seq"] == i);
        CHECK(j["prev"] == (i == 0 ? zeros : sealed[i - 1].hash));
    }
    CHECK(s.head() == aitrail::chain_head{6, sealed.back().hash});
    // Distinct entries, distinct hashes.
    for (std::size_t i = 1; i < sealed.size(); ++i) CHECK(sealed[i].hash != sealed[i - 1].hash);
}

TEST_CASE("sealer: jcs_error in content leaves the head unchanged") {
    sha_sealer s;
    auto first = sample_entry(0);
    const auto a = s.seal(first);
    const auto head = s.head();

    auto bad = sample_entry(1);
    bad.content["score"] = std::nan("");
    check_refused(s, bad, "/content/score");
    CHECK(s.head() == head);

    auto good = sample_entry(2);
    const auto b = s.seal(good);
    CHECK(b.seq == 1);
    CHECK(parse(b.line)["prev"] == a.hash);
}

TEST_CASE("sealer: jcs_error in rec leaves the head unchanged") {
    sha_sealer s;
    auto first = sample_entry(0);
    (void)s.seal(first);
    const auto head = s.head();

    auto bad = sample_entry(1);
    bad.rec.user = "bad\xC0\x80";
    check_refused(s, bad, "/rec/user");
    CHECK(s.head() == head);

    bad.rec.user = "fixed";
    const auto b = s.seal(bad);
    CHECK(b.seq == 1);
    CHECK(parse(b.line)["prev"] == head.prev_hash);
}

TEST_CASE("sealer: resumes from a chain head") {
    sha_sealer original;
    for (int n = 0; n < 3; ++n) {
        auto e = sample_entry(n);
        (void)original.seal(e);
    }
    sha_sealer resumed(original.head());
    CHECK(resumed.head() == original.head());

    auto e1 = sample_entry(9);
    auto e2 = sample_entry(9);
    const auto continued = original.seal(e1);
    const auto from_head = resumed.seal(e2);
    CHECK(from_head.seq == 3);
    CHECK(from_head.line == continued.line);
    CHECK(from_head.hash == continued.hash);
}

TEST_CASE("sealer: resumes at an arbitrary position") {
    const std::string prev(64, 'e');
    sha_sealer s(aitrail::chain_head{41, prev});
    auto e = sample_entry(4);
    e.content = json::object();
    const auto sealed = s.seal(e);
    CHECK(sealed.seq == 41);
    const std::string rec_bytes = canonicalize(json(e.rec));
    const std::string hash = sha_hex("{\"prev\":\"" + prev + "\",\"rec\":" + rec_bytes + ",\"seq\":41,\"v\":1}");
    CHECK(sealed.line == "{\"hash\":\"" + hash + "\",\"prev\":\"" + prev + "\",\"rec\":" + rec_bytes + ",\"seq\":41,\"v\":1}");
    CHECK(s.head() == aitrail::chain_head{42, hash});
}

TEST_SUITE_END();

}  // namespace sealer_tests
