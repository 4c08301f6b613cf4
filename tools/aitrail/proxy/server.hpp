#pragma once
// The proxy's listener: a thread per client connection (HTTP/1.1 with
// keep-alive), a bound on connections, and a stop that lets calls in
// flight finish so that every one of them is recorded.

#include "relay.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <openssl/crypto.h>  // OPENSSL_thread_stop

#include <sys/socket.h>  // shutdown

#include <atomic>              // atomic
#include <chrono>              // milliseconds
#include <condition_variable>  // condition_variable
#include <cstdint>             // uint64_t
#include <memory>              // shared_ptr
#include <mutex>               // mutex
#include <set>                 // set
#include <string>              // string
#include <thread>              // thread

namespace aitrail_cli::proxy {

/// How the proxy listens.
struct server_settings {
    std::string host = "127.0.0.1";              ///< listen address
    unsigned short port = 8787;                  ///< listen port (0: any)
    std::size_t max_connections = 512;           ///< beyond this, new clients get 503
    std::size_t max_request_bytes = 32u << 20;   ///< larger request bodies get 413
};

/// Counters for the shutdown summary.
struct server_counters {
    std::uint64_t connections = 0;  ///< accepted
    std::uint64_t requests = 0;     ///< requests read
};

/// Listens and proxies until stop().
template <class Auditor>
class server {
public:
    server(const server_settings& s, relay_settings r, Auditor& auditor, aitrail::http_transport& upstream)
        : settings_(s), relay_(std::move(r)), auditor_(auditor), upstream_(upstream), acceptor_(io_) {
        const tcp::endpoint at(boost::asio::ip::make_address(settings_.host), settings_.port);
        acceptor_.open(at.protocol());
        acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
        acceptor_.bind(at);
        acceptor_.listen(boost::asio::socket_base::max_listen_connections);
    }

    /// The port listened on (useful with port 0).
    unsigned short port() const { return acceptor_.local_endpoint().port(); }

    /// Accepts and serves until stop() is called.
    void serve() {
        for (;;) {
            tcp::socket socket(io_);
            beast::error_code ec;
            acceptor_.accept(socket, ec);
            if (stopping_) break;
            if (ec) continue;  // a client that vanished during the handshake
            // The head and each piece of body are separate writes: without
            // this, Nagle holds every answer's second write for the client's
            // delayed ACK (~40 ms on Linux).
            socket.set_option(tcp::no_delay(true), ec);
            auto conn = std::make_shared<connection>(std::move(socket));
            {
                std::lock_guard lock(mutex_);
                ++counters_.connections;
                if (live_.size() >= settings_.max_connections) {
                    write_simple(conn->socket, 503,
                                 proxy_error_body(std::nullopt, "overloaded", "aitrail proxy: too many connections"),
                                 false);
                    continue;
                }
                live_.insert(conn);
                ++active_;
            }
            std::thread([this, c = std::move(conn)]() mutable { run(std::move(c)); }).detach();
        }
        beast::error_code ignored;
        acceptor_.close(ignored);
    }

    /// Stops accepting, lets requests in flight finish (up to `drain`), then
    /// closes what is left. Thread-safe; returns when no connection thread
    /// touches this object any more.
    void stop(std::chrono::milliseconds drain) {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
            // Wakes the accept() blocked in serve().
            ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
            for (const auto& c : live_)
                if (c->idle) ::shutdown(c->socket.native_handle(), SHUT_RDWR);
        }
        std::unique_lock lock(mutex_);
        if (!drained_.wait_for(lock, drain, [&] { return active_ == 0; })) {
            for (const auto& c : live_) ::shutdown(c->socket.native_handle(), SHUT_RDWR);
            drained_.wait(lock, [&] { return active_ == 0; });
        }
    }

    /// How many connections were accepted and requests read.
    server_counters counters() const {
        std::lock_guard lock(mutex_);
        return counters_;
    }

private:
    struct connection {
        explicit connection(tcp::socket s) : socket(std::move(s)) {}
        tcp::socket socket;
        bool idle = true;  // guarded by the server's mutex
    };

    // Reading the next request is the only wait stop() may cut short: a
    // request being answered runs to its end and is recorded.
    bool begin_wait(connection& c) {
        std::lock_guard lock(mutex_);
        c.idle = true;
        return !stopping_;
    }
    void end_wait(connection& c) {
        std::lock_guard lock(mutex_);
        c.idle = false;
        ++counters_.requests;
    }

    void run(std::shared_ptr<connection> conn) {
        std::string client;
        beast::error_code ec;
        const auto remote = conn->socket.remote_endpoint(ec);
        if (!ec) client = remote.address().to_string() + ":" + std::to_string(remote.port());
        beast::flat_buffer buffer;
        try {
            while (begin_wait(*conn)) {
                http::request_parser<http::string_body> parser;
                parser.body_limit(settings_.max_request_bytes);
                http::read(conn->socket, buffer, parser, ec);
                if (ec == http::error::body_limit) {
                    write_simple(conn->socket, 413,
                                 proxy_error_body(std::nullopt, "request_too_large",
                                                  "aitrail proxy: request body over " +
                                                      std::to_string(settings_.max_request_bytes) + " bytes"),
                                 false);
                    break;
                }
                if (ec) break;
                end_wait(*conn);
                auto req = parser.release();
                if (!relay_request(req, conn->socket, client, relay_, auditor_, upstream_)) break;
            }
        } catch (const std::exception&) {
            // A broken connection ends; the call it carried was recorded by its scope.
        }
        conn->socket.shutdown(tcp::socket::shutdown_both, ec);
        conn->socket.close(ec);
        {
            std::lock_guard lock(mutex_);
            live_.erase(conn);
        }
        conn.reset();  // the socket goes while the io_context it belongs to still exists
        // OpenSSL's per-thread state (TLS upstreams) would otherwise be freed by
        // a thread-exit handler that may run after the process began to exit.
        ::OPENSSL_thread_stop();
        std::lock_guard lock(mutex_);
        if (--active_ == 0) drained_.notify_all();
    }

    server_settings settings_;
    relay_settings relay_;
    Auditor& auditor_;
    aitrail::http_transport& upstream_;
    boost::asio::io_context io_;  // owns the sockets; all I/O here is synchronous
    tcp::acceptor acceptor_;
    mutable std::mutex mutex_;
    std::condition_variable drained_;
    std::set<std::shared_ptr<connection>> live_;
    std::atomic<bool> stopping_{false};  // read by serve() without the mutex
    std::size_t active_ = 0;             // connection threads still running
    server_counters counters_;
};

}  // namespace aitrail_cli::proxy
