// expect: aitrail: Policy::pricing must meet aitrail::pricer
// A pricing policy is a type with a static price(record, context); one with
// the wrong signature is rejected with the list of what a pricer needs.
#include <aitrail/policy/pricing.hpp>

struct my_pricing {
    static long price(long tokens) { return tokens * 3; }
};

static_assert(aitrail::detail::pricing_requirements<my_pricing>::value);

int main() {}
