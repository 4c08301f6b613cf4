#pragma once
/// @file child_process.hpp
/// A server program as a child process of a test: started with its
/// arguments, ready once it printed its "listening HOST:PORT" line, stopped
/// with SIGTERM (and its exit status kept) when asked or when the object
/// goes away. The child also gets SIGTERM if the test process dies first.

#include <fcntl.h>       // O_CLOEXEC
#include <poll.h>        // poll
#include <signal.h>      // kill, SIGTERM, SIGKILL
#include <sys/prctl.h>   // prctl, PR_SET_PDEATHSIG
#include <sys/wait.h>    // waitpid
#include <unistd.h>      // fork, execve, pipe2, dup2, read, close, _exit

#include <cerrno>     // errno, EINTR
#include <chrono>     // steady_clock, milliseconds
#include <stdexcept>  // runtime_error
#include <string>     // string
#include <thread>     // this_thread::sleep_for
#include <vector>     // vector

extern char** environ;

namespace aitrail_test {

/// A running server child process.
class child_process {
public:
    /// Runs `args` (args[0] is the program path, `extra_env` "NAME=value"
    /// entries are added to the environment) and waits up to 60 s for a
    /// stdout line containing "listening ", whose port it keeps.
    explicit child_process(std::vector<std::string> args, std::vector<std::string> extra_env = {}) {
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        std::vector<std::string> env_store = std::move(extra_env);
        std::vector<char*> envp;
        for (auto& e : env_store) envp.push_back(e.data());
        for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
        envp.push_back(nullptr);

        int out[2];
        if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
        pid_ = ::fork();
        if (pid_ == 0) {
            // Only async-signal-safe calls between fork and exec.
            ::prctl(PR_SET_PDEATHSIG, SIGTERM);
            if (::dup2(out[1], STDOUT_FILENO) < 0) ::_exit(127);
            ::execve(argv[0], argv.data(), envp.data());
            ::_exit(127);
        }
        ::close(out[1]);
        stdout_fd_ = out[0];
        if (pid_ < 0) {
            ::close(stdout_fd_);
            throw std::runtime_error("fork failed");
        }
        try {
            port_ = read_port(args[0]);
        } catch (...) {
            stop();
            ::close(stdout_fd_);
            throw;
        }
    }
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;
    /// Stops the child if it still runs.
    ~child_process() {
        stop();
        ::close(stdout_fd_);
    }

    /// The port from the "listening" line.
    int port() const noexcept { return port_; }
    /// "http://127.0.0.1:PORT".
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    /// The child's process id.
    pid_t pid() const noexcept { return pid_; }
    /// The whole "listening" line.
    const std::string& banner() const noexcept { return banner_; }

    /// Sends SIGTERM and waits; returns the exit status, or -1 if it died by
    /// a signal or had to be killed after `grace`. Later calls return the same.
    int stop(std::chrono::milliseconds grace = std::chrono::seconds(30)) {
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
    int read_port(const std::string& program) {
        std::string text;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        for (;;) {
            const auto at = text.find("listening ");
            if (at != std::string::npos) {
                const auto eol = text.find('\n', at);
                if (eol != std::string::npos) {
                    banner_ = text.substr(at, eol - at);
                    const auto colon = banner_.find(':');
                    if (colon == std::string::npos) throw std::runtime_error("no port in '" + banner_ + "'");
                    return std::stoi(banner_.substr(colon + 1));
                }
            }
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) throw std::runtime_error(program + " did not report its port within 60 s");
            pollfd p{stdout_fd_, POLLIN, 0};
            const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
            if (ready <= 0) continue;
            char buf[512];
            const ssize_t n = ::read(stdout_fd_, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) throw std::runtime_error(program + " exited before listening: '" + text + "'");
            text.append(buf, static_cast<std::size_t>(n));
        }
    }

    pid_t pid_ = -1;
    int stdout_fd_ = -1;
    int port_ = 0;
    int status_ = -1;
    std::string banner_;
};

}  // namespace aitrail_test
