#pragma once
/// @file data_access.hpp
/// Everything the trail holds about one user, for a subject access request
/// (GDPR art. 15): each record
/// with its metadata and, where it was kept, its content, plus totals and
/// the models used. Content that a retention job stripped, or that the
/// redactor cut, is said so rather than silently missing.

#include <aitrail/config.hpp>
#include <aitrail/read/query.hpp>
#include <aitrail/record/record_view.hpp>
#include <aitrail/read/reports/common.hpp>
#include <aitrail/read/result_table.hpp>

#include <algorithm>    // sort
#include <cstdint>      // int64_t
#include <functional>   // less
#include <map>          // map
#include <stdexcept>    // invalid_argument
#include <string>       // string
#include <string_view>  // string_view
#include <utility>      // move
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {
namespace reports {

/// Options of data_access().
struct data_access_options {
    /// Print each record's content (its bodies, as stored: redacted where
    /// the redactor matched). False lists the metadata only.
    bool include_content = true;
};

/// One row per record of `user` (exact, or a prefix with a trailing '*'):
/// ts, id, kind, action, model, model_version, status, error_type,
/// input_tokens, output_tokens, cost_usd, redactions (values the redactor
/// replaced, the sum of rec.redactions), content_state ("kept": the bodies
/// are there; "stripped": rec.digests commits to bodies that `content` no
/// longer holds; "partial": some are missing; "none": nothing was recorded)
/// and content (the entry's `content` as canonical JSON text; null when
/// absent or not asked for). Rows in time order (ts, then id). The notes
/// carry the totals and the models used with their counts. `filter.user` is
/// replaced by `user`; throws std::invalid_argument when `user` is empty.
template <line_source S>
result_table data_access(const S& source, std::string_view user, const record_filter& filter = {},
                         const data_access_options& options = {}) {
    if (user.empty()) throw std::invalid_argument("aitrail: data_access needs a user");
    record_filter f = filter;
    f.user = std::string(user);
    struct row {
        std::string ts, id;
        std::vector<cell> cells;
    };
    std::vector<row> rows;
    spend_totals totals;
    std::int64_t errors = 0, blocked = 0, redacted = 0;
    std::int64_t states[4] = {0, 0, 0, 0};
    std::map<std::string, std::int64_t, std::less<>> models;
    query(source, f, [&](const record_view& r) {
        totals.add(r);
        if (r.status == "error") ++errors;
        else if (r.status == "blocked") ++blocked;
        ++detail::entry(models, text(r.model_name));
        const auto state = content_of(r);
        ++states[static_cast<int>(state)];
        const auto redactions = redaction_total(r);
        redacted += redactions;
        cell content;
        if (options.include_content && !r.content.empty() && r.content != "{}") content = cell{r.content};
        row out{std::string(r.ts), text(r.id), {}};
        out.cells = {out.ts,
                     out.id,
                     text(r.kind),
                     detail::text_or_null(text(r.action)),
                     detail::text_or_null(text(r.model_name)),
                     detail::text_or_null(text(r.model_version)),
                     text(r.status),
                     detail::text_or_null(text(r.error_type)),
                     cell{r.input_tokens},
                     cell{r.output_tokens},
                     usd(r.cost_nanos_usd),
                     redactions,
                     std::string(to_string(state)),
                     std::move(content)};
        rows.push_back(std::move(out));
    });
    std::stable_sort(rows.begin(), rows.end(),
                     [](const row& a, const row& b) { return a.ts != b.ts ? a.ts < b.ts : a.id < b.id; });

    result_table t;
    t.title = "Data access report: " + std::string(user);
    t.columns = {"ts",     "id",           "kind",          "action",   "model",      "model_version", "status",
                 "error_type", "input_tokens", "output_tokens", "cost_usd", "redactions", "content_state", "content"};
    for (auto& r : rows) t.rows.push_back(std::move(r.cells));
    t.notes.push_back("records: " + std::to_string(totals.requests) + " (" + std::to_string(errors) + " error, " +
                      std::to_string(blocked) + " blocked); input tokens " + std::to_string(totals.input_tokens) +
                      ", output tokens " + std::to_string(totals.output_tokens) + "; cost " +
                      (totals.priced > 0 ? usd(totals.cost_nanos).str() : std::string("0.000000")) + " USD known, " +
                      std::to_string(totals.unknown_cost) + " unknown");
    std::string used = "models used:";
    bool first = true;
    for (const auto& [name, n] : models) {
        used += (first ? " " : ", ") + (name.empty() ? std::string("(none)") : name) + " (" + std::to_string(n) + ")";
        first = false;
    }
    if (models.empty()) used += " none";
    t.notes.push_back(used);
    t.notes.push_back("content: " + std::to_string(states[1]) + " kept, " + std::to_string(states[3]) + " stripped, " +
                      std::to_string(states[2]) + " partial, " + std::to_string(states[0]) + " without content; " +
                      std::to_string(redacted) + " values redacted before storage");
    return t;
}

}  // namespace reports
}  // namespace v1
}  // namespace aitrail
