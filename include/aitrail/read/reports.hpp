#pragma once
/// @file reports.hpp
/// The reports an auditor asks for, each a function over any readable trail
/// (a line_source) returning a result_table: one pass over the lines, a
/// record_filter applied first, integer arithmetic, rows in a stated order,
/// the same bytes whatever storage the lines came from.
///
/// | Function                     | Question it answers                                   |
/// |------------------------------|-------------------------------------------------------|
/// | reports::cost_by_user_day    | what did each user spend, day by day?                 |
/// | reports::spend_by            | spend by tag, team, model, user or kind               |
/// | reports::error_rate_by_model | how often does each model fail, and how?              |
/// | reports::latency_by_model    | how fast is each model (exact p50/p95/p99)?           |
/// | reports::model_usage         | who used one model, for what predictions, which versions? |
/// | reports::data_access         | everything recorded about one user (subject access)   |
/// | reports::anomalies           | calls over mean + 3σ tokens; days of sudden spend     |
/// | reports::trail_health        | is the trail complete, and does it verify?            |

#include <aitrail/config.hpp>
#include <aitrail/read/reports/anomalies.hpp>
#include <aitrail/read/reports/common.hpp>
#include <aitrail/read/reports/cost.hpp>
#include <aitrail/read/reports/data_access.hpp>
#include <aitrail/read/reports/errors.hpp>
#include <aitrail/read/reports/health.hpp>
#include <aitrail/read/reports/latency.hpp>
#include <aitrail/read/reports/model_usage.hpp>
