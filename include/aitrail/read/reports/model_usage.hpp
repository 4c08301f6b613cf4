#pragma once
/// @file model_usage.hpp
/// One model's usage over a period, as a model audit asks it:
/// how many calls, by how many users, what it predicted, which versions
/// answered, how fast, and when it was first and last used.
///
/// The result is one table of (section, key, value, share) rows, so that it
/// prints as a table, a CSV file or JSON without nesting:
///
/// | section    | key                                   | value                         |
/// |------------|---------------------------------------|-------------------------------|
/// | summary    | model, calls, unique_users, errors, blocked, first_ts, last_ts | the figure |
/// | latency    | timed, mean_ms, p50_ms, p95_ms, p99_ms, max_ms | ms, three decimals  |
/// | prediction | each label (rec.meta.prediction; for LLM calls rec.stop_reason) | calls |
/// | version    | each rec.model.version                | calls                         |
///
/// `share` is the percentage of calls for prediction and version rows (null
/// elsewhere). A null key in those sections stands for records without a
/// label or version. Distribution rows are ordered by count descending, then
/// key. Percentiles are exact nearest-rank (see latency.hpp; 8 bytes per
/// timed record are kept).

#include <aitrail/config.hpp>
#include <aitrail/read/query.hpp>
#include <aitrail/record/record_view.hpp>
#include <aitrail/read/reports/common.hpp>
#include <aitrail/read/reports/latency.hpp>
#include <aitrail/read/result_table.hpp>

#include <algorithm>    // sort
#include <cstdint>      // int64_t
#include <functional>   // less
#include <map>          // map
#include <optional>     // optional
#include <set>          // set
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {
namespace reports {

/// The usage report of the model named `model` (a trailing '*' matches by
/// prefix; empty: every model the filter lets through). `filter.model` is
/// replaced by `model`.
template <line_source S>
result_table model_usage(const S& source, std::string_view model, const record_filter& filter = {}) {
    record_filter f = filter;
    if (!model.empty()) f.model = std::string(model);
    std::int64_t calls = 0, errors = 0, blocked = 0;
    std::set<std::string, std::less<>> users;
    std::map<std::string, std::int64_t, std::less<>> labels, versions;
    std::int64_t unlabelled = 0, unversioned = 0;
    std::vector<std::int64_t> latencies;
    std::string first_ts, last_ts, buffer;
    query(source, f, [&](const record_view& r) {
        ++calls;
        if (r.status == "error") ++errors;
        else if (r.status == "blocked") ++blocked;
        if (!r.user.empty() && !users.contains(detail::key_text(r.user, buffer))) users.emplace(detail::key_text(r.user, buffer));
        if (const auto p = member(r.meta, "prediction")) ++detail::entry(labels, label_of(*p));
        else if (!r.stop_reason.empty()) ++detail::entry(labels, detail::key_text(r.stop_reason, buffer));
        else ++unlabelled;
        if (r.model_version.empty()) ++unversioned;
        else ++detail::entry(versions, detail::key_text(r.model_version, buffer));
        if (r.latency_us) latencies.push_back(*r.latency_us);
        if (first_ts.empty() || r.ts < first_ts) first_ts = r.ts;
        if (last_ts.empty() || r.ts > last_ts) last_ts = r.ts;
    });

    result_table t;
    t.title = "Model usage: " + (model.empty() ? std::string("all models") : std::string(model));
    t.columns = {"section", "key", "value", "share"};
    const auto add = [&](std::string_view section, cell key, cell value, cell pct = {}) {
        t.rows.push_back({std::string(section), std::move(key), std::move(value), std::move(pct)});
    };
    add("summary", "model", model.empty() ? cell{} : cell{model});
    add("summary", "calls", calls);
    add("summary", "unique_users", static_cast<std::int64_t>(users.size()));
    add("summary", "errors", errors);
    add("summary", "blocked", blocked);
    add("summary", "first_ts", detail::text_or_null(first_ts));
    add("summary", "last_ts", detail::text_or_null(last_ts));

    const auto s = summarize_latencies(latencies);
    add("latency", "timed", s.count);
    add("latency", "mean_ms", detail::mean_ms(s.sum, s.count));
    add("latency", "p50_ms", s.count ? detail::ms(s.p50) : cell{});
    add("latency", "p95_ms", s.count ? detail::ms(s.p95) : cell{});
    add("latency", "p99_ms", s.count ? detail::ms(s.p99) : cell{});
    add("latency", "max_ms", s.count ? detail::ms(s.max) : cell{});

    const auto distribution = [&](std::string_view section, const auto& counts, std::int64_t missing) {
        std::vector<std::pair<const std::string*, std::int64_t>> rows;
        for (const auto& [key, n] : counts) rows.emplace_back(&key, n);
        std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
        bool missing_done = missing == 0;
        for (const auto& [key, n] : rows) {
            if (!missing_done && missing > n) {
                add(section, cell{}, missing, detail::share(missing, calls));
                missing_done = true;
            }
            add(section, *key, n, detail::share(n, calls));
        }
        if (!missing_done) add(section, cell{}, missing, detail::share(missing, calls));
    };
    distribution("prediction", labels, unlabelled);
    distribution("version", versions, unversioned);
    t.notes.push_back("prediction: rec.meta.prediction (ml.prediction), else rec.stop_reason (llm.call); share: percent of calls");
    return t;
}

}  // namespace reports
}  // namespace v1
}  // namespace aitrail
