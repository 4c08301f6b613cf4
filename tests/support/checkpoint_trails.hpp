#pragma once
/// @file checkpoint_trails.hpp
/// What the checkpoint tests share: trails and log keys
/// (support/checkpoint_keys.hpp), and the built tool run with its exit
/// status, stdout and stderr.

#include "support/checkpoint_keys.hpp"
#include "support/files.hpp"
#include "support/shell.hpp"
#include "support/tool_path.hpp"

#include <filesystem>  // path, remove
#include <string>      // string
#include <vector>      // vector

namespace aitrail_test {

/// How the tool ended and what it printed.
struct cli_run {
    int status = -1;   ///< exit status (-1: killed by a signal)
    std::string out;   ///< stdout
    std::string err;   ///< stderr
    /// Both streams.
    std::string all() const { return out + err; }
};

/// Runs `aitrail <args>`; `scratch` holds its stderr for a moment.
inline cli_run run_aitrail(const std::filesystem::path& scratch, const std::vector<std::string>& args) {
    const auto err_file = scratch / "aitrail-stderr.txt";
    std::string command = shell_quote(tool_path());
    for (const auto& a : args) command += " " + shell_quote(a);
    command += " 2>" + shell_quote(err_file.string());
    const auto shell = run_shell(command);
    cli_run r{shell.exit_code, shell.out, read_file(err_file)};
    std::filesystem::remove(err_file);
    return r;
}

/// True if `text` contains `part`.
inline bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace aitrail_test
