// The parsers of filter values (read/filter_values.hpp): times in three
// forms, ages and exact decimals, strict about everything else.
#include <aitrail/read/filter_values.hpp>

#include <doctest/doctest.h>

namespace filter_values_tests {

using aitrail::parse_fixed_decimal;
using aitrail::parse_time_spec;

namespace {

aitrail::timestamp at(const char* s) { return *aitrail::parse_rfc3339(s); }

}  // namespace

TEST_CASE("parse_time_spec: RFC 3339, dates, ages before now") {
    const auto now = at("2026-11-22T12:00:00Z");
    CHECK(parse_time_spec("2026-11-01T00:00:00Z", now) == at("2026-11-01T00:00:00Z"));
    CHECK(parse_time_spec("2026-11-01T10:20:30.5+00:00", now) == at("2026-11-01T10:20:30.500000Z"));
    CHECK(parse_time_spec("2026-11-01", now) == at("2026-11-01T00:00:00Z"));
    CHECK(parse_time_spec("24h", now) == at("2026-11-21T12:00:00Z"));
    CHECK(parse_time_spec("7d", now) == at("2026-11-15T12:00:00Z"));
    CHECK(parse_time_spec("30m", now) == at("2026-11-22T11:30:00Z"));
    CHECK(parse_time_spec("45s", now) == at("2026-11-22T11:59:15Z"));
    CHECK(parse_time_spec("2w", now) == at("2026-11-08T12:00:00Z"));
    CHECK(parse_time_spec("now", now) == now);
    for (const char* bad : {"", "h", "7", "7y", "-7d", "1.5h", "2026-13-01", "2026-11-31", "2026-11-01T25:00:00Z",
                            "2026-11-01 10:00", "yesterday", "99999999999d"})
        CHECK_MESSAGE(!parse_time_spec(bad, now), bad);
}

TEST_CASE("parse_age: a whole number and a unit") {
    CHECK(aitrail::parse_age("90s") == std::chrono::seconds{90});
    CHECK(aitrail::parse_age("2h") == std::chrono::seconds{7200});
    CHECK_FALSE(aitrail::parse_age("2"));
    CHECK_FALSE(aitrail::parse_age("h"));
    CHECK_FALSE(aitrail::parse_age("2x"));
}

TEST_CASE("parse_fixed_decimal is exact and strict") {
    CHECK(parse_fixed_decimal("1.5", 3) == 1500);
    CHECK(parse_fixed_decimal("0.000000001", 9) == 1);
    CHECK(parse_fixed_decimal("0.000081487", 9) == 81'487);
    CHECK(parse_fixed_decimal("12", 2) == 1200);
    CHECK(parse_fixed_decimal(".5", 2) == 50);
    CHECK(parse_fixed_decimal("7", 0) == 7);
    CHECK_FALSE(parse_fixed_decimal("1.2345", 3));
    CHECK_FALSE(parse_fixed_decimal("-1", 3));
    CHECK_FALSE(parse_fixed_decimal("1e3", 3));
    CHECK_FALSE(parse_fixed_decimal("5.", 3));
    CHECK_FALSE(parse_fixed_decimal("", 3));
    CHECK_FALSE(parse_fixed_decimal("x", 0));
    CHECK_FALSE(parse_fixed_decimal("99999999999999999999", 0));
}

}  // namespace filter_values_tests
