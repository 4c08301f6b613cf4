#include <aitrail/detail/storage/sql_row.hpp>

#include <doctest/doctest.h>

#include <stdexcept>  // invalid_argument
#include <string>     // string

namespace sql_row_tests {

namespace {

using aitrail::detail::make_sql_row;
using aitrail::detail::sql_row;

const std::string hash(64, 'a');
const std::string prev(64, '0');

/// A trail line with `top` before the record and `rec` as its record.
std::string entry(const std::string& top, const std::string& rec) {
    return R"({"hash":")" + hash + R"(","prev":")" + prev + R"(",)" + top + R"("rec":)" + rec + "}";
}

/// Checks each column of `row` against `want`'s.
void check_columns(const sql_row& row, const sql_row& want) {
    CHECK(row.seq == want.seq);
    CHECK(row.id == want.id);
    CHECK(row.ts == want.ts);
    CHECK(row.kind == want.kind);
    CHECK(row.user == want.user);
    CHECK(row.model == want.model);
    CHECK(row.model_version == want.model_version);
    CHECK(row.status == want.status);
    CHECK(row.latency_us == want.latency_us);
    CHECK(row.input_tokens == want.input_tokens);
    CHECK(row.output_tokens == want.output_tokens);
    CHECK(row.cost_nanos_usd == want.cost_nanos_usd);
    CHECK(row.hash == want.hash);
    CHECK(row.prev == want.prev);
    CHECK(row.line == want.line);
}

}  // namespace

TEST_SUITE_BEGIN("sql_row");

TEST_CASE("sql_row: the columns come from the line, decoded, NULL where the record has nothing") {
    const std::string line = entry(
        "", R"({"cost":{"nanos_usd":1500},"id":"0193","kind":"llm.call","latency_us":42,"model":{"name":"m\u00e9","version":"v1"},)"
            R"("status":"error","ts":"2026-11-01T10:00:00.000000Z","usage":{"input_tokens":3,"output_tokens":4},"user":"a\"b"},"seq":7,"v":1)");
    check_columns(make_sql_row(line), {.seq = 7, .id = "0193", .ts = "2026-11-01T10:00:00.000000Z", .kind = "llm.call",
                                       .user = "a\"b", .model = "m\xC3\xA9", .model_version = "v1", .status = "error",
                                       .latency_us = 42, .input_tokens = 3, .output_tokens = 4, .cost_nanos_usd = 1500,
                                       .hash = hash, .prev = prev, .line = line});

    // A user present but empty is "", not NULL; an absent status is ok.
    const std::string bare = entry(R"("seq":0,)", R"({"id":"1","kind":"trail.open","ts":"t","user":""})");
    check_columns(make_sql_row(bare), {.seq = 0, .id = "1", .ts = "t", .kind = "trail.open", .user = "", .status = "ok",
                                       .hash = hash, .prev = prev, .line = bare});
}

TEST_CASE("sql_row: a line that is not a complete trail entry is refused") {
    const std::string rec = R"({"id":"1","kind":"k","ts":"t"})";
    const std::string refused[] = {
        "not json",
        entry("", rec),                // no seq
        entry(R"("seq":-1,)", rec),    // negative seq
        entry(R"("seq":"0",)", rec),   // seq as text
        R"({"prev":")" + prev + R"(","rec":)" + rec + R"(,"seq":1})",  // no hash
        entry(R"("seq":1,)", R"({"id":"1","kind":"k"})"),             // no ts
        entry(R"("seq":1,)", R"({"id":"1","ts":"t"})"),               // no kind
        entry(R"("seq":1,)", R"({"id":"1","kind":"k","ts":"t","user":"\uZZZZ"})"),  // a bad escape
        // A user or model field that is not a string: a NULL column would misstate the line.
        entry(R"("seq":1,)", R"({"id":"1","kind":"k","ts":"t","user":5})"),
        entry(R"("seq":1,)", R"({"id":"1","kind":"k","model":{"name":["m"]},"ts":"t"})"),
        entry(R"("seq":1,)", R"({"id":"1","kind":"k","model":{"name":"m","version":null},"ts":"t"})"),
    };
    for (const auto& line : refused) {
        CAPTURE(line);
        CHECK_THROWS_AS(make_sql_row(line), std::invalid_argument);
    }
    CHECK_NOTHROW(make_sql_row(entry(R"("seq":1,)", rec)));
    try {
        make_sql_row(entry(R"("seq":1,)", R"({"id":"1","kind":"k","ts":"t","user":5})"));
    } catch (const std::invalid_argument& e) {
        CHECK(std::string(e.what()) == "aitrail: trail entry field 'rec.user' is not a string");
    }
}

TEST_SUITE_END();

}  // namespace sql_row_tests
