#pragma once
/// @file prepare.hpp
/// What the writer does to a record before sealing it, in this order:
/// fingerprint the original bodies (keyed), redact (content strings, the
/// error message, the policy's chosen meta fields), remove credentials
/// (Authorization, API-key and cookie members, wherever they appear in
/// content or meta), then price. On the writer thread, never the caller's.

#include <aitrail/config.hpp>
#include <aitrail/policy/fingerprint.hpp>
#include <aitrail/policy/meta_fields.hpp>
#include <aitrail/policy/pricing.hpp>
#include <aitrail/policy/redactor.hpp>
#include <aitrail/record/audit_record.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>    // any_of
#include <cctype>       // tolower
#include <map>          // map
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

namespace detail {

/// Member names that carry credentials: removed from content and meta
/// whatever the redactor, so a logged request can never leak an API key.
inline bool is_credential_name(std::string_view name) noexcept {
    static constexpr std::string_view names[] = {"authorization", "proxy-authorization", "x-api-key", "api-key",
                                                 "api_key",       "x-goog-api-key",      "cookie",    "set-cookie",
                                                 "anthropic-api-key", "openai-api-key"};
    return std::any_of(std::begin(names), std::end(names), [&](std::string_view n) {
        if (n.size() != name.size()) return false;
        for (std::size_t i = 0; i < n.size(); ++i)
            if (std::tolower(static_cast<unsigned char>(name[i])) != n[i]) return false;
        return true;
    });
}

/// Removes credential members anywhere in `j`, counting them.
inline void remove_credentials(nlohmann::json& j, std::map<std::string, std::int64_t>& counts) {
    if (j.is_object()) {
        std::vector<std::string> doomed;
        for (auto& [key, value] : j.items()) {
            if (is_credential_name(key)) doomed.push_back(key);
            else remove_credentials(value, counts);
        }
        for (const auto& key : doomed) {
            j.erase(key);
            ++counts["credential"];
        }
    } else if (j.is_array()) {
        for (auto& item : j) remove_credentials(item, counts);
    }
}

/// Runs redactor `R` over every string value in `j` (keys and structure stay).
template <class R>
void redact_strings(nlohmann::json& j, std::map<std::string, std::int64_t>& counts) {
    if (j.is_string()) R::apply(j.get_ref<std::string&>(), counts);
    else if (j.is_array() || j.is_object())
        for (auto& item : j) redact_strings<R>(item, counts);
}

}  // namespace detail

/// Runtime inputs of the policies (a price table loaded from a file...).
struct policy_context {
    price_context pricing;  ///< for aitrail::pricers::runtime
};

/// Fingerprints, redacts and prices `e` as `Policy` says. Trail records
/// (kind "trail.*") are the writer's own and are left alone.
template <class Policy>
void prepare_entry(pending_entry& e, const policy_context& ctx) {
    if (e.rec.kind.starts_with("trail.")) return;
    using redactor_type = typename Policy::redactor;
    Policy::fingerprint::apply(e);
    detail::remove_credentials(e.content, e.rec.redactions);
    detail::remove_credentials(e.rec.meta, e.rec.redactions);
    detail::redact_strings<redactor_type>(e.content, e.rec.redactions);
    if (e.rec.error) redactor_type::apply(e.rec.error->message, e.rec.redactions);
    if (e.rec.meta.is_object())
        for (auto& [key, value] : e.rec.meta.items())
            if (Policy::redact_meta::contains(key)) detail::redact_strings<redactor_type>(value, e.rec.redactions);
    Policy::pricing::price(e.rec, ctx.pricing);
}

/// prepare_entry, but a policy that throws (a key source without its key, a
/// broken price table) neither loses the record nor lets unredacted bodies
/// through: the bodies are dropped, the failure is noted in
/// `meta.aitrail_prepare_error`, and the record is kept. Returns the error
/// text, empty on success.
template <class Policy>
std::string prepare_or_strip(pending_entry& e, const policy_context& ctx) noexcept {
    try {
        prepare_entry<Policy>(e, ctx);
        return {};
    } catch (const std::exception& ex) {
        std::string why = ex.what();
        try {
            e.content = nlohmann::json::object();
            if (!e.rec.meta.is_object()) e.rec.meta = nlohmann::json::object();
            e.rec.meta["aitrail_prepare_error"] = why + " (content not stored)";
        } catch (...) {
        }
        return why;
    }
}

}  // namespace v1
}  // namespace aitrail
