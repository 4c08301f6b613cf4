#include <aitrail/pipeline/sync_writer.hpp>
#include <aitrail/policy/default_policy.hpp>

#include <doctest/doctest.h>

#include <aitrail/read/verify.hpp>
#include <aitrail/storage/any_storage.hpp>
#include <aitrail/storage/memory_storage.hpp>
#include <support/failing_storage.hpp>

#include <cerrno>            // ENOSPC
#include <cmath>             // nan
#include <cstddef>           // size_t
#include <cstdint>           // uint64_t
#include <cstring>           // strerror
#include <initializer_list>  // initializer_list
#include <string>            // string
#include <string_view>       // string_view
#include <vector>            // vector

namespace sync_writer_tests {

namespace {

using aitrail_test::failing_storage;
using json = nlohmann::json;
using writer_t = aitrail::sync_writer<aitrail::synchronous_policy>;

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

/// Collects what the writer reports.
struct error_log {
    std::vector<std::string> messages;
    aitrail::writer_options options() {
        aitrail::writer_options o;
        o.trail_id = "sync-writer-test";
        o.on_error = [this](const std::string& m) { messages.push_back(m); };
        return o;
    }
};

/// A writer over a failing_storage, and the log of what it reported.
struct writer_rig {
    failing_storage storage;
    error_log log;
    writer_t writer{aitrail::any_storage(storage), log.options()};
};

aitrail::pending_entry entry(const std::string& action) {
    aitrail::pending_entry e;
    e.rec.id = "id-" + action;
    e.rec.ts = aitrail::detail::now_utc();
    e.rec.action = action;
    e.content = {{"input", action + " body"}};
    return e;
}

std::vector<json> entries(const failing_storage& storage) {
    std::vector<json> out;
    for (const auto& line : storage.lines()) out.push_back(json::parse(line));
    return out;
}

/// The actions of the stored records after trail.open, in trail order.
std::vector<std::string> stored_actions(const failing_storage& storage) {
    std::vector<std::string> out;
    for (const auto& e : entries(storage))
        if (e["rec"].contains("action")) out.push_back(e["rec"]["action"]);
    return out;
}

/// Opens a writer on `storage`, makes the storage refuse the next `failures`
/// appends, submits `actions` and destroys the writer; `log` is left with
/// only what the destructor reported.
void submit_then_destroy(failing_storage& storage, error_log& log, std::size_t failures,
                         std::initializer_list<const char*> actions) {
    writer_t writer(aitrail::any_storage(storage), log.options());
    storage.fail_next(failures);
    for (const char* action : actions) writer.submit(entry(action));
    log.messages.clear();
}

/// True when seqs run 0..n-1 in line order and every prev names the line before.
bool contiguous(const std::vector<json>& all) {
    std::string prev(64, '0');
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (all[i]["seq"].get<std::uint64_t>() != i || all[i]["prev"] != prev) return false;
        prev = all[i]["hash"].get<std::string>();
    }
    return true;
}

}  // namespace

TEST_SUITE_BEGIN("sync_writer");

TEST_CASE("failing_storage: fails exactly the next n appends") {
    failing_storage storage;
    storage.fail_next(2);
    std::vector<aitrail::sealed_entry> batch(1);
    batch[0].line = R"({"x":1})";
    CHECK_THROWS_WITH_AS(storage.append(batch), doctest::Contains("disk full (injected)"), aitrail::storage_error);
    try {
        storage.append(batch);
        FAIL("second append did not fail");
    } catch (const aitrail::storage_error& e) {
        CHECK(e.os_error() == ENOSPC);
        CHECK(std::string(e.what()) == std::string("aitrail: disk full (injected): ") + std::strerror(ENOSPC));
    }
    CHECK(storage.lines().empty());
    storage.append(batch);
    CHECK(storage.lines() == std::vector<std::string>{R"({"x":1})"});
    CHECK(storage.append_calls() == 3);
    CHECK(storage.injected_failures() == 2);
}

TEST_CASE("sync_writer: storage failures are absorbed and reported") {
    writer_rig rig;
    auto& [storage, log, writer] = rig;
    REQUIRE(storage.lines().size() == 1);  // trail.open
    CHECK(writer.metrics().written == 1);

    storage.fail_next(3);
    for (const char* action : {"a", "b", "c"}) CHECK_NOTHROW(writer.submit(entry(action)));

    CHECK(storage.lines().size() == 1);
    REQUIRE(log.messages.size() == 3);
    CHECK(contains(log.messages[0], "storage refused 1 entries"));
    CHECK(contains(log.messages[0], "disk full (injected)"));
    CHECK(contains(log.messages[0], std::strerror(ENOSPC)));
    CHECK(contains(log.messages[2], "storage refused 3 entries"));
    const auto m = writer.metrics();
    CHECK(m.storage_errors == 3);
    CHECK(m.pending == 3);
    CHECK(m.enqueued == 4);
    CHECK(m.written == 1);
    CHECK(m.dropped == 0);
}

TEST_CASE("sync_writer: kept entries are written first once storage recovers") {
    writer_rig rig;
    auto& [storage, log, writer] = rig;
    storage.fail_next(2);
    writer.submit(entry("a"));
    writer.submit(entry("b"));
    CHECK(writer.metrics().pending == 2);

    writer.submit(entry("c"));  // storage accepts again
    CHECK(log.messages.size() == 2);
    CHECK(stored_actions(storage) == std::vector<std::string>{"a", "b", "c"});
    const auto all = entries(storage);
    REQUIRE(all.size() == 4);
    CHECK(contiguous(all));
    const auto m = writer.metrics();
    CHECK(m.pending == 0);
    CHECK(m.written == 4);
    CHECK(m.batches == 2);  // trail.open, then a+b+c in one append
    CHECK(m.storage_errors == 2);
    const auto report = aitrail::verify(storage);
    CHECK(report.ok());
    CHECK(report.entries == 4);
}

TEST_CASE("sync_writer: flush() writes kept entries") {
    writer_rig rig;
    auto& [storage, log, writer] = rig;
    storage.fail_next(2);
    writer.submit(entry("a"));  // refused once
    CHECK_FALSE(writer.flush());  // refused again
    CHECK(writer.metrics().storage_errors == 2);
    CHECK(writer.metrics().flushes == 0);
    CHECK(storage.lines().size() == 1);

    CHECK(writer.flush());
    CHECK(writer.metrics().flushes == 1);
    CHECK(writer.metrics().pending == 0);
    CHECK(stored_actions(storage) == std::vector<std::string>{"a"});
    CHECK(contiguous(entries(storage)));
    CHECK(aitrail::verify(storage).ok());
}

TEST_CASE("sync_writer: a failed trail.open is kept and written first") {
    failing_storage storage;
    storage.fail_next(1);
    error_log log;
    writer_t writer(aitrail::any_storage(storage), log.options());
    CHECK(storage.lines().empty());
    CHECK(log.messages.size() == 1);
    writer.submit(entry("a"));
    const auto all = entries(storage);
    REQUIRE(all.size() == 2);
    CHECK(all[0]["rec"]["kind"] == "trail.open");
    CHECK(all[1]["rec"]["action"] == "a");
    CHECK(aitrail::verify(storage).ok());
}

TEST_CASE("sync_writer: values without a canonical form are repaired, not dropped") {
    writer_rig rig;
    auto& [storage, log, writer] = rig;
    auto e = entry("bad-values");
    e.rec.meta = {{"score", std::nan("")}, {"ok", 1}};
    e.content = {{"input", "payload \xff\xfe end"}, {"output", "fine"}};
    writer.submit(std::move(e));

    const auto all = entries(storage);
    REQUIRE(all.size() == 2);
    const json& rec = all[1]["rec"];
    CHECK(rec["action"] == "bad-values");
    CHECK(rec["meta"]["aitrail_sanitized"] == json::array({"/rec/meta/score", "/content/input"}));
    CHECK(rec["meta"]["score"].is_null());
    CHECK(rec["meta"]["ok"] == 1);
    CHECK(all[1]["content"]["input"] == "payload \xEF\xBF\xBD\xEF\xBF\xBD end");
    CHECK(all[1]["content"]["output"] == "fine");
    const auto m = writer.metrics();
    CHECK(m.sanitized == 1);
    CHECK(m.dropped == 0);
    CHECK(m.written == 2);
    CHECK(log.messages.empty());
    CHECK(aitrail::verify(storage).ok());
}

TEST_CASE("sync_writer: invalid UTF-8 in a record field is repaired") {
    writer_rig rig;
    auto& [storage, log, writer] = rig;
    auto e = entry("x");
    e.rec.user = "jane\xC3";
    e.content["\xff"] = 1;  // a key
    writer.submit(std::move(e));
    const auto all = entries(storage);
    REQUIRE(all.size() == 2);
    CHECK(all[1]["rec"]["user"] == "jane\xEF\xBF\xBD");
    CHECK(all[1]["content"]["\xEF\xBF\xBD"] == 1);
    CHECK(all[1]["rec"]["meta"]["aitrail_sanitized"] == json::array({"/rec/user", "/content/\xEF\xBF\xBD (key)"}));
    CHECK(aitrail::verify(storage).ok());
}

TEST_CASE("sync_writer: destructor reports entries it could not store") {
    failing_storage storage;
    error_log log;
    submit_then_destroy(storage, log, 1000, {"a", "b"});
    REQUIRE_FALSE(log.messages.empty());
    CHECK(contains(log.messages.front(), "disk full (injected)"));
    CHECK(log.messages.back() ==
          "2 sealed entries could not be stored before shutdown (seq 1 onward); the storage kept refusing them");
    CHECK(storage.lines().size() == 1);
}

TEST_CASE("sync_writer: destructor stores what it can") {
    failing_storage storage;
    error_log log;
    submit_then_destroy(storage, log, 1, {"a"});
    CHECK(log.messages.empty());
    CHECK(stored_actions(storage) == std::vector<std::string>{"a"});
    CHECK(aitrail::verify(storage).ok());
}

TEST_CASE("sync_writer: resumes an existing trail") {
    failing_storage storage;
    error_log log;
    { writer_t writer(aitrail::any_storage(storage), log.options()); writer.submit(entry("a")); }
    writer_t writer(aitrail::any_storage(storage), log.options(), 17);
    CHECK(writer.trail_id().empty());
    const auto all = entries(storage);
    REQUIRE(all.size() == 3);
    CHECK(all[2]["rec"]["kind"] == "trail.resume");
    CHECK(all[2]["rec"]["meta"]["resumed_at_seq"] == 2);
    CHECK(all[2]["rec"]["meta"]["torn_bytes_removed"] == 17);
    CHECK(contiguous(all));
    CHECK(log.messages.empty());
}

TEST_SUITE_END();

}  // namespace sync_writer_tests
