#pragma once
/// @file http_message.hpp
/// What http_transport puts on the wire and how it reads what comes back:
/// building the Beast request from a model_request, turning a response head
/// into a model_response, the retry rules, and naming network errors as
/// transport_errors.

#include <aitrail/capture/transport.hpp>
#include <aitrail/config.hpp>
#include <aitrail/detail/capture/http_connection.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>

#include <algorithm>    // any_of, min
#include <array>        // array
#include <charconv>     // from_chars
#include <chrono>       // milliseconds, seconds
#include <cstdint>      // uint64_t
#include <optional>     // optional
#include <string>       // string, to_string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace detail {

/// The request type http_transport writes.
using http_request = boost::beast::http::request<boost::beast::http::string_body>;

/// Fields the transport owns: a caller's value would contradict the body it
/// frames or the connection handling it does.
inline bool is_managed_field(std::string_view name) noexcept {
    // Expect too: the body always follows the head at once, so a
    // 100-continue handshake would only add a round trip.
    constexpr std::array<std::string_view, 6> managed{"host",       "content-length", "transfer-encoding",
                                                      "connection", "keep-alive",     "expect"};
    return std::any_of(managed.begin(), managed.end(), [&](std::string_view m) { return field_name_equal(m, name); });
}

/// The wire request for `r`: `prefix` + target, the default fields unless
/// `r` names them too, then `r`'s fields, then Host, Content-Type
/// (application/json for a non-empty body), User-Agent and Content-Length.
inline http_request build_http_request(const model_request& r, const http_fields& defaults, const http_peer& peer,
                                       std::string_view prefix) {
    namespace http = boost::beast::http;
    http_request req;
    req.version(11);
    if (const auto verb = http::string_to_verb(r.method); verb != http::verb::unknown) req.method(verb);
    else req.method_string(r.method);
    std::string target(prefix);
    if (r.target.empty() || r.target.front() != '/') target += '/';
    target += r.target;
    req.target(target);

    const auto named_by_request = [&](std::string_view name) { return find_field(r.headers, name) != nullptr; };
    for (const auto& [name, value] : defaults)
        if (!is_managed_field(name) && !named_by_request(name)) req.insert(name, value);
    for (const auto& [name, value] : r.headers)
        if (!is_managed_field(name)) req.insert(name, value);

    const bool default_port = peer.port == (peer.tls ? 443 : 80);
    std::string host = peer.host.find(':') != std::string::npos ? "[" + peer.host + "]" : peer.host;
    if (!default_port) host += ":" + std::to_string(peer.port);
    req.set(http::field::host, host);
    if (!r.body.empty() && req.count(http::field::content_type) == 0)
        req.set(http::field::content_type, "application/json");
    if (req.count(http::field::user_agent) == 0) req.set(http::field::user_agent, "aitrail/" AITRAIL_VERSION_STRING);
    req.body() = r.body;
    req.prepare_payload();
    return req;
}

/// Status and fields of a response head; the body is left empty.
template <class Header>
model_response response_head(const Header& head) {
    model_response out;
    out.status = static_cast<int>(head.result_int());
    for (const auto& f : head) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    return out;
}

/// Statuses worth another try: the server was busy, overloaded or briefly
/// broken, and said nothing about the request itself.
inline bool is_retryable_status(int status) noexcept {
    switch (status) {
        case 408: case 429: case 500: case 502: case 503: case 504: case 529: return true;
        default: return false;
    }
}

/// The wait a Retry-After value asks for, when it is a number of seconds
/// (the HTTP-date form is not used by model APIs and falls back to backoff).
inline std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value) {
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    std::uint64_t seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (value.empty() || ec != std::errc{} || end != value.data() + value.size()) return std::nullopt;
    // Anything above a day is as good as forever: the cap decides.
    return std::chrono::seconds(std::min<std::uint64_t>(seconds, 86400));
}

/// How long to wait before retry number `attempt` + 1: the server's
/// Retry-After when it gave one, else `base` doubled per attempt; never
/// more than `cap`.
inline std::chrono::milliseconds retry_wait(unsigned attempt, std::chrono::milliseconds base,
                                            std::chrono::milliseconds cap,
                                            std::optional<std::chrono::milliseconds> retry_after) {
    if (retry_after) return std::min(*retry_after, cap);
    auto wait = base;
    for (unsigned i = 0; i < attempt && wait < cap; ++i) wait *= 2;
    return std::min(wait, cap);
}

/// True for errors that mean the peer closed or reset the connection.
inline bool is_connection_end(const boost::system::error_code& ec) noexcept {
    namespace http = boost::beast::http;
    return ec == http::error::end_of_stream || ec == http::error::partial_message || ec == boost::asio::error::eof ||
           ec == boost::asio::error::connection_reset || ec == boost::asio::error::broken_pipe ||
           ec == boost::asio::error::connection_aborted || ec == boost::asio::ssl::error::stream_truncated;
}

/// Beast's HTTP parser errors: the peer sent something that is not HTTP/1.1.
inline const boost::system::error_category& http_error_category() noexcept {
    return boost::beast::http::make_error_code(boost::beast::http::error::bad_version).category();
}

/// The error for a failure while the request was written or the response
/// head read: nothing of the response has reached the caller.
inline transport_error head_failure(const boost::system::error_code& ec, const http_peer& peer, bool writing,
                                   std::chrono::milliseconds response_timeout, std::uint64_t body_limit) {
    const std::string who = peer.name();
    if (ec == boost::beast::error::timeout)
        return transport_error(transport_failure::timeout, "aitrail: no response head from " + who + " within " +
                                                               describe_duration(response_timeout));
    if (ec == boost::beast::http::error::body_limit)
        return transport_error(transport_failure::protocol, "aitrail: response from " + who +
                                                                " announces a body larger than max_response_bytes (" +
                                                                std::to_string(body_limit) + " bytes)");
    if (is_connection_end(ec))
        return transport_error(transport_failure::cut_off, "aitrail: " + who + " closed the connection " +
                                                               (writing ? "while the request was sent" : "before the response head") +
                                                               ": " + ec.message());
    if (ec.category() == http_error_category())
        return transport_error(transport_failure::protocol, "aitrail: malformed response head from " + who + ": " +
                                                                ec.message());
    return transport_error(transport_failure::cut_off, "aitrail: connection to " + who + " failed " +
                                                           (writing ? "while the request was sent" : "before the response head") +
                                                           ": " + ec.message());
}

/// The error for a failure after the response head arrived.
inline transport_error body_failure(const boost::system::error_code& ec, const http_peer& peer,
                                    std::chrono::milliseconds idle_timeout, std::uint64_t body_limit,
                                    std::uint64_t received) {
    const std::string who = peer.name();
    const std::string got = " (" + std::to_string(received) + " body bytes received)";
    if (ec == boost::beast::error::timeout)
        return transport_error(transport_failure::timeout,
                               "aitrail: " + who + " sent no body bytes for " + describe_duration(idle_timeout) + got,
                               true);
    if (ec == boost::beast::http::error::body_limit)
        return transport_error(transport_failure::protocol, "aitrail: response body from " + who +
                                                                " exceeds max_response_bytes (" +
                                                                std::to_string(body_limit) + " bytes)",
                               true);
    if (is_connection_end(ec))
        return transport_error(transport_failure::cut_off,
                               "aitrail: " + who + " closed the connection before the body ended" + got, true);
    if (ec.category() == http_error_category())
        return transport_error(transport_failure::protocol,
                               "aitrail: malformed response body from " + who + ": " + ec.message() + got, true);
    return transport_error(transport_failure::cut_off,
                           "aitrail: connection to " + who + " failed during the body: " + ec.message() + got, true);
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
