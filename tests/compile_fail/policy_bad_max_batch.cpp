// expect: aitrail: Policy::max_batch must be an integer of at least 1
// A batch of no records would never store anything.
#include <aitrail/capture/auditor.hpp>
#include <aitrail/storage/memory_storage.hpp>
#include <cstddef>

struct my_policy : aitrail::default_policy {
    static constexpr std::size_t max_batch = 0;
};

int main() { aitrail::auditor<my_policy> audit{aitrail::memory_storage{}}; }
