#pragma once
/// @file witness_http.hpp
/// One synchronous HTTP/1.1 POST with a deadline, over Boost.Beast, for the
/// tlog-witness client. The capture layer's client sits above the pipeline
/// and is built for model calls (pooling, streaming, retries); publishing a
/// checkpoint needs one short request per witness, so it has its own.

#include <aitrail/config.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>       // milliseconds
#include <cstddef>      // size_t
#include <stdexcept>    // runtime_error, invalid_argument
#include <string>       // string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace detail {

/// Where an http:// URL points.
struct witness_url {
    std::string host;    ///< name or address (IPv6 without brackets)
    std::string port;    ///< decimal port
    std::string prefix;  ///< the path, without a final '/'
};

/// Splits `http://host[:port][/prefix]`; throws std::invalid_argument
/// naming the URL for anything else (https:// included: not supported yet).
inline witness_url parse_witness_url(std::string_view url) {
    constexpr std::string_view scheme = "http://";
    if (url.substr(0, scheme.size()) != scheme)
        throw std::invalid_argument("witness URL '" + std::string(url) + "': only http:// URLs are supported");
    std::string_view rest = url.substr(scheme.size());
    const std::size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    witness_url out;
    out.prefix = slash == std::string_view::npos ? "" : std::string(rest.substr(slash));
    while (!out.prefix.empty() && out.prefix.back() == '/') out.prefix.pop_back();
    out.port = "80";
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
        throw std::invalid_argument("witness URL '" + std::string(url) + "': expected http://HOST[:PORT][/PATH]");
    return out;
}

/// An HTTP answer: status, Content-Type and body.
struct witness_http_answer {
    int status = 0;            ///< HTTP status code
    std::string content_type;  ///< Content-Type header, if any
    std::string body;          ///< the body
};

/// POSTs `body` to `target` (a path) at `to`, each step (connect, write,
/// read) bounded by `timeout`. Throws std::runtime_error naming the
/// server and the step that failed.
inline witness_http_answer witness_http_post(const witness_url& to, const std::string& target, std::string body,
                                             std::string_view content_type, std::chrono::milliseconds timeout) {
    namespace beast = boost::beast;
    namespace http = boost::beast::http;
    using tcp = boost::asio::ip::tcp;
    const std::string where = to.host + ":" + to.port;
    boost::asio::io_context io;
    beast::error_code ec;
    tcp::resolver resolver(io);
    const auto endpoints = resolver.resolve(to.host, to.port, ec);
    if (ec) throw std::runtime_error("cannot resolve " + where + ": " + ec.message());
    beast::tcp_stream stream(io);
    auto run = [&](const char* step) {
        io.restart();
        io.run();
        if (ec) throw std::runtime_error(std::string(step) + " " + where + " failed: " + ec.message());
    };
    stream.expires_after(timeout);
    stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
    run("connecting to");
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, to.host);
    req.set(http::field::content_type, std::string(content_type));
    req.set(http::field::connection, "close");
    req.body() = std::move(body);
    req.prepare_payload();
    stream.expires_after(timeout);
    http::async_write(stream, req, [&](beast::error_code e, std::size_t) { ec = e; });
    run("sending to");
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(1u << 20);
    stream.expires_after(timeout);
    http::async_read(stream, buffer, parser, [&](beast::error_code e, std::size_t) { ec = e; });
    run("reading the answer of");
    auto& res = parser.get();
    witness_http_answer out;
    out.status = static_cast<int>(res.result_int());
    if (auto it = res.find(http::field::content_type); it != res.end()) out.content_type = std::string(it->value());
    out.body = std::move(res.body());
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    return out;
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
