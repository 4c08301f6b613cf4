#pragma once
/// @file jsonl_directory.hpp
/// A JSONL trail directory opened for reading only. Readers (query, reports,
/// export, tail) must never change what they read: jsonl_storage opens its
/// last file for appending and cuts a torn tail, which is a writer's job.

#include <aitrail/config.hpp>
#include <aitrail/storage/concepts.hpp>
#include <aitrail/storage/jsonl_files.hpp>
#include <aitrail/storage/jsonl_reader.hpp>
#include <aitrail/storage/jsonl_tiles.hpp>
#include <aitrail/storage/storage_error.hpp>

#include <cstdint>       // uintmax_t
#include <filesystem>    // path, file_size, is_directory
#include <optional>      // optional
#include <string>        // string
#include <system_error>  // error_code
#include <utility>       // move
#include <vector>        // vector

namespace aitrail {
inline namespace v1 {

/// Reads the trail in a directory of trail-*.jsonl files, in trail order.
class jsonl_directory {
public:
    /// Refers to `dir`; throws storage_error when it is not a directory.
    explicit jsonl_directory(std::filesystem::path dir) : dir_(std::move(dir)) {
        std::error_code ec;
        if (!std::filesystem::is_directory(dir_, ec))
            throw storage_error("'" + dir_.string() + "' is not a trail directory");
    }

    /// Visits every line of every trail file, in order.
    void scan(const line_visitor& visit) const { scan_jsonl_files(paths(), visit); }

    /// The trail files, in order.
    std::vector<std::filesystem::path> paths() const {
        std::vector<std::filesystem::path> out;
        for (auto& f : list_trail_files(dir_)) out.push_back(std::move(f.path));
        return out;
    }

    /// Total size of the trail files in bytes (for progress indicators).
    std::uintmax_t size_bytes() const {
        std::uintmax_t total = 0;
        std::error_code ec;
        for (const auto& p : paths()) {
            const auto n = std::filesystem::file_size(p, ec);
            if (!ec) total += n;
        }
        return total;
    }

    /// The directory.
    const std::filesystem::path& directory() const noexcept { return dir_; }

    /// The bytes of hash tile `t` (under `tile/`), nullopt when absent.
    std::optional<std::string> read_tile(const tile_id& t) const { return read_tile_file(dir_, t); }
    /// Every hash tile stored under `tile/`.
    std::vector<tile_id> list_tiles() const { return list_tile_files(dir_); }

private:
    std::filesystem::path dir_;
};

}  // namespace v1
}  // namespace aitrail
