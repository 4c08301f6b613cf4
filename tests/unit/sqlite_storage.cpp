// Built only where the aitrail::sqlite target exists (tests/CMakeLists.txt
// then defines AITRAIL_HAS_SQLITE and links libsqlite3).
#if defined(AITRAIL_HAS_SQLITE)

#include <aitrail/storage/sqlite_storage.hpp>

#include <doctest/doctest.h>

#include <aitrail/capture/auditor.hpp>
#include <aitrail/integrity/hasher.hpp>
#include <aitrail/integrity/sealer.hpp>
#include <aitrail/policy/default_policy.hpp>
#include <aitrail/read/verify.hpp>

#include "support/temp_dir.hpp"

#include "support/check_storage.hpp"

#include <sqlite3.h>

#include <atomic>       // atomic
#include <chrono>       // sys_days, hours, microseconds, milliseconds
#include <cstdint>      // int64_t, uint64_t
#include <filesystem>   // path, exists, remove
#include <fstream>      // ofstream
#include <optional>     // optional
#include <span>         // span
#include <stdexcept>    // runtime_error
#include <string>       // string
#include <string_view>  // string_view
#include <thread>       // thread
#include <vector>       // vector

namespace sqlite_storage_tests {

namespace {

using aitrail_test::temp_dir;
using json = nlohmann::json;
using sealer_t = aitrail::sealer<aitrail::hashers::sha256>;
// Synchronous: the trail is in the database when a scope ends.
using audit_t = aitrail::auditor<aitrail::synchronous_policy>;

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

/// A database in a directory of its own, the storage on it, and the sealer
/// whose chain the tests append.
struct fresh_trail {
    temp_dir tmp;
    std::filesystem::path file;
    aitrail::sqlite_storage storage;
    sealer_t sealer;
    explicit fresh_trail(const std::string& tag) : tmp(tag), file(tmp.path() / "trail.db"), storage(file) {}
};

/// A raw connection, for looking at (and trying to tamper with) the table
/// the way any other SQLite client would.
class raw_db {
public:
    explicit raw_db(const std::filesystem::path& file) {
        if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
            throw std::runtime_error("cannot open " + file.string());
        sqlite3_busy_timeout(db_, 5000);
    }
    raw_db(const raw_db&) = delete;
    raw_db& operator=(const raw_db&) = delete;
    ~raw_db() { sqlite3_close_v2(db_); }

    /// Runs `sql`; returns SQLite's result code.
    int exec(const std::string& sql) { return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr); }
    /// The message of the last failed call.
    std::string error() const { return sqlite3_errmsg(db_); }

    /// Every row of `sql`, each column as text ("NULL" for NULL).
    std::vector<std::vector<std::string>> rows(const std::string& sql) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
            throw std::runtime_error("cannot prepare " + sql + ": " + error());
        std::vector<std::vector<std::string>> out;
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            auto& row = out.emplace_back();
            for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
                const auto* text = sqlite3_column_text(stmt, i);
                row.emplace_back(text == nullptr ? "NULL" : reinterpret_cast<const char*>(text));
            }
        }
        sqlite3_finalize(stmt);
        if (rc != SQLITE_DONE) throw std::runtime_error("cannot run " + sql + ": " + error());
        return out;
    }
    /// The single value `sql` selects.
    std::string value(const std::string& sql) {
        const auto r = rows(sql);
        if (r.size() != 1 || r[0].size() != 1) throw std::runtime_error("not one value: " + sql);
        return r[0][0];
    }

private:
    sqlite3* db_ = nullptr;
};

/// A trail entry with the given record fields and some content.
aitrail::sealed_entry seal(sealer_t& s, aitrail::audit_record rec) {
    using namespace std::chrono;
    aitrail::pending_entry e;
    e.rec = std::move(rec);
    if (e.rec.id.empty()) e.rec.id = "rec-" + std::to_string(s.head().next_seq);
    if (e.rec.ts == aitrail::timestamp{})
        e.rec.ts = aitrail::timestamp{sys_days{year{2026} / March / 2}} + hours{9} +
                   seconds{static_cast<std::int64_t>(s.head().next_seq)};
    e.content = {{"input", "prompt " + e.rec.id}};
    auto out = s.seal(e);
    out.rec = nullptr;
    return out;
}

/// `n` plain entries continuing `s`.
std::vector<aitrail::sealed_entry> seal_n(sealer_t& s, std::size_t n) {
    std::vector<aitrail::sealed_entry> out;
    for (std::size_t i = 0; i < n; ++i) {
        aitrail::audit_record rec;
        rec.user = "user-" + std::to_string(i % 3);
        out.push_back(seal(s, std::move(rec)));
    }
    return out;
}

void append(aitrail::sqlite_storage& storage, const std::vector<aitrail::sealed_entry>& batch) {
    storage.append(std::span<const aitrail::sealed_entry>(batch));
}

std::size_t count_lines(const aitrail::sqlite_storage& storage) {
    std::size_t n = 0;
    storage.scan([&](const aitrail::stored_line&) { return ++n > 0; });
    return n;
}

/// Fails the test on any error the auditor absorbs.
aitrail::writer_options strict_options(std::vector<std::string>& errors) {
    aitrail::writer_options o;
    o.on_error = [&errors](const std::string& m) { errors.push_back(m); };
    return o;
}

}  // namespace

TEST_SUITE_BEGIN("sqlite_storage");

TEST_CASE("sqlite_storage meets the storage conformance checks") {
    const temp_dir tmp("sqlite-conformance");
    const auto file = tmp.path() / "nested" / "trail.db";  // the parent directory is created
    aitrail_test::check_storage<aitrail::sqlite_storage>(
        [&] {
            std::filesystem::remove(file);
            return aitrail::sqlite_storage(file);
        },
        [&] { return aitrail::sqlite_storage(file); });
    // A reader sees the same trail as the writer did.
    const aitrail::sqlite_storage reader(file, {.read_only = true});
    CHECK(reader.head().next_seq == 1019);  // 5 + 1 + 10 + 3, then 1000
    CHECK(aitrail::verify(reader).ok());
}

TEST_CASE("sqlite_storage: an auditor's trail verifies from the database alone") {
    const temp_dir tmp("sqlite-auditor");
    const auto file = tmp.path() / "trail.db";
    std::vector<std::string> errors;
    std::string trail_id;
    {
        audit_t audit{aitrail::sqlite_storage{file}, strict_options(errors)};
        trail_id = audit.trail_id();
        for (int i = 0; i < 20; ++i) {
            auto scope = audit.scope({.action = "messages.create",
                                      .user = "analyst-" + std::to_string(i % 4),
                                      .model = {"fraud_detector", "v3.2.1", "local"}});
            scope.input(json{{"amount", i * 10}});
            scope.output(json{{"fraud", i % 5 == 0}});
            if (i % 7 == 3) scope.fail("timeout", "no answer in 30 s");
        }
        CHECK(audit.flush());
    }
    CHECK(errors.empty());

    // Read back through a read-only handle, as the CLI would.
    const aitrail::sqlite_storage reader(file, {.read_only = true});
    const auto report = aitrail::verify(reader);
    CHECK(report.ok());
    CHECK(report.entries == 21);  // trail.open + 20 calls
    CHECK(report.files == 1);
    CHECK(report.trail_id == trail_id);
    CHECK(report.hasher == "sha256");
    const auto slow = aitrail::verify(reader, aitrail::verify_options{.recanonicalize = true});
    CHECK(slow.ok());
    CHECK(slow.entries == 21);

    // Every stored_line names the file and table, and counts from 1.
    std::uint64_t expected_no = 0;
    reader.scan([&](const aitrail::stored_line& l) {
        CHECK(l.line_no == ++expected_no);
        CHECK(l.source == file.string() + "#aitrail_entries");
        CHECK(l.terminated);
        return true;
    });
    CHECK(expected_no == 21);

    raw_db raw(file);
    CHECK(raw.value("SELECT count(*) FROM aitrail_entries WHERE status = 'error'") == "3");  // i = 3, 10, 17
    CHECK(raw.value("SELECT kind FROM aitrail_entries WHERE seq = 0") == "trail.open");

    SUBCASE("verify reads the rows: an edit made behind the triggers' back is caught") {
        REQUIRE(raw.exec("DROP TRIGGER aitrail_entries_no_update") == SQLITE_OK);
        REQUIRE(raw.exec("UPDATE aitrail_entries SET line = replace(line, 'analyst-1', 'analyst-9') "
                         "WHERE seq = 2") == SQLITE_OK);
        const auto tampered = aitrail::verify(reader);
        CHECK_FALSE(tampered.ok());
        REQUIRE_FALSE(tampered.problems.empty());
        CHECK(tampered.problems.front().seq == std::optional<std::uint64_t>(2));
        CHECK(tampered.problems.front().source == file.string() + "#aitrail_entries");
        CHECK(tampered.problems.front().line_no == 3);
    }
}

TEST_CASE("sqlite_storage: UPDATE and DELETE through SQL are refused and the trail still verifies") {
    fresh_trail trail("sqlite-append-only");
    auto& [tmp, file, storage, sealer] = trail;
    append(storage, seal_n(sealer, 5));
    const auto before = aitrail::verify(storage);
    REQUIRE(before.ok());

    raw_db raw(file);
    const std::vector<std::string> attacks = {
        "UPDATE aitrail_entries SET user_id = 'someone-else' WHERE seq = 1",
        "UPDATE aitrail_entries SET line = '{}' WHERE seq = 4",
        "UPDATE OR REPLACE aitrail_entries SET cost_nanos_usd = 0",
        "DELETE FROM aitrail_entries WHERE seq = 4",
        "DELETE FROM aitrail_entries",  // no truncate shortcut past the trigger
        // REPLACE deletes the old row without firing DELETE triggers; the
        // chain trigger refuses it before that.
        "INSERT OR REPLACE INTO aitrail_entries SELECT * FROM aitrail_entries WHERE seq = 2",
        // A raw INSERT must continue the chain too.
        "INSERT INTO aitrail_entries SELECT seq + 10, id, ts, kind, user_id, model, model_version, status, "
        "latency_us, input_tokens, output_tokens, cost_nanos_usd, hash, hash, line FROM aitrail_entries WHERE seq = 4",
        "INSERT INTO aitrail_entries SELECT seq + 1, id, ts, kind, user_id, model, model_version, status, "
        "latency_us, input_tokens, output_tokens, cost_nanos_usd, hash, prev, line FROM aitrail_entries WHERE seq = 4",
    };
    for (const auto& sql : attacks) {
        INFO(sql);
        CHECK((raw.exec(sql) & 0xff) == SQLITE_CONSTRAINT);
        CHECK((contains(raw.error(), "append-only") || contains(raw.error(), "continue the chain")));
    }
    CHECK(raw.value("SELECT count(*) FROM aitrail_entries") == "5");
    CHECK(raw.value("SELECT user_id FROM aitrail_entries WHERE seq = 1") == "user-1");

    const auto after = aitrail::verify(storage);
    CHECK(after.ok());
    CHECK(after.entries == 5);
    CHECK(storage.head() == sealer.head());

    // Appending through the storage still works with the triggers in place.
    const auto next = seal_n(sealer, 1);
    append(storage, next);
    CHECK(count_lines(storage) == 6);
}

TEST_CASE("sqlite_storage: a batch that does not continue the chain is refused with nothing stored") {
    fresh_trail trail("sqlite-chain");
    auto& [tmp, file, storage, sealer] = trail;
    append(storage, seal_n(sealer, 3));
    const auto head = storage.head();
    REQUIRE(head.next_seq == 3);

    const auto refused = [&](const std::vector<aitrail::sealed_entry>& batch, std::string_view why) {
        INFO(why);
        try {
            append(storage, batch);
            FAIL("the batch was accepted");
        } catch (const aitrail::storage_error& e) {
            const std::string what = e.what();
            CHECK(contains(what, file.string()));
            CHECK(contains(what, "does not continue the stored chain"));
        }
        CHECK(storage.head() == head);
        CHECK(count_lines(storage) == 3);
        CHECK(aitrail::verify(storage).ok());
    };

    SUBCASE("a batch starting over at seq 0") {
        sealer_t fresh;
        refused(seal_n(fresh, 2), "seq 0 again");
    }
    SUBCASE("a batch with the right seq but another prev") {
        sealer_t forked(aitrail::chain_head{3, std::string(64, 'a')});
        refused(seal_n(forked, 2), "wrong prev");
    }
    SUBCASE("a batch skipping a seq") {
        sealer_t ahead(aitrail::chain_head{4, head.prev_hash});
        refused(seal_n(ahead, 1), "gap");
    }
    SUBCASE("a batch whose first entry fits but whose later one does not: the first is rolled back") {
        sealer_t copy = sealer;
        auto batch = seal_n(copy, 2);
        sealer_t other(aitrail::chain_head{5, std::string(64, 'b')});
        batch.push_back(seal_n(other, 1).front());
        refused(batch, "broken inside the batch");
        // The same good entries go in afterwards.
        batch.pop_back();
        append(storage, batch);
        CHECK(storage.head() == copy.head());
    }
    SUBCASE("a second writer with a stale head") {
        aitrail::sqlite_storage second(file);
        sealer_t second_sealer(second.head());
        append(storage, seal_n(sealer, 1));  // the first writer moves on
        try {
            append(second, seal_n(second_sealer, 1));
            FAIL("the stale batch was accepted");
        } catch (const aitrail::storage_error& e) {
            CHECK(contains(e.what(), "does not continue the stored chain"));
        }
        CHECK(second.head() == sealer.head());  // head() reads the table, not a cache
        CHECK(count_lines(storage) == 4);
        CHECK(aitrail::verify(storage).ok());
    }
    SUBCASE("a line that is not a trail entry") {
        std::vector<aitrail::sealed_entry> batch(1);
        batch[0].seq = 3;
        batch[0].line = R"({"seq":3,"v":1})";
        CHECK_THROWS_WITH_AS(append(storage, batch), doctest::Contains("cannot append entry 3"), aitrail::storage_error);
        CHECK(count_lines(storage) == 3);
    }
}

TEST_CASE("sqlite_storage: a reopened trail resumes its chain") {
    const temp_dir tmp("sqlite-resume");
    const auto file = tmp.path() / "trail.db";
    std::vector<std::string> errors;
    {
        audit_t audit{aitrail::sqlite_storage{file}, strict_options(errors)};
        audit.scope({.action = "first run"}).finish();
    }
    {
        audit_t audit{aitrail::sqlite_storage{file}, strict_options(errors)};
        audit.scope({.action = "second run"}).finish();
    }
    CHECK(errors.empty());

    raw_db raw(file);
    const auto kinds = raw.rows("SELECT seq, kind FROM aitrail_entries ORDER BY seq");
    REQUIRE(kinds.size() == 4);
    CHECK(kinds[0][1] == "trail.open");
    CHECK(kinds[2][1] == "trail.resume");
    const auto resume = json::parse(raw.value("SELECT line FROM aitrail_entries WHERE seq = 2"));
    CHECK(resume["rec"]["meta"]["resumed_at_seq"] == 2);
    CHECK(json::parse(raw.value("SELECT line FROM aitrail_entries WHERE seq = 3"))["rec"]["action"] == "second run");
    const auto report = aitrail::verify(aitrail::sqlite_storage(file, {.read_only = true}));
    CHECK(report.ok());
    CHECK(report.entries == 4);
}

TEST_CASE("sqlite_storage: WAL mode, indexes, triggers, meta; read-only opens") {
    const temp_dir tmp("sqlite-schema");
    const auto file = tmp.path() / "trail.db";
    {
        aitrail::sqlite_storage storage(file);
        sealer_t sealer;
        append(storage, seal_n(sealer, 2));

        raw_db raw(file);
        CHECK(raw.value("PRAGMA journal_mode") == "wal");
        std::vector<std::string> indexes;
        for (const auto& r : raw.rows("SELECT name FROM sqlite_master WHERE type = 'index' AND "
                                      "tbl_name = 'aitrail_entries' ORDER BY name"))
            indexes.push_back(r[0]);
        CHECK(indexes == std::vector<std::string>{"aitrail_entries_cost_nanos_usd", "aitrail_entries_id",
                                                  "aitrail_entries_status", "aitrail_entries_ts",
                                                  "aitrail_entries_user_id"});
        CHECK(raw.value("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND "
                        "tbl_name = 'aitrail_entries'") == "3");
        CHECK(raw.value("SELECT value FROM aitrail_entries_meta WHERE key = 'format'") == "1");
        // The query planner uses the indexes for seed-001-style filters.
        const auto plan = raw.rows("EXPLAIN QUERY PLAN SELECT count(*) FROM aitrail_entries WHERE user_id = 'u'");
        REQUIRE_FALSE(plan.empty());
        CHECK(contains(plan.back().back(), "aitrail_entries_user_id"));
        std::vector<std::string> columns;
        for (const auto& r : raw.rows("PRAGMA table_info(aitrail_entries)")) columns.push_back(r[1]);
        CHECK(columns == std::vector<std::string>{"seq", "id", "ts", "kind", "user_id", "model", "model_version",
                                                  "status", "latency_us", "input_tokens", "output_tokens",
                                                  "cost_nanos_usd", "hash", "prev", "line"});
    }

    SUBCASE("read-only open of a missing file fails clearly and creates nothing") {
        const auto missing = tmp.path() / "absent" / "trail.db";
        const std::string expected = missing.string() + "': no such database file";
        CHECK_THROWS_WITH_AS(aitrail::sqlite_storage(missing, {.read_only = true}), doctest::Contains(expected.c_str()),
                             aitrail::storage_error);
        CHECK_FALSE(std::filesystem::exists(missing));
        CHECK_FALSE(std::filesystem::exists(missing.parent_path()));
    }
    SUBCASE("read-only open refuses a table that is not there, and appends") {
        CHECK_THROWS_WITH_AS(aitrail::sqlite_storage(file, {.table = "other_trail", .read_only = true}),
                             doctest::Contains("table other_trail: no such table"), aitrail::storage_error);
        aitrail::sqlite_storage reader(file, {.read_only = true});
        CHECK(reader.head().next_seq == 2);
        sealer_t sealer(reader.head());
        const auto batch = seal_n(sealer, 1);
        CHECK_THROWS_WITH_AS(append(reader, batch), doctest::Contains("opened read-only"), aitrail::storage_error);
        CHECK_NOTHROW(reader.flush());
        CHECK(count_lines(reader) == 2);
    }
    SUBCASE("a file that is not a database: the error names it and gives SQLite's message") {
        const auto junk = tmp.path() / "junk.db";
        std::ofstream(junk) << std::string(4096, 'x');
        try {
            aitrail::sqlite_storage s(junk);
            FAIL("opened a file that is not a database");
        } catch (const aitrail::storage_error& e) {
            CHECK(contains(e.what(), junk.string()));
            CHECK(contains(e.what(), "file is not a database"));
        }
    }
    SUBCASE("a bad table name is refused") {
        CHECK_THROWS_AS(aitrail::sqlite_storage(file, {.table = "x\"; DROP TABLE aitrail_entries; --"}),
                        std::invalid_argument);
    }
    SUBCASE("two trails in one file, one table each") {
        aitrail::sqlite_storage other(file, {.table = "fleet_node_2"});
        CHECK(other.head().empty());
        sealer_t sealer;
        append(other, seal_n(sealer, 4));
        CHECK(count_lines(other) == 4);
        CHECK(count_lines(aitrail::sqlite_storage(file, {.read_only = true})) == 2);
        CHECK(aitrail::verify(other).ok());
    }
}

TEST_CASE("sqlite_storage: durability on flush writes a marker; per batch needs none") {
    const temp_dir tmp("sqlite-durability");
    const auto file = tmp.path() / "trail.db";
    sealer_t sealer;
    {
        aitrail::sqlite_storage storage(file, {.durability = aitrail::sqlite_durability::per_batch});
        append(storage, seal_n(sealer, 3));
        storage.flush();
    }
    raw_db raw(file);
    CHECK(raw.value("SELECT count(*) FROM aitrail_entries_meta WHERE key = 'flushed_next_seq'") == "0");
    {
        aitrail::sqlite_storage storage(file, {.durability = aitrail::sqlite_durability::on_flush});
        append(storage, seal_n(sealer, 2));
        CHECK(raw.value("SELECT count(*) FROM aitrail_entries_meta WHERE key = 'flushed_next_seq'") == "0");
        storage.flush();
        CHECK(raw.value("SELECT value FROM aitrail_entries_meta WHERE key = 'flushed_next_seq'") == "5");
        append(storage, seal_n(sealer, 1));
        storage.flush();
        CHECK(raw.value("SELECT value FROM aitrail_entries_meta WHERE key = 'flushed_next_seq'") == "6");
        CHECK(aitrail::verify(storage).ok());
    }
}

TEST_CASE("sqlite_storage: the columns hold the record's values and NULL for what was not reported") {
    fresh_trail trail("sqlite-columns");
    auto& [tmp, file, storage, sealer] = trail;
    std::vector<aitrail::sealed_entry> batch;
    batch.push_back(seal(sealer, {.id = "018f3c2a-0000-7000-8000-000000000001",
                                  .kind = "llm.call",
                                  .user = "analyst_jane",
                                  .model = {"claude-sonnet-4", "2025-05-14", "anthropic"},
                                  .status = aitrail::record_status::error,
                                  .error = aitrail::error_info{"overloaded_error", "try again"},
                                  .latency_us = 812345,
                                  .usage = {.input = 1200, .output = 345},
                                  .cost = aitrail::cost_info{4500000, "builtin"}}));
    batch.push_back(seal(sealer, {.id = "018f3c2a-0000-7000-8000-000000000002",
                                  .kind = "ml.prediction",
                                  .user = "it's \"quoted\" \u00e9",  // escapes in the line, plain text in the column
                                  .cost = aitrail::cost_info{std::nullopt, "unknown"}}));
    batch.push_back(seal(sealer, aitrail::audit_record{}));  // nothing reported at all
    append(storage, batch);

    raw_db raw(file);
    const auto rows = raw.rows(
        "SELECT seq, id, ts, kind, user_id, model, model_version, status, latency_us, input_tokens, "
        "output_tokens, cost_nanos_usd, hash, prev, line = CAST(line AS TEXT), typeof(cost_nanos_usd) "
        "FROM aitrail_entries ORDER BY seq");
    REQUIRE(rows.size() == 3);
    CHECK(rows[0] == std::vector<std::string>{"0", "018f3c2a-0000-7000-8000-000000000001", "2026-03-02T09:00:00.000000Z",
                                              "llm.call", "analyst_jane", "claude-sonnet-4", "2025-05-14", "error",
                                              "812345", "1200", "345", "4500000", batch[0].hash,
                                              std::string(aitrail::genesis_prev), "1", "integer"});
    CHECK(rows[1] == std::vector<std::string>{"1", "018f3c2a-0000-7000-8000-000000000002", "2026-03-02T09:00:01.000000Z",
                                              "ml.prediction", "it's \"quoted\" \u00e9", "NULL", "NULL", "ok", "NULL",
                                              "NULL", "NULL", "NULL", batch[1].hash, batch[0].hash, "1", "null"});
    CHECK(rows[2][4] == "NULL");   // user_id
    CHECK(rows[2][7] == "ok");     // status
    CHECK(rows[2][13] == batch[1].hash);
    CHECK(raw.value("SELECT line FROM aitrail_entries WHERE seq = 1") == batch[1].line);

    // Seed 001's daily cost report runs on the table as it is.
    const auto daily = raw.rows(
        "SELECT user_id, substr(ts, 1, 10) AS day, count(*), sum(cost_nanos_usd) / 1e9 FROM aitrail_entries "
        "WHERE user_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1");
    REQUIRE(daily.size() == 2);
    CHECK(daily[0] == std::vector<std::string>{"analyst_jane", "2026-03-02", "1", "0.0045"});
    CHECK(daily[1][3] == "NULL");  // unknown cost stays unknown, never 0
}

TEST_CASE("sqlite_storage: two writers on one file keep one chain") {
    const temp_dir tmp("sqlite-writers");
    const auto file = tmp.path() / "trail.db";
    { aitrail::sqlite_storage create(file); }
    constexpr int per_writer = 40;
    std::atomic<int> refusals{0};
    std::string failures[2];  // one per writer: anything but a stale-head refusal
    const auto writer = [&](int id) {
        try {
            aitrail::sqlite_storage storage(file);
            for (int done = 0; done < per_writer;) {
                sealer_t sealer(storage.head());
                aitrail::audit_record rec;
                rec.user = "writer-" + std::to_string(id);
                std::vector<aitrail::sealed_entry> batch{seal(sealer, std::move(rec))};
                try {
                    append(storage, batch);
                    ++done;
                } catch (const aitrail::storage_error& e) {
                    // The other writer got there first: read the head again.
                    if (!contains(e.what(), "does not continue the stored chain")) throw;
                    ++refusals;
                }
            }
        } catch (const std::exception& e) {
            failures[id - 1] = e.what();
        }
    };
    std::thread a(writer, 1);
    std::thread b(writer, 2);
    a.join();
    b.join();
    CHECK(failures[0] == "");
    CHECK(failures[1] == "");
    const aitrail::sqlite_storage reader(file, {.read_only = true});
    const auto report = aitrail::verify(reader);
    CHECK(report.ok());
    CHECK(report.entries == 2 * per_writer);
    raw_db raw(file);
    CHECK(raw.value("SELECT count(*) FROM aitrail_entries WHERE user_id = 'writer-1'") == std::to_string(per_writer));
    MESSAGE("stale-head refusals: " << refusals.load());
}

TEST_SUITE_END();

}  // namespace sqlite_storage_tests

#endif  // AITRAIL_HAS_SQLITE
