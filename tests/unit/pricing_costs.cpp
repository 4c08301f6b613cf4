#include <aitrail/policy/pricing/cost.hpp>

#include <doctest/doctest.h>

#include <aitrail/integrity/jcs.hpp>
#include <aitrail/policy/pricing/builtin.hpp>
#include <aitrail/policy/pricing/pricer.hpp>
#include <aitrail/policy/pricing/record_cost.hpp>
#include <aitrail/policy/pricing/static_table.hpp>
#include <aitrail/record/json.hpp>

#include <cstdint>  // int64_t
#include <string>   // string

namespace pricing_costs_tests {

// Costs worked by hand. Rates are in pico-USD per token ($X/M = X * 1e6 pico);
// the total is in pico-USD, then nanos = (pico + 500) / 1000, once.

namespace {

namespace pricers = aitrail::pricers;
using aitrail::audit_record;
using aitrail::token_usage;
using json = nlohmann::json;
using builtin = pricers::builtin_2026_11;

/// A record for `model` with `usage`, priced by the pricing policy P.
template <class P>
audit_record priced(const std::string& model, const token_usage& usage) {
    audit_record rec;
    rec.model.name = model;
    rec.usage = usage;
    P::price(rec, {});
    return rec;
}

std::int64_t nanos(const audit_record& rec) {
    REQUIRE(rec.cost);
    REQUIRE(rec.cost->nanos_usd);
    return *rec.cost->nanos_usd;
}

// Seed 001's constants: $5/M input, $25/M output, thinking at the input rate.
using seed_prices = pricers::table<
    pricers::id<"seed-001">,
    pricers::entry<"claude-opus-4-5", pricers::per_million{.input = "5", .output = "25", .reasoning = "5"}>>;

// Prices chosen to land on half a nano-USD.
using tiny_prices = pricers::table<
    pricers::id<"tiny">,
    pricers::entry<"half-nano", pricers::per_million{.input = "0.0005", .output = "0.0005"}>,
    pricers::entry<"just-under", pricers::per_million{.input = "0.000499", .output = "0"}>,
    pricers::entry<"point-0375", pricers::per_million{.input = "0.0375", .output = "0"}>,
    pricers::entry<"one-pico", pricers::price{.input = 1, .output = 1}>>;

}  // namespace

TEST_SUITE_BEGIN("pricing_costs");

TEST_CASE("costs: Anthropic call with cache reads and writes") {
    // Anthropic reports {"input_tokens": 1000, "cache_read_input_tokens": 2000,
    // "cache_creation_input_tokens": 500, "output_tokens": 400}. Its
    // input_tokens leaves cached tokens out; OTel's input_tokens counts them:
    // usage.input = 1000 + 2000 + 500 = 3500.
    const auto rec = priced<builtin>("claude-sonnet-4-20250514",
                                     {.input = 3500, .output = 400, .cache_read = 2000, .cache_write = 500});
    //   uncached 3500 - 2000 - 500 = 1000 x 3'000'000 = 3'000'000'000
    //   cache_read            2000 x   300'000 =   600'000'000
    //   cache_write            500 x 3'750'000 = 1'875'000'000
    //   output                 400 x 15'000'000 = 6'000'000'000
    //   total 11'475'000'000 pico = 11'475'000 nano-USD = $0.011475
    CHECK(nanos(rec) == 11'475'000);
    CHECK(rec.cost->pricing == "aitrail-prices-2026-11-22");

    const json j = rec;
    CHECK(j["cost"] == json{{"nanos_usd", 11'475'000}, {"pricing", "aitrail-prices-2026-11-22"}});
    CHECK(j["meta"]["cost_provenance"] ==
          json{{"table", "aitrail-prices-2026-11-22"}, {"digest", builtin::digest()}, {"model", "claude-sonnet-4"}});
    CHECK_NOTHROW((void)aitrail::canonicalize(j));
}

TEST_CASE("costs: the same Anthropic usage written the provider's way is refused, not mispriced") {
    // usage.input = 1000 (Anthropic's input_tokens as is) is less than the
    // cached tokens: the record was filled wrongly; no number is better than a wrong one.
    const auto rec = priced<builtin>("claude-sonnet-4-20250514",
                                     {.input = 1000, .output = 400, .cache_read = 2000, .cache_write = 500});
    REQUIRE(rec.cost);
    CHECK_FALSE(rec.cost->nanos_usd);
    CHECK(rec.cost->pricing == "invalid_usage");
    CHECK(rec.meta["cost_provenance"]["problem"].get<std::string>().find("cache_creation_input_tokens") !=
          std::string::npos);
    CHECK(rec.meta["cost_provenance"]["model"] == "claude-sonnet-4");
}

TEST_CASE("costs: Anthropic payload A1 (claude-sonnet-4-5, no cache)") {
    // {"input_tokens": 222, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "output_tokens": 14}
    //   222 x 3'000'000 + 14 x 15'000'000 = 666'000'000 + 210'000'000 = 876'000'000 pico
    const auto rec = priced<builtin>("claude-sonnet-4-5-20250929",
                                     {.input = 222, .output = 14, .cache_read = 0, .cache_write = 0});
    CHECK(nanos(rec) == 876'000);
}

TEST_CASE("costs: OpenAI call with cached prompt tokens") {
    // {"prompt_tokens": 1200, "completion_tokens": 800,
    //  "prompt_tokens_details": {"cached_tokens": 1024}}: prompt_tokens already
    // counts the cached ones, so usage.input = 1200, cache_read = 1024.
    const auto rec = priced<builtin>("gpt-4o-2024-08-06", {.input = 1200, .output = 800, .cache_read = 1024});
    //   uncached 1200 - 1024 = 176 x  2'500'000 =   440'000'000
    //   cache_read           1024 x  1'250'000 = 1'280'000'000
    //   output                800 x 10'000'000 = 8'000'000'000
    //   total 9'720'000'000 pico = 9'720'000 nano-USD
    CHECK(nanos(rec) == 9'720'000);
    CHECK(rec.meta["cost_provenance"]["model"] == "gpt-4o");
}

TEST_CASE("costs: o-series reasoning is part of output, billed at the output rate") {
    // o4-mini: completion 800 of which reasoning 512; prompt 1200 of which cached 1024.
    const auto rec = priced<builtin>("o4-mini-2025-04-16",
                                     {.input = 1200, .output = 800, .reasoning = 512, .cache_read = 1024});
    //   uncached  176 x 1'100'000 =   193'600'000
    //   cached   1024 x   275'000 =   281'600'000
    //   visible   288 x 4'400'000 = 1'267'200'000   (800 - 512)
    //   reasoning 512 x 4'400'000 = 2'252'800'000   (no reasoning rate: the output rate)
    //   total 3'995'200'000 pico = 3'995'200 nano-USD
    CHECK(nanos(rec) == 3'995'200);
    // Reasoning falls back to the output rate, so leaving it out changes nothing.
    CHECK(nanos(priced<builtin>("o4-mini", {.input = 1200, .output = 800, .cache_read = 1024})) == 3'995'200);

    // Payload O4 (o1-2024-12-17): input 81, output 1035 incl. reasoning 832.
    //   81 x 15'000'000 + 1035 x 60'000'000 = 1'215'000'000 + 62'100'000'000 = 63'315'000'000 pico
    CHECK(nanos(priced<builtin>("o1-2024-12-17", {.input = 81, .output = 1035, .reasoning = 832, .cache_read = 0})) ==
          63'315'000);

    // Payload O7 priced as gpt-5: input 1500 (cached 1024), output 500 (reasoning 300).
    //   476 x 1'250'000 + 1024 x 125'000 + 500 x 10'000'000 = 595'000'000 + 128'000'000 + 5'000'000'000
    CHECK(nanos(priced<builtin>("gpt-5", {.input = 1500, .output = 500, .reasoning = 300, .cache_read = 1024})) ==
          5'723'000);
}

TEST_CASE("costs: a separate reasoning rate (seed 001: thinking at the input rate)") {
    // input 1000, output 3000 of which reasoning 2000:
    //   input     1000 x  5'000'000 =  5'000'000'000
    //   visible   1000 x 25'000'000 = 25'000'000'000
    //   reasoning 2000 x  5'000'000 = 10'000'000'000
    //   total 40'000'000'000 pico = 40'000'000 nano-USD = $0.04
    const auto rec = priced<seed_prices>("claude-opus-4-5-20251101", {.input = 1000, .output = 3000, .reasoning = 2000});
    CHECK(nanos(rec) == 40'000'000);
    CHECK(rec.cost->pricing == "seed-001");
}

TEST_CASE("costs: dated, prefixed and Vertex ids cost the same as the plain id") {
    const token_usage u{.input = 5000, .output = 700, .cache_read = 4000};
    const auto plain = nanos(priced<builtin>("claude-haiku-4-5", u));
    // 1000 x 1'000'000 + 4000 x 100'000 + 700 x 5'000'000 = 1'000'000'000 + 400'000'000 + 3'500'000'000
    CHECK(plain == 4'900'000);
    CHECK(nanos(priced<builtin>("claude-haiku-4-5-20251001", u)) == plain);
    CHECK(nanos(priced<builtin>("claude-haiku-4-5@20251001", u)) == plain);
    CHECK(nanos(priced<builtin>("anthropic/claude-haiku-4-5", u)) == plain);
}

TEST_CASE("costs: an unknown model is null and \"unknown\", never 0") {
    const auto rec = priced<builtin>("gpt-4o-audio-preview", {.input = 10, .output = 10});
    REQUIRE(rec.cost);
    CHECK_FALSE(rec.cost->nanos_usd);
    CHECK(rec.cost->pricing == "unknown");
    const json j = rec;
    CHECK(j["cost"] == json{{"nanos_usd", nullptr}, {"pricing", "unknown"}});
    CHECK(j["meta"]["cost_provenance"]["table"] == "aitrail-prices-2026-11-22");
    CHECK(j["meta"]["cost_provenance"]["digest"] == builtin::digest());
    CHECK_FALSE(j["meta"]["cost_provenance"].contains("model"));
    CHECK(j["meta"]["cost_provenance"].contains("problem"));

    // A record that names no model cannot be priced either.
    CHECK(priced<builtin>("", {.input = 10, .output = 10}).cost->pricing == "unknown");
}

TEST_CASE("costs: rounding is half up, once, on the total") {
    // "0.0005" per million = 500 pico a token = half a nano-USD.
    CHECK(pricers::cost_of({.input = 1, .output = 0}, tiny_prices::find("half-nano")->rates).nanos_usd == 1);  // 0.5 -> 1
    // One input and one output token: 0.5 + 0.5 = 1.0 nano. Rounding each class
    // would give 1 + 1 = 2; rounding the total gives 1.
    CHECK(pricers::cost_of({.input = 1, .output = 1}, tiny_prices::find("half-nano")->rates).nanos_usd == 1);
    CHECK(pricers::cost_of({.input = 3, .output = 0}, tiny_prices::find("half-nano")->rates).nanos_usd == 2);  // 1.5 -> 2
    // 499 pico is under half a nano: 0.
    CHECK(pricers::cost_of({.input = 1, .output = 0}, tiny_prices::find("just-under")->rates).nanos_usd == 0);
    // "0.0375" per million = 37'500 pico: 1 token 37.5 -> 38, 2 tokens 75 exactly, 3 tokens 112.5 -> 113.
    const auto p = tiny_prices::find("point-0375")->rates;
    CHECK(pricers::cost_of({.input = 1, .output = 0}, p).nanos_usd == 38);
    CHECK(pricers::cost_of({.input = 2, .output = 0}, p).nanos_usd == 75);
    CHECK(pricers::cost_of({.input = 3, .output = 0}, p).nanos_usd == 113);
    // Through a record: a cost of 0 is a real 0, with a table, not "unknown".
    const auto zero = priced<tiny_prices>("just-under", {.input = 1, .output = 0});
    CHECK(nanos(zero) == 0);
    CHECK(zero.cost->pricing == "tiny");
}

TEST_CASE("costs: overflow is reported, not wrapped") {
    constexpr std::int64_t two_53 = std::int64_t{1} << 53;
    const auto one_pico = tiny_prices::find("one-pico")->rates;
    // Exactly 2^53 nano-USD is the largest cost a trail holds exactly: allowed.
    const auto at_limit = pricers::cost_of({.input = two_53 * 1000, .output = 0}, one_pico);
    CHECK(at_limit.ok());
    CHECK(at_limit.nanos_usd == two_53);
    // One nano more is not.
    CHECK(pricers::cost_of({.input = two_53 * 1000 + 500, .output = 0}, one_pico).status == pricers::cost_status::overflow);
    // Each product fits in 64 bits, their sum does not.
    CHECK(pricers::cost_of({.input = 5'000'000'000'000'000'000, .output = 5'000'000'000'000'000'000}, one_pico).status ==
          pricers::cost_status::overflow);
    // A product that does not fit: 2e11 output tokens x $75/M.
    const auto rec = priced<builtin>("claude-opus-4-1", {.input = 0, .output = 200'000'000'000});
    REQUIRE(rec.cost);
    CHECK_FALSE(rec.cost->nanos_usd);
    CHECK(rec.cost->pricing == "overflow");
    CHECK(rec.meta["cost_provenance"]["model"] == "claude-opus-4-1");
    CHECK_NOTHROW((void)aitrail::canonicalize(json(rec)));
}

TEST_CASE("costs: missing, negative and inconsistent counts") {
    const auto p = builtin::find("gpt-4o")->rates;
    using s = pricers::cost_status;
    CHECK(pricers::cost_of({.input = 10}, p).status == s::invalid_usage);   // no output
    CHECK(pricers::cost_of({.output = 10}, p).status == s::invalid_usage);  // no input
    CHECK(pricers::cost_of({.input = -1, .output = 10}, p).status == s::invalid_usage);
    CHECK(pricers::cost_of({.input = 10, .output = 10, .cache_read = -1}, p).status == s::invalid_usage);
    CHECK(pricers::cost_of({.input = 10, .output = 10, .cache_read = 6, .cache_write = 5}, p).status == s::invalid_usage);
    CHECK(pricers::cost_of({.input = 10, .output = 10, .reasoning = 11}, p).status == s::invalid_usage);
    // Cache and reasoning may take every token.
    CHECK(pricers::cost_of({.input = 10, .output = 10, .reasoning = 10, .cache_read = 5, .cache_write = 5}, p).ok());
    // Zero tokens cost zero.
    CHECK(pricers::cost_of({.input = 0, .output = 0}, p).nanos_usd == 0);
    // A price without input or output is refused.
    CHECK(pricers::cost_of({.input = 1, .output = 1}, pricers::price{.input = 1}).status == s::invalid_price);
    // Every outcome that is not ok says why.
    CHECK_FALSE(pricers::cost_of({.input = 10}, p).problem.empty());
    // All of it runs at compile time too.
    static_assert(pricers::cost_of({.input = 1200, .output = 800, .cache_read = 1024},
                                   pricers::per_million{.input = "2.50", .output = "10", .cache_read = "1.25"})
                      .nanos_usd == 9'720'000);
}

TEST_CASE("costs: the policies keep a caller's cost and skip records without usage") {
    audit_record rec;
    rec.model.name = "gpt-4o";
    rec.usage = {.input = 100, .output = 100};
    rec.cost = aitrail::cost_info{42, "invoice"};
    builtin::price(rec, {});
    CHECK(rec.cost == aitrail::cost_info{42, "invoice"});
    CHECK_FALSE(rec.meta.contains("cost_provenance"));

    // reprice() replaces it.
    CHECK(pricers::reprice(rec, builtin{}));
    CHECK(rec.cost->pricing == "aitrail-prices-2026-11-22");
    CHECK(rec.cost->nanos_usd == 1'250'000);  // 100 x 2'500'000 + 100 x 10'000'000 = 1'250'000'000 pico

    // An ML prediction reports no tokens: nothing to price, no cost written.
    audit_record ml;
    ml.kind = "ml.prediction";
    ml.model.name = "gpt-4o";
    builtin::price(ml, {});
    CHECK_FALSE(ml.cost);
    CHECK_FALSE(pricers::reprice(ml, builtin{}));
    CHECK(ml.meta == json::object());

    // pricers::none never touches a record.
    audit_record untouched;
    untouched.model.name = "gpt-4o";
    untouched.usage = {.input = 1, .output = 1};
    pricers::none::price(untouched, {});
    CHECK_FALSE(untouched.cost);
}

TEST_CASE("costs: provenance goes into meta without clobbering it") {
    audit_record rec;
    rec.model.name = "gpt-4o";
    rec.usage = {.input = 1, .output = 1};
    rec.meta = {{"team", "search"}};
    builtin::price(rec, {});
    CHECK(rec.meta["team"] == "search");
    CHECK(rec.meta["cost_provenance"]["model"] == "gpt-4o");

    audit_record odd;  // a user who set meta to something other than an object keeps it
    odd.model.name = "gpt-4o";
    odd.usage = {.input = 1, .output = 1};
    odd.meta = json::array({1, 2});
    builtin::price(odd, {});
    CHECK(odd.meta == json::array({1, 2}));
    CHECK(odd.cost->nanos_usd == 12'500);  // 2'500'000 + 10'000'000 = 12'500'000 pico

    audit_record null_meta;
    null_meta.model.name = "gpt-4o";
    null_meta.usage = {.input = 1, .output = 1};
    null_meta.meta = nullptr;
    builtin::price(null_meta, {});
    CHECK(null_meta.meta["cost_provenance"]["table"] == "aitrail-prices-2026-11-22");
}

TEST_CASE("costs: pricers::runtime uses the table in the context") {
    const auto table = pricers::price_table::from_json(
        R"({"id": "ops-prices-7", "currency": "USD", "unit": "per_million_tokens",
            "models": {"gpt-4o": {"input": "2.50", "output": "10", "cache_read": "1.25"}}})",
        "ops.json");
    audit_record rec;
    rec.model.name = "gpt-4o-2024-08-06";
    rec.usage = {.input = 1200, .output = 800, .cache_read = 1024};
    pricers::runtime::price(rec, {.table = &table});
    CHECK(nanos(rec) == 9'720'000);  // as the OpenAI case above
    CHECK(rec.cost->pricing == "ops-prices-7");
    CHECK(rec.meta["cost_provenance"]["digest"] == table.digest());

    // Without a table: unknown, and the provenance says why.
    audit_record bare;
    bare.model.name = "gpt-4o";
    bare.usage = {.input = 1, .output = 1};
    pricers::runtime::price(bare, {});
    REQUIRE(bare.cost);
    CHECK_FALSE(bare.cost->nanos_usd);
    CHECK(bare.cost->pricing == "unknown");
    CHECK(bare.meta["cost_provenance"] == json{{"problem", "no price table was given"}});
}

TEST_SUITE_END();

}  // namespace pricing_costs_tests
