// expect: aitrail: Storage requires flush\(\)
// A storage type that forgets flush(): the auditor names the missing member.
#include <aitrail/aitrail.hpp>

struct no_flush_storage {
    void append(std::span<const aitrail::sealed_entry>) {}
    aitrail::chain_head head() const { return {}; }
};

int main() { aitrail::auditor audit{no_flush_storage{}}; }
