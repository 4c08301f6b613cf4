#include <aitrail/storage/jsonl_storage.hpp>
#include <aitrail/storage/memory_storage.hpp>

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"

#include "support/check_storage.hpp"

#include <stdlib.h>  // mkdtemp

#include <filesystem>    // path, temp_directory_path, remove_all
#include <functional>    // function
#include <stdexcept>     // runtime_error
#include <string>        // string
#include <system_error>  // error_code

namespace storage_conformance_tests {

namespace {

using aitrail_test::temp_dir;

}  // namespace

TEST_SUITE_BEGIN("storage_conformance");

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

TEST_SUITE_END();

}  // namespace storage_conformance_tests
