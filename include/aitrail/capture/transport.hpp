#pragma once
/// @file transport.hpp
/// How a request reaches a model. A transport is anything that can send a
/// provider request and return its response, whole or as the bytes arrive:
/// the shipped HTTP transport (aitrail/capture/http_transport.hpp), the
/// user's own HTTP client, or an in-process model.
///
/// `transport`:
/// | Expression        | Type             | Semantics                                                         |
/// |-------------------|------------------|-------------------------------------------------------------------|
/// | `t.send(r)`       | `model_response` | sends `r` (a `const model_request&`) and returns the whole response, whatever its status; throws `transport_error` when no response arrived |
/// | `t.stream(r, h)`  | (any)            | sends `r`, calls `h.on_head()` once with status and headers, then `h.on_chunk()` with body bytes as they arrive; returns when the body ended; throws `transport_error` (with `response_started`) when it did not |

#include <aitrail/config.hpp>

#include <algorithm>    // equal
#include <cctype>       // tolower
#include <concepts>     // convertible_to
#include <stdexcept>    // runtime_error
#include <string>       // string
#include <string_view>  // string_view
#include <utility>      // pair
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// HTTP header fields in the order they were sent; names compare without case.
using http_fields = std::vector<std::pair<std::string, std::string>>;

/// True when two header names are equal ignoring ASCII case.
inline bool field_name_equal(std::string_view a, std::string_view b) noexcept {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](unsigned char x, unsigned char y) {
        return std::tolower(x) == std::tolower(y);
    });
}

/// The value of the first field called `name`, or nullptr.
inline const std::string* find_field(const http_fields& fields, std::string_view name) noexcept {
    for (const auto& [n, v] : fields)
        if (field_name_equal(n, name)) return &v;
    return nullptr;
}

/// A request to a model provider, as it goes on the wire.
struct model_request {
    std::string method{"POST"};  ///< HTTP method
    std::string target;          ///< path and query, e.g. "/v1/messages"
    http_fields headers;         ///< extra fields (API key, version); the transport adds Host and Content-Length
    std::string body;            ///< the JSON body, byte for byte
};

/// A provider's response.
struct model_response {
    int status = 0;       ///< HTTP status
    http_fields headers;  ///< response fields
    std::string body;     ///< the body; empty in the head a stream delivers
};

/// Receives a streamed response. The transport calls on_head() once, then
/// on_chunk() for each piece of body as it arrives (chunking is the
/// network's: a chunk may end mid-line or mid-character).
class stream_handler {
public:
    /// The status line and headers, before any body byte.
    virtual void on_head(const model_response& head) = 0;
    /// The next bytes of the body.
    virtual void on_chunk(std::string_view bytes) = 0;

protected:
    ~stream_handler() = default;
};

/// Why a transport could not deliver a (complete) response.
enum class transport_failure {
    connect,   ///< no connection (refused, DNS, unreachable)
    tls,       ///< the TLS handshake or certificate check failed
    timeout,   ///< a configured timeout expired
    cut_off,   ///< the connection ended before the body did
    protocol,  ///< the peer did not speak HTTP/1.1 as expected
};

/// "connect", "tls", "timeout", "cut_off" or "protocol".
constexpr std::string_view to_string(transport_failure f) noexcept {
    switch (f) {
        case transport_failure::connect: return "connect";
        case transport_failure::tls: return "tls";
        case transport_failure::timeout: return "timeout";
        case transport_failure::cut_off: return "cut_off";
        case transport_failure::protocol: return "protocol";
    }
    return "protocol";
}

/// Thrown by a transport when a request got no complete response.
class transport_error : public std::runtime_error {
public:
    /// `response_started`: whether the head (and maybe some body) was delivered.
    transport_error(transport_failure failure, const std::string& what, bool response_started = false)
        : std::runtime_error(what), failure_(failure), response_started_(response_started) {}
    /// What went wrong.
    transport_failure failure() const noexcept { return failure_; }
    /// True when part of the response reached the handler before the failure.
    bool response_started() const noexcept { return response_started_; }

private:
    transport_failure failure_;
    bool response_started_;
};

/// Can send a request and return the whole response.
template <class T>
concept sending_transport = requires(T& t, const model_request& r) {
    { t.send(r) } -> std::convertible_to<model_response>;
};

/// Can send a request and deliver the response as it arrives.
template <class T>
concept streaming_transport = requires(T& t, const model_request& r, stream_handler& h) { t.stream(r, h); };

/// A way for requests to reach a model.
template <class T>
concept transport = sending_transport<T> && streaming_transport<T>;

namespace detail {

/// Instantiated for a user's transport type: one readable message per
/// missing member, before the compiler's own diagnostics.
template <class T>
struct transport_requirements {
    static_assert(sending_transport<T>,
                  "aitrail: Transport requires send(const aitrail::model_request&) returning aitrail::model_response");
    static_assert(streaming_transport<T>,
                  "aitrail: Transport requires stream(const aitrail::model_request&, aitrail::stream_handler&) "
                  "(call on_head once, then on_chunk per piece of body)");
    static constexpr bool value = transport<T>;
};

}  // namespace detail

}  // namespace v1
}  // namespace aitrail
