// The checkpoint history of a JSONL trail: `checkpoint` holds the latest,
// `checkpoints` every one, length-framed so any note reads back exactly.
#include <aitrail/storage/checkpoint_history.hpp>

#include <doctest/doctest.h>

#include "support/files.hpp"
#include "support/temp_dir.hpp"

#include <aitrail/storage/jsonl_storage.hpp>

#include <filesystem>  // remove
#include <string>      // string
#include <vector>      // vector

namespace checkpoint_history_tests {

TEST_SUITE_BEGIN("checkpoint history");

using aitrail_test::read_file;
using aitrail_test::temp_dir;
using aitrail_test::write_file;

static_assert(aitrail::checkpoint_history<aitrail::jsonl_checkpoints>);
static_assert(aitrail::checkpoint_history<aitrail::memory_checkpoints>);

TEST_CASE("an empty trail directory has no checkpoint") {
    temp_dir dir("cp-history");
    const aitrail::jsonl_checkpoints h(dir.path());
    CHECK_FALSE(h.latest());
    CHECK(h.all().empty());
}

TEST_CASE("store keeps the latest in `checkpoint` and every note in `checkpoints`, in order") {
    temp_dir dir("cp-history");
    aitrail::jsonl_checkpoints h(dir.path());
    // Blank lines and a line that looks like a length must not confuse the framing.
    const std::string a = "log\n1\nAAAA\n\n\xE2\x80\x94 log sig1\n";
    const std::string b = "log\n2\nBBBB\n\n\n17\n\xE2\x80\x94 log sig2\n";
    h.store(a);
    h.store(b);
    CHECK(*h.latest() == b);
    CHECK(read_file(dir.path() / "checkpoint") == b);
    REQUIRE(h.all().size() == 2);
    CHECK(h.all()[0] == a);
    CHECK(h.all()[1] == b);
    CHECK(read_file(dir.path() / "checkpoints") == std::to_string(a.size()) + "\n" + a + std::to_string(b.size()) + "\n" + b);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "checkpoint.tmp"));
}

TEST_CASE("a record torn by a crash is skipped by readers and cut off by the next store") {
    temp_dir dir("cp-history");
    aitrail::jsonl_checkpoints h(dir.path());
    h.store("one\n");
    aitrail_test::append_file(dir.path() / "checkpoints", "40\npartial");
    REQUIRE(h.all().size() == 1);
    h.store("two\n");
    REQUIRE(h.all().size() == 2);
    CHECK(h.all()[1] == "two\n");
    CHECK(read_file(dir.path() / "checkpoints") == "4\none\n4\ntwo\n");
}

TEST_CASE("a history that is not length-framed is refused, naming the offset") {
    temp_dir dir("cp-history");
    write_file(dir.path() / "checkpoints", "4\none\nnot a length\nxx");
    const aitrail::jsonl_checkpoints h(dir.path());
    CHECK_THROWS_WITH_AS(h.all(), doctest::Contains("offset 6"), aitrail::storage_error);
}

TEST_CASE("a store a crash interrupted between its two steps is completed, and nothing else is touched") {
    temp_dir dir("cp-history");
    aitrail::jsonl_checkpoints h(dir.path());
    h.store("one\n");
    h.store("two\n");
    CHECK_FALSE(h.complete_interrupted_store());  // nothing to complete
    // The crash state: "two" appended, `checkpoint` still "one".
    write_file(dir.path() / "checkpoint", "one\n");
    CHECK(h.complete_interrupted_store());
    CHECK(*h.latest() == "two\n");
    // The first store of all, interrupted before `checkpoint` existed.
    std::filesystem::remove(dir.path() / "checkpoint");
    CHECK(h.complete_interrupted_store());
    CHECK(*h.latest() == "two\n");
    // A `checkpoint` the history does not hold is not a crash's: left for verify.
    write_file(dir.path() / "checkpoint", "forged\n");
    CHECK_FALSE(h.complete_interrupted_store());
    CHECK(*h.latest() == "forged\n");
}

TEST_CASE("opening a JSONL trail for writing completes an interrupted store and says so") {
    temp_dir dir("cp-history");
    aitrail::jsonl_checkpoints h(dir.path());
    h.store("one\n");
    h.store("two\n");
    write_file(dir.path() / "checkpoint", "one\n");
    std::vector<std::string> warnings;
    aitrail::jsonl_options options;
    options.on_warning = [&](const std::string& m) { warnings.push_back(m); };
    { aitrail::jsonl_storage storage(dir.path(), options); }
    CHECK(read_file(dir.path() / "checkpoint") == "two\n");
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find("a crash had interrupted storing the newest checkpoint") != std::string::npos);
}

TEST_SUITE_END();

}  // namespace checkpoint_history_tests
