#pragma once
/// @file audit_record.hpp
/// The schema: one value type for every audited call — an LLM request, an ML
/// prediction, or a kind of the user's own — plus the trail's own records.
/// Money is in integer nano-USD and time in integer microseconds: the SDK
/// never writes a float, so a record hashes the same in every language.

#include <aitrail/config.hpp>
#include <aitrail/detail/time_format.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>      // int64_t
#include <map>          // map
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// Well-known values of audit_record::kind. Users may define their own
/// (dotted lowercase, e.g. "rag.retrieval"); names under "trail." are reserved.
namespace kinds {
/// A call to a large language model.
inline constexpr std::string_view llm_call = "llm.call";
/// A prediction of a classic ML model (classifier, regressor, ranker...).
inline constexpr std::string_view ml_prediction = "ml.prediction";
/// First record of every trail: names the trail id, hasher and producer.
inline constexpr std::string_view trail_open = "trail.open";
/// Written when a writer reopens an existing trail and continues its chain.
inline constexpr std::string_view trail_resume = "trail.resume";
/// States that records were dropped under load (never silently).
inline constexpr std::string_view trail_gap = "trail.gap";
}  // namespace kinds

/// Outcome of the audited call.
enum class record_status {
    ok,       ///< the call completed
    error,    ///< the call failed (see audit_record::error)
    blocked,  ///< the call was refused before reaching the model (policy, rate limit...)
};

/// "ok", "error" or "blocked".
constexpr std::string_view to_string(record_status s) noexcept {
    switch (s) {
        case record_status::ok: return "ok";
        case record_status::error: return "error";
        case record_status::blocked: return "blocked";
    }
    return "ok";
}

/// Parses a status name; nullopt for anything else.
constexpr std::optional<record_status> parse_status(std::string_view s) noexcept {
    if (s == "ok") return record_status::ok;
    if (s == "error") return record_status::error;
    if (s == "blocked") return record_status::blocked;
    return std::nullopt;
}

/// Which model answered. Empty fields are omitted from the trail.
struct model_ref {
    std::string name;      ///< e.g. "claude-sonnet-4-20250514", "fraud_detector"
    std::string version;   ///< e.g. "v3.2.1"; for hosted LLMs usually empty
    std::string provider;  ///< e.g. "anthropic", "openai", "local"
    /// True when no field is set.
    bool empty() const noexcept { return name.empty() && version.empty() && provider.empty(); }
    friend bool operator==(const model_ref&, const model_ref&) = default;
};

/// What went wrong, for status error or blocked.
struct error_info {
    std::string type;     ///< exception type, provider error type or HTTP status class
    std::string message;  ///< human-readable message
    friend bool operator==(const error_info&, const error_info&) = default;
};

/// Token counts as the provider reported them. An unset count means "not
/// reported", which a report must never confuse with 0.
struct token_usage {
    std::optional<std::int64_t> input;        ///< input (prompt) tokens
    std::optional<std::int64_t> output;       ///< output (completion) tokens
    std::optional<std::int64_t> reasoning;    ///< thinking / reasoning tokens
    std::optional<std::int64_t> cache_read;   ///< input tokens served from the prompt cache
    std::optional<std::int64_t> cache_write;  ///< input tokens written to the prompt cache
    /// True when no count is set.
    bool empty() const noexcept { return !input && !output && !reasoning && !cache_read && !cache_write; }
    friend bool operator==(const token_usage&, const token_usage&) = default;
};

/// The price of one call. nanos_usd unset means "unknown" — never a silent 0.
struct cost_info {
    std::optional<std::int64_t> nanos_usd;  ///< 1e-9 USD; unset (JSON null) when unknown
    std::string pricing;                    ///< which price table produced it, or "unknown"
    friend bool operator==(const cost_info&, const cost_info&) = default;
};

/// A point on the call's timeline, relative to the start of the call.
struct timeline_event {
    std::string name;   ///< e.g. "authorized", "first_token"
    std::int64_t t_us;  ///< microseconds since the call started
    friend bool operator==(const timeline_event&, const timeline_event&) = default;
};

/// One audited call: everything about it except the bodies, which travel in
/// the entry's `content` and are committed to by `digests`.
struct audit_record {
    std::string id;                               ///< UUIDv7, time-ordered
    timestamp ts{};                               ///< when the call started (UTC)
    std::string kind{kinds::llm_call};            ///< see aitrail::kinds
    std::string action;                           ///< e.g. "messages.create", "predict"
    std::string user;                             ///< who initiated the call
    model_ref model;                              ///< which model answered
    record_status status = record_status::ok;     ///< outcome
    std::optional<error_info> error;              ///< set for error / blocked
    std::optional<std::int64_t> latency_us;       ///< wall time of the call
    token_usage usage;                            ///< provider-reported tokens
    std::optional<cost_info> cost;                ///< price of the call
    std::string stop_reason;                      ///< e.g. "end_turn", "length"
    std::vector<std::string> tags;                ///< free labels for filtering
    std::map<std::string, std::int64_t> redactions;  ///< detector name -> values redacted
    std::map<std::string, std::string> digests;      ///< content key -> SHA-256 hex of JCS(content[key])
    std::map<std::string, std::string> fingerprints; ///< correlation hashes of original input / system prompt
    nlohmann::json meta = nlohmann::json::object();  ///< free-form metadata (no floats for exact values)
    std::vector<timeline_event> events;           ///< timeline marks

    friend bool operator==(const audit_record&, const audit_record&) = default;
};

/// Well-known keys of an entry's content (the bodies of a call).
namespace content_keys {
inline constexpr std::string_view input = "input";    ///< the request / features
inline constexpr std::string_view output = "output";  ///< the response / prediction
inline constexpr std::string_view system = "system";  ///< the system prompt
}  // namespace content_keys

/// A record on its way to the trail, with the bodies it commits to. The
/// sealer fills `rec.digests` from `content` when it writes the entry.
struct pending_entry {
    audit_record rec;                                   ///< the metadata
    nlohmann::json content = nlohmann::json::object();  ///< content key -> body (any JSON)
};

}  // namespace v1
}  // namespace aitrail
