// The provider adapters on payloads copied verbatim from the providers'
// official SDK test fixtures and API specification
// ($AITRAIL_TESTDATA/llm/README.md, sections A1-A5 and O1-O7).
//
// Each section's fenced code block is fed to the adapter it belongs to:
// a JSON body to read_response() with status 200, an SSE excerpt through
// the SSE parser (in one piece and in random chunks) to a stream_reader,
// and a bare `"usage": {...}` excerpt wrapped into an object with that
// member. The expected facts below are read off the payloads by hand;
// the payloads themselves are read at test time, not copied here.
//
// Two properties of the excerpts are part of what is tested:
// - A block's closing fence cuts the stream's last blank line, so the
//   block's end is taken to end its last event (a "\n" is appended).
//   A4 has no blank lines at all and A5 has a "..." line; both must read
//   through the parser's documented leniency.
// - O2 is a Python string literal, where \' stands for '; as stored it is
//   not JSON, which must be reported as malformed_response, and after
//   undoing that one escape it must read fully.
#include <aitrail/capture/providers/providers.hpp>

#include <doctest/doctest.h>

#include "support/sse_feed.hpp"
#include "testdata.hpp"

#include <cstdint>      // int64_t
#include <map>          // map
#include <optional>     // optional
#include <set>          // set
#include <sstream>      // istringstream
#include <string>       // string, getline
#include <vector>       // vector

namespace {

using aitrail::provider_api;
using aitrail::token_usage;
using aitrail::usage_source;

/// One section of the README: its id ("A1") and its first code block.
struct section {
    std::string id;
    std::string lang;   // the fence's info string ("json" or "")
    std::string block;  // the lines between the fences, each ending in '\n'
    bool has_block = false;
};

std::vector<section> read_sections(const std::string& text) {
    std::vector<section> out;
    std::istringstream in(text);
    std::string line;
    bool in_block = false;
    while (std::getline(in, line)) {
        if (in_block) {
            if (line.rfind("```", 0) == 0) {
                in_block = false;
                out.back().has_block = true;
            } else {
                out.back().block += line + "\n";
            }
        } else if (line.rfind("## ", 0) == 0) {
            const auto dot = line.find('.');
            out.push_back({line.substr(3, dot == std::string::npos ? std::string::npos : dot - 3), "", "", false});
        } else if (line.rfind("```", 0) == 0 && !out.empty() && !out.back().has_block) {
            in_block = true;
            out.back().lang = line.substr(3);
        }
    }
    return out;
}

enum class shape { body, stream, usage_excerpt };

/// What a section's payload says, read off it by hand.
struct expectation {
    provider_api api;
    shape kind;
    std::string model, id, stop;
    token_usage usage;
    usage_source source = usage_source::provider;
    std::map<std::string, std::int64_t> server_tools;
    std::optional<std::size_t> first_content_at;  // streams: the event (1-based) with the first content
    std::string text;                              // streams: the text assembled, when there is any
};

token_usage counts(std::optional<std::int64_t> input, std::optional<std::int64_t> cache_read,
                   std::optional<std::int64_t> cache_write, std::optional<std::int64_t> output,
                   std::optional<std::int64_t> reasoning) {
    token_usage u;
    u.input = input;
    u.cache_read = cache_read;
    u.cache_write = cache_write;
    u.output = output;
    u.reasoning = reasoning;
    return u;
}

constexpr std::nullopt_t unset = std::nullopt;

const std::map<std::string, expectation>& expectations() {
    static const std::map<std::string, expectation> table = {
        {"A1", {provider_api::anthropic_messages, shape::body, "claude-sonnet-4-5-20250929",
                "msg_01EojSKby3oqoP7mb4PHsMJ7", "end_turn", counts(222, 0, 0, 14, unset)}},
        {"A2", {provider_api::anthropic_messages, shape::body, "claude-haiku-4-5-20251001",
                "msg_011Y4sbfjCq85yJrUA13Dxb3", "end_turn", counts(11306, 0, 0, 163, unset), usage_source::provider,
                {{"web_search_requests", 1}, {"web_fetch_requests", 0}}}},
        {"A3", {provider_api::anthropic_messages, shape::stream, "claude-3-opus-latest",
                "msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK", "end_turn", counts(11, unset, unset, 6, unset),
                usage_source::provider, {}, 4, "Hello there!"}},
        {"A4", {provider_api::anthropic_messages, shape::stream, "claude-haiku-4-5-20251001",
                "msg_01AusY9WEbCaj3N7Tv5J4YjH", "tool_use", counts(656, 0, 0, 74, unset), usage_source::provider, {},
                unset, ""}},
        {"A5", {provider_api::anthropic_messages, shape::stream, "claude-sonnet-4-20250514",
                "msg_019Q1hrJbZG26Fb9BQhrkHEr", "tool_use", counts(377, 0, 0, 65, unset), usage_source::provider, {},
                unset, ""}},
        {"O1", {provider_api::openai_chat, shape::body, "gpt-5.4", "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT", "stop",
                counts(19, 0, unset, 10, 0)}},
        {"O2", {provider_api::openai_chat, shape::body, "gpt-4o-2024-08-06", "chatcmpl-ABfvaueLEMLNYbT8YzpJxsmiQ6HSY",
                "stop", counts(14, unset, unset, 37, 0)}},
        {"O3", {provider_api::openai_chat, shape::stream, "gpt-4o-2024-08-06", "chatcmpl-ABfw1e5abtU8OwGr15vOreYVb2MiF",
                "stop", counts(79, unset, unset, 14, 0), usage_source::provider, {}, unset, ""}},
        {"O4", {provider_api::openai_responses, shape::usage_excerpt, "", "", "", counts(81, 0, 0, 1035, 832)}},
        {"O5", {provider_api::openai_responses, shape::usage_excerpt, "", "", "", counts(14, 0, 0, 50, 0)}},
        {"O6", {provider_api::openai_responses, shape::stream, "gpt-5.4",
                "resp_67c9fdcecf488190bdd9a0409de3a1ec07b8b0ad4e5eb654", "completed", counts(37, unset, unset, 11, 0),
                usage_source::provider, {}, unset, "Hi there! How can I assist you today?"}},
        {"O7", {provider_api::openai_responses, shape::usage_excerpt, "", "", "", counts(1500, 1024, unset, 500, 300)}},
    };
    return table;
}

/// A count for messages: the number, or "unset".
std::string show(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : "unset"; }

std::string show(const token_usage& u) {
    return "input=" + show(u.input) + " cache_read=" + show(u.cache_read) + " cache_write=" + show(u.cache_write) +
           " output=" + show(u.output) + " reasoning=" + show(u.reasoning);
}

/// The shape of a block, from its text alone.
shape shape_of(const section& s) {
    if (s.block.rfind("\"usage\"", 0) == 0) return shape::usage_excerpt;
    if (s.block.rfind("event:", 0) == 0 || s.block.rfind("data:", 0) == 0) return shape::stream;
    return shape::body;
}

/// `"usage": {...},` -> `{"usage": {...}}`.
std::string wrap_excerpt(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == ',')) text.pop_back();
    return "{" + text + "}";
}

/// Undoes the Python string escape \' (the only one O2 holds).
std::string python_unquote(std::string text) {
    for (auto at = text.find("\\'"); at != std::string::npos; at = text.find("\\'", at + 1)) text.erase(at, 1);
    return text;
}

/// The text a stream's assembled output holds, in the adapter's shape.
std::string text_of(provider_api api, const nlohmann::json& output) {
    std::string text;
    auto collect = [&](const nlohmann::json& parts, const char* type, const char* field) {
        if (!parts.is_array()) return;
        for (const auto& p : parts)
            if (p.is_object() && p.value("type", "") == type && p.contains(field) && p[field].is_string())
                text += p[field].get<std::string>();
    };
    if (!output.is_object()) return text;
    if (api == provider_api::anthropic_messages) {
        collect(output.value("content", nlohmann::json()), "text", "text");
    } else if (api == provider_api::openai_chat) {
        for (const auto& c : output.value("choices", nlohmann::json::array()))
            if (c.contains("message") && c["message"].value("content", nlohmann::json()).is_string())
                text += c["message"]["content"].get<std::string>();
    } else {
        for (const auto& item : output.value("output", nlohmann::json::array()))
            if (item.is_object()) collect(item.value("content", nlohmann::json()), "output_text", "text");
    }
    return text;
}

void check_outcome(const expectation& e, const aitrail::call_outcome& o) {
    CHECK(o.model == e.model);
    CHECK(o.response_id == e.id);
    CHECK(o.stop_reason == e.stop);
    CHECK(show(o.usage) == show(e.usage));
    CHECK(to_string(o.source) == to_string(e.source));
    CHECK(o.server_tool_use == e.server_tools);
    if (o.error) FAIL_CHECK("unexpected error: ", o.error->type, ": ", o.error->message);
}

aitrail::call_outcome read_body(provider_api api, const std::string& body) {
    return aitrail::with_adapter(api, [&](auto adapter) { return decltype(adapter)::read_response(200, body); });
}

aitrail_test::stream_run read_stream(provider_api api, const std::string& body, unsigned seed, bool complete = true) {
    return aitrail::with_adapter(
        api, [&](auto adapter) { return aitrail_test::run_stream<decltype(adapter)>(body, seed, complete, 23); });
}

const std::vector<section>& sections() {
    static const std::vector<section> all = read_sections(aitrail_test::read_file(aitrail_test::testdata("llm/README.md")));
    return all;
}

}  // namespace

TEST_SUITE_BEGIN("llm_payloads");

TEST_CASE("llm_payloads: every section A1-A5, O1-O7 is present and has a block") {
    std::set<std::string> seen;
    for (const auto& s : sections()) {
        CAPTURE(s.id);
        CHECK(s.has_block);
        CHECK(expectations().count(s.id) == 1);
        seen.insert(s.id);
    }
    for (const auto& [id, e] : expectations()) {
        CAPTURE(id);
        CHECK(seen.count(id) == 1);
    }
}

TEST_CASE("llm_payloads: each payload reads to the counts, model, id and stop reason it holds") {
    for (const auto& s : sections()) {
        const auto found = expectations().find(s.id);
        if (found == expectations().end()) continue;  // reported above
        const expectation& e = found->second;
        CAPTURE(s.id);
        REQUIRE(shape_of(s) == e.kind);
        switch (e.kind) {
            case shape::body: {
                CHECK(s.lang == "json");
                std::string body = s.block;
                if (s.id == "O2") {
                    const auto raw = read_body(e.api, body);
                    REQUIRE(raw.error);
                    CHECK(raw.error->type == "malformed_response");
                    CHECK(raw.output == body);
                    body = python_unquote(body);
                }
                const auto o = read_body(e.api, body);
                CHECK(o.http_status == 200);
                check_outcome(e, o);
                CHECK(o.output == nlohmann::json::parse(body));
                break;
            }
            case shape::usage_excerpt: {
                const auto o = read_body(e.api, wrap_excerpt(s.block));
                check_outcome(e, o);
                break;
            }
            case shape::stream: {
                const std::string body = s.block + "\n";  // the fence cut the last blank line
                for (unsigned seed = 0; seed < 25; ++seed) {
                    CAPTURE(seed);
                    const auto r = read_stream(e.api, body, seed);
                    CHECK_FALSE(r.pending);
                    check_outcome(e, r.outcome);
                    CHECK(r.first_content == (e.first_content_at ? 1 : 0));
                    CHECK(r.first_content_at == e.first_content_at.value_or(0));
                    CHECK(text_of(e.api, r.outcome.output) == e.text);
                }
                break;
            }
        }
    }
}

TEST_CASE("llm_payloads: streams cut before their end report what arrived") {
    for (const auto& s : sections()) {
        const auto found = expectations().find(s.id);
        if (found == expectations().end() || found->second.kind != shape::stream) continue;
        const expectation& e = found->second;
        CAPTURE(s.id);
        const std::string body = s.block + "\n";
        // Cut every few bytes: never a crash, never a count the stream had
        // not reported yet, and "provider" only for the whole body.
        for (std::size_t cut = 0; cut < body.size(); cut += 7) {
            CAPTURE(cut);
            const auto r = read_stream(e.api, body.substr(0, cut), static_cast<unsigned>(cut + 1), false);
            const auto& o = r.outcome;
            CHECK(o.source != usage_source::provider);
            if (o.usage.input) CHECK(o.usage.input == e.usage.input);
            if (!o.usage.empty()) CHECK(o.source == usage_source::partial);
            else CHECK(o.source == usage_source::missing);
        }
    }
}

TEST_SUITE_END();
