// expect: aitrail: Storage requires append\(std::span<const aitrail::sealed_entry>\)
// A storage type without append(): the first requirement a user meets.
#include <aitrail/aitrail.hpp>

struct no_append_storage {
    void flush() {}
    aitrail::chain_head head() const { return {}; }
};

int main() { aitrail::auditor audit{no_append_storage{}}; }
