#include <aitrail/record/json.hpp>

#include <doctest/doctest.h>

#include "support/sample_record.hpp"

#include <chrono>       // sys_days, hours, minutes, microseconds
#include <optional>     // nullopt
#include <string>       // string
#include <string_view>  // string_view

namespace record_json_tests {

namespace {

using aitrail::audit_record;
using aitrail::record_status;
using json = nlohmann::json;

using aitrail_test::full_record;
using aitrail_test::sample_ts;

std::string error_message_of(const json& j) {
    try {
        (void)j.get<audit_record>();
    } catch (const json::exception& e) {
        return e.what();
    }
    return "";
}

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

}  // namespace

TEST_SUITE_BEGIN("record_json");

TEST_CASE("record json: full record has exact members") {
    const json j = full_record();
    const json expected = json::parse(R"({
        "id": "01936f3e-5a2b-7c4d-8e9f-0123456789ab",
        "ts": "2026-11-22T15:51:00.123456Z",
        "kind": "ml.prediction",
        "action": "predict",
        "user": "analyst_jane",
        "model": {"name": "fraud_detector", "version": "v3.2.1", "provider": "local"},
        "status": "error",
        "error": {"type": "std::runtime_error", "message": "upstream timeout"},
        "latency_us": 1234,
        "usage": {"input_tokens": 100, "output_tokens": 20, "reasoning_tokens": 5,
                  "cache_read_tokens": 0, "cache_write_tokens": 7},
        "cost": {"nanos_usd": null, "pricing": "unknown"},
        "stop_reason": "length",
        "tags": ["prod", "eu-west"],
        "redactions": {"email": 2, "phone": 1},
        "digests": {"input": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                    "output": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"},
        "fingerprints": {"system": "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"},
        "meta": {"tenant": "acme", "nested": {"list": [1, 2, 3], "deep": {"flag": true, "none": null}}},
        "events": [{"name": "authorized", "t_us": 10}, {"name": "first_token", "t_us": 250}]
    })");
    CHECK(j == expected);
    CHECK(j["cost"]["nanos_usd"].is_null());
}

TEST_CASE("record json: full record round trips") {
    const audit_record r = full_record();
    const json j = r;
    const auto back = j.get<audit_record>();
    CHECK(back == r);
    CHECK_FALSE(back.cost->nanos_usd.has_value());
    CHECK(back.usage.cache_read == 0);
    // Through text too, as a reader sees it.
    CHECK(json::parse(j.dump()).get<audit_record>() == r);
}

TEST_CASE("record json: minimal record has only the required members") {
    audit_record r;
    r.id = "id-1";
    r.ts = sample_ts();
    const json j = r;
    CHECK(j == json{{"id", "id-1"}, {"ts", "2026-11-22T15:51:00.123456Z"}, {"kind", "llm.call"}, {"status", "ok"}});
    CHECK(j.get<audit_record>() == r);
}

TEST_CASE("record json: default record round trips") {
    const audit_record r;
    const json j = r;
    CHECK(j["ts"] == "1970-01-01T00:00:00.000000Z");
    CHECK(j.size() == 4);
    CHECK(j.get<audit_record>() == r);
}

TEST_CASE("record json: unset fields are omitted, not zeroed") {
    audit_record r;
    r.id = "id-2";
    r.usage.output = 7;  // only output reported
    r.cost = aitrail::cost_info{1500, "table-2026-01"};
    r.model.name = "m";  // version and provider empty
    r.meta = json::object();
    const json j = r;
    CHECK(j["usage"] == json{{"output_tokens", 7}});
    CHECK(j["cost"] == json{{"nanos_usd", 1500}, {"pricing", "table-2026-01"}});
    CHECK(j["model"] == json{{"name", "m"}});
    for (const char* absent : {"action", "user", "error", "latency_us", "stop_reason", "tags", "redactions", "digests",
                               "fingerprints", "meta", "events"}) {
        INFO("member: ", absent);
        CHECK_FALSE(j.contains(absent));
    }
    const auto back = j.get<audit_record>();
    CHECK_FALSE(back.usage.input.has_value());
    CHECK_FALSE(back.usage.reasoning.has_value());
    CHECK(back.usage.output == 7);
    CHECK(back == r);
}

TEST_CASE("record json: null meta is omitted") {
    audit_record r;
    r.meta = nullptr;
    const json j = r;
    CHECK_FALSE(j.contains("meta"));
}

TEST_CASE("record json: status names") {
    CHECK(aitrail::to_string(record_status::ok) == "ok");
    CHECK(aitrail::to_string(record_status::error) == "error");
    CHECK(aitrail::to_string(record_status::blocked) == "blocked");
    CHECK(json(record_status::blocked) == "blocked");
    CHECK(json("error").get<record_status>() == record_status::error);
    CHECK(aitrail::parse_status("blocked") == record_status::blocked);
    CHECK_FALSE(aitrail::parse_status("OK").has_value());
    CHECK_FALSE(aitrail::parse_status("").has_value());
}

TEST_CASE("record json: unknown members are ignored") {
    json j = full_record();
    j["added_by_a_newer_producer"] = {{"x", 1}};
    CHECK(j.get<audit_record>() == full_record());
}

TEST_CASE("record json: bad ts is rejected with a clear message") {
    json j = full_record();
    j["ts"] = "2026-11-22 15:51:00";
    CHECK_THROWS_AS((void)j.get<audit_record>(), json::other_error);
    const auto message = error_message_of(j);
    CHECK(contains(message, "aitrail: 'ts' is not an RFC 3339 UTC timestamp: '2026-11-22 15:51:00'"));

    j["ts"] = "2026-11-22T15:51:00+01:00";  // not UTC
    CHECK(contains(error_message_of(j), "'ts' is not an RFC 3339 UTC timestamp: '2026-11-22T15:51:00+01:00'"));

    j["ts"] = "2026-02-30T00:00:00Z";  // no such day
    CHECK(contains(error_message_of(j), "'ts' is not an RFC 3339 UTC timestamp"));
}

TEST_CASE("record json: bad status is rejected with a clear message") {
    json j = full_record();
    j["status"] = "done";
    CHECK_THROWS_AS((void)j.get<audit_record>(), json::other_error);
    CHECK(contains(error_message_of(j), "aitrail: unknown status 'done'"));
}

TEST_CASE("record json: missing id is rejected") {
    json j = full_record();
    j.erase("id");
    CHECK_THROWS_AS((void)j.get<audit_record>(), json::out_of_range);
}

TEST_SUITE_END();

}  // namespace record_json_tests
