#pragma once
/// @file sealed_entry.hpp
/// What storage receives: one finished trail line and the chain position it
/// occupies. Storage writes the bytes as they are; it never re-serializes.

#include <aitrail/config.hpp>
#include <aitrail/detail/time_format.hpp>
#include <aitrail/record/audit_record.hpp>
#include <aitrail/record/record_view.hpp>

#include <cstdint>      // uint64_t
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {

/// The 64 zeros that stand for "no previous entry" in seq 0's `prev`.
inline constexpr std::string_view genesis_prev = "0000000000000000000000000000000000000000000000000000000000000000";

/// Where a chain stands: the next entry's seq and `prev`.
struct chain_head {
    std::uint64_t next_seq = 0;                  ///< seq the next entry gets
    std::string prev_hash{genesis_prev};         ///< hash of the last entry (hex), or 64 zeros
    /// True for a trail with no entries yet.
    bool empty() const noexcept { return next_seq == 0; }
    friend bool operator==(const chain_head&, const chain_head&) = default;
};

/// One sealed trail entry.
struct sealed_entry {
    std::uint64_t seq = 0;              ///< position in the trail
    std::string hash;                   ///< this entry's hash, 64 lowercase hex
    std::string line;                   ///< canonical JSON of the entry, without the trailing '\n'
    timestamp ts{};                     ///< the record's ts (storages may index or partition by it)
    const audit_record* rec = nullptr;  ///< the record, valid only during append() (for indexing storages)
};

/// A stored trail line as the sealed entry it was written from (seq, hash,
/// ts, the line itself), to append it unchanged into another storage (export,
/// copies, tests); nullopt when the line is not a trail entry.
inline std::optional<sealed_entry> sealed_entry_from_line(std::string_view line) {
    record_view view;
    if (!parse_record_view(line, view)) return std::nullopt;
    sealed_entry e;
    e.seq = view.seq;
    e.hash = std::string(view.hash);
    e.line = std::string(line);
    e.ts = detail::parse_rfc3339(view.ts).value_or(timestamp{});
    return e;
}

}  // namespace v1
}  // namespace aitrail
