#pragma once
/// @file temp_dir.hpp
/// A directory of its own under the system temp directory, removed with
/// everything in it when the object goes away.

#include <stdlib.h>  // mkdtemp

#include <filesystem>    // path, temp_directory_path, remove_all
#include <stdexcept>     // runtime_error
#include <string>        // string
#include <system_error>  // error_code

namespace aitrail_test {

/// Creates `<base>/aitrail-<tag>-XXXXXX`, base being $TMPDIR (or /tmp)
/// unless given; removes it on destruction.
class temp_dir {
public:
    explicit temp_dir(const std::string& tag) : temp_dir(tag, std::filesystem::temp_directory_path()) {}
    temp_dir(const std::string& tag, const std::filesystem::path& base) {
        std::string pattern = (base / ("aitrail-" + tag + "-XXXXXX")).string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
        path_ = pattern;
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    ~temp_dir() {
        // Tests may have taken write permission away (unwritable-directory
        // cases): give it back first, or remove_all would leave files behind.
        namespace fs = std::filesystem;
        std::error_code ec;
        fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
        for (const auto& entry : fs::recursive_directory_iterator(path_, ec))
            if (entry.is_directory(ec)) fs::permissions(entry.path(), fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(path_, ec);
    }
    /// The directory.
    const std::filesystem::path& path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace aitrail_test
