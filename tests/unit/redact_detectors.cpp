// The shipped detectors one by one: each rule of their documentation, on
// realistic sentences, with the exact text that comes out.
#include <aitrail/policy/redact/detectors.hpp>

#include <doctest/doctest.h>

#include <aitrail/policy/redactor.hpp>

#include "support/redact_text.hpp"

#include <cstdint>      // int64_t
#include <map>          // map
#include <string>       // string
#include <string_view>  // string_view

namespace redact_detectors_tests {

namespace {

namespace redactors = aitrail::redactors;
using counts_map = std::map<std::string, std::int64_t>;

using aitrail_test::alone;
using aitrail_test::redacted;

}  // namespace

TEST_SUITE_BEGIN("redact_detectors");

TEST_CASE("email: addresses in sentences, and what is not an address") {
    using redactors::email;
    CHECK(alone<email>("Reach me at maria.garcia@contoso.com before noon.") == "Reach me at [EMAIL] before noon.");
    CHECK(alone<email>("CC: ops-team+alerts@mail.example.co.uk; thanks") == "CC: [EMAIL]; thanks");
    CHECK(alone<email>("john_doe@corp-intranet.io wrote") == "[EMAIL] wrote");
    CHECK(alone<email>("<first.last@sub.domain.org>") == "<[EMAIL]>");
    CHECK(alone<email>("user@xn--80ak6aa92e.com and a@xn--d1acufc.xn--p1ai") == "[EMAIL] and [EMAIL]");
    CHECK(alone<email>("git@github.com:org/repo.git") == "[EMAIL]:org/repo.git");
    CHECK(alone<email>("mail jane@example.com.") == "mail [EMAIL].");  // the full stop is the sentence's

    // Leading dots are punctuation; a trailing one before '@' is no address.
    CHECK(alone<email>("see ...john@x.com") == "see ...[EMAIL]");
    CHECK(alone<email>("john.@x.com") == "john.@x.com");
    // The domain ends at its last label that is a TLD.
    CHECK(alone<email>("a@b.com.42") == "[EMAIL].42");
    CHECK(alone<email>("a@b.com-- yes") == "[EMAIL]-- yes");

    for (const char* keep : {"my email is info@presidio.", "this is not an email: hello-world here", "@wraps(func)",
                             "user@localhost", "pip install pkg@1.2.3", "x@b.com_x", "z@-foo.com", "y@foo-.com",
                             "a@b.c", "@@", "@", "a@", "price@", "name@.com"}) {
        CAPTURE(keep);
        CHECK(alone<email>(keep) == keep);
    }
}

TEST_CASE("email: the local part never reaches into the previous match") {
    // Without the floor the address would start at the card's first digit.
    CHECK(redacted<redactors::pii<redactors::credit_card, redactors::email>>("4111111111111111.john@example.com") ==
          "[CC].[EMAIL]");
    CHECK(redactors::email::canonical("Jane.Doe@Example.COM") == "jane.doe@example.com");
}

TEST_CASE("phone: North American forms") {
    using redactors::phone;
    CHECK(alone<phone>("My US number is (415) 555-0132, and my international one is +1 415 555 0132") ==
          "My US number is [PHONE], and my international one is [PHONE]");
    CHECK(alone<phone>("_: (415)555-0132") == "_: [PHONE]");
    CHECK(alone<phone>("US: 415-555-0132; fax 415.555.0133") == "US: [PHONE]; fax [PHONE]");
    CHECK(alone<phone>("call 415 555 0132 or 415 555-0199") == "call [PHONE] or [PHONE]");
    CHECK(alone<phone>("(415) 5550132") == "[PHONE]");
    CHECK(alone<phone>("Dial 1-800-555-0199, 1 (800) 555-0199 or 1.800.555.0199") == "Dial [PHONE], [PHONE] or [PHONE]");
    CHECK(alone<phone>("Text 4155550132 when ready") == "Text [PHONE] when ready");
    // The seeds' pattern \b\d{3}[-.]?\d{3}[-.]?\d{4}\b, mixes included.
    CHECK(alone<phone>("call 555-123-4567") == "call [PHONE]");
    CHECK(alone<phone>("415555-0132 415-5550132 555.123-4567") == "[PHONE] [PHONE] [PHONE]");
    CHECK(alone<phone>("Tel:555-123-4567") == "Tel:[PHONE]");
    CHECK(alone<phone>("call 555-123-4567.") == "call [PHONE].");
}

TEST_CASE("phone: international forms") {
    using redactors::phone;
    CHECK(alone<phone>("Brazil: +55 11 98456 5666") == "Brazil: [PHONE]");
    CHECK(alone<phone>("+44 (20) 7123 4567, +44 (0)20 7123 4567, +44(20)7123 4567") == "[PHONE], [PHONE], [PHONE]");
    CHECK(alone<phone>("+91 4155550132 / +49 30 1234567 / +39 06 678 4343") == "[PHONE] / [PHONE] / [PHONE]");
    CHECK(alone<phone>("+30 21 0 1234567 or +33 1 42 68 53 00") == "[PHONE] or [PHONE]");
    CHECK(alone<phone>("E.164: +14155550132.") == "E.164: [PHONE].");
    CHECK(alone<phone>("+1-800-555-0199") == "[PHONE]");
    // +1 numbers have 11 digits: what follows across a space is not part of it.
    CHECK(alone<phone>("+1 415 555 0132 2026 times") == "[PHONE] 2026 times");
    CHECK(alone<phone>("+1-415-555-0132-22") == "+1-415-555-0132-22");
    CHECK(redactors::phone::canonical("+1 (415) 555-0132") == "4155550132");
    CHECK(redactors::phone::canonical("415.555.0132") == "4155550132");
}

TEST_CASE("phone: numbers that are not phones") {
    using redactors::phone;
    for (const char* keep : {
             "2026-11-22", "12:30:45", "1.2.3", "10.0.19045", "v10.0.1904512", "ORD-12345678", "ORD-4155550132",
             "#4155550132", "$4155550132", "978-3-16-148410-0", "550e8400-e29b-41d4-a716-446655440000",
             "9fceb02d0ae598e95dc970b74767f19372d61af8", "192.168.100.200", "1732290660", "1234567890",
             "100 200 3000", "sizes 128 256 1024", "values 100 200 3000 4000", "555-123-4567-89", "123.456.7890.1",
             "4155550132@example.com", "1+2", "C++ 1234567", "+1000000 users", "x+4155550132", "+0123456789",
             "+12", "+05:30", "090-1234-5678", "09-7625400", "13812345678", "(415)", "f(415) 555-0132",
             "415-555-0132x12"}) {
        CAPTURE(keep);
        CHECK(alone<phone>(keep) == keep);
    }
}

TEST_CASE("ssn: separated forms, the cue for bare digits, validity") {
    using redactors::ssn;
    CHECK(alone<ssn>("Applicant SSN 123-45-6789 on file") == "Applicant SSN [SSN] on file");
    CHECK(alone<ssn>("078-05-1123, 078.05.1123 and abc 078 05 1123 abc") == "[SSN], [SSN] and abc [SSN] abc");
    CHECK(alone<ssn>("SSN: 078051121") == "SSN: [SSN]");
    CHECK(alone<ssn>("ssn#078051121") == "ssn#[SSN]");
    CHECK(alone<ssn>("Social Security no.: 078051121") == "Social Security no.: [SSN]");
    CHECK(alone<ssn>("Social Security number on the form: 078051121") ==
          "Social Security number on the form: 078051121");  // the cue ends 21 bytes before
    CHECK(alone<ssn>("078051121") == "078051121");                      // no cue
    CHECK(alone<ssn>("classname 078051121") == "classname 078051121");  // "ssn" inside a word
    CHECK(alone<ssn>("SSN on file; the order number is 078051121") == "SSN on file; the order number is 078051121");
    for (const char* keep : {"693-09.4444", "078 00 1123", "078-05-0000", "000-12-3456", "666-12-3456", "900-12-3456",
                             "999-12-3456", "111-11-1111", "078-05-1120", "219-09-9999", "078-051121", "07805-1121",
                             "1078-05-1123", "078-05-11234", "12-078-05-1123", "SSN 0780511201", "SSN 666000000",
                             "SSN 000000000", "sizes 100 200 300 12 3456"}) {
        CAPTURE(keep);
        CHECK(alone<ssn>(keep) == keep);
    }
    CHECK(redactors::ssn::canonical("078 05 1123") == "078051123");
}

TEST_CASE("credit_card: Luhn, issuer prefixes, groupings") {
    using redactors::credit_card;
    CHECK(alone<credit_card>("4012888888881881 4012-8888-8888-1881 4012 8888 8888 1881") == "[CC] [CC] [CC]");
    CHECK(alone<credit_card>("my credit card: 122000000000003") == "my credit card: [CC]");
    CHECK(alone<credit_card>("Amex 3782 822463 10005 was declined") == "Amex [CC] was declined");
    CHECK(alone<credit_card>("Diners 3056 930902 5904.") == "Diners [CC].");
    CHECK(alone<credit_card>("19 digits: 6011 0009 9013 9420 007.") == "19 digits: [CC].");
    // 19 digits fail Luhn, their first 16 pass: the card is those 16.
    CHECK(alone<credit_card>("6011 0009 9013 9424 123") == "[CC] 123");
    CHECK(alone<credit_card>("card=6011111111111117&cvv=123") == "card=[CC]&cvv=123");
    CHECK(alone<credit_card>("Mastercard 2-series 2223000048400011") == "Mastercard 2-series [CC]");
    // After a space-grouped card a number may follow; after a hyphenated one it may not.
    CHECK(alone<credit_card>("4111 1111 1111 1111 2026") == "[CC] 2026");
    CHECK(alone<credit_card>("4111-1111-1111-1111-2026") == "4111-1111-1111-1111-2026");
    for (const char* keep : {"1748503543012", "4012-8888-8888-1882", "36168002586008", "9783161484100",
                             "1732290660123", "1175928471389773824", "4111 1111 1111", "41111111111111111111",
                             "x4111111111111111", "4111111111111111a", "4111  1111 1111 1111", "4111 1111-1111 1111",
                             "2100000000000008", "7111111111111111"}) {
        CAPTURE(keep);
        CHECK(alone<credit_card>(keep) == keep);
    }
    CHECK(redactors::credit_card::canonical("4111-1111-1111-1111") == "4111111111111111");
}

TEST_CASE("iban: country lengths, mod-97, groupings") {
    using redactors::iban;
    CHECK(alone<iban>("list of ibans: AL47212110090000000235698741, AL47212110090000000235698741") ==
          "list of ibans: [IBAN], [IBAN]");
    CHECK(alone<iban>("Wire to GB82 WEST 1234 5698 7654 32 today") == "Wire to [IBAN] today");
    CHECK(alone<iban>("Dash as iban separator: AL47-2121-1009-0000-0002-3569-8741") == "Dash as iban separator: [IBAN]");
    CHECK(alone<iban>("this is an iban VG96 VPVG 0000 0123 4567 8901 in a sentence") ==
          "this is an iban [IBAN] in a sentence");
    CHECK(alone<iban>("IBAN: DE89370400440532013000.") == "IBAN: [IBAN].");
    CHECK(alone<iban>("NO9386011117947 and FR1420041010050500013M02606") == "[IBAN] and [IBAN]");
    for (const char* keep : {"AL47 212A 1009 0000 0002 3569 8741", "BE6853900754703", "AT61 1904 3002 3457 3202",
                             "GI75 aWBK 0000 0000 7099 453", "AL47/2121/1009/0000/0002/3569/8741",
                             "XX89370400440532013000", "DE89370400440532013000X", "xDE89370400440532013000",
                             "DE89 3704 0044 0532 0130 0", "DE8937040044053201300", "de89370400440532013000",
                             "DE89 37040 044 0532 0130 00"}) {
        CAPTURE(keep);
        CHECK(alone<iban>(keep) == keep);
    }
    CHECK(redactors::iban::canonical("GB82 WEST 1234 5698 7654 32") == "GB82WEST12345698765432");
}

TEST_CASE("ipv4 and ipv6") {
    using redactors::ipv4, redactors::ipv6;
    CHECK(alone<ipv4>("Request from 203.0.113.42 blocked") == "Request from [IP] blocked");
    CHECK(alone<ipv4>("upstream 10.0.0.12:8443, net 10.0.0.0/8, (192.168.1.1)") == "upstream [IP]:8443, net [IP]/8, ([IP])");
    CHECK(alone<ipv4>("0.0.0.0 and 255.255.255.255.") == "[IP] and [IP].");
    for (const char* keep : {"1.2.3.4.5", "10.0.19045.3803", "01.2.3.4", "256.1.1.1", "v1.2.3.4", "1.2.3", "a.1.2.3.4",
                             "1.2.3.4a", "1.2.3.4_x", "1.2.3.04"}) {
        CAPTURE(keep);
        CHECK(alone<ipv4>(keep) == keep);
    }

    CHECK(alone<ipv6>("ping ::1 ok, link fe80::1 up") == "ping [IP] ok, link [IP] up");
    CHECK(alone<ipv6>("client [2001:db8::8a2e:370:7334]:443") == "client [[IP]]:443");
    CHECK(alone<ipv6>("2001:0db8:85a3:0000:0000:8a2e:0370:7334 and 1080:0:0:0:8:800:200C:417A") == "[IP] and [IP]");
    CHECK(alone<ipv6>("mapped ::ffff:192.0.2.1 here") == "mapped [IP] here");
    CHECK(alone<ipv6>("fe80::1ff:fe23:4567:890a%eth0") == "[IP]%eth0");
    CHECK(alone<ipv6>("fe80::1: reachable") == "[IP]: reachable");
    for (const char* keep : {"12:30:45", "15:51:00.123", "a:b", "00:1A:2B:3C:4D:5E", "std::vector", "abc::def",
                             "dead::beef", "x[::2]", "x[1::2]", "localhost:8080", "1:2:3:4:5:6:7", "1::2::3",
                             "fe80::1g", "{\"a\":1}", "http://x", ":::1"}) {
        CAPTURE(keep);
        CHECK(alone<ipv6>(keep) == keep);
    }
    CHECK(redactors::ipv6::canonical("FE80::1") == "fe80::1");
}

TEST_CASE("secrets: API keys, cloud and GitHub tokens") {
    CHECK(alone<redactors::api_key>("OPENAI_API_KEY=sk-proj-4fQ9xT2LmN8pR1vK7wZ3yH6jB0cD5eG") == "OPENAI_API_KEY=[API_KEY]");
    CHECK(alone<redactors::api_key>("x-api-key: sk-ant-api03-Zx81QwErTy7UiOp3AsDf9GhJkL2ZxCv-_BnM4 sent") ==
          "x-api-key: [API_KEY] sent");
    CHECK(alone<redactors::api_key>("sk-abcdefghijklmnopqr1") == "sk-abcdefghijklmnopqr1");   // 19 after the prefix
    CHECK(alone<redactors::api_key>("sk-abcdefghijklmnopqrst1") == "[API_KEY]");
    for (const char* keep : {"sk-learn-style-naming-is-fine-here", "task-abcdefghijklmnopqrst1", "ask-Abcdefghijklmnopqrst1",
                             "sk-short1"}) {
        CAPTURE(keep);
        CHECK(alone<redactors::api_key>(keep) == keep);
    }

    CHECK(alone<redactors::aws_access_key>("aws_access_key_id = AKIAIOSFODNN7EXAMPLE") == "aws_access_key_id = [AWS_KEY]");
    CHECK(alone<redactors::aws_access_key>("ASIAY34FZKBOKMUTVV7A,") == "[AWS_KEY],");
    for (const char* keep : {"xAKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPL", "AKIAIOSFODNN7EXAMPLE1", "AKIAiosfodnn7example",
                             "AIDAIOSFODNN7EXAMPLE"}) {
        CAPTURE(keep);
        CHECK(alone<redactors::aws_access_key>(keep) == keep);
    }

    CHECK(alone<redactors::github_token>("export GH_TOKEN=ghp_16C7e42F292c6912E7710c838347Ae178B4a") ==
          "export GH_TOKEN=[GITHUB_TOKEN]");
    CHECK(alone<redactors::github_token>("gho_16C7e42F292c6912E7710c838347Ae178B4a ghs_16C7e42F292c6912E7710c838347Ae178B4a") ==
          "[GITHUB_TOKEN] [GITHUB_TOKEN]");
    CHECK(alone<redactors::github_token>("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz") == "[GITHUB_TOKEN]");
    for (const char* keep : {"ghp_16C7e42F292c6912E7710c838347Ae178B4", "ghx_16C7e42F292c6912E7710c838347Ae178B4a",
                             "xghp_16C7e42F292c6912E7710c838347Ae178B4a", "github_pat_short", "snake_case_name"}) {
        CAPTURE(keep);
        CHECK(alone<redactors::github_token>(keep) == keep);
    }
}

TEST_CASE("secrets: JWTs, bearer tokens, private keys") {
    const std::string token =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    CHECK(alone<redactors::jwt>("session " + token + " expired") == "session [JWT] expired");
    CHECK(alone<redactors::jwt>("unsigned eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0. ok") == "unsigned [JWT]. ok");
    CHECK(alone<redactors::jwt>("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0 alone") == "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0 alone");
    CHECK(alone<redactors::jwt>("keyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.abc") == "keyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.abc");
    CHECK(alone<redactors::jwt>("eyJ.a.b") == "eyJ.a.b");

    CHECK(alone<redactors::bearer_token>("Authorization: Bearer " + token) == "Authorization: Bearer [BEARER]");
    CHECK(alone<redactors::bearer_token>("curl -H 'Authorization: bearer 0b79bab50daca910b000d4f1a2b675d604257e42'") ==
          "curl -H 'Authorization: bearer [BEARER]'");
    CHECK(alone<redactors::bearer_token>("BEARER\tABCDEFGHIJKLMNOP1234.") == "BEARER\t[BEARER].");
    for (const char* keep : {"a bearer of-good-tidings-everywhere", "Bearer short1", "the bearer bonds",
                             "forbearer ABCDEFGHIJKLMNOP1234", "Bearer:ABCDEFGHIJKLMNOP1234"}) {
        CAPTURE(keep);
        CHECK(alone<redactors::bearer_token>(keep) == keep);
    }

    const std::string pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgH\n"
                            "q0BfyzV7Uk4ZzD1Vv0i0ZV8J6xGuvWc=\n-----END RSA PRIVATE KEY-----";
    CHECK(alone<redactors::private_key>("key:\n" + pem + "\ndone") == "key:\n[PRIVATE_KEY]\ndone");
    CHECK(alone<redactors::private_key>("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
                                     "-----END OPENSSH PRIVATE KEY-----") == "[PRIVATE_KEY]");
    // Cut off before its END line: redacted through the end of the body.
    CHECK(alone<redactors::private_key>("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nMIIE\n\n") ==
          "[PRIVATE_KEY]\n\n");
    for (const char* keep : {"-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----",
                             "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", "-----BEGIN", "---- x"}) {
        CAPTURE(keep);
        CHECK(alone<redactors::private_key>(keep) == keep);
    }
}

TEST_CASE("pii: counts per detector name, find_all spans, one pass") {
    using everything = redactors::pii<redactors::all>;
    std::string text = "Mail jane@example.com or bob@example.org, call 415-555-0132, key AKIAIOSFODNN7EXAMPLE.";
    counts_map counts{{"email", 3}, {"other", 1}};
    everything::apply(text, counts);
    CHECK(text == "Mail [EMAIL] or [EMAIL], call [PHONE], key [AWS_KEY].");
    CHECK(counts == counts_map{{"aws_access_key", 1}, {"email", 5}, {"other", 1}, {"phone", 1}});

    const std::string_view source = "x 203.0.113.42 y fe80::1";
    const auto found = everything::find_all(source);
    REQUIRE(found.size() == 2);
    CHECK(found[0].detector == "ipv4");
    CHECK(source.substr(found[0].begin, found[0].end - found[0].begin) == "203.0.113.42");
    CHECK(found[1].detector == "ipv6");
    CHECK(source.substr(found[1].begin, found[1].end - found[1].begin) == "fe80::1");

    // The bearer header is found first, so its JWT is one bearer token.
    std::string header = "Authorization: Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.c2ln";
    counts_map c2;
    everything::apply(header, c2);
    CHECK(header == "Authorization: Bearer [BEARER]");
    CHECK(c2 == counts_map{{"bearer_token", 1}});
}

TEST_SUITE_END();

}  // namespace redact_detectors_tests
