// expect: aitrail: Policy::checkpoint signs checkpoints of the trail's Merkle tree
// A checkpoint policy on a storage that keeps no tree is refused at compile time.
#include <aitrail/capture/auditor.hpp>
#include <aitrail/integrity/sealed_entry.hpp>

#include <span>

struct plain_storage {
    void append(std::span<const aitrail::sealed_entry>) {}
    void flush() {}
    aitrail::chain_head head() const { return {}; }
};
struct my_policy : aitrail::default_policy {
    using checkpoint = aitrail::checkpoint_policies::at_close;
};

int main() { aitrail::auditor<my_policy> audit{plain_storage{}}; }
