#pragma once
/// @file errors.hpp
/// Error rate by model: how many calls each
/// model failed, the rate as an exact percentage, and the commonest error.

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
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {
namespace reports {

/// Per model: model (null when the record names none), total, errors
/// (status "error"), blocked (status "blocked", not counted as errors, as in
/// the usual SQL query), error_rate (100 * errors / total, two decimals, rounded
/// half up), top_error_type (the commonest rec.error.type among the errors,
/// ties broken by name; null without errors) and top_error_count. Rows by
/// error_rate descending (compared exactly, as fractions), then by model.
template <line_source S>
result_table error_rate_by_model(const S& source, const record_filter& filter = {}) {
    struct totals {
        std::int64_t total = 0, errors = 0, blocked = 0;
        std::map<std::string, std::int64_t, std::less<>> types;
    };
    std::map<std::string, totals, std::less<>> models;
    std::string buffer;
    query(source, filter, [&](const record_view& r) {
        auto& m = detail::entry(models, detail::key_text(r.model_name, buffer));
        ++m.total;
        if (r.status == "error") {
            ++m.errors;
            std::string type_buffer;
            ++detail::entry(m.types, detail::key_text(r.error_type, type_buffer));
        } else if (r.status == "blocked") {
            ++m.blocked;
        }
    });
    std::vector<std::pair<const std::string*, const totals*>> rows;
    for (const auto& [name, t] : models) rows.emplace_back(&name, &t);
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        // errors_a / total_a > errors_b / total_b, without division.
        return int128{a.second->errors} * b.second->total > int128{b.second->errors} * a.second->total;
    });
    result_table t;
    t.title = "Error rate by model";
    t.columns = {"model", "total", "errors", "blocked", "error_rate", "top_error_type", "top_error_count"};
    for (const auto& [name, m] : rows) {
        const std::string* top = nullptr;
        std::int64_t top_count = 0;
        for (const auto& [type, n] : m->types)
            if (n > top_count) {
                top = &type;
                top_count = n;
            }
        cell top_type;
        if (top != nullptr) top_type = top->empty() ? cell{"(unspecified)"} : cell{*top};
        t.rows.push_back({detail::text_or_null(*name), m->total, m->errors, m->blocked, percent(m->errors, m->total),
                          std::move(top_type), top != nullptr ? cell{top_count} : cell{}});
    }
    t.notes.push_back("error_rate = 100 * errors / total; blocked calls are counted apart");
    return t;
}

}  // namespace reports
}  // namespace v1
}  // namespace aitrail
