// What replaces a value (mask, keyed_token, drop), chosen per detector or
// per list with redactors::with, and the redactor concept around pii<...>.
#include <aitrail/policy/redact/strategies.hpp>

#include <doctest/doctest.h>

#include <aitrail/detail/hex.hpp>
#include <aitrail/detail/openssl.hpp>
#include <aitrail/policy/redactor.hpp>

#include "support/redact_text.hpp"

#include <cstdint>      // int64_t
#include <cstdlib>      // setenv, unsetenv
#include <map>          // map
#include <stdexcept>    // runtime_error
#include <string>       // string
#include <string_view>  // string_view

namespace redact_strategies_tests {

namespace {

namespace redactors = aitrail::redactors;
using counts_map = std::map<std::string, std::int64_t>;

struct test_key {
    static std::string key() { return "test-key-0123456789abcdef"; }
};
struct other_key {
    static std::string key() { return "other-key"; }
};
struct empty_key {
    static std::string key() { return ""; }
};

using aitrail_test::redacted;

template <class D, class Key = test_key>
using keyed = redactors::pii<redactors::with<D, redactors::keyed_token<Key>>>;

/// The value of the token in "[LABEL:xxxxxxxx]".
std::string token_of(const std::string& masked) {
    const auto colon = masked.find(':');
    return masked.substr(colon + 1, masked.find(']') - colon - 1);
}

struct member_apply {
    void apply(std::string&, counts_map&) {}
};
struct wrong_name {
    static void redact(std::string&) {}
};

}  // namespace

TEST_SUITE_BEGIN("redact_strategies");

TEST_CASE("mask: [LABEL] per detector") {
    CHECK(redacted<redactors::pii<redactors::email, redactors::phone, redactors::ssn, redactors::credit_card, redactors::iban>>(
              "a@b.io 415-555-0132 123-45-6789 4111111111111111 DE89370400440532013000") ==
          "[EMAIL] [PHONE] [SSN] [CC] [IBAN]");
    CHECK(redacted<redactors::pii<redactors::with<redactors::email, redactors::mask>>>("x a@b.io") == "x [EMAIL]");
    static_assert(redactors::ipv4::label == "IP" && redactors::ipv6::label == "IP");
    static_assert(redactors::api_key::label == "API_KEY" && redactors::aws_access_key::label == "AWS_KEY");
    static_assert(redactors::github_token::label == "GITHUB_TOKEN" && redactors::jwt::label == "JWT");
    static_assert(redactors::bearer_token::label == "BEARER" && redactors::private_key::label == "PRIVATE_KEY");
}

TEST_CASE("keyed_token: first 8 hex of HMAC-SHA256(key, value)") {
    // Expected values from `openssl dgst -sha256 -hmac test-key-0123456789abcdef`.
    CHECK(redacted<keyed<redactors::email>>("Mail jane@example.com now") == "Mail [EMAIL:feda1041] now");
    CHECK(redacted<keyed<redactors::credit_card>>("card 4111111111111111") == "card [CC:632ac038]");
    CHECK(redacted<keyed<redactors::phone>>("call 4155550132") == "call [PHONE:df105d52]");
    CHECK(redacted<keyed<redactors::email, other_key>>("jane@example.com") == "[EMAIL:e05d6053]");

    // Through the library's own HMAC, for a value nobody precomputed.
    const std::string value = "AKIAIOSFODNN7EXAMPLE";
    std::string expected = "[AWS_KEY:";
    aitrail::detail::append_hex(expected, aitrail::detail::hmac_sha256_of(test_key::key(), {value}).data(), 4);
    expected += "]";
    CHECK(redacted<keyed<redactors::aws_access_key>>(value) == expected);
    CHECK(redacted<keyed<redactors::aws_access_key, empty_key>>(value).size() == expected.size());
}

TEST_CASE("keyed_token: same value same token, one value written two ways too") {
    using cards = keyed<redactors::credit_card>;
    const std::string a = redacted<cards>("4111 1111 1111 1111");
    CHECK(a == redacted<cards>("4111-1111-1111-1111"));
    CHECK(a == redacted<cards>("4111111111111111"));
    CHECK(a != redacted<cards>("5555555555554444"));
    CHECK(token_of(a).size() == 8);
    CHECK(aitrail::detail::is_lower_hex(token_of(a), 8));

    using emails = keyed<redactors::email>;
    CHECK(redacted<emails>("Jane@Example.COM") == redacted<emails>("jane@example.com"));
    using phones = keyed<redactors::phone>;
    CHECK(redacted<phones>("+1 (415) 555-0132") == redacted<phones>("415.555.0132"));
    using ibans = keyed<redactors::iban>;
    CHECK(redacted<ibans>("GB82 WEST 1234 5698 7654 32") == redacted<ibans>("GB82WEST12345698765432"));

    // Another key, another token: tokens do not link trails under different keys.
    CHECK(redacted<keyed<redactors::email, other_key>>("jane@example.com") != redacted<emails>("jane@example.com"));
    // Two mentions of one customer in one text keep their link.
    const std::string two = redacted<emails>("from jane@example.com to bob@example.com cc jane@example.com");
    CHECK(two.substr(5, 16) == two.substr(two.size() - 16));
}

TEST_CASE("drop: the value is removed, and still counted") {
    std::string text = "Mail jane@example.com now";
    counts_map counts;
    redactors::pii<redactors::with<redactors::email, redactors::drop>>::apply(text, counts);
    CHECK(text == "Mail  now");
    CHECK(counts == counts_map{{"email", 1}});

    std::string all_dropped = "4111111111111111";
    redactors::pii<redactors::with<redactors::credit_card, redactors::drop>>::apply(all_dropped, counts);
    CHECK(all_dropped.empty());
    CHECK(counts["credit_card"] == 1);
}

TEST_CASE("with: a strategy for a whole detector_list, mixed with others") {
    using policy = redactors::pii<redactors::with<redactors::secrets, redactors::drop>,
                               redactors::with<redactors::detector_list<redactors::email, redactors::phone>, redactors::keyed_token<test_key>>,
                               redactors::ssn>;
    std::string text = "key AKIAIOSFODNN7EXAMPLE for jane@example.com, SSN 123-45-6789";
    counts_map counts;
    policy::apply(text, counts);
    CHECK(text == "key  for [EMAIL:feda1041], SSN [SSN]");
    CHECK(counts == counts_map{{"aws_access_key", 1}, {"email", 1}, {"ssn", 1}});
    CHECK(redacted<redactors::pii<redactors::personal>>("ip 10.1.2.3, ::1") == "ip [IP], [IP]");
    CHECK(redacted<redactors::pii<redactors::detector_list<redactors::detector_list<redactors::email>>>>("a@b.io") == "[EMAIL]");
}

TEST_CASE("key_from_env: the key comes from the environment, a missing one stops redaction") {
    ::setenv("AITRAIL_TEST_REDACTION_KEY", "test-key-0123456789abcdef", 1);
    using env_keyed = redactors::pii<
        redactors::with<redactors::email, redactors::keyed_token<redactors::key_from_env<"AITRAIL_TEST_REDACTION_KEY">>>>;
    CHECK(redacted<env_keyed>("jane@example.com") == "[EMAIL:feda1041]");

    ::unsetenv("AITRAIL_TEST_MISSING_REDACTION_KEY");
    using missing = redactors::pii<
        redactors::with<redactors::email, redactors::keyed_token<redactors::key_from_env<"AITRAIL_TEST_MISSING_REDACTION_KEY">>>>;
    std::string text = "jane@example.com";
    counts_map counts;
    CHECK_THROWS_AS(missing::apply(text, counts), std::runtime_error);
    CHECK(text == "jane@example.com");  // nothing half-redacted was stored
    CHECK(counts.empty());
    // No value, no key needed.
    std::string clean = "nothing to see";
    CHECK_NOTHROW(missing::apply(clean, counts));
}

TEST_CASE("redactor concept: pii and no_redaction qualify, others are told why") {
    static_assert(aitrail::redactor<redactors::pii<redactors::email>>);
    static_assert(aitrail::redactor<redactors::pii<redactors::all>>);
    static_assert(aitrail::redactor<redactors::pii<>>);
    static_assert(aitrail::redactor<redactors::no_redaction>);
    static_assert(!aitrail::redactor<member_apply>);
    static_assert(!aitrail::redactor<wrong_name>);
    static_assert(!aitrail::redactor<int>);
    static_assert(aitrail::detail::redactor_requirements<redactors::pii<redactors::email>>::value);
    static_assert(redactors::detector<redactors::email> && redactors::scanning_detector<redactors::private_key>);
    static_assert(redactors::strategy_for<redactors::keyed_token<test_key>, redactors::email>);

    std::string text = "jane@example.com";
    counts_map counts;
    redactors::no_redaction::apply(text, counts);
    CHECK(text == "jane@example.com");
    CHECK(counts.empty());
    redactors::pii<>::apply(text, counts);
    CHECK(text == "jane@example.com");
}

TEST_CASE("pii: a clean text is left as it was, counts only grow") {
    std::string text = "Please review the attached quarterly summary.";
    const char* before = text.data();
    counts_map counts{{"email", 2}};
    redactors::pii<redactors::all>::apply(text, counts);
    CHECK(text == "Please review the attached quarterly summary.");
    CHECK(text.data() == before);  // not copied
    CHECK(counts == counts_map{{"email", 2}});

    std::string empty;
    redactors::pii<redactors::all>::apply(empty, counts);
    CHECK(empty.empty());

    std::string twice = "a@b.io";
    redactors::pii<redactors::email>::apply(twice, counts);
    redactors::pii<redactors::email>::apply(twice, counts);  // "[EMAIL]" holds no address
    CHECK(twice == "[EMAIL]");
    CHECK(counts["email"] == 3);
}

TEST_SUITE_END();

}  // namespace redact_strategies_tests
