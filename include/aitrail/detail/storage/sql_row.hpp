#pragma once
/// @file sql_row.hpp
/// The row an SQL storage writes for one trail entry: the canonical line
/// verbatim (what verification reads) plus the columns the usual audit-log
/// schema queries and indexes (time, user, status, cost...). The columns are taken
/// from the line itself, so an entry copied from another storage (export,
/// where no audit_record is at hand) gets exactly the row it got when it was
/// first written. They are read through record_view, the one walk over a
/// line that queries and reports use too.

#include <aitrail/config.hpp>
#include <aitrail/detail/json_scan.hpp>
#include <aitrail/record/record_view.hpp>

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

/// The row for the trail entry seen through `view`; throws
/// std::invalid_argument, naming the field, when it is not a complete entry.
inline sql_row make_sql_row(const record_view& view) {
    // record_view leaves an absent string as a null slice and a present one,
    // even "", as a slice of the line: that tells NULL columns from empty text.
    const auto present = [](std::string_view slice) { return slice.data() != nullptr; };
    const auto decode = [](std::string_view escaped, const char* field) {
        std::string out;
        if (!json_unescape(escaped, out))
            throw std::invalid_argument(std::string("aitrail: trail entry field '") + field + "' is not a string");
        return out;
    };
    const auto optional_text = [&](std::string_view escaped, const char* field) {
        return present(escaped) ? std::optional<std::string>(decode(escaped, field)) : std::nullopt;
    };
    // A seq that is absent, negative or not an integer reads as 0 in a view;
    // only the first entry of a trail has to be looked at again to tell.
    if (view.seq == 0) {
        std::optional<std::int64_t> seq;
        json_for_each_member(view.line, [&](std::string_view key, std::string_view value) {
            if (key == "seq") seq = json_int(value);
            return key != "seq";
        });
        if (!seq || *seq != 0) throw std::invalid_argument("aitrail: trail entry field 'seq' is missing or not a count");
    }
    sql_row row;
    row.line = view.line;
    row.seq = view.seq;
    row.hash = decode(view.hash, "hash");
    row.prev = decode(view.prev, "prev");
    if (row.hash.empty() || row.prev.empty())
        throw std::invalid_argument("aitrail: trail entry lacks one of 'seq', 'hash', 'prev', 'rec'");
    row.id = decode(view.id, "rec.id");
    row.ts = decode(view.ts, "rec.ts");
    row.kind = decode(view.kind, "rec.kind");
    if (row.id.empty() || row.ts.empty() || row.kind.empty())
        throw std::invalid_argument("aitrail: trail entry's 'rec' lacks one of 'id', 'ts', 'kind'");
    // A view reads a user or model field that is not a string as absent; the
    // row refuses it instead, so that a NULL column always means "not in the
    // line". Looked for only when a slice is absent, which is rare for these.
    if (!present(view.user) || !present(view.model_name) || !present(view.model_version)) {
        const auto refuse_non_string = [](std::string_view value, const char* field) {
            if (!json_raw_string(value))
                throw std::invalid_argument(std::string("aitrail: trail entry field '") + field + "' is not a string");
        };
        json_for_each_member(view.rec, [&](std::string_view key, std::string_view value) {
            if (key == "user") refuse_non_string(value, "rec.user");
            else if (key == "model")
                json_for_each_member(value, [&](std::string_view k, std::string_view v) {
                    if (k == "name") refuse_non_string(v, "rec.model.name");
                    else if (k == "version") refuse_non_string(v, "rec.model.version");
                    return true;
                });
            return true;
        });
    }
    row.user = optional_text(view.user, "rec.user");
    row.model = optional_text(view.model_name, "rec.model.name");
    row.model_version = optional_text(view.model_version, "rec.model.version");
    row.status = decode(view.status, "rec.status");
    if (row.status.empty()) row.status = "ok";
    row.latency_us = view.latency_us;
    row.input_tokens = view.input_tokens;
    row.output_tokens = view.output_tokens;
    row.cost_nanos_usd = view.cost_nanos_usd;
    return row;
}

/// The row for the canonical entry `line`; throws std::invalid_argument,
/// naming the field, when the line is not a trail entry.
inline sql_row make_sql_row(std::string_view line) {
    record_view view;
    if (!parse_record_view(line, view))
        throw std::invalid_argument("aitrail: trail entry is not a JSON object with a 'rec' object naming its kind");
    return make_sql_row(view);
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
