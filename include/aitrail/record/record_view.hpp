#pragma once
/// @file record_view.hpp
/// A trail line seen through its fields, without parsing it into a document:
/// slices of the line for the strings, integers for the counts. Queries and
/// reports read millions of lines; building an nlohmann document for each
/// costs ten times the walk, and most lines are rejected by a filter anyway.
/// Strings are kept as the line has them (JSON-escaped); `text()` decodes.

#include <aitrail/config.hpp>
#include <aitrail/detail/json_scan.hpp>
#include <aitrail/record/audit_record.hpp>

#include <cstdint>      // int64_t, uint64_t
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {

/// The fields of one trail entry, as slices of its line (valid while the
/// line is). Absent strings are empty; absent numbers are nullopt.
struct record_view {
    std::string_view line;      ///< the whole line
    std::uint64_t seq = 0;      ///< position in the trail
    std::string_view hash;      ///< the entry's hash
    std::string_view prev;      ///< the previous entry's hash
    std::string_view content;   ///< JSON of `content`, or empty when absent
    std::string_view rec;       ///< JSON of `rec`

    std::string_view id;              ///< rec.id (escaped)
    std::string_view ts;              ///< rec.ts, RFC 3339 UTC (sorts as time)
    std::string_view kind;            ///< rec.kind
    std::string_view action;          ///< rec.action
    std::string_view user;            ///< rec.user (escaped)
    std::string_view model_name;      ///< rec.model.name (escaped)
    std::string_view model_version;   ///< rec.model.version (escaped)
    std::string_view model_provider;  ///< rec.model.provider (escaped)
    std::string_view status = "ok";   ///< rec.status
    std::string_view error_type;      ///< rec.error.type (escaped)
    std::string_view error_message;   ///< rec.error.message (escaped)
    std::string_view stop_reason;     ///< rec.stop_reason (escaped)
    std::optional<std::int64_t> latency_us;         ///< rec.latency_us
    std::optional<std::int64_t> input_tokens;       ///< rec.usage.input_tokens
    std::optional<std::int64_t> output_tokens;      ///< rec.usage.output_tokens
    std::optional<std::int64_t> reasoning_tokens;   ///< rec.usage.reasoning_tokens
    std::optional<std::int64_t> cache_read_tokens;  ///< rec.usage.cache_read_tokens
    std::optional<std::int64_t> cache_write_tokens; ///< rec.usage.cache_write_tokens
    std::optional<std::int64_t> cost_nanos_usd;     ///< rec.cost.nanos_usd (nullopt: unknown)
    std::string_view tags;        ///< JSON array rec.tags, or empty
    std::string_view redactions;  ///< JSON object rec.redactions, or empty
    std::string_view meta;        ///< JSON object rec.meta, or empty
    std::string_view digests;     ///< JSON object rec.digests, or empty

    /// True for the trail's own records (trail.open, trail.resume, trail.gap).
    bool is_trail_record() const noexcept { return kind.starts_with("trail."); }

    /// Calls `f(escaped tag)` for each tag.
    template <class F>
    void for_each_tag(F&& f) const {
        if (tags.empty()) return;
        detail::json_for_each_element(tags, [&](std::string_view v) {
            if (auto s = detail::json_raw_string(v)) f(*s);
        });
    }

    /// True when the record carries `tag`.
    bool has_tag(std::string_view tag) const {
        bool found = false;
        for_each_tag([&](std::string_view t) { found = found || detail::json_string_equals(t, tag); });
        return found;
    }
};

/// Decodes an escaped slice of a view into text.
inline std::string text(std::string_view escaped) {
    if (escaped.find('\\') == std::string_view::npos) return std::string(escaped);
    std::string out;
    if (!detail::json_unescape(escaped, out)) return std::string(escaped);
    return out;
}

namespace detail {

inline std::string_view view_string(std::string_view value) noexcept {
    auto s = json_raw_string(value);
    return s ? *s : std::string_view{};
}

}  // namespace detail

/// Fills `out` from the canonical trail line `line`; false when the line is
/// not a trail entry (not an object, or no `rec` object with a kind).
inline bool parse_record_view(std::string_view line, record_view& out) {
    out = record_view{};
    out.line = line;
    const bool top_ok = detail::json_for_each_member(line, [&](std::string_view key, std::string_view value) {
        switch (key.size()) {
            case 3:
                if (key == "seq") {
                    if (auto v = detail::json_int(value); v && *v >= 0) out.seq = static_cast<std::uint64_t>(*v);
                } else if (key == "rec") out.rec = value;
                break;
            case 4:
                if (key == "hash") out.hash = detail::view_string(value);
                else if (key == "prev") out.prev = detail::view_string(value);
                break;
            case 7:
                if (key == "content") out.content = value;
                break;
            default: break;
        }
        return true;
    });
    if (!top_ok || out.rec.empty() || out.rec.front() != '{') return false;
    const auto sub = [](std::string_view obj, auto&& on_member) { detail::json_for_each_member(obj, on_member); };
    const bool rec_ok = detail::json_for_each_member(out.rec, [&](std::string_view key, std::string_view value) {
        using detail::json_int;
        using detail::view_string;
        if (key == "id") out.id = view_string(value);
        else if (key == "ts") out.ts = view_string(value);
        else if (key == "kind") out.kind = view_string(value);
        else if (key == "user") out.user = view_string(value);
        else if (key == "status") out.status = view_string(value);
        else if (key == "latency_us") out.latency_us = json_int(value);
        else if (key == "action") out.action = view_string(value);
        else if (key == "model") {
            sub(value, [&](std::string_view k, std::string_view v) {
                if (k == "name") out.model_name = view_string(v);
                else if (k == "version") out.model_version = view_string(v);
                else if (k == "provider") out.model_provider = view_string(v);
                return true;
            });
        } else if (key == "usage") {
            sub(value, [&](std::string_view k, std::string_view v) {
                if (k == "input_tokens") out.input_tokens = json_int(v);
                else if (k == "output_tokens") out.output_tokens = json_int(v);
                else if (k == "reasoning_tokens") out.reasoning_tokens = json_int(v);
                else if (k == "cache_read_tokens") out.cache_read_tokens = json_int(v);
                else if (k == "cache_write_tokens") out.cache_write_tokens = json_int(v);
                return true;
            });
        } else if (key == "cost") {
            sub(value, [&](std::string_view k, std::string_view v) {
                if (k == "nanos_usd") out.cost_nanos_usd = json_int(v);
                return true;
            });
        } else if (key == "error") {
            sub(value, [&](std::string_view k, std::string_view v) {
                if (k == "type") out.error_type = view_string(v);
                else if (k == "message") out.error_message = view_string(v);
                return true;
            });
        } else if (key == "tags") out.tags = value;
        else if (key == "redactions") out.redactions = value;
        else if (key == "meta") out.meta = value;
        else if (key == "digests") out.digests = value;
        else if (key == "stop_reason") out.stop_reason = view_string(value);
        return true;
    });
    return rec_ok && !out.kind.empty();
}

}  // namespace v1
}  // namespace aitrail
