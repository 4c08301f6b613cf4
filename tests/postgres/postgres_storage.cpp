#include <aitrail/storage/postgres_storage.hpp>

#include <doctest/doctest.h>

#include "support/check_storage.hpp"
#include "postgres/test_server.hpp"

#include <aitrail/capture/auditor.hpp>
#include <aitrail/integrity/sealer.hpp>
#include <aitrail/read/verify.hpp>
#include <aitrail/storage/entry_head.hpp>

#include <nlohmann/json.hpp>

#include <chrono>     // sys_days, hours, microseconds
#include <cstdint>    // int64_t, uint64_t
#include <map>        // map
#include <optional>   // optional, nullopt
#include <span>       // span
#include <string>     // string, to_string
#include <vector>     // vector

namespace postgres_storage_tests {

namespace {

namespace pg = aitrail_test::pg;
using pg::contains;
using pg::error_of;
using pg::fresh_table;

/// Every line a storage scans, with its line_no.
std::vector<std::pair<std::string, std::uint64_t>> scanned(const aitrail::postgres_storage& s) {
    std::vector<std::pair<std::string, std::uint64_t>> out;
    s.scan([&](const aitrail::stored_line& l) {
        out.emplace_back(std::string(l.text), l.line_no);
        return true;
    });
    return out;
}

}  // namespace

TEST_SUITE_BEGIN("postgres_storage");

TEST_CASE("postgres_storage meets the storage conformance checks") {
    const std::string conninfo = pg::conninfo();
    auto options = fresh_table("conformance");
    // Small COPY messages and pages, so that appends and scans cross them.
    options.copy_rows = 3;
    options.page_rows = 7;
    aitrail_test::check_storage<aitrail::postgres_storage>([&] { return aitrail::postgres_storage(conninfo, options); },
                                                           [&] { return aitrail::postgres_storage(conninfo, options); });
    // The conformance data went through the table itself.
    pg::raw_db db;
    CHECK(db.count(options.table) == 1019);
}

TEST_CASE("an auditor's trail in postgres_storage verifies from the database alone") {
    const std::string conninfo = pg::conninfo();
    const auto options = fresh_table("auditor_verify");
    std::vector<std::string> errors;
    {
        aitrail::auditor<> audit{aitrail::postgres_storage(conninfo, options),
                                 {.on_error = [&](const std::string& m) { errors.push_back(m); }}};
        for (int i = 0; i < 40; ++i) {
            auto scope = audit.scope({.action = "messages.create", .user = "user-" + std::to_string(i % 3),
                                      .model = {"model-" + std::to_string(i % 2), "v1", "local"}});
            scope.input({{"prompt", "question " + std::to_string(i)}}).output({{"text", "answer " + std::to_string(i)}});
            scope.usage({.input = 10 + i, .output = 20 + i});
            if (i % 5 == 0) scope.fail("timeout", "the model did not answer");
        }
        CHECK(audit.flush());
    }
    CHECK(errors.empty());

    // A reader that knows only the conninfo and the table.
    const aitrail::postgres_storage reader(conninfo, {.table = options.table, .read_only = true});
    const auto report = aitrail::verify(reader);
    CHECK(report.ok());
    CHECK(report.entries == 41);  // trail.open and the 40 calls
    CHECK(report.trail_id.size() > 0);
    const auto slow = aitrail::verify(reader, aitrail::verify_options{.recanonicalize = true});
    CHECK(slow.ok());
    CHECK(slow.entries == 41);
    CHECK(reader.head().next_seq == 41);

    // Seed 001's error-rate query (as the README shows it) runs on the table.
    pg::raw_db db;
    const auto rates = db.rows(
        "SELECT model, COUNT(*) FILTER (WHERE status = 'error') AS errors, COUNT(*) AS total, "
        "ROUND(100.0 * COUNT(*) FILTER (WHERE status = 'error') / COUNT(*), 2) AS error_rate "
        "FROM " + options.table + " WHERE ts >= NOW() - INTERVAL '24 hours' GROUP BY model ORDER BY model");
    REQUIRE(rates.size() == 3);  // model-0, model-1 and the trail.open record, which names no model
    using row = std::vector<std::optional<std::string>>;
    CHECK(rates[0] == row{"model-0", "4", "20", "20.00"});  // i = 0, 10, 20, 30 failed
    CHECK(rates[1] == row{"model-1", "4", "20", "20.00"});  // i = 5, 15, 25, 35
    CHECK(rates[2] == row{std::nullopt, "0", "1", "0.00"});
}

TEST_CASE("a postgres_storage reopened on its table resumes the chain") {
    const std::string conninfo = pg::conninfo();
    const auto options = fresh_table("reopen");
    std::string trail_id;
    for (int round = 0; round < 3; ++round) {
        aitrail::postgres_storage storage(conninfo, options);
        const auto head = storage.head();
        CHECK(head.next_seq == static_cast<std::uint64_t>(4 * round));
        aitrail::auditor<> audit{std::move(storage)};
        if (round == 0) trail_id = audit.trail_id();
        for (int i = 0; i < 3; ++i) {
            auto scope = audit.scope({.action = "predict", .user = "analyst"});
            scope.output({{"round", round}, {"call", i}});
        }
    }
    const aitrail::postgres_storage reader(conninfo, {.table = options.table, .read_only = true});
    const auto lines = scanned(reader);
    REQUIRE(lines.size() == 12);  // trail.open + 3, then twice trail.resume + 3
    std::uint64_t expected_no = 1;
    std::vector<std::string> kinds;
    for (const auto& [text, line_no] : lines) {
        CHECK(line_no == expected_no++);
        kinds.push_back(nlohmann::json::parse(text).at("rec").at("kind").get<std::string>());
    }
    CHECK(kinds[0] == "trail.open");
    CHECK(kinds[4] == "trail.resume");
    CHECK(kinds[8] == "trail.resume");
    const auto report = aitrail::verify(reader);
    CHECK(report.ok());
    CHECK(report.trail_id == trail_id);
}

TEST_CASE("postgres_storage scans thousands of entries page by page, in order") {
    const std::string conninfo = pg::conninfo();
    auto options = fresh_table("scan_pages");
    options.page_rows = 250;
    aitrail::postgres_storage storage(conninfo, options);
    aitrail::sealer<aitrail::hashers::sha256> sealer;
    std::vector<std::string> expected;
    for (const std::size_t n : {1000u, 1u, 2499u, 500u}) {  // 4000 in all
        const auto batch = aitrail_test::seal_entries(sealer, n);
        storage.append(std::span<const aitrail::sealed_entry>(batch));
        for (const auto& e : batch) expected.push_back(e.line);
    }
    REQUIRE(expected.size() == 4000);

    std::size_t n = 0;
    bool in_order = true;
    storage.scan([&](const aitrail::stored_line& l) {
        in_order = in_order && n < expected.size() && l.text == expected[n] && l.line_no == n + 1 &&
                   l.source == "postgres:" + options.table && l.terminated;
        ++n;
        return true;
    });
    CHECK(n == 4000);
    CHECK(in_order);

    INFO("stopping early, in the middle of a page");
    std::size_t visited = 0;
    storage.scan([&](const aitrail::stored_line&) { return ++visited < 333; });
    CHECK(visited == 333);
    INFO("the storage is usable after a scan stopped early");
    CHECK(storage.head().next_seq == 4000);
    CHECK(aitrail::verify(storage).ok());
}

TEST_CASE("postgres_storage fills the columns from the line, NULL where nothing was reported") {
    using namespace std::chrono;
    const std::string conninfo = pg::conninfo();
    const auto options = fresh_table("columns");
    aitrail::postgres_storage storage(conninfo, options);
    aitrail::sealer<aitrail::hashers::sha256> sealer;
    const aitrail::timestamp ts{sys_days{year{2026} / March / 9} + hours{8} + microseconds{123456}};
    std::vector<aitrail::sealed_entry> batch;
    {
        aitrail::pending_entry full;
        full.rec.id = "rec-full";
        full.rec.ts = ts;
        full.rec.kind = "llm.call";
        full.rec.user = "alice\ttab";
        full.rec.model = {"claude-sonnet-4", "2025-05-14", "anthropic"};
        full.rec.status = aitrail::record_status::error;
        full.rec.error = aitrail::error_info{"overloaded", "try again"};
        full.rec.latency_us = 1500000;
        full.rec.usage.input = 1200;
        full.rec.usage.output = 340;
        full.rec.cost = aitrail::cost_info{8700000, "builtin"};
        batch.push_back(sealer.seal(full));
    }
    {
        aitrail::pending_entry bare;  // nothing reported
        bare.rec.id = "rec-bare";
        bare.rec.ts = ts + seconds{1};
        bare.rec.kind = "ml.prediction";
        batch.push_back(sealer.seal(bare));
    }
    {
        aitrail::pending_entry odd;  // a NUL in a user id, and a cost nobody knew
        odd.rec.id = "rec-odd";
        odd.rec.ts = ts + seconds{2};
        odd.rec.user = std::string("bob\0x", 5);
        odd.rec.cost = aitrail::cost_info{std::nullopt, "unknown"};
        batch.push_back(sealer.seal(odd));
    }
    for (auto& e : batch) e.rec = nullptr;  // columns come from the line alone
    storage.append(std::span<const aitrail::sealed_entry>(batch));

    pg::raw_db db;
    const auto rows = db.rows(
        "SELECT seq, id, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), kind, user_id, model, "
        "model_version, status, latency_us, input_tokens, output_tokens, cost_nanos_usd, hash, prev, line FROM " +
        options.table + " ORDER BY seq");
    REQUIRE(rows.size() == 3);
    using row = std::vector<std::optional<std::string>>;
    const row full_expected{"0", "rec-full", "2026-03-09T08:00:00.123456Z", "llm.call", "alice\ttab", "claude-sonnet-4",
                            "2025-05-14", "error", "1500000", "1200", "340", "8700000", batch[0].hash,
                            std::string(aitrail::genesis_prev), batch[0].line};
    CHECK(rows[0] == full_expected);
    const row bare_expected{"1", "rec-bare", "2026-03-09T08:00:01.123456Z", "ml.prediction", std::nullopt, std::nullopt,
                            std::nullopt, "ok", std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                            batch[1].hash, batch[0].hash, batch[1].line};
    CHECK(rows[1] == bare_expected);
    CHECK(rows[2][4] == "bob\xEF\xBF\xBDx");  // the column replaces the NUL...
    CHECK(rows[2][11] == std::nullopt);        // unknown cost is NULL, not 0
    CHECK(rows[2][14] == batch[2].line);       // ...the line keeps it, escaped, byte for byte
    CHECK(contains(batch[2].line, "bob\\u0000x"));
    CHECK(aitrail::verify(storage).ok());

    INFO("the column types and the indexes seed 001's queries use");
    const auto types = db.rows("SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                               "WHERE table_name = '" + options.table + "' ORDER BY ordinal_position");
    std::map<std::string, std::string> type_of;
    for (const auto& t : types) type_of[*t[0]] = *t[1] + (t[2] == "NO" ? " not null" : "");
    CHECK(type_of.size() == 15);
    CHECK(type_of["seq"] == "bigint not null");
    CHECK(type_of["ts"] == "timestamp with time zone not null");
    CHECK(type_of["user_id"] == "text");
    CHECK(type_of["cost_nanos_usd"] == "bigint");
    CHECK(type_of["line"] == "text not null");
    const auto indexed = db.value("SELECT string_agg(indexdef, ' | ' ORDER BY indexname) FROM pg_indexes "
                                  "WHERE tablename = '" + options.table + "'");
    for (const char* column : {"(seq)", "(ts)", "(user_id)", "(status)", "(cost_nanos_usd)", "(id)"})
        CHECK_MESSAGE(contains(indexed, column), column << " is not indexed: " << indexed);
}

TEST_CASE("a wrong conninfo gives a clear error that never shows the password") {
    const std::string conninfo = pg::conninfo();
    const std::string secret = "Wr0ng-Pa55word-4711";
    const aitrail::postgres_options options{.table = pg::table_name("wrong_conninfo")};

    INFO("a wrong password");
    auto message = error_of([&] { aitrail::postgres_storage s(pg::with_value(conninfo, "password", secret), options); });
    CHECK(contains(message, "postgres_storage '" + options.table + "'"));
    CHECK(contains(message, "cannot connect to PostgreSQL"));
    CHECK(contains(message, "password authentication failed"));
    CHECK(contains(message, "dbname=aitrail_test"));
    CHECK_FALSE(contains(message, secret));

    INFO("nothing listening on the port");
    message = error_of([&] {
        aitrail::postgres_storage s(pg::with_value(pg::with_value(conninfo, "password", secret), "port", "1"), options);
    });
    CHECK(contains(message, "cannot connect to PostgreSQL"));
    CHECK(contains(message, "port=1"));
    CHECK_FALSE(contains(message, secret));

    INFO("a database that does not exist, as a URI with the right password");
    const std::string password = pg::conninfo_value(conninfo, "password");
    message = error_of([&] {
        aitrail::postgres_storage s("postgresql://aitrail:" + password + "@127.0.0.1:" + pg::conninfo_value(conninfo, "port") +
                                        "/no_such_db?sslmode=disable&gssencmode=disable",
                                    options);
    });
    CHECK(contains(message, "cannot connect to PostgreSQL"));
    CHECK(contains(message, "database \"no_such_db\" does not exist"));
    CHECK_FALSE(contains(message, password));

    INFO("a connection string libpq cannot parse");
    message = error_of([&] { aitrail::postgres_storage s("host=127.0.0.1 password=" + secret + " port", options); });
    CHECK(contains(message, "invalid connection string"));
    CHECK_FALSE(contains(message, secret));
    message = error_of([&] { aitrail::postgres_storage s("host=127.0.0.1 " + secret, options); });
    CHECK(contains(message, "invalid connection string"));
    CHECK_FALSE(contains(message, secret));

    INFO("an invalid table name is refused before connecting");
    message = error_of([&] { aitrail::postgres_storage s(conninfo, {.table = "entries; DROP TABLE x"}); });
    CHECK(contains(message, "invalid table name"));
}

TEST_CASE("a read-only postgres_storage creates nothing and refuses appends") {
    const std::string conninfo = pg::conninfo();
    const auto options = fresh_table("read_only");
    pg::raw_db db;

    const auto missing = error_of([&] { aitrail::postgres_storage s(conninfo, {.table = options.table, .read_only = true}); });
    CHECK(contains(missing, "no such table"));
    CHECK(db.value("SELECT to_regclass('" + options.table + "') IS NULL") == "t");

    aitrail::sealer<aitrail::hashers::sha256> sealer;
    const auto batch = aitrail_test::seal_entries(sealer, 4);
    aitrail::postgres_storage writer(conninfo, options);
    writer.append(std::span<const aitrail::sealed_entry>(batch));

    aitrail::postgres_storage reader(conninfo, {.table = options.table, .read_only = true});
    CHECK(reader.head() == sealer.head());
    CHECK(scanned(reader).size() == 4);
    const auto more = aitrail_test::seal_entries(sealer, 1);
    const auto refused = error_of([&] { reader.append(std::span<const aitrail::sealed_entry>(more)); });
    CHECK(contains(refused, "read-only"));
    CHECK(db.count(options.table) == 4);
}

TEST_CASE("postgres_storage keeps its tables apart in other schemas") {
    const std::string conninfo = pg::conninfo();
    const std::string schema = pg::table_name("audit_schema");
    pg::raw_db db;
    db.exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    aitrail::sealer<aitrail::hashers::sha256> a, b;
    aitrail::postgres_storage in_schema(conninfo, {.table = schema + ".entries"});
    aitrail::postgres_storage other(conninfo, {.table = schema + ".other"});
    const auto first = aitrail_test::seal_entries(a, 3);
    const auto second = aitrail_test::seal_entries(b, 5);
    in_schema.append(std::span<const aitrail::sealed_entry>(first));
    other.append(std::span<const aitrail::sealed_entry>(second));
    CHECK(db.count(schema + ".entries") == 3);
    CHECK(db.count(schema + ".other") == 5);
    CHECK(scanned(in_schema).front().first == first.front().line);
    CHECK(contains(db.try_exec("DELETE FROM " + schema + ".other"), "append-only"));
}

TEST_SUITE_END();

}  // namespace postgres_storage_tests
