// http_transport against real servers on loopback: the provider emulator
// (plain and TLS) for the three APIs and its faults, and small scripted
// servers for what the emulator cannot do (a connection closed while idle,
// a response that is not HTTP).
#include <aitrail/capture/http_transport.hpp>

#include <doctest/doctest.h>

#include "support/emulator_process.hpp"
#include "support/temp_dir.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <nlohmann/json.hpp>

#include <atomic>      // atomic
#include <chrono>      // steady_clock, milliseconds
#include <cstdlib>     // system
#include <functional>  // function
#include <stdexcept>   // invalid_argument
#include <string>      // string
#include <thread>      // thread
#include <vector>      // vector

namespace http_transport_tests {

namespace {

using namespace std::chrono_literals;
using aitrail::http_transport;
using aitrail::http_transport_options;
using aitrail::model_request;
using aitrail::transport_error;
using aitrail::transport_failure;
using aitrail_test::emulator_process;

/// The three APIs the emulator serves: target and a minimal request body.
struct endpoint {
    const char* target;
    std::string (*body)(bool stream, const std::string& extra_model_suffix);
    const char* last_event;  ///< text the end of a streamed answer contains
};

std::string anthropic_body(bool stream, const std::string& suffix) {
    return nlohmann::json{{"model", "claude-emu" + suffix},
                          {"max_tokens", 64},
                          {"stream", stream},
                          {"messages", {{{"role", "user"}, {"content", "hello there from the test suite"}}}}}
        .dump();
}
std::string chat_body(bool stream, const std::string& suffix) {
    return nlohmann::json{{"model", "gpt-emu" + suffix},
                          {"stream", stream},
                          {"messages", {{{"role", "user"}, {"content", "hello there from the test suite"}}}}}
        .dump();
}
std::string responses_body(bool stream, const std::string& suffix) {
    return nlohmann::json{{"model", "gpt-emu" + suffix}, {"stream", stream}, {"input", "hello there from the test suite"}}
        .dump();
}

const endpoint endpoints[] = {
    {"/v1/messages", anthropic_body, "message_stop"},
    {"/v1/chat/completions", chat_body, "[DONE]"},
    {"/v1/responses", responses_body, "response.completed"},
};

model_request api_request(const endpoint& e, bool stream, const std::string& fault = {}) {
    model_request r{.target = e.target, .body = e.body(stream, "")};
    if (!fault.empty()) r.headers.emplace_back("x-emulator-fault", fault);
    return r;
}

model_request messages(bool stream, const std::string& fault = {}) { return api_request(endpoints[0], stream, fault); }

http_transport_options fast_options(const std::string& url) {
    return {.base_url = url, .retry_backoff = 5ms, .max_retry_wait = 50ms};
}

/// Everything a stream delivered.
struct recording_handler : aitrail::stream_handler {
    std::vector<aitrail::model_response> heads;
    std::vector<std::string> chunks;
    std::string body;
    void on_head(const aitrail::model_response& head) override { heads.push_back(head); }
    void on_chunk(std::string_view bytes) override {
        chunks.emplace_back(bytes);
        body += bytes;
    }
};

/// The emulator's record of the last API request.
nlohmann::json last_request(const emulator_process& emu) {
    const http_transport control{{.base_url = emu.base_url()}};
    const auto r = control.send({.method = "GET", .target = "/_emulator/last_request"});
    REQUIRE(r.status == 200);
    return nlohmann::json::parse(r.body);
}

/// API requests the emulator received.
int emulator_requests(const emulator_process& emu) {
    const http_transport control{{.base_url = emu.base_url()}};
    return nlohmann::json::parse(control.send({.method = "GET", .target = "/_emulator/stats"}).body)["requests"];
}

/// Runs `f`, which must throw a transport_error, and returns it.
template <class F>
transport_error failure_of(F&& f) {
    try {
        f();
    } catch (const transport_error& e) {
        return e;
    }
    FAIL("no transport_error was thrown");
    return transport_error(transport_failure::protocol, "unreachable");
}

/// A self-signed certificate for 127.0.0.1 and `dns_name`, made with the
/// openssl tool.
struct test_certificate {
    aitrail_test::temp_dir dir{"http-tls"};
    std::string cert = (dir.path() / "cert.pem").string();
    std::string key = (dir.path() / "key.pem").string();
    explicit test_certificate(const std::string& san) {
        const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -addext "
                                "'subjectAltName=" + san + "' -keyout '" + key + "' -out '" + cert +
                                "' -days 1 >/dev/null 2>&1";
        REQUIRE(std::system(cmd.c_str()) == 0);
    }
};

/// A one-thread TCP server on loopback that hands each accepted
/// connection, in turn, to `serve`.
class scripted_server {
public:
    using tcp = boost::asio::ip::tcp;
    explicit scripted_server(std::function<void(tcp::socket&)> serve)
        : acceptor_(io_, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)),
          thread_([this, serve = std::move(serve)] {
              for (;;) {
                  tcp::socket socket(io_);
                  boost::system::error_code ec;
                  acceptor_.accept(socket, ec);
                  if (ec || stop_) return;
                  serve(socket);
              }
          }) {}
    ~scripted_server() {
        stop_ = true;
        // A connection of our own wakes the blocked accept.
        tcp::socket wake(io_);
        boost::system::error_code ec;
        wake.connect(acceptor_.local_endpoint(), ec);
        thread_.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }

    /// Reads one request; false when the client closed instead.
    static bool read_request(tcp::socket& s, boost::beast::flat_buffer& buffer) {
        boost::beast::http::request<boost::beast::http::string_body> req;
        boost::system::error_code ec;
        boost::beast::http::read(s, buffer, req, ec);
        return !ec;
    }
    static void write(tcp::socket& s, const std::string& bytes) {
        boost::system::error_code ec;
        boost::asio::write(s, boost::asio::buffer(bytes), ec);
    }

private:
    boost::asio::io_context io_;
    tcp::acceptor acceptor_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace

TEST_SUITE_BEGIN("http_transport");

TEST_CASE("http_transport: parse_base_url takes URLs apart and names bad ones") {
    const auto u = aitrail::parse_base_url("https://api.anthropic.com");
    CHECK(u.scheme == "https");
    CHECK(u.host == "api.anthropic.com");
    CHECK(u.port == 443);
    CHECK(u.prefix.empty());
    CHECK(u.tls());

    const auto p = aitrail::parse_base_url("HTTP://127.0.0.1:8080/prefix/v2/");
    CHECK(p.scheme == "http");
    CHECK(p.port == 8080);
    CHECK(p.prefix == "/prefix/v2");
    CHECK_FALSE(p.tls());

    const auto v6 = aitrail::parse_base_url("http://[::1]:9000");
    CHECK(v6.host == "::1");
    CHECK(v6.port == 9000);
    CHECK(aitrail::parse_base_url("http://localhost").port == 80);

    for (const char* bad : {"", "api.anthropic.com", "ftp://host", "http://", "http://host:0", "http://host:65536",
                            "http://host:", "http://host:12x", "http://user:pw@host", "http://host/p?q=1",
                            "http://::1:80", "http://[::1", "http://ho st"}) {
        CAPTURE(bad);
        try {
            (void)aitrail::parse_base_url(bad);
            FAIL("accepted");
        } catch (const std::invalid_argument& e) {
            CHECK(std::string(e.what()).find("'" + std::string(bad) + "'") != std::string::npos);
        }
    }
    CHECK_THROWS_AS(http_transport({.base_url = "nope"}), std::invalid_argument);
}

TEST_CASE("http_transport: send and stream on all three endpoints") {
    emulator_process emu;
    const http_transport t{fast_options(emu.base_url())};
    for (const auto& e : endpoints) {
        CAPTURE(e.target);
        const auto whole = t.send(api_request(e, false));
        CHECK(whole.status == 200);
        CHECK(whole.body.find("Echo: hello there") != std::string::npos);
        REQUIRE(aitrail::find_field(whole.headers, "content-type") != nullptr);
        CHECK(aitrail::find_field(whole.headers, "Content-Type")->find("application/json") == 0);

        // slow20 spaces the events out, so each arrives as its own piece.
        recording_handler h;
        t.stream(api_request(e, true, "slow20"), h);
        REQUIRE(h.heads.size() == 1);
        CHECK(h.heads[0].status == 200);
        CHECK(h.heads[0].body.empty());
        CHECK(aitrail::find_field(h.heads[0].headers, "content-type")->find("text/event-stream") == 0);
        CHECK(h.chunks.size() >= 3);
        CHECK(h.body.find("Echo: ") != std::string::npos);
        CHECK(h.body.find(e.last_event) != std::string::npos);
    }
    const auto missing = t.send({.target = "/v1/nothing", .body = "{}"});
    CHECK(missing.status == 404);
}

TEST_CASE("http_transport: keep-alive connections are reused") {
    emulator_process emu;
    const http_transport t{fast_options(emu.base_url())};
    for (int i = 0; i < 5; ++i) CHECK(t.send(messages(false)).status == 200);
    recording_handler h;
    t.stream(messages(true), h);
    CHECK(h.body.find("message_stop") != std::string::npos);
    const auto s = t.stats();
    CHECK(s.connections_opened == 1);
    CHECK(s.connections_reused == 5);
    CHECK(s.idle_connections == 1);
    CHECK(s.retries == 0);
}

TEST_CASE("http_transport: a pooled connection the server closed is replaced without a retry") {
    // Each connection answers one request, then reads the next and hangs up
    // without answering: what a server's keep-alive timeout looks like when
    // it races the client's next request.
    scripted_server server([](scripted_server::tcp::socket& s) {
        boost::beast::flat_buffer buffer;
        if (!scripted_server::read_request(s, buffer)) return;
        scripted_server::write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        (void)scripted_server::read_request(s, buffer);
    });
    const http_transport t{{.base_url = server.url(), .max_retries = 0}};
    CHECK(t.send({.target = "/a", .body = "{}"}).body == "ok");
    CHECK(t.send({.target = "/b", .body = "{}"}).body == "ok");
    recording_handler h;
    t.stream({.target = "/c", .body = "{}"}, h);
    CHECK(h.body == "ok");
    CHECK(t.stats().connections_opened == 3);
    CHECK(t.stats().retries == 0);
}

TEST_CASE("http_transport: retryable statuses are retried, then returned") {
    emulator_process emu;
    const http_transport t{fast_options(emu.base_url())};

    CHECK(t.send(messages(false, "once-429")).status == 200);
    CHECK(t.stats().retries == 1);
    CHECK(t.send(messages(false, "once-500")).status == 200);  // no Retry-After: backoff
    CHECK(t.stats().retries == 2);

    const int before = emulator_requests(emu);
    const auto limited = t.send(messages(false, "429"));
    CHECK(limited.status == 429);
    CHECK(limited.body.find("rate_limit") != std::string::npos);
    CHECK(emulator_requests(emu) - before == 3);  // the first try and max_retries = 2
    CHECK(t.stats().retries == 4);

    recording_handler once;
    t.stream(messages(true, "once-529"), once);
    REQUIRE(once.heads.size() == 1);  // the 529 never reached the handler
    CHECK(once.heads[0].status == 200);
    CHECK(once.body.find("message_stop") != std::string::npos);

    recording_handler always;
    t.stream(messages(true, "503"), always);
    REQUIRE(always.heads.size() == 1);
    CHECK(always.heads[0].status == 503);
    CHECK_FALSE(always.body.empty());

    const http_transport no_retries{{.base_url = emu.base_url(), .max_retries = 0}};
    CHECK(no_retries.send(messages(false, "once-502")).status == 502);
    CHECK(no_retries.stats().retries == 0);
}

TEST_CASE("http_transport: a body cut off is cut_off with response_started") {
    emulator_process emu;
    const http_transport t{fast_options(emu.base_url())};
    const auto whole = failure_of([&] { t.send(messages(false, "cutoff")); });
    CHECK(whole.failure() == transport_failure::cut_off);
    CHECK(whole.response_started());
    CHECK(std::string(whole.what()).find("127.0.0.1:" + std::to_string(emu.port())) != std::string::npos);

    recording_handler h;
    const auto streamed = failure_of([&] { t.stream(messages(true, "cutoff"), h); });
    CHECK(streamed.failure() == transport_failure::cut_off);
    CHECK(streamed.response_started());
    CHECK(h.heads.size() == 1);
    CHECK_FALSE(h.body.empty());
    CHECK(h.body.find("message_stop") == std::string::npos);
    CHECK(t.stats().retries == 0);  // nothing is retried once the response began

    // The transport goes on working after a broken connection.
    CHECK(t.send(messages(false)).status == 200);
}

TEST_CASE("http_transport: timeouts") {
    emulator_process emu;
    http_transport_options o = fast_options(emu.base_url());
    o.response_timeout = 150ms;
    const http_transport impatient{o};
    const auto start = std::chrono::steady_clock::now();
    const auto head = failure_of([&] { impatient.send(messages(false, "slow2000")); });
    CHECK(head.failure() == transport_failure::timeout);
    CHECK_FALSE(head.response_started());
    CHECK(std::chrono::steady_clock::now() - start < 1500ms);
    CHECK(std::string(head.what()).find("150 ms") != std::string::npos);

    o.response_timeout = 5s;
    o.idle_timeout = 100ms;
    const http_transport idle{o};
    recording_handler h;
    const auto body = failure_of([&] { idle.stream(messages(true, "slow400"), h); });
    CHECK(body.failure() == transport_failure::timeout);
    CHECK(body.response_started());
    CHECK(h.heads.size() == 1);
}

TEST_CASE("http_transport: a refused connection is a connect failure, after retries") {
    std::string url;
    {
        // A port that was just free and nobody listens on.
        boost::asio::io_context io;
        boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
        url = "http://127.0.0.1:" + std::to_string(probe.local_endpoint().port());
    }
    const http_transport t{{.base_url = url, .max_retries = 1, .retry_backoff = 1ms}};
    const auto e = failure_of([&] { t.send(messages(false)); });
    CHECK(e.failure() == transport_failure::connect);
    CHECK_FALSE(e.response_started());
    CHECK(std::string(e.what()).find(url.substr(7)) != std::string::npos);
    CHECK(t.stats().retries == 1);

    recording_handler h;
    CHECK(failure_of([&] { t.stream(messages(true), h); }).failure() == transport_failure::connect);
    CHECK(h.heads.empty());

    const http_transport unresolvable{{.base_url = "http://no-such-host.invalid", .max_retries = 0}};
    CHECK(failure_of([&] { unresolvable.send(messages(false)); }).failure() == transport_failure::connect);
}

TEST_CASE("http_transport: default headers, overrides and the fields the transport adds") {
    emulator_process emu;
    const http_transport t{{.base_url = emu.base_url(),
                            .default_headers = {{"x-api-key", "sk-default"},
                                                {"anthropic-version", "2023-06-01"},
                                                {"X-Team", "default"},
                                                {"Content-Length", "999"}}}};
    model_request r = messages(false);
    r.headers.emplace_back("x-team", "override");
    REQUIRE(t.send(r).status == 200);
    auto last = last_request(emu);
    const auto& headers = last["headers"];
    CHECK(last["method"] == "POST");
    CHECK(last["target"] == "/v1/messages");
    CHECK(last["body"] == r.body);
    CHECK(headers["x-api-key"] == "sk-default");
    CHECK(headers["anthropic-version"] == "2023-06-01");
    CHECK(headers["x-team"] == "override");
    CHECK(headers["host"] == "127.0.0.1:" + std::to_string(emu.port()));
    CHECK(headers["content-type"] == "application/json");
    CHECK(headers["content-length"] == std::to_string(r.body.size()));
    CHECK(headers["user-agent"] == "aitrail/" AITRAIL_VERSION_STRING);

    r.headers = {{"User-Agent", "my-app/2"}, {"Content-Type", "application/json; charset=utf-8"}};
    REQUIRE(t.send(r).status == 200);
    last = last_request(emu);
    CHECK(last["headers"]["user-agent"] == "my-app/2");
    CHECK(last["headers"]["content-type"] == "application/json; charset=utf-8");
}

TEST_CASE("http_transport: a base URL path prefix goes before every target") {
    emulator_process emu;
    const http_transport t{fast_options(emu.base_url() + "/proxy/anthropic/")};
    CHECK(t.base_url().prefix == "/proxy/anthropic");
    REQUIRE(t.send(messages(false)).status == 200);
    CHECK(last_request(emu)["target"] == "/proxy/anthropic/v1/messages");
    recording_handler h;
    t.stream(api_request(endpoints[1], true), h);
    CHECK(last_request(emu)["target"] == "/proxy/anthropic/v1/chat/completions");
}

TEST_CASE("http_transport: TLS with a trusted, an untrusted and a misnamed certificate") {
    const test_certificate good("IP:127.0.0.1,DNS:localhost");
    emulator_process emu({"--tls", good.cert, good.key});
    const std::string url = emu.base_url(true);

    const http_transport trusted{{.base_url = url, .ca_file = good.cert}};
    CHECK(trusted.send(messages(false)).status == 200);
    recording_handler h;
    trusted.stream(messages(true), h);
    CHECK(h.body.find("message_stop") != std::string::npos);
    CHECK(trusted.stats().connections_opened == 1);  // kept alive over TLS too

    const http_transport by_name{{.base_url = "https://localhost:" + std::to_string(emu.port()), .ca_file = good.cert}};
    CHECK(by_name.send(messages(false)).status == 200);

    const http_transport untrusted{{.base_url = url, .max_retries = 0}};
    const auto e = failure_of([&] { untrusted.send(messages(false)); });
    CHECK(e.failure() == transport_failure::tls);
    CHECK(std::string(e.what()).find("127.0.0.1:" + std::to_string(emu.port())) != std::string::npos);

    const http_transport unchecked{{.base_url = url, .verify_peer = false}};
    CHECK(unchecked.send(messages(false)).status == 200);

    const test_certificate other("DNS:example.com");
    emulator_process misnamed({"--tls", other.cert, other.key});
    const http_transport wrong_host{{.base_url = misnamed.base_url(true), .max_retries = 0, .ca_file = other.cert}};
    CHECK(failure_of([&] { wrong_host.send(messages(false)); }).failure() == transport_failure::tls);

    CHECK_THROWS_AS(http_transport({.base_url = url, .ca_file = "/nonexistent/ca.pem"}), std::invalid_argument);
}

TEST_CASE("http_transport: responses that break the rules are protocol failures") {
    emulator_process emu;
    const http_transport small{{.base_url = emu.base_url(), .max_response_bytes = 64}};
    const auto big = failure_of([&] { small.send(messages(false)); });
    CHECK(big.failure() == transport_failure::protocol);
    CHECK(std::string(big.what()).find("max_response_bytes (64 bytes)") != std::string::npos);

    scripted_server garbage([](scripted_server::tcp::socket& s) {
        boost::beast::flat_buffer buffer;
        if (scripted_server::read_request(s, buffer)) scripted_server::write(s, "SPDY/9 what?\r\n\r\n");
    });
    const http_transport t{{.base_url = garbage.url(), .max_retries = 0}};
    CHECK(failure_of([&] { t.send({.target = "/", .body = "{}"}); }).failure() == transport_failure::protocol);
}

TEST_CASE("http_transport: informational heads are skipped, HEAD has no body, Expect is not sent") {
    std::atomic<bool> saw_expect{false};
    scripted_server server([&](scripted_server::tcp::socket& s) {
        boost::beast::flat_buffer buffer;
        for (;;) {
            boost::beast::http::request<boost::beast::http::string_body> req;
            boost::system::error_code ec;
            boost::beast::http::read(s, buffer, req, ec);
            if (ec) return;
            if (req.count(boost::beast::http::field::expect) != 0) saw_expect = true;
            if (req.method() == boost::beast::http::verb::head)
                scripted_server::write(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
            else
                scripted_server::write(s, "HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n"
                                          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        }
    });
    const http_transport t{{.base_url = server.url(), .max_retries = 0}};
    const auto r = t.send({.target = "/", .headers = {{"Expect", "100-continue"}}, .body = "{}"});
    CHECK(r.status == 200);
    CHECK(r.body == "ok");
    const auto head = t.send({.method = "HEAD", .target = "/"});
    CHECK(head.status == 200);
    CHECK(head.body.empty());
    recording_handler h;
    t.stream({.target = "/", .body = "{}"}, h);
    REQUIRE(h.heads.size() == 1);
    CHECK(h.heads[0].status == 200);
    CHECK(h.body == "ok");
    CHECK_FALSE(saw_expect.load());
    CHECK(t.stats().connections_opened == 1);
}

TEST_CASE("http_transport: one transport serves many threads") {
    emulator_process emu;
    const http_transport t{fast_options(emu.base_url())};
    constexpr int threads = 8;
    constexpr int per_thread = 20;
    std::atomic<int> ok{0};
    std::atomic<int> streamed{0};
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i) {
        pool.emplace_back([&, i] {
            for (int j = 0; j < per_thread; ++j) {
                try {
                    if ((i + j) % 4 == 0) {
                        recording_handler h;
                        t.stream(api_request(endpoints[static_cast<std::size_t>(j) % 3], true), h);
                        if (h.heads.size() == 1 && h.heads[0].status == 200 && !h.body.empty()) ++streamed;
                    } else if (t.send(api_request(endpoints[static_cast<std::size_t>(j) % 3], false)).status == 200) {
                        ++ok;
                    }
                } catch (const std::exception&) {
                }
            }
        });
    }
    for (auto& th : pool) th.join();
    CHECK(ok + streamed == threads * per_thread);
    const auto s = t.stats();
    CHECK(s.connections_opened <= static_cast<std::uint64_t>(threads));
    CHECK(s.connections_reused + s.connections_opened == static_cast<std::uint64_t>(threads * per_thread));
    CHECK(s.idle_connections <= 8);
}

TEST_SUITE_END();

}  // namespace http_transport_tests
