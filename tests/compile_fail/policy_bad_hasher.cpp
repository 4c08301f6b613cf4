// expect: aitrail: Policy::hasher must meet aitrail::hasher
// A hasher without a name (and the wrong call signature) is rejected with
// the list of what a hasher needs.
#include <aitrail/aitrail.hpp>

struct my_hasher {
    int operator()(int) const { return 0; }
};
struct my_policy : aitrail::default_policy {
    using hasher = my_hasher;
};

int main() { aitrail::auditor<my_policy> audit{aitrail::memory_storage{}}; }
