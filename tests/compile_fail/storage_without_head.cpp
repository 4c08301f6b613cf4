// expect: aitrail: Storage requires head\(\) const returning aitrail::chain_head
// A storage that cannot say where its chain ends cannot be resumed.
#include <aitrail/aitrail.hpp>

struct no_head_storage {
    void append(std::span<const aitrail::sealed_entry>) {}
    void flush() {}
};

int main() { aitrail::auditor audit{no_head_storage{}}; }
