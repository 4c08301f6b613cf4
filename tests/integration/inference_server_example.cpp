// examples/05_inference_server as a user runs it: a child process on a free
// port, three POSTs (one malformed), SIGTERM, then the trail it left.

#include <aitrail/read/verify.hpp>

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"

#include <aitrail/capture/prediction.hpp>
#include <aitrail/storage/jsonl_files.hpp>

#include <nlohmann/json.hpp>

#include <arpa/inet.h>   // htons, inet_pton
#include <fcntl.h>       // O_CLOEXEC
#include <netinet/in.h>  // sockaddr_in
#include <signal.h>      // kill, SIGTERM
#include <spawn.h>       // posix_spawn
#include <sys/socket.h>  // socket, connect
#include <sys/wait.h>    // waitpid
#include <unistd.h>      // pipe2, read, write, close

#include <cerrno>      // errno, EINTR
#include <cstdint>     // uint16_t, int64_t
#include <fstream>     // ifstream
#include <string>      // string, getline
#include <vector>      // vector

extern char** environ;  // posix_spawn passes the test's environment on

namespace inference_server_example_tests {

// tests/CMakeLists.txt defines AITRAIL_EXAMPLE_05_PATH when the examples are
// built (AITRAIL_BUILD_EXAMPLES); without them there is nothing to run.
#ifdef AITRAIL_EXAMPLE_05_PATH

namespace {

using json = nlohmann::json;

/// The example running as a child, its stdout read through a pipe.
struct server_process {
    pid_t pid = -1;
    int out = -1;

    explicit server_process(const std::string& trail) {
        int fds[2];
        REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        posix_spawn_file_actions_t actions;
        ::posix_spawn_file_actions_init(&actions);
        ::posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
        std::vector<std::string> args = {AITRAIL_EXAMPLE_05_PATH, "--port", "0", "--trail", trail};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        const int rc = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
        ::posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]);
        out = fds[0];
        REQUIRE_MESSAGE(rc == 0, "cannot start ", AITRAIL_EXAMPLE_05_PATH);
    }
    server_process(const server_process&) = delete;
    server_process& operator=(const server_process&) = delete;
    ~server_process() {
        if (pid > 0) {  // a failed check left it running
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
        if (out >= 0) ::close(out);
    }

    /// The next line of stdout ("" at end of file).
    std::string read_line() {
        std::string line;
        char c;
        for (ssize_t n; (n = ::read(out, &c, 1)) != 0 && c != '\n';)
            if (n > 0) line += c;
            else if (errno != EINTR) break;
        return line;
    }

    /// Sends SIGTERM, drains stdout (the server writes a last line) and
    /// returns the wait status.
    int terminate() {
        REQUIRE(::kill(pid, SIGTERM) == 0);
        while (!read_line().empty()) {}
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        pid = -1;
        return status;
    }
};

struct http_reply {
    int status = 0;
    json body;
};

/// POSTs `body` to 127.0.0.1:port/predict over a fresh connection.
http_reply post_predict(int port, const std::string& body, const std::string& user) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
    const std::string request = "POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                "X-User-ID: " + user + "\r\nContent-Length: " + std::to_string(body.size()) +
                                "\r\nConnection: close\r\n\r\n" + body;
    REQUIRE(::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size()));
    std::string response;
    char buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) != 0;)
        if (n > 0) response.append(buf, static_cast<std::size_t>(n));
        else if (errno != EINTR) break;
    ::close(fd);
    INFO("response: ", response);
    REQUIRE(response.rfind("HTTP/1.1 ", 0) == 0);
    const auto body_at = response.find("\r\n\r\n");
    REQUIRE(body_at != std::string::npos);
    return {std::stoi(response.substr(9, 3)), json::parse(response.substr(body_at + 4))};
}

}  // namespace

TEST_SUITE_BEGIN("inference_server_example");

TEST_CASE("inference server example: three requests, SIGTERM, a verified trail") {
    aitrail_test::temp_dir dir("inference");
    const auto trail = dir.path() / "trail";
    server_process server(trail.string());
    const std::string banner = server.read_line();
    INFO("server said: ", banner);
    REQUIRE(banner.rfind("listening 127.0.0.1:", 0) == 0);
    const int port = std::stoi(banner.substr(20));

    const auto fraud = post_predict(port, R"({"amount": 4800, "merchant_category": "gambling", "country": "MT"})", "analyst_jane");
    const auto fine = post_predict(port, R"({"amount": 12.5, "merchant_category": "grocery", "country": "US"})", "api_client_42");
    const auto broken = post_predict(port, R"({"amount": 12.5, "merchant_cat)", "api_client_42");
    CHECK(fraud.status == 200);
    CHECK(fraud.body["prediction"] == "fraud");
    CHECK(fine.status == 200);
    CHECK(fine.body["prediction"] == "legitimate");
    CHECK(fine.body["risk_score"].get<double>() < 0.5);
    CHECK(broken.status == 400);

    const int status = server.terminate();
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);

    const auto report = aitrail::verify_paths({trail});
    for (const auto& problem : report.problems) FAIL_CHECK(aitrail::format_problem(problem));
    CHECK(report.ok());
    CHECK(report.entries == 4);  // trail.open and three predictions

    std::vector<json> recs, contents;
    for (const auto& f : aitrail::list_trail_files(trail)) {
        std::ifstream in(f.path);
        for (std::string line; std::getline(in, line);) {
            const json e = json::parse(line);
            if (e["rec"]["kind"] != "ml.prediction") continue;
            recs.push_back(e["rec"]);
            contents.push_back(e.value("content", json::object()));
        }
    }
    REQUIRE(recs.size() == 3);
    const std::string digest = aitrail::artifact_sha256(dir.path() / "fraud_detector.weights");
    const std::vector<std::string> ids = {fraud.body["request_id"], fine.body["request_id"], broken.body["request_id"]};
    for (std::size_t i = 0; i < recs.size(); ++i) {
        const json& rec = recs[i];
        INFO("record ", i, ": ", rec.dump());
        CHECK(rec["id"] == ids[i]);
        CHECK(rec["model"] == json{{"name", "fraud_detector"}, {"version", "v3.2.1"}, {"provider", "local"}});
        CHECK(rec["meta"]["artifact_sha256"] == digest);
        CHECK(rec["meta"]["endpoint"] == "/predict");
        CHECK(rec["latency_us"].get<std::int64_t>() >= 0);
        CHECK(rec["events"].at(0)["name"] == "received");
    }
    CHECK(recs[0]["user"] == "analyst_jane");
    CHECK(recs[1]["user"] == "api_client_42");
    for (std::size_t i : {0u, 1u}) {
        const json& rec = recs[i];
        const json names = {rec["events"][0]["name"], rec["events"][1]["name"], rec["events"][2]["name"]};
        CHECK(names == json::array({"received", "validated", "scored"}));
        CHECK(rec["status"] == "ok");
        CHECK(rec["meta"]["prediction"] == (i == 0 ? "fraud" : "legitimate"));
        CHECK(rec["meta"]["threshold"] == "0.5");
        CHECK(contents[i]["output"]["prediction"] == rec["meta"]["prediction"]);
        CHECK(contents[i]["output"]["score"] == (i == 0 ? fraud : fine).body["risk_score"]);
    }
    CHECK(contents[0]["input"] == json{{"amount", 4800}, {"merchant_category", "gambling"}, {"country", "MT"}});
    CHECK(contents[1]["input"] == json{{"amount", 12.5}, {"merchant_category", "grocery"}, {"country", "US"}});
    CHECK(recs[2]["status"] == "error");
    CHECK(recs[2]["error"]["type"].get<std::string>().find("parse_error") != std::string::npos);
    CHECK(recs[2]["events"].size() == 1);
    CHECK_FALSE(recs[2]["meta"].contains("prediction"));
}

#endif  // AITRAIL_EXAMPLE_05_PATH

TEST_SUITE_END();

}  // namespace inference_server_example_tests
