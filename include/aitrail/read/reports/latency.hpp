#pragma once
/// @file latency.hpp
/// Latency by model: exact nearest-rank percentiles, maximum and mean.
///
/// Percentiles are exact, not estimated: the report keeps every reported
/// latency of the matching records (8 bytes per record, so 80 MB for ten
/// million calls) and sorts them per model. The p-th percentile is the
/// nearest-rank one: the value at 1-based rank ceil(p * n / 100) of the
/// sorted latencies, always an observed value (no interpolation). For
/// n = 10 values, p50 is the 5th, p95 and p99 the 10th.

#include <aitrail/config.hpp>
#include <aitrail/read/query.hpp>
#include <aitrail/record/record_view.hpp>
#include <aitrail/read/reports/common.hpp>
#include <aitrail/read/result_table.hpp>

#include <algorithm>    // sort
#include <cstdint>      // int64_t
#include <functional>   // less
#include <map>          // map
#include <string>       // string
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {
namespace reports {

/// Summary statistics of a list of latencies, in microseconds.
struct latency_stats {
    std::int64_t count = 0;   ///< values
    std::int64_t p50 = 0;     ///< nearest-rank 50th percentile
    std::int64_t p95 = 0;     ///< nearest-rank 95th percentile
    std::int64_t p99 = 0;     ///< nearest-rank 99th percentile
    std::int64_t max = 0;     ///< largest value
    int128 sum = 0;           ///< sum of the values (for the mean)
};

/// Sorts `us` and computes its statistics (count 0 when empty).
inline latency_stats summarize_latencies(std::vector<std::int64_t>& us) {
    latency_stats s;
    if (us.empty()) return s;
    std::sort(us.begin(), us.end());
    s.count = static_cast<std::int64_t>(us.size());
    s.p50 = nearest_rank(us, 50);
    s.p95 = nearest_rank(us, 95);
    s.p99 = nearest_rank(us, 99);
    s.max = us.back();
    for (auto v : us) s.sum += v;
    return s;
}

/// Per model: model (null when the record names none), calls (records with
/// a reported latency; others are left out), p50_ms, p95_ms, p99_ms, max_ms
/// and mean_ms (rounded to the microsecond), all in milliseconds with three
/// decimals. Rows by model name. Memory: 8 bytes per timed record.
template <line_source S>
result_table latency_by_model(const S& source, const record_filter& filter = {}) {
    std::map<std::string, std::vector<std::int64_t>, std::less<>> models;
    std::string buffer;
    std::int64_t untimed = 0;
    query(source, filter, [&](const record_view& r) {
        if (!r.latency_us) {
            ++untimed;
            return;
        }
        detail::entry(models, detail::key_text(r.model_name, buffer)).push_back(*r.latency_us);
    });
    result_table t;
    t.title = "Latency by model";
    t.columns = {"model", "calls", "p50_ms", "p95_ms", "p99_ms", "max_ms", "mean_ms"};
    for (auto& [name, values] : models) {
        const auto s = summarize_latencies(values);
        t.rows.push_back({detail::text_or_null(name), s.count, detail::ms(s.p50), detail::ms(s.p95), detail::ms(s.p99),
                          detail::ms(s.max), detail::mean_ms(s.sum, s.count)});
        std::vector<std::int64_t>().swap(values);  // release as we go
    }
    t.notes.push_back("percentiles are exact, nearest-rank: the value at rank ceil(p*n/100) of the sorted latencies");
    if (untimed > 0) t.notes.push_back(std::to_string(untimed) + " matching records without a latency are not counted");
    return t;
}

}  // namespace reports
}  // namespace v1
}  // namespace aitrail
