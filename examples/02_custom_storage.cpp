// Custom storage: any type with append(span<const sealed_entry>), flush() and
// head() can hold a trail. This one prints each sealed line to stdout.

#include <aitrail/aitrail.hpp>

#include <iostream>
#include <span>

struct stdout_storage {
    aitrail::chain_head last;  // where our chain ends, for head()

    void append(std::span<const aitrail::sealed_entry> batch) {
        for (const auto& e : batch) {
            std::cout << e.line << '\n';
            last = {e.seq + 1, e.hash};
        }
    }
    void flush() { std::cout.flush(); }
    aitrail::chain_head head() const { return last; }
};
static_assert(aitrail::storage<stdout_storage>);

int main() {
    aitrail::auditor audit{stdout_storage{}};
    auto scope = audit.scope({.kind = "ml.prediction", .user = "api_client_42", .model = {"sentiment_classifier", "v2.1.0"}});
    scope.input({{"text", "Great product, fast shipping!"}});
    scope.output({{"label", "positive"}});
}
