// What replaces a value (mask, keyed_token, drop), chosen per detector or
// per list with redact::with, and the redactor concept around pii<...>.
#include <aitrail/policy/redact/strategies.hpp>

#include <doctest/doctest.h>

#include <aitrail/detail/hex.hpp>
#include <aitrail/detail/openssl.hpp>
#include <aitrail/policy/redactor.hpp>

#include <cstdint>      // int64_t
#include <cstdlib>      // setenv, unsetenv
#include <map>          // map
#include <stdexcept>    // runtime_error
#include <string>       // string
#include <string_view>  // string_view

namespace redact_strategies_tests {

namespace {

namespace redact = aitrail::redact;
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

template <class P>
std::string redacted(std::string text) {
    counts_map counts;
    P::apply(text, counts);
    return text;
}

template <class D, class Key = test_key>
using keyed = redact::pii<redact::with<D, redact::keyed_token<Key>>>;

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
    CHECK(redacted<redact::pii<redact::email, redact::phone, redact::ssn, redact::credit_card, redact::iban>>(
              "a@b.io 415-555-0132 123-45-6789 4111111111111111 DE89370400440532013000") ==
          "[EMAIL] [PHONE] [SSN] [CC] [IBAN]");
    CHECK(redacted<redact::pii<redact::with<redact::email, redact::mask>>>("x a@b.io") == "x [EMAIL]");
    static_assert(redact::ipv4::label == "IP" && redact::ipv6::label == "IP");
    static_assert(redact::api_key::label == "API_KEY" && redact::aws_access_key::label == "AWS_KEY");
    static_assert(redact::github_token::label == "GITHUB_TOKEN" && redact::jwt::label == "JWT");
    static_assert(redact::bearer_token::label == "BEARER" && redact::private_key::label == "PRIVATE_KEY");
}

TEST_CASE("keyed_token: first 8 hex of HMAC-SHA256(key, value)") {
    // Expected values from `openssl dgst -sha256 -hmac test-key-0123456789abcdef`.
    CHECK(redacted<keyed<redact::email>>("Mail jane@example.com now") == "Mail [EMAIL:feda1041] now");
    CHECK(redacted<keyed<redact::credit_card>>("card 4111111111111111") == "card [CC:632ac038]");
    CHECK(redacted<keyed<redact::phone>>("call 4155550132") == "call [PHONE:df105d52]");
    CHECK(redacted<keyed<redact::email, other_key>>("jane@example.com") == "[EMAIL:e05d6053]");

    // Through the library's own HMAC, for a value nobody precomputed.
    const std::string value = "AKIAIOSFODNN7EXAMPLE";
    std::string expected = "[AWS_KEY:";
    aitrail::detail::append_hex(expected, aitrail::detail::hmac_sha256_of(test_key::key(), {value}).data(), 4);
    expected += "]";
    CHECK(redacted<keyed<redact::aws_access_key>>(value) == expected);
    CHECK(redacted<keyed<redact::aws_access_key, empty_key>>(value).size() == expected.size());
}

TEST_CASE("keyed_token: same value same token, one value written two ways too") {
    using cards = keyed<redact::credit_card>;
    const std::string a = redacted<cards>("4111 1111 1111 1111");
    CHECK(a == redacted<cards>("4111-1111-1111-1111"));
    CHECK(a == redacted<cards>("4111111111111111"));
    CHECK(a != redacted<cards>("5555555555554444"));
    CHECK(token_of(a).size() == 8);
    CHECK(aitrail::detail::is_lower_hex(token_of(a), 8));

    using emails = keyed<redact::email>;
    CHECK(redacted<emails>("Jane@Example.COM") == redacted<emails>("jane@example.com"));
    using phones = keyed<redact::phone>;
    CHECK(redacted<phones>("+1 (415) 555-0132") == redacted<phones>("415.555.0132"));
    using ibans = keyed<redact::iban>;
    CHECK(redacted<ibans>("GB82 WEST 1234 5698 7654 32") == redacted<ibans>("GB82WEST12345698765432"));

    // Another key, another token: tokens do not link trails under different keys.
    CHECK(redacted<keyed<redact::email, other_key>>("jane@example.com") != redacted<emails>("jane@example.com"));
    // Two mentions of one customer in one text keep their link.
    const std::string two = redacted<emails>("from jane@example.com to bob@example.com cc jane@example.com");
    CHECK(two.substr(5, 16) == two.substr(two.size() - 16));
}

TEST_CASE("drop: the value is removed, and still counted") {
    std::string text = "Mail jane@example.com now";
    counts_map counts;
    redact::pii<redact::with<redact::email, redact::drop>>::apply(text, counts);
    CHECK(text == "Mail  now");
    CHECK(counts == counts_map{{"email", 1}});

    std::string all_dropped = "4111111111111111";
    redact::pii<redact::with<redact::credit_card, redact::drop>>::apply(all_dropped, counts);
    CHECK(all_dropped.empty());
    CHECK(counts["credit_card"] == 1);
}

TEST_CASE("with: a strategy for a whole detector_list, mixed with others") {
    using policy = redact::pii<redact::with<redact::secrets, redact::drop>,
                               redact::with<redact::detector_list<redact::email, redact::phone>, redact::keyed_token<test_key>>,
                               redact::ssn>;
    std::string text = "key AKIAIOSFODNN7EXAMPLE for jane@example.com, SSN 123-45-6789";
    counts_map counts;
    policy::apply(text, counts);
    CHECK(text == "key  for [EMAIL:feda1041], SSN [SSN]");
    CHECK(counts == counts_map{{"aws_access_key", 1}, {"email", 1}, {"ssn", 1}});
    CHECK(redacted<redact::pii<redact::personal>>("ip 10.1.2.3, ::1") == "ip [IP], [IP]");
    CHECK(redacted<redact::pii<redact::detector_list<redact::detector_list<redact::email>>>>("a@b.io") == "[EMAIL]");
}

TEST_CASE("key_from_env: the key comes from the environment, a missing one stops redaction") {
    ::setenv("AITRAIL_TEST_REDACTION_KEY", "test-key-0123456789abcdef", 1);
    using env_keyed = redact::pii<
        redact::with<redact::email, redact::keyed_token<redact::key_from_env<"AITRAIL_TEST_REDACTION_KEY">>>>;
    CHECK(redacted<env_keyed>("jane@example.com") == "[EMAIL:feda1041]");

    ::unsetenv("AITRAIL_TEST_MISSING_REDACTION_KEY");
    using missing = redact::pii<
        redact::with<redact::email, redact::keyed_token<redact::key_from_env<"AITRAIL_TEST_MISSING_REDACTION_KEY">>>>;
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
    static_assert(aitrail::redactor<redact::pii<redact::email>>);
    static_assert(aitrail::redactor<redact::pii<redact::all>>);
    static_assert(aitrail::redactor<redact::pii<>>);
    static_assert(aitrail::redactor<redact::no_redaction>);
    static_assert(!aitrail::redactor<member_apply>);
    static_assert(!aitrail::redactor<wrong_name>);
    static_assert(!aitrail::redactor<int>);
    static_assert(aitrail::detail::redactor_requirements<redact::pii<redact::email>>::value);
    static_assert(redact::detector<redact::email> && redact::scanning_detector<redact::private_key>);
    static_assert(redact::strategy_for<redact::keyed_token<test_key>, redact::email>);

    std::string text = "jane@example.com";
    counts_map counts;
    redact::no_redaction::apply(text, counts);
    CHECK(text == "jane@example.com");
    CHECK(counts.empty());
    redact::pii<>::apply(text, counts);
    CHECK(text == "jane@example.com");
}

TEST_CASE("pii: a clean text is left as it was, counts only grow") {
    std::string text = "Please review the attached quarterly summary.";
    const char* before = text.data();
    counts_map counts{{"email", 2}};
    redact::pii<redact::all>::apply(text, counts);
    CHECK(text == "Please review the attached quarterly summary.");
    CHECK(text.data() == before);  // not copied
    CHECK(counts == counts_map{{"email", 2}});

    std::string empty;
    redact::pii<redact::all>::apply(empty, counts);
    CHECK(empty.empty());

    std::string twice = "a@b.io";
    redact::pii<redact::email>::apply(twice, counts);
    redact::pii<redact::email>::apply(twice, counts);  // "[EMAIL]" holds no address
    CHECK(twice == "[EMAIL]");
    CHECK(counts["email"] == 3);
}

TEST_SUITE_END();

}  // namespace redact_strategies_tests
