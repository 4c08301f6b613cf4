#pragma once
/// @file witness_http.hpp
/// One synchronous HTTP/1.1 POST with a deadline, over Boost.Beast, plain
/// or TLS (verified against the system's CAs and the host name), for the
/// tlog-witness client. The capture layer's client sits above the pipeline
/// and is built for model calls (pooling, streaming, retries); publishing a
/// checkpoint needs one short request per witness, so it has its own.

#include <aitrail/config.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>       // milliseconds
#include <cstddef>      // size_t
#include <stdexcept>    // runtime_error, invalid_argument
#include <string>       // string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace detail {

/// Where a witness URL points.
struct witness_url {
    std::string host;    ///< name or address (IPv6 without brackets)
    std::string port;    ///< decimal port
    std::string prefix;  ///< the path, without a final '/'
    bool tls = false;    ///< https
};

/// Splits `http[s]://host[:port][/prefix]`; throws std::invalid_argument
/// naming the URL for anything else.
inline witness_url parse_witness_url(std::string_view url) {
    const bool tls = url.substr(0, 8) == "https://";
    if (!tls && url.substr(0, 7) != "http://")
        throw std::invalid_argument("witness URL '" + std::string(url) + "': expected http:// or https://");
    std::string_view rest = url.substr(tls ? 8 : 7);
    const std::size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    witness_url out;
    out.prefix = slash == std::string_view::npos ? "" : std::string(rest.substr(slash));
    while (!out.prefix.empty() && out.prefix.back() == '/') out.prefix.pop_back();
    out.tls = tls;
    out.port = tls ? "443" : "80";
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) throw std::invalid_argument("witness URL '" + std::string(url) + "': bad IPv6 host");
        out.host = std::string(authority.substr(1, close - 1));
        if (authority.size() > close + 1 && authority[close + 1] == ':') out.port = std::string(authority.substr(close + 2));
    } else if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
        out.host = std::string(authority.substr(0, colon));
        out.port = std::string(authority.substr(colon + 1));
    } else {
        out.host = std::string(authority);
    }
    if (out.host.empty() || out.port.empty() || out.port.find_first_not_of("0123456789") != std::string::npos)
        throw std::invalid_argument("witness URL '" + std::string(url) + "': expected http[s]://HOST[:PORT][/PATH]");
    return out;
}

/// An HTTP answer: status, Content-Type and body.
struct witness_http_answer {
    int status = 0;            ///< HTTP status code
    std::string content_type;  ///< Content-Type header, if any
    std::string body;          ///< the body
};

/// POSTs `body` to `target` (a path) at `to`, each step (connect, TLS
/// handshake, write, read) bounded by `timeout`. `ca_file` adds trusted CAs
/// (PEM) for https. Throws std::runtime_error naming the server and the
/// step that failed.
inline witness_http_answer witness_http_post(const witness_url& to, const std::string& target, std::string body,
                                             std::string_view content_type, std::chrono::milliseconds timeout,
                                             const std::string& ca_file = {}) {
    namespace beast = boost::beast;
    namespace http = boost::beast::http;
    namespace ssl = boost::asio::ssl;
    using tcp = boost::asio::ip::tcp;
    const std::string where = to.host + ":" + to.port;
    boost::asio::io_context io;
    beast::error_code ec;
    tcp::resolver resolver(io);
    const auto endpoints = resolver.resolve(to.host, to.port, ec);
    if (ec) throw std::runtime_error("cannot resolve " + where + ": " + ec.message());
    auto run = [&](const char* step) {
        io.restart();
        io.run();
        if (ec) throw std::runtime_error(std::string(step) + " " + where + " failed: " + ec.message());
    };
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, to.host);
    req.set(http::field::content_type, std::string(content_type));
    req.set(http::field::connection, "close");
    req.body() = std::move(body);
    req.prepare_payload();
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(1u << 20);
    // Connect, then (TLS) handshake, then one request and its answer on `stream`.
    auto exchange = [&](auto& stream, beast::tcp_stream& lowest) {
        lowest.expires_after(timeout);
        http::async_write(stream, req, [&](beast::error_code e, std::size_t) { ec = e; });
        run("sending to");
        lowest.expires_after(timeout);
        http::async_read(stream, buffer, parser, [&](beast::error_code e, std::size_t) { ec = e; });
        run("reading the answer of");
    };
    if (to.tls) {
        ssl::context ctx(ssl::context::tls_client);
        ctx.set_options(ssl::context::default_workarounds | ssl::context::no_compression);
        ctx.set_verify_mode(ssl::verify_peer);
        ctx.set_default_verify_paths(ec);
        if (!ca_file.empty()) ctx.load_verify_file(ca_file, ec);
        if (ec) throw std::runtime_error("cannot load CA certificates for " + where + ": " + ec.message());
        beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
        boost::system::error_code not_address;
        (void)boost::asio::ip::make_address(to.host, not_address);
        if (not_address && SSL_set_tlsext_host_name(stream.native_handle(), to.host.c_str()) != 1)
            throw std::runtime_error("cannot set the TLS server name " + to.host);
        stream.set_verify_callback(ssl::host_name_verification(to.host));
        beast::get_lowest_layer(stream).expires_after(timeout);
        beast::get_lowest_layer(stream).async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
        run("connecting to");
        beast::get_lowest_layer(stream).expires_after(timeout);
        stream.async_handshake(ssl::stream_base::client, [&](beast::error_code e) { ec = e; });
        run("the TLS handshake with");
        exchange(stream, beast::get_lowest_layer(stream));
    } else {
        beast::tcp_stream stream(io);
        stream.expires_after(timeout);
        stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
        run("connecting to");
        exchange(stream, stream);
        stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    }
    auto& res = parser.get();
    witness_http_answer out;
    out.status = static_cast<int>(res.result_int());
    if (auto it = res.find(http::field::content_type); it != res.end()) out.content_type = std::string(it->value());
    out.body = std::move(res.body());
    return out;
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
