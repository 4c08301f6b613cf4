// expect: price_has_more_than_6_decimals_per_million
// A price per million tokens with 7 decimals is not a whole number of
// pico-USD per token, so it cannot be held exactly: the build stops and the
// function it stops at names the problem.
#include <aitrail/policy/pricing.hpp>

using prices = aitrail::pricers::table<
    aitrail::pricers::id<"my-prices-v1">,
    aitrail::pricers::entry<"tiny-model", aitrail::pricers::per_million{.input = "0.0000001", .output = "1"}>>;

int main() { return prices::size() == 1 ? 0 : 1; }
