// expect: aitrail: write prices as strings .+ or whole dollars \(3\) so they stay exact
// A floating-point literal has no exact binary value (0.075 is not 0.075),
// so a price written as one is refused with the way to write it instead.
#include <aitrail/policy/pricing.hpp>

using prices = aitrail::pricers::table<
    aitrail::pricers::id<"my-prices-v1">,
    aitrail::pricers::entry<"gpt-4o-mini", aitrail::pricers::per_million{.input = 0.15, .output = "0.60"}>>;

int main() { return prices::size() == 1 ? 0 : 1; }
