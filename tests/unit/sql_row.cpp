#include <aitrail/detail/storage/sql_row.hpp>

#include <doctest/doctest.h>

#include <stdexcept>  // invalid_argument
#include <string>     // string

namespace sql_row_tests {

namespace {

using aitrail::detail::make_sql_row;

const std::string hash(64, 'a');
const std::string prev(64, '0');

/// A trail line with `top` before the record and `rec` as its record.
std::string entry(const std::string& top, const std::string& rec) {
    return R"({"hash":")" + hash + R"(","prev":")" + prev + R"(",)" + top + R"("rec":)" + rec + "}";
}

}  // namespace

TEST_SUITE_BEGIN("sql_row");

TEST_CASE("sql_row: the columns come from the line, decoded, NULL where the record has nothing") {
    const std::string line = entry(
        "", R"({"cost":{"nanos_usd":1500},"id":"0193","kind":"llm.call","latency_us":42,"model":{"name":"m\u00e9","version":"v1"},)"
            R"("status":"error","ts":"2026-11-01T10:00:00.000000Z","usage":{"input_tokens":3,"output_tokens":4},"user":"a\"b"},"seq":7,"v":1)");
    const auto row = make_sql_row(line);
    CHECK(row.seq == 7);
    CHECK(row.hash == hash);
    CHECK(row.prev == prev);
    CHECK(row.id == "0193");
    CHECK(row.ts == "2026-11-01T10:00:00.000000Z");
    CHECK(row.kind == "llm.call");
    CHECK(row.user == "a\"b");
    CHECK(row.model == "m\xC3\xA9");
    CHECK(row.model_version == "v1");
    CHECK(row.status == "error");
    CHECK(row.latency_us == 42);
    CHECK(row.input_tokens == 3);
    CHECK(row.output_tokens == 4);
    CHECK(row.cost_nanos_usd == 1500);
    CHECK(row.line == line);

    const auto bare = make_sql_row(entry(R"("seq":0,)", R"({"id":"1","kind":"trail.open","ts":"t","user":""})"));
    CHECK(bare.seq == 0);
    CHECK(bare.user == std::string());  // present but empty: not NULL
    CHECK_FALSE(bare.model);
    CHECK_FALSE(bare.model_version);
    CHECK(bare.status == "ok");
    CHECK_FALSE(bare.latency_us);
    CHECK_FALSE(bare.input_tokens);
    CHECK_FALSE(bare.cost_nanos_usd);
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
    };
    for (const auto& line : refused) {
        CAPTURE(line);
        CHECK_THROWS_AS(make_sql_row(line), std::invalid_argument);
    }
    CHECK_NOTHROW(make_sql_row(entry(R"("seq":1,)", rec)));
}

TEST_SUITE_END();

}  // namespace sql_row_tests
