#pragma once
/// @file sanitize.hpp
/// The last resort that keeps "lose nothing" true when a record holds a value
/// with no canonical form (invalid UTF-8 from a binary payload, NaN from a
/// model, a 64-bit id): the value is replaced by a faithful stand-in and the
/// record says what was replaced, instead of the record being dropped.

#include <aitrail/config.hpp>
#include <aitrail/detail/jcs_string.hpp>
#include <aitrail/integrity/jcs.hpp>
#include <aitrail/integrity/sealed_entry.hpp>
#include <aitrail/record/audit_record.hpp>

#include <cmath>   // isfinite
#include <map>     // map
#include <optional>  // optional
#include <type_traits>  // is_same_v
#include <string>  // string
#include <vector>  // vector

namespace aitrail {
inline namespace v1 {
namespace detail {

/// `s` with every invalid UTF-8 sequence replaced by U+FFFD; true if changed.
inline bool repair_utf8(std::string& s) {
    std::string out;
    bool changed = false;
    for (std::size_t i = 0; i < s.size();) {
        std::uint32_t cp;
        const char* what = nullptr;
        const std::size_t len = decode_utf8(s, i, cp, what);
        if (len == 0) {
            if (!changed) out.assign(s, 0, i);
            changed = true;
            out += "\xEF\xBF\xBD";
            ++i;
        } else {
            if (changed) out.append(s, i, len);
            i += len;
        }
    }
    if (changed) s = std::move(out);
    return changed;
}

/// Replaces values without a canonical form inside `j`, appending the JSON
/// Pointer of each to `fixed`: bad UTF-8 -> U+FFFD, NaN/Inf -> null,
/// integers beyond 2^53 -> their decimal string.
inline void sanitize_json(nlohmann::json& j, const std::string& at, std::vector<std::string>& fixed) {
    using t = nlohmann::json::value_t;
    switch (j.type()) {
        case t::string:
            if (repair_utf8(j.get_ref<std::string&>())) fixed.push_back(at);
            break;
        case t::number_float:
            if (!std::isfinite(j.get<double>())) { j = nullptr; fixed.push_back(at); }
            break;
        case t::number_integer: {
            const auto v = j.get<std::int64_t>();
            if (v > jcs_max_exact_integer || v < -jcs_max_exact_integer) { j = std::to_string(v); fixed.push_back(at); }
            break;
        }
        case t::number_unsigned: {
            const auto v = j.get<std::uint64_t>();
            if (v > static_cast<std::uint64_t>(jcs_max_exact_integer)) { j = std::to_string(v); fixed.push_back(at); }
            break;
        }
        case t::array:
            for (std::size_t i = 0; i < j.size(); ++i) sanitize_json(j[i], at + "/" + std::to_string(i), fixed);
            break;
        case t::object: {
            nlohmann::json repaired = nlohmann::json::object();
            for (auto& [key, value] : j.items()) {
                std::string k = key;
                if (repair_utf8(k)) {
                    // Two keys that repair to the same text must both survive.
                    const std::string base = k;
                    for (int n = 2; repaired.contains(k); ++n) k = base + "#" + std::to_string(n);
                    fixed.push_back(at + "/" + escape_pointer_token(k) + " (key)");
                }
                sanitize_json(value, at + "/" + escape_pointer_token(k), fixed);
                repaired[k] = std::move(value);
            }
            j = std::move(repaired);
            break;
        }
        case t::binary: j = nullptr; fixed.push_back(at); break;
        default: break;
    }
}

/// Makes every value of `e` canonical-safe and notes what changed in
/// `rec.meta.aitrail_sanitized`. Returns the number of values replaced.
inline std::size_t sanitize_entry(pending_entry& e) {
    std::vector<std::string> fixed;
    auto str = [&](std::string& s, const char* name) {
        if (repair_utf8(s)) fixed.push_back(std::string("/rec/") + name);
    };
    // Integers beyond 2^53 cannot be kept exactly: they are cleared (an
    // unset count means "not reported") and the pointer is listed.
    auto integer = [&](std::optional<std::int64_t>& v, const char* name) {
        if (v && (*v > jcs_max_exact_integer || *v < -jcs_max_exact_integer)) {
            v.reset();
            fixed.push_back(std::string("/rec/") + name);
        }
    };
    auto clamp = [&](std::int64_t& v, const std::string& name) {
        if (v > jcs_max_exact_integer || v < -jcs_max_exact_integer) {
            v = v > 0 ? jcs_max_exact_integer : -jcs_max_exact_integer;
            fixed.push_back("/rec/" + name);
        }
    };
    // Maps are rebuilt: a repaired key may collide with another.
    auto string_map = [&]<class V>(std::map<std::string, V>& m, const char* name) {
        std::map<std::string, V> out;
        for (auto& [key, value] : m) {
            std::string k = key;
            if (repair_utf8(k)) {
                const std::string base = k;
                for (int n = 2; out.contains(k); ++n) k = base + "#" + std::to_string(n);
                fixed.push_back(std::string("/rec/") + name + "/" + escape_pointer_token(k) + " (key)");
            }
            if constexpr (std::is_same_v<V, std::string>) {
                if (repair_utf8(value)) fixed.push_back(std::string("/rec/") + name + "/" + escape_pointer_token(k));
            } else {
                clamp(value, std::string(name) + "/" + escape_pointer_token(k));
            }
            out.emplace(std::move(k), std::move(value));
        }
        m = std::move(out);
    };
    auto& r = e.rec;
    str(r.id, "id"); str(r.kind, "kind"); str(r.action, "action"); str(r.user, "user");
    str(r.model.name, "model/name"); str(r.model.version, "model/version"); str(r.model.provider, "model/provider");
    if (r.error) { str(r.error->type, "error/type"); str(r.error->message, "error/message"); }
    str(r.stop_reason, "stop_reason");
    for (std::size_t i = 0; i < r.tags.size(); ++i) str(r.tags[i], ("tags/" + std::to_string(i)).c_str());
    for (std::size_t i = 0; i < r.events.size(); ++i) {
        str(r.events[i].name, ("events/" + std::to_string(i) + "/name").c_str());
        clamp(r.events[i].t_us, "events/" + std::to_string(i) + "/t_us");
    }
    if (r.cost) {
        str(r.cost->pricing, "cost/pricing");
        integer(r.cost->nanos_usd, "cost/nanos_usd");
    }
    integer(r.latency_us, "latency_us");
    integer(r.usage.input, "usage/input_tokens");
    integer(r.usage.output, "usage/output_tokens");
    integer(r.usage.reasoning, "usage/reasoning_tokens");
    integer(r.usage.cache_read, "usage/cache_read_tokens");
    integer(r.usage.cache_write, "usage/cache_write_tokens");
    string_map(r.redactions, "redactions");
    string_map(r.digests, "digests");
    string_map(r.fingerprints, "fingerprints");
    if (!r.meta.is_object() && !r.meta.is_null()) {
        r.meta = nlohmann::json{{"value", std::move(r.meta)}};
        fixed.push_back("/rec/meta (not an object: moved to /rec/meta/value)");
    }
    if (!e.content.is_object() && !e.content.is_null()) {
        e.content = nlohmann::json{{"body", std::move(e.content)}};
        fixed.push_back("/content (not an object: moved to /content/body)");
    }
    sanitize_json(r.meta, "/rec/meta", fixed);
    sanitize_json(e.content, "/content", fixed);
    if (!fixed.empty()) {
        if (!r.meta.is_object()) r.meta = nlohmann::json::object();
        r.meta["aitrail_sanitized"] = fixed;
    }
    return fixed.size();
}

/// Seals `e` into `out` with `sealer`. A value with no canonical form does
/// not cost the record: it is repaired (sanitize_entry, which notes what it
/// replaced) and sealed again. Returns true when a repair was needed; a
/// second failure propagates.
template <class Sealer>
bool seal_repairing(Sealer& sealer, pending_entry& e, sealed_entry& out) {
    try {
        sealer.seal_into(e, out);
        return false;
    } catch (const jcs_error&) {
        const bool repaired = sanitize_entry(e) > 0;
        sealer.seal_into(e, out);
        return repaired;
    }
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
