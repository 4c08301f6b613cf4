// expect: aitrail: Policy requires 'static constexpr std::size_t max_batch'
// A policy written from scratch (not derived from default_policy) that
// leaves out 'max_batch' is rejected naming the missing member.
#include <aitrail/capture/auditor.hpp>
#include <aitrail/storage/memory_storage.hpp>

#include <cstddef>

struct my_policy {
    using hasher = aitrail::hashers::sha256;
    using redactor = aitrail::redactors::no_redaction;
    using redact_meta = aitrail::meta_fields<>;
    using fingerprint = aitrail::fingerprinters::none;
    using pricing = aitrail::pricers::none;
    using backpressure = aitrail::backpressure_policies::block;
    using durability = aitrail::durability_policies::batch;
    static constexpr bool asynchronous = false;
    static constexpr std::size_t queue_capacity = 64;
};

int main() { aitrail::auditor<my_policy> audit{aitrail::memory_storage{}}; }
