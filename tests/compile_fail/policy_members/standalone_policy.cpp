// A policy written from scratch (not derived from default_policy), complete
// but for the one member whose AITRAIL_TEST_WITHOUT_<member> macro is defined.
// compile_fail.cmake builds it once per member, so each missing member is
// rejected with its own message (the tests compile_fail.policy_without_<member>).
#include <aitrail/capture/auditor.hpp>
#include <aitrail/storage/memory_storage.hpp>

#include <cstddef>

struct my_policy {
    using hasher = aitrail::hashers::sha256;
#ifndef AITRAIL_TEST_WITHOUT_redactor
    using redactor = aitrail::redactors::no_redaction;
#endif
#ifndef AITRAIL_TEST_WITHOUT_redact_meta
    using redact_meta = aitrail::meta_fields<>;
#endif
#ifndef AITRAIL_TEST_WITHOUT_fingerprint
    using fingerprint = aitrail::fingerprinters::none;
#endif
#ifndef AITRAIL_TEST_WITHOUT_pricing
    using pricing = aitrail::pricers::none;
#endif
#ifndef AITRAIL_TEST_WITHOUT_backpressure
    using backpressure = aitrail::backpressure_policies::block;
#endif
#ifndef AITRAIL_TEST_WITHOUT_durability
    using durability = aitrail::durability_policies::batch;
#endif
#ifndef AITRAIL_TEST_WITHOUT_asynchronous
    static constexpr bool asynchronous = false;
#endif
#ifndef AITRAIL_TEST_WITHOUT_queue_capacity
    static constexpr std::size_t queue_capacity = 64;
#endif
#ifndef AITRAIL_TEST_WITHOUT_max_batch
    static constexpr std::size_t max_batch = 16;
#endif
#ifndef AITRAIL_TEST_WITHOUT_checkpoint
    using checkpoint = aitrail::checkpoint_policies::none;
#endif
};

int main() { aitrail::auditor<my_policy> audit{aitrail::memory_storage{}}; }
