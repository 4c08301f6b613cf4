#pragma once
/// @file jsonl_tiles.hpp
/// The hash tiles of a JSONL trail: files under `<trail dir>/tile/`, laid out
/// as C2SP tlog-tiles (`tile/<L>/<N>` and `tile/<L>/<N>.p/<W>`), so that the
/// directory served by any static HTTP server is a tiles-compatible log.
/// A tile is written to a temporary file and renamed into place, so a reader
/// sees a whole tile or none. Tiles are derived from the entries: no fsync,
/// a tile lost in a crash is rewritten when the trail is next opened.

#include <aitrail/config.hpp>
#include <aitrail/detail/storage/posix.hpp>
#include <aitrail/detail/storage/tree_keeper.hpp>
#include <aitrail/integrity/tiles.hpp>
#include <aitrail/record/record_view.hpp>
#include <aitrail/storage/concepts.hpp>
#include <aitrail/storage/jsonl_files.hpp>
#include <aitrail/storage/jsonl_reader.hpp>
#include <aitrail/storage/storage_error.hpp>

#include <cerrno>        // errno, ENOENT
#include <cstdint>       // uint64_t
#include <cstdio>        // rename
#include <filesystem>    // path, recursive_directory_iterator
#include <functional>    // function
#include <memory>        // unique_ptr, make_unique
#include <optional>      // optional
#include <span>          // span
#include <string>        // string, to_string
#include <string_view>   // string_view
#include <system_error>  // error_code
#include <vector>        // vector

namespace aitrail {
inline namespace v1 {

/// The file of tile `t` in trail directory `dir`.
inline std::filesystem::path tile_file(const std::filesystem::path& dir, const tile_id& t) { return dir / tile_path(t); }

/// The bytes of tile `t` of the trail in `dir`, nullopt when it has no such
/// file; throws storage_error naming the file when it cannot be read.
inline std::optional<std::string> read_tile_file(const std::filesystem::path& dir, const tile_id& t) {
    const std::string path = tile_file(dir, t).string();
    detail::unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
        throw storage_error("cannot open tile '" + path + "'", errno);
    }
    std::string out;
    char buf[8192];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw storage_error("cannot read tile '" + path + "'", errno);
        if (n == 0) return out;
        out.append(buf, static_cast<std::size_t>(n));
    }
}

/// Every tile file of the trail in `dir` (other files under tile/ are
/// ignored, temporary ones included), in no particular order.
inline std::vector<tile_id> list_tile_files(const std::filesystem::path& dir) {
    std::vector<tile_id> out;
    const auto root = dir / "tile";
    std::error_code ec;
    if (!std::filesystem::is_directory(root, ec)) return out;
    std::filesystem::recursive_directory_iterator it(root, ec), end;
    if (ec) throw storage_error("cannot list tiles in '" + root.string() + "': " + ec.message());
    for (; it != end; it.increment(ec)) {
        if (ec) throw storage_error("cannot list tiles in '" + root.string() + "': " + ec.message());
        if (!it->is_regular_file(ec)) continue;
        if (auto t = parse_tile_path(it->path().lexically_relative(dir).generic_string())) out.push_back(*t);
    }
    return out;
}

/// Stores tile `t` of the trail in `dir`: written beside it, then renamed
/// over it. Throws storage_error naming the file.
inline void write_tile_file(const std::filesystem::path& dir, const tile_id& t, std::string_view bytes) {
    const auto file = tile_file(dir, t);
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    if (ec) throw storage_error("cannot create tile directory '" + file.parent_path().string() + "': " + ec.message());
    const std::string path = file.string();
    const std::string temp = path + ".tmp";  // not a tile path: readers and list_tile_files skip it
    {
        detail::unique_fd fd = detail::open_or_throw(temp, O_WRONLY | O_CREAT | O_TRUNC, "create tile");
        if (const int err = detail::write_all(fd.get(), bytes); err != 0) {
            ::unlink(temp.c_str());
            throw storage_error("cannot write tile '" + temp + "'", err);
        }
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        throw storage_error("cannot rename tile into place at '" + path + "'", err);
    }
}

/// Removes tile `t` of the trail in `dir` (and the `.p/` directory a partial
/// tile leaves empty). Throws storage_error naming the file.
inline void remove_tile_file(const std::filesystem::path& dir, const tile_id& t) {
    const auto file = tile_file(dir, t);
    if (::unlink(file.c_str()) != 0 && errno != ENOENT)
        throw storage_error("cannot remove tile '" + file.string() + "'", errno);
    if (!t.full()) ::rmdir(file.parent_path().c_str());  // fails harmlessly while other widths remain
}

/// Calls `sink(const digest& entry_hash)` for the entries `from_seq ..
/// size-1` of the trail in `dir`, in order, reading only the files that hold
/// them. Throws storage_error naming file and line when an entry is missing,
/// out of order or unreadable: the tree cannot be computed then.
template <class Sink>
void replay_entry_hashes(const std::filesystem::path& dir, std::uint64_t from_seq, std::uint64_t size, Sink&& sink) {
    if (from_seq >= size) return;
    const auto files = list_trail_files(dir);
    std::vector<std::filesystem::path> wanted;
    for (std::size_t i = 0; i < files.size(); ++i)
        if (i + 1 == files.size() || files[i + 1].first_seq > from_seq) wanted.push_back(files[i].path);
    std::uint64_t next = from_seq;
    record_view view;
    for (const auto& f : wanted) {
        const bool more = scan_jsonl_chunks(f, [&](std::span<const stored_line> lines) {
            for (const auto& l : lines) {
                if (!l.terminated) continue;  // a torn tail is not an entry
                const std::string where = std::string(l.source) + ":" + std::to_string(l.line_no);
                if (!parse_record_view(l.text, view))
                    throw storage_error(where + ": not a trail entry; the Merkle tree cannot be computed (run aitrail verify)");
                if (view.seq < next) continue;
                if (view.seq != next)
                    throw storage_error(where + ": seq " + std::to_string(view.seq) + " where seq " + std::to_string(next) +
                                        " was expected; the Merkle tree cannot be computed (run aitrail verify)");
                sink(detail::entry_digest(view.hash, where));
                if (++next == size) return false;
            }
            return true;
        });
        if (!more) return;
    }
    throw storage_error("trail '" + dir.string() + "' ends at seq " + std::to_string(next) + ", not at seq " +
                        std::to_string(size) + "; the Merkle tree cannot be computed");
}

namespace detail {
/// The tile files of the trail in `dir`, as a tree_keeper stores them.
inline tile_store_ops jsonl_tile_ops(const std::filesystem::path& dir) {
    return {
        [dir] { return list_tile_files(dir); },
        [dir](const tile_id& t) { return read_tile_file(dir, t); },
        [dir](const tile_id& t, std::string_view bytes) { write_tile_file(dir, t, bytes); },
        [dir](const tile_id& t) { remove_tile_file(dir, t); },
    };
}
}  // namespace detail

/// The tree a jsonl_storage keeps and its tile files. Tile writes never fail
/// an append: the entries are written first and are the truth; when a tile
/// cannot be written (disk full, permissions) the error is reported once
/// through `warn`, the tree is still kept in memory, no more tiles are
/// written in this session, and the next open writes the missing ones from
/// the entries.
class jsonl_tree {
public:
    /// No tree (tiles off).
    jsonl_tree() = default;
    /// The tree of the trail in `dir`; call open() before use.
    jsonl_tree(std::filesystem::path dir, std::function<void(const std::string&)> warn)
        : state_(std::make_unique<state>(state{dir, detail::tree_keeper(detail::jsonl_tile_ops(dir)), std::move(warn), {}, false})) {}
    jsonl_tree(jsonl_tree&&) noexcept = default;
    jsonl_tree& operator=(jsonl_tree&&) noexcept = default;
    jsonl_tree(const jsonl_tree&) = delete;
    jsonl_tree& operator=(const jsonl_tree&) = delete;
    /// Writes the partial tiles of the final size (errors are reported, not thrown).
    ~jsonl_tree() {
        if (state_ && state_->on) {
            try {
                state_->keeper.store_partials();
            } catch (const std::exception& e) {
                state_->warn(std::string(e.what()) + " (tiles are rewritten when the trail is next opened)");
            }
        }
    }

    /// Resumes the tree of the first `size` entries, repairing the tiles (see
    /// tree_keeper::open). When the entries do not allow it (a trail that
    /// does not start at seq 0, a damaged line), warns and keeps no tree.
    void open(std::uint64_t size) {
        if (!state_) return;
        state_->on = false;
        state_->writing = true;
        try {
            const auto repair = state_->keeper.open(size, [&](std::uint64_t from, auto&& sink) {
                replay_entry_hashes(state_->dir, from, size, sink);
            });
            state_->on = true;
            if (!repair.clean())
                state_->warn("aitrail: trail '" + state_->dir.string() + "': tiles repaired from the entries (from seq " +
                             std::to_string(repair.recomputed_from) + "): " + std::to_string(repair.written) +
                             " written, " + std::to_string(repair.removed) + " removed");
        } catch (const std::exception& e) {
            state_->why = e.what();
            state_->warn("aitrail: trail '" + state_->dir.string() + "': no Merkle tree is kept: " + state_->why);
        }
    }

    /// True while a tree is kept.
    bool on() const noexcept { return state_ && state_->on; }

    /// The tree; throws storage_error when none is kept (tiles off, or the
    /// entries did not allow it: the message says why).
    const merkle_tree& tree() const {
        if (!state_) throw storage_error("this trail is opened with tiles off: no Merkle tree is kept");
        if (!state_->on) throw storage_error("no Merkle tree is kept: " + state_->why);
        return state_->keeper.tree();
    }

    /// Adds appended entries (their hashes already decoded), then writes the
    /// full tiles they complete.
    void add(std::span<const digest> hashes) {
        if (!on()) return;
        for (const auto& h : hashes) state_->keeper.add(h);
        if (!state_->writing) {
            state_->keeper.drop_pending();
            return;
        }
        try {
            state_->keeper.store_full();
        } catch (const std::exception& e) {
            failed(e);
        }
    }

    /// Writes the partial tiles of the current size.
    void flush() {
        if (!on() || !state_->writing) return;
        try {
            state_->keeper.store_partials();
        } catch (const std::exception& e) {
            failed(e);
        }
    }

private:
    void failed(const std::exception& e) {
        state_->writing = false;
        state_->keeper.drop_pending();
        state_->warn(std::string(e.what()) + "; no more tiles are written in this session (the entries are; tiles are "
                     "rewritten from them when the trail is next opened)");
    }

    struct state {
        std::filesystem::path dir;
        detail::tree_keeper keeper;
        std::function<void(const std::string&)> warn;
        std::string why;  // why no tree is kept
        bool on = false;
        bool writing = true;
    };
    std::unique_ptr<state> state_;
};

}  // namespace v1
}  // namespace aitrail
