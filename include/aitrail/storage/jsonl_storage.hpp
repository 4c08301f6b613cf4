#pragma once
/// @file jsonl_storage.hpp
/// The embedded default storage: a directory of JSONL files, one canonical
/// entry per line, rotated by size and by UTC day. Appends are all-or-none,
/// a torn last line left by a crash is cut away on open (with a warning),
/// and a reopened trail resumes its chain where the last complete line ends.
/// It also keeps the trail's Merkle tree and writes it as hash tiles under
/// `<dir>/tile/` (jsonl_tiles.hpp): full tiles right after the entries that
/// complete them, partial tiles at flush() and on close.

#include <aitrail/config.hpp>
#include <aitrail/detail/storage/posix.hpp>
#include <aitrail/storage/checkpoint_history.hpp>
#include <aitrail/storage/concepts.hpp>
#include <aitrail/storage/entry_head.hpp>
#include <aitrail/storage/jsonl_files.hpp>
#include <aitrail/storage/jsonl_reader.hpp>
#include <aitrail/storage/jsonl_tiles.hpp>
#include <aitrail/storage/storage_error.hpp>

#include <cstdint>     // uint64_t
#include <cstdio>      // fprintf
#include <filesystem>  // path, create_directories
#include <functional>  // function
#include <optional>    // optional
#include <span>        // span
#include <string>      // string
#include <string_view> // string_view
#include <vector>      // vector

namespace aitrail {
inline namespace v1 {

/// Runtime settings of a jsonl_storage.
struct jsonl_options {
    /// Start a new file once the current one would exceed this many bytes.
    std::uint64_t max_file_bytes = std::uint64_t{64} << 20;
    /// Start a new file when an entry's UTC day differs from the file's.
    bool rotate_daily = true;
    /// Receives warnings (a torn line cut on open, tiles repaired or not
    /// written); default prints to stderr.
    std::function<void(const std::string&)> on_warning;
    /// Keep the Merkle tree and write its tiles under `<dir>/tile/`. Off:
    /// no tree is kept and tree() throws; tiles already there are left as
    /// they are (stale: the next open with tiles on repairs them).
    bool tiles = true;
};

/// What opening the trail had to repair.
struct jsonl_recovery {
    std::uint64_t torn_bytes = 0;  ///< bytes of an incomplete last line that were cut away
    std::string file;              ///< the file they were cut from
};

/// Rotating JSONL files in one directory; the embedded default storage.
class jsonl_storage {
public:
    /// Opens (creating if needed) the trail in `dir`. Throws storage_error if
    /// the directory cannot be created or locked, or the last complete line
    /// is not a trail entry (then nothing is modified: run `aitrail verify`).
    explicit jsonl_storage(std::filesystem::path dir, jsonl_options options = {})
        : dir_(std::move(dir)), options_(std::move(options)) {
        std::error_code ec;
        std::filesystem::create_directories(dir_, ec);
        if (ec) throw storage_error("cannot create trail directory '" + dir_.string() + "': " + ec.message());
        lock_ = detail::lock_file((dir_ / ".lock").string());
        open_tail();
        if (jsonl_checkpoints(dir_).complete_interrupted_store())
            warn("aitrail: " + (dir_ / checkpoint_file_name).string() +
                 " completed: a crash had interrupted storing the newest checkpoint of " +
                 (dir_ / checkpoints_file_name).string());
        if (options_.tiles) {
            tree_ = jsonl_tree(dir_, warner());
            tree_.open(head_.next_seq);
        }
    }

    jsonl_storage(jsonl_storage&& other) noexcept = default;
    jsonl_storage& operator=(jsonl_storage&& other) noexcept = default;

    /// Appends the entries' lines. All or none: on failure (disk full,
    /// I/O error) every byte this call wrote is truncated away again, the
    /// trail stays as it was, and storage_error is thrown.
    void append(std::span<const sealed_entry> batch) {
        if (batch.empty()) return;
        // Decoded before any byte is written, so a bad hash fails the batch whole.
        leaves_.clear();
        if (tree_.on())
            for (const auto& e : batch) {
                const auto d = detail::from_hex<32>(e.hash);
                if (!d) throw storage_error("cannot append entry seq " + std::to_string(e.seq) + " to '" + dir_.string() +
                                            "': its hash is not 64 hex characters");
                leaves_.push_back(*d);
            }
        struct touched {
            std::string path;
            std::uint64_t size_before;
            bool created;
        };
        std::vector<touched> undo;
        // Reused across calls: a fresh multi-megabyte buffer per batch is
        // handed back to the kernel and faulted in again every time.
        std::string& pending = buffer_;  // bytes for the current file not yet written
        pending.clear();
        auto write_pending = [&] {
            if (pending.empty()) return;
            if (const int err = detail::write_all(fd_.get(), pending); err != 0)
                throw storage_error("cannot append to trail file '" + path_ + "'", err);
            size_ += pending.size();
            pending.clear();
        };
        try {
            if (!fd_) {
                start_file(batch.front().seq, batch.front().ts);
                undo.push_back({path_, 0, true});
            } else {
                undo.push_back({path_, size_, false});
            }
            for (const auto& e : batch) {
                const std::uint64_t need = e.line.size() + 1;
                const bool too_big = size_ + pending.size() > 0 && size_ + pending.size() + need > options_.max_file_bytes;
                const bool new_day = options_.rotate_daily && size_ + pending.size() > 0 && day_of(e.ts) != day_;
                if (too_big || new_day) {
                    write_pending();
                    // The old file is complete: make it durable before its
                    // successor exists, so a crash never leaves a later file
                    // with an earlier one missing its tail.
                    detail::sync_data(fd_.get(), path_);
                    start_file(e.seq, e.ts);
                    undo.push_back({path_, 0, true});
                }
                pending += e.line;
                pending += '\n';
            }
            write_pending();
        } catch (const storage_error&) {
            rollback(undo);
            throw;
        }
        // Only once every byte is written: a failed batch leaves the head where it was.
        head_ = chain_head{batch.back().seq + 1, batch.back().hash};
        tree_.add(leaves_);  // never throws: a tile that cannot be written is reported
    }

    /// Makes every appended line durable: fdatasync of the current file and,
    /// after a rotation, of the directory entry of the new file.
    void flush() {
        if (fd_) detail::sync_data(fd_.get(), path_);
        if (dir_dirty_) {
            detail::sync_directory(dir_.string());
            dir_dirty_ = false;
        }
        tree_.flush();
    }

    /// Where the stored chain ends.
    chain_head head() const { return head_; }

    /// What opening the trail repaired (torn bytes cut), if anything.
    const jsonl_recovery& recovery() const noexcept { return recovery_; }

    /// Visits every line of the trail in order.
    void scan(const line_visitor& visit) const {
        std::vector<std::filesystem::path> paths;
        for (auto& f : list_trail_files(dir_)) paths.push_back(f.path);
        scan_jsonl_files(paths, visit);
    }

    /// The trail directory.
    const std::filesystem::path& directory() const noexcept { return dir_; }

    /// The Merkle tree of every entry; throws storage_error when none is
    /// kept (jsonl_options::tiles off, or a trail whose entries do not allow
    /// one: the message says why).
    const merkle_tree& tree() const { return tree_.tree(); }
    /// The checkpoints signed for this trail (`checkpoint`, `checkpoints`).
    jsonl_checkpoints checkpoints() const { return jsonl_checkpoints(dir_); }
    /// The bytes of tile `t`, nullopt when there is no such file.
    std::optional<std::string> read_tile(const tile_id& t) const { return read_tile_file(dir_, t); }
    /// Every tile file stored.
    std::vector<tile_id> list_tiles() const { return list_tile_files(dir_); }
    /// Stores tile `t` whole (rebuild_tiles() uses it).
    void write_tile(const tile_id& t, std::string_view bytes) { write_tile_file(dir_, t, bytes); }
    /// Removes tile `t` (rebuild_tiles() uses it).
    void remove_tile(const tile_id& t) { remove_tile_file(dir_, t); }
    /// Resumes the tree again from the tiles and the entries, as on open
    /// (turning tiles on if they were off).
    void reload_tree() {
        options_.tiles = true;
        tree_ = jsonl_tree(dir_, warner());
        tree_.open(head_.next_seq);
    }

private:
    static std::string day_of(timestamp t) {
        char s[27];
        detail::format_rfc3339(t, s);
        return std::string(s, 4) + std::string(s + 5, 2) + std::string(s + 8, 2);
    }

    void warn(const std::string& message) { warner()(message); }

    // A copy of the warning sink that does not refer to this object, which
    // may be moved.
    std::function<void(const std::string&)> warner() const {
        return [sink = options_.on_warning](const std::string& message) {
            if (sink) sink(message);
            else std::fprintf(stderr, "%s\n", message.c_str());
        };
    }

    // Finds the last file, recovers the chain head from the last complete
    // line (or from earlier files if the last has none), and only then cuts a
    // torn tail: when the trail is refused, nothing has been modified.
    void open_tail() {
        const auto files = list_trail_files(dir_);
        if (files.empty()) return;
        const std::string tail_path = files.back().path.string();
        detail::unique_fd tail_fd = detail::open_or_throw(tail_path, O_RDWR | O_APPEND, "open trail file");
        const std::uint64_t tail_size = detail::file_size(tail_fd.get(), tail_path);
        std::uint64_t tail_complete = 0;
        for (auto it = files.rbegin(); it != files.rend(); ++it) {
            const bool is_tail = it == files.rbegin();
            const std::string path = it->path.string();
            detail::unique_fd earlier;
            if (!is_tail) earlier = detail::open_or_throw(path, O_RDONLY, "open trail file");
            const int fd = is_tail ? tail_fd.get() : earlier.get();
            const std::uint64_t size = is_tail ? tail_size : detail::file_size(fd, path);
            std::string last;  // last complete line
            const std::uint64_t complete = last_complete_line(fd, path, size, last);
            if (is_tail) tail_complete = complete;
            else if (complete < size)
                throw storage_error("trail file '" + path + "' ends in an incomplete line but is not the last file; "
                                    "refusing to modify it (run aitrail verify)");
            if (last.empty()) continue;  // no complete line: the head is in an earlier file
            auto h = head_after_line(last);
            if (!h)
                throw storage_error("trail file '" + path + "': the last line is not a trail entry; refusing to append "
                                    "after it (run aitrail verify to locate the damage)");
            head_ = *h;
            break;
        }
        if (tail_complete < tail_size) {
            if (::ftruncate(tail_fd.get(), static_cast<off_t>(tail_complete)) != 0)
                throw storage_error("cannot cut torn line from '" + tail_path + "'", errno);
            detail::sync_data(tail_fd.get(), tail_path);
            recovery_ = {tail_size - tail_complete, tail_path};
            warn("aitrail: trail file '" + tail_path + "': cut an incomplete last line of " +
                 std::to_string(tail_size - tail_complete) + " bytes (an interrupted write; complete lines are kept)");
        }
        fd_ = std::move(tail_fd);
        path_ = tail_path;
        size_ = tail_complete;
        day_ = files.back().day;
    }

    // Returns the size of the file up to and including its last '\n', and
    // stores the last complete line in `last`. Reads backwards in chunks so
    // opening a large file costs only its tail.
    static std::uint64_t last_complete_line(int fd, const std::string& path, std::uint64_t size, std::string& last) {
        std::string tail;  // bytes [pos, size)
        std::uint64_t pos = size;
        constexpr std::uint64_t chunk = 64 * 1024;
        std::uint64_t complete = std::string::npos;
        for (;;) {
            const std::uint64_t n = pos < chunk ? pos : chunk;
            pos -= n;
            std::string piece(n, '\0');
            if (n > 0) {
                const ssize_t got = ::pread(fd, piece.data(), n, static_cast<off_t>(pos));
                if (got != static_cast<ssize_t>(n)) throw storage_error("cannot read '" + path + "'", got < 0 ? errno : EIO);
            }
            tail.insert(0, piece);
            if (complete == std::string::npos) {
                const auto nl = tail.rfind('\n');
                if (nl != std::string::npos) complete = pos + nl + 1;
            }
            if (complete != std::string::npos) {
                const std::size_t end = complete - pos - 1;  // index of the '\n' ending the last line
                const auto prev = end == 0 ? std::string::npos : tail.rfind('\n', end - 1);
                if (prev != std::string::npos || pos == 0) {
                    const std::size_t from = prev == std::string::npos ? 0 : prev + 1;
                    last = tail.substr(from, end - from);
                    return complete;
                }
            }
            if (pos == 0) return complete == std::string::npos ? 0 : complete;
        }
    }

    void start_file(std::uint64_t first_seq, timestamp ts) {
        const std::string name = trail_file_name(first_seq, ts);
        const std::string path = (dir_ / name).string();
        fd_ = detail::open_or_throw(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND, "create trail file");
        path_ = path;
        size_ = 0;
        day_ = day_of(ts);
        dir_dirty_ = true;
    }

    template <class Touched>
    void rollback(const std::vector<Touched>& undo) noexcept {
        // Newest first, so the file we end on is the one the trail ended in.
        for (auto it = undo.rbegin(); it != undo.rend(); ++it) {
            if (it->created) {
                ::unlink(it->path.c_str());
            } else {
                detail::unique_fd fd(::open(it->path.c_str(), O_WRONLY | O_CLOEXEC));
                if (fd) (void)::ftruncate(fd.get(), static_cast<off_t>(it->size_before));
            }
        }
        if (!undo.empty()) {
            const auto& first = undo.front();
            if (first.created) {
                fd_.reset();
                path_.clear();
                size_ = 0;
            } else {
                fd_ = detail::unique_fd(::open(first.path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
                path_ = first.path;
                size_ = first.size_before;
                if (auto f = parse_trail_file_name(first.path)) day_ = f->day;
            }
        }
    }

    std::filesystem::path dir_;
    jsonl_options options_;
    detail::unique_fd lock_;
    detail::unique_fd fd_;
    std::string path_;
    std::uint64_t size_ = 0;
    std::string day_;
    bool dir_dirty_ = false;
    chain_head head_;
    jsonl_recovery recovery_;
    std::string buffer_;
    std::vector<digest> leaves_;  // the batch's entry hashes, decoded
    jsonl_tree tree_;             // last: written out (partial tiles) before the lock is released
};

}  // namespace v1
}  // namespace aitrail
