// The filter options of the read commands (tools/aitrail/filter_args.hpp):
// times in three forms, decimals, and messages that name the option.
#include "../../tools/aitrail/filter_args.hpp"

#include <doctest/doctest.h>

#include <aitrail/detail/time_format.hpp>

#include <string>  // string
#include <vector>  // vector

namespace reports_filter_args_tests {

using aitrail_cli::parse_scaled_decimal;
using aitrail_cli::parse_time;

namespace {

aitrail::timestamp at(const char* s) { return *aitrail::detail::parse_rfc3339(s); }

/// Runs parse_filter_option over `argv`; the error of the first bad option.
std::string parse(std::vector<std::string> argv, aitrail::record_filter& f) {
    aitrail_cli::args a;
    a.items = std::move(argv);
    std::string error;
    while (!a.empty()) {
        const std::string flag = a.next();
        REQUIRE_MESSAGE(aitrail_cli::parse_filter_option(a, flag, f, error), "not a filter option: ", flag);
        if (!error.empty()) return error;
    }
    return error;
}

}  // namespace

TEST_SUITE_BEGIN("reports_filter_args");

TEST_CASE("parse_time: RFC 3339, dates, durations before now") {
    const auto now = at("2026-11-22T12:00:00Z");
    CHECK(parse_time("2026-11-01T00:00:00Z", now) == at("2026-11-01T00:00:00Z"));
    CHECK(parse_time("2026-11-01T10:20:30.5+00:00", now) == at("2026-11-01T10:20:30.500000Z"));
    CHECK(parse_time("2026-11-01", now) == at("2026-11-01T00:00:00Z"));
    CHECK(parse_time("24h", now) == at("2026-11-21T12:00:00Z"));
    CHECK(parse_time("7d", now) == at("2026-11-15T12:00:00Z"));
    CHECK(parse_time("30m", now) == at("2026-11-22T11:30:00Z"));
    CHECK(parse_time("45s", now) == at("2026-11-22T11:59:15Z"));
    CHECK(parse_time("2w", now) == at("2026-11-08T12:00:00Z"));
    CHECK(parse_time("now", now) == now);
    for (const char* bad : {"", "h", "7", "7y", "-7d", "1.5h", "2026-13-01", "2026-11-31", "2026-11-01T25:00:00Z",
                            "2026-11-01 10:00", "yesterday", "99999999999d"})
        CHECK_MESSAGE(!parse_time(bad, now), bad);
}

TEST_CASE("parse_scaled_decimal is exact and strict") {
    CHECK(parse_scaled_decimal("1.5", 3) == 1500);
    CHECK(parse_scaled_decimal("0.000000001", 9) == 1);
    CHECK(parse_scaled_decimal("12", 2) == 1200);
    CHECK(parse_scaled_decimal(".5", 2) == 50);
    CHECK_FALSE(parse_scaled_decimal("1.2345", 3));
    CHECK_FALSE(parse_scaled_decimal("-1", 3));
    CHECK_FALSE(parse_scaled_decimal("1e3", 3));
    CHECK_FALSE(parse_scaled_decimal("5.", 3));
    CHECK_FALSE(parse_scaled_decimal("", 3));
    CHECK_FALSE(parse_scaled_decimal("99999999999999999999", 0));
}

TEST_CASE("parse_filter_option fills the filter") {
    aitrail::record_filter f;
    CHECK(parse({"--since", "2026-11-01", "--until", "2026-11-02T00:00:00Z", "--id", "a", "--id", "b", "--user", "jane",
                 "--model", "claude-*", "--model-version", "v3", "--kind", "llm.call", "--status", "error", "--tag",
                 "team:x", "--min-latency-ms", "1.5", "--min-cost-usd", "0.25"},
                f) == "");
    CHECK(f.since == at("2026-11-01T00:00:00Z"));
    CHECK(f.until == at("2026-11-02T00:00:00Z"));
    CHECK(f.ids == std::vector<std::string>{"a", "b"});
    CHECK(f.user == "jane");
    CHECK(f.model == "claude-*");
    CHECK(f.model_version == "v3");
    CHECK(f.kind == "llm.call");
    CHECK(f.status == "error");
    CHECK(f.tag == "team:x");
    CHECK(f.min_latency_us == 1500);
    CHECK(f.min_cost_nanos_usd == 250'000'000);

    aitrail_cli::args other;
    other.items = {"x"};
    std::string error;
    CHECK_FALSE(aitrail_cli::parse_filter_option(other, "--format", f, error));
    CHECK(other.at == 0);
}

TEST_CASE("parse_filter_option names the option and the value it refuses") {
    aitrail::record_filter f;
    CHECK(parse({"--since", "last tuesday"}, f).starts_with("--since: 'last tuesday' is not a time"));
    CHECK(parse({"--until"}, f) == "--until needs a value");
    CHECK(parse({"--status", "failed"}, f) == "--status: 'failed' is not a status (ok, error or blocked)");
    CHECK(parse({"--min-latency-ms", "fast"}, f).starts_with("--min-latency-ms: 'fast' is not"));
    CHECK(parse({"--min-cost-usd", "$1"}, f).starts_with("--min-cost-usd: '$1' is not"));
    CHECK(parse({"--user", ""}, f) == "--user needs a non-empty value");
    aitrail::record_filter g;
    CHECK(parse({"--since", "2026-11-02", "--until", "2026-11-01"}, g).starts_with("--until (2026-11-01T00:00:00.000000Z) must be after --since"));
}

TEST_SUITE_END();

}  // namespace reports_filter_args_tests
