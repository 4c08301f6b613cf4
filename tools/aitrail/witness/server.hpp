#pragma once
// The listener of `aitrail witness serve`: a c2sp.org/tlog-witness server.
// One thread, one request per connection: a witness answers a few requests
// per log per minute, and serialising them is what makes checking the old
// size and persisting the new checkpoint atomic. The checks and the state
// are aitrail::directory_witness's; this file is HTTP around it.

#include <aitrail/pipeline/directory_witness.hpp>
#include <aitrail/pipeline/witness.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <sys/socket.h>  // shutdown

#include <atomic>     // atomic
#include <chrono>     // seconds
#include <cstdio>     // fprintf
#include <exception>  // exception
#include <stdexcept>  // invalid_argument
#include <string>     // string
#include <utility>    // move

namespace aitrail_cli::witness {

namespace beast = boost::beast;
namespace http = boost::beast::http;

/// How the witness listens.
struct server_settings {
    std::string host = "127.0.0.1";                     ///< listen address
    unsigned short port = 8788;                         ///< listen port (0: any)
    std::string prefix;                                 ///< submission prefix path ("" or "/w1")
    std::chrono::seconds io_timeout{std::chrono::seconds{10}};  ///< bound on reading a request and writing the answer
};

/// Serves add-checkpoint until stop().
class server {
public:
    server(const server_settings& s, aitrail::directory_witness& witness)
        : settings_(s), witness_(witness), acceptor_(io_) {
        const tcp::endpoint at(boost::asio::ip::make_address(settings_.host), settings_.port);
        acceptor_.open(at.protocol());
        acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
        acceptor_.bind(at);
        acceptor_.listen(boost::asio::socket_base::max_listen_connections);
    }

    /// The port listened on (useful with port 0).
    unsigned short port() const { return acceptor_.local_endpoint().port(); }

    /// Accepts and answers until stop() is called.
    void serve() {
        while (!stopping_) {
            tcp::socket socket(io_);
            beast::error_code ec;
            acceptor_.accept(socket, ec);
            if (stopping_) break;
            if (ec) continue;
            answer(std::move(socket));
        }
    }

    /// Makes serve() return (from another thread): the request being
    /// answered, if any, is finished first.
    void stop() {
        stopping_ = true;
        ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    }

private:
    using tcp = boost::asio::ip::tcp;
    using response = boost::beast::http::response<boost::beast::http::string_body>;

    /// Runs the connection's queued step to completion on this thread.
    void run() {
        io_.restart();
        io_.run();
    }

    void answer(tcp::socket socket) {
        beast::tcp_stream stream(std::move(socket));
        beast::flat_buffer buffer;
        http::request_parser<http::string_body> parser;
        parser.body_limit(1u << 20);  // 63 proof lines and a checkpoint fit many times over
        beast::error_code ec;
        stream.expires_after(settings_.io_timeout);
        http::async_read(stream, buffer, parser, [&](beast::error_code e, std::size_t) { ec = e; });
        run();
        if (ec) return;  // a client that vanished or was too slow: nothing to answer
        const auto& req = parser.get();
        response res = handle(req);
        res.version(req.version());
        res.keep_alive(false);
        res.set(http::field::server, "aitrail-witness");
        res.prepare_payload();
        stream.expires_after(settings_.io_timeout);
        http::async_write(stream, res, [&](beast::error_code e, std::size_t) { ec = e; });
        run();
        stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    }

    static response text(http::status status, std::string body, const char* type = "text/plain; charset=utf-8") {
        response res{status, 11};
        res.set(http::field::content_type, type);
        res.body() = std::move(body);
        return res;
    }

    response handle(const http::request<http::string_body>& req) {
        if (req.target() != settings_.prefix + "/add-checkpoint")
            return text(http::status::not_found, "not found: this witness serves POST " + settings_.prefix +
                                                     "/add-checkpoint\n");
        if (req.method() != http::verb::post) {
            auto res = text(http::status::method_not_allowed, "add-checkpoint takes POST\n");
            res.set(http::field::allow, "POST");
            return res;
        }
        aitrail::add_checkpoint_body body;
        try {
            body = aitrail::parse_add_checkpoint_body(req.body());
        } catch (const std::invalid_argument& e) {
            log(400, e.what());
            return text(http::status::bad_request, std::string(e.what()) + "\n");
        }
        try {
            const auto reply = witness_.add_checkpoint(body.note, body.old_size, body.proof);
            std::string lines;
            for (const auto& l : reply.cosignatures) lines += l;
            log(200, about(body) + ": cosigned");
            return text(http::status::ok, std::move(lines));
        } catch (const aitrail::witness_error& e) {
            log(e.status(), about(body) + ": " + e.reason());
            if (e.status() == 409 && e.witness_size())
                return text(http::status::conflict, std::to_string(*e.witness_size()) + "\n", "text/x.tlog.size");
            const auto status = e.status() == 0 ? http::status::internal_server_error : static_cast<http::status>(e.status());
            return text(status, e.reason() + "\n");
        } catch (const std::exception& e) {
            // The state could not be read or persisted: nothing was cosigned.
            log(500, about(body) + ": " + e.what());
            return text(http::status::internal_server_error, "the witness cannot persist its state\n");
        }
    }

    /// "<origin> <size> (old <size>)" for the log lines.
    static std::string about(const aitrail::add_checkpoint_body& b) {
        const std::size_t origin_end = b.note.find('\n');
        const std::size_t size_end = origin_end == std::string::npos ? origin_end : b.note.find('\n', origin_end + 1);
        if (size_end == std::string::npos) return "(malformed checkpoint)";
        return b.note.substr(0, origin_end) + " " + b.note.substr(origin_end + 1, size_end - origin_end - 1) +
               " (old " + std::to_string(b.old_size) + ")";
    }

    static void log(int status, const std::string& what) {
        std::fprintf(stderr, "aitrail witness: %d %s\n", status, what.c_str());
    }

    server_settings settings_;
    aitrail::directory_witness& witness_;
    boost::asio::io_context io_;
    tcp::acceptor acceptor_;
    std::atomic<bool> stopping_{false};
};

}  // namespace aitrail_cli::witness
