// expect: aitrail: Policy::pricing must meet aitrail::pricer
// The auditor checks its policy's pricing with the list of what a pricer needs.
#include <aitrail/capture/auditor.hpp>
#include <aitrail/storage/memory_storage.hpp>

struct my_pricing {
    static long price(long tokens) { return tokens * 3; }
};
struct my_policy : aitrail::default_policy {
    using pricing = my_pricing;
};

int main() { aitrail::auditor<my_policy> audit{aitrail::memory_storage{}}; }
