#pragma once
/// @file trail_entries.hpp
/// Records tagged with who submitted them, and helpers to read a trail back
/// as parsed entries: enough for the concurrency tests to check that every
/// record arrived exactly once, in a contiguous chain.

#include <aitrail/detail/time_format.hpp>
#include <aitrail/detail/uuid.hpp>
#include <aitrail/integrity/sealed_entry.hpp>
#include <aitrail/record/audit_record.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>      // size_t
#include <cstdint>      // uint64_t
#include <optional>     // optional
#include <string>       // string, to_string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail_test {

/// The kind of the records the concurrency tests submit.
inline constexpr std::string_view tagged_kind = "test.tagged";

/// "p<producer>-i<index>": the action of a tagged record, unique per record.
inline std::string tag_of(std::uint64_t producer, std::uint64_t index) {
    return "p" + std::to_string(producer) + "-i" + std::to_string(index);
}

/// A record from `producer`, its `index`-th; meta names both, action is tag_of().
inline aitrail::pending_entry tagged_record(std::uint64_t producer, std::uint64_t index) {
    aitrail::pending_entry e;
    e.rec.ts = aitrail::detail::now_utc();
    e.rec.id = aitrail::detail::make_uuid_v7(e.rec.ts);
    e.rec.kind = std::string(tagged_kind);
    e.rec.action = tag_of(producer, index);
    e.rec.meta = {{"producer", producer}, {"index", index}};
    return e;
}

/// The index of `producer`'s tagged record stored in `line` (a canonical
/// entry), found without parsing the JSON; nullopt for any other line.
inline std::optional<std::uint64_t> tagged_index_in(std::string_view line, std::uint64_t producer) {
    const std::string needle = "\"action\":\"p" + std::to_string(producer) + "-i";
    const auto at = line.find(needle);
    if (at == std::string_view::npos) return std::nullopt;
    std::uint64_t index = 0;
    std::size_t k = at + needle.size();
    if (k >= line.size() || line[k] < '0' || line[k] > '9') return std::nullopt;
    for (; k < line.size() && line[k] >= '0' && line[k] <= '9'; ++k) index = index * 10 + static_cast<std::uint64_t>(line[k] - '0');
    if (k >= line.size() || line[k] != '"') return std::nullopt;
    return index;
}

/// Which of one producer's indices 0..n-1 a trail holds, fed line by line.
struct own_indices {
    std::vector<bool> present;
    std::size_t duplicates = 0;  ///< indices seen more than once

    explicit own_indices(std::size_t n) : present(n, false) {}

    /// Notes `line` if it holds one of `producer`'s records.
    void add(std::string_view line, std::uint64_t producer) {
        if (const auto i = tagged_index_in(line, producer); i && *i < present.size()) {
            if (present[*i]) ++duplicates;
            present[*i] = true;
        }
    }
    /// The first index below `n` not seen, or `n` when all were.
    std::uint64_t first_missing_below(std::uint64_t n) const {
        for (std::uint64_t i = 0; i < n && i < present.size(); ++i)
            if (!present[i]) return i;
        return n;
    }
    /// The first index not seen, or the size when all were.
    std::uint64_t first_missing() const { return first_missing_below(present.size()); }
};

/// Every line parsed as JSON.
inline std::vector<nlohmann::json> parse_entries(const std::vector<std::string>& lines) {
    std::vector<nlohmann::json> out;
    out.reserve(lines.size());
    for (const auto& l : lines) out.push_back(nlohmann::json::parse(l));
    return out;
}

/// The entry's rec.kind ("" when missing).
inline std::string kind_of(const nlohmann::json& entry) {
    const auto& rec = entry.at("rec");
    return rec.contains("kind") ? rec.at("kind").get<std::string>() : std::string();
}

/// True for the writer's own records (trail.open, trail.resume, trail.gap).
inline bool is_trail_record(const nlohmann::json& entry) { return kind_of(entry).rfind("trail.", 0) == 0; }

/// Empty when seqs run 0..n-1 in order and each prev is the hash of the line
/// before; otherwise a description of the first break.
inline std::string chain_break(const std::vector<nlohmann::json>& entries) {
    std::string prev(aitrail::genesis_prev);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto seq = entries[i].at("seq").get<std::uint64_t>();
        if (seq != i) return "line " + std::to_string(i + 1) + " has seq " + std::to_string(seq);
        if (entries[i].at("prev").get<std::string>() != prev)
            return "line " + std::to_string(i + 1) + " does not link to the line before";
        prev = entries[i].at("hash").get<std::string>();
    }
    return {};
}

}  // namespace aitrail_test
