#pragma once
/// @file http_client.hpp
/// The engine behind http_transport: one request at a time per calling
/// thread, a shared keep-alive pool, retries for failures that happened
/// before the caller saw anything.

#include <aitrail/capture/transport.hpp>
#include <aitrail/config.hpp>
#include <aitrail/detail/capture/http_connection.hpp>
#include <aitrail/detail/capture/http_message.hpp>
#include <aitrail/detail/capture/http_pool.hpp>

#include <boost/asio/ssl.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <array>        // array
#include <atomic>       // atomic
#include <chrono>       // milliseconds
#include <cstddef>      // size_t
#include <cstdint>      // uint64_t
#include <limits>       // numeric_limits
#include <memory>       // unique_ptr, make_unique
#include <optional>     // optional
#include <stdexcept>    // invalid_argument
#include <string>       // string
#include <string_view>  // string_view
#include <thread>       // this_thread::sleep_for
#include <utility>      // move

namespace aitrail {
inline namespace v1 {
namespace detail {

/// What the engine needs of http_transport_options, with the URL parsed.
struct http_client_settings {
    http_peer peer;                              ///< where to connect
    std::string prefix;                          ///< path prefix put before every target
    http_fields default_headers;                 ///< fields added to every request
    std::chrono::milliseconds connect_timeout;   ///< TCP connect and TLS handshake, each
    std::chrono::milliseconds response_timeout;  ///< from sending to the end of the response head
    std::chrono::milliseconds idle_timeout;      ///< longest silence within the body
    unsigned max_retries;                        ///< further attempts after the first
    std::chrono::milliseconds retry_backoff;     ///< first wait, doubled per attempt
    std::chrono::milliseconds max_retry_wait;    ///< cap on any wait
    std::string ca_file;                         ///< extra trust anchors (PEM), or empty
    bool verify_peer;                            ///< check the certificate chain and host name
    std::size_t max_idle_connections;            ///< keep-alive pool size
    std::uint64_t max_response_bytes;            ///< body limit of send()
};

/// Sends requests to one peer; safe to use from many threads at once.
class http_client {
public:
    /// Prepares the TLS context (for https); throws std::invalid_argument
    /// when the ca_file cannot be loaded.
    explicit http_client(http_client_settings settings)
        : s_(std::move(settings)), pool_(s_.max_idle_connections) {
        if (s_.peer.tls) tls_.emplace(make_tls_context(s_));
    }

    /// Sends `r` and reads the whole response.
    model_response send(const model_request& r) {
        namespace http = boost::beast::http;
        const auto req = build_http_request(r, s_.default_headers, s_.peer, s_.prefix);
        for (unsigned attempt = 0;; ++attempt) {
            std::optional<http::response_parser<http::string_body>> parser;
            auto conn = open_or_wait(req, parser, s_.max_response_bytes, attempt);
            if (!conn) continue;
            while (!parser->is_done()) {
                conn->expires_after(s_.idle_timeout);
                if (const auto ec = conn->read_some(*parser))
                    throw body_failure(ec, s_.peer, s_.idle_timeout, s_.max_response_bytes,
                                       parser->get().body().size());
            }
            auto& message = parser->get();
            model_response out = response_head(message);
            out.body = std::move(message.body());
            const auto retry_after = retry_after_of(message);
            recycle(std::move(conn), *parser);
            if (is_retryable_status(out.status) && attempt < s_.max_retries) {
                pause(attempt, retry_after);
                continue;
            }
            return out;
        }
    }

    /// Sends `r`; hands the head to `h`, then the body as it arrives.
    void stream(const model_request& r, stream_handler& h) {
        namespace http = boost::beast::http;
        const auto req = build_http_request(r, s_.default_headers, s_.peer, s_.prefix);
        for (unsigned attempt = 0;; ++attempt) {
            std::optional<http::response_parser<http::buffer_body>> parser;
            auto conn = open_or_wait(req, parser, std::nullopt, attempt);
            if (!conn) continue;
            const int status = static_cast<int>(parser->get().result_int());
            if (is_retryable_status(status) && attempt < s_.max_retries) {
                // Dropping the connection is cheaper than reading an error
                // body nobody will see, and the wait dwarfs a new handshake.
                const auto retry_after = retry_after_of(parser->get());
                conn.reset();
                pause(attempt, retry_after);
                continue;
            }
            h.on_head(response_head(parser->get()));
            std::array<char, 16384> piece;
            std::uint64_t received = 0;
            while (!parser->is_done()) {
                auto& body = parser->get().body();
                body.data = piece.data();
                body.size = piece.size();
                conn->expires_after(s_.idle_timeout);
                auto ec = conn->read_some(*parser);
                if (ec == http::error::need_buffer) ec = {};  // the piece is full, not an error
                const std::size_t n = piece.size() - parser->get().body().size;
                if (n != 0) {
                    received += n;
                    h.on_chunk(std::string_view(piece.data(), n));
                }
                if (ec) throw body_failure(ec, s_.peer, s_.idle_timeout, 0, received);
            }
            recycle(std::move(conn), *parser);
            return;
        }
    }

    /// Connections opened so far.
    std::uint64_t connections_opened() const noexcept { return opened_.load(std::memory_order_relaxed); }
    /// Requests answered on a connection taken from the pool.
    std::uint64_t connections_reused() const noexcept { return reused_.load(std::memory_order_relaxed); }
    /// Retries made (not counting a stale pooled connection replaced).
    std::uint64_t retries() const noexcept { return retries_.load(std::memory_order_relaxed); }
    /// Idle connections in the pool now.
    std::size_t idle_connections() const { return pool_.size(); }

private:
    static boost::asio::ssl::context make_tls_context(const http_client_settings& s) {
        namespace ssl = boost::asio::ssl;
        ssl::context ctx(ssl::context::tls_client);
        if (SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION) != 1)
            throw std::invalid_argument("aitrail: cannot require TLS 1.2 or later");
        ctx.set_options(ssl::context::default_workarounds | ssl::context::no_compression);
        if (!s.verify_peer) {
            ctx.set_verify_mode(ssl::verify_none);
            return ctx;
        }
        ctx.set_verify_mode(ssl::verify_peer);
        boost::system::error_code ec;
        // A machine without a system trust store can still trust ca_file.
        ctx.set_default_verify_paths(ec);
        if (!s.ca_file.empty()) {
            ctx.load_verify_file(s.ca_file, ec);
            if (ec)
                throw std::invalid_argument("aitrail: cannot load ca_file '" + s.ca_file + "': " + ec.message());
        }
        return ctx;
    }

    std::unique_ptr<http_connection> connect() {
        auto c = std::make_unique<http_connection>(s_.peer, tls_ ? &*tls_ : nullptr, s_.verify_peer,
                                                   s_.connect_timeout);
        opened_.fetch_add(1, std::memory_order_relaxed);
        return c;
    }

    // Sends the request and reads the response head. Returns nullptr after
    // waiting out a connect failure that will be retried.
    template <class Parser>
    std::unique_ptr<http_connection> open_or_wait(const http_request& req, std::optional<Parser>& parser,
                                                  std::optional<std::uint64_t> body_limit, unsigned attempt) {
        try {
            return open(req, parser, body_limit);
        } catch (const http_connect_error&) {
            if (attempt >= s_.max_retries) throw;
        }
        pause(attempt, std::nullopt);
        return nullptr;
    }

    template <class Parser>
    std::unique_ptr<http_connection> open(const http_request& req, std::optional<Parser>& parser,
                                          std::optional<std::uint64_t> body_limit) {
        auto conn = pool_.take();
        bool reused = conn != nullptr;
        for (;;) {
            if (!conn) conn = connect();
            fresh_parser(parser, body_limit, req.method());
            conn->expires_after(s_.response_timeout);
            bool writing = true;
            auto ec = conn->write(req);
            if (!ec) {
                writing = false;
                ec = read_final_header(*conn, parser, body_limit, req.method());
            }
            if (!ec) {
                if (reused) reused_.fetch_add(1, std::memory_order_relaxed);
                return conn;
            }
            // A pooled connection the server closed while it sat idle fails
            // before any byte of a response: the server never answered (and
            // for keep-alive timeouts never read) this request, so one fresh
            // connection gets it, without counting as a retry.
            if (reused && !parser->got_some() && is_connection_end(ec)) {
                conn.reset();
                reused = false;
                continue;
            }
            throw head_failure(ec, s_.peer, writing, s_.response_timeout, body_limit.value_or(0));
        }
    }

    template <class Parser>
    static void fresh_parser(std::optional<Parser>& parser, std::optional<std::uint64_t> body_limit,
                             boost::beast::http::verb method) {
        parser.emplace();
        parser->header_limit(64 * 1024);
        // Not boost::none: Beast 1.74 compares a Content-Length against an
        // empty limit as if it were exceeded.
        parser->body_limit(body_limit.value_or(std::numeric_limits<std::uint64_t>::max()));
        // The answer to HEAD announces a body it does not carry.
        if (method == boost::beast::http::verb::head) parser->skip(true);
    }

    // Reads response heads until the final one: an informational 1xx head
    // (103 Early Hints, a 100 Continue nobody asked for) has no body and is
    // followed by the real answer on the same connection.
    template <class Parser>
    static boost::system::error_code read_final_header(http_connection& conn, std::optional<Parser>& parser,
                                                       std::optional<std::uint64_t> body_limit,
                                                       boost::beast::http::verb method) {
        for (;;) {
            const auto ec = conn.read_header(*parser);
            const unsigned status = ec ? 0 : parser->get().result_int();
            if (ec || status < 100 || status >= 200 || status == 101) return ec;
            fresh_parser(parser, body_limit, method);
        }
    }

    template <class Message>
    static std::optional<std::chrono::milliseconds> retry_after_of(const Message& m) {
        const auto it = m.find(boost::beast::http::field::retry_after);
        if (it == m.end()) return std::nullopt;
        return parse_retry_after(std::string_view(it->value().data(), it->value().size()));
    }

    void pause(unsigned attempt, std::optional<std::chrono::milliseconds> retry_after) {
        retries_.fetch_add(1, std::memory_order_relaxed);
        std::this_thread::sleep_for(retry_wait(attempt, s_.retry_backoff, s_.max_retry_wait, retry_after));
    }

    // Keeps the connection when the response ended cleanly and both sides
    // want to go on; anything else closes it.
    template <class Parser>
    void recycle(std::unique_ptr<http_connection> conn, const Parser& parser) {
        if (parser.is_done() && parser.get().keep_alive() && !parser.need_eof() && conn->buffer().size() == 0)
            pool_.give(std::move(conn));
    }

    http_client_settings s_;
    std::optional<boost::asio::ssl::context> tls_;
    http_pool pool_;
    std::atomic<std::uint64_t> opened_{0};
    std::atomic<std::uint64_t> reused_{0};
    std::atomic<std::uint64_t> retries_{0};
};

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
