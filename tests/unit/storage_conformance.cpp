#include <aitrail/storage/jsonl_storage.hpp>
#include <aitrail/storage/memory_storage.hpp>

#include <doctest/doctest.h>

#include "conformance/check_storage.hpp"

#include <stdlib.h>  // mkdtemp

#include <filesystem>    // path, temp_directory_path, remove_all
#include <functional>    // function
#include <stdexcept>     // runtime_error
#include <string>        // string
#include <system_error>  // error_code

namespace {

/// A directory of its own under the system temp directory, removed with
/// everything in it at the end of the test.
class temp_dir {
public:
    explicit temp_dir(const std::string& tag) {
        std::string pattern = (std::filesystem::temp_directory_path() / ("aitrail-" + tag + "-XXXXXX")).string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
        path_ = pattern;
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    const std::filesystem::path& path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace

TEST_CASE("memory_storage meets the storage conformance checks") {
    aitrail::memory_storage shared;
    aitrail_test::check_storage<aitrail::memory_storage>(
        [&] {
            shared = aitrail::memory_storage{};
            return shared;
        },
        [&] { return shared; });
}

TEST_CASE("jsonl_storage meets the storage conformance checks") {
    const temp_dir tmp("storage-conformance");
    const auto dir = tmp.path() / "trail";
    // Small files, so that scan and reopen cross file boundaries.
    const aitrail::jsonl_options options{.max_file_bytes = 16 * 1024};
    aitrail_test::check_storage<aitrail::jsonl_storage>([&] { return aitrail::jsonl_storage(dir, options); },
                                                        [&] { return aitrail::jsonl_storage(dir, options); });
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        files += entry.path().extension() == ".jsonl" ? 1 : 0;
    CHECK(files >= 3);
}
