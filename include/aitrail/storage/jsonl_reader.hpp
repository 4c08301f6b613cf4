#pragma once
/// @file jsonl_reader.hpp
/// Streams the lines of trail files in order with their file:line, in
/// constant memory, and reports a final line without '\n' as torn.

#include <aitrail/config.hpp>
#include <aitrail/detail/storage/posix.hpp>
#include <aitrail/storage/concepts.hpp>

#include <cstring>     // memchr
#include <filesystem>  // path
#include <span>        // span
#include <string>      // string
#include <vector>      // vector

namespace aitrail {
inline namespace v1 {

/// Calls `visit` with the lines of `file` in order, many at a time (each
/// call gets the complete lines of about one buffer: what a parallel reader
/// wants); returns false if the visitor stopped early by returning false.
/// Lines longer than the buffer are assembled whole.
template <class ChunkVisitor>
bool scan_jsonl_chunks(const std::filesystem::path& file, ChunkVisitor&& visit, std::size_t chunk = std::size_t{4} << 20) {
    const std::string path = file.string();
    detail::unique_fd fd = detail::open_or_throw(path, O_RDONLY, "open trail file");
    std::string buf;
    std::vector<stored_line> lines;
    std::size_t start = 0;  // start of the unconsumed part of buf
    std::uint64_t line_no = 0;
    for (;;) {
        // Keep the partial line, then read more after it.
        if (start > 0) {
            buf.erase(0, start);
            start = 0;
        }
        const std::size_t had = buf.size();
        buf.resize(had + chunk);
        ssize_t n;
        do n = ::read(fd.get(), buf.data() + had, chunk);
        while (n < 0 && errno == EINTR);
        if (n < 0) throw storage_error("cannot read '" + path + "'", errno);
        buf.resize(had + static_cast<std::size_t>(n));
        lines.clear();
        std::size_t scan_from = had;
        for (;;) {
            const void* nl = std::memchr(buf.data() + scan_from, '\n', buf.size() - scan_from);
            if (nl == nullptr) break;
            const std::size_t end = static_cast<std::size_t>(static_cast<const char*>(nl) - buf.data());
            lines.push_back(stored_line{std::string_view(buf).substr(start, end - start), path, ++line_no, true});
            start = end + 1;
            scan_from = start;
        }
        if (n == 0 && start < buf.size())
            lines.push_back(stored_line{std::string_view(buf).substr(start), path, ++line_no, false});
        if (!lines.empty() && !visit(std::span<const stored_line>(lines))) return false;
        if (n == 0) return true;
    }
}

/// Calls `visit` for every line of `file` in order; returns false if the
/// visitor stopped early.
inline bool scan_jsonl_file(const std::filesystem::path& file, const line_visitor& visit) {
    return scan_jsonl_chunks(file, [&](std::span<const stored_line> lines) {
        for (const auto& l : lines)
            if (!visit(l)) return false;
        return true;
    });
}

/// Visits the lines of `files` in the given order; stops when visit returns false.
inline void scan_jsonl_files(const std::vector<std::filesystem::path>& files, const line_visitor& visit) {
    for (const auto& f : files)
        if (!scan_jsonl_file(f, visit)) return;
}

}  // namespace v1
}  // namespace aitrail
