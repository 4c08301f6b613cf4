#pragma once
/// @file http_transport.hpp
/// The shipped transport: HTTP/1.1 over TCP or TLS (Boost.Beast, OpenSSL),
/// with a keep-alive pool, timeouts and retries. Optional: the umbrella
/// header does not include it; include <aitrail/capture/http_transport.hpp>
/// and link `aitrail::http` (which adds OpenSSL::SSL).
///
/// ```cpp
/// aitrail::http_transport anthropic{{
///     .base_url = "https://api.anthropic.com",
///     .default_headers = {{"x-api-key", key}, {"anthropic-version", "2023-06-01"}},
/// }};
/// auto response = anthropic.send({.target = "/v1/messages", .body = json});
/// ```
///
/// One http_transport serves many threads at once; copies share one pool.
/// Retries (connect failures; statuses 408, 429, 500, 502, 503, 504, 529)
/// happen only before anything reached the caller: send() retries with the
/// whole response in hand, stream() before on_head(), never after.

#include <aitrail/capture/transport.hpp>
#include <aitrail/config.hpp>
#include <aitrail/detail/capture/http_client.hpp>
#include <aitrail/detail/capture/http_connection.hpp>

#include <algorithm>    // all_of
#include <cctype>       // isalnum, isdigit, tolower
#include <charconv>     // from_chars
#include <chrono>       // milliseconds, seconds, minutes
#include <cstddef>      // size_t
#include <cstdint>      // uint16_t, uint64_t
#include <memory>       // shared_ptr, make_shared
#include <stdexcept>    // invalid_argument
#include <string>       // string
#include <string_view>  // string_view
#include <utility>      // move

namespace aitrail {
inline namespace v1 {

/// Settings of an http_transport.
struct http_transport_options {
    /// Where requests go: "https://api.anthropic.com", "http://127.0.0.1:8080",
    /// or with a path prefix put before every target, "http://host:port/prefix".
    std::string base_url;
    /// Fields added to every request (API key, version); a field of the same
    /// name in a model_request replaces them.
    http_fields default_headers;
    /// Longest wait for the TCP connection, and again for the TLS handshake.
    std::chrono::milliseconds connect_timeout = std::chrono::seconds{10};
    /// Longest wait from sending a request to the end of the response head
    /// (long: a model may think for minutes before it answers).
    std::chrono::milliseconds response_timeout = std::chrono::minutes{10};
    /// Longest silence between body bytes.
    std::chrono::milliseconds idle_timeout = std::chrono::minutes{5};
    /// Further attempts after the first, for connect failures and retryable statuses.
    unsigned max_retries = 2;
    /// Wait before the first retry, doubled for each next one, unless the
    /// response's Retry-After (in seconds) says otherwise.
    std::chrono::milliseconds retry_backoff = std::chrono::milliseconds{250};
    /// Cap on any wait between attempts, Retry-After included.
    std::chrono::milliseconds max_retry_wait = std::chrono::seconds{30};
    /// Extra trust anchors (PEM), trusted besides the system's.
    std::string ca_file;
    /// Check the server's certificate chain and that it names the host.
    bool verify_peer = true;
    /// Idle keep-alive connections kept for reuse (0: a connection per request).
    std::size_t max_idle_connections = 8;
    /// Largest body send() accepts; a larger one is a transport_error (protocol).
    std::uint64_t max_response_bytes = std::uint64_t{64} << 20;
};

/// A base URL taken apart.
struct http_base_url {
    std::string scheme;      ///< "http" or "https"
    std::string host;        ///< a name or an address; IPv6 without brackets
    std::uint16_t port = 0;  ///< the given port, or 80 / 443
    std::string prefix;      ///< path put before every target, without a trailing '/'; may be empty
    /// True for https.
    bool tls() const noexcept { return scheme == "https"; }
};

/// Parses "http[s]://host[:port][/prefix]" (IPv6 hosts in brackets). Throws
/// std::invalid_argument naming the URL and what is wrong with it.
inline http_base_url parse_base_url(std::string_view url) {
    const auto fail = [&](std::string_view why) {
        throw std::invalid_argument("aitrail: bad base URL '" + std::string(url) + "': " + std::string(why));
    };
    const auto lower = [](std::string_view s) {
        std::string out(s);
        for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return out;
    };
    http_base_url out;
    const auto sep = url.find("://");
    if (sep == std::string_view::npos) fail("expected http://host[:port][/prefix] or https://...");
    out.scheme = lower(url.substr(0, sep));
    if (out.scheme != "http" && out.scheme != "https") fail("the scheme must be http or https");
    std::string_view rest = url.substr(sep + 3);
    const auto path_at = rest.find_first_of("/?#");
    const std::string_view authority = rest.substr(0, path_at);
    std::string_view path = path_at == std::string_view::npos ? std::string_view{} : rest.substr(path_at);
    if (path.find_first_of("?#") != std::string_view::npos) fail("a base URL takes no query or fragment");
    if (authority.find('@') != std::string_view::npos)
        fail("credentials in the URL are not supported (put them in default_headers)");

    std::string_view host = authority;
    std::string_view port;
    bool has_port = false;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) fail("'[' without ']' around an IPv6 address");
        host = authority.substr(1, close - 1);
        const auto after = authority.substr(close + 1);
        if (!after.empty() && after.front() != ':') fail("unexpected characters after ']'");
        has_port = !after.empty();
        if (has_port) port = after.substr(1);
    } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
        if (authority.find(':', colon + 1) != std::string_view::npos) fail("an IPv6 address must be in brackets");
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
        has_port = true;
    }
    if (host.empty()) fail("no host");
    const bool ipv6 = authority.front() == '[';
    if (!std::all_of(host.begin(), host.end(), [&](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
                   (ipv6 && (c == ':' || c == '%'));
        }))
        fail("invalid character in the host");
    out.host = std::string(host);

    out.port = out.tls() ? 443 : 80;
    if (has_port) {
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535)
            fail("the port must be a number from 1 to 65535");
        out.port = static_cast<std::uint16_t>(value);
    }

    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    if (std::any_of(path.begin(), path.end(), [](char c) { return static_cast<unsigned char>(c) <= ' '; }))
        fail("the path prefix contains spaces or control characters");
    out.prefix = std::string(path);
    return out;
}

/// Counters of an http_transport (shared by its copies).
struct http_transport_stats {
    std::uint64_t connections_opened = 0;  ///< TCP (and TLS) connections made
    std::uint64_t connections_reused = 0;  ///< requests answered on a kept-alive connection
    std::uint64_t retries = 0;             ///< further attempts after connect failures or retryable statuses
    std::size_t idle_connections = 0;      ///< connections in the keep-alive pool now
};

/// HTTP/1.1 (and HTTPS) transport with a keep-alive pool; satisfies
/// aitrail::transport. Thread-safe; copies share the pool and counters.
///
/// Every request gets Host, Content-Length, Content-Type: application/json
/// (non-empty body, unless given) and User-Agent: aitrail/<version> (unless
/// given). Host, Content-Length, Transfer-Encoding, Connection, Keep-Alive
/// and Expect from the caller are ignored: the transport frames the message
/// and manages the connection itself.
///
/// Failures are transport_errors: `connect` (resolve, refused, unreachable),
/// `tls` (handshake, certificate), `timeout` (connect_timeout,
/// response_timeout, idle_timeout), `cut_off` (the connection ended before
/// the body did; `response_started()` once the head had arrived),
/// `protocol` (not HTTP/1.1, or a body over max_response_bytes).
class http_transport {
public:
    /// Checks the options (std::invalid_argument for a bad base_url or an
    /// unreadable ca_file); connects lazily, on the first request.
    explicit http_transport(http_transport_options options)
        : url_(parse_base_url(options.base_url)),
          client_(std::make_shared<detail::http_client>(detail::http_client_settings{
              .peer = {url_.host, url_.port, url_.tls()},
              .prefix = url_.prefix,
              .default_headers = std::move(options.default_headers),
              .connect_timeout = options.connect_timeout,
              .response_timeout = options.response_timeout,
              .idle_timeout = options.idle_timeout,
              .max_retries = options.max_retries,
              .retry_backoff = options.retry_backoff,
              .max_retry_wait = options.max_retry_wait,
              .ca_file = std::move(options.ca_file),
              .verify_peer = options.verify_peer,
              .max_idle_connections = options.max_idle_connections,
              .max_response_bytes = options.max_response_bytes,
          })) {}

    /// Sends `request` and returns the whole response, whatever its status
    /// (after retries, the last one). Throws transport_error when no
    /// complete response arrived.
    model_response send(const model_request& request) const { return client_->send(request); }

    /// Sends `request`, calls `handler.on_head()` with status and fields and
    /// `handler.on_chunk()` with body bytes as they arrive (chunked transfer
    /// coding removed). Throws transport_error when the body did not end;
    /// exceptions from the handler propagate and close the connection.
    void stream(const model_request& request, stream_handler& handler) const { client_->stream(request, handler); }

    /// Where requests go.
    const http_base_url& base_url() const noexcept { return url_; }

    /// Connection and retry counters.
    http_transport_stats stats() const {
        return {client_->connections_opened(), client_->connections_reused(), client_->retries(),
                client_->idle_connections()};
    }

private:
    http_base_url url_;
    std::shared_ptr<detail::http_client> client_;
};

static_assert(transport<http_transport>);

}  // namespace v1
}  // namespace aitrail
