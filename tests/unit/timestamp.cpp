// The public time and id helpers (record/timestamp.hpp).
#include <aitrail/record/timestamp.hpp>

#include <doctest/doctest.h>

namespace timestamp_tests {

TEST_CASE("to_rfc3339 and parse_rfc3339 round-trip at microseconds") {
    const auto t = aitrail::parse_rfc3339("2026-11-22T15:51:00.123456Z");
    REQUIRE(t);
    CHECK(aitrail::to_rfc3339(*t) == "2026-11-22T15:51:00.123456Z");
    CHECK(aitrail::to_rfc3339(*aitrail::parse_rfc3339("2026-11-22T15:51:00+00:00")) == "2026-11-22T15:51:00.000000Z");
    CHECK_FALSE(aitrail::parse_rfc3339("2026-11-22T15:51:00+01:00"));
    CHECK_FALSE(aitrail::parse_rfc3339("yesterday"));
}

TEST_CASE("now_utc is now, and make_record_id makes UUIDv7 ids that sort by time") {
    const auto before = std::chrono::system_clock::now();
    const auto now = aitrail::now_utc();
    CHECK(now >= std::chrono::time_point_cast<std::chrono::microseconds>(before));
    const auto a = aitrail::make_record_id(now);
    const auto b = aitrail::make_record_id(now + std::chrono::milliseconds{2});
    CHECK(a.size() == 36);
    CHECK(a[14] == '7');  // version 7
    CHECK(a < b);
}

}  // namespace timestamp_tests
