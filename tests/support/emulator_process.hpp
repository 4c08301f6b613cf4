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
/// Requires AITRAIL_EMULATOR_PATH (tests/CMakeLists.txt defines it for
/// aitrail_tests).

#include <fcntl.h>     // O_CLOEXEC
#include <poll.h>      // poll
#include <signal.h>    // kill, SIGTERM, SIGKILL
#include <sys/wait.h>  // waitpid, WIFEXITED, WEXITSTATUS
#include <unistd.h>    // fork, execv, pipe2, dup2, read, close, _exit

#include <cerrno>     // errno, EINTR
#include <chrono>     // steady_clock, milliseconds
#include <stdexcept>  // runtime_error
#include <string>     // string
#include <thread>     // this_thread::sleep_for
#include <vector>     // vector

#ifndef AITRAIL_EMULATOR_PATH
#error "AITRAIL_EMULATOR_PATH must name the built aitrail-emulator (tests/CMakeLists.txt defines it)"
#endif

namespace aitrail_test {

/// A running aitrail-emulator listening on 127.0.0.1; extra arguments
/// (`--tls CERT KEY`, `--latency-ms N`) are passed through.
class emulator_process {
public:
    /// Starts the emulator and waits (up to 30 s) for its "listening" line;
    /// throws if it does not come.
    explicit emulator_process(const std::vector<std::string>& extra_args = {}) {
        std::vector<std::string> args = {AITRAIL_EMULATOR_PATH, "--listen", "127.0.0.1:0", "--exit-on-stdin-eof"};
        args.insert(args.end(), extra_args.begin(), extra_args.end());
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);

        // stdout tells us the port; stdin stays open as long as we live, so a
        // test process killed before its destructors runs takes the emulator with it.
        int out[2];
        int in[2];
        if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
        if (::pipe2(in, O_CLOEXEC) != 0) {
            ::close(out[0]);
            ::close(out[1]);
            throw std::runtime_error("pipe2 failed");
        }
        pid_ = ::fork();
        if (pid_ == 0) {
            // Only async-signal-safe calls between fork and exec: the test may have threads.
            if (::dup2(out[1], STDOUT_FILENO) < 0 || ::dup2(in[0], STDIN_FILENO) < 0) ::_exit(127);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(out[1]);
        ::close(in[0]);
        stdout_fd_ = out[0];
        stdin_fd_ = in[1];
        if (pid_ < 0) {
            close_pipes();
            throw std::runtime_error("fork failed");
        }
        try {
            port_ = read_port();
        } catch (...) {
            stop();
            close_pipes();
            throw;
        }
    }

    emulator_process(const emulator_process&) = delete;
    emulator_process& operator=(const emulator_process&) = delete;

    /// Stops the emulator if still running.
    ~emulator_process() {
        stop();
        close_pipes();
    }

    /// The port it listens on.
    int port() const noexcept { return port_; }

    /// "http://127.0.0.1:PORT" (or https with --tls), no trailing slash.
    std::string base_url(bool tls = false) const {
        return std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
    }

    /// The child's process id.
    pid_t pid() const noexcept { return pid_; }

    /// Sends SIGTERM and waits for the exit; returns the exit status, or -1
    /// if it died by a signal, SIGKILLed after `grace` (default 20 s).
    /// Later calls return the first result.
    int stop(std::chrono::milliseconds grace = std::chrono::seconds(20)) {
        if (pid_ <= 0) return status_;
        ::kill(pid_, SIGTERM);
        const auto deadline = std::chrono::steady_clock::now() + grace;
        int raw = 0;
        for (;;) {
            const pid_t r = ::waitpid(pid_, &raw, WNOHANG);
            if (r == pid_) break;
            if (r < 0 && errno != EINTR) {
                raw = -1;
                break;
            }
            if (std::chrono::steady_clock::now() > deadline) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &raw, 0);
                raw = -1;
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        status_ = raw != -1 && WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
        pid_ = 0;
        return status_;
    }

private:
    /// Reads "listening 127.0.0.1:<port>\n" from the child's stdout.
    int read_port() {
        std::string line;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (line.find('\n') == std::string::npos) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) throw std::runtime_error("aitrail-emulator did not report its port within 30 s");
            pollfd p{stdout_fd_, POLLIN, 0};
            const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
            if (ready < 0 && errno == EINTR) continue;
            if (ready <= 0) continue;
            char buf[256];
            const ssize_t n = ::read(stdout_fd_, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) throw std::runtime_error("aitrail-emulator exited before listening: '" + line + "'");
            line.append(buf, static_cast<std::size_t>(n));
        }
        const std::string prefix = "listening 127.0.0.1:";
        if (line.rfind(prefix, 0) != 0) throw std::runtime_error("unexpected emulator output: '" + line + "'");
        return std::stoi(line.substr(prefix.size()));
    }

    /// Closes our ends of the pipes.
    void close_pipes() noexcept {
        if (stdout_fd_ >= 0) ::close(stdout_fd_);
        if (stdin_fd_ >= 0) ::close(stdin_fd_);
        stdout_fd_ = stdin_fd_ = -1;
    }

    pid_t pid_ = 0;       ///< the child, 0 once reaped
    int port_ = 0;        ///< from the "listening" line
    int status_ = -1;     ///< exit status once stopped
    int stdout_fd_ = -1;  ///< the child's stdout
    int stdin_fd_ = -1;   ///< the child's stdin, held open while we live
};

}  // namespace aitrail_test
