#include <aitrail/policy/pricing/model_match.hpp>

#include <doctest/doctest.h>

#include <aitrail/policy/pricing/builtin.hpp>
#include <aitrail/policy/pricing/price_table.hpp>
#include <aitrail/policy/pricing/static_table.hpp>

#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace pricing_model_match_tests {

namespace {

namespace pricers = aitrail::pricers;
using aitrail::detail::strip_date_suffix;

std::vector<std::string> candidates(std::string_view id) {
    std::vector<std::string> out;
    for (std::string_view c : pricers::candidate_keys(id)) out.emplace_back(c);
    return out;
}

using vs = std::vector<std::string>;

/// The key `model` is priced under in the builtin table, or "" for none.
std::string builtin_key(std::string_view model) {
    const auto m = pricers::builtin_2026_11::find(model);
    return m ? std::string(m->key) : std::string();
}

}  // namespace

// All of it is constexpr: candidates are views into the id.
static_assert(pricers::candidate_keys("claude-sonnet-4-20250514").count == 2);
static_assert(strip_date_suffix("gpt-4o-2024-08-06") == "gpt-4o");

TEST_SUITE_BEGIN("pricing_model_match");

TEST_CASE("model match: candidates, most specific first") {
    CHECK(candidates("gpt-4o") == vs{"gpt-4o"});
    CHECK(candidates("claude-sonnet-4-20250514") == vs{"claude-sonnet-4-20250514", "claude-sonnet-4"});
    CHECK(candidates("gpt-4o-2024-08-06") == vs{"gpt-4o-2024-08-06", "gpt-4o"});
    CHECK(candidates("anthropic/claude-sonnet-4") == vs{"anthropic/claude-sonnet-4", "claude-sonnet-4"});
    CHECK(candidates("openai/gpt-4o-mini-2024-07-18") ==
          vs{"openai/gpt-4o-mini-2024-07-18", "gpt-4o-mini-2024-07-18", "gpt-4o-mini"});
    CHECK(candidates("claude-sonnet-4@20250514") == vs{"claude-sonnet-4@20250514", "claude-sonnet-4"});
    CHECK(candidates("anthropic/claude-3-5-haiku@20241022") ==
          vs{"anthropic/claude-3-5-haiku@20241022", "claude-3-5-haiku@20241022", "claude-3-5-haiku"});
    CHECK(candidates("").empty());
}

TEST_CASE("model match: only whole dates are stripped") {
    CHECK(strip_date_suffix("claude-3-5-haiku-20241022") == "claude-3-5-haiku");
    CHECK(strip_date_suffix("o3-mini-2025-01-31") == "o3-mini");
    CHECK(strip_date_suffix("gpt-4-0613") == "gpt-4-0613");            // MMDD only: a model of its own
    CHECK(strip_date_suffix("gpt-3.5-turbo-1106") == "gpt-3.5-turbo-1106");
    CHECK(strip_date_suffix("model-20251301") == "model-20251301");    // month 13
    CHECK(strip_date_suffix("model-20250100") == "model-20250100");    // day 00
    CHECK(strip_date_suffix("model-2025-1-01") == "model-2025-1-01");  // not YYYY-MM-DD
    CHECK(strip_date_suffix("model_20250514") == "model_20250514");    // no '-'
    CHECK(strip_date_suffix("-20250514") == "-20250514");              // nothing before the date
    CHECK(strip_date_suffix("m-20250514") == "m");
    CHECK(strip_date_suffix("v1-20250514-extra") == "v1-20250514-extra");  // the date must end the id
}

TEST_CASE("model match: real ids from provider payloads resolve to the builtin keys") {
    // Model ids as they appear in Anthropic and OpenAI responses.
    CHECK(builtin_key("claude-sonnet-4-5-20250929") == "claude-sonnet-4-5");
    CHECK(builtin_key("claude-haiku-4-5-20251001") == "claude-haiku-4-5");
    CHECK(builtin_key("claude-sonnet-4-20250514") == "claude-sonnet-4");
    CHECK(builtin_key("claude-opus-4-1-20250805") == "claude-opus-4-1");
    CHECK(builtin_key("claude-sonnet-4-0") == "claude-sonnet-4-0");
    CHECK(builtin_key("gpt-4o-2024-08-06") == "gpt-4o");
    CHECK(builtin_key("o1-2024-12-17") == "o1");
    // Vertex AI and prefixed router spellings.
    CHECK(builtin_key("claude-sonnet-4@20250514") == "claude-sonnet-4");
    CHECK(builtin_key("anthropic/claude-opus-4-5") == "claude-opus-4-5");
    CHECK(builtin_key("openai/gpt-5-mini") == "gpt-5-mini");
}

TEST_CASE("model match: no family or prefix matching, so no wrong price") {
    // A longer id is never priced as a shorter one it starts with.
    CHECK(builtin_key("gpt-4o-mini") == "gpt-4o-mini");
    CHECK(builtin_key("gpt-4o-audio-preview") == "");
    CHECK(builtin_key("gpt-5-chat-latest") == "");
    CHECK(builtin_key("o3-pro") == "");
    CHECK(builtin_key("o3-deep-research") == "");
    CHECK(builtin_key("chatgpt-4o-latest") == "");
    CHECK(builtin_key("claude-3-opus-latest") == "");
    // A shorter id is never priced as a longer key either.
    CHECK(builtin_key("gpt") == "");
    CHECK(builtin_key("claude-sonnet") == "");
    // Unknown providers' prefixes stay: their prices may differ.
    CHECK(builtin_key("azure/gpt-4o") == "");
    CHECK(builtin_key("anthropic.claude-sonnet-4-20250514-v1:0") == "");  // Bedrock
    // Case matters: ids are compared as given.
    CHECK(builtin_key("GPT-4o") == "");
    CHECK(builtin_key("") == "");
}

TEST_CASE("model match: the most specific key wins") {
    // gpt-4o-2024-05-13 has its own entry and price; later snapshots are gpt-4o.
    CHECK(builtin_key("gpt-4o-2024-05-13") == "gpt-4o-2024-05-13");
    CHECK(builtin_key("openai/gpt-4o-2024-05-13") == "gpt-4o-2024-05-13");
    CHECK(builtin_key("gpt-4o-2024-11-20") == "gpt-4o");

    // A table may list a prefixed id itself; an exact key beats stripping.
    using t = pricers::table<pricers::id<"prefixed">,
                             pricers::entry<"azure/gpt-4o", pricers::per_million{.input = "3", .output = "11"}>,
                             pricers::entry<"gpt-4o", pricers::per_million{.input = "2.50", .output = "10"}>>;
    CHECK(t::find("azure/gpt-4o")->key == "azure/gpt-4o");
    CHECK(t::find("openai/gpt-4o")->key == "gpt-4o");
}

TEST_CASE("model match: run-time tables follow the same rules") {
    const auto table = pricers::price_table::from_json(R"({
        "id": "t", "currency": "USD", "unit": "per_million_tokens",
        "models": {"claude-sonnet-4": {"input": "3", "output": "15"},
                   "gpt-4o": {"input": "2.50", "output": "10"},
                   "gpt-4o-2024-05-13": {"input": "5", "output": "15"}}})",
                                                       "inline.json");
    CHECK(table.find("claude-sonnet-4@20250514")->key == "claude-sonnet-4");
    CHECK(table.find("anthropic/claude-sonnet-4-20250514")->key == "claude-sonnet-4");
    CHECK(table.find("gpt-4o-2024-05-13")->key == "gpt-4o-2024-05-13");
    CHECK(table.find("gpt-4o-2024-08-06")->key == "gpt-4o");
    CHECK_FALSE(table.find("gpt-4o-mini"));
    CHECK_FALSE(table.find("claude-sonnet-4-5"));
}

TEST_SUITE_END();

}  // namespace pricing_model_match_tests
