#pragma once
/// @file alert_state.hpp
/// One state per alert rule: the rule's window and whether it is firing.
/// Each state takes the records its rule selects, updates its window in
/// O(1) amortized, and emits an alert only when its condition changes —
/// that edge is what keeps a sustained problem from paging on every record.

#include <aitrail/config.hpp>
#include <aitrail/detail/pipeline/alert_window.hpp>
#include <aitrail/pipeline/alert_rules.hpp>
#include <aitrail/record/audit_record.hpp>

#include <algorithm>  // max, min
#include <chrono>     // hours, minutes, microseconds
#include <cmath>      // isfinite, sqrt, floor, llround
#include <cstdint>    // int64_t
#include <limits>     // numeric_limits
#include <stdexcept>  // invalid_argument
#include <string>     // string, to_string
#include <utility>    // move

namespace aitrail {
inline namespace v1 {
namespace detail {

/// Slices per window for the rules with a `window`: the window is exact to
/// within 1/60 of its length (5 s of a 5 min window).
inline constexpr std::int64_t alert_window_slices = 60;

/// True when `rule` (any rule type) selects `rec` by kind and model name.
template <class Rule>
bool rule_selects(const Rule& rule, const audit_record& rec) noexcept {
    return (rule.kind.empty() || rec.kind == rule.kind) && (rule.model.empty() || rec.model.name == rule.model);
}

/// Throws std::invalid_argument saying which rule is wrong and why, unless `ok`.
inline void require_rule(bool ok, const char* rule, const char* what) {
    if (!ok) throw std::invalid_argument(std::string("aitrail: ") + rule + ": " + what);
}

/// The rising/falling edge of a rule's condition, and the alert it makes.
class alert_edge {
public:
    /// Whether the rule is firing now.
    bool firing() const noexcept { return firing_; }

    /// Records the condition for `rec`; on a change, fills `out` (all but
    /// the message, value and threshold) and returns true.
    bool update(bool condition, const std::string& rule, const audit_record& rec, alert& out) {
        if (condition == firing_) return false;
        firing_ = condition;
        out.rule = rule;
        out.at = rec.ts;
        out.record_id = rec.id;
        out.resolved = !condition;
        return true;
    }

private:
    bool firing_ = false;
};

/// Calls and failures in a slice of an error_rate_rule's window.
struct error_counts {
    std::int64_t calls = 0;   ///< records selected
    std::int64_t errors = 0;  ///< of which status error
    /// Adds another slice.
    error_counts& operator+=(const error_counts& o) noexcept { calls += o.calls; errors += o.errors; return *this; }
    /// Removes an expired slice.
    error_counts& operator-=(const error_counts& o) noexcept { calls -= o.calls; errors -= o.errors; return *this; }
};

/// State of an error_rate_rule.
class error_rate_state {
public:
    /// Validates `rule` and sizes its window.
    explicit error_rate_state(error_rate_rule rule)
        : rule_(std::move(rule)),
          window_(checked_width(rule_), slice_count(rule_.window.count(), checked_width(rule_))) {
        if (rule_.name.empty()) rule_.name = "error_rate";
    }

    /// Takes `rec` into the window; calls `emit(alert)` when the rule fires or clears.
    template <class Emit>
    void observe(const audit_record& rec, Emit& emit) {
        if (!rule_selects(rule_, rec)) return;
        auto* slot = window_.slot(rec.ts);
        if (slot == nullptr) return;  // older than the window: it changes nothing
        const bool failed = rec.status == record_status::error;
        window_.apply(*slot, [&](error_counts& c) {
            ++c.calls;
            if (failed) ++c.errors;
        });
        const auto& t = window_.total();
        // errors/calls > max/1000, compared exactly in integers.
        const bool over = t.calls >= rule_.min_calls && t.errors * 1000 > rule_.max_per_mille * t.calls;
        alert a;
        if (!edge_.update(over, rule_.name, rec, a)) return;
        // Rounded up, so value > threshold exactly when the rule fires.
        a.value = t.calls > 0 ? (t.errors * 1000 + t.calls - 1) / t.calls : 0;
        a.threshold = rule_.max_per_mille;
        a.unit = "per_mille";
        a.samples = t.calls;
        a.message = std::string(over ? "error rate " : "error rate back to ") + std::to_string(a.value) +
                    " per mille (" + std::to_string(t.errors) + " of " + count_text(t.calls, "call") +
                    " in the last " + describe_us(rule_.window.count()) + ")" +
                    (over ? ", above " : ", at or below ") + std::to_string(rule_.max_per_mille) + " per mille" +
                    (!over && t.calls < rule_.min_calls ? " or fewer calls than min_calls" : "");
        emit(a);
    }

    /// The rule's name.
    const std::string& name() const noexcept { return rule_.name; }
    /// Whether the rule is firing.
    bool firing() const noexcept { return edge_.firing(); }

private:
    static std::int64_t checked_width(const error_rate_rule& r) {
        require_rule(r.window.count() > 0, "error_rate_rule", "window must be positive");
        require_rule(r.max_per_mille >= 0, "error_rate_rule", "max_per_mille must not be negative");
        return slice_width(r.window.count(), alert_window_slices);
    }

    error_rate_rule rule_;
    time_slices<error_counts> window_;
    alert_edge edge_;
};

/// Calls, slow calls and their latencies in a slice of a latency_p95_rule's window.
struct latency_counts {
    std::int64_t calls = 0;     ///< calls with a latency
    std::int64_t slow = 0;      ///< of which slower than max_p95
    latency_histogram latency;  ///< their latencies, for the reported value
    /// Adds another slice.
    latency_counts& operator+=(const latency_counts& o) noexcept {
        calls += o.calls;
        slow += o.slow;
        latency += o.latency;
        return *this;
    }
    /// Removes an expired slice.
    latency_counts& operator-=(const latency_counts& o) noexcept {
        calls -= o.calls;
        slow -= o.slow;
        latency -= o.latency;
        return *this;
    }
};

/// State of a latency_p95_rule.
class latency_p95_state {
public:
    /// Validates `rule` and sizes its window (about 75 kB of histograms).
    explicit latency_p95_state(latency_p95_rule rule)
        : rule_(std::move(rule)),
          window_(checked_width(rule_), slice_count(rule_.window.count(), checked_width(rule_))) {
        if (rule_.name.empty()) rule_.name = "latency_p95";
    }

    /// Takes `rec` into the window; calls `emit(alert)` when the rule fires or clears.
    template <class Emit>
    void observe(const audit_record& rec, Emit& emit) {
        if (!rec.latency_us || !rule_selects(rule_, rec)) return;
        auto* slot = window_.slot(rec.ts);
        if (slot == nullptr) return;
        const std::int64_t us = *rec.latency_us;
        const std::int64_t limit = rule_.max_p95.count();
        const auto bucket = latency_histogram::bucket_of(us);
        window_.apply(*slot, [&](latency_counts& c) {
            ++c.calls;
            if (us > limit) ++c.slow;
            ++c.latency.counts[bucket];
        });
        const auto& t = window_.total();
        // Nearest-rank p95 > limit  <=>  fewer than ceil(0.95 n) calls are
        // within the limit  <=>  slow > n / 20: exact, from two counters.
        const bool over = t.calls >= rule_.min_calls && t.slow * 20 > t.calls;
        alert a;
        if (!edge_.update(over, rule_.name, rec, a)) return;
        // The histogram's reading errs upwards; the exact decision says
        // which side of the limit the true value is on, so clamp to it.
        const auto p95 = t.latency.percentile(t.calls, 95);
        a.value = over ? std::max(p95, limit + 1) : std::min(p95, limit);
        a.threshold = limit;
        a.unit = "us";
        a.samples = t.calls;
        a.message = std::string(over ? "p95 latency " : "p95 latency back to ") + format_latency(a.value) + " (" +
                    std::to_string(t.slow) + " of " + count_text(t.calls, "call") + " slower than " +
                    describe_us(limit) + " in the last " + describe_us(rule_.window.count()) + ")" +
                    (over ? ", above " : ", at or below ") + describe_us(limit) +
                    (!over && t.calls < rule_.min_calls ? " or fewer calls than min_calls" : "");
        emit(a);
    }

    /// The rule's name.
    const std::string& name() const noexcept { return rule_.name; }
    /// Whether the rule is firing.
    bool firing() const noexcept { return edge_.firing(); }

private:
    static std::int64_t checked_width(const latency_p95_rule& r) {
        require_rule(r.window.count() > 0, "latency_p95_rule", "window must be positive");
        require_rule(r.max_p95.count() >= 0, "latency_p95_rule", "max_p95 must not be negative");
        return slice_width(r.window.count(), alert_window_slices);
    }

    latency_p95_rule rule_;
    time_slices<latency_counts> window_;
    alert_edge edge_;
};

/// Priced calls and their cost in a slice of a spend_per_hour_rule's window.
struct spend_counts {
    std::int64_t calls = 0;  ///< calls with a known cost
    std::int64_t nanos = 0;  ///< their cost, nano-USD
    /// Adds another slice.
    spend_counts& operator+=(const spend_counts& o) noexcept { calls += o.calls; nanos += o.nanos; return *this; }
    /// Removes an expired slice.
    spend_counts& operator-=(const spend_counts& o) noexcept { calls -= o.calls; nanos -= o.nanos; return *this; }
};

/// State of a spend_per_hour_rule: 60 one-minute slices.
class spend_per_hour_state {
public:
    /// Validates `rule`.
    explicit spend_per_hour_state(spend_per_hour_rule rule)
        : rule_(std::move(rule)), window_(minute_us, alert_window_slices) {
        require_rule(rule_.max_nanos_usd >= 0, "spend_per_hour_rule", "max_nanos_usd must not be negative");
        if (rule_.name.empty()) rule_.name = "spend_per_hour";
    }

    /// Takes `rec` into the window; calls `emit(alert)` when the rule fires or clears.
    template <class Emit>
    void observe(const audit_record& rec, Emit& emit) {
        if (!rec.cost || !rec.cost->nanos_usd || !rule_selects(rule_, rec)) return;
        auto* slot = window_.slot(rec.ts);
        if (slot == nullptr) return;
        const std::int64_t cost = *rec.cost->nanos_usd;
        window_.apply(*slot, [&](spend_counts& c) {
            ++c.calls;
            c.nanos += cost;
        });
        const auto& t = window_.total();
        const bool over = t.nanos > rule_.max_nanos_usd;
        alert a;
        if (!edge_.update(over, rule_.name, rec, a)) return;
        a.value = t.nanos;
        a.threshold = rule_.max_nanos_usd;
        a.unit = "nanos_usd";
        a.samples = t.calls;
        a.message = std::string(over ? "spend " : "spend back to ") + format_usd(t.nanos) + " in the last hour (" +
                    count_text(t.calls, "priced call") + ")" + (over ? ", above " : ", at or below ") +
                    format_usd(rule_.max_nanos_usd);
        emit(a);
    }

    /// The rule's name.
    const std::string& name() const noexcept { return rule_.name; }
    /// Whether the rule is firing.
    bool firing() const noexcept { return edge_.firing(); }

private:
    static constexpr std::int64_t minute_us = 60'000'000;

    spend_per_hour_rule rule_;
    time_slices<spend_counts> window_;
    alert_edge edge_;
};

/// Input-token statistics of the calls in one hour.
struct token_moments {
    std::int64_t count = 0;  ///< calls that reported input tokens
    std::int64_t sum = 0;    ///< their input tokens
    /// Sum of squares. long double holds every integer below 2^64 exactly on
    /// x86-64 and AArch64 Linux, so adding and removing hours never drifts.
    long double sum_sq = 0;
    /// Adds another hour.
    token_moments& operator+=(const token_moments& o) noexcept {
        count += o.count;
        sum += o.sum;
        sum_sq += o.sum_sq;
        return *this;
    }
    /// Removes an expired hour.
    token_moments& operator-=(const token_moments& o) noexcept {
        count -= o.count;
        sum -= o.sum;
        sum_sq -= o.sum_sq;
        if (count == 0) sum_sq = 0;  // whatever rounding was left goes with the last call
        return *this;
    }
};

/// State of a token_anomaly_rule: one slice per hour of the trailing window.
class token_anomaly_state {
public:
    /// Validates `rule` and sizes its window.
    explicit token_anomaly_state(token_anomaly_rule rule)
        : rule_(std::move(rule)), window_(hour_us, checked_hours(rule_)) {
        if (rule_.name.empty()) rule_.name = "token_anomaly";
    }

    /// Tests `rec` against the calls before it, then adds it to the
    /// baseline; calls `emit(alert)` when the rule fires or clears.
    template <class Emit>
    void observe(const audit_record& rec, Emit& emit) {
        if (!rec.usage.input || !rule_selects(rule_, rec)) return;
        auto* slot = window_.slot(rec.ts);
        if (slot == nullptr) return;
        const std::int64_t x = *rec.usage.input;
        const token_moments base = window_.total();  // the baseline excludes this call
        bool over = false;
        long double mean = 0, sigma = 0, limit = 0;
        if (base.count >= rule_.min_samples && base.count >= 2) {
            const auto n = static_cast<long double>(base.count);
            mean = static_cast<long double>(base.sum) / n;
            // Sample variance, as SQL's STDDEV: (Σx² − n·mean²) / (n − 1).
            const long double var = (base.sum_sq - mean * static_cast<long double>(base.sum)) / (n - 1);
            sigma = var > 0 ? std::sqrt(var) : 0;
            limit = mean + static_cast<long double>(rule_.sigmas) * sigma;
            over = static_cast<long double>(x) > limit;
        }
        window_.apply(*slot, [&](token_moments& m) {
            ++m.count;
            m.sum += x;
            m.sum_sq += static_cast<long double>(x) * static_cast<long double>(x);
        });
        alert a;
        if (!edge_.update(over, rule_.name, rec, a)) return;
        a.value = x;
        // floor keeps "value > threshold" exact for integer token counts.
        a.threshold = limit >= static_cast<long double>(std::numeric_limits<std::int64_t>::max())
                          ? std::numeric_limits<std::int64_t>::max()
                          : static_cast<std::int64_t>(std::floor(limit));
        a.unit = "tokens";
        a.samples = base.count;
        const std::string over_what = " in the last " + std::to_string(rule_.trailing.count()) + " h";
        if (base.count < rule_.min_samples || base.count < 2)
            a.message = "input tokens " + std::to_string(x) + ": baseline down to " + count_text(base.count, "call") +
                        over_what + ", fewer than min_samples";
        else
            a.message = std::string(over ? "input tokens " : "input tokens back to ") + std::to_string(x) +
                        (over ? " above " : " within ") + "mean " + std::to_string(std::llround(mean)) + " + " +
                        sigmas_text() + " sigma (sigma " + std::to_string(std::llround(sigma)) + ") = " +
                        std::to_string(a.threshold) + " of " + count_text(base.count, "call") + over_what;
        emit(a);
    }

    /// The rule's name.
    const std::string& name() const noexcept { return rule_.name; }
    /// Whether the rule is firing.
    bool firing() const noexcept { return edge_.firing(); }

private:
    static constexpr std::int64_t hour_us = 3'600'000'000;
    static constexpr std::int64_t max_hours = 366 * 24;  // bounds the window's memory (about 280 kB)

    static std::size_t checked_hours(const token_anomaly_rule& r) {
        require_rule(r.trailing.count() >= 1 && r.trailing.count() <= max_hours, "token_anomaly_rule",
                     "trailing must be between 1 hour and 366 days");
        require_rule(std::isfinite(r.sigmas) && r.sigmas >= 0, "token_anomaly_rule",
                     "sigmas must be a finite number >= 0");
        return static_cast<std::size_t>(r.trailing.count());
    }

    // "3" for 3.0, "2.5" for 2.5: what the user wrote, without trailing zeros.
    std::string sigmas_text() const {
        std::string s = std::to_string(rule_.sigmas);
        while (!s.empty() && s.back() == '0') s.pop_back();
        if (!s.empty() && s.back() == '.') s.pop_back();
        return s;
    }

    token_anomaly_rule rule_;
    time_slices<token_moments> window_;
    alert_edge edge_;
};

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
