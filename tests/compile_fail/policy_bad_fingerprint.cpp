// expect: aitrail: Policy::fingerprint must meet aitrail::fingerprinter
// A fingerprint policy without apply(pending_entry&) is rejected.
#include <aitrail/capture/auditor.hpp>
#include <aitrail/storage/memory_storage.hpp>

struct my_fingerprint {
    static void apply(int) {}
};
struct my_policy : aitrail::default_policy {
    using fingerprint = my_fingerprint;
};

int main() { aitrail::auditor<my_policy> audit{aitrail::memory_storage{}}; }
