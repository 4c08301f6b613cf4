// expect: aitrail: Policy::queue_capacity must be an integer between 2 and 65534
// Boost.Lockfree's fixed-size queue holds at most 65534 records.
#include <aitrail/capture/auditor.hpp>
#include <aitrail/storage/memory_storage.hpp>
#include <cstddef>

struct my_policy : aitrail::default_policy {
    static constexpr std::size_t queue_capacity = 1 << 16;
};

int main() { aitrail::auditor<my_policy> audit{aitrail::memory_storage{}}; }
