#pragma once
/// @file alerts.hpp
/// Alert rules evaluated as records are written: error rate, p95 latency,
/// spend per hour and token anomalies (rules in pipeline/alert_rules.hpp).
///
/// A writer runs the rules where it already handles each record, after the
/// record is redacted, priced and sealed into the chain, so no thread is
/// added and the caller's path is untouched: on the background thread for
/// the asynchronous policy, inside the write for the synchronous one. Rules
/// see records in trail order and take time from each record's `ts`, never
/// from the clock, so the same records raise the same alerts — also when an
/// alert_evaluator replays an existing trail to try out new thresholds.
/// The writer's own records (kind "trail.*") are not counted.
///
/// `on_alert` is called one alert at a time, never concurrently, on the
/// writer's thread (asynchronous) or the recording thread while it holds the
/// writer's lock (synchronous). It must return quickly and must not record
/// into or flush the auditor that calls it, nor (synchronous) take a lock
/// that is held elsewhere while calling the auditor: hand slow work
/// (paging, HTTP) to a queue of your own. An exception it throws is reported through
/// `on_error` and the writer carries on.

#include <aitrail/config.hpp>
#include <aitrail/detail/pipeline/alert_state.hpp>
#include <aitrail/pipeline/alert_rules.hpp>
#include <aitrail/record/audit_record.hpp>

#include <exception>   // exception
#include <functional>  // function
#include <string>      // string
#include <variant>     // variant, visit
#include <vector>      // vector

namespace aitrail {
inline namespace v1 {

/// Evaluates alert rules over records, one record at a time. Writers own one;
/// it also replays a stored trail against rules offline. Memory is fixed
/// when it is built (about 75 kB per latency rule, a few kB for the others).
/// Not thread-safe: feed it from one thread at a time.
class alert_evaluator {
public:
    /// No rules: observe() does nothing.
    alert_evaluator() = default;

    /// Builds the state of each rule. Throws std::invalid_argument for a
    /// rule that cannot work (a window of zero, a negative limit...).
    explicit alert_evaluator(const alert_rules& rules) {
        states_.reserve(rules.size());
        for (const auto& rule : rules)
            std::visit([&](const auto& r) { states_.emplace_back(state_for(r)); }, rule);
    }

    /// True when there are no rules.
    bool empty() const noexcept { return states_.empty(); }

    /// Feeds one record to every rule, in order; calls `on_alert(const alert&)`
    /// for each rule that fires or clears on it. Records of kind "trail.*" are
    /// skipped. An exception from `on_alert` propagates, after the rules have
    /// taken the record.
    template <class F>
    void observe(const audit_record& rec, F&& on_alert) {
        if (states_.empty() || rec.kind.starts_with("trail.")) return;
        for (auto& state : states_) std::visit([&](auto& s) { s.observe(rec, on_alert); }, state);
    }

    /// Names of the rules firing now, in rule order.
    std::vector<std::string> firing() const {
        std::vector<std::string> out;
        for (const auto& state : states_)
            std::visit([&](const auto& s) { if (s.firing()) out.push_back(s.name()); }, state);
        return out;
    }

private:
    using rule_state = std::variant<detail::error_rate_state, detail::latency_p95_state, detail::spend_per_hour_state,
                               detail::token_anomaly_state>;

    static detail::error_rate_state state_for(const error_rate_rule& r) { return detail::error_rate_state(r); }
    static detail::latency_p95_state state_for(const latency_p95_rule& r) { return detail::latency_p95_state(r); }
    static detail::spend_per_hour_state state_for(const spend_per_hour_rule& r) {
        return detail::spend_per_hour_state(r);
    }
    static detail::token_anomaly_state state_for(const token_anomaly_rule& r) {
        return detail::token_anomaly_state(r);
    }

    std::vector<rule_state> states_;
};

namespace detail {

/// What a writer does with each sealed record: runs the rules and hands
/// each alert to `on_alert`. Nothing escapes into the writer — a throwing
/// callback, or a rule that runs out of memory, is reported through
/// `report(std::string)` and the record stays written.
template <class Report>
void run_alert_rules(alert_evaluator& rules, const audit_record& rec,
                     const std::function<void(const alert&)>& on_alert, Report&& report) noexcept {
    if (!on_alert || rules.empty()) return;
    try {
        rules.observe(rec, [&](const alert& a) {
            try {
                on_alert(a);
            } catch (const std::exception& e) {
                report("on_alert threw for rule " + a.rule + " (record " + a.record_id + "): " + e.what());
            } catch (...) {
                report("on_alert threw a non-standard exception for rule " + a.rule + " (record " + a.record_id + ")");
            }
        });
    } catch (const std::exception& e) {
        try {
            report(std::string("alert rules could not evaluate record ") + rec.id + ": " + e.what());
        } catch (...) {
            // Out of memory while reporting: the record is written; give up on the alert.
        }
    } catch (...) {
        // Nothing else throws here; the record is written whatever happens.
    }
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
