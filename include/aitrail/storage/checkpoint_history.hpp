#pragma once
/// @file checkpoint_history.hpp
/// Where a trail keeps the checkpoints signed for it. A JSONL trail
/// directory holds the latest one as the file `checkpoint` (the name
/// c2sp.org/tlog-tiles gives it, so the directory served over HTTP is a
/// tiles log) and every one ever issued, in order, in the append-only file
/// `checkpoints`. Each note there is framed by a line holding its length in
/// bytes, so notes of any content (blank lines included) read back exactly:
///
///     <decimal byte count of the note>\n<the note's bytes>
///
/// A note is appended (and fsynced) to `checkpoints` before `checkpoint` is
/// replaced (written beside it, fsynced, renamed, the directory fsynced), so
/// the history always holds the latest. A record cut short by a crash is the
/// trace of a checkpoint never published: readers skip it, the next store
/// cuts it off. A crash between the two steps leaves `checkpoint` holding
/// the previous note: opening the trail for writing completes that store. SQL trails keep the history in a table (sqlite_storage.hpp,
/// postgres_storage.hpp) behind the same interface.

#include <aitrail/config.hpp>
#include <aitrail/detail/storage/posix.hpp>
#include <aitrail/storage/concepts.hpp>
#include <aitrail/storage/storage_error.hpp>

#include <algorithm>    // find, min
#include <cerrno>       // errno, ENOENT
#include <charconv>     // from_chars
#include <concepts>     // convertible_to
#include <cstdint>      // uint64_t
#include <cstdio>       // rename
#include <filesystem>   // path
#include <optional>     // optional
#include <string>       // string, to_string
#include <string_view>  // string_view
#include <type_traits>  // remove_cvref_t
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// Keeps the signed checkpoints of one trail (see the table):
/// | Expression     | Type                        | Semantics                                               |
/// |----------------|-----------------------------|---------------------------------------------------------|
/// | `h.latest()`   | `std::optional<std::string>`| the latest checkpoint note, nullopt before the first    |
/// | `h.all()`      | `std::vector<std::string>`  | every note stored, oldest first                         |
/// | `h.store(n)`   | void                        | appends note `n` to the history and makes it the latest |
template <class H>
concept checkpoint_history = requires(const H& h, H& m, std::string_view note) {
    { h.latest() } -> std::convertible_to<std::optional<std::string>>;
    { h.all() } -> std::convertible_to<std::vector<std::string>>;
    m.store(note);
};

/// A tree_storage that also keeps the checkpoints signed for it:
/// `s.checkpoints()` returns its checkpoint_history (by value or reference).
/// The writer's checkpoint policy needs one.
template <class S>
concept checkpointed_storage = tree_storage<S> && requires(S& s) {
    { s.checkpoints() };
    requires checkpoint_history<std::remove_cvref_t<decltype(s.checkpoints())>>;
};

/// The name of the latest checkpoint in a JSONL trail directory.
inline constexpr std::string_view checkpoint_file_name = "checkpoint";
/// The name of the checkpoint history in a JSONL trail directory.
inline constexpr std::string_view checkpoints_file_name = "checkpoints";

namespace detail {

/// The whole file at `path`, nullopt when it does not exist.
inline std::optional<std::string> read_whole_file(const std::string& path) {
    unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) return std::nullopt;
        throw storage_error("cannot open '" + path + "'", errno);
    }
    std::string out;
    char buf[16384];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw storage_error("cannot read '" + path + "'", errno);
        if (n == 0) return out;
        out.append(buf, static_cast<std::size_t>(n));
    }
}

/// The tree size on line 2 of a checkpoint note (what the SQL histories
/// keep in their `size` column), nullopt when it has none.
inline std::optional<std::uint64_t> checkpoint_note_size(std::string_view note) {
    const auto l1 = note.find('\n');
    const auto l2 = l1 == std::string_view::npos ? l1 : note.find('\n', l1 + 1);
    std::uint64_t size = 0;
    if (l2 == std::string_view::npos ||
        std::from_chars(note.data() + l1 + 1, note.data() + l2, size).ptr != note.data() + l2)
        return std::nullopt;
    return size;
}

/// The notes of a checkpoint history file's bytes, and where a torn final
/// record starts (its offset), if any. Throws storage_error naming the
/// offset of a malformed record (not a torn one).
struct history_records {
    std::vector<std::string> notes;     ///< oldest first
    std::optional<std::uint64_t> torn;  ///< offset of a final record cut short
};

inline history_records parse_history(std::string_view bytes, const std::string& path) {
    history_records out;
    std::size_t at = 0;
    while (at < bytes.size()) {
        const std::size_t nl = bytes.find('\n', at);
        if (nl == std::string_view::npos) {
            out.torn = at;
            break;
        }
        std::uint64_t n = 0;
        const auto r = std::from_chars(bytes.data() + at, bytes.data() + nl, n);
        if (r.ec != std::errc{} || r.ptr != bytes.data() + nl || nl == at || (bytes[at] == '0' && nl - at > 1))
            throw storage_error("checkpoint history '" + path + "': offset " + std::to_string(at) +
                                ": expected a byte count line, found \"" +
                                std::string(bytes.substr(at, std::min<std::size_t>(nl - at, 40))) + "\"");
        if (n > bytes.size() - nl - 1) {
            out.torn = at;
            break;
        }
        out.notes.emplace_back(bytes.substr(nl + 1, n));
        at = nl + 1 + n;
    }
    return out;
}

}  // namespace detail

/// The checkpoint history of the JSONL trail in a directory (see the file
/// comment). Readers may run beside a writer: `checkpoint` is replaced whole
/// and `checkpoints` only grows. Stores are serialised by `checkpoints.lock`.
class jsonl_checkpoints {
public:
    /// The history of the trail in `dir` (which must exist to store).
    explicit jsonl_checkpoints(std::filesystem::path dir) : dir_(std::move(dir)) {}

    /// The trail directory.
    const std::filesystem::path& directory() const noexcept { return dir_; }
    /// The file holding the latest checkpoint.
    std::filesystem::path latest_path() const { return dir_ / checkpoint_file_name; }
    /// The file holding every checkpoint.
    std::filesystem::path history_path() const { return dir_ / checkpoints_file_name; }

    /// The note in `checkpoint`, nullopt when there is none.
    std::optional<std::string> latest() const { return detail::read_whole_file(latest_path().string()); }

    /// Every note in `checkpoints`, oldest first (a torn final record skipped).
    std::vector<std::string> all() const {
        const std::string path = history_path().string();
        const auto bytes = detail::read_whole_file(path);
        if (!bytes) return {};
        return detail::parse_history(*bytes, path).notes;
    }

    /// Appends `note` to `checkpoints` (fsynced), then makes it the file
    /// `checkpoint` (atomically, durably). Throws storage_error naming the file.
    void store(std::string_view note) {
        const std::string dir = dir_.string();
        const detail::unique_fd lock = detail::lock_file((dir_ / "checkpoints.lock").string());
        const std::string history = history_path().string();
        {
            detail::unique_fd fd = detail::open_or_throw(history, O_RDWR | O_CREAT | O_APPEND, "open checkpoint history");
            // A record torn by a crash was never published: cut it off first.
            if (const auto bytes = detail::read_whole_file(history)) {
                if (const auto torn = detail::parse_history(*bytes, history).torn)
                    if (::ftruncate(fd.get(), static_cast<off_t>(*torn)) != 0)
                        throw storage_error("cannot cut the torn record off '" + history + "'", errno);
            }
            std::string record = std::to_string(note.size()) + "\n";
            record += note;
            if (const int err = detail::write_all(fd.get(), record); err != 0)
                throw storage_error("cannot append to checkpoint history '" + history + "'", err);
            detail::sync_data(fd.get(), history);
        }
        replace_latest(note);
    }

    /// Completes a store() a crash interrupted after its first step: when
    /// `checkpoint` is missing or holds an earlier note of the history than
    /// the newest, the newest is made the latest. Any other difference (a
    /// `checkpoint` the history does not hold) is not a crash's and is left
    /// for verify to name. Returns whether it completed one.
    bool complete_interrupted_store() {
        const detail::unique_fd lock = detail::lock_file((dir_ / "checkpoints.lock").string());
        const auto notes = all();
        if (notes.empty()) return false;
        const auto latest_note = latest();
        if (latest_note == notes.back()) return false;
        if (latest_note && std::find(notes.begin(), notes.end() - 1, *latest_note) == notes.end() - 1) return false;
        replace_latest(notes.back());
        return true;
    }

private:
    // Makes `note` the file `checkpoint`: written beside it, fsynced,
    // renamed, the directory fsynced.
    void replace_latest(std::string_view note) {
        const std::string dir = dir_.string();
        const std::string latest = latest_path().string();
        const std::string temp = latest + ".tmp";
        {
            detail::unique_fd fd = detail::open_or_throw(temp, O_WRONLY | O_CREAT | O_TRUNC, "create");
            if (const int err = detail::write_all(fd.get(), note); err != 0) {
                ::unlink(temp.c_str());
                throw storage_error("cannot write '" + temp + "'", err);
            }
            if (::fsync(fd.get()) != 0) {
                const int err = errno;
                ::unlink(temp.c_str());
                throw storage_error("cannot fsync '" + temp + "'", err);
            }
        }
        if (std::rename(temp.c_str(), latest.c_str()) != 0) {
            const int err = errno;
            ::unlink(temp.c_str());
            throw storage_error("cannot rename '" + temp + "' to '" + latest + "'", err);
        }
        detail::sync_directory(dir);
    }

    std::filesystem::path dir_;
};

/// A checkpoint history in memory (for memory_storage and tests).
class memory_checkpoints {
public:
    /// The last note stored.
    std::optional<std::string> latest() const {
        return notes_.empty() ? std::nullopt : std::optional<std::string>(notes_.back());
    }
    /// Every note stored, oldest first.
    std::vector<std::string> all() const { return notes_; }
    /// Appends `note`.
    void store(std::string_view note) { notes_.emplace_back(note); }

private:
    std::vector<std::string> notes_;
};

}  // namespace v1
}  // namespace aitrail
