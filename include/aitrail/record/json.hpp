#pragma once
/// @file json.hpp
/// ADL to_json / from_json for the record types, so `nlohmann::json j = rec;`
/// and `j.get<audit_record>()` work. The canonical bytes written to a trail
/// come from integrity/record_jcs.hpp; a test keeps the two in agreement.

#include <aitrail/config.hpp>
#include <aitrail/detail/time_format.hpp>
#include <aitrail/record/audit_record.hpp>

#include <nlohmann/json.hpp>

#include <stdexcept>  // invalid_argument
#include <string>     // string

namespace aitrail {
inline namespace v1 {

/// Serializes a status as its name.
inline void to_json(nlohmann::json& j, record_status s) { j = std::string(to_string(s)); }
/// Reads a status name; throws nlohmann::json::type_error / out_of_range.
inline void from_json(const nlohmann::json& j, record_status& s) {
    const auto parsed = parse_status(j.get_ref<const std::string&>());
    if (!parsed) throw nlohmann::json::other_error::create(501, "aitrail: unknown status '" + j.get<std::string>() + "'", &j);
    s = *parsed;
}

/// model_ref -> {"name","provider","version"}, empty fields omitted.
inline void to_json(nlohmann::json& j, const model_ref& m) {
    j = nlohmann::json::object();
    if (!m.name.empty()) j["name"] = m.name;
    if (!m.version.empty()) j["version"] = m.version;
    if (!m.provider.empty()) j["provider"] = m.provider;
}
/// Reads a model_ref; absent fields stay empty.
inline void from_json(const nlohmann::json& j, model_ref& m) {
    m.name = j.value("name", "");
    m.version = j.value("version", "");
    m.provider = j.value("provider", "");
}

/// error_info -> {"message","type"}.
inline void to_json(nlohmann::json& j, const error_info& e) { j = {{"type", e.type}, {"message", e.message}}; }
/// Reads an error_info.
inline void from_json(const nlohmann::json& j, error_info& e) {
    e.type = j.value("type", "");
    e.message = j.value("message", "");
}

/// token_usage -> {"input_tokens",...}, unreported counts omitted.
inline void to_json(nlohmann::json& j, const token_usage& u) {
    j = nlohmann::json::object();
    if (u.input) j["input_tokens"] = *u.input;
    if (u.output) j["output_tokens"] = *u.output;
    if (u.reasoning) j["reasoning_tokens"] = *u.reasoning;
    if (u.cache_read) j["cache_read_tokens"] = *u.cache_read;
    if (u.cache_write) j["cache_write_tokens"] = *u.cache_write;
}
/// Reads a token_usage; absent counts stay unset.
inline void from_json(const nlohmann::json& j, token_usage& u) {
    auto get = [&](const char* key, std::optional<std::int64_t>& v) {
        if (auto it = j.find(key); it != j.end() && !it->is_null()) v = it->get<std::int64_t>();
    };
    get("input_tokens", u.input);
    get("output_tokens", u.output);
    get("reasoning_tokens", u.reasoning);
    get("cache_read_tokens", u.cache_read);
    get("cache_write_tokens", u.cache_write);
}

/// cost_info -> {"nanos_usd": N | null, "pricing": "..."}.
inline void to_json(nlohmann::json& j, const cost_info& c) {
    j = {{"nanos_usd", nullptr}, {"pricing", c.pricing}};
    if (c.nanos_usd) j["nanos_usd"] = *c.nanos_usd;
}
/// Reads a cost_info.
inline void from_json(const nlohmann::json& j, cost_info& c) {
    if (auto it = j.find("nanos_usd"); it != j.end() && !it->is_null()) c.nanos_usd = it->get<std::int64_t>();
    c.pricing = j.value("pricing", "");
}

/// timeline_event -> {"name","t_us"}.
inline void to_json(nlohmann::json& j, const timeline_event& e) { j = {{"name", e.name}, {"t_us", e.t_us}}; }
/// Reads a timeline_event.
inline void from_json(const nlohmann::json& j, timeline_event& e) {
    e.name = j.at("name").get<std::string>();
    e.t_us = j.at("t_us").get<std::int64_t>();
}

/// audit_record -> the `rec` object of a trail entry; unset and empty fields
/// are omitted exactly as the canonical writer omits them.
inline void to_json(nlohmann::json& j, const audit_record& r) {
    j = nlohmann::json::object();
    j["id"] = r.id;
    j["ts"] = detail::to_rfc3339(r.ts);
    j["kind"] = r.kind;
    if (!r.action.empty()) j["action"] = r.action;
    if (!r.user.empty()) j["user"] = r.user;
    if (!r.model.empty()) j["model"] = r.model;
    j["status"] = r.status;
    if (r.error) j["error"] = *r.error;
    if (r.latency_us) j["latency_us"] = *r.latency_us;
    if (!r.usage.empty()) j["usage"] = r.usage;
    if (r.cost) j["cost"] = *r.cost;
    if (!r.stop_reason.empty()) j["stop_reason"] = r.stop_reason;
    if (!r.tags.empty()) j["tags"] = r.tags;
    if (!r.redactions.empty()) j["redactions"] = r.redactions;
    if (!r.digests.empty()) j["digests"] = r.digests;
    if (!r.fingerprints.empty()) j["fingerprints"] = r.fingerprints;
    if (!r.meta.is_null() && !r.meta.empty()) j["meta"] = r.meta;
    if (!r.events.empty()) j["events"] = r.events;
}

/// Reads the `rec` object of a trail entry. Unknown members are ignored, so
/// a reader accepts records from newer producers of the same format version.
inline void from_json(const nlohmann::json& j, audit_record& r) {
    r = audit_record{};
    r.id = j.at("id").get<std::string>();
    const auto& ts = j.at("ts").get_ref<const std::string&>();
    const auto parsed = detail::parse_rfc3339(ts);
    if (!parsed) throw nlohmann::json::other_error::create(501, "aitrail: 'ts' is not an RFC 3339 UTC timestamp: '" + ts + "'", &j);
    r.ts = *parsed;
    r.kind = j.at("kind").get<std::string>();
    r.action = j.value("action", "");
    r.user = j.value("user", "");
    if (auto it = j.find("model"); it != j.end()) r.model = it->get<model_ref>();
    if (auto it = j.find("status"); it != j.end()) r.status = it->get<record_status>();
    if (auto it = j.find("error"); it != j.end() && !it->is_null()) r.error = it->get<error_info>();
    if (auto it = j.find("latency_us"); it != j.end() && !it->is_null()) r.latency_us = it->get<std::int64_t>();
    if (auto it = j.find("usage"); it != j.end()) r.usage = it->get<token_usage>();
    if (auto it = j.find("cost"); it != j.end() && !it->is_null()) r.cost = it->get<cost_info>();
    r.stop_reason = j.value("stop_reason", "");
    if (auto it = j.find("tags"); it != j.end()) r.tags = it->get<std::vector<std::string>>();
    if (auto it = j.find("redactions"); it != j.end()) r.redactions = it->get<std::map<std::string, std::int64_t>>();
    if (auto it = j.find("digests"); it != j.end()) r.digests = it->get<std::map<std::string, std::string>>();
    if (auto it = j.find("fingerprints"); it != j.end()) r.fingerprints = it->get<std::map<std::string, std::string>>();
    if (auto it = j.find("meta"); it != j.end()) r.meta = *it;
    if (auto it = j.find("events"); it != j.end()) r.events = it->get<std::vector<timeline_event>>();
}

}  // namespace v1
}  // namespace aitrail
