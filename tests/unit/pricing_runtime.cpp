#include <aitrail/policy/pricing/price_table.hpp>

#include <doctest/doctest.h>

#include <aitrail/detail/hex.hpp>
#include <aitrail/detail/openssl.hpp>
#include <aitrail/integrity/jcs.hpp>
#include <aitrail/policy/pricing/builtin.hpp>
#include <support/price_checks.hpp>
#include <support/temp_dir.hpp>

#include <filesystem>   // path
#include <fstream>      // ifstream, ofstream
#include <iterator>     // istreambuf_iterator
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace pricing_runtime_tests {

namespace {

namespace pricers = aitrail::pricers;
using pricers::price_table;
using pricers::price_table_error;
using json = nlohmann::json;

/// The repository root (CMake passes it; a hand-built test finds it from this file).
std::filesystem::path source_dir() {
#ifdef AITRAIL_SOURCE_DIR
    return AITRAIL_SOURCE_DIR;
#else
    return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
#endif
}

std::filesystem::path shipped_prices() { return source_dir() / "data" / "prices" / "prices.json"; }

std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    REQUIRE(in);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string sha256_hex(std::string_view bytes) {
    return aitrail::detail::to_hex(aitrail::detail::sha256_of({bytes}));
}

/// The error from_json() throws for `text`, or nullopt if it loads.
std::optional<price_table_error> error_of(std::string_view text, const std::string& source = "bad.json") {
    try {
        (void)price_table::from_json(text, source);
    } catch (const price_table_error& e) {
        return e;
    }
    return std::nullopt;
}

bool contains(std::string_view haystack, std::string_view needle) { return haystack.find(needle) != std::string_view::npos; }

/// A valid file with one model whose entry is `model_json`.
std::string with_model(std::string_view key, std::string_view model_json) {
    return R"({"id": "t", "currency": "USD", "unit": "per_million_tokens", "models": {")" + std::string(key) +
           "\": " + std::string(model_json) + "}}";
}

/// A file whose top-level members are `members` (a JSON object body).
std::string with_top(std::string_view members) { return "{" + std::string(members) + "}"; }

const std::string models_ok = R"("models": {"m": {"input": "1", "output": "2"}})";

}  // namespace

TEST_SUITE_BEGIN("pricing_runtime");

TEST_CASE("price file: the shipped file loads") {
    const auto t = price_table::load(shipped_prices());
    CHECK(t.id() == "aitrail-prices-2026-11-22");
    CHECK(t.as_of() == "2026-11-22");
    CHECK(t.source_name() == shipped_prices().string());
    CHECK(t.size() == 22);
    CHECK(t.find("claude-sonnet-4-20250514")->rates.cache_write == 3'750'000);
    CHECK(t.find("gpt-4o-mini")->rates.cache_read == 75'000);
    CHECK(t.document().at("note").get<std::string>().find("List prices change") == 0);
}

TEST_CASE("price file: the shipped file and the builtin table agree") {
    using builtin = pricers::builtin_2026_11;
    const auto t = price_table::load(shipped_prices());
    CHECK(t.id() == builtin::id());
    CHECK(t.size() == builtin::size());
    aitrail_test::check_prices_in<builtin>(t);
    // And the other way round, through the builtin's document.
    const json doc = builtin::document();  // kept: items() refers into it
    for (const auto& item : doc.at("models").items()) {
        const std::string key = item.key();
        CAPTURE(key);
        CHECK(t.prices().contains(key));
    }
}

TEST_CASE("price file: the digest is SHA-256 of the canonical JSON") {
    const std::string text = read_text(shipped_prices());
    const auto t = price_table::from_json(text, "prices.json");
    CHECK(t.digest() == sha256_hex(aitrail::canonicalize(json::parse(text))));
    CHECK(t.digest() == price_table::load(shipped_prices()).digest());
    CHECK(aitrail::detail::is_lower_hex(t.digest(), 64));
}

TEST_CASE("price file: the digest ignores key order and whitespace, not content") {
    const std::string a = R"({"id":"t","currency":"USD","unit":"per_million_tokens",
        "models":{"x":{"input":"1","output":"2"},"y":{"output":"4","input":"3","cache_read":"0.5"}}})";
    const std::string b = R"(
    {
        "models": {
            "y": { "cache_read": "0.5", "input": "3", "output": "4" },
            "x": { "output": "2",   "input": "1" }
        },
        "unit": "per_million_tokens",   "currency": "USD",
        "id": "t"
    }
    )";
    const auto da = price_table::from_json(a, "a.json").digest();
    CHECK(da == price_table::from_json(b, "b.json").digest());
    // The digest is over the document: the same price spelled otherwise is another document.
    std::string c = a;
    c.replace(c.find("\"0.5\""), 5, "\"0.50\"");
    CHECK(price_table::from_json(c, "c.json").find("y")->rates == price_table::from_json(a, "a.json").find("y")->rates);
    CHECK(price_table::from_json(c, "c.json").digest() != da);
    // Changing a price changes it.
    std::string d = a;
    d.replace(d.find("\"4\""), 3, "\"5\"");
    CHECK(price_table::from_json(d, "d.json").digest() != da);
    // A note is part of the document too.
    std::string e = b;
    e.replace(e.find("\"id\": \"t\""), 9, "\"id\": \"t\", \"note\": \"x\"");
    CHECK(price_table::from_json(e, "e.json").digest() != da);
}

TEST_CASE("price file: errors name the file, the model and the field") {
    struct bad_case {
        std::string text;
        std::string pointer;
        std::vector<std::string> says;  // substrings of what()
    };
    const std::vector<bad_case> cases = {
        {with_model("gpt-4o", R"({"input": 2.5, "output": "10"})"), "/models/gpt-4o/input",
         {"bad.json", "model 'gpt-4o'", "field 'input'", "write prices as strings (\"2.5\") so they stay exact"}},
        {with_model("gpt-4o", R"({"input": "2.50", "output": 10})"), "/models/gpt-4o/output",
         {"bad.json", "model 'gpt-4o'", "field 'output'", "write prices as strings (\"10\")"}},
        {with_model("o3", R"({"input": "2", "output": "8", "cache_read": "0.0000001"})"), "/models/o3/cache_read",
         {"bad.json", "model 'o3'", "field 'cache_read'", "at most 6 decimals", "\"0.0000001\""}},
        {with_model("o3", R"({"input": "2", "output": "8", "reasoning": "$8"})"), "/models/o3/reasoning",
         {"model 'o3'", "field 'reasoning'", "plain decimal"}},
        {with_model("o3", R"({"input": "-2", "output": "8"})"), "/models/o3/input", {"model 'o3'", "negative"}},
        {with_model("o3", R"({"input": "", "output": "8"})"), "/models/o3/input", {"model 'o3'", "empty"}},
        {with_model("o3", R"({"input": null, "output": "8"})"), "/models/o3/input", {"field 'input'", "not null"}},
        {with_model("o3", R"({"input": "2"})"), "/models/o3/output", {"model 'o3'", "field 'output'", "required"}},
        {with_model("o3", R"({"output": "2"})"), "/models/o3/input", {"model 'o3'", "field 'input'", "required"}},
        {with_model("o3", R"({"input": "2", "output": "8", "cache_reads": "1"})"), "/models/o3/cache_reads",
         {"model 'o3'", "field 'cache_reads'", "unknown field"}},
        {with_model("o3", R"({"input": "2", "output": "8", "note": 5})"), "/models/o3/note",
         {"model 'o3'", "field 'note'", "string"}},
        {with_model("o3", R"("2/8")"), "/models/o3", {"model 'o3'", "must be an object"}},
        {with_model("", R"({"input": "2", "output": "8"})"), "/models/", {"model ''", "must not be empty"}},
        {with_model("azure/gpt-4o", R"({"input": "x", "output": "8"})"), "/models/azure~1gpt-4o/input",
         {"model 'azure/gpt-4o'", "field 'input'"}},
        {R"({"id": "t", "currency": "USD", "unit": "per_million_tokens",
             "models": {"o3": {"input": "2", "output": "8"}, "o3": {"input": "1", "output": "4"}}})",
         "/models/o3", {"bad.json", "member 'o3' of /models", "appears twice"}},
        {R"({"id": "t", "id": "u", "currency": "USD", "unit": "per_million_tokens", "models": {}})", "/id",
         {"member 'id'", "appears twice"}},
        {with_model("o3", R"({"input": "2", "input": "3", "output": "8"})"), "/models/o3/input",
         {"member 'input' of /models/o3", "appears twice"}},
        {with_top(R"("currency": "USD", "unit": "per_million_tokens", )" + models_ok), "/id",
         {"bad.json", "field 'id'", "required"}},
        {with_top(R"("id": "", "currency": "USD", "unit": "per_million_tokens", )" + models_ok), "/id",
         {"field 'id'", "empty"}},
        {with_top(R"("id": 7, "currency": "USD", "unit": "per_million_tokens", )" + models_ok), "/id",
         {"field 'id'", "must be a string"}},
        {with_top(R"("id": "unknown", "currency": "USD", "unit": "per_million_tokens", )" + models_ok), "/id",
         {"field 'id'", "reserved"}},
        {with_top(R"("id": "t", "currency": "EUR", "unit": "per_million_tokens", )" + models_ok), "/currency",
         {"field 'currency'", "USD"}},
        {with_top(R"("id": "t", "currency": "USD", "unit": "per_1k_tokens", )" + models_ok), "/unit",
         {"field 'unit'", "per_million_tokens"}},
        {with_top(R"("id": "t", "as_of": "22/11/2026", "currency": "USD", "unit": "per_million_tokens", )" +
                  models_ok),
         "/as_of", {"field 'as_of'", "YYYY-MM-DD"}},
        {with_top(R"("id": "t", "currency": "USD", "unit": "per_million_tokens", "model": {})"), "/model",
         {"field 'model'", "unknown field"}},
        {with_top(R"("id": "t", "currency": "USD", "unit": "per_million_tokens")"), "/models",
         {"field 'models'", "required"}},
        {with_top(R"("id": "t", "currency": "USD", "unit": "per_million_tokens", "models": [])"), "/models",
         {"field 'models'", "must be an object"}},
        {"[]", "", {"bad.json", "one JSON object"}},
        {R"({"id": "t",)", "", {"bad.json", "not valid JSON"}},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        const auto e = error_of(c.text);
        REQUIRE(e);
        CAPTURE(e->what());
        CHECK(e->source() == "bad.json");
        CHECK(e->pointer() == c.pointer);
        CHECK(contains(e->what(), "aitrail: price table bad.json"));
        for (const auto& s : c.says) {
            CAPTURE(s);
            CHECK(contains(e->what(), s));
        }
    }
}

TEST_CASE("price file: load() names the path it could not use") {
    aitrail_test::temp_dir dir("pricing");
    const auto missing = dir.path() / "no-such-prices.json";
    try {
        (void)price_table::load(missing);
        FAIL("load() accepted a missing file");
    } catch (const price_table_error& e) {
        CHECK(e.source() == missing.string());
        CHECK(contains(e.what(), missing.string()));
        CHECK(contains(e.what(), "cannot open"));
    }

    const auto bad = dir.path() / "prices.json";
    std::ofstream(bad) << with_model("claude-sonnet-4", R"({"input": "3", "output": "15", "cache_read": 0.3})");
    try {
        (void)price_table::load(bad);
        FAIL("load() accepted a float price");
    } catch (const price_table_error& e) {
        CHECK(contains(e.what(), bad.string()));
        CHECK(contains(e.what(), "model 'claude-sonnet-4', field 'cache_read'"));
        CHECK(contains(e.what(), "write prices as strings (\"0.3\") so they stay exact"));
        CHECK(e.pointer() == "/models/claude-sonnet-4/cache_read");
    }
}

TEST_CASE("price file: optional fields and an empty table") {
    const auto t = price_table::from_json(
        R"({"id": "t", "currency": "USD", "unit": "per_million_tokens", "source": "s", "note": "n", "models": {
            "m": {"input": "0", "output": "0", "note": "free"}}})",
        "t.json");
    CHECK(t.as_of().empty());
    CHECK(t.find("m")->rates == pricers::price{.input = 0, .output = 0});
    const auto empty = price_table::from_json(R"({"id": "e", "currency": "USD", "unit": "per_million_tokens", "models": {}})",
                                              "e.json");
    CHECK(empty.size() == 0);
    CHECK_FALSE(empty.find("gpt-4o"));
}

TEST_SUITE_END();

}  // namespace pricing_runtime_tests
