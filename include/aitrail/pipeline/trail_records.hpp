#pragma once
/// @file trail_records.hpp
/// The records a writer adds to the trail on its own account: trail.open,
/// trail.resume and trail.gap (docs/format.md, 5.3).

#include <aitrail/config.hpp>
#include <aitrail/detail/time_format.hpp>
#include <aitrail/detail/uuid.hpp>
#include <aitrail/integrity/sealed_entry.hpp>
#include <aitrail/record/audit_record.hpp>

#include <cstdint>  // uint64_t
#include <string>   // string

namespace aitrail {
inline namespace v1 {
namespace detail {

/// The public key id of a keyed hasher, or "" for an unkeyed one.
template <class H>
std::string hasher_key_id(const H& h) {
    if constexpr (requires { h.key_id(); }) return std::string(h.key_id());
    else return {};
}

/// trail.open for an empty trail (head.empty()), else trail.resume. For a
/// new trail, `trail_id` is filled in (a UUIDv7 when empty).
inline pending_entry make_start_record(const chain_head& head, std::string_view hasher_name, std::string& trail_id,
                                       std::uint64_t torn_bytes, std::string_view key_id = {}) {
    pending_entry first;
    first.rec.ts = now_utc();
    first.rec.id = make_uuid_v7(first.rec.ts);
    first.rec.meta = {{"hasher", hasher_name}, {"producer", producer_name}, {"format", trail_format_version}};
    if (!key_id.empty()) first.rec.meta["key_id"] = key_id;
    if (head.empty()) {
        first.rec.kind = kinds::trail_open;
        if (trail_id.empty()) trail_id = make_uuid_v7(first.rec.ts);
        first.rec.meta["trail_id"] = trail_id;
    } else {
        first.rec.kind = kinds::trail_resume;
        first.rec.meta["resumed_at_seq"] = head.next_seq;
        if (torn_bytes > 0) first.rec.meta["torn_bytes_removed"] = torn_bytes;
    }
    return first;
}

/// trail.gap: `dropped` records were refused by the backpressure policy
/// between `first` and `last` (UTC).
inline pending_entry make_gap_record(std::uint64_t dropped, timestamp first, timestamp last, std::string_view policy) {
    pending_entry gap;
    gap.rec.ts = now_utc();
    gap.rec.id = make_uuid_v7(gap.rec.ts);
    gap.rec.kind = kinds::trail_gap;
    gap.rec.meta = {{"dropped", dropped},
                    {"first_drop", to_rfc3339(first)},
                    {"last_drop", to_rfc3339(last)},
                    {"backpressure", policy}};
    return gap;
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
