#pragma once
// One proxied request: forwards it upstream unchanged (bar hop-by-hop and
// aitrail's own headers), writes the answer back to the client as it
// arrives, and records the call when the path is a provider API.

#include <aitrail/capture/http_transport.hpp>
#include <aitrail/capture/provider_call.hpp>
#include <aitrail/capture/providers/providers.hpp>
#include <aitrail/integrity/hasher.hpp>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <nlohmann/json.hpp>

#include <optional>     // optional
#include <stdexcept>    // runtime_error
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail_cli::proxy {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

/// What the proxy needs to know per request.
struct relay_settings {
    std::string user_header = "x-aitrail-user";  ///< who the call is for (stripped before forwarding)
    std::string tags_header = "x-aitrail-tags";  ///< comma-separated tags (stripped)
    std::string fingerprint_key;                 ///< HMAC key for users identified by their API key
    bool inject_stream_usage = false;            ///< ask OpenAI chat streams for their usage chunk
};

/// Beast's string_view as the standard one.
inline std::string_view std_view(beast::string_view v) noexcept { return {v.data(), v.size()}; }

/// Thrown when the client went away mid-answer: stops the upstream read.
struct client_gone : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Fields that describe one connection, not the message: never forwarded.
inline bool is_hop_by_hop(std::string_view name) {
    for (std::string_view h : {"connection", "keep-alive", "proxy-connection", "proxy-authenticate",
                               "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host",
                               "content-length"})
        if (aitrail::field_name_equal(name, h)) return true;
    return false;
}

/// The user a request is for: the user header, else a keyed fingerprint of
/// its API key (so calls group by key without the key reaching the trail).
inline std::string user_from_key(std::string_view key, const std::string& fingerprint_key) {
    if (key.starts_with("Bearer ") || key.starts_with("bearer ")) key.remove_prefix(7);
    if (key.empty()) return {};
    // 8 bytes (16 hex digits) tell keys apart without a long column.
    return "key:" + aitrail::to_hex(aitrail::hmac_sha256_digest(fingerprint_key, key)).substr(0, 16);
}

/// Writes an upstream response to the client as it arrives; tells the
/// provider_call (if any) what arrived.
class client_relay final : public aitrail::stream_handler {
public:
    client_relay(tcp::socket& socket, aitrail::provider_call* call, bool keep_alive)
        : socket_(socket), call_(call), keep_alive_(keep_alive) {}

    void on_head(const aitrail::model_response& head) override {
        response_.emplace();
        response_->result(static_cast<unsigned>(head.status));
        response_->version(11);
        for (const auto& [name, value] : head.headers)
            if (!is_hop_by_hop(name)) response_->insert(name, value);
        if (const auto* length = aitrail::find_field(head.headers, "content-length"))
            response_->content_length(std::stoull(*length));
        else
            response_->chunked(true);
        response_->keep_alive(keep_alive_);
        serializer_.emplace(*response_);
        if (call_) call_->on_head(head);
        beast::error_code ec;
        http::write_header(socket_, *serializer_, ec);
        if (ec) throw client_gone("writing the response head to the client: " + ec.message());
    }

    void on_chunk(std::string_view bytes) override {
        if (call_) call_->on_chunk(bytes);
        if (bytes.empty()) return;
        write_body(bytes.data(), bytes.size(), true);
    }

    /// Ends the body (the final chunk of a chunked answer).
    void end() { write_body(nullptr, 0, false); }

    /// True once the head went to the client (an error can then only cut the answer).
    bool head_sent() const noexcept { return serializer_.has_value(); }

private:
    void write_body(const char* data, std::size_t size, bool more) {
        auto& body = response_->body();
        body.data = const_cast<char*>(data);  // buffer_body only reads through it
        body.size = size;
        body.more = more;
        beast::error_code ec;
        http::write(socket_, *serializer_, ec);
        // need_buffer: the serializer wrote all it was given and wants more.
        if (ec == http::error::need_buffer) ec = {};
        if (ec) throw client_gone("writing the response to the client: " + ec.message());
    }

    tcp::socket& socket_;
    aitrail::provider_call* call_;
    bool keep_alive_;
    std::optional<http::response<http::buffer_body>> response_;
    std::optional<http::response_serializer<http::buffer_body>> serializer_;
};

/// The error body a client of `api` understands, for a failure of the proxy itself.
inline std::string proxy_error_body(std::optional<aitrail::provider_api> api, std::string_view type,
                                    const std::string& message) {
    if (api == aitrail::provider_api::anthropic_messages)
        return nlohmann::json{{"type", "error"}, {"error", {{"type", type}, {"message", message}}}}.dump();
    return nlohmann::json{{"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", type}}}}.dump();
}

/// Writes a whole small response (errors of the proxy itself).
inline void write_simple(tcp::socket& socket, unsigned status, const std::string& body, bool keep_alive) {
    http::response<http::string_body> res{static_cast<http::status>(status), 11};
    res.set(http::field::content_type, "application/json");
    res.keep_alive(keep_alive);
    res.body() = body;
    res.prepare_payload();
    beast::error_code ec;
    http::write(socket, res, ec);
}

/// For OpenAI chat streams that did not ask for usage, asks for it (the
/// client then also gets the usage chunk, whose `choices` is empty).
inline std::string with_stream_usage(const std::string& body) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (!j.is_object() || !j.value("stream", false)) return body;
    if (j.contains("stream_options") && j["stream_options"].is_object() &&
        j["stream_options"].value("include_usage", false))
        return body;
    j["stream_options"]["include_usage"] = true;
    return j.dump();
}

/// Proxies one request; returns whether the connection can carry another.
template <class Auditor>
bool relay_request(http::request<http::string_body>& req, tcp::socket& socket, const std::string& client_address,
                   const relay_settings& settings, Auditor& auditor, aitrail::http_transport& upstream) {
    const bool keep_alive = req.keep_alive();
    const std::string target(std_view(req.target()));
    std::optional<aitrail::provider_api> api;
    if (req.method() == http::verb::post) api = aitrail::api_for_target(target);

    aitrail::model_request out;
    out.method = std::string(std_view(req.method_string()));
    out.target = target;
    std::string user, tags, api_key;
    for (const auto& field : req) {
        const std::string_view name = std_view(field.name_string());
        const std::string_view value = std_view(field.value());
        if (aitrail::field_name_equal(name, settings.user_header)) user = value;
        else if (aitrail::field_name_equal(name, settings.tags_header)) tags = value;
        if (is_hop_by_hop(name) || aitrail::field_name_equal(name, settings.user_header) ||
            aitrail::field_name_equal(name, settings.tags_header))
            continue;
        // The audit must read the answer: compressed bodies are not asked for.
        if (api && aitrail::field_name_equal(name, "accept-encoding")) continue;
        if (aitrail::field_name_equal(name, "authorization") || aitrail::field_name_equal(name, "x-api-key") ||
            aitrail::field_name_equal(name, "api-key"))
            api_key = value;
        out.headers.emplace_back(std::string(name), std::string(value));
    }
    if (api) out.headers.emplace_back("accept-encoding", "identity");
    out.body = std::move(req.body());

    if (!api) {  // not a model call: pass it through, unrecorded
        client_relay relay(socket, nullptr, keep_alive);
        try {
            upstream.stream(out, relay);
            relay.end();
        } catch (const aitrail::transport_error& e) {
            if (relay.head_sent()) return false;
            write_simple(socket, 502, proxy_error_body(api, "upstream_unavailable", e.what()), keep_alive);
        } catch (const client_gone&) {
            return false;
        }
        return keep_alive;
    }

    if (settings.inject_stream_usage && *api == aitrail::provider_api::openai_chat)
        out.body = with_stream_usage(out.body);
    aitrail::scope_options so;
    so.user = user.empty() ? user_from_key(api_key, settings.fingerprint_key) : user;
    for (std::size_t at = 0; at < tags.size();) {
        std::size_t comma = tags.find(',', at);
        if (comma == std::string::npos) comma = tags.size();
        std::string tag = tags.substr(at, comma - at);
        tag.erase(0, tag.find_first_not_of(' '));
        tag.erase(tag.find_last_not_of(' ') + 1);
        if (!tag.empty()) so.tags.push_back(std::move(tag));
        at = comma + 1;
    }
    so.meta = nlohmann::json{{"client_address", client_address}, {"via", "proxy"}};
    auto scope = auditor.scope(std::move(so));
    scope.mark("received");
    aitrail::provider_call call(scope, *api, std::string_view(out.body));
    client_relay relay(socket, &call, keep_alive);
    try {
        call.forwarded();
        upstream.stream(out, relay);
        call.on_end();
    } catch (const aitrail::transport_error& e) {
        call.on_failure(e);
        call.finish();
        if (relay.head_sent()) return false;  // cut the client's answer off too: it must not look complete
        const bool timeout = e.failure() == aitrail::transport_failure::timeout;
        write_simple(socket, timeout ? 504 : 502,
                     proxy_error_body(api, timeout ? "upstream_timeout" : "upstream_unavailable",
                                      std::string("aitrail proxy: ") + e.what()),
                     keep_alive);
        return keep_alive;
    } catch (const client_gone& e) {
        call.on_abandoned(e.what());
        return false;
    }
    call.finish();
    try {
        relay.end();
    } catch (const client_gone&) {
        return false;
    }
    return keep_alive;
}

}  // namespace aitrail_cli::proxy
