// Precision with every detector on: text that looks like PII but is not
// (order numbers, timestamps, versions, ids, prices, hashes, code) must come
// out byte for byte, and real values in the same kind of text must come out
// masked exactly where they are.
#include <aitrail/policy/redactor.hpp>

#include <doctest/doctest.h>

#include "support/redact_text.hpp"

#include <cstdio>       // snprintf
#include <string>       // string
#include <utility>      // move

namespace redact_near_misses_tests {

namespace {

namespace redactors = aitrail::redactors;
using everything = redactors::pii<redactors::all>;

std::string redacted(std::string text) { return aitrail_test::redacted<everything>(std::move(text)); }

/// Text that holds nothing to redact, grouped by what it resembles.
const char* const near_misses[] = {
    // Order, ticket and invoice numbers.
    "Order ORD-12345678 shipped", "ticket #100234567 closed", "invoice INV-2026-000123", "PO 4500012345-10",
    "ref A1B2C3D4E5F6", "case 00123456", "SKU 978-1-4028-9462-6",
    // Dates and times.
    "2026-11-22T15:51:00Z", "2026-11-22T15:51:00.123456+01:00", "at 15:51:00.123", "12:30:45", "on 11/22/2026",
    "22.11.2026", "2026/11/22", "Nov 22, 2026 3:51 PM", "20261122T155100Z", "uptime 1d 02:03:04",
    // Versions and builds.
    "fraud_detector v3.2.1", "Windows 10.0.19045.3803", "Python 3.12.1", "versions 1.2.3.4.5", "build 2026.11.22.1",
    "openssl 3.0.19", "glibc-2.36-9+deb12u4", "node v20.11.1",
    // Identifiers and hashes.
    "request_id 550e8400-e29b-41d4-a716-446655440000", "id 0193a000-0000-7000-8000-000000000001",
    "commit 9fceb02d0ae598e95dc970b74767f19372d61af8", "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "model claude-sonnet-4-20250514", "gpt-4o-2024-08-06", "msg_01XFDUDYJgAACzvnptvVoYEL", "run-20250514-1234567890",
    // Book and product numbers.
    "ISBN 978-3-16-148410-0", "ISBN-13 9783161484100", "ISBN-10 0-306-40615-2", "UPS 1Z999AA10123456784",
    "EAN 4006381333931", "UPC 036000291452",
    // Money and measures.
    "total $1,250.00", "1250.00 USD", "3.499,00 EUR", "$4155550132", "pi is 3.14159265358979",
    "e is 2.718281828459045", "growth +2.5%", "score +1 more", "+1000000 users", "1e10 and 0x1F4A", "temp -40.5C",
    "coordinates 37.7749,-122.4194",
    // Numbers in logs and JSON.
    R"({"latency_ms": 812000, "ts": 1732290660, "tokens_in": 310, "cost_nanousd": 4650000})",
    "epoch ms 1732290660123", "snowflake 1175928471389773824", "ports 8080 8443 9090", "sizes 100 200 3000",
    "count=1234567890", "values 128 256 1024", "seq 000000042",
    // Network-looking text.
    "serving on localhost:8080", "0.0.0.0.1", "MAC 00:1A:2B:3C:4D:5E", "OID 1.2.840.113549.1.1.11", "RFC 4291 section 2.2",
    "http://example/path", "ratio 16:9",
    // Code.
    "std::vector<int> v;", "auto w = v[::2];", "abc::def()", "a[1::2]", "x = y ? 1 : 2", "arr[1:3]", "C++20",
    "i += 1; j -= 2;", "@app.post(\"/predict\")", "@wraps(func)", "snake_case_name", "x-api-key: <set me>",
    "sk-learn-style-naming-is-fine-here", "task-abcdefghijklmnopqrst", "ghp_short", "AKIA_NOT_A_KEY",
    "eyJustAWord", "Bearer <token>", "a bearer of-good-tidings-everywhere", "-----BEGIN PUBLIC KEY-----",
    // Almost-addresses and almost-numbers.
    "my email is info@presidio.", "hello-world", "user@localhost", "pip install pkg@1.2.3", "name@.com",
    "4012-8888-8888-1882 fails Luhn", "36168002586008", "1748503543012", "693-09.4444", "078-05-0000",
    "AL47 212A 1009 0000 0002 3569 8741", "AL47/2121/1009/0000/0002/3569/8741", "GI75 aWBK 0000 0000 7099 453",
    "1.2.3.04", "256.1.1.1", "12:34:56:78",
    // Prose.
    "Please review the attached quarterly summary and explain the variance in operating costs.",
    "The 3 bears ate 1,000 berries in 2026.",
};

}  // namespace

TEST_SUITE_BEGIN("redact_near_misses");

TEST_CASE("near misses: every detector on, nothing changes") {
    for (const char* text : near_misses) {
        CAPTURE(text);
        CHECK(redacted(text) == text);
    }
    // All together, and nothing matches across their boundaries either.
    std::string all;
    for (const char* text : near_misses) (all += text) += '\n';
    CHECK(redacted(all) == all);
}

TEST_CASE("positives: the seeds' examples") {
    // Seed 003's redact_pii example and its expected output.
    CHECK(redacted("Contact jane.doe@example.com or call 555-123-4567") == "Contact [EMAIL] or call [PHONE]");
    CHECK(redacted("123-45-6789") == "[SSN]");
    // The seed pipeline's prompt.
    for (int i : {0, 7, 42, 9999, 123456}) {
        char prompt[200], expected[200];
        std::snprintf(prompt, sizeof prompt,
                      "Customer %d: contact jane.doe%d@example.com or 555-123-%04d. Card 4111 1111 1111 1111, SSN "
                      "123-45-6789. Please review",
                      i, i, i % 10000);
        std::snprintf(expected, sizeof expected,
                      "Customer %d: contact [EMAIL] or [PHONE]. Card [CC], SSN [SSN]. Please review", i);
        CAPTURE(prompt);
        CHECK(redacted(prompt) == expected);
    }
}

TEST_CASE("positives: values in realistic text, masked exactly") {
    CHECK(redacted("Hi, I'm Maria (maria.garcia@contoso.com, +44 20 7946 0958). My card 5555-5555-5555-4444 was "
                   "charged twice on 2026-11-22.") ==
          "Hi, I'm Maria ([EMAIL], [PHONE]). My card [CC] was charged twice on 2026-11-22.");
    CHECK(redacted("Refund to IBAN GB82 WEST 1234 5698 7654 32, ref ORD-12345678, amount $1,250.00.") ==
          "Refund to IBAN [IBAN], ref ORD-12345678, amount $1,250.00.");
    CHECK(redacted(R"({"user":"jane@example.com","ip":"203.0.113.42","latency_ms":812000,"ts":"2026-11-22T15:51:00Z"})") ==
          R"({"user":"[EMAIL]","ip":"[IP]","latency_ms":812000,"ts":"2026-11-22T15:51:00Z"})");
    CHECK(redacted("Traceback: connect to [2001:db8::1]:5432 failed (v3.2.1, 10.0.19045.3803)") ==
          "Traceback: connect to [[IP]]:5432 failed (v3.2.1, 10.0.19045.3803)");
    CHECK(redacted("export OPENAI_API_KEY=sk-proj-4fQ9xT2LmN8pR1vK7wZ3yH6jB0cD5eG\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE") ==
          "export OPENAI_API_KEY=[API_KEY]\nexport AWS_ACCESS_KEY_ID=[AWS_KEY]");
    CHECK(redacted("curl -H \"Authorization: Bearer 0b79bab50daca910b000d4f1a2b675d604257e42\" https://api.example.com/v1") ==
          "curl -H \"Authorization: Bearer [BEARER]\" https://api.example.com/v1");
    CHECK(redacted("My SSN is 078-05-1123 and my phone (415) 555-0132; call after 15:30.") ==
          "My SSN is [SSN] and my phone [PHONE]; call after 15:30.");
    CHECK(redacted("push with ghp_16C7e42F292c6912E7710c838347Ae178B4a to github.com/org/repo") ==
          "push with [GITHUB_TOKEN] to github.com/org/repo");
    CHECK(redacted("key:\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5\n"
                   "-----END EC PRIVATE KEY-----\nthanks") == "key:\n[PRIVATE_KEY]\nthanks");
    CHECK(redacted("tel. 1-800-555-0199 or 4155550132, ticket #100234567, model claude-sonnet-4-20250514") ==
          "tel. [PHONE] or [PHONE], ticket #100234567, model claude-sonnet-4-20250514");
}

TEST_SUITE_END();

}  // namespace redact_near_misses_tests
