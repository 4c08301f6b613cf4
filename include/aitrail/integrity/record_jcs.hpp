#pragma once
/// @file record_jcs.hpp
/// Writes an audit_record straight into canonical JSON, members in their
/// fixed sorted order, without building a JSON tree first: this runs for
/// every record on the writer thread and is most of its serialization cost.
/// It must agree byte for byte with canonicalize(nlohmann::json(rec)); a
/// unit test holds it to that.

#include <aitrail/config.hpp>
#include <aitrail/detail/jcs_string.hpp>
#include <aitrail/detail/time_format.hpp>
#include <aitrail/integrity/jcs.hpp>
#include <aitrail/record/audit_record.hpp>

#include <algorithm>  // sort
#include <string>     // string
#include <vector>     // vector

namespace aitrail {
inline namespace v1 {
namespace detail {

/// Appends `"key":` (key known to be canonical ASCII) with a leading comma
/// unless it is the object's first member.
inline void put_key(std::string& out, bool& first, std::string_view key) {
    if (!first) out.push_back(',');
    first = false;
    out.push_back('"');
    out.append(key);
    out += "\":";
}

/// Appends a std::map as a canonical object, values written by `write_value`.
template <class Map, class WriteValue>
void put_map(std::string& out, const Map& map, WriteValue write_value) {
    std::vector<const typename Map::value_type*> members;
    members.reserve(map.size());
    bool resort = false;
    for (const auto& m : map) {
        members.push_back(&m);
        resort = resort || needs_utf16_sort(m.first);
    }
    if (resort)
        std::sort(members.begin(), members.end(), [](auto* a, auto* b) { return utf16_less(a->first, b->first); });
    out.push_back('{');
    bool first = true;
    for (auto* m : members) {
        if (!first) out.push_back(',');
        first = false;
        try {
            write_jcs_string(out, m->first);
        } catch (const jcs_error& e) {
            throw jcs_error(e.problem() + " (in a key)", "/" + escape_pointer_token(m->first));
        }
        out.push_back(':');
        try {
            write_value(m->second);
        } catch (const jcs_error& e) {
            throw jcs_error(e.problem(), "/" + escape_pointer_token(m->first) + e.pointer());
        }
    }
    out.push_back('}');
}

/// Runs `write` for the member `name`, prefixing its pointer to any error.
template <class F>
void in_member(std::string_view name, F&& write) {
    try {
        write();
    } catch (const jcs_error& e) {
        throw jcs_error(e.problem(), "/" + std::string(name) + e.pointer());
    }
}

}  // namespace detail

/// Appends the canonical `rec` object of `r` to `out`. Throws jcs_error
/// (pointer relative to the record) for invalid UTF-8 or non-canonical meta.
inline void write_record_canonical(std::string& out, const audit_record& r) {
    using namespace detail;
    bool first = true;
    auto str = [&](std::string_view name, const std::string& v) {
        put_key(out, first, name);
        in_member(name, [&] { write_jcs_string(out, v); });
    };
    auto integer = [&](std::string_view name, std::int64_t v) {
        put_key(out, first, name);
        in_member(name, [&] { write_jcs_integer(out, v); });
    };
    out.push_back('{');
    if (!r.action.empty()) str("action", r.action);
    if (r.cost) {
        put_key(out, first, "cost");
        in_member("cost", [&] {
            out += "{\"nanos_usd\":";
            if (r.cost->nanos_usd) write_jcs_integer(out, *r.cost->nanos_usd);
            else out += "null";
            out += ",\"pricing\":";
            write_jcs_string(out, r.cost->pricing);
            out.push_back('}');
        });
    }
    if (!r.digests.empty()) {
        put_key(out, first, "digests");
        in_member("digests", [&] { put_map(out, r.digests, [&](const std::string& v) { write_jcs_string(out, v); }); });
    }
    if (r.error) {
        put_key(out, first, "error");
        in_member("error", [&] {
            out += "{\"message\":";
            write_jcs_string(out, r.error->message);
            out += ",\"type\":";
            write_jcs_string(out, r.error->type);
            out.push_back('}');
        });
    }
    if (!r.events.empty()) {
        put_key(out, first, "events");
        out.push_back('[');
        for (std::size_t i = 0; i < r.events.size(); ++i) {
            if (i != 0) out.push_back(',');
            in_member("events/" + std::to_string(i), [&] {
                out += "{\"name\":";
                write_jcs_string(out, r.events[i].name);
                out += ",\"t_us\":";
                write_jcs_integer(out, r.events[i].t_us);
                out.push_back('}');
            });
        }
        out.push_back(']');
    }
    if (!r.fingerprints.empty()) {
        put_key(out, first, "fingerprints");
        in_member("fingerprints",
                  [&] { put_map(out, r.fingerprints, [&](const std::string& v) { write_jcs_string(out, v); }); });
    }
    str("id", r.id);
    str("kind", r.kind);
    if (r.latency_us) integer("latency_us", *r.latency_us);
    if (!r.meta.is_null() && !r.meta.empty()) {
        put_key(out, first, "meta");
        in_member("meta", [&] { write_canonical(out, r.meta); });
    }
    if (!r.model.empty()) {
        put_key(out, first, "model");
        in_member("model", [&] {
            bool f = true;
            out.push_back('{');
            if (!r.model.name.empty()) { put_key(out, f, "name"); write_jcs_string(out, r.model.name); }
            if (!r.model.provider.empty()) { put_key(out, f, "provider"); write_jcs_string(out, r.model.provider); }
            if (!r.model.version.empty()) { put_key(out, f, "version"); write_jcs_string(out, r.model.version); }
            out.push_back('}');
        });
    }
    if (!r.redactions.empty()) {
        put_key(out, first, "redactions");
        in_member("redactions", [&] { put_map(out, r.redactions, [&](std::int64_t v) { write_jcs_integer(out, v); }); });
    }
    put_key(out, first, "status");
    out.push_back('"');
    out.append(to_string(r.status));
    out.push_back('"');
    if (!r.stop_reason.empty()) str("stop_reason", r.stop_reason);
    if (!r.tags.empty()) {
        put_key(out, first, "tags");
        out.push_back('[');
        for (std::size_t i = 0; i < r.tags.size(); ++i) {
            if (i != 0) out.push_back(',');
            in_member("tags/" + std::to_string(i), [&] { write_jcs_string(out, r.tags[i]); });
        }
        out.push_back(']');
    }
    put_key(out, first, "ts");
    char ts[27];
    format_rfc3339(r.ts, ts);
    out.push_back('"');
    out.append(ts, sizeof ts);
    out.push_back('"');
    if (!r.usage.empty()) {
        put_key(out, first, "usage");
        in_member("usage", [&] {
            bool f = true;
            out.push_back('{');
            auto count = [&](std::string_view name, const std::optional<std::int64_t>& v) {
                if (!v) return;
                put_key(out, f, name);
                write_jcs_integer(out, *v);
            };
            count("cache_read_tokens", r.usage.cache_read);
            count("cache_write_tokens", r.usage.cache_write);
            count("input_tokens", r.usage.input);
            count("output_tokens", r.usage.output);
            count("reasoning_tokens", r.usage.reasoning);
            out.push_back('}');
        });
    }
    if (!r.user.empty()) str("user", r.user);
    out.push_back('}');
}

}  // namespace v1
}  // namespace aitrail
