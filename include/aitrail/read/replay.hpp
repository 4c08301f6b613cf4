#pragma once
/// @file replay.hpp
/// Re-sends a logged request — the exact bytes the trail committed to,
/// optionally to another model — records the replay as a new record that
/// cites the original (`meta.replay_of` = its id and entry hash), and
/// compares the two: the regression test to run before a model switch.
/// @code
/// auto original = aitrail::find_entry({"audit/"}, id);
/// auto r = aitrail::replay(*original, http, audit, {.model = "claude-sonnet-4-5"});
/// std::cout << aitrail::format_replay(r);
/// @endcode

#include <aitrail/config.hpp>
#include <aitrail/capture/audit_scope.hpp>
#include <aitrail/capture/audited_client.hpp>
#include <aitrail/capture/provider_call.hpp>
#include <aitrail/capture/providers/providers.hpp>
#include <aitrail/capture/transport.hpp>
#include <aitrail/policy/pricing.hpp>
#include <aitrail/read/find_entry.hpp>

#include <nlohmann/json.hpp>

#include <chrono>       // steady_clock
#include <cstdint>      // int64_t
#include <optional>     // optional
#include <stdexcept>    // runtime_error
#include <string>       // string
#include <string_view>  // string_view
#include <utility>      // move

namespace aitrail {
inline namespace v1 {

/// Why a record cannot be replayed; the message names the record and the reason.
class replay_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// How to replay.
struct replay_options {
    std::string model;        ///< send to this model instead ("" keeps the logged one)
    http_fields headers;      ///< added to the request (API key, version); never recorded
    std::string target;       ///< request path ("" = the API's own)
    std::string user;         ///< who replays ("" = the original's user)
    bool allow_redacted = false;  ///< send a request whose logged body had values redacted (placeholders and all)
};

/// The original call and its replay.
struct replay_result {
    found_entry original;               ///< the logged call
    provider_api api{};                 ///< the API both calls went to
    std::string replay_id;              ///< id of the replay's record
    std::string replay_model;           ///< the model the replay asked for
    model_response response;            ///< the replay's response, unchanged (a stream's raw bytes)
    std::optional<call_outcome> outcome;  ///< what the replay's response said
    std::int64_t latency_us = 0;        ///< the replay's wall time
    std::optional<cost_info> cost;      ///< the replay's cost, priced as the auditor's policy prices
};

/// The provider API a logged record was made against, if it is one.
inline std::optional<provider_api> api_of(const audit_record& rec) {
    if (rec.meta.is_object() && rec.meta.contains(meta_keys::provider_api) &&
        rec.meta[std::string(meta_keys::provider_api)].is_string()) {
        const auto& name = rec.meta[std::string(meta_keys::provider_api)].get_ref<const std::string&>();
        for (provider_api api : {provider_api::anthropic_messages, provider_api::openai_chat, provider_api::openai_responses})
            if (to_string(api) == name) return api;
    }
    for (provider_api api : {provider_api::anthropic_messages, provider_api::openai_chat, provider_api::openai_responses})
        if (with_adapter(api, [](auto a) { return std::string(decltype(a)::action); }) == rec.action) return api;
    return std::nullopt;
}

/// The request a record committed to, ready to re-send; throws replay_error
/// when it cannot be replayed faithfully.
inline nlohmann::json replayable_request(const found_entry& f, bool allow_redacted = false) {
    const auto& rec = f.entry.rec;
    const std::string who = "record " + rec.id + " (" + f.source + ":" + std::to_string(f.line_no) + ")";
    if (!f.problems.empty())
        throw replay_error(who + " fails verification: " + f.problems.front().detail);
    const auto& content = f.entry.content;
    if (!content.is_object() || !content.contains(content_keys::input)) {
        std::string why = "its request body was not stored";
        if (rec.meta.is_object() && rec.meta.contains("aitrail_prepare_error"))
            why += " (" + rec.meta["aitrail_prepare_error"].get<std::string>() + ")";
        throw replay_error(who + " cannot be replayed: " + why);
    }
    if (!allow_redacted) {
        std::string redacted;
        for (const auto& [detector, count] : rec.redactions)
            if (detector != "credential") redacted += (redacted.empty() ? "" : ", ") + detector + " " + std::to_string(count);
        if (!redacted.empty())
            throw replay_error(who + " cannot be replayed exactly: values were redacted from it (" + redacted +
                               "); the logged body holds placeholders. Allow redacted replays to send it anyway");
    }
    return content[std::string(content_keys::input)];
}

namespace detail {

/// Collects a streamed replay while recording it.
struct replay_collector final : stream_handler {
    explicit replay_collector(provider_call& c, model_response& r) : call(c), response(r) {}
    void on_head(const model_response& head) override {
        response = head;
        call.on_head(head);
    }
    void on_chunk(std::string_view bytes) override {
        call.on_chunk(bytes);
        response.body.append(bytes);
    }
    provider_call& call;
    model_response& response;
};

}  // namespace detail

/// Re-sends `original`'s request through `transport` and records the replay
/// into `auditor`. A transport failure is recorded, then rethrown.
template <class Transport, class Auditor>
replay_result replay(const found_entry& original, Transport& transport, Auditor& auditor,
                     const replay_options& options = {}) {
    static_assert(detail::transport_requirements<Transport>::value);
    const auto& rec = original.entry.rec;
    const auto api = api_of(rec);
    if (!api)
        throw replay_error("record " + rec.id + " is not a call of a known provider API (kind '" + rec.kind +
                           "', action '" + rec.action + "')");
    nlohmann::json request = replayable_request(original, options.allow_redacted);
    if (!options.model.empty()) {
        if (!request.is_object()) throw replay_error("record " + rec.id + ": its request is not a JSON object; cannot set the model");
        request["model"] = options.model;
    }
    const bool stream = request.is_object() && request.value("stream", false);

    replay_result result;
    result.original = original;
    result.api = *api;
    result.replay_model = request.is_object() ? request.value("model", std::string()) : std::string();

    scope_options so;
    so.user = options.user.empty() ? rec.user : options.user;
    so.tags = rec.tags;
    so.tags.emplace_back("replay");
    auto scope = auditor.scope(std::move(so));
    result.replay_id = scope.id();
    scope.meta(std::string(meta_keys::replay_of), nlohmann::json{{"id", rec.id}, {"hash", original.hash}});
    std::string body = request.is_string() ? request.get<std::string>() : request.dump();
    provider_call call(scope, *api, std::move(request));
    model_request wire{"POST", options.target, options.headers, std::move(body)};
    if (wire.target.empty()) wire.target = with_adapter(*api, [](auto a) { return std::string(decltype(a)::path); });

    const auto start = std::chrono::steady_clock::now();
    try {
        call.forwarded();
        if (stream) {
            detail::replay_collector collector(call, result.response);
            transport.stream(wire, collector);
            call.on_end();
        } else {
            result.response = transport.send(wire);
            call.on_response(result.response);
        }
    } catch (const transport_error& e) {
        call.on_failure(e);
        throw;
    }
    result.latency_us =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
    result.outcome = call.outcome();

    // Price the replay as the pipeline will, so the delta is known now.
    audit_record priced = scope.record();
    if (result.outcome) {
        priced.usage = result.outcome->usage;
        if (!result.outcome->model.empty()) priced.model.name = result.outcome->model;
    }
    priced.cost.reset();
    try {
        Auditor::policy_type::pricing::price(priced, price_context{});
        result.cost = priced.cost;
    } catch (...) {
        // No price: the delta says "unknown".
    }
    call.finish();
    return result;
}

/// Finds record `id` in the trail at `paths` and replays it.
template <class Transport, class Auditor>
replay_result replay(const std::vector<std::filesystem::path>& paths, std::string_view id, Transport& transport,
                     Auditor& auditor, const replay_options& options = {}) {
    auto found = find_entry(paths, id);
    if (!found) throw replay_error("no record with id " + std::string(id) + " in the trail");
    return replay(*found, transport, auditor, options);
}

}  // namespace v1
}  // namespace aitrail

