#include <aitrail/detail/capture/sse.hpp>

#include <doctest/doctest.h>

#include <cstddef>      // size_t
#include <stdexcept>    // length_error
#include <string>       // string
#include <string_view>  // string_view
#include <utility>      // pair
#include <vector>       // vector

namespace sse_parser_tests {

namespace {

using aitrail::detail::sse_parser;
using events = std::vector<std::pair<std::string, std::string>>;

/// Feeds `chunks` in order; returns the events and what finish() said.
struct parsed {
    events got;
    bool pending = false;
};

parsed parse_chunks(const std::vector<std::string_view>& chunks, sse_parser p = sse_parser{}) {
    parsed out;
    for (auto chunk : chunks)
        p.feed(chunk, [&](std::string_view e, std::string_view d) { out.got.emplace_back(e, d); });
    out.pending = p.finish();
    return out;
}

parsed parse(std::string_view stream) { return parse_chunks({stream}); }

// Every line ending, a comment, multi-line and empty data, a multi-byte
// character, a BOM, an event without data, the leniency, and a tail.
const std::string mixed =
    "\xEF\xBB\xBF"
    ": keep-alive\r\n"
    "event: message_start\r\n"
    "data: {\"a\":1}\r\n"
    "\r\n"
    "data: first\r"
    "data:second\r"
    "data\r"
    "\r"
    "event: lonely\n"
    "\n"
    "event: caf\xC3\xA9 \xE2\x82\xAC\n"
    "data:  two spaces \xF0\x9F\x98\x80\n"
    "id: 42\n"
    "\n"
    "event: one\n"
    "data: 1\n"
    "event: two\n"
    "data: 2\n"
    "\n"
    "data: cut";

const events mixed_events = {
    {"message_start", "{\"a\":1}"},
    {"message", "first\nsecond\n"},
    {"caf\xC3\xA9 \xE2\x82\xAC", " two spaces \xF0\x9F\x98\x80"},
    {"one", "1"},
    {"two", "2"},
};

}  // namespace

TEST_SUITE_BEGIN("sse_parser");

TEST_CASE("sse_parser: a mixed stream in one chunk") {
    const auto r = parse(mixed);
    CHECK(r.got == mixed_events);
    CHECK(r.pending);  // "data: cut" was never ended by a blank line
}

TEST_CASE("sse_parser: byte by byte gives the same events") {
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < mixed.size(); ++i) bytes.push_back(std::string_view(mixed).substr(i, 1));
    const auto r = parse_chunks(bytes);
    CHECK(r.got == mixed_events);
    CHECK(r.pending);
}

TEST_CASE("sse_parser: every split into two chunks gives the same events") {
    const std::string_view s = mixed;
    for (std::size_t i = 0; i <= s.size(); ++i) {
        CAPTURE(i);
        const auto r = parse_chunks({s.substr(0, i), s.substr(i)});
        CHECK(r.got == mixed_events);
        CHECK(r.pending);
    }
}

TEST_CASE("sse_parser: every split into three chunks gives the same events") {
    const std::string_view s = mixed;
    for (std::size_t i = 0; i <= s.size(); ++i)
        for (std::size_t j = i; j <= s.size(); ++j) {
            const auto r = parse_chunks({s.substr(0, i), s.substr(i, j - i), s.substr(j)});
            if (r.got != mixed_events) {
                CAPTURE(i);
                CAPTURE(j);
                FAIL_CHECK("events differ");
            }
        }
}

TEST_CASE("sse_parser: LF, CRLF and CR end lines alike") {
    const events want = {{"e", "x\ny"}};
    CHECK(parse("event: e\ndata: x\ndata: y\n\n").got == want);
    CHECK(parse("event: e\r\ndata: x\r\ndata: y\r\n\r\n").got == want);
    CHECK(parse("event: e\rdata: x\rdata: y\r\r").got == want);
    CHECK(parse("event: e\r\ndata: x\rdata: y\n\r\n").got == want);
}

TEST_CASE("sse_parser: CRLF split between CR and LF is one line end") {
    // A CR at the end of a chunk followed by LF must not count as two line
    // ends: that would be a blank line and dispatch too early.
    const auto r = parse_chunks({"data: a\r", "\ndata: b\r", "\n\r", "\n"});
    CHECK(r.got == events{{"message", "a\nb"}});
    CHECK_FALSE(r.pending);
    // A CR chunk followed by a chunk that is not LF.
    CHECK(parse_chunks({"data: a\r", "\r"}).got == events{{"message", "a"}});
}

TEST_CASE("sse_parser: comments are ignored") {
    const auto r = parse(": ping\n:\n:data: no\ndata: yes\n: between\n\n: trailing comment\n");
    CHECK(r.got == events{{"message", "yes"}});
    CHECK_FALSE(r.pending);  // a comment is no event
}

TEST_CASE("sse_parser: one leading space is stripped, no more") {
    CHECK(parse("data:x\n\n").got == events{{"message", "x"}});
    CHECK(parse("data: x\n\n").got == events{{"message", "x"}});
    CHECK(parse("data:  x \n\n").got == events{{"message", " x "}});
    CHECK(parse("data:\tx\n\n").got == events{{"message", "\tx"}});
    CHECK(parse("data: a: b\n\n").got == events{{"message", "a: b"}});
}

TEST_CASE("sse_parser: data lines are joined with LF; empty data still dispatches") {
    CHECK(parse("data: a\ndata: b\ndata: c\n\n").got == events{{"message", "a\nb\nc"}});
    CHECK(parse("data\n\n").got == events{{"message", ""}});
    CHECK(parse("data:\n\n").got == events{{"message", ""}});
    CHECK(parse("data\ndata\n\n").got == events{{"message", "\n"}});
}

TEST_CASE("sse_parser: an event without data is not dispatched") {
    const auto r = parse("event: nothing\n\nid: 7\n\nretry: 10\n\ndata: x\n\n");
    CHECK(r.got == events{{"message", "x"}});  // the name did not carry over
}

TEST_CASE("sse_parser: the event name defaults to message and resets after each event") {
    CHECK(parse("event: a\ndata: 1\n\ndata: 2\n\n").got == events{{"a", "1"}, {"message", "2"}});
    CHECK(parse("event:\ndata: 1\n\n").got == events{{"message", "1"}});
}

TEST_CASE("sse_parser: unknown fields and lines without a colon are ignored") {
    CHECK(parse("foo: bar\nevent: e\nDATA: no\n...\ndata: yes\n\n").got == events{{"e", "yes"}});
}

TEST_CASE("sse_parser: an event line after data dispatches the pending event") {
    // The shape of captured logs that lost their blank lines (testdata A4).
    const auto r = parse(
        "event: message_start\ndata: {\"n\":1}\n"
        "event: message_delta\ndata: {\"n\":2}\n"
        "event: message_stop\ndata: {\"n\":3}\n\n");
    CHECK(r.got == events{{"message_start", "{\"n\":1}"}, {"message_delta", "{\"n\":2}"}, {"message_stop", "{\"n\":3}"}});
    CHECK_FALSE(r.pending);
    // Without data, a second event line only renames the event.
    CHECK(parse("event: a\nevent: b\ndata: x\n\n").got == events{{"b", "x"}});
}

TEST_CASE("sse_parser: finish() reports an incomplete event and resets") {
    CHECK(parse("data: x").pending);
    CHECK(parse("data: x\n").pending);
    CHECK(parse("data: x\r").pending);
    CHECK(parse("event: e\n").pending);
    CHECK(parse("id: 1\n").pending);
    CHECK(parse("dat").pending);
    CHECK_FALSE(parse("").pending);
    CHECK_FALSE(parse("data: x\n\n").pending);
    CHECK_FALSE(parse("data: x\r\n\r\n").pending);
    CHECK_FALSE(parse(": only a comment\n").pending);

    // The incomplete event is discarded, and the parser starts afresh.
    sse_parser p;
    events got;
    auto sink = [&](std::string_view e, std::string_view d) { got.emplace_back(e, d); };
    p.feed("event: cut\ndata: half", sink);
    CHECK(p.finish());
    p.feed("data: whole\n\n", sink);
    CHECK_FALSE(p.finish());
    CHECK(got == events{{"message", "whole"}});
}

TEST_CASE("sse_parser: a BOM is skipped only at the start of the stream") {
    CHECK(parse("\xEF\xBB\xBF" "data: x\n\n").got == events{{"message", "x"}});
    CHECK(parse_chunks({"\xEF", "\xBB", "\xBF" "data: x\n\n"}).got == events{{"message", "x"}});
    // Later, the same bytes are part of a field name, which is then unknown.
    CHECK(parse("data: x\n\n\xEF\xBB\xBF" "data: y\n\n").got == events{{"message", "x"}});
}

TEST_CASE("sse_parser: id and retry fields") {
    sse_parser p;
    p.feed("id: abc\nretry: 1500\ndata: x\n\nretry: soon\nid\n\n", [](std::string_view, std::string_view) {});
    CHECK(p.last_event_id().empty());  // "id" without a value clears it
    REQUIRE(p.retry());
    CHECK(*p.retry() == 1500u);  // "soon" is not a number and is ignored
    sse_parser q;
    q.feed(std::string_view("id: a\0b\n\nid: ok\n\n", 17), [](std::string_view, std::string_view) {});
    CHECK(q.last_event_id() == "ok");
    q.feed(std::string_view("id: x\0y\n\n", 9), [](std::string_view, std::string_view) {});
    CHECK(q.last_event_id() == "ok");  // an id holding NUL is ignored
}

TEST_CASE("sse_parser: events up to the bound pass, a larger one throws") {
    const auto noop = [](std::string_view, std::string_view) {};
    {
        sse_parser p(16);
        std::vector<std::string> got;
        p.feed("data: 0123456789\n\n", [&](std::string_view, std::string_view d) { got.emplace_back(d); });
        CHECK(got == std::vector<std::string>{"0123456789"});
        CHECK(p.max_event_bytes() == 16u);
    }
    {
        // One long line, fed in pieces: the bound holds before any line end.
        sse_parser p(64);
        p.feed(std::string(40, 'a'), noop);
        CHECK_THROWS_AS(p.feed(std::string(40, 'a'), noop), std::length_error);
        CHECK_THROWS_AS(p.feed("\n\n", noop), std::length_error);  // refused after the failure
    }
    {
        // Many short data lines, none over the bound alone.
        sse_parser p(64);
        std::string stream;
        for (int i = 0; i < 20; ++i) stream += "data: 0123456789\n";
        try {
            p.feed(stream, noop);
            FAIL("no exception");
        } catch (const std::length_error& e) {
            CHECK(std::string(e.what()).find("larger than 64 bytes") != std::string::npos);
        }
    }
    {
        // The bound is per event: many small events of any total size pass.
        sse_parser p(32);
        std::string stream;
        for (int i = 0; i < 1000; ++i) stream += "data: 0123456789\n\n";
        int n = 0;
        p.feed(stream, [&](std::string_view, std::string_view) { ++n; });
        CHECK(n == 1000);
    }
    CHECK(sse_parser{}.max_event_bytes() == std::size_t{16} << 20);
}

TEST_CASE("sse_parser: an exception from the callback leaves the parser usable") {
    sse_parser p;
    int calls = 0;
    auto throwing = [&](std::string_view, std::string_view) {
        if (++calls == 1) throw std::runtime_error("handler failed");
    };
    CHECK_THROWS(p.feed("data: 1\n\n", throwing));
    std::vector<std::string> got;
    auto keep = [&](std::string_view, std::string_view d) { got.emplace_back(d); };
    p.feed("data: 2\n\n", keep);
    CHECK(got == std::vector<std::string>{"2"});
    // The same when the line that dispatched arrived in two chunks (an
    // event line after data, the leniency).
    calls = 0;
    p.feed("data: 3\nev", throwing);
    CHECK_THROWS(p.feed("ent: x\n", throwing));
    p.feed("data: 4\n\n", keep);
    CHECK(got == std::vector<std::string>{"2", "4"});
}

TEST_SUITE_END();

}  // namespace sse_parser_tests
