#pragma once
/// @file sql_row.hpp
/// The row an SQL storage writes for one trail entry: the canonical line
/// verbatim (what verification reads) plus the columns seed 001's schema
/// queries and indexes (time, user, status, cost...). The columns are taken
/// from the line itself, so an entry copied from another storage (export,
/// where no audit_record is at hand) gets exactly the row it got when it was
/// first written.

#include <aitrail/config.hpp>
#include <aitrail/detail/json_scan.hpp>

#include <cstdint>      // int64_t, uint64_t
#include <optional>     // optional
#include <stdexcept>    // invalid_argument
#include <string>       // string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace detail {

/// Column names shared by every SQL storage, in table order.
///   seq            BIGINT PRIMARY KEY   position in the trail (0, 1, ...)
///   id             TEXT NOT NULL        record id (UUIDv7)
///   ts             TEXT NOT NULL        RFC 3339 UTC, microseconds (sorts as time)
///   kind           TEXT NOT NULL        llm.call, ml.prediction, trail.open...
///   user_id        TEXT                 who initiated the call (NULL when unset)
///   model          TEXT                 model name
///   model_version  TEXT                 model version
///   status         TEXT NOT NULL        ok | error | blocked
///   latency_us     BIGINT               wall time of the call
///   input_tokens   BIGINT               provider-reported; NULL = not reported
///   output_tokens  BIGINT
///   cost_nanos_usd BIGINT               1e-9 USD; NULL = unknown
///   hash           TEXT NOT NULL        the entry's hash
///   prev           TEXT NOT NULL        the previous entry's hash
///   line           TEXT NOT NULL        the canonical entry, byte for byte
struct sql_row {
    std::uint64_t seq = 0;                      ///< position in the trail
    std::string id;                             ///< record id
    std::string ts;                             ///< RFC 3339 UTC
    std::string kind;                           ///< record kind
    std::optional<std::string> user;            ///< user_id column
    std::optional<std::string> model;           ///< model column
    std::optional<std::string> model_version;   ///< model_version column
    std::string status;                         ///< ok | error | blocked
    std::optional<std::int64_t> latency_us;     ///< latency_us column
    std::optional<std::int64_t> input_tokens;   ///< input_tokens column
    std::optional<std::int64_t> output_tokens;  ///< output_tokens column
    std::optional<std::int64_t> cost_nanos_usd; ///< cost_nanos_usd column
    std::string hash;                           ///< hash column
    std::string prev;                           ///< prev column
    std::string_view line;                      ///< the line (not owned)
};

/// The row for the canonical entry `line`; throws std::invalid_argument,
/// naming the field, when the line is not a trail entry.
inline sql_row make_sql_row(std::string_view line) {
    sql_row row;
    row.line = line;
    const auto text = [](std::string_view value, const char* field) {
        const auto raw = json_raw_string(value);
        std::string out;
        if (!raw || !json_unescape(*raw, out))
            throw std::invalid_argument(std::string("aitrail: trail entry field '") + field + "' is not a string");
        return out;
    };
    std::string_view rec;
    bool has_seq = false;
    const bool ok = json_for_each_member(line, [&](std::string_view key, std::string_view value) {
        if (key == "seq") {
            const auto v = json_int(value);
            if (!v || *v < 0) throw std::invalid_argument("aitrail: trail entry field 'seq' is not a count");
            row.seq = static_cast<std::uint64_t>(*v);
            has_seq = true;
        } else if (key == "hash") row.hash = text(value, "hash");
        else if (key == "prev") row.prev = text(value, "prev");
        else if (key == "rec") rec = value;
        return true;
    });
    if (!ok) throw std::invalid_argument("aitrail: trail entry is not a JSON object");
    if (!has_seq || row.hash.empty() || row.prev.empty() || rec.empty())
        throw std::invalid_argument("aitrail: trail entry lacks one of 'seq', 'hash', 'prev', 'rec'");
    const auto sub = [&](std::string_view obj, std::string_view name, const char* field) {
        std::optional<std::string_view> found;
        json_for_each_member(obj, [&](std::string_view key, std::string_view value) {
            if (key == name) found = value;
            return !found;
        });
        return found ? std::optional<std::string>(text(*found, field)) : std::nullopt;
    };
    const auto sub_int = [&](std::string_view obj, std::string_view name) {
        std::optional<std::int64_t> found;
        json_for_each_member(obj, [&](std::string_view key, std::string_view value) {
            if (key == name) found = json_int(value);
            return key != name;
        });
        return found;
    };
    json_for_each_member(rec, [&](std::string_view key, std::string_view value) {
        if (key == "id") row.id = text(value, "rec.id");
        else if (key == "ts") row.ts = text(value, "rec.ts");
        else if (key == "kind") row.kind = text(value, "rec.kind");
        else if (key == "user") row.user = text(value, "rec.user");
        else if (key == "status") row.status = text(value, "rec.status");
        else if (key == "latency_us") row.latency_us = json_int(value);
        else if (key == "model") {
            row.model = sub(value, "name", "rec.model.name");
            row.model_version = sub(value, "version", "rec.model.version");
        } else if (key == "usage") {
            row.input_tokens = sub_int(value, "input_tokens");
            row.output_tokens = sub_int(value, "output_tokens");
        } else if (key == "cost") row.cost_nanos_usd = sub_int(value, "nanos_usd");
        return true;
    });
    if (row.id.empty() || row.ts.empty() || row.kind.empty())
        throw std::invalid_argument("aitrail: trail entry's 'rec' lacks one of 'id', 'ts', 'kind'");
    if (row.status.empty()) row.status = "ok";
    return row;
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
