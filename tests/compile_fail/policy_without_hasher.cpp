// expect: aitrail: Policy requires a member type 'hasher'
// A policy not derived from default_policy misses the hasher.
#include <aitrail/aitrail.hpp>

struct my_policy {};

int main() { aitrail::auditor<my_policy> audit{aitrail::memory_storage{}}; }
