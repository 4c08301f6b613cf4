#pragma once
// Access to the public conformance vectors named by $AITRAIL_TESTDATA.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace aitrail_test {

/// $AITRAIL_TESTDATA / relative (main() guarantees the variable is set).
inline std::filesystem::path testdata(const std::filesystem::path& relative) {
    return std::filesystem::path(std::getenv("AITRAIL_TESTDATA")) / relative;
}

/// The bytes of a file; throws naming the path if it cannot be read.
inline std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + p.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace aitrail_test
