#pragma once
/// @file provider_call.hpp
/// Turns one provider call — a request body and then a whole response, a
/// stream of bytes, or a transport failure — into the fields of an audit
/// record. Shared by audited_client and the auditing proxy, so that a call
/// made either way is recorded the same way.

#include <aitrail/config.hpp>
#include <aitrail/capture/audit_scope.hpp>
#include <aitrail/capture/providers/anthropic_messages.hpp>
#include <aitrail/capture/providers/call_outcome.hpp>
#include <aitrail/capture/providers/openai_chat.hpp>
#include <aitrail/capture/providers/openai_responses.hpp>
#include <aitrail/capture/providers/providers.hpp>
#include <aitrail/capture/transport.hpp>
#include <aitrail/detail/capture/sse.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>      // size_t
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view
#include <utility>      // move
#include <variant>      // variant, visit

namespace aitrail {
inline namespace v1 {

/// Well-known meta keys a provider call writes.
namespace meta_keys {
inline constexpr std::string_view provider_api = "provider_api";  ///< "anthropic_messages", "openai_chat"...
inline constexpr std::string_view http_status = "http_status";    ///< the provider's HTTP status (absent: none arrived)
inline constexpr std::string_view response_id = "response_id";    ///< the provider's id of the response
inline constexpr std::string_view stream = "stream";              ///< true for a streamed (SSE) response
inline constexpr std::string_view usage_source = "usage_source";  ///< "provider", "partial" or "missing"
inline constexpr std::string_view ttft_us = "ttft_us";            ///< time to the first generated content
inline constexpr std::string_view server_tool_use = "server_tool_use";  ///< e.g. {"web_search_requests": 1}
inline constexpr std::string_view replay_of = "replay_of";        ///< {"id", "hash"} of the replayed record
}  // namespace meta_keys

/// Timeline marks a provider call adds (the request's timeline).
namespace marks {
inline constexpr std::string_view forwarded = "forwarded";      ///< the request left for the provider
inline constexpr std::string_view response_head = "response_head";  ///< status and headers arrived
inline constexpr std::string_view first_token = "first_token";  ///< the first generated content arrived
inline constexpr std::string_view completed = "completed";      ///< the response ended (or failed)
}  // namespace marks

/// Records one provider call into an audit_scope. Feed it the request, then
/// either on_response() or on_head() + on_chunk()..., and on_failure() if
/// the transport threw; finish() (or the destructor) writes the outcome.
class provider_call {
public:
    /// Largest error body kept from a failed streamed request.
    static constexpr std::size_t max_error_body = 64 * 1024;

    /// Starts recording a call of `api` with this request body (raw bytes,
    /// recorded as JSON when they parse, else as a string).
    provider_call(audit_scope& scope, provider_api api, std::string_view request_body)
        : scope_(&scope), api_(api) {
        auto request = nlohmann::json::parse(request_body, nullptr, false);
        if (request.is_discarded()) request = std::string(request_body);
        start(std::move(request));
    }
    /// Starts recording a call of `api` with this request.
    provider_call(audit_scope& scope, provider_api api, nlohmann::json request) : scope_(&scope), api_(api) {
        start(std::move(request));
    }
    provider_call(const provider_call&) = delete;
    provider_call& operator=(const provider_call&) = delete;
    /// Writes what is known if finish() was not called.
    ~provider_call() { finish(); }

    /// The request is about to leave for the provider.
    void forwarded() { scope_->mark(std::string(marks::forwarded)); }

    /// A whole (non-streamed) response arrived.
    void on_response(const model_response& r) {
        scope_->mark(std::string(marks::response_head));
        outcome_ = with_adapter(api_, [&](auto adapter) { return decltype(adapter)::read_response(r.status, r.body); });
        outcome_->http_status = r.status;
    }

    /// The head of a response arrived; its body follows through on_chunk().
    void on_head(const model_response& head) {
        scope_->mark(std::string(marks::response_head));
        status_ = head.status;
        const std::string* type = find_field(head.headers, "content-type");
        streaming_ = head.status / 100 == 2 && type != nullptr && type->find("text/event-stream") != std::string::npos;
        if (streaming_) reader_ = make_reader(api_);
    }

    /// The next bytes of the body.
    void on_chunk(std::string_view bytes) {
        if (!streaming_) {
            // A whole body sent without SSE (an error, or a server that
            // ignored "stream"): kept, bounded, and read when it ends.
            if (body_.size() < max_error_body) body_.append(bytes.substr(0, max_error_body - body_.size()));
            return;
        }
        parser_.feed(bytes, [&](std::string_view event, std::string_view data) {
            bool first = std::visit([&](auto& reader) { return reader.on_event(event, data); }, reader_);
            if (first && !first_token_) {
                first_token_ = true;
                scope_->mark(std::string(marks::first_token));
                const auto& events = scope_->record().events;
                scope_->meta(std::string(meta_keys::ttft_us), events.back().t_us);
            }
        });
    }

    /// The body ended normally.
    void on_end() { end(true); }

    /// The transport failed; what arrived before is kept (a cut-off stream
    /// keeps its partial usage).
    void on_failure(const transport_error& e) {
        failure_ = error_info{"transport." + std::string(to_string(e.failure())), e.what()};
        if (!outcome_) end(false);
    }

    /// The application stopped the call (its callback threw, the client went away).
    void on_abandoned(std::string why) {
        failure_ = error_info{"abandoned", std::move(why)};
        if (!outcome_) end(false);
    }

    /// What the adapter read so far (after on_response / on_end / on_failure).
    const std::optional<call_outcome>& outcome() const noexcept { return outcome_; }

    /// Writes the outcome into the scope's record and ends the scope. Later
    /// calls do nothing.
    void finish() noexcept {
        if (!scope_) return;
        try {
            apply();
        } catch (...) {
            // The scope still records the call; only the details are lost.
        }
        std::exchange(scope_, nullptr)->finish();
    }

private:
    using reader_variant = std::variant<anthropic_messages::stream_reader, openai_chat::stream_reader,
                                        openai_responses::stream_reader>;

    static reader_variant make_reader(provider_api api) {
        switch (api) {
            case provider_api::anthropic_messages: return anthropic_messages::stream_reader{};
            case provider_api::openai_chat: return openai_chat::stream_reader{};
            case provider_api::openai_responses: return openai_responses::stream_reader{};
        }
        return anthropic_messages::stream_reader{};
    }

    void start(nlohmann::json request) {
        auto& rec = scope_->record();
        with_adapter(api_, [&](auto adapter) {
            using adapter_type = decltype(adapter);
            if (rec.action.empty()) rec.action = std::string(adapter_type::action);
            if (rec.model.provider.empty()) rec.model.provider = std::string(adapter_type::provider);
            if (request.is_object()) {
                request_facts facts = adapter_type::read_request(request);
                if (rec.model.name.empty()) rec.model.name = facts.model;
                stream_requested_ = facts.stream;
            }
        });
        scope_->meta(std::string(meta_keys::provider_api), std::string(to_string(api_)));
        scope_->input(std::move(request));
    }

    void end(bool complete) {
        if (outcome_) return;
        if (streaming_) {
            bool torn = parser_.finish();
            outcome_ = std::visit([&](auto& reader) { return std::move(reader).finish(complete && !torn); }, reader_);
        } else if (status_ != 0) {
            outcome_ = with_adapter(api_, [&](auto adapter) { return decltype(adapter)::read_response(status_, body_); });
        } else {
            return;  // nothing arrived
        }
        outcome_->http_status = status_;
    }

    void apply() {
        scope_->mark(std::string(marks::completed));
        auto& rec = scope_->record();
        scope_->meta(std::string(meta_keys::stream), streaming_ || stream_requested_);
        if (outcome_) {
            const call_outcome& o = *outcome_;
            if (o.http_status != 0) scope_->meta(std::string(meta_keys::http_status), o.http_status);
            if (!o.model.empty()) rec.model.name = o.model;
            if (!o.response_id.empty()) scope_->meta(std::string(meta_keys::response_id), o.response_id);
            if (!o.stop_reason.empty()) rec.stop_reason = o.stop_reason;
            rec.usage = o.usage;
            if (!o.server_tool_use.empty()) scope_->meta(std::string(meta_keys::server_tool_use), o.server_tool_use);
            if (!o.output.is_null()) scope_->output(o.output);
            if (o.error) scope_->fail(o.error->type, o.error->message);
            else if (o.http_status != 0 && o.http_status / 100 != 2)
                scope_->fail("http_" + std::to_string(o.http_status), "the provider answered " + std::to_string(o.http_status));
        }
        // A transport failure outranks what the body said: the call did not complete.
        if (failure_) scope_->fail(failure_->type, failure_->message);
        // A stream that delivered its final usage and then failed keeps
        // "provider": the counts are final although the call failed.
        usage_source source = outcome_ ? outcome_->source : usage_source::missing;
        scope_->meta(std::string(meta_keys::usage_source), std::string(to_string(source)));
    }

    audit_scope* scope_;
    provider_api api_;
    bool stream_requested_ = false;
    bool streaming_ = false;
    bool first_token_ = false;
    int status_ = 0;
    std::string body_;
    detail::sse_parser parser_;
    reader_variant reader_;
    std::optional<call_outcome> outcome_;
    std::optional<error_info> failure_;
};

}  // namespace v1
}  // namespace aitrail
