#pragma once
/// @file emulator_process.hpp
/// The provider API emulator (tools/emulator) as a child process of a test:
/// started on a free loopback port, stopped with SIGTERM when the object goes
/// away.
///
///     aitrail_test::emulator_process emu;                 // plain HTTP
///     aitrail_test::emulator_process tls({"--tls", cert, key});
///     std::string url = emu.base_url() + "/v1/messages";  // http://127.0.0.1:PORT
///
/// Requires AITRAIL_EMULATOR_PATH (tests/CMakeLists.txt defines it).

#include "support/child_process.hpp"

#include <string>  // string
#include <vector>  // vector

#ifndef AITRAIL_EMULATOR_PATH
#error "AITRAIL_EMULATOR_PATH must name the built aitrail-emulator (tests/CMakeLists.txt defines it)"
#endif

namespace aitrail_test {

/// A running aitrail-emulator listening on 127.0.0.1; extra arguments
/// (`--tls CERT KEY`, `--latency-ms N`) are passed through.
class emulator_process : public child_process {
public:
    /// Starts the emulator and waits for its "listening" line.
    explicit emulator_process(const std::vector<std::string>& extra_args = {})
        : child_process(arguments(extra_args)) {}

    /// "http://127.0.0.1:PORT" (or https with --tls), no trailing slash.
    std::string base_url(bool tls = false) const {
        return std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port());
    }

private:
    static std::vector<std::string> arguments(const std::vector<std::string>& extra) {
        // --exit-on-stdin-eof is not needed: child_process has the kernel
        // stop the emulator when the test process dies.
        std::vector<std::string> args = {AITRAIL_EMULATOR_PATH, "--listen", "127.0.0.1:0"};
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    }
};

}  // namespace aitrail_test
