// expect: aitrail: Policy::durability must meet aitrail::durability_policy
// A durability policy must say when it syncs.
#include <aitrail/capture/auditor.hpp>
#include <aitrail/storage/memory_storage.hpp>
#include <string_view>

struct my_durability {
    static constexpr std::string_view name = "sometimes";
};
struct my_policy : aitrail::default_policy {
    using durability = my_durability;
};

int main() { aitrail::auditor<my_policy> audit{aitrail::memory_storage{}}; }
