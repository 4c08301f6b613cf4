#pragma once
/// @file find_entry.hpp
/// Looks a record up by id in a trail, with its bodies, its entry hash and
/// where it is stored, after checking that the stored bytes still match
/// their digests (what replay and `aitrail show` need).

#include <aitrail/config.hpp>
#include <aitrail/read/line_check.hpp>
#include <aitrail/record/audit_record.hpp>
#include <aitrail/record/json.hpp>
#include <aitrail/storage/concepts.hpp>
#include <aitrail/storage/jsonl_files.hpp>
#include <aitrail/storage/jsonl_reader.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>      // uint64_t
#include <filesystem>   // path, is_directory
#include <optional>     // optional
#include <stdexcept>    // runtime_error
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// A record found in a trail.
struct found_entry {
    pending_entry entry;           ///< the record and its stored bodies
    std::string hash;              ///< the entry's hash (what a later record cites)
    std::uint64_t seq = 0;         ///< its place in the chain
    std::string source;            ///< the file (or table) it is stored in
    std::uint64_t line_no = 0;     ///< 1-based line within `source`
    std::vector<line_problem> problems;  ///< what is wrong with the stored line; empty when sound
};

/// Reads the entry on stored line `l` if its record id is `id` (with its
/// bodies, hash, place and line problems); nullopt for any other line. For
/// callers that scan a trail themselves, e.g. verifying up to the record.
inline std::optional<found_entry> entry_with_id(const stored_line& l, std::string_view id) {
    // Ids are unique strings; most lines do not contain the bytes at all.
    if (l.text.find(id) == std::string_view::npos) return std::nullopt;
    const auto j = nlohmann::json::parse(l.text, nullptr, false);
    if (!j.is_object() || !j.contains("rec") || !j["rec"].is_object()) return std::nullopt;
    const auto& rec = j["rec"];
    if (!rec.contains("id") || !rec["id"].is_string() || rec["id"].get_ref<const std::string&>() != id) return std::nullopt;
    found_entry f;
    f.entry.rec = rec.get<audit_record>();
    if (j.contains("content") && j["content"].is_object()) f.entry.content = j["content"];
    if (j.contains("hash") && j["hash"].is_string()) f.hash = j["hash"].get<std::string>();
    if (j.contains("seq") && j["seq"].is_number_unsigned()) f.seq = j["seq"].get<std::uint64_t>();
    f.source = std::string(l.source);
    f.line_no = l.line_no;
    // The chain hash needs the trail's hasher (and maybe its key); the bodies'
    // digests and the canonical form need nothing, and are what a reader of
    // one record relies on. `aitrail verify` checks the chain.
    f.problems = check_line(l.text, nullptr, false).problems;
    return f;
}

/// Finds the record `id` in a readable storage or other line source;
/// nullopt when absent.
template <class S>
    requires line_source<S>
std::optional<found_entry> find_entry(const S& storage, std::string_view id) {
    std::optional<found_entry> found;
    storage.scan([&](const stored_line& l) {
        found = entry_with_id(l, id);
        return !found;
    });
    return found;
}

/// Finds the record `id` in a trail directory or in the given files,
/// without taking the writer's lock (the trail may be live).
inline std::optional<found_entry> find_entry(const std::vector<std::filesystem::path>& paths, std::string_view id) {
    std::vector<std::filesystem::path> files;
    for (const auto& p : paths) {
        if (std::filesystem::is_directory(p)) {
            for (const auto& f : list_trail_files(p)) files.push_back(f.path);
        } else {
            files.push_back(p);
        }
    }
    std::optional<found_entry> found;
    scan_jsonl_files(files, [&](const stored_line& l) {
        found = entry_with_id(l, id);
        return !found;
    });
    return found;
}

}  // namespace v1
}  // namespace aitrail
