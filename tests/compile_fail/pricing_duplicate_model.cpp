// expect: aitrail: a pricers::table lists the same model id twice
// Two prices for one model would make the cost depend on which one a lookup
// meets first.
#include <aitrail/policy/pricing.hpp>

using prices = aitrail::pricers::table<
    aitrail::pricers::id<"my-prices-v1">,
    aitrail::pricers::entry<"gpt-4o", aitrail::pricers::per_million{.input = "2.50", .output = "10"}>,
    aitrail::pricers::entry<"gpt-4o", aitrail::pricers::per_million{.input = "5", .output = "15"}>>;

int main() { return prices::size() == 2 ? 0 : 1; }
