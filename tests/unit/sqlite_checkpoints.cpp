// The checkpoint history of an SQLite trail: a `<table>_checkpoints` table,
// append-only, the latest being the last row.
#if AITRAIL_HAS_SQLITE
#include <aitrail/storage/sqlite_checkpoints.hpp>

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"

#include <string>  // string

namespace sqlite_checkpoints_tests {

TEST_SUITE_BEGIN("checkpoint sqlite history");

static_assert(aitrail::checkpoint_history<aitrail::sqlite_checkpoints>);

TEST_CASE("store, latest and all, in order; a reader before the first store sees none") {
    aitrail_test::temp_dir dir("cp-sqlite");
    const auto file = dir.path() / "audit.db";
    {
        const aitrail::sqlite_checkpoints before(file);
        CHECK_FALSE(before.latest());
    }
    aitrail::sqlite_checkpoints h(file, "app");
    CHECK(h.table() == "app_checkpoints");
    const std::string a = "example.com/app\n3\nAAAA\n\n\xE2\x80\x94 example.com/app sig\n";
    const std::string b = "example.com/app\n10\nBBBB\n\n\xE2\x80\x94 example.com/app sig\n";
    h.store(a);
    h.store(b);
    CHECK(*h.latest() == b);
    REQUIRE(h.all().size() == 2);
    CHECK(h.all()[0] == a);
    const aitrail::sqlite_checkpoints reader(file, "app", true);
    CHECK(reader.all().size() == 2);
    CHECK_THROWS_AS(h.store("not a checkpoint"), aitrail::storage_error);
}

TEST_SUITE_END();

}  // namespace sqlite_checkpoints_tests
#endif
