// record_view: the fields of a trail line read without a JSON document, and
// the JSON walker under it, checked against nlohmann's reading of the same
// lines (escapes, nested content that reuses field names, absent fields).
#include <aitrail/record/record_view.hpp>

#include <doctest/doctest.h>

#include <aitrail/capture/auditor.hpp>
#include <aitrail/detail/json_scan.hpp>
#include <aitrail/storage/memory_storage.hpp>

#include <nlohmann/json.hpp>

#include <string>  // string
#include <vector>  // vector

namespace record_view_tests {

namespace {

using aitrail::record_view;

/// The lines an auditor writes for `entries`.
std::vector<std::string> write(std::vector<aitrail::pending_entry> entries) {
    aitrail::memory_storage store;
    {
        aitrail::auditor<aitrail::synchronous_policy> audit{store};
        for (auto& e : entries) audit.record(std::move(e));
        audit.flush();
    }
    return store.lines();
}

}  // namespace

TEST_SUITE_BEGIN("record_view");

TEST_CASE("json_skip_value skips strings with escaped quotes and nested containers") {
    using aitrail::detail::json_skip_value;
    const std::string cases[] = {R"("a\"b\\")", R"({"x":[1,{"y":"}]"}],"z":null})", "[[],[[]],\"]\"]", "-12.5e3", "true"};
    for (const auto& c : cases) {
        const std::string text = c + ",rest";
        const char* end = json_skip_value(text.data(), text.data() + text.size());
        REQUIRE(end != nullptr);
        CHECK(std::string(text.data(), end) == c);
    }
    const std::string cut = R"({"x":"unterminated)";
    CHECK(json_skip_value(cut.data(), cut.data() + cut.size()) == nullptr);
    const std::string unbalanced = "[1,[2]";
    CHECK(json_skip_value(unbalanced.data(), unbalanced.data() + unbalanced.size()) == nullptr);
}

TEST_CASE("json_unescape decodes short escapes, \\u escapes and surrogate pairs") {
    std::string out;
    REQUIRE(aitrail::detail::json_unescape(R"(a\"b\\c\n\u00e9\ud83d\ude00)", out));
    CHECK(out == "a\"b\\c\n\xC3\xA9\xF0\x9F\x98\x80");
    out.clear();
    CHECK_FALSE(aitrail::detail::json_unescape(R"(\ud83d alone)", out));
    CHECK(aitrail::detail::json_string_equals(R"(al\"ice)", "al\"ice"));
    CHECK_FALSE(aitrail::detail::json_string_equals(R"(al\"ice)", "al\\\"ice"));
}

TEST_CASE("record_view reads the same fields nlohmann reads, content never mistaken for rec") {
    aitrail::pending_entry e;
    e.rec.user = "j\u00f6rg \"the auditor\"";
    e.rec.model = {"gpt-4o", "2024-08-06", "openai"};
    e.rec.action = "chat.completions";
    e.rec.latency_us = 123456;
    e.rec.usage = {.input = 310, .output = 95, .reasoning = 7};
    e.rec.cost = aitrail::cost_info{1234567, "builtin"};
    e.rec.tags = {"team:search", "eval"};
    e.rec.status = aitrail::record_status::error;
    e.rec.error = aitrail::error_info{"rate_limit_error", "slow down"};
    // Content that reuses every name the view looks for, at every depth.
    e.content["input"] = {{"user", "mallory"}, {"rec", {{"id", "fake"}, {"user", "mallory"}}}, {"seq", 99}};
    const auto lines = write({e});
    REQUIRE(lines.size() == 2);
    record_view v;
    REQUIRE(aitrail::parse_record_view(lines[1], v));
    const auto j = nlohmann::json::parse(lines[1]);
    const auto& rec = j["rec"];
    CHECK(v.seq == 1);
    CHECK(v.hash == j["hash"].get<std::string>());
    CHECK(v.prev == j["prev"].get<std::string>());
    CHECK(aitrail::text(v.id) == rec["id"].get<std::string>());
    CHECK(v.ts == rec["ts"].get<std::string>());
    CHECK(v.kind == "llm.call");
    CHECK(aitrail::text(v.user) == "j\u00f6rg \"the auditor\"");
    CHECK(aitrail::text(v.model_name) == "gpt-4o");
    CHECK(aitrail::text(v.model_version) == "2024-08-06");
    CHECK(aitrail::text(v.model_provider) == "openai");
    CHECK(v.status == "error");
    CHECK(aitrail::text(v.error_type) == "rate_limit_error");
    CHECK(v.latency_us == 123456);
    CHECK(v.input_tokens == 310);
    CHECK(v.output_tokens == 95);
    CHECK(v.reasoning_tokens == 7);
    CHECK_FALSE(v.cache_read_tokens.has_value());
    CHECK(v.has_tag("eval"));
    CHECK_FALSE(v.has_tag("team"));
    CHECK(nlohmann::json::parse(v.content) == j["content"]);
    CHECK(nlohmann::json::parse(v.rec) == rec);
}

TEST_CASE("record_view leaves unreported numbers unset and reads the trail's own records") {
    aitrail::pending_entry e;  // no usage, no cost, no latency
    e.rec.user = "u";
    const auto lines = write({e});
    record_view v;
    REQUIRE(aitrail::parse_record_view(lines[0], v));
    CHECK(v.kind == "trail.open");
    CHECK(v.is_trail_record());
    REQUIRE(aitrail::parse_record_view(lines[1], v));
    CHECK_FALSE(v.is_trail_record());
    CHECK_FALSE(v.input_tokens.has_value());
    CHECK_FALSE(v.cost_nanos_usd.has_value());
    CHECK_FALSE(v.latency_us.has_value());
    CHECK(v.status == "ok");
}

TEST_CASE("record_view refuses lines that are not trail entries") {
    record_view v;
    CHECK_FALSE(aitrail::parse_record_view("", v));
    CHECK_FALSE(aitrail::parse_record_view("not json", v));
    CHECK_FALSE(aitrail::parse_record_view(R"({"seq":1,"rec":"x"})", v));
    CHECK_FALSE(aitrail::parse_record_view(R"({"seq":1,"rec":{"id":"a"}})", v));  // no kind
    CHECK_FALSE(aitrail::parse_record_view(R"({"seq":1,"rec":{"id":"a","kind":"llm.call"})", v));  // cut
    CHECK(aitrail::parse_record_view(R"({"seq":1,"rec":{"id":"a","kind":"llm.call"}})", v));
}

TEST_SUITE_END();

}  // namespace record_view_tests
