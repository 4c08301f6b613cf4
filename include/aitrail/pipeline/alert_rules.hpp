#pragma once
/// @file alert_rules.hpp
/// What an alert rule watches and what it reports. Rules are plain
/// aggregates, set with designated initializers, listed in
/// `writer_options::alerts` (see pipeline/alerts.hpp for how they run):
/// @code
/// using namespace std::chrono_literals;
/// aitrail::auditor audit{aitrail::jsonl_storage{"audit/"}, {
///     .alerts = {aitrail::error_rate_rule{.window = 5min, .max_per_mille = 50, .min_calls = 20},
///                aitrail::latency_p95_rule{.window = 5min, .max_p95 = 2s},
///                aitrail::spend_per_hour_rule{.max_nanos_usd = 25'000'000'000},   // $25
///                aitrail::token_anomaly_rule{.sigmas = 3}},
///     .on_alert = [](const aitrail::alert& a) { page_oncall(a.rule, a.message); },
/// }};
/// @endcode
/// Measurements are integers (per mille, microseconds, nano-USD, tokens),
/// like everything else the SDK records.

#include <aitrail/config.hpp>
#include <aitrail/detail/time_format.hpp>

#include <chrono>   // microseconds, hours, minutes
#include <cstdint>  // int64_t
#include <string>   // string
#include <variant>  // variant
#include <vector>   // vector

namespace aitrail {
inline namespace v1 {

/// A rule changed state: it fired (its condition became true) or, with
/// `resolved`, it cleared. A rule fires once and stays quiet while its
/// condition holds; it is re-armed when a later record finds it clear.
struct alert {
    std::string rule;           ///< the rule's name (its `name`, or its type's default such as "error_rate")
    std::string message;        ///< one line for a human: what was measured, over what, against what
    std::int64_t value = 0;     ///< what was measured, in `unit`
    std::int64_t threshold = 0; ///< the rule's limit, in `unit`; a firing alert has value > threshold
    std::string unit;           ///< "per_mille", "us", "nanos_usd" or "tokens"
    std::int64_t samples = 0;   ///< calls the measurement covers (for token_anomaly: the baseline's)
    timestamp at{};             ///< `ts` of the record that changed the rule's state
    std::string record_id;      ///< `id` of that record
    bool resolved = false;      ///< false: the rule fired; true: it cleared
};

/// Fires when more than `max_per_mille` of the calls in the last `window`
/// failed (status error; blocked calls count as calls, not failures), once
/// there are at least `min_calls` of them.
struct error_rate_rule {
    std::string name;                                    ///< alert::rule; empty: "error_rate"
    std::chrono::microseconds window{std::chrono::minutes{5}};  ///< how far back calls count
    std::int64_t max_per_mille = 50;                     ///< highest acceptable failures per 1000 calls
    std::int64_t min_calls = 20;                         ///< fewer calls in the window never fire
    std::string kind;                                    ///< only records of this kind; empty: all
    std::string model;                                   ///< only this model name; empty: all
};

/// Fires when the 95th percentile latency (nearest rank) of the calls in
/// the last `window` is above `max_p95`, i.e. when more than 5% of them took
/// longer. The decision is exact; `alert::value` is read from a log-bucket
/// histogram and overstates the percentile by less than 12.5%. Calls without
/// a latency are not counted.
struct latency_p95_rule {
    std::string name;                                    ///< alert::rule; empty: "latency_p95"
    std::chrono::microseconds window{std::chrono::minutes{5}};  ///< how far back calls count
    std::chrono::microseconds max_p95{std::chrono::seconds{10}};  ///< highest acceptable p95
    std::int64_t min_calls = 20;                         ///< fewer calls in the window never fire
    std::string kind;                                    ///< only records of this kind; empty: all
    std::string model;                                   ///< only this model name; empty: all
};

/// Fires when the calls of the last 60 minutes cost more than
/// `max_nanos_usd` together (record cost, after pricing). Calls whose cost
/// is unknown add nothing: an unknown cost is not a zero one, but neither is
/// it a number to add.
struct spend_per_hour_rule {
    std::string name;                 ///< alert::rule; empty: "spend_per_hour"
    std::int64_t max_nanos_usd = 0;   ///< highest acceptable spend in 1e-9 USD ($10 = 10'000'000'000)
    std::string kind;                 ///< only records of this kind; empty: all
    std::string model;                ///< only this model name; empty: all
};

/// Fires on a call whose input tokens are above mean + `sigmas` · σ of the
/// calls in the trailing window before it (the sample standard deviation,
/// as in the usual SQL check: AVG(input_tokens) + 3 * STDDEV(input_tokens) over
/// 7 days). Evaluated once the window holds `min_samples` calls that
/// reported input tokens; calls that did not are skipped. Kept in hour
/// buckets of count, sum and sum of squares, so memory does not grow.
struct token_anomaly_rule {
    std::string name;                               ///< alert::rule; empty: "token_anomaly"
    double sigmas = 3.0;                            ///< how many standard deviations above the mean
    std::chrono::hours trailing{24 * 7};            ///< the baseline's span (at least 1 h)
    std::int64_t min_samples = 30;                  ///< a smaller baseline never fires
    std::string kind;                               ///< only records of this kind; empty: all
    std::string model;                              ///< only this model name; empty: all
};

/// One alert rule, of any of the shipped kinds.
using alert_rule = std::variant<error_rate_rule, latency_p95_rule, spend_per_hour_rule, token_anomaly_rule>;

/// The rules a writer evaluates, in this order for each record.
using alert_rules = std::vector<alert_rule>;

}  // namespace v1
}  // namespace aitrail
