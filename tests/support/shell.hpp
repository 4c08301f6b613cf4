#pragma once
/// @file shell.hpp
/// Runs a shell command (curl, openssl, the aitrail tool) and returns what
/// it printed on stdout and how it exited.

#include <doctest/doctest.h>

#include <stdio.h>     // popen, pclose
#include <sys/wait.h>  // WIFEXITED, WEXITSTATUS

#include <cstdio>  // fread
#include <string>  // string

namespace aitrail_test {

/// `s` quoted for /bin/sh (single quotes; a quote inside becomes '\'').
inline std::string shell_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

/// What a command printed and how it ended.
struct shell_result {
    std::string out;     ///< its stdout
    int exit_code = -1;  ///< its exit status; -1 if it died by a signal
};

/// Runs `command` with /bin/sh; stderr is left as the command sets it.
inline shell_result run_shell(const std::string& command) {
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    shell_result r;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) r.out.append(buf, n);
    const int status = ::pclose(pipe);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

}  // namespace aitrail_test
