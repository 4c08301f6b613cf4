#pragma once
/// @file report_trails.hpp
/// Small trails with hand-set times, users, models, tokens, costs and
/// latencies, written through a real auditor (sealed and chained), for the
/// report tests: every expected number can be worked out by hand.

#include <aitrail/capture/auditor.hpp>
#include <aitrail/detail/json_scan.hpp>
#include <aitrail/detail/time_format.hpp>
#include <aitrail/policy/default_policy.hpp>
#include <aitrail/record/audit_record.hpp>
#include <aitrail/storage/memory_storage.hpp>

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>    // min
#include <cstdint>      // int64_t
#include <map>          // map
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail_test {

/// Stored on the caller's thread, priced by nobody: costs are what a test sets.
struct report_policy : aitrail::default_policy {
    static constexpr bool asynchronous = false;
    using pricing = aitrail::pricers::none;
};

/// One audited call, as a test describes it.
struct call {
    std::string ts;                   ///< RFC 3339, e.g. "2026-11-01T10:00:00Z"
    std::string user;
    std::string model;
    std::string version;
    std::string kind = "llm.call";
    std::string status = "ok";        ///< ok | error | blocked
    std::string error_type;           ///< for error / blocked
    std::optional<std::int64_t> latency_us;
    std::optional<std::int64_t> input_tokens;
    std::optional<std::int64_t> output_tokens;
    std::optional<std::int64_t> cost_nanos;  ///< a known cost
    bool cost_unknown = false;               ///< priced, cost unknown (nanos_usd null)
    std::vector<std::string> tags;
    std::string stop_reason;
    std::map<std::string, std::int64_t> redactions;
    nlohmann::json meta = nlohmann::json::object();
    nlohmann::json content = nlohmann::json::object();
    std::string id;  ///< default: "rec-NNNN" in the order added
};

/// The pending entry for `c`, the `n`-th call of its trail.
inline aitrail::pending_entry entry_of(const call& c, int n) {
    aitrail::pending_entry e;
    const auto ts = aitrail::detail::parse_rfc3339(c.ts);
    REQUIRE_MESSAGE(ts.has_value(), "bad test timestamp ", c.ts);
    auto& r = e.rec;
    r.ts = *ts;
    if (c.id.empty()) {
        std::string id = std::to_string(n);
        r.id = "rec-" + std::string(4 - std::min<std::size_t>(4, id.size()), '0') + id;
    } else {
        r.id = c.id;
    }
    r.kind = c.kind;
    r.action = c.kind == "llm.call" ? "messages.create" : "predict";
    r.user = c.user;
    r.model.name = c.model;
    r.model.version = c.version;
    r.status = *aitrail::parse_status(c.status);
    if (c.status != "ok") r.error = aitrail::error_info{c.error_type, c.status + " of call " + r.id};
    r.latency_us = c.latency_us;
    r.usage.input = c.input_tokens;
    r.usage.output = c.output_tokens;
    if (c.cost_nanos) r.cost = aitrail::cost_info{c.cost_nanos, "test-prices"};
    else if (c.cost_unknown) r.cost = aitrail::cost_info{std::nullopt, "unknown"};
    r.tags = c.tags;
    r.stop_reason = c.stop_reason;
    r.redactions = c.redactions;
    r.meta = c.meta;
    e.content = c.content;
    return e;
}

/// A trail in memory, written by an auditor from calls.
class trail_builder {
public:
    trail_builder() : audit_(storage_) {}

    /// Records `c`.
    trail_builder& add(const call& c) {
        audit_.record(entry_of(c, ++count_));
        return *this;
    }
    /// Records a pending entry as given (trail.gap records and the like).
    trail_builder& add_entry(aitrail::pending_entry e) {
        ++count_;
        audit_.record(std::move(e));
        return *this;
    }
    /// The auditor (for scopes and predictions with the current time).
    aitrail::auditor<report_policy>& auditor() noexcept { return audit_; }
    /// The trail written so far.
    const aitrail::memory_storage& trail() {
        REQUIRE(audit_.flush());
        return storage_;
    }
    /// The storage (to tamper with its lines).
    aitrail::memory_storage& storage() {
        REQUIRE(audit_.flush());
        return storage_;
    }

private:
    aitrail::memory_storage storage_;
    aitrail::auditor<report_policy> audit_;
    int count_ = 0;
};

/// `line` without its top-level `content` member (what a retention job
/// leaves): the chain still verifies, the bodies are gone.
inline std::string strip_content(const std::string& line) {
    const std::string key = "{\"content\":";
    if (line.rfind(key, 0) != 0) return line;
    const char* value = line.data() + key.size();
    const char* end = aitrail::detail::json_skip_value(value, line.data() + line.size());
    REQUIRE(end != nullptr);
    REQUIRE(*end == ',');
    return "{" + line.substr(static_cast<std::size_t>(end + 1 - line.data()));
}

}  // namespace aitrail_test
