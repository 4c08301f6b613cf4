#pragma once
/// @file directory_witness.hpp
/// A witness that is a directory, best on another volume or mount: it keeps
/// every checkpoint it accepts and refuses, loudly, one that is inconsistent
/// with the last it accepted. Given a witness key it also cosigns, which
/// makes it the state of a c2sp.org/tlog-witness server (`aitrail witness
/// serve` is this class behind HTTP).
///
/// Layout, one folder per log origin (the origin with every byte outside
/// [A-Za-z0-9._-] written %XX):
///   <dir>/<origin>/checkpoint   the latest accepted note, cosignatures appended;
///                               replaced atomically (temp file, fsync, rename, fsync dir)
///   <dir>/<origin>/checkpoints  every accepted note in order, each followed by
///                               an empty line; only ever appended to, fsync'd
///   <dir>/lock                  flock'd while a witness has the directory open

#include <aitrail/config.hpp>
#include <aitrail/detail/storage/posix.hpp>
#include <aitrail/integrity/checkpoint.hpp>
#include <aitrail/integrity/cosignature.hpp>
#include <aitrail/integrity/merkle_verify.hpp>
#include <aitrail/integrity/signed_note.hpp>
#include <aitrail/pipeline/witness.hpp>
#include <aitrail/storage/storage_error.hpp>

#include <fcntl.h>     // open, O_*
#include <sys/file.h>  // flock
#include <unistd.h>    // fsync, close

#include <cerrno>      // errno
#include <chrono>      // system_clock
#include <cstdint>     // uint64_t
#include <exception>   // exception
#include <filesystem>  // path, create_directories, rename
#include <fstream>     // ifstream
#include <iterator>    // istreambuf_iterator
#include <memory>      // unique_ptr, make_unique
#include <mutex>       // mutex, lock_guard
#include <optional>    // optional
#include <span>        // span
#include <string>      // string, to_string
#include <string_view>  // string_view
#include <utility>     // move
#include <vector>      // vector

namespace aitrail {
inline namespace v1 {

/// A witness kept in a directory. One process at a time may hold the
/// directory (flock); one call at a time runs (a mutex), so checking the old
/// size and persisting the new checkpoint is atomic, as the spec requires.
class directory_witness {
public:
    /// A witness in `dir` (created if missing). With `log_keys`, only logs
    /// whose origin names one of those keys are accepted (404 otherwise) and
    /// their signature must verify (403); without, any origin is kept and
    /// signatures are not checked. With `witness_key`, accepted checkpoints
    /// are cosigned (cosignature/v1); without, the reply is empty.
    explicit directory_witness(std::filesystem::path dir, std::vector<note_verifier> log_keys = {},
                               std::optional<cosigner> witness_key = std::nullopt)
        : dir_(std::move(dir)), log_keys_(std::move(log_keys)), key_(std::move(witness_key)),
          mutex_(std::make_unique<std::mutex>()) {
        std::error_code ec;
        std::filesystem::create_directories(dir_, ec);
        if (ec) throw storage_error("witness: cannot create directory '" + dir_.string() + "': " + ec.message());
        const std::string lock = (dir_ / "lock").string();
        lock_ = detail::open_or_throw(lock, O_RDWR | O_CREAT, "create witness lock file");
        if (::flock(lock_.get(), LOCK_EX | LOCK_NB) != 0)
            throw storage_error("witness directory '" + dir_.string() + "' is in use by another process (" + lock + ")",
                                errno);
    }

    /// The directory, for messages.
    std::string name() const { return dir_.string(); }

    /// Publishes `r`: the proof is asked from the size this directory last
    /// accepted for the origin.
    witness_reply publish(const witness_request& r) {
        const std::lock_guard lock(*mutex_);
        const auto held = latest_locked(r.cp.origin);
        const std::uint64_t old = held ? held->size : 0;
        // A smaller checkpoint than the one held is a rollback of the log, not a malformed request.
        if (old > r.cp.size)
            refuse(r.cp.size, "rolled back: the checkpoint held has size " + std::to_string(old), 409, old);
        std::vector<digest> proof;
        if (old != 0 && old < r.cp.size) {
            if (!r.consistency_proof) refuse(r.cp.size, "no consistency proof given", 422);
            proof = r.consistency_proof(old);
        }
        return add_locked(r.note, old, proof);
    }

    /// The c2sp.org/tlog-witness add-checkpoint check of `note` given from
    /// `old_size` with `proof`: 404 unknown origin, 403 no valid log
    /// signature, 400 old size above the checkpoint's, 409 old size not the
    /// one held (witness_size() tells it) or same size with another root,
    /// 422 proof does not verify. Persists, then cosigns.
    witness_reply add_checkpoint(std::string_view note, std::uint64_t old_size, std::span<const digest> proof) {
        const std::lock_guard lock(*mutex_);
        return add_locked(note, old_size, proof);
    }

    /// The latest checkpoint accepted for `origin`, if any.
    std::optional<checkpoint> latest(const std::string& origin) const {
        const std::lock_guard lock(*mutex_);
        return latest_locked(origin);
    }

    /// The latest accepted note of `origin` with the cosignatures it got, if any.
    std::optional<std::string> latest_note(const std::string& origin) const {
        const std::lock_guard lock(*mutex_);
        return read_file(log_dir(origin) / "checkpoint");
    }

private:
    [[noreturn]] void refuse(std::uint64_t size, const std::string& why, int status,
                             std::optional<std::uint64_t> held = std::nullopt) const {
        throw witness_error(name(), size, std::to_string(status) + " " + why, status, held);
    }

    std::filesystem::path log_dir(const std::string& origin) const {
        static constexpr char hex[] = "0123456789ABCDEF";
        std::string folder;
        for (const char ch : origin) {
            const auto c = static_cast<unsigned char>(ch);
            const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                               c == '.' || c == '_' || c == '-';
            if (plain && !(c == '.' && folder.empty())) {
                folder += ch;
            } else {
                folder += '%';
                folder += hex[c >> 4];
                folder += hex[c & 15];
            }
        }
        return dir_ / folder;
    }

    static std::optional<std::string> read_file(const std::filesystem::path& p) {
        std::ifstream in(p, std::ios::binary);
        if (!in) return std::nullopt;
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (in.bad()) throw storage_error("witness: cannot read '" + p.string() + "'");
        return text;
    }

    std::optional<checkpoint> latest_locked(const std::string& origin) const {
        const auto p = log_dir(origin) / "checkpoint";
        const auto text = read_file(p);
        if (!text) return std::nullopt;
        const std::size_t split = text->find("\n\n");
        if (split == std::string::npos) throw storage_error("witness: '" + p.string() + "' is not a signed note");
        try {
            return parse_checkpoint_body(std::string_view(*text).substr(0, split + 1));
        } catch (const checkpoint_error& e) {
            throw storage_error("witness: '" + p.string() + "': " + e.what());
        }
    }

    witness_reply add_locked(std::string_view note, std::uint64_t old_size, std::span<const digest> proof) {
        checkpoint cp;
        const std::size_t split = note.find("\n\n");
        try {
            if (split == std::string_view::npos) throw checkpoint_error("not a signed note (no empty line)");
            cp = parse_checkpoint_body(note.substr(0, split + 1));
        } catch (const std::exception& e) {
            throw witness_error(name(), 0, std::string("400 malformed checkpoint: ") + e.what(), 400);
        }
        if (!log_keys_.empty()) {
            bool known = false;
            for (const note_verifier& k : log_keys_) known = known || k.name() == cp.origin;
            if (!known) refuse(cp.size, "unknown log origin \"" + cp.origin + "\"", 404);
            try {
                (void)open_checkpoint(note, log_keys_);
            } catch (const std::exception& e) {
                refuse(cp.size, std::string("no valid signature by a known log key: ") + e.what(), 403);
            }
        } else {
            try {
                (void)open_note(note, std::span<const note_verifier>{});
            } catch (const note_error& e) {
                // Only "no signature by a known key" is expected here: any other problem is a malformed note.
                if (std::string_view(e.what()).find("no signature by a known key") == std::string_view::npos)
                    throw witness_error(name(), cp.size, std::string("400 malformed checkpoint: ") + e.what(), 400);
            }
        }
        if (old_size > cp.size)
            refuse(cp.size, "old size " + std::to_string(old_size) + " is above the checkpoint's size", 400);
        const auto held = latest_locked(cp.origin);
        const std::uint64_t held_size = held ? held->size : 0;
        if (old_size != held_size)
            refuse(cp.size, "old size " + std::to_string(old_size) + " is not the size held, " + std::to_string(held_size),
                   409, held_size);
        bool same = false;
        if (old_size == 0) {
            if (!proof.empty()) refuse(cp.size, "inconsistent: a proof from size 0 must be empty", 422);
        } else if (old_size == cp.size) {
            if (held->root != cp.root) refuse(cp.size, "same size as the checkpoint held, different root hash", 409, held_size);
            if (!proof.empty()) refuse(cp.size, "inconsistent: a proof between equal sizes must be empty", 422);
            same = true;
        } else if (const proof_check check = verify_consistency(old_size, cp.size, proof, held->root, cp.root); !check) {
            refuse(cp.size, "inconsistent with checkpoint " + std::to_string(held_size) + ": " + check.error, 422);
        }
        witness_reply reply;
        if (key_) {
            const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                std::chrono::system_clock::now().time_since_epoch());
            reply.cosignatures.push_back(key_->cosign(note.substr(0, split + 1), static_cast<std::uint64_t>(now.count())));
        }
        // A checkpoint seen before (same size, same root) is cosigned again but not kept twice.
        if (!same) persist(cp.origin, append_cosignatures(note, reply.cosignatures));
        return reply;
    }

    void persist(const std::string& origin, const std::string& note) {
        const auto folder = log_dir(origin);
        const bool fresh = !std::filesystem::exists(folder);
        std::error_code ec;
        std::filesystem::create_directories(folder, ec);
        if (ec) throw storage_error("witness: cannot create directory '" + folder.string() + "': " + ec.message());
        if (fresh) detail::sync_directory(dir_.string());
        // The history first: a crash before the rename leaves an entry that
        // was never answered, never an answered one that is missing.
        const std::string all = (folder / "checkpoints").string();
        {
            detail::unique_fd fd = detail::open_or_throw(all, O_WRONLY | O_APPEND | O_CREAT, "append to", 0644);
            if (const int err = detail::write_all(fd.get(), note + "\n"); err != 0)
                throw storage_error("witness: cannot write '" + all + "'", err);
            if (::fsync(fd.get()) != 0) throw storage_error("witness: cannot fsync '" + all + "'", errno);
        }
        const std::string latest = (folder / "checkpoint").string();
        const std::string temp = latest + ".tmp";
        {
            detail::unique_fd fd = detail::open_or_throw(temp, O_WRONLY | O_CREAT | O_TRUNC, "create", 0644);
            if (const int err = detail::write_all(fd.get(), note); err != 0)
                throw storage_error("witness: cannot write '" + temp + "'", err);
            if (::fsync(fd.get()) != 0) throw storage_error("witness: cannot fsync '" + temp + "'", errno);
        }
        std::filesystem::rename(temp, latest, ec);
        if (ec) throw storage_error("witness: cannot rename '" + temp + "' to '" + latest + "': " + ec.message());
        detail::sync_directory(folder.string());
    }

    std::filesystem::path dir_;
    std::vector<note_verifier> log_keys_;
    std::optional<cosigner> key_;
    detail::unique_fd lock_;
    std::unique_ptr<std::mutex> mutex_;  // a pointer, so the witness stays movable
};

}  // namespace v1
}  // namespace aitrail
