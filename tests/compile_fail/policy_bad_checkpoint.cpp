// expect: aitrail: Policy::checkpoint must meet aitrail::checkpoint_policy
// A checkpoint policy must say when the writer signs.
#include <aitrail/capture/auditor.hpp>
#include <aitrail/storage/memory_storage.hpp>
#include <string_view>

struct my_checkpoints {
    static constexpr std::string_view name = "sometimes";
};
struct my_policy : aitrail::default_policy {
    using checkpoint = my_checkpoints;
};

int main() { aitrail::auditor<my_policy> audit{aitrail::memory_storage{}}; }
