#pragma once
/// @file session.hpp
/// One HTTP/1.1 connection: reads requests until the client or a fault ends
/// it, and answers each. Blocking I/O on the connection's own thread, over a
/// plain socket or a TLS stream alike.

#include "faults.hpp"
#include "providers.hpp"
#include "server_state.hpp"

#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>  // find_if
#include <cctype>     // tolower
#include <chrono>     // milliseconds
#include <cstddef>    // size_t
#include <string>     // string
#include <utility>    // move
#include <vector>     // vector

namespace aitrail_emulator {

/// Beast's HTTP layer.
namespace http = boost::beast::http;

/// How a connection ends after a response.
enum class ending {
    keep_alive,  ///< read the next request
    close,       ///< close politely (FIN, TLS close_notify)
    abort,       ///< drop it: the client must see an incomplete response
};

/// Run-wide settings from the command line.
struct settings {
    std::chrono::milliseconds latency{0};  ///< added before every API response head
};

/// The request as the parser delivers it.
using request = http::request<http::string_body>;

/// The request as /_emulator/last_request shows it.
inline nlohmann::json describe(const request& req) {
    nlohmann::json headers = nlohmann::json::object();
    for (const auto& field : req) {
        std::string name(field.name_string());
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto& slot = headers[name];
        const std::string value(field.value());
        slot = slot.is_string() ? slot.get<std::string>() + ", " + value : value;
    }
    return {{"method", std::string(req.method_string())},
            {"target", std::string(req.target())},
            {"headers", std::move(headers)},
            {"body", req.body()}};
}

/// Serves requests on one connection; Stream is a socket or a TLS stream.
template <class Stream>
class session {
public:
    /// Borrows the stream and the shared state for the connection's lifetime.
    session(Stream& stream, server_state& state, const settings& config)
        : stream_(stream), state_(state), config_(config) {}

    /// Serves until the connection ends; says how to close it.
    ending run() {
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.body_limit(64U << 20U);  // long conversations with images are large
            boost::beast::error_code ec;
            http::read_header(stream_, buffer_, parser, ec);
            if (ec == http::error::end_of_stream) return ending::close;
            if (ec) return ending::abort;
            // curl asks before sending bodies over 1 kB and would otherwise wait a second.
            if (boost::beast::iequals(parser.get()[http::field::expect], "100-continue")) {
                http::response<http::empty_body> go_on{http::status::continue_, parser.get().version()};
                http::write(stream_, go_on, ec);
                if (ec) return ending::abort;
            }
            http::read(stream_, buffer_, parser, ec);
            if (ec) return ending::abort;
            const request req = parser.release();
            const ending how = handle(req);
            if (how != ending::keep_alive) return how;
        }
    }

private:
    /// Answers one request.
    ending handle(const request& req) {
        const std::string_view target(req.target().data(), req.target().size());
        const std::string_view path = target.substr(0, target.find('?'));
        if (path.starts_with("/_emulator/")) return control(req, path);
        state_.record(describe(req));

        api which{};
        bool known = true;
        if (path.ends_with("/v1/messages")) which = api::anthropic_messages;
        else if (path.ends_with("/v1/chat/completions")) which = api::openai_chat;
        else if (path.ends_with("/v1/responses")) which = api::openai_responses;
        else known = false;
        const error_style style = known ? style_of(which)
                                  : req.count("anthropic-version") != 0 || path.find("/messages") != path.npos
                                      ? error_style::anthropic
                                      : error_style::openai;
        if (!known || req.method() != http::verb::post) {
            const std::string what = std::string(req.method_string()) + " " + std::string(path);
            return reply(req, style, 404, error_body(style, 404, what));
        }

        const nlohmann::json body = nlohmann::json::parse(req.body(), nullptr, false);
        if (body.is_discarded())
            return reply(req, style, 400, bad_request_body(style, "The request body is not valid JSON."));
        prompt p;
        fault_plan plan;
        try {
            p = parse_prompt(which, body);
            const auto first = [this](const std::string& spec) { return state_.first_sighting(spec); };
            if (const auto header = req.find("x-emulator-fault"); header != req.end())
                add_faults(plan, std::string_view(header->value().data(), header->value().size()), first);
            add_faults(plan, model_fault_spec(p.model), first);
        } catch (const std::exception& e) {
            return reply(req, style, 400, bad_request_body(style, e.what()));
        }

        if (!state_.pause(config_.latency + plan.slow)) return ending::abort;
        if (plan.status != 0) return reply(req, style, plan.status, error_body(style, plan.status, p.model));
        const answer a = make_answer(which, p, state_.next_id());
        return p.stream ? stream(req, which, p, a, plan) : whole(req, which, p, a, plan);
    }

    /// The /_emulator/ endpoints, which are never recorded.
    ending control(const request& req, std::string_view path) {
        if (req.method() == http::verb::get && path == "/_emulator/last_request") {
            const nlohmann::json last = state_.last_request();
            return reply(req, error_style::openai, 200, last.is_null() ? "{}" : last.dump());
        }
        if (req.method() == http::verb::get && path == "/_emulator/stats")
            return reply(req, error_style::openai, 200, nlohmann::json{{"requests", state_.requests()}}.dump());
        const std::string what = std::string(req.method_string()) + " " + std::string(path);
        return reply(req, error_style::openai, 404, error_body(error_style::openai, 404, what));
    }

    /// A 400 body carrying our own message, in the provider's shape.
    static std::string bad_request_body(error_style style, const std::string& message) {
        nlohmann::json body = nlohmann::json::parse(error_body(style, 400, ""));
        body["error"]["message"] = message;
        return body.dump();
    }

    /// Headers every response carries.
    template <class Message>
    void common_headers(Message& res, error_style style, std::string_view content_type) {
        res.set(http::field::server, "aitrail-emulator");
        res.set(http::field::content_type, boost::beast::string_view(content_type.data(), content_type.size()));
        const std::string id = "req_emu" + std::to_string(state_.next_request_id());
        res.set(style == error_style::anthropic ? "request-id" : "x-request-id", id);
    }

    /// A complete JSON response.
    ending reply(const request& req, error_style style, int status, std::string body) {
        http::response<http::string_body> res{static_cast<http::status>(status), req.version()};
        // Beast knows no reason phrase for Anthropic's 529.
        if (res.reason() == "<unknown-status>") res.reason(status == 529 ? "Overloaded" : "Error");
        common_headers(res, style, "application/json");
        if (status == 429) res.set(http::field::retry_after, "0");
        res.keep_alive(req.keep_alive());
        res.body() = std::move(body);
        res.prepare_payload();
        boost::beast::error_code ec;
        http::write(stream_, res, ec);
        if (ec) return ending::abort;
        return res.keep_alive() ? ending::keep_alive : ending::close;
    }

    /// The non-streaming answer, with `malformed` and `cutoff` applied.
    ending whole(const request& req, api which, const prompt& p, const answer& a, const fault_plan& plan) {
        std::string body = response_body(which, p, a);
        if (plan.malformed) body.resize(body.size() / 2);
        if (!plan.cutoff) return reply(req, style_of(which), 200, std::move(body));
        // Announce the whole body, send half of it, then drop the connection.
        http::response<http::empty_body> res{http::status::ok, req.version()};
        common_headers(res, style_of(which), "application/json");
        res.content_length(body.size());
        boost::beast::error_code ec;
        http::response_serializer<http::empty_body> head{res};
        http::write_header(stream_, head, ec);
        if (!ec) boost::asio::write(stream_, boost::asio::buffer(body.data(), body.size() / 2), ec);
        return ending::abort;
    }

    /// The streamed answer, one chunk per event, with the faults applied.
    ending stream(const request& req, api which, const prompt& p, const answer& a, const fault_plan& plan) {
        std::vector<sse_event> events = stream_events(which, p, a);
        const auto first_delta =
            std::find_if(events.begin(), events.end(), [](const sse_event& e) { return e.content_delta; });
        const auto first_delta_index = static_cast<std::size_t>(first_delta - events.begin());
        if (plan.malformed && first_delta != events.end())
            events.insert(events.begin() + static_cast<std::ptrdiff_t>(first_delta_index) + 1,
                          sse_event{malformed_event(which), false});

        http::response<http::empty_body> res{http::status::ok, req.version()};
        common_headers(res, style_of(which), "text/event-stream; charset=utf-8");
        res.set(http::field::cache_control, "no-cache");
        // HTTP/1.0 has no chunked encoding: the end of the body is the end of the connection.
        const bool chunked = req.version() >= 11;
        res.keep_alive(chunked && req.keep_alive());
        if (chunked) res.chunked(true);
        boost::beast::error_code ec;
        http::response_serializer<http::empty_body> head{res};
        http::write_header(stream_, head, ec);
        if (ec) return ending::abort;

        for (std::size_t i = 0; i < events.size(); ++i) {
            if (i > 0 && plan.slow.count() > 0 && !state_.pause(plan.slow)) return ending::abort;
            const auto bytes = boost::asio::buffer(events[i].bytes);
            if (chunked) boost::asio::write(stream_, http::make_chunk(bytes), ec);
            else boost::asio::write(stream_, bytes, ec);
            if (ec) return ending::abort;
            if (plan.cutoff && i >= first_delta_index) return ending::abort;
        }
        if (chunked) boost::asio::write(stream_, http::make_chunk_last(), ec);
        if (ec) return ending::abort;
        return res.keep_alive() ? ending::keep_alive : ending::close;
    }

    Stream& stream_;                   ///< the connection
    server_state& state_;              ///< shared by all connections
    const settings& config_;           ///< from the command line
    boost::beast::flat_buffer buffer_; ///< bytes read past the current request
};

}  // namespace aitrail_emulator
