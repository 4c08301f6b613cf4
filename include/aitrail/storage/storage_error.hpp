#pragma once
/// @file storage_error.hpp
/// The one exception storages throw: it names the path and the OS error, so a
/// full disk or a read-only directory is diagnosed from the message alone.

#include <aitrail/config.hpp>

#include <cerrno>        // errno
#include <cstring>       // strerror
#include <stdexcept>     // runtime_error
#include <string>        // string

namespace aitrail {
inline namespace v1 {

/// A storage could not read or write. what() says what, where and why.
class storage_error : public std::runtime_error {
public:
    /// `what` describes the operation and path; `os_error` is an errno value or 0.
    storage_error(const std::string& what, int os_error = 0)
        : std::runtime_error("aitrail: " + what + (os_error != 0 ? std::string(": ") + std::strerror(os_error) : std::string())),
          os_error_(os_error) {}
    /// The errno value behind the failure, or 0.
    int os_error() const noexcept { return os_error_; }

private:
    int os_error_;
};

}  // namespace v1
}  // namespace aitrail
