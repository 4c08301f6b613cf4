#include <aitrail/policy/pricing/static_table.hpp>

#include <doctest/doctest.h>

#include <aitrail/detail/hex.hpp>
#include <aitrail/detail/openssl.hpp>
#include <aitrail/detail/policy/pricing_decimal.hpp>
#include <aitrail/integrity/jcs.hpp>
#include <aitrail/policy/pricing/builtin.hpp>
#include <aitrail/policy/pricing/pricer.hpp>
#include <support/price_checks.hpp>

#include <cstdint>      // int64_t
#include <string>       // string
#include <string_view>  // string_view

namespace pricing_table_tests {

namespace {

namespace pricers = aitrail::pricers;
using aitrail::detail::format_price_text;
using aitrail::detail::parse_price_text;
using aitrail::detail::price_text_problem;
using json = nlohmann::json;

/// pico-USD per token of a per-million text, parsed at compile time.
template <pricers::usd_per_million P>
constexpr std::int64_t pico = P.pico;

using sample = pricers::table<
    pricers::id<"sample-v1">,
    pricers::entry<"claude-sonnet-4", pricers::per_million{.input = "3", .output = "15", .cache_read = "0.30",
                                                           .cache_write = "3.75"}>,
    pricers::entry<"gpt-4o", pricers::per_million{.input = "2.50", .output = "10", .cache_read = "1.25"}>,
    // Rates may also be given directly, in pico-USD per token.
    pricers::entry<"tiny", pricers::price{.input = 37'500, .output = 1}>>;

}  // namespace

// $X per million tokens is X * 1e-6 USD a token, i.e. X * 1'000'000 pico-USD.
static_assert(pico<"3"> == 3'000'000);
static_assert(pico<"3.75"> == 3'750'000);
static_assert(pico<"0.30"> == 300'000);
static_assert(pico<"0.075"> == 75'000);
static_assert(pico<"1.25"> == 1'250'000);
static_assert(pico<"0.0375"> == 37'500);  // $0.0375/M: not a whole number of nano-USD per 1k tokens, still exact here
static_assert(pico<"0.000001"> == 1);     // the smallest price: 6 decimals
static_assert(pico<"0"> == 0);
static_assert(pico<15> == 15'000'000);  // whole dollars as an integer
static_assert(pico<"1000000"> == 1'000'000'000'000);
static_assert(pricers::usd_per_million{}.pico == pricers::price::not_set);

TEST_SUITE_BEGIN("pricing_table");

TEST_CASE("pricing: per_million text parses exactly, at run time as at compile time") {
    CHECK(parse_price_text("3").pico == 3'000'000);
    CHECK(parse_price_text("3.750000").pico == 3'750'000);
    CHECK(parse_price_text("0.0375").pico == 37'500);
    CHECK(parse_price_text("007.5").pico == 7'500'000);  // leading zeros are harmless
    CHECK(parse_price_text("1000000").pico == 1'000'000'000'000);

    CHECK(parse_price_text("").problem == price_text_problem::empty);
    CHECK(parse_price_text("-1").problem == price_text_problem::negative);
    CHECK(parse_price_text("0.0000001").problem == price_text_problem::too_many_decimals);
    CHECK(parse_price_text("1000000.000001").problem == price_text_problem::too_large);
    CHECK(parse_price_text("99999999999999999999").problem == price_text_problem::too_large);
    for (std::string_view bad : {".5", "5.", "1e3", " 3", "3 ", "$3", "+3", "3.7.5", "3,75", "0x10", "inf", "3/M"}) {
        CAPTURE(bad);
        CHECK(parse_price_text(bad).problem == price_text_problem::not_a_decimal);
    }
    // Every problem has a sentence for error messages.
    CHECK(aitrail::detail::describe(price_text_problem::too_many_decimals).find("6 decimals") != std::string_view::npos);
}

TEST_CASE("pricing: prices print back in their shortest exact form") {
    CHECK(format_price_text(3'000'000) == "3");
    CHECK(format_price_text(3'750'000) == "3.75");
    CHECK(format_price_text(300'000) == "0.3");
    CHECK(format_price_text(37'500) == "0.0375");
    CHECK(format_price_text(1) == "0.000001");
    CHECK(format_price_text(0) == "0");
    for (std::int64_t p : {1LL, 10LL, 999'999LL, 1'000'001LL, 123'456'789LL, 1'000'000'000'000LL})
        CHECK(parse_price_text(format_price_text(p)).pico == p);
}

TEST_CASE("pricing: optional rates fall back to input (cache) and output (reasoning)") {
    constexpr pricers::price p = pricers::per_million{.input = "2", .output = "8"};
    static_assert(p.cache_read_rate() == 2'000'000 && p.cache_write_rate() == 2'000'000);
    static_assert(p.reasoning_rate() == 8'000'000);
    constexpr pricers::price q = pricers::per_million{.input = "5", .output = "25", .reasoning = "5"};
    static_assert(q.reasoning_rate() == 5'000'000);
    CHECK(p.valid());
    CHECK_FALSE(pricers::price{.input = 1}.valid());                          // no output
    CHECK_FALSE(pricers::price{.input = 1, .output = 1, .cache_read = -5}.valid());  // negative
    CHECK(pricers::price{.input = 0, .output = 0}.valid());                   // free is a price
}

TEST_CASE("pricing: a compile-time table finds its entries at compile time") {
    static_assert(sample::id() == "sample-v1");
    static_assert(sample::size() == 3);
    static_assert(sample::find("claude-sonnet-4")->rates.cache_write == 3'750'000);
    static_assert(sample::find("claude-sonnet-4-20250514")->key == "claude-sonnet-4");
    static_assert(sample::find("gpt-4o-2024-08-06")->rates.cache_read == 1'250'000);
    static_assert(!sample::find("gpt-4o-mini"));
    static_assert(!sample::find(""));
    static_assert(sample::find("tiny")->rates == pricers::price{.input = 37'500, .output = 1});
    CHECK(sample::find("openai/gpt-4o")->key == "gpt-4o");
}

TEST_CASE("pricing: a compile-time table is a pricing policy and a price source") {
    static_assert(aitrail::pricer<sample>);
    static_assert(aitrail::pricer<pricers::builtin_2026_11>);
    static_assert(aitrail::pricer<pricers::none>);
    static_assert(aitrail::pricer<pricers::runtime>);
    static_assert(aitrail::detail::pricing_requirements<sample>::value);
    static_assert(pricers::price_source<sample>);
    static_assert(pricers::price_source<pricers::price_table>);
    static_assert(!aitrail::pricer<pricers::price_table>);
    static_assert(!aitrail::pricer<int>);
    static_assert(aitrail::detail::pricer_needs_table<pricers::runtime>);
    static_assert(!aitrail::detail::pricer_needs_table<sample>);
    static_assert(!aitrail::detail::pricer_needs_table<pricers::none>);
    CHECK(true);
}

TEST_CASE("pricing: a compile-time table's document and digest") {
    const json doc = sample::document();
    CHECK(doc == json::parse(R"({
        "id": "sample-v1", "currency": "USD", "unit": "per_million_tokens",
        "models": {
            "claude-sonnet-4": {"input": "3", "output": "15", "cache_read": "0.3", "cache_write": "3.75"},
            "gpt-4o": {"input": "2.5", "output": "10", "cache_read": "1.25"},
            "tiny": {"input": "0.0375", "output": "0.000001"}
        }})"));
    const std::string expected =
        aitrail::detail::to_hex(aitrail::detail::sha256_of({aitrail::canonicalize(doc)}));
    CHECK(sample::digest() == expected);
    CHECK(&sample::digest() == &sample::digest());  // computed once
    CHECK(sample::digest().size() == 64);

    // The document is a valid price file, and loading it gives the same digest and prices.
    const auto loaded = pricers::price_table::from_json(doc.dump(), "sample.json");
    CHECK(loaded.id() == sample::id());
    CHECK(loaded.digest() == sample::digest());
    REQUIRE(loaded.size() == sample::size());
    aitrail_test::check_prices_in<sample>(loaded);
}

TEST_CASE("pricing: the builtin table's entries") {
    using b = pricers::builtin_2026_11;
    static_assert(b::id() == "aitrail-prices-2026-11-22");
    static_assert(b::find("claude-sonnet-4-20250514")->rates ==
                  pricers::price{.input = 3'000'000, .output = 15'000'000, .cache_read = 300'000, .cache_write = 3'750'000});
    static_assert(b::find("gpt-4o-mini-2024-07-18")->rates.cache_read == 75'000);
    static_assert(b::find("gpt-4o-2024-05-13")->key == "gpt-4o-2024-05-13");  // its own price, not gpt-4o's
    static_assert(b::find("gpt-4o-2024-08-06")->key == "gpt-4o");
    static_assert(b::find("o4-mini-2025-04-16")->rates.reasoning_rate() == 4'400'000);
    CHECK(b::digest().size() == 64);
}

TEST_SUITE_END();

}  // namespace pricing_table_tests
