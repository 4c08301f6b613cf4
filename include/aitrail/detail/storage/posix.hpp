#pragma once
/// @file posix.hpp
/// Thin POSIX file helpers for the JSONL storage: a move-only descriptor,
/// writes that finish or roll back, and the fsync calls durability rests on.

#include <aitrail/config.hpp>
#include <aitrail/storage/storage_error.hpp>

#include <fcntl.h>     // open, O_*
#include <sys/file.h>  // flock
#include <sys/stat.h>  // fstat
#include <unistd.h>    // write, close, fdatasync, ftruncate

#include <cerrno>      // errno, EINTR
#include <string>      // string
#include <string_view> // string_view
#include <utility>     // exchange

namespace aitrail {
inline namespace v1 {
namespace detail {

/// A file descriptor that closes itself.
class unique_fd {
public:
    unique_fd() = default;
    explicit unique_fd(int fd) noexcept : fd_(fd) {}
    unique_fd(unique_fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    unique_fd& operator=(unique_fd&& o) noexcept {
        if (this != &o) {
            reset();
            fd_ = std::exchange(o.fd_, -1);
        }
        return *this;
    }
    unique_fd(const unique_fd&) = delete;
    unique_fd& operator=(const unique_fd&) = delete;
    ~unique_fd() { reset(); }

    /// The raw descriptor, or -1.
    int get() const noexcept { return fd_; }
    /// True when a descriptor is held.
    explicit operator bool() const noexcept { return fd_ >= 0; }
    /// Closes the descriptor, if any.
    void reset() noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

/// Opens `path` with `flags`; throws storage_error naming `what` and the path.
inline unique_fd open_or_throw(const std::string& path, int flags, const char* what, mode_t mode = 0644) {
    int fd;
    do fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) throw storage_error(std::string("cannot ") + what + " '" + path + "'", errno);
    return unique_fd(fd);
}

/// Writes all of `bytes` or returns the errno that stopped it (0 on success).
inline int write_all(int fd, std::string_view bytes) noexcept {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        if (n == 0) return EIO;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return 0;
}

/// Size of the open file.
inline std::uint64_t file_size(int fd, const std::string& path) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw storage_error("cannot stat '" + path + "'", errno);
    return static_cast<std::uint64_t>(st.st_size);
}

/// fdatasync, naming the path on failure.
inline void sync_data(int fd, const std::string& path) {
    int rc;
    do rc = ::fdatasync(fd);
    while (rc != 0 && errno == EINTR);
    if (rc != 0) throw storage_error("cannot fdatasync '" + path + "'", errno);
}

/// fsync of a directory, so that files created in it survive a power loss.
inline void sync_directory(const std::string& dir) {
    unique_fd fd = open_or_throw(dir, O_RDONLY | O_DIRECTORY, "open directory");
    if (::fsync(fd.get()) != 0) throw storage_error("cannot fsync directory '" + dir + "'", errno);
}

/// Takes an exclusive, non-blocking lock on `path` (created if missing);
/// fails when another writer holds it. The lock lives as long as the fd.
inline unique_fd lock_file(const std::string& path) {
    unique_fd fd = open_or_throw(path, O_RDWR | O_CREAT, "create lock file");
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        if (err == EWOULDBLOCK)
            throw storage_error("trail '" + path + "' is locked by another writer (a trail has exactly one writer; "
                                "give each process its own trail directory)");
        throw storage_error("cannot lock '" + path + "'", err);
    }
    return fd;
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
