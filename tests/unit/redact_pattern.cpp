// The user's own detectors: redactors::pattern (a small pattern language
// compiled at compile time) and callable detectors (any search of the
// user's), alone and mixed with the shipped ones.
#include <aitrail/policy/redact/pattern.hpp>

#include <doctest/doctest.h>

#include <aitrail/policy/redactor.hpp>

#include "support/redact_text.hpp"

#include <cstdint>      // int64_t
#include <map>          // map
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view

namespace redact_pattern_tests {

namespace {

namespace redactors = aitrail::redactors;
using counts_map = std::map<std::string, std::int64_t>;

using order_id = redactors::pattern<"order_id", "ORDER", "ORD-\\d{8}">;
using employee = redactors::pattern<"employee_id", "EMPLOYEE", "EMP[0-9]{6}">;
using ticket = redactors::pattern<"ticket", "TICKET", "#[A-Z]{2,3}-?\\d+">;
using badge = redactors::pattern<"badge", "BADGE", "[Bb]adge\\s*[^a-z\\s]{4,}">;

using aitrail_test::alone;
using aitrail_test::redacted;

/// A callable detector: a list of customer names, searched with find().
struct customer_name {
    static constexpr std::string_view name = "customer";
    static constexpr std::string_view label = "CUSTOMER";
    static std::optional<redactors::match> find(std::string_view text, std::size_t from) {
        std::optional<redactors::match> best;
        for (std::string_view who : {"Alice Smith", "Bob Jones"}) {
            const std::size_t at = text.find(who, from);
            if (at != std::string_view::npos && (!best || at < best->begin)) best = redactors::match{at, at + who.size()};
        }
        ++calls;
        return best;
    }
    static inline int calls = 0;
};

/// A callable detector for internal codes "CODE7".
struct internal_code {
    static constexpr std::string_view name = "code";
    static constexpr std::string_view label = "CODE";
    static std::optional<redactors::match> find(std::string_view text, std::size_t from) {
        ++calls;
        const std::size_t at = text.find("CODE7", from);
        if (at == std::string_view::npos) return std::nullopt;
        return redactors::match{at, at + 5};
    }
    static inline int calls = 0;
};

/// A callable detector breaking its contract (a match before `from`).
struct broken_finder {
    static constexpr std::string_view name = "broken";
    static constexpr std::string_view label = "BROKEN";
    static std::optional<redactors::match> find(std::string_view, std::size_t from) {
        if (from > 0) return redactors::match{from - 1, from + 1};
        return std::nullopt;
    }
};

}  // namespace

TEST_SUITE_BEGIN("redact_pattern");

TEST_CASE("pattern: compiled at compile time into atoms") {
    static_assert(order_id::compiled.n == 5);  // O R D - \d{8}
    static_assert(order_id::compiled.atoms[4].min == 8 && order_id::compiled.atoms[4].max == 8);
    static_assert(order_id::triggers == redactors::byte_set::of("O"));
    static_assert(employee::compiled.n == 4);
    static_assert(ticket::compiled.atoms[1].min == 2 && ticket::compiled.atoms[1].max == 3);
    static_assert(ticket::compiled.atoms[2].min == 0 && ticket::compiled.atoms[2].max == 1);
    static_assert(ticket::compiled.atoms[3].max == aitrail::detail::pattern_unbounded);
    static_assert(badge::triggers == redactors::byte_set::of("Bb"));
    static_assert(order_id::name == "order_id" && order_id::label == "ORDER");
    static_assert(redactors::scanning_detector<order_id>);
    static_assert(aitrail::redactor<redactors::pii<order_id, employee>>);
}

TEST_CASE("pattern: literal prefix and counted classes, whole words only") {
    CHECK(alone<order_id>("Order ORD-12345678 shipped") == "Order [ORDER] shipped");
    CHECK(alone<order_id>("(ORD-12345678), ORD-87654321.") == "([ORDER]), [ORDER].");
    for (const char* keep : {"ORD-1234567", "ORD-123456789", "XORD-12345678", "ORD-1234567a", "ord-12345678", "ORD12345678"}) {
        CAPTURE(keep);
        CHECK(alone<order_id>(keep) == keep);
    }
    CHECK(alone<employee>("badge EMP004211 and EMP1234567") == "badge [EMPLOYEE] and EMP1234567");
    // '#' is no word byte: the start needs no boundary before it.
    CHECK(alone<ticket>("see a#AB-123 and #XYZ9 and #ABCD-1") == "see a[TICKET] and [TICKET] and #ABCD-1");
    CHECK(alone<badge>("Badge   42-X7 or badge9999 or badge 12") == "[BADGE] or [BADGE] or badge 12");
}

TEST_CASE("pattern: the language's atoms and counts") {
    CHECK(alone<redactors::pattern<"p", "P", "a.c">>("abc a-c a\nc") == "[P] [P] a\nc");
    CHECK(alone<redactors::pattern<"p", "P", "x\\.y\\\\z">>("x.y\\z xzy\\z") == "[P] xzy\\z");
    CHECK(alone<redactors::pattern<"p", "P", "[^ ]+">>("two words") == "[P] [P]");
    CHECK(alone<redactors::pattern<"p", "P", "id-?\\d{2,}">>("id-12 id_12 id345") == "[P] id_12 [P]");
    CHECK(alone<redactors::pattern<"p", "P", "[a\\-z]{3}">>("a-z zza abc") == "[P] [P] abc");
    CHECK(alone<redactors::pattern<"p", "P", "K\\d{2,}">>("K1 K12 K123456") == "K1 [P] [P]");
    CHECK(alone<redactors::pattern<"p", "P", "Z\\s\\S\\D\\W">>("Z xa- Z x1-") == "[P] Z x1-");
    CHECK(alone<redactors::pattern<"p", "P", "[]]x">>("]x") == "[P]");
}

TEST_CASE("pattern: ties go to the detector listed first, longer matches win") {
    using ten_digits = redactors::pattern<"number", "NUM", "\\d{10}">;
    CHECK(redacted<redactors::pii<ten_digits, redactors::phone>>("call 4155550132") == "call [NUM]");
    CHECK(redacted<redactors::pii<redactors::phone, ten_digits>>("call 4155550132") == "call [PHONE]");
    using short_one = redactors::pattern<"short", "SHORT", "\\d{3}-\\d{3}">;
    CHECK(redacted<redactors::pii<short_one, redactors::phone>>("call 555-123-4567") == "call [PHONE]");
    CHECK(redacted<redactors::pii<short_one, redactors::phone>>("call 555-123") == "call [SHORT]");
}

TEST_CASE("pattern: with a strategy, and counted by name") {
    struct order_key {
        static std::string key() { return "k"; }
    };
    using policy = redactors::pii<redactors::with<order_id, redactors::keyed_token<order_key>>, redactors::email>;
    std::string a = "ORD-12345678 by a@b.io", b = "again ORD-12345678";
    counts_map counts;
    policy::apply(a, counts);
    policy::apply(b, counts);
    CHECK(a.substr(0, 7) == "[ORDER:");
    CHECK(a.substr(0, 16) == b.substr(6, 16));
    CHECK(counts == counts_map{{"email", 1}, {"order_id", 2}});
}

TEST_CASE("callable detector: find() from the user, merged into the single pass") {
    static_assert(redactors::callable_detector<customer_name> && !redactors::scanning_detector<customer_name>);
    customer_name::calls = 0;
    CHECK(alone<customer_name>("Alice Smith met Bob Jones and Alice Smith.") == "[CUSTOMER] met [CUSTOMER] and [CUSTOMER].");
    CHECK(customer_name::calls == 4);  // once at the start, once after each match

    using mixed = redactors::pii<redactors::email, customer_name, redactors::phone>;
    counts_map counts;
    std::string text = "Bob Jones <bob@example.com>, 415-555-0132, Alice Smith";
    mixed::apply(text, counts);
    CHECK(text == "[CUSTOMER] <[EMAIL]>, [PHONE], [CUSTOMER]");
    CHECK(counts == counts_map{{"customer", 2}, {"email", 1}, {"phone", 1}});

    // The match that starts first wins: the name, then the address after it.
    CHECK(redacted<mixed>("mail Alice Smith.x@corp.com") == "mail [CUSTOMER].[EMAIL]");
}

TEST_CASE("callable detector: a pending match swallowed by an earlier one is searched again") {
    // The key starts first and covers the first code: find() is asked again
    // from the key's end and finds the second.
    internal_code::calls = 0;
    CHECK(redacted<redactors::pii<redactors::api_key, internal_code>>("key sk-abcdefghijCODE7klmnopqrstuv1 and CODE7") ==
          "key [API_KEY] and [CODE]");
    CHECK(internal_code::calls == 3);
    CHECK(redacted<redactors::pii<internal_code, redactors::api_key>>("key sk-abcdefghijCODE7klmnopqrstuv1 and CODE7") ==
          "key [API_KEY] and [CODE]");
}

TEST_CASE("callable detector: a match breaking the contract is ignored") {
    CHECK(redacted<redactors::pii<broken_finder, redactors::email>>("a@b.io and c@d.io") == "[EMAIL] and [EMAIL]");
}

TEST_SUITE_END();

}  // namespace redact_pattern_tests
