// expect: aitrail: Policy::asynchronous must be a bool
// asynchronous is a bool, not a thread count.
#include <aitrail/capture/auditor.hpp>
#include <aitrail/storage/memory_storage.hpp>

struct my_policy : aitrail::default_policy {
    static constexpr int asynchronous = 4;
};

int main() { aitrail::auditor<my_policy> audit{aitrail::memory_storage{}}; }
