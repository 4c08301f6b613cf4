#pragma once
/// @file timestamp.hpp
/// The trail's time and record ids for users of the library: the current
/// time, RFC 3339 as the trail writes and reads it, and new record ids.
/// Tools, examples and benchmarks use these instead of the internals.

#include <aitrail/config.hpp>
#include <aitrail/detail/time_format.hpp>
#include <aitrail/detail/uuid.hpp>

#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {

/// The current UTC time at the trail's resolution (microseconds).
inline timestamp now_utc() noexcept { return detail::now_utc(); }

/// `t` as the trail writes it: "YYYY-MM-DDTHH:MM:SS.ffffffZ" (fixed width,
/// so string order is time order).
inline std::string to_rfc3339(timestamp t) { return detail::to_rfc3339(t); }

/// Parses RFC 3339 in UTC ("Z" or "+00:00") with 0-9 fraction digits
/// (beyond microseconds truncated); nullopt for anything else.
inline std::optional<timestamp> parse_rfc3339(std::string_view text) noexcept { return detail::parse_rfc3339(text); }

/// A new record id for a record made at `t`: a UUIDv7 (RFC 9562), so ids
/// sort by creation time.
inline std::string make_record_id(timestamp t) { return detail::make_uuid_v7(t); }

}  // namespace v1
}  // namespace aitrail
