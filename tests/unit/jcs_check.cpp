#include <aitrail/detail/jcs_check.hpp>

#include <doctest/doctest.h>

#include <algorithm>    // sort
#include <cstddef>      // size_t
#include <cstdint>      // uint32_t
#include <cstring>      // memcpy
#include <iterator>     // size
#include <memory>       // unique_ptr
#include <string>       // string, u16string, to_string
#include <utility>      // swap
#include <string_view>  // string_view
#include <vector>       // vector

namespace jcs_check_tests {

namespace {

using aitrail::detail::check_canonical;
using aitrail::detail::for_each_member;
using aitrail::detail::jcs_max_depth;
using aitrail::detail::json_member;

/// Copies `text` into a heap block of exactly its size, so that a read one
/// byte past the end lands outside the allocation where the sanitizer sees it
/// (a std::string's terminator and spare capacity would hide it).
struct exact_copy {
    /// The copied bytes, with no terminator.
    std::unique_ptr<char[]> bytes;
    /// Number of bytes copied.
    std::size_t size;
    /// Copies `text`.
    explicit exact_copy(std::string_view text) : bytes(new char[text.size()]), size(text.size()) {
        if (!text.empty()) std::memcpy(bytes.get(), text.data(), text.size());
    }
    /// The copy as a view.
    std::string_view view() const { return {bytes.get(), size}; }
};

/// Checks that `text` is accepted.
void accept(std::string_view text) {
    const exact_copy copy(text);
    const auto violation = check_canonical(copy.view());
    INFO("text: ", std::string(text));
    if (violation) INFO("offset ", violation->offset, ": ", violation->reason);
    CHECK_FALSE(violation.has_value());
}

/// Checks that `text` is rejected for `reason` at `offset`.
void reject(std::string_view text, std::string_view reason, std::size_t offset) {
    const exact_copy copy(text);
    const auto violation = check_canonical(copy.view());
    INFO("text: ", std::string(text));
    REQUIRE(violation.has_value());
    CHECK(std::string_view(violation->reason) == reason);
    CHECK(violation->offset == offset);
}

/// The shape of a trail line, as the verifier meets it.
const std::string trail_line =
    R"({"content":{"input":"Summarize the quarterly report, \"Q3\" edition.\nKeep it short: 3 bullets.",)"
    R"("output":"- Revenue up 4%\n- Costs flat\n- Outlook \u001f stable )" "\xc3\xa9t\xc3\xa9" R"("},)"
    R"("hash":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",)"
    R"("prev":"0000000000000000000000000000000000000000000000000000000000000000",)"
    R"("rec":{"action":"messages.create","id":"0193a5b2-7c1e-7d3f-9a2b-3c4d5e6f7a8b","kind":"llm.call",)"
    R"("latency_us":812000,"model":{"name":"claude-sonnet-4"},"status":"ok","ts":"2026-11-22T10:00:00.123456Z",)"
    R"("usage":{"input_tokens":310,"output_tokens":95}},"seq":12,"v":1})";

}  // namespace

TEST_SUITE_BEGIN("jcs_check");

TEST_CASE("check_canonical accepts canonical scalars") {
    for (const char* text : {"0", "-1", "1.5", "-0.5", "0.1", "1e+30", "1e-7", "0.000001", "9007199254740992",
                             "333333333.3333333", "123456789012345", "-123456789012345", "100000000000000000000",
                             "1e+21", "5e-324", "1.7976931348623157e+308", "-1.7976931348623157e+308",
                             "123456789012345680", "4.35", "true", "false", "null", R"("")", R"("plain")"})
        accept(text);
}

TEST_CASE("check_canonical accepts nested and empty containers") {
    for (const char* text : {"{}", "[]", "[[[]]]", R"([{},[],"",0])", R"({"a":{},"b":[]})",
                             R"({"a":{"b":[1,2,{"c":null}],"d":[]},"e":{"f":true,"g":false}})",
                             R"([{"z":1},{"a":2}])", R"({"b":{"a":1,"z":2},"c":{"a":1}})"})
        accept(text);
    accept(trail_line);
}

TEST_CASE("check_canonical accepts the canonical escapes and raw UTF-8") {
    accept(R"("\b\t\n\f\r\u0000\u001f\"\\")");
    accept(R"("\u0001\u000b\u000e\u001e")");
    accept("\"\x7f\"");                                   // DEL is written raw
    accept("\"/\"");                                       // so is the solidus
    accept("\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");  // 2-, 3- and 4-byte forms
    accept("\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf\"");  // edges around the surrogates
    accept("\"\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"");                                  // U+10000 and U+10FFFF
}

TEST_CASE("check_canonical orders keys by UTF-16 code units") {
    // RFC 8785 section 3.2.3: the supplementary-plane emoji sorts before U+FB33,
    // although its UTF-8 bytes sort after.
    const std::string rfc_example =
        "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
        "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\","
        "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\",\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}";
    accept(rfc_example);
    accept("{\"\xf0\x9f\x98\x82\":1,\"\xef\xac\xb3\":2}");
    reject("{\"\xef\xac\xb3\":1,\"\xf0\x9f\x98\x82\":2}", "keys not in UTF-16 order", 9);
    // Below the surrogates, UTF-16 and code point order agree.
    accept("{\"\xed\x9f\xbf\":1,\"\xf0\x9f\x98\x82\":2}");
    reject("{\"\xf0\x9f\x98\x82\":1,\"\xed\x9f\xbf\":2}", "keys not in UTF-16 order", 10);
    // Two supplementary characters sort by code point.
    accept("{\"\xf0\x9f\x98\x80\":1,\"\xf0\x9f\x98\x82\":2}");
    // Escapes sort by the character they stand for, not by their spelling.
    accept(R"({"\t":1,"\n":2})");
    reject(R"({"\n":1,"\t":2})", "keys not in UTF-16 order", 8);
    accept(R"({"\u001f":1,"\"":2,"\\":3,"a":4})");
    reject(R"({"\\":1,"\"":2})", "keys not in UTF-16 order", 8);
    // A key sorts after its own prefixes.
    accept(R"({"":1,"a":2,"ab":3,"b":4})");
    reject(R"({"ab":1,"a":2})", "keys not in UTF-16 order", 8);
    reject(R"({"b":1,"a":2})", "keys not in UTF-16 order", 7);
    // Each object level keeps its own order, across nested objects.
    reject(R"({"b":{"z":1},"a":2})", "keys not in UTF-16 order", 13);
    reject(R"([{"a":1},{"c":{"x":1},"b":2}])", "keys not in UTF-16 order", 22);
}

namespace {

/// The canonical JSON string body of code point `cp`, as RFC 8785 writes it.
std::string canonical_char(std::uint32_t cp) {
    switch (cp) {
    case 0x08: return "\\b";
    case 0x09: return "\\t";
    case 0x0a: return "\\n";
    case 0x0c: return "\\f";
    case 0x0d: return "\\r";
    case '"': return "\\\"";
    case '\\': return "\\\\";
    default: break;
    }
    const auto byte = [](std::uint32_t b) { return static_cast<char>(b); };
    if (cp < 0x20) return std::string("\\u00") + "0123456789abcdef"[cp >> 4] + "0123456789abcdef"[cp & 15];
    if (cp < 0x80) return std::string(1, byte(cp));
    if (cp < 0x800) return {byte(0xc0 | (cp >> 6)), byte(0x80 | (cp & 0x3f))};
    if (cp < 0x10000) return {byte(0xe0 | (cp >> 12)), byte(0x80 | ((cp >> 6) & 0x3f)), byte(0x80 | (cp & 0x3f))};
    return {byte(0xf0 | (cp >> 18)), byte(0x80 | ((cp >> 12) & 0x3f)), byte(0x80 | ((cp >> 6) & 0x3f)),
            byte(0x80 | (cp & 0x3f))};
}

/// A key both as canonical JSON text and as the UTF-16 code units it sorts by.
struct test_key {
    /// Raw bytes between the quotes.
    std::string json;
    /// The key's value in UTF-16.
    std::u16string utf16;
};

}  // namespace

TEST_CASE("check_canonical agrees with a UTF-16 sort of random keys") {
    // Code points chosen around every boundary where UTF-8 byte order, code
    // point order and UTF-16 order could part ways.
    const std::uint32_t pool[] = {0x00,   0x08,   0x09,   0x0a,   0x1f,   0x20,    0x22,    0x2f,    0x41,
                                  0x5c,   0x7f,   0x80,   0xff,   0x7ff,  0x800,   0x20ac,  0xd7ff,  0xe000,
                                  0xfb33, 0xffff, 0x10000, 0x1f600, 0x1f602, 0xfffff, 0x10ffff};
    std::uint32_t state = 777;
    const auto next = [&state] {
        state = state * 1664525u + 1013904223u;
        return state >> 8;
    };
    for (int round = 0; round < 300; ++round) {
        std::vector<test_key> keys;
        const std::size_t count = 2 + next() % 12;
        while (keys.size() < count) {
            test_key key;
            for (std::size_t n = next() % 4; n > 0; --n) {
                const std::uint32_t cp = pool[next() % std::size(pool)];
                key.json += canonical_char(cp);
                if (cp < 0x10000) {
                    key.utf16 += static_cast<char16_t>(cp);
                } else {
                    key.utf16 += static_cast<char16_t>(0xd800 + ((cp - 0x10000) >> 10));
                    key.utf16 += static_cast<char16_t>(0xdc00 + ((cp - 0x10000) & 0x3ff));
                }
            }
            bool fresh = true;
            for (const test_key& k : keys) fresh = fresh && k.utf16 != key.utf16;
            if (fresh) keys.push_back(key);
        }
        std::sort(keys.begin(), keys.end(), [](const test_key& a, const test_key& b) { return a.utf16 < b.utf16; });
        const auto object = [&keys](std::size_t swap_at, bool duplicate, std::size_t& offset) {
            std::vector<test_key> order = keys;
            if (duplicate) order[swap_at + 1] = order[swap_at];
            else std::swap(order[swap_at], order[swap_at + 1]);
            std::string text = "{";
            for (std::size_t i = 0; i < order.size(); ++i) {
                if (i > 0) text += ',';
                if (i == swap_at + 1) offset = text.size();
                text += '"' + order[i].json + "\":" + std::to_string(i);
            }
            return text + "}";
        };
        std::string in_order = "{";
        for (std::size_t i = 0; i < keys.size(); ++i)
            in_order += (i > 0 ? ",\"" : "\"") + keys[i].json + "\":" + std::to_string(i);
        accept(in_order + "}");
        const std::size_t at = next() % (keys.size() - 1);
        std::size_t offset = 0;
        const std::string swapped = object(at, false, offset);
        reject(swapped, "keys not in UTF-16 order", offset);
        const std::string duplicated = object(at, true, offset);
        reject(duplicated, "duplicate key", offset);
    }
}

TEST_CASE("check_canonical rejects duplicate keys") {
    reject(R"({"a":1,"a":2})", "duplicate key", 7);
    reject(R"({"\n":1,"\n":2})", "duplicate key", 8);
    reject("{\"\xe2\x82\xac\":1,\"\xe2\x82\xac\":2}", "duplicate key", 9);
    reject(R"({"":1,"":2})", "duplicate key", 6);
}

TEST_CASE("check_canonical rejects whitespace outside strings") {
    reject(R"({"a": 1})", "whitespace outside a string", 5);
    reject(R"({"a" :1})", "whitespace outside a string", 4);
    reject(R"({ "a":1})", "whitespace outside a string", 1);
    reject(R"({"a":1 })", "whitespace outside a string", 6);
    reject("[1,\t2]", "whitespace outside a string", 3);
    reject("[1\r]", "whitespace outside a string", 2);
    reject(" 1", "whitespace outside a string", 0);
    reject("{}\n", "whitespace outside a string", 2);
    reject("{}\r\n", "whitespace outside a string", 2);
    accept(R"(" a b ")");
}

TEST_CASE("check_canonical rejects escapes other than the canonical ones") {
    reject(R"("\/")", "unnecessary escape", 1);
    reject(R"("ab\u0041")", "unnecessary escape", 3);
    reject(R"("\u20ac")", "unnecessary escape", 1);
    reject(R"("\u007f")", "unnecessary escape", 1);
    reject(R"("\ud83d\ude00")", "unnecessary escape", 1);
    reject(R"("\u001F")", "escape must use lowercase hex", 1);
    reject(R"("\u001b\u001B")", "escape must use lowercase hex", 7);
    reject(R"("\u000a")", "escape must use the short form", 1);
    reject(R"("\u0009")", "escape must use the short form", 1);
    reject(R"("\u000C")", "escape must use the short form", 1);
    reject(R"("\x")", "invalid escape", 1);
    reject(R"("\a")", "invalid escape", 1);
    reject(R"("\u00g0")", "invalid escape", 1);
    reject(R"("\U0001")", "invalid escape", 1);
    reject(R"({"\/":1})", "unnecessary escape", 2);
}

TEST_CASE("check_canonical rejects raw control characters") {
    reject("\"a\x01" "b\"", "control character must be escaped", 2);
    reject("\"\t\"", "control character must be escaped", 1);
    reject("\"line\nbreak\"", "control character must be escaped", 5);
    reject(std::string_view("\"\0\"", 3), "control character must be escaped", 1);
    reject("{\"k\x1f\":1}", "control character must be escaped", 3);
}

TEST_CASE("check_canonical rejects invalid UTF-8") {
    reject("\"\x80\"", "invalid UTF-8", 1);              // stray continuation byte
    reject("\"ab\xbf\"", "invalid UTF-8", 3);
    reject("\"\xc3(\"", "invalid UTF-8", 1);             // missing continuation
    reject("\"\xe2\x82(\"", "invalid UTF-8", 1);
    reject("\"\xf0\x9f\x98(\"", "invalid UTF-8", 1);
    reject("\"\xe2\x82\"", "invalid UTF-8", 1);          // cut short by the quote
    reject("\"\xf5\x80\x80\x80\"", "invalid UTF-8", 1);  // no such lead byte
    reject("\"\xff\"", "invalid UTF-8", 1);
    reject("\"\xf4\x90\x80\x80\"", "invalid UTF-8", 1);  // above U+10FFFF
    reject("{\"\xfe\":1}", "invalid UTF-8", 2);
}

TEST_CASE("check_canonical rejects overlong UTF-8 forms") {
    for (const char* text : {"\"\xc0\xaf\"", "\"\xc1\xbf\"", "\"\xe0\x80\xaf\"", "\"\xe0\x9f\xbf\"", "\"\xf0\x80\x80\xaf\"",
                             "\"\xf0\x8f\xbf\xbf\""})
        reject(text, "invalid UTF-8", 1);
}

TEST_CASE("check_canonical rejects surrogates encoded in UTF-8") {
    reject("\"\xed\xa0\x80\"", "lone surrogate", 1);
    reject("\"x\xed\xbf\xbf\"", "lone surrogate", 2);
    reject("\"\xed\xa0\xbd\xed\xb8\x80\"", "lone surrogate", 1);  // a pair, CESU-8 style
}

TEST_CASE("check_canonical rejects numbers not in ES6 form") {
    for (const char* text : {"1.0", "1.50", "1E3", "1e3", "-0", "-0.0", "01", "00", "-01", "1e21", "1000000000000000000000",
                             "1e+030", "0.0000001", "1e-6",
                             "9007199254740993",  // not the shortest form of its double
                             "123456789012345678", "0.30000000000000004440892098500626",
                             "1e400",  // overflows to infinity
                             "1e-400", "1.", "1.e5", "-", "1-2"})
        reject(text, "non-canonical number", 0);
    reject("[1,-0]", "non-canonical number", 3);
    reject(R"({"a":2.50})", "non-canonical number", 5);
    for (const char* text : {"NaN", "Infinity", "+1", ".5"}) reject(text, "unexpected character", 0);
}

TEST_CASE("check_canonical rejects anything after the value") {
    reject("{}x", "trailing bytes after value", 2);
    reject("{}{}", "trailing bytes after value", 2);
    reject("1,2", "trailing bytes after value", 1);
    reject(R"("a""b")", "trailing bytes after value", 3);
    reject("falsey", "trailing bytes after value", 5);
    reject("nulll", "trailing bytes after value", 4);
    reject(std::string_view("0\0", 2), "trailing bytes after value", 1);
}

TEST_CASE("check_canonical rejects malformed structure") {
    reject("", "unexpected end of text", 0);
    reject("tru", "invalid literal", 0);
    reject("True", "unexpected character", 0);
    reject("[nul]", "invalid literal", 1);
    reject(R"({"a"})", "expected ':'", 4);
    reject("{1:2}", "expected a string key", 1);
    reject(R"({"a":1,})", "expected a string key", 7);
    reject("[1,]", "unexpected character", 3);
    reject("[,]", "unexpected character", 1);
    reject("[1:2]", "expected ',' or ']'", 2);
    reject(R"({"a":1])", "expected ',' or '}'", 6);
    reject("]", "unexpected character", 0);
    reject("[", "unexpected end of text", 1);
    reject(R"({"a":)", "unexpected end of text", 5);
    reject(R"({"a")", "unexpected end of text", 4);
    reject(R"({"a":1)", "unexpected end of text", 6);
    reject(R"("abc)", "unterminated string", 0);
    reject(R"({"a":"b)", "unterminated string", 5);
    reject(R"("\)", "unterminated string", 0);
    reject(R"("\u00)", "unterminated string", 0);
}

TEST_CASE("check_canonical bounds the nesting depth") {
    std::string deep(jcs_max_depth, '[');
    deep.append(jcs_max_depth, ']');
    accept(deep);
    std::string deeper(jcs_max_depth + 1, '[');
    deeper.append(jcs_max_depth + 1, ']');
    reject(deeper, "nesting too deep", jcs_max_depth);
    std::string objects;
    for (std::size_t i = 0; i < jcs_max_depth; ++i) objects += R"({"a":)";
    objects += "1";
    objects.append(jcs_max_depth, '}');
    accept(objects);
    reject(std::string(100000, '['), "nesting too deep", jcs_max_depth);
}

TEST_CASE("check_canonical rejects every proper prefix of a canonical text") {
    const std::vector<std::string> texts = {
        trail_line,
        "{\"a\":[1,-2.5,1e+30,true,false,null,{}],\"b\":\"\\u0000\\n\xf0\x9f\x98\x80\xc3\xa9\",\"c\":{\"d\":[[]]}}",
        std::string("\"").append(70, 'x').append("\xe2\x82\xac").append(40, 'y').append("\""),
        "[123456789012345680,-1.5e+300,0.000001]",  // a bare number's prefixes are numbers too
    };
    for (const std::string& text : texts) {
        accept(text);
        for (std::size_t n = 0; n < text.size(); ++n) {
            const exact_copy prefix(std::string_view(text).substr(0, n));
            INFO("prefix length ", n, " of: ", text);
            CHECK(check_canonical(prefix.view()).has_value());
        }
    }
}

TEST_CASE("check_canonical finds the first special byte at every position of a long string") {
    // Positions around the 16- and 32-byte blocks the vector loop reads.
    for (std::size_t at = 0; at < 80; ++at) {
        std::string text = "\"" + std::string(100, 'a') + "\"";
        CAPTURE(at);
        text[1 + at] = '\x01';
        reject(text, "control character must be escaped", 1 + at);
        text[1 + at] = '\x80';
        reject(text, "invalid UTF-8", 1 + at);
        text[1 + at] = '\\';
        reject(text, "invalid escape", 1 + at);
        text[1 + at] = '"';
        reject(text, "trailing bytes after value", 2 + at);
        text.resize(2 + at);
        accept(text);
    }
}

TEST_CASE("check_canonical survives corrupted input") {
    // Flipping bytes of a canonical text must give a verdict, never a crash
    // or an out-of-bounds read (the sanitizers watch the exact-size copies).
    const std::string base = trail_line;
    std::uint32_t state = 12345;
    const auto next = [&state] {
        state = state * 1664525u + 1013904223u;
        return state >> 8;
    };
    const char bytes[] = {'"', '\\', '{', '}', '[', ']', ',', ':', ' ',
                          'u', '0', '-', 'e', '\x80', '\xed', '\xf0', '\x01'};
    for (int round = 0; round < 3000; ++round) {
        std::string text = base;
        const int flips = 1 + static_cast<int>(next() % 3);
        for (int k = 0; k < flips; ++k) text[next() % text.size()] = bytes[next() % sizeof bytes];
        text.resize(next() % (text.size() + 1));
        const exact_copy copy(text);
        const auto violation = check_canonical(copy.view());
        if (violation) CHECK(violation->offset <= text.size());
    }
}

TEST_CASE("for_each_member splits an object into its members") {
    const std::string_view text =
        R"({"a":1,"b":"x}y,\"z\\","c":[1,{"d":"]}"},[]],"e":{"f":[],"g":"{"},"h\"i":null,"j":-1.5e+30,)"
        "\"m\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\\\"},\xe2\x82\xac\\\\\"}";
    /// A member as reported, kept beyond the callback.
    struct seen {
        std::string key;
        std::string value;
        std::size_t offset;
    };
    std::vector<seen> members;
    const bool ok = for_each_member(text, [&](const json_member& m) {
        members.push_back({std::string(m.key), std::string(m.value), m.value_offset});
    });
    CHECK(ok);
    REQUIRE(members.size() == 7);
    CHECK(members[0].key == "a");
    CHECK(members[0].value == "1");
    CHECK(members[1].key == "b");
    CHECK(members[1].value == R"("x}y,\"z\\")");
    CHECK(members[2].key == "c");
    CHECK(members[2].value == R"([1,{"d":"]}"},[]])");
    CHECK(members[3].key == "e");
    CHECK(members[3].value == R"({"f":[],"g":"{"})");
    CHECK(members[4].key == R"(h\"i)");
    CHECK(members[4].value == "null");
    CHECK(members[5].key == "j");
    CHECK(members[5].value == "-1.5e+30");
    CHECK(members[6].key == "m");
    CHECK(members[6].value ==
          "\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\\\"},\xe2\x82\xac\\\\\"");
    for (const seen& m : members) CHECK(text.substr(m.offset, m.value.size()) == m.value);
    CHECK_FALSE(check_canonical(text).has_value());
}

TEST_CASE("for_each_member splits a trail line") {
    const std::string line = trail_line;
    REQUIRE_FALSE(check_canonical(line).has_value());
    std::vector<std::string> keys;
    std::string_view hash;
    std::size_t hash_offset = 0;
    CHECK(for_each_member(line, [&](const json_member& m) {
        keys.emplace_back(m.key);
        if (m.key == "hash") {
            hash = m.value;
            hash_offset = m.value_offset;
        }
    }));
    CHECK(keys == std::vector<std::string>{"content", "hash", "prev", "rec", "seq", "v"});
    CHECK(hash == R"("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")");
    CHECK(line.compare(hash_offset, hash.size(), hash) == 0);
}

TEST_CASE("for_each_member accepts empty objects and insignificant whitespace") {
    int calls = 0;
    const auto count = [&calls](const json_member&) noexcept { ++calls; };
    CHECK(for_each_member("{}", count));
    CHECK(for_each_member(" { } ", count));
    CHECK(calls == 0);
    std::vector<std::string> values;
    CHECK(for_each_member(" { \"a\" : 1 ,\n\"b\" : [ 2 ] } ",
                          [&](const json_member& m) { values.emplace_back(m.value); }));
    CHECK(values == std::vector<std::string>{"1", "[ 2 ]"});
    static_assert(noexcept(for_each_member("{}", count)));
}

TEST_CASE("for_each_member returns false for non-objects and malformed objects") {
    const auto ignore = [](const json_member&) noexcept {};
    for (const char* text : {"", "[]", "[{\"a\":1}]", "\"x\"", "1", "null", "{", "}", "{\"a\"", "{\"a\":", "{\"a\":}",
                             "{\"a\":1", "{\"a\":1,}", "{\"a\":1}x", "{\"a\":1}{}", "{\"a\":\"open}", "{\"a\":[1,2}",
                             "{a:1}", "{\"a\" 1}", "{\"a\":1 \"b\":2}", "{,}", "{\"a\":\"\\", "{\"a\\"}) {
        const exact_copy copy(text);
        INFO("text: ", text);
        CHECK_FALSE(for_each_member(copy.view(), ignore));
    }
}

TEST_CASE("for_each_member rejects every proper prefix of an object") {
    const auto ignore = [](const json_member&) noexcept {};
    for (std::size_t n = 0; n < trail_line.size(); ++n) {
        const exact_copy prefix(std::string_view(trail_line).substr(0, n));
        INFO("prefix length ", n);
        CHECK_FALSE(for_each_member(prefix.view(), ignore));
    }
}

TEST_SUITE_END();

}  // namespace jcs_check_tests
