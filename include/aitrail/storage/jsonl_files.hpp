#pragma once
/// @file jsonl_files.hpp
/// How a JSONL trail is laid out on disk: `trail-<first seq, 16 digits>-<UTC
/// day YYYYMMDD>.jsonl`. The zero-padded first seq leads, so name order is
/// trail order even if the clock steps back; the day is for people and for
/// retention jobs.

#include <aitrail/config.hpp>
#include <aitrail/detail/time_format.hpp>
#include <aitrail/storage/storage_error.hpp>

#include <algorithm>    // sort
#include <cstdint>      // uint64_t
#include <filesystem>   // directory_iterator, path
#include <optional>     // optional
#include <string>       // string
#include <system_error> // error_code
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// One file of a JSONL trail.
struct trail_file {
    std::filesystem::path path;  ///< full path
    std::uint64_t first_seq = 0; ///< seq of its first entry (from the name)
    std::string day;             ///< YYYYMMDD (from the name)
};

/// The file name for a trail file starting at `first_seq` on day `t`.
inline std::string trail_file_name(std::uint64_t first_seq, timestamp t) {
    char day[27];
    detail::format_rfc3339(t, day);
    std::string seq = std::to_string(first_seq);
    return "trail-" + std::string(16 - std::min<std::size_t>(16, seq.size()), '0') + seq + "-" +
           std::string(day, 4) + std::string(day + 5, 2) + std::string(day + 8, 2) + ".jsonl";
}

/// Parses a trail file name; nullopt for any other file.
inline std::optional<trail_file> parse_trail_file_name(const std::filesystem::path& p) {
    const std::string name = p.filename().string();
    // trail-0000000000000000-20261122.jsonl : 6 + 16 + 1 + 8 + 6 = 37 bytes
    if (name.size() != 37 || name.compare(0, 6, "trail-") != 0 || name[22] != '-' ||
        name.compare(31, 6, ".jsonl") != 0)
        return std::nullopt;
    trail_file f{p, 0, name.substr(23, 8)};
    for (std::size_t i = 6; i < 22; ++i) {
        if (name[i] < '0' || name[i] > '9') return std::nullopt;
        f.first_seq = f.first_seq * 10 + static_cast<std::uint64_t>(name[i] - '0');
    }
    for (char c : f.day)
        if (c < '0' || c > '9') return std::nullopt;
    return f;
}

/// The trail files in `dir`, in trail order. Other files are ignored.
inline std::vector<trail_file> list_trail_files(const std::filesystem::path& dir) {
    std::error_code ec;
    std::vector<trail_file> files;
    std::filesystem::directory_iterator it(dir, ec);
    if (ec) throw storage_error("cannot list trail directory '" + dir.string() + "': " + ec.message());
    for (const auto& entry : it)
        if (auto f = parse_trail_file_name(entry.path())) files.push_back(std::move(*f));
    std::sort(files.begin(), files.end(),
              [](const trail_file& a, const trail_file& b) { return a.path.filename() < b.path.filename(); });
    return files;
}

}  // namespace v1
}  // namespace aitrail
