#pragma once
/// @file stored_entries.hpp
/// What a memory_storage holds, parsed, for tests that look at the entry
/// their call just wrote.

#include <aitrail/storage/memory_storage.hpp>

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

namespace aitrail_test {

/// The last stored entry, parsed; the test fails if there is none.
inline nlohmann::json last_entry(const aitrail::memory_storage& storage) {
    const auto lines = storage.lines();
    REQUIRE_FALSE(lines.empty());
    return nlohmann::json::parse(lines.back());
}

}  // namespace aitrail_test
