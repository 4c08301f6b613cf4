#pragma once
/// @file sample_record.hpp
/// One audit_record with every field set, at a fixed time: what the record's
/// JSON and canonical writers are checked against.

#include <aitrail/record/audit_record.hpp>

#include <chrono>    // sys_days, hours, minutes, microseconds
#include <optional>  // nullopt
#include <string>    // string

namespace aitrail_test {

/// 2026-11-22T15:51:00.123456Z.
inline aitrail::timestamp sample_ts() {
    using namespace std::chrono;
    return aitrail::timestamp{sys_days{year{2026} / November / 22}} + hours{15} + minutes{51} + microseconds{123456};
}

/// A failed ml.prediction with every field of the record set.
inline aitrail::audit_record full_record() {
    aitrail::audit_record r;
    r.id = "01936f3e-5a2b-7c4d-8e9f-0123456789ab";
    r.ts = sample_ts();
    r.kind = "ml.prediction";
    r.action = "predict";
    r.user = "analyst_jane";
    r.model = {"fraud_detector", "v3.2.1", "local"};
    r.status = aitrail::record_status::error;
    r.error = aitrail::error_info{"std::runtime_error", "upstream timeout"};
    r.latency_us = 1234;
    r.usage.input = 100;
    r.usage.output = 20;
    r.usage.reasoning = 5;
    r.usage.cache_read = 0;
    r.usage.cache_write = 7;
    r.cost = aitrail::cost_info{std::nullopt, "unknown"};
    r.stop_reason = "length";
    r.tags = {"prod", "eu-west"};
    r.redactions = {{"email", 2}, {"phone", 1}};
    r.digests = {{"input", std::string(64, 'a')}, {"output", std::string(64, 'b')}};
    r.fingerprints = {{"system", std::string(64, 'c')}};
    r.meta = {{"tenant", "acme"}, {"nested", {{"list", {1, 2, 3}}, {"deep", {{"flag", true}, {"none", nullptr}}}}}};
    r.events = {{"authorized", 10}, {"first_token", 250}};
    return r;
}

}  // namespace aitrail_test
