#pragma once
/// @file anomalies.hpp
/// Calls and days that stand out from their own recent past (unusually
/// high token usage, unusually high spend):
///
/// - **tokens**: a record whose input tokens exceed mean + k·σ (k = 3 by
///   default) of the input tokens of the records of the trailing window
///   (7 days by default) before it. The window is kept as hour buckets of
///   count, sum and sum of squares: constant memory (window + 2 days of
///   buckets), one pass. The baseline of a record in hour h is the records of
///   the window_days·24 whole hours before h plus those of hour h read before
///   it. σ is the sample standard deviation (n − 1, PostgreSQL's STDDEV). A
///   record is judged only when its baseline holds at least `min_samples`
///   records (30 by default): fewer give no meaningful σ. The comparison is
///   exact, in 128-bit integers:
///       x > S/n + k·sqrt((n·Q − S²) / (n·(n − 1)))
///   ⇔  n·x − S > 0  and  10⁴·(n·x − S)²·(n − 1) > k₁₀₀²·n·(n·Q − S²)
///   with n, S, Q the count, sum and sum of squares of the baseline and k₁₀₀
///   = 100·k. Only when a product would not fit in 128 bits (token counts
///   beyond ~10¹² with millions of samples) is it made in long double.
///   Records written out of time order by more than 48 hours are judged
///   against what is left of their window (the buckets are reused).
/// - **cost_jump**: a UTC day on which a user's (or a model's) spend is at
///   least `min_spend` and exceeds `factor` (3 by default) times the mean
///   daily spend of the `window_days` days before it. The mean is taken over
///   the days of that window since the subject's first record (days without
///   spend count as zero), so a subject with two days of history is compared
///   with those two days; its first day is never a jump. Compared exactly:
///   100·days·spend > factor₁₀₀·sum(spend of those days). Memory: one
///   integer per subject and day scanned.
///
/// The time range of the filter selects the records and days reported; their
/// baselines reach back before `since` (the scan starts window_days earlier,
/// at a UTC day boundary). Every other condition of the filter applies to
/// baselines too: with a user filter, a user is compared with their own past.

#include <aitrail/config.hpp>
#include <aitrail/detail/time_format.hpp>
#include <aitrail/read/query.hpp>
#include <aitrail/record/record_view.hpp>
#include <aitrail/read/reports/common.hpp>
#include <aitrail/read/result_table.hpp>

#include <algorithm>    // sort, max
#include <chrono>       // days, floor
#include <cmath>        // sqrt
#include <cstdint>      // int64_t
#include <functional>   // less
#include <limits>       // numeric_limits
#include <map>          // map
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view
#include <tuple>        // tie
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {
namespace reports {

/// Whose spend cost jumps are measured for.
enum class jump_subject { user, model };

/// Settings of anomalies().
struct anomaly_options {
    bool tokens = true;                            ///< report token anomalies
    bool cost_jumps = true;                        ///< report cost jumps
    std::int64_t sigma_hundredths = 300;           ///< k of mean + k·σ, times 100 (300 = 3σ)
    int window_days = 7;                           ///< trailing window of both checks, in days (1..366)
    std::int64_t min_samples = 30;                 ///< least baseline records for a token judgement
    std::int64_t factor_hundredths = 300;          ///< cost jump factor, times 100 (300 = 3×)
    std::int64_t min_spend_nanos = 1'000'000'000;  ///< least spend of a jump day (1 USD)
    jump_subject jump_by = jump_subject::user;     ///< per user or per model
};

namespace detail {

__extension__ typedef unsigned __int128 uint128;

inline bool mul(uint128 a, uint128 b, uint128& out) { return !__builtin_mul_overflow(a, b, &out); }

/// floor(sqrt(v)).
inline uint128 isqrt(uint128 v) {
    if (v == 0) return 0;
    auto r = static_cast<uint128>(std::sqrt(static_cast<long double>(v)));
    const auto square_le = [&](uint128 x) {
        uint128 sq;
        return mul(x, x, sq) && sq <= v;
    };
    while (r > 0 && !square_le(r)) --r;
    while (square_le(r + 1)) ++r;
    return r;
}

/// Count, sum and sum of squares of the input tokens of one hour.
struct token_bucket {
    std::int64_t hour = std::numeric_limits<std::int64_t>::min();
    std::int64_t n = 0;
    int128 sum = 0;
    int128 sumsq = 0;
};

/// x > mean + k·σ (sample σ) of a baseline, decided exactly (see the file comment).
inline bool above_sigma(std::int64_t x, std::int64_t n, int128 sum, int128 sumsq, std::int64_t k100) {
    if (n < 2) return false;
    const int128 dev = int128{n} * x - sum;  // n·x − S
    if (dev <= 0) return false;
    const int128 spread = int128{n} * sumsq - sum * sum;  // n·Q − S² ≥ 0
    uint128 lhs, rhs, t;
    const bool fits = mul(static_cast<uint128>(dev), static_cast<uint128>(dev), t) && mul(t, 10000, t) &&
                      mul(t, static_cast<uint128>(n - 1), lhs) &&
                      mul(static_cast<uint128>(k100), static_cast<uint128>(k100), t) &&
                      mul(t, static_cast<uint128>(n), t) && mul(t, static_cast<uint128>(spread), rhs);
    if (fits) return lhs > rhs;
    const long double d = static_cast<long double>(dev), k = static_cast<long double>(k100) / 100;
    return d * d * static_cast<long double>(n - 1) > k * k * static_cast<long double>(n) * static_cast<long double>(spread);
}

/// The baseline's mean and mean + k·σ, times 100, for display (floors).
inline std::pair<std::int64_t, std::int64_t> sigma_threshold_x100(std::int64_t n, int128 sum, int128 sumsq,
                                                                  std::int64_t k100) {
    const std::int64_t mean100 = div_round(sum * 100, n);
    const int128 spread = int128{n} * sumsq - sum * sum;
    uint128 scaled;
    std::int64_t sigma100;
    if (mul(static_cast<uint128>(spread), 10000, scaled)) {
        sigma100 = static_cast<std::int64_t>(isqrt(scaled / static_cast<uint128>(int128{n} * (n - 1))));
    } else {
        sigma100 = static_cast<std::int64_t>(
            std::sqrt(static_cast<long double>(spread) / (static_cast<long double>(n) * static_cast<long double>(n - 1))) *
            100);
    }
    return {mean100, mean100 + static_cast<std::int64_t>(int128{k100} * sigma100 / 100)};
}

/// The running hour-bucket window of the token check.
class token_window {
public:
    explicit token_window(int window_days)
        : width_(std::int64_t{window_days} * 24), ring_(static_cast<std::size_t>(width_ + 49)) {}

    struct baseline {
        std::int64_t n = 0;
        int128 sum = 0, sumsq = 0;
    };

    /// The baseline of a record in hour `h` (before adding it).
    baseline before(std::int64_t h) {
        if (!head_ || h > *head_) advance(h);
        if (h == *head_) return running_;
        baseline b;  // a late record: sum its window from the buckets left
        for (std::int64_t x = h - width_; x <= h; ++x) {
            const auto& bucket = slot(x);
            if (bucket.hour != x) continue;
            b.n += bucket.n;
            b.sum += bucket.sum;
            b.sumsq += bucket.sumsq;
        }
        return b;
    }

    /// Adds a record of hour `h` with `x` input tokens (after before(h)).
    void add(std::int64_t h, std::int64_t x) {
        if (h <= *head_ - static_cast<std::int64_t>(ring_.size())) return;  // its bucket is gone
        auto& bucket = slot(h);
        if (bucket.hour != h) bucket = token_bucket{h, 0, 0, 0};
        ++bucket.n;
        bucket.sum += x;
        bucket.sumsq += int128{x} * x;
        if (h >= *head_ - width_) {
            ++running_.n;
            running_.sum += x;
            running_.sumsq += int128{x} * x;
        }
    }

private:
    token_bucket& slot(std::int64_t h) {
        const auto size = static_cast<std::int64_t>(ring_.size());
        return ring_[static_cast<std::size_t>(((h % size) + size) % size)];
    }

    // Moves the head to hour `h`, dropping the hours that leave the window.
    void advance(std::int64_t h) {
        if (head_) {
            const std::int64_t from = *head_ - width_, to = std::min(h - width_ - 1, *head_);
            for (std::int64_t x = from; x <= to; ++x) {
                const auto& bucket = slot(x);
                if (bucket.hour != x) continue;
                running_.n -= bucket.n;
                running_.sum -= bucket.sum;
                running_.sumsq -= bucket.sumsq;
            }
            if (h - width_ > *head_) running_ = {};
        }
        head_ = h;
    }

    std::int64_t width_;
    std::vector<token_bucket> ring_;
    std::optional<std::int64_t> head_;
    baseline running_;
};

}  // namespace detail

/// Token anomalies and cost jumps in one table: type ("tokens" or
/// "cost_jump"), when (the record's ts, or the UTC day), id (the record; null
/// for a day), user, model (the record's; for a jump the subject's, the
/// other null), observed (input tokens, or the day's spend in USD), unit
/// ("input_tokens" or "usd"), baseline_mean (mean input tokens with two
/// decimals, or mean daily spend in USD), threshold (mean + k·σ, floors, two
/// decimals; or factor × mean daily spend), samples (baseline records, or
/// the days the mean daily spend is taken over). Rows by when, then type,
/// id, user, model.
template <line_source S>
result_table anomalies(const S& source, const record_filter& filter = {}, const anomaly_options& options = {}) {
    const int window_days = std::clamp(options.window_days, 1, 366);
    record_filter f = filter;
    std::string since_text;
    if (filter.since) {
        since_text = aitrail::detail::to_rfc3339(*filter.since);
        f.since = std::chrono::floor<std::chrono::days>(*filter.since) - std::chrono::days{window_days};
    }
    struct row {
        std::string when;
        int type;  // 0 tokens, 1 cost_jump
        std::string id, user, model;
        std::vector<cell> cells;
    };
    std::vector<row> rows;
    detail::token_window window(window_days);
    // subject -> day number -> (spend, any record in range)
    struct day_spend {
        std::int64_t nanos = 0;
        bool reported = false;
    };
    std::map<std::string, std::map<std::int64_t, day_spend>, std::less<>> spend;
    std::string buffer;

    query(source, f, [&](const record_view& r) {
        const bool in_range = since_text.empty() || r.ts >= since_text;
        if (options.tokens && r.input_tokens) {
            if (const auto h = hour_number(r.ts)) {
                const auto base = window.before(*h);
                const std::int64_t x = *r.input_tokens;
                if (in_range && base.n >= std::max<std::int64_t>(options.min_samples, 2) &&
                    detail::above_sigma(x, base.n, base.sum, base.sumsq, options.sigma_hundredths)) {
                    const auto [mean100, threshold100] =
                        detail::sigma_threshold_x100(base.n, base.sum, base.sumsq, options.sigma_hundredths);
                    row out{std::string(r.ts), 0, text(r.id), text(r.user), text(r.model_name), {}};
                    out.cells = {"tokens", out.when, out.id, detail::text_or_null(out.user), detail::text_or_null(out.model),
                                 x, "input_tokens", decimal(mean100, 2), decimal(threshold100, 2), base.n};
                    rows.push_back(std::move(out));
                }
                window.add(*h, x);
            }
        }
        if (options.cost_jumps) {
            const std::string_view subject = options.jump_by == jump_subject::user ? r.user : r.model_name;
            const auto day = day_number(r.ts);
            if (!subject.empty() && day) {
                auto& d = detail::entry(spend, detail::key_text(subject, buffer))[*day];
                d.nanos += r.cost_nanos_usd.value_or(0);
                d.reported = d.reported || in_range;
            }
        }
    });

    for (const auto& [subject, days] : spend) {
        for (const auto& [day, d] : days) {
            if (!d.reported || d.nanos < options.min_spend_nanos) continue;
            // The days of the window since the subject's first record.
            const std::int64_t span = std::min<std::int64_t>(window_days, day - days.begin()->first);
            if (span <= 0) continue;
            std::int64_t previous = 0;
            for (auto it = days.lower_bound(day - span); it != days.end() && it->first < day; ++it)
                previous += it->second.nanos;
            if (int128{100} * span * d.nanos <= int128{options.factor_hundredths} * previous) continue;
            const std::int64_t mean = detail::div_round(previous, span);
            const std::int64_t threshold = detail::div_round(int128{mean} * options.factor_hundredths, 100);
            const bool by_user = options.jump_by == jump_subject::user;
            row out{day_text(day), 1, "", by_user ? subject : "", by_user ? "" : subject, {}};
            out.cells = {"cost_jump", out.when, cell{}, detail::text_or_null(out.user), detail::text_or_null(out.model),
                         usd(d.nanos), "usd", usd(mean), usd(threshold), span};
            rows.push_back(std::move(out));
        }
    }
    std::sort(rows.begin(), rows.end(), [](const row& a, const row& b) {
        return std::tie(a.when, a.type, a.id, a.user, a.model) < std::tie(b.when, b.type, b.id, b.user, b.model);
    });

    result_table t;
    t.title = "Anomalies";
    t.columns = {"type", "when", "id", "user", "model", "observed", "unit", "baseline_mean", "threshold", "samples"};
    for (auto& r : rows) t.rows.push_back(std::move(r.cells));
    const auto k = decimal(options.sigma_hundredths, 2).str(), factor = decimal(options.factor_hundredths, 2).str();
    if (options.tokens)
        t.notes.push_back("tokens: input tokens > mean + " + k + " sigma of the " + std::to_string(window_days) +
                          " days before (sample sigma; judged with at least " +
                          std::to_string(std::max<std::int64_t>(options.min_samples, 2)) + " baseline records)");
    if (options.cost_jumps)
        t.notes.push_back(std::string("cost_jump: a UTC day's spend per ") +
                          (options.jump_by == jump_subject::user ? "user" : "model") + " > " + factor +
                          " x the mean daily spend of the (up to) " + std::to_string(window_days) + " days before, and >= " +
                          usd(options.min_spend_nanos).str() + " USD");
    return t;
}

}  // namespace reports
}  // namespace v1
}  // namespace aitrail
