#include <aitrail/policy/policy.hpp>

#include <doctest/doctest.h>

#include <aitrail/capture/auditor.hpp>
#include <aitrail/policy/default_policy.hpp>
#include <aitrail/read/verify.hpp>
#include <aitrail/storage/memory_storage.hpp>

#include <nlohmann/json.hpp>

#include <chrono>   // microseconds
#include <cstddef>  // size_t
#include <string>       // string
#include <type_traits>  // is_same_v

namespace policy_tests {

namespace {

// A policy written from scratch, not derived from default_policy: all eleven
// members, each from its catalogue. The contract is the same as for a
// derived one.
struct standalone_policy {
    using hasher = aitrail::hashers::sha256;
    using redactor = aitrail::redactors::pii<aitrail::redactors::email>;
    using redact_meta = aitrail::meta_fields<"notes">;
    using fingerprint = aitrail::fingerprinters::unkeyed_sha256;
    using pricing = aitrail::pricers::none;
    static constexpr bool asynchronous = false;
    using backpressure = aitrail::backpressure_policies::block_for<1000>;
    using durability = aitrail::durability_policies::none;
    static constexpr std::size_t queue_capacity = 2;
    static constexpr std::size_t max_batch = 1;
    using checkpoint = aitrail::checkpoint_policies::none;
};

// The same, asynchronous, with the limits at their other ends and constants
// of another integer type.
struct standalone_async_policy : standalone_policy {
    static constexpr bool asynchronous = true;
    using backpressure = aitrail::backpressure_policies::drop_newest;
    static constexpr unsigned queue_capacity = 65534;
    static constexpr int max_batch = 65534;
};

struct missing_durability {
    using hasher = aitrail::hashers::sha256;
    using redactor = aitrail::redactors::no_redaction;
    using redact_meta = aitrail::meta_fields<>;
    using fingerprint = aitrail::fingerprinters::none;
    using pricing = aitrail::pricers::none;
    static constexpr bool asynchronous = false;
    using backpressure = aitrail::backpressure_policies::block;
    static constexpr std::size_t queue_capacity = 64;
    static constexpr std::size_t max_batch = 16;
    using checkpoint = aitrail::checkpoint_policies::none;
};

struct capacity_too_large : aitrail::default_policy {
    static constexpr std::size_t queue_capacity = 65535;
};
struct capacity_too_small : aitrail::default_policy {
    static constexpr std::size_t queue_capacity = 1;
};
struct no_batch : aitrail::default_policy {
    static constexpr std::size_t max_batch = 0;
};
struct asynchronous_not_bool : aitrail::default_policy {
    static constexpr int asynchronous = 1;
};
struct capacity_is_bool : aitrail::default_policy {
    static constexpr bool queue_capacity = true;
};

// Catalogue names never collide with the members: inside a policy derived
// from default_policy, catalogues read with the namespace prefix only.
struct derived_policy : aitrail::default_policy {
    using pricing = aitrail::pricers::none;
    using backpressure = aitrail::backpressure_policies::drop_newest;
    using durability = aitrail::durability_policies::every_record;
    static constexpr bool asynchronous = false;
};

// The shipped catalogues meet their concepts.
static_assert(aitrail::hasher<aitrail::hashers::sha256>);
static_assert(aitrail::redactor<aitrail::redactors::no_redaction>);
static_assert(aitrail::meta_field_list<aitrail::meta_fields<"a", "b">>);
static_assert(aitrail::fingerprinter<aitrail::fingerprinters::none>);
static_assert(aitrail::pricer<aitrail::pricers::builtin_2026_11>);
static_assert(aitrail::backpressure_policy<aitrail::backpressure_policies::block>);
static_assert(aitrail::backpressure_policy<aitrail::backpressure_policies::drop_newest>);
static_assert(aitrail::backpressure_policy<aitrail::backpressure_policies::block_for<5>>);
static_assert(aitrail::durability_policy<aitrail::durability_policies::none>);
static_assert(aitrail::durability_policy<aitrail::durability_policies::batch>);
static_assert(aitrail::durability_policy<aitrail::durability_policies::every_record>);

// The former catalogue names still name the same catalogues.
static_assert(std::is_same_v<aitrail::hash::sha256, aitrail::hashers::sha256>);
static_assert(std::is_same_v<aitrail::redact::no_redaction, aitrail::redactors::no_redaction>);
static_assert(std::is_same_v<aitrail::fingerprints::none, aitrail::fingerprinters::none>);
static_assert(std::is_same_v<aitrail::pricing::none, aitrail::pricers::none>);
static_assert(std::is_same_v<aitrail::backpressure::block, aitrail::backpressure_policies::block>);
static_assert(std::is_same_v<aitrail::durability::batch, aitrail::durability_policies::batch>);
static_assert(std::is_same_v<aitrail::auditor_options, aitrail::writer_options>);

}  // namespace

TEST_SUITE_BEGIN("policy");

TEST_CASE("policy: the shipped policies meet the contract") {
    CHECK(aitrail::policy<aitrail::default_policy>);
    CHECK(aitrail::policy<aitrail::synchronous_policy>);
    CHECK(aitrail::policy<derived_policy>);
    CHECK(aitrail::detail::policy_requirements<aitrail::default_policy>::value);
}

TEST_CASE("policy: a complete policy not derived from default_policy meets the contract") {
    CHECK(aitrail::policy<standalone_policy>);
    CHECK(aitrail::policy<standalone_async_policy>);
    CHECK(aitrail::detail::policy_requirements<standalone_policy>::value);
    CHECK(aitrail::detail::policy_requirements<standalone_async_policy>::value);
}

TEST_CASE("policy: a missing member or a value out of range breaks the contract") {
    CHECK_FALSE(aitrail::policy<missing_durability>);
    CHECK_FALSE(aitrail::policy<capacity_too_large>);
    CHECK_FALSE(aitrail::policy<capacity_too_small>);
    CHECK_FALSE(aitrail::policy<no_batch>);
    CHECK_FALSE(aitrail::policy<asynchronous_not_bool>);
    CHECK_FALSE(aitrail::policy<capacity_is_bool>);
    CHECK_FALSE(aitrail::policy<int>);
}

TEST_CASE("policy: an auditor runs with a standalone policy, each member in effect") {
    aitrail::memory_storage storage;
    {
        aitrail::auditor<standalone_policy> audit{storage};
        auto scope = audit.scope({.kind = "test.call", .user = "u"});
        scope.input(std::string("write to jane@example.com"));
        scope.output(std::string("done"));
    }
    const auto lines = storage.lines();
    REQUIRE(lines.size() == 2);  // trail.open, the call
    const auto rec = nlohmann::json::parse(lines[1])["rec"];
    CHECK(rec["redactions"]["email"] == 1);                                   // the redactor
    CHECK(rec["fingerprints"]["input"].get<std::string>().starts_with("sha256:"));  // the fingerprint
    CHECK(aitrail::verify(storage).ok());                                    // the hasher
}

TEST_CASE("policy: an asynchronous standalone policy writes through its queue") {
    aitrail::memory_storage storage;
    {
        aitrail::auditor<standalone_async_policy> audit{storage};
        for (int i = 0; i < 10; ++i) {
            auto scope = audit.scope({.kind = "test.call"});
            scope.output(std::string("ok"));
        }
        CHECK(audit.flush());
    }
    CHECK(storage.lines().size() == 11);
    CHECK(aitrail::verify(storage).ok());
}

TEST_SUITE_END();

}  // namespace policy_tests
