#include <aitrail/integrity/record_jcs.hpp>

#include <doctest/doctest.h>

#include "support/sample_record.hpp"

#include <aitrail/integrity/jcs.hpp>
#include <aitrail/record/json.hpp>

#include <bit>          // bit_cast
#include <chrono>       // sys_days, microseconds
#include <cmath>        // isfinite
#include <cstdint>      // int64_t, uint32_t, uint64_t
#include <optional>     // optional
#include <random>       // mt19937, uniform_int_distribution
#include <string>       // string
#include <string_view>  // string_view

namespace record_jcs_tests {

namespace {

using aitrail::audit_record;
using json = nlohmann::json;

constexpr std::int64_t two53 = std::int64_t{1} << 53;

/// The direct writer's bytes for `r`.
std::string direct(const audit_record& r) {
    std::string out;
    aitrail::write_record_canonical(out, r);
    return out;
}

/// The reference: the record through nlohmann, then the generic canonicalizer.
std::string via_json(const audit_record& r) { return aitrail::canonicalize(json(r)); }

std::optional<aitrail::jcs_error> direct_error(const audit_record& r) {
    try {
        (void)direct(r);
    } catch (const aitrail::jcs_error& e) {
        return e;
    }
    return std::nullopt;
}

using aitrail_test::sample_ts;

const std::string smile = "\xF0\x9F\x98\x80";   // U+1F600
const std::string joy = "\xF0\x9F\x98\x82";     // U+1F602
const std::string pua = "\xEE\x80\x80";         // U+E000
const std::string dalet = "\xEF\xAC\xB3";       // U+FB33
const std::string o_uml = "\xC3\xB6";           // U+00F6

/// The shared full record, blocked, with a fraction and a string in its
/// meta: numbers the direct writer formats itself.
audit_record full_record() {
    audit_record r = aitrail_test::full_record();
    r.status = aitrail::record_status::blocked;
    r.error = aitrail::error_info{"blocked", "rate limit"};
    r.meta["nested"]["list"] = {1, 2.5, "x"};
    return r;
}

// ---- random records ------------------------------------------------------

using rng_t = std::mt19937;

std::uint32_t pick(rng_t& rng, std::uint32_t lo, std::uint32_t hi) {
    return std::uniform_int_distribution<std::uint32_t>(lo, hi)(rng);
}
std::int64_t pick64(rng_t& rng, std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
}
bool coin(rng_t& rng) { return pick(rng, 0, 1) == 1; }

void append_utf8(std::string& s, std::uint32_t cp) {
    if (cp < 0x80) {
        s.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        s.push_back(static_cast<char>(0xC0 | cp >> 6));
        s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        s.push_back(static_cast<char>(0xE0 | cp >> 12));
        s.push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3F)));
        s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        s.push_back(static_cast<char>(0xF0 | cp >> 18));
        s.push_back(static_cast<char>(0x80 | (cp >> 12 & 0x3F)));
        s.push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3F)));
        s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

/// A random valid code point, biased towards the interesting classes:
/// control characters, escapes, and the ranges where UTF-16 order differs.
std::uint32_t random_code_point(rng_t& rng) {
    switch (pick(rng, 0, 9)) {
        case 0: return pick(rng, 0x00, 0x1F);
        case 1: {
            constexpr char specials[] = {'"', '\\', '/', 0x7F, '~', ' '};
            return static_cast<unsigned char>(specials[pick(rng, 0, sizeof specials - 1)]);
        }
        case 2: return pick(rng, 0x80, 0x7FF);
        case 3: return pick(rng, 0x800, 0xD7FF);
        case 4: return pick(rng, 0xE000, 0xFFFF);
        case 5: return pick(rng, 0x10000, 0x10FFFF);
        case 6: return pick(rng, 0x1F600, 0x1F64F);
        default: return pick(rng, 0x20, 0x7E);
    }
}

std::string random_string(rng_t& rng, std::uint32_t max_len = 24) {
    std::string s;
    const auto n = pick(rng, 0, max_len);
    for (std::uint32_t i = 0; i < n; ++i) append_utf8(s, random_code_point(rng));
    return s;
}

/// Keys share prefixes often, so that sorting has to look past them.
std::string random_key(rng_t& rng) {
    static const std::string prefixes[] = {"", "k", "key_", "\xC3\xB6", "\xEF\xAC\xB3", "\xF0\x9F\x98\x80"};
    return prefixes[pick(rng, 0, 5)] + random_string(rng, 4);
}

double random_double(rng_t& rng) {
    switch (pick(rng, 0, 3)) {
        case 0: return static_cast<double>(pick64(rng, -1000000, 1000000)) / 1000.0;
        case 1: return std::uniform_real_distribution<double>(-1e-6, 1e-6)(rng);
        case 2: return std::uniform_real_distribution<double>(-1e25, 1e25)(rng);
        default: {
            for (;;) {  // any finite bit pattern
                const std::uint64_t bits = (std::uint64_t{rng()} << 32) | rng();
                const double d = std::bit_cast<double>(bits);
                if (std::isfinite(d)) return d;
            }
        }
    }
}

json random_json(rng_t& rng, int depth) {
    const std::uint32_t kinds = depth > 0 ? 8 : 6;
    switch (pick(rng, 0, kinds - 1)) {
        case 0: return nullptr;
        case 1: return coin(rng);
        case 2: return pick64(rng, -two53, two53);
        case 3: return static_cast<std::uint64_t>(pick64(rng, 0, two53));
        case 4: return random_double(rng);
        case 5: return random_string(rng);
        case 6: {
            json a = json::array();
            for (auto n = pick(rng, 0, 4); n > 0; --n) a.push_back(random_json(rng, depth - 1));
            return a;
        }
        default: {
            json o = json::object();
            for (auto n = pick(rng, 0, 5); n > 0; --n) o[random_key(rng)] = random_json(rng, depth - 1);
            return o;
        }
    }
}

std::optional<std::int64_t> maybe_count(rng_t& rng) {
    if (coin(rng)) return std::nullopt;
    return pick64(rng, 0, two53);
}

audit_record random_record(rng_t& rng) {
    audit_record r;
    r.id = random_string(rng, 36);
    r.ts = aitrail::timestamp{std::chrono::microseconds{pick64(rng, 0, 253402300799999999)}};  // to 9999-12-31
    r.kind = coin(rng) ? std::string(aitrail::kinds::llm_call) : random_string(rng);
    if (coin(rng)) r.action = random_string(rng);
    if (coin(rng)) r.user = random_string(rng);
    if (coin(rng)) r.model.name = random_string(rng);
    if (coin(rng)) r.model.version = random_string(rng);
    if (coin(rng)) r.model.provider = random_string(rng);
    r.status = static_cast<aitrail::record_status>(pick(rng, 0, 2));
    if (coin(rng)) r.error = aitrail::error_info{random_string(rng), random_string(rng)};
    if (coin(rng)) r.latency_us = pick64(rng, -two53, two53);
    r.usage.input = maybe_count(rng);
    r.usage.output = maybe_count(rng);
    r.usage.reasoning = maybe_count(rng);
    r.usage.cache_read = maybe_count(rng);
    r.usage.cache_write = maybe_count(rng);
    if (coin(rng)) {
        aitrail::cost_info c;
        if (coin(rng)) c.nanos_usd = pick64(rng, -two53, two53);
        c.pricing = random_string(rng);
        r.cost = c;
    }
    if (coin(rng)) r.stop_reason = random_string(rng);
    if (coin(rng))
        for (auto n = pick(rng, 1, 4); n > 0; --n) r.tags.push_back(random_string(rng));
    if (coin(rng))
        for (auto n = pick(rng, 1, 5); n > 0; --n) r.redactions[random_key(rng)] = pick64(rng, -two53, two53);
    if (coin(rng))
        for (auto n = pick(rng, 1, 5); n > 0; --n) r.digests[random_key(rng)] = random_string(rng, 64);
    if (coin(rng))
        for (auto n = pick(rng, 1, 5); n > 0; --n) r.fingerprints[random_key(rng)] = random_string(rng, 64);
    if (coin(rng)) r.meta = random_json(rng, 3);
    if (coin(rng))
        for (auto n = pick(rng, 1, 4); n > 0; --n) r.events.push_back({random_string(rng), pick64(rng, -two53, two53)});
    return r;
}

}  // namespace

TEST_SUITE_BEGIN("record_jcs");

TEST_CASE("record jcs: minimal record") {
    audit_record r;
    r.id = "id-1";
    r.ts = sample_ts();
    CHECK(direct(r) == R"({"id":"id-1","kind":"llm.call","status":"ok","ts":"2026-11-22T15:51:00.123456Z"})");
    CHECK(direct(r) == via_json(r));
}

TEST_CASE("record jcs: default record") {
    const audit_record r;
    CHECK(direct(r) == R"({"id":"","kind":"llm.call","status":"ok","ts":"1970-01-01T00:00:00.000000Z"})");
    CHECK(direct(r) == via_json(r));
}

TEST_CASE("record jcs: full record") {
    const audit_record r = full_record();
    CHECK(direct(r) == via_json(r));
    CHECK(direct(r) ==
          R"({"action":"predict","cost":{"nanos_usd":null,"pricing":"unknown"},)"
          R"("digests":{"input":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",)"
          R"("output":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"},)"
          R"("error":{"message":"rate limit","type":"blocked"},)"
          R"("events":[{"name":"authorized","t_us":10},{"name":"first_token","t_us":250}],)"
          R"("fingerprints":{"system":"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"},)"
          R"("id":"01936f3e-5a2b-7c4d-8e9f-0123456789ab","kind":"ml.prediction","latency_us":1234,)"
          R"("meta":{"nested":{"deep":{"flag":true,"none":null},"list":[1,2.5,"x"]},"tenant":"acme"},)"
          R"("model":{"name":"fraud_detector","provider":"local","version":"v3.2.1"},)"
          R"("redactions":{"email":2,"phone":1},"status":"blocked","stop_reason":"length",)"
          R"("tags":["prod","eu-west"],"ts":"2026-11-22T15:51:00.123456Z",)"
          R"("usage":{"cache_read_tokens":0,"cache_write_tokens":7,"input_tokens":100,"output_tokens":20,"reasoning_tokens":5},)"
          R"("user":"analyst_jane"})");
}

TEST_CASE("record jcs: cost with nanos") {
    audit_record r;
    r.cost = aitrail::cost_info{1500, "table-2026-01"};
    CHECK(direct(r) == via_json(r));
    CHECK(direct(r).find(R"("cost":{"nanos_usd":1500,"pricing":"table-2026-01"})") != std::string::npos);
}

TEST_CASE("record jcs: maps with emoji keys are resorted by UTF-16") {
    audit_record r;
    r.ts = sample_ts();
    for (const auto* k : {&dalet, &pua, &smile, &joy, &o_uml}) {
        r.digests[*k] = "d" + *k;
        r.fingerprints[*k + "x"] = "f";
        r.redactions[*k] = 1;
    }
    r.digests["a"] = "plain";
    r.meta = json::object();
    r.meta[dalet] = {{pua, 1}, {joy, 2}};
    r.meta[smile] = json::array({json{{dalet, 0}, {smile, 1}}});
    r.meta["z"] = 0;

    const std::string bytes = direct(r);
    CHECK(bytes == via_json(r));
    CHECK(bytes.find("\"digests\":{\"a\":\"plain\",\"" + o_uml + "\":\"d" + o_uml + "\",\"" + smile + "\":\"d" + smile +
                     "\",\"" + joy + "\":\"d" + joy + "\",\"" + pua + "\":\"d" + pua + "\",\"" + dalet + "\":\"d" +
                     dalet + "\"}") != std::string::npos);
    CHECK(bytes.find("\"meta\":{\"z\":0,\"" + smile + "\":[{\"" + smile + "\":1,\"" + dalet + "\":0}],\"" + dalet +
                     "\":{\"" + joy + "\":2,\"" + pua + "\":1}}") != std::string::npos);
}

TEST_CASE("record jcs: strings with escapes") {
    audit_record r;
    r.user = std::string("a\0b", 3) + "\x1f\"\\/\x7f" + smile;
    r.tags = {"\n", "\t\r\b\f"};
    r.events = {{"\x01", -5}};
    CHECK(direct(r) == via_json(r));
    CHECK(direct(r).find(R"("user":"a\u0000b\u001f\"\\/)" "\x7f" + smile + "\"") != std::string::npos);
}

TEST_CASE("record jcs: 500 random records agree with the generic writer") {
    rng_t rng(20261122);
    int resorted = 0;
    for (int i = 0; i < 500; ++i) {
        const audit_record r = random_record(rng);
        const std::string expected = via_json(r);
        const std::string actual = direct(r);
        if (actual != expected) {
            INFO("record #", i, "\n direct:   ", actual, "\n via json: ", expected);
            CHECK(actual == expected);
        }
        // Keep an eye on the generator: it must hit the UTF-16 resort path.
        for (const auto& [k, v] : r.digests) resorted += aitrail::detail::needs_utf16_sort(k) ? 1 : 0;
    }
    CHECK(resorted > 50);
}

TEST_CASE("record jcs: invalid UTF-8 in user is rejected at /user") {
    audit_record r = full_record();
    r.user = "jane\xff";
    const auto e = direct_error(r);
    REQUIRE(e);
    CHECK(e->pointer() == "/user");
    CHECK(e->problem().find("invalid UTF-8") != std::string::npos);
    CHECK_THROWS_AS((void)via_json(r), aitrail::jcs_error);
}

TEST_CASE("record jcs: error pointers name the member") {
    audit_record r;
    r.tags = {"ok", "bad\xC3"};
    auto e = direct_error(r);
    REQUIRE(e);
    CHECK(e->pointer() == "/tags/1");

    r = audit_record{};
    r.digests["in\xff"] = "x";
    e = direct_error(r);
    REQUIRE(e);
    CHECK(e->pointer() == "/digests/in\xff");

    r = audit_record{};
    r.fingerprints["system"] = "\xED\xA0\x80";
    e = direct_error(r);
    REQUIRE(e);
    CHECK(e->pointer() == "/fingerprints/system");
    CHECK(e->problem().find("lone surrogate") != std::string::npos);

    r = audit_record{};
    r.meta = {{"scores", {1.0, std::nan("")}}};
    e = direct_error(r);
    REQUIRE(e);
    CHECK(e->pointer() == "/meta/scores/1");

    r = audit_record{};
    r.latency_us = two53 + 1;
    e = direct_error(r);
    REQUIRE(e);
    CHECK(e->pointer() == "/latency_us");
}

TEST_CASE("record jcs: appends to existing output") {
    std::string out = "[";
    aitrail::write_record_canonical(out, audit_record{});
    CHECK(out == R"([{"id":"","kind":"llm.call","status":"ok","ts":"1970-01-01T00:00:00.000000Z"})");
}

TEST_SUITE_END();

}  // namespace record_jcs_tests
