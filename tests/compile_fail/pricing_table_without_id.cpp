// expect: aitrail: pricers::table<...> starts with its id
// Every cost names the table that produced it, so a table must have an id.
#include <aitrail/policy/pricing.hpp>

using prices = aitrail::pricers::table<
    aitrail::pricers::entry<"claude-sonnet-4", aitrail::pricers::per_million{.input = "3", .output = "15"}>>;

int main() { return prices::size() == 1 ? 0 : 1; }
