#pragma once
/// @file files.hpp
/// Whole-file reads and writes for tests that look at or damage what a
/// storage or the tool wrote, byte for byte (binary mode: no newline
/// translation). Failures throw naming the path, which fails the test case.

#include <filesystem>  // path
#include <fstream>     // ifstream, ofstream
#include <iterator>    // istreambuf_iterator
#include <stdexcept>   // runtime_error
#include <string>      // string

namespace aitrail_test {

/// The bytes of `p`.
inline std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + p.string());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Replaces the contents of `p` with `bytes` (creating it).
inline void write_file(const std::filesystem::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    if (!out || !(out << bytes)) throw std::runtime_error("cannot write " + p.string());
}

/// Adds `bytes` at the end of `p` (creating it).
inline void append_file(const std::filesystem::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::app);
    if (!out || !(out << bytes)) throw std::runtime_error("cannot append to " + p.string());
}

}  // namespace aitrail_test
