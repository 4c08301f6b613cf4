#include <aitrail/integrity/jcs.hpp>

#include <doctest/doctest.h>

#include <cstdint>      // int64_t, uint64_t
#include <limits>       // numeric_limits
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view

namespace jcs_tests {

namespace {

using aitrail::canonicalize;
using aitrail::canonicalize_text;
using aitrail::jcs_error;
using json = nlohmann::json;

/// The jcs_error canonicalize() throws for `value`, or nullopt if it accepts it.
std::optional<jcs_error> jcs_error_of(const json& value) {
    try {
        (void)canonicalize(value);
    } catch (const jcs_error& e) {
        return e;
    }
    return std::nullopt;
}

/// json::parse without its warn_unused_result (for tests that expect a throw).
json parse_text(std::string_view text) { return json::parse(text); }

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

// UTF-8 encodings of the characters the key-order tests need.
const std::string u0080 = "\xC2\x80";
const std::string u00f6 = "\xC3\xB6";          // ö
const std::string u20ac = "\xE2\x82\xAC";      // €
const std::string ue000 = "\xEE\x80\x80";      // first private-use character
const std::string ufb33 = "\xEF\xAC\xB3";      // Hebrew letter dalet with dagesh
const std::string u1f600 = "\xF0\x9F\x98\x80";  // grinning face (D83D DE00)
const std::string u1f602 = "\xF0\x9F\x98\x82";  // face with tears of joy (D83D DE02)

}  // namespace

TEST_SUITE_BEGIN("jcs");

TEST_CASE("jcs: RFC 8785 3.2.3 keys sort by UTF-16 code units") {
    const json input = json::parse(R"({
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\ud83d\ude00": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis"
    })");
    const std::string expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"" + u0080 + "\":\"Control\",\"" + u00f6 +
                                 "\":\"Latin Small Letter O With Diaeresis\",\"" + u20ac + "\":\"Euro Sign\",\"" +
                                 u1f600 + "\":\"Emoji: Grinning Face\",\"" + ufb33 +
                                 "\":\"Hebrew Letter Dalet With Dagesh\"}";
    CHECK(canonicalize(input) == expected);
}

TEST_CASE("jcs: supplementary key sorts before U+FB33 and U+E000") {
    // Byte (code point) order would put U+E000 < U+FB33 < U+1F602; UTF-16
    // order puts the surrogate pair D83D DE02 first.
    json input = json::object();
    input[ufb33] = 1;
    input[ue000] = 2;
    input[u1f602] = 3;
    input["a"] = 4;
    CHECK(canonicalize(input) ==
          "{\"a\":4,\"" + u1f602 + "\":3,\"" + ue000 + "\":2,\"" + ufb33 + "\":1}");
}

TEST_CASE("jcs: two supplementary keys keep code point order") {
    json input = json::object();
    input[u1f602] = 2;
    input[u1f600] = 1;
    input[ufb33] = 3;
    CHECK(canonicalize(input) == "{\"" + u1f600 + "\":1,\"" + u1f602 + "\":2,\"" + ufb33 + "\":3}");
}

TEST_CASE("jcs: nested objects are sorted at every level") {
    json inner = json::object();
    inner[ufb33] = "late";
    inner[u1f600] = "early";
    json item = json::object();
    item[ue000] = nullptr;
    item[u1f602] = true;
    item["z"] = 1;
    json input = {{"b", {{"y", inner}, {"x", json::array({item, 2})}}}, {"a", json::object()}};
    CHECK(canonicalize(input) == "{\"a\":{},\"b\":{\"x\":[{\"z\":1,\"" + u1f602 + "\":true,\"" + ue000 +
                                     "\":null},2],\"y\":{\"" + u1f600 + "\":\"early\",\"" + ufb33 +
                                     "\":\"late\"}}}");
}

TEST_CASE("jcs: RFC 8785 3.2.2 sample") {
    const std::string text =
        R"({"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],)"
        R"( "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/", "literals": [null, true, false]})";
    CHECK(canonicalize_text(text) == R"({"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":")" +
                                         u20ac + R"($\u000f\nA'B\"\\\\\"/"})");
}

TEST_CASE("jcs: control characters use short or lowercase \\u00xx escapes") {
    std::string all;
    for (int c = 0; c < 0x20; ++c) all.push_back(static_cast<char>(c));
    CHECK(canonicalize(json(all)) ==
          R"("\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f)"
          R"(\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f")");
}

TEST_CASE("jcs: quote and backslash are escaped") {
    CHECK(canonicalize(json("a\"b\\c")) == R"("a\"b\\c")");
    CHECK(canonicalize(json("\"\\")) == R"("\"\\")");
}

TEST_CASE("jcs: DEL, non-ASCII and slash are written raw") {
    const std::string s = "\x7f/" + u00f6 + u20ac + u1f600 + "</script>";
    CHECK(canonicalize(json(s)) == "\"" + s + "\"");
}

TEST_CASE("jcs: escapes after a long plain run") {
    // Past the first 16 bytes, where the vectorized scan hands over.
    const std::string s = "0123456789abcdefghij\n" + u00f6 + "0123456789abcdef\"0123456789abcdef\x1f";
    CHECK(canonicalize(json(s)) ==
          "\"0123456789abcdefghij\\n" + u00f6 + "0123456789abcdef\\\"0123456789abcdef\\u001f\"");
}

TEST_CASE("jcs: escaped and non-ASCII keys") {
    json input = json::object();
    input["a\"b"] = 1;
    input["\n"] = 2;
    input[u00f6] = 3;
    CHECK(canonicalize(input) == "{\"\\n\":2,\"a\\\"b\":1,\"" + u00f6 + "\":3}");
}

TEST_CASE("jcs: literals, empty containers and arrays keep order") {
    CHECK(canonicalize(json(nullptr)) == "null");
    CHECK(canonicalize(json(true)) == "true");
    CHECK(canonicalize(json(false)) == "false");
    CHECK(canonicalize(json::array()) == "[]");
    CHECK(canonicalize(json::object()) == "{}");
    CHECK(canonicalize(json::array({3, "b", 1, json::array({2, 1})})) == R"([3,"b",1,[2,1]])");
}

TEST_CASE("jcs: numbers in ECMAScript form") {
    CHECK(canonicalize(json(-0.0)) == "0");
    CHECK(canonicalize(json(0.0)) == "0");
    CHECK(canonicalize(json(1e21)) == "1e+21");
    CHECK(canonicalize(json(1e20)) == "100000000000000000000");
    CHECK(canonicalize(json(1e-7)) == "1e-7");
    CHECK(canonicalize(json(0.000001)) == "0.000001");
    CHECK(canonicalize(json(333333333.33333329)) == "333333333.3333333");
    CHECK(canonicalize(json(4.5)) == "4.5");
    CHECK(canonicalize(json(-1.5)) == "-1.5");
    CHECK(canonicalize(json(0.1)) == "0.1");
    CHECK(canonicalize(json(100.0)) == "100");
    CHECK(canonicalize(json(123e-20)) == "1.23e-18");
    CHECK(canonicalize(json(-1e-7)) == "-1e-7");
    CHECK(canonicalize(json(5e-324)) == "5e-324");
    CHECK(canonicalize(json(1.7976931348623157e308)) == "1.7976931348623157e+308");
    CHECK(canonicalize(json(std::int64_t{-42})) == "-42");
    CHECK(canonicalize(json(std::uint64_t{42})) == "42");
}

TEST_CASE("jcs: 2^53 is accepted") {
    constexpr std::int64_t two53 = std::int64_t{1} << 53;
    CHECK(canonicalize(json(two53)) == "9007199254740992");
    CHECK(canonicalize(json(-two53)) == "-9007199254740992");
    CHECK(canonicalize(json(static_cast<std::uint64_t>(two53))) == "9007199254740992");
}

TEST_CASE("jcs: 2^53+1 is rejected with its location") {
    constexpr std::int64_t above = (std::int64_t{1} << 53) + 1;

    json as_int64 = {{"a", json::array({json(above)})}};
    REQUIRE(as_int64["a"][0].is_number_integer());
    auto e = jcs_error_of(as_int64);
    REQUIRE(e);
    CHECK(e->pointer() == "/a/0");
    CHECK(contains(e->problem(), "9007199254740993"));
    CHECK(contains(e->problem(), "exceeds 2^53"));
    CHECK(std::string(e->what()) == "aitrail: no canonical JSON form for value at '/a/0': " + e->problem());

    json as_uint64 = {{"a", json::array({json(static_cast<std::uint64_t>(above))})}};
    REQUIRE(as_uint64["a"][0].is_number_unsigned());
    e = jcs_error_of(as_uint64);
    REQUIRE(e);
    CHECK(e->pointer() == "/a/0");
    CHECK(contains(e->problem(), "9007199254740993"));

    e = jcs_error_of(json{{"b", -above}});
    REQUIRE(e);
    CHECK(e->pointer() == "/b");

    e = jcs_error_of(json(std::numeric_limits<std::uint64_t>::max()));
    REQUIRE(e);
    CHECK(e->pointer() == "");
}

TEST_CASE("jcs: NaN and Infinity are rejected") {
    auto e = jcs_error_of(json{{"x", {{"y", std::numeric_limits<double>::quiet_NaN()}}}});
    REQUIRE(e);
    CHECK(e->pointer() == "/x/y");
    CHECK(contains(e->problem(), "NaN and Infinity"));

    e = jcs_error_of(json::array({1, std::numeric_limits<double>::infinity()}));
    REQUIRE(e);
    CHECK(e->pointer() == "/1");

    e = jcs_error_of(json(-std::numeric_limits<double>::infinity()));
    REQUIRE(e);
    CHECK(e->pointer() == "");
}

TEST_CASE("jcs: pointer tokens escape ~ and /") {
    auto e = jcs_error_of(json{{"a/b~c", std::numeric_limits<double>::quiet_NaN()}});
    REQUIRE(e);
    CHECK(e->pointer() == "/a~1b~0c");
}

TEST_CASE("jcs: invalid UTF-8 in a value is rejected") {
    auto e = jcs_error_of(json{{"a", json::array({"ok", "x\xff"})}});
    REQUIRE(e);
    CHECK(e->pointer() == "/a/1");
    CHECK(contains(e->problem(), "invalid UTF-8 lead byte"));
    CHECK(contains(e->problem(), "at byte 1"));

    e = jcs_error_of(json("abc\xC3"));
    REQUIRE(e);
    CHECK(e->pointer() == "");
    CHECK(contains(e->problem(), "truncated UTF-8 sequence"));

    e = jcs_error_of(json("\xC0\xAF"));  // overlong '/'
    REQUIRE(e);
    CHECK(contains(e->problem(), "overlong"));

    e = jcs_error_of(json("\xF4\x90\x80\x80"));  // U+110000
    REQUIRE(e);
    CHECK(contains(e->problem(), "beyond U+10FFFF"));
}

TEST_CASE("jcs: invalid UTF-8 in a key is rejected") {
    json obj = json::object();
    obj["k\xff"] = 1;
    auto e = jcs_error_of(obj);
    REQUIRE(e);
    CHECK(e->pointer() == "/k\xff");
    CHECK(contains(e->problem(), "invalid UTF-8"));

    json nested = {{"outer", json::array({obj})}};
    e = jcs_error_of(nested);
    REQUIRE(e);
    CHECK(e->pointer() == "/outer/0/k\xff");
}

TEST_CASE("jcs: UTF-8 encoded lone surrogate is rejected") {
    auto e = jcs_error_of(json{{"s", "a\xED\xA0\x80"}});
    REQUIRE(e);
    CHECK(e->pointer() == "/s");
    CHECK(contains(e->what(), "lone surrogate"));

    e = jcs_error_of(json("\xED\xBF\xBF"));  // U+DFFF, a low surrogate
    REQUIRE(e);
    CHECK(contains(e->what(), "lone surrogate"));
}

TEST_CASE("jcs: nlohmann itself rejects a lone surrogate escape") {
    // So a "\ud800" in JSON text never reaches the canonical writer: the
    // parser refuses it first.
    CHECK_THROWS_AS((void)parse_text(R"("\ud800")"), json::parse_error);
    CHECK_THROWS_AS((void)parse_text(R"("\udc00")"), json::parse_error);
    CHECK_THROWS_AS((void)parse_text(R"({"\ud800x": 1})"), json::parse_error);
    CHECK_THROWS_AS((void)canonicalize_text(R"(["\ud800"])"), json::parse_error);
}

TEST_CASE("jcs: binary values are rejected") {
    auto e = jcs_error_of(json{{"b", json::binary({1, 2, 3})}});
    REQUIRE(e);
    CHECK(e->pointer() == "/b");
}

TEST_CASE("jcs: canonical text round trips to itself") {
    const std::string canonical = "{\"a\":[1,-2,0.5,1e+21,1e-7,\"x\\u001f\\n\"],\"b\":{\"c\":null,\"d\":true},\"" +
                                  u1f602 + "\":\"" + u00f6 + "\\\\\",\"" + ue000 + "\":[],\"" + ufb33 + "\":{}}";
    CHECK(canonicalize_text(canonical) == canonical);
    CHECK(canonicalize_text(canonicalize_text(canonical)) == canonical);
}

TEST_CASE("jcs: canonicalize_text removes whitespace and reorders") {
    CHECK(canonicalize_text(" { \"b\" : [ 1 , 2.0 ] ,\n\t\"a\" : \"\\u0041\\/\" } ") == R"({"a":"A/","b":[1,2]})");
}

TEST_CASE("jcs: write_canonical appends") {
    std::string out = "prefix:";
    aitrail::write_canonical(out, json{{"k", 1}});
    CHECK(out == R"(prefix:{"k":1})");
}

TEST_SUITE_END();

}  // namespace jcs_tests
