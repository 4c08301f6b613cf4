#pragma once
/// @file tool_path.hpp
/// The built aitrail tool, for the tests that run it as a user does.
/// tests/CMakeLists.txt passes its path to every test that includes this.

#ifndef AITRAIL_TOOL_PATH
#error "AITRAIL_TOOL_PATH must name the built aitrail tool (tests/CMakeLists.txt defines it)"
#endif

#include <string>  // string

namespace aitrail_test {

/// The path of the built aitrail tool.
inline std::string tool_path() { return AITRAIL_TOOL_PATH; }

}  // namespace aitrail_test
