#pragma once
/// @file config.hpp
/// Version numbers and the checks that must fail early with a readable message.
///
/// Everything aitrail declares lives in `aitrail::v1` (an inline namespace), so
/// two major versions can be linked into one program side by side.

#if __cplusplus < 202002L && !defined(_MSVC_LANG)
#error "aitrail requires C++20 (compile with -std=c++20 or later)"
#endif

/// Major version: bumped when the public API or the trail format breaks.
#define AITRAIL_VERSION_MAJOR 0
/// Minor version: bumped for additions.
#define AITRAIL_VERSION_MINOR 1
/// Patch version: bumped for fixes.
#define AITRAIL_VERSION_PATCH 0
/// The version as a string, also written into every `trail.open` record.
#define AITRAIL_VERSION_STRING "0.1.0"

namespace aitrail {
inline namespace v1 {

/// Producer name written into the `trail.open` record (`producer` field).
inline constexpr const char* producer_name = "aitrail-cpp/" AITRAIL_VERSION_STRING;

/// The trail format version this library writes and reads (`v` of every entry).
inline constexpr int trail_format_version = 1;

}  // namespace v1
}  // namespace aitrail
