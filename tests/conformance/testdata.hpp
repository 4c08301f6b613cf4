#pragma once
// Access to the public conformance vectors named by $AITRAIL_TESTDATA.

#include "support/files.hpp"  // read_file, for the vector files

#include <cstdlib>     // getenv
#include <filesystem>  // path

namespace aitrail_test {

/// $AITRAIL_TESTDATA / relative (main() guarantees the variable is set).
inline std::filesystem::path testdata(const std::filesystem::path& relative) {
    return std::filesystem::path(std::getenv("AITRAIL_TESTDATA")) / relative;
}

}  // namespace aitrail_test
