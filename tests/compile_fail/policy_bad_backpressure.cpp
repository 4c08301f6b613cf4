// expect: aitrail: Policy::backpressure must meet aitrail::backpressure_policy
// A backpressure policy the writer does not know (no timeout) is rejected.
#include <aitrail/capture/auditor.hpp>
#include <aitrail/storage/memory_storage.hpp>
#include <string_view>

struct my_backpressure {
    static constexpr std::string_view name = "retry";
};
struct my_policy : aitrail::default_policy {
    using backpressure = my_backpressure;
};

int main() { aitrail::auditor<my_policy> audit{aitrail::memory_storage{}}; }
