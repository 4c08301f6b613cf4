#pragma once
/// @file audited_client.hpp
/// Wraps a transport so that every call made through it is audited (an
/// `audited_create` wrapper, for any transport):
/// @code
/// aitrail::http_transport http{{.base_url = "https://api.anthropic.com", .default_headers = keys}};
/// aitrail::audited_client client{http, audit, aitrail::provider_api::anthropic_messages};
/// auto r = client.create(request, {.user = "user_123", .tags = {"support"}});
/// @endcode
/// The application gets the provider's response byte for byte; the trail
/// gets the request, the response, usage, cost, latency and errors.

#include <aitrail/config.hpp>
#include <aitrail/capture/audit_scope.hpp>
#include <aitrail/capture/provider_call.hpp>
#include <aitrail/capture/providers/providers.hpp>
#include <aitrail/capture/transport.hpp>

#include <nlohmann/json.hpp>

#include <exception>    // exception
#include <string>       // string
#include <string_view>  // string_view
#include <type_traits>  // is_invocable_v
#include <utility>      // move, forward
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// Who and what one call is for.
struct call_context {
    std::string user;                                ///< who initiated the call
    std::vector<std::string> tags;                   ///< labels (team, feature...)
    nlohmann::json meta = nlohmann::json::object();  ///< free-form metadata
};

/// Settings of an audited_client.
struct audited_client_options {
    /// Added to every request (API key, API version). Never recorded.
    http_fields headers;
    /// Request path; empty means the API's own ("/v1/messages"...).
    std::string target;
    /// For OpenAI Chat Completions streams, ask for the final usage chunk
    /// (`stream_options.include_usage`) when the request did not: without it
    /// a stream reports no tokens at all. The application then also receives
    /// that chunk (its `choices` is empty), as the OpenAI SDKs expect.
    bool ensure_stream_usage = true;
};

/// A provider's response, unchanged, with the id of the record that audits it.
struct audited_response : model_response {
    std::string audit_id;  ///< the record's id (UUIDv7), for correlation
};

/// Audits every call made through a `Transport` into an `Auditor`. Holds
/// references: both must outlive it. Thread-safe if the transport is.
template <class Transport, class Auditor>
class audited_client {
    static_assert(detail::transport_requirements<Transport>::value);

public:
    /// Calls `api` through `transport`, recording into `auditor`.
    audited_client(Transport& transport, Auditor& auditor, provider_api api, audited_client_options options = {})
        : transport_(&transport), auditor_(&auditor), api_(api), options_(std::move(options)) {
        if (options_.target.empty())
            options_.target = with_adapter(api_, [](auto adapter) { return std::string(decltype(adapter)::path); });
    }

    /// Sends `request` and returns the whole response, whatever its status.
    /// Throws what the transport throws (transport_error); the call is
    /// recorded either way.
    audited_response create(const nlohmann::json& request, const call_context& ctx = {}) {
        auto scope = auditor_->scope(scope_options_for(ctx));
        std::string body = request.dump();
        provider_call call(scope, api_, request);
        audited_response out;
        out.audit_id = scope.id();
        try {
            call.forwarded();
            static_cast<model_response&>(out) = transport_->send(make_request(std::move(body)));
        } catch (const transport_error& e) {
            call.on_failure(e);
            throw;
        }
        call.on_response(out);
        return out;
    }

    /// Sends `request` as a stream ("stream": true is set if missing) and
    /// calls `on_chunk(std::string_view)` with the provider's bytes as they
    /// arrive. Returns the response head (and, for an error status, the
    /// body). If `on_chunk` throws, the call is recorded as abandoned with
    /// what had arrived, and the exception propagates.
    template <class OnChunk>
    audited_response stream(nlohmann::json request, OnChunk&& on_chunk, const call_context& ctx = {}) {
        static_assert(std::is_invocable_v<OnChunk&, std::string_view>,
                      "aitrail: audited_client::stream needs on_chunk callable with std::string_view");
        if (request.is_object()) {
            request["stream"] = true;
            if (api_ == provider_api::openai_chat && options_.ensure_stream_usage &&
                !request.value("/stream_options/include_usage"_json_pointer, false))
                request["stream_options"]["include_usage"] = true;
        }
        auto scope = auditor_->scope(scope_options_for(ctx));
        std::string body = request.dump();
        provider_call call(scope, api_, std::move(request));
        audited_response out;
        out.audit_id = scope.id();
        relay<OnChunk> handler{call, out, on_chunk};
        try {
            call.forwarded();
            transport_->stream(make_request(std::move(body)), handler);
        } catch (const transport_error& e) {
            call.on_failure(e);
            throw;
        } catch (const std::exception& e) {
            call.on_abandoned(e.what());
            throw;
        } catch (...) {
            call.on_abandoned("a non-standard exception was thrown");
            throw;
        }
        call.on_end();
        return out;
    }

    /// The API this client speaks.
    provider_api api() const noexcept { return api_; }

private:
    template <class OnChunk>
    struct relay final : stream_handler {
        relay(provider_call& c, audited_response& o, OnChunk& f) : call(c), out(o), deliver(f) {}
        void on_head(const model_response& head) override {
            static_cast<model_response&>(out) = head;
            call.on_head(head);
        }
        void on_chunk(std::string_view bytes) override {
            call.on_chunk(bytes);
            // An error answer is returned whole rather than streamed: the
            // application reads it from the response, as from create().
            if (out.status / 100 == 2) deliver(bytes);
            else out.body.append(bytes);
        }
        provider_call& call;
        audited_response& out;
        OnChunk& deliver;
    };

    scope_options scope_options_for(const call_context& ctx) const {
        scope_options o;
        o.kind = std::string(kinds::llm_call);
        o.user = ctx.user;
        o.tags = ctx.tags;
        o.meta = ctx.meta.is_object() ? ctx.meta : nlohmann::json::object();
        return o;
    }

    model_request make_request(std::string body) const {
        return model_request{"POST", options_.target, options_.headers, std::move(body)};
    }

    Transport* transport_;
    Auditor* auditor_;
    provider_api api_;
    audited_client_options options_;
};

}  // namespace v1
}  // namespace aitrail
