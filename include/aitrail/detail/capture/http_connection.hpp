#pragma once
/// @file http_connection.hpp
/// One HTTP/1.1 connection of http_transport, plain TCP or TLS, used by one
/// thread at a time. Asio's blocking calls cannot time out, so every step is
/// started asynchronously on the connection's own io_context and run to
/// completion on the calling thread; Beast's tcp_stream closes the socket
/// when the deadline set before the step passes. An io_context per
/// connection (rather than per thread) is what lets a pooled connection move
/// between threads: a socket stays bound to the context that opened it.

#include <aitrail/capture/transport.hpp>
#include <aitrail/config.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>    // milliseconds
#include <cstdint>   // uint16_t
#include <optional>  // optional
#include <string>    // string, to_string
#include <utility>   // move

namespace aitrail {
inline namespace v1 {
namespace detail {

/// Where connections go: host, port and whether to speak TLS.
struct http_peer {
    std::string host;        ///< a name or an address; IPv6 without brackets
    std::uint16_t port = 0;  ///< TCP port
    bool tls = false;        ///< https

    /// True when the host is an IPv4 or IPv6 address rather than a name.
    bool is_address() const {
        boost::system::error_code ec;
        (void)boost::asio::ip::make_address(host, ec);
        return !ec;
    }
    /// "host:port", "[::1]:port": how messages name the peer.
    std::string name() const {
        const bool bracket = host.find(':') != std::string::npos;
        return (bracket ? "[" + host + "]" : host) + ":" + std::to_string(port);
    }
};

/// No connection could be made (resolve, TCP connect, or its timeout). The
/// server never saw the request, so this is the one failure that is always
/// safe to retry.
class http_connect_error : public transport_error {
public:
    using transport_error::transport_error;
};

/// "250 ms", "10 s": a duration as messages show it.
inline std::string describe_duration(std::chrono::milliseconds d) {
    if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
    return std::to_string(d.count()) + " ms";
}

/// An open connection to one peer.
class http_connection {
public:
    using tcp_stream = boost::beast::tcp_stream;
    using tls_stream = boost::beast::ssl_stream<tcp_stream>;

    /// Resolves and connects to `peer` and, when `tls` is given, completes
    /// the handshake (SNI; host name check when `verify`). Throws
    /// http_connect_error (connect, timeout) or transport_error (tls, timeout).
    http_connection(const http_peer& peer, boost::asio::ssl::context* tls, bool verify,
                    std::chrono::milliseconds timeout)
        : peer_(peer) {
        if (tls != nullptr) tls_.emplace(ioc_, *tls);
        else plain_.emplace(ioc_);
        connect(timeout);
        if (tls_) handshake(verify, timeout);
    }
    http_connection(const http_connection&) = delete;
    http_connection& operator=(const http_connection&) = delete;
    ~http_connection() { close(); }

    /// The peer this connection goes to.
    const http_peer& peer() const noexcept { return peer_; }

    /// Bytes read past the last message; must be empty between requests.
    boost::beast::flat_buffer& buffer() noexcept { return buffer_; }

    /// Sets the deadline for the steps that follow.
    void expires_after(std::chrono::milliseconds d) { tcp().expires_after(d); }

    /// Writes a whole request.
    template <class Message>
    boost::system::error_code write(const Message& message) {
        return with_stream([&](auto& s) {
            return run([&](auto handler) { boost::beast::http::async_write(s, message, std::move(handler)); });
        });
    }

    /// Reads up to the end of the response head.
    template <class Parser>
    boost::system::error_code read_header(Parser& parser) {
        return with_stream([&](auto& s) {
            return run([&](auto handler) {
                boost::beast::http::async_read_header(s, buffer_, parser, std::move(handler));
            });
        });
    }

    /// Reads whatever body bytes arrive next (at least one, or the end).
    template <class Parser>
    boost::system::error_code read_some(Parser& parser) {
        auto ec = with_stream([&](auto& s) {
            return run([&](auto handler) {
                boost::beast::http::async_read_some(s, buffer_, parser, std::move(handler));
            });
        });
        // A server that ends a close-delimited body by closing without a TLS
        // close_notify has still sent the whole body; only a body with a
        // known end can be cut short.
        if (ec == boost::asio::ssl::error::stream_truncated && parser.need_eof()) {
            ec = {};
            parser.put_eof(ec);
        }
        return ec;
    }

    /// Whether a pooled connection is still usable: nothing may arrive on an
    /// idle HTTP/1.1 connection, so readable means closed (or broken).
    bool looks_alive() {
        auto& socket = tcp().socket();
        if (!socket.is_open() || buffer_.size() != 0) return false;
        boost::system::error_code ec;
        socket.non_blocking(true, ec);
        if (ec) return false;
        char byte = 0;
        socket.receive(boost::asio::buffer(&byte, 1), boost::asio::socket_base::message_peek, ec);
        const bool idle = ec == boost::asio::error::would_block;
        socket.non_blocking(false, ec);
        return idle && !ec;
    }

    /// Closes the socket without a TLS close_notify: waiting for the peer's
    /// answer would cost a round trip for nothing a client needs.
    void close() noexcept {
        boost::system::error_code ignored;
        tcp().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
        tcp().socket().close(ignored);
    }

private:
    tcp_stream& tcp() { return tls_ ? boost::beast::get_lowest_layer(*tls_) : *plain_; }

    template <class F>
    boost::system::error_code with_stream(F&& f) {
        if (tls_) return f(*tls_);
        return f(*plain_);
    }

    // Starts one asynchronous step and runs the context until it is done.
    template <class Start>
    boost::system::error_code run(Start&& start) {
        boost::system::error_code result = boost::asio::error::would_block;
        start([&result](boost::system::error_code ec, auto&&...) { result = ec; });
        ioc_.restart();
        ioc_.run();
        return result;
    }

    void connect(std::chrono::milliseconds timeout) {
        boost::asio::ip::tcp::resolver resolver(ioc_);
        boost::system::error_code ec;
        // Blocking: getaddrinfo cannot be cancelled, so an asynchronous
        // resolve would not end any sooner when a deadline passed.
        const auto endpoints = resolver.resolve(peer_.host, std::to_string(peer_.port),
                                                boost::asio::ip::tcp::resolver::numeric_service, ec);
        if (ec)
            throw http_connect_error(transport_failure::connect,
                                     "aitrail: cannot resolve " + peer_.name() + ": " + ec.message());
        expires_after(timeout);
        ec = run([&](auto handler) { tcp().async_connect(endpoints, std::move(handler)); });
        if (ec == boost::beast::error::timeout)
            throw http_connect_error(transport_failure::timeout, "aitrail: connecting to " + peer_.name() +
                                                                     " timed out after " + describe_duration(timeout));
        if (ec)
            throw http_connect_error(transport_failure::connect,
                                     "aitrail: cannot connect to " + peer_.name() + ": " + ec.message());
        tcp().socket().set_option(boost::asio::ip::tcp::no_delay(true), ec);
    }

    void handshake(bool verify, std::chrono::milliseconds timeout) {
        SSL* ssl = tls_->native_handle();
        // RFC 6066: server_name carries host names only, never addresses.
        if (!peer_.is_address() && SSL_set_tlsext_host_name(ssl, peer_.host.c_str()) != 1)
            throw transport_error(transport_failure::tls, "aitrail: cannot set TLS server name " + peer_.host);
        if (verify) tls_->set_verify_callback(boost::asio::ssl::host_name_verification(peer_.host));
        expires_after(timeout);
        const auto ec = run([&](auto handler) {
            tls_->async_handshake(boost::asio::ssl::stream_base::client, std::move(handler));
        });
        if (ec == boost::beast::error::timeout)
            throw transport_error(transport_failure::timeout, "aitrail: TLS handshake with " + peer_.name() +
                                                                  " timed out after " + describe_duration(timeout));
        if (ec) {
            std::string what = "aitrail: TLS handshake with " + peer_.name() + " failed: " + ec.message();
            const long result = SSL_get_verify_result(ssl);
            if (verify && result != X509_V_OK)
                what += std::string(" (") + X509_verify_cert_error_string(result) + ")";
            else if (verify && ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_CERTIFICATE_VERIFY_FAILED)
                what += " (the certificate is not valid for " + peer_.host + ")";
            throw transport_error(transport_failure::tls, what);
        }
    }

    http_peer peer_;
    // Declared before the streams, which must be destroyed first.
    boost::asio::io_context ioc_{1};
    std::optional<tcp_stream> plain_;
    std::optional<tls_stream> tls_;
    boost::beast::flat_buffer buffer_;
};

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
