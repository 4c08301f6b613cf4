#include <aitrail/storage/postgres_storage.hpp>

#include <doctest/doctest.h>

#include "support/check_storage.hpp"
#include "postgres/test_server.hpp"

#include <aitrail/capture/auditor.hpp>
#include <aitrail/integrity/sealer.hpp>
#include <aitrail/read/verify.hpp>

#include <atomic>   // atomic
#include <chrono>   // milliseconds
#include <span>     // span
#include <string>   // string, to_string
#include <thread>   // thread
#include <vector>   // vector

namespace postgres_integrity_tests {

namespace {

namespace pg = aitrail_test::pg;
using pg::contains;
using pg::error_of;
using pg::fresh_table;
using entries = std::vector<aitrail::sealed_entry>;

std::span<const aitrail::sealed_entry> all(const entries& e) { return e; }

/// `n` entries continuing `sealer`'s chain, whose records carry `tag`: two
/// sealers with different tags make different lines for the same seq.
entries seal_tagged(aitrail::sealer<aitrail::hashers::sha256>& sealer, int n, const std::string& tag) {
    entries out;
    for (int i = 0; i < n; ++i) {
        aitrail::pending_entry e;
        e.rec.id = tag + "-" + std::to_string(i);
        e.rec.ts = aitrail::detail::now_utc();
        e.rec.user = tag;
        e.content = {{"input", tag}};
        out.push_back(sealer.seal(e));
        out.back().rec = nullptr;
    }
    return out;
}

/// A login role that may only SELECT and INSERT on `table`, and change its
/// tiles (tables created by the test server's administrator), and the conninfo it connects with, under
/// its own application_name so that a test can cut its sessions.
struct writer_role {
    std::string name, conninfo, app;

    writer_role(pg::raw_db& db, const std::string& table) : name(table + "_writer"), app("aitrail_" + table + "_writer") {
        db.exec("DROP ROLE IF EXISTS " + name);
        db.exec("CREATE ROLE " + name + " LOGIN PASSWORD 'writer-pw'");
        db.exec("GRANT SELECT, INSERT ON " + table + " TO " + name);
        // The tiles are derived data: partial tiles are replaced as the tree grows.
        db.exec("GRANT SELECT, INSERT, UPDATE, DELETE ON " + table + "_tiles TO " + name);
        conninfo = pg::with_value(pg::with_value(pg::conninfo(), "user", name), "password", "writer-pw") +
                   " application_name=" + app;
    }

    /// Ends the role's sessions (as a server restart would) and, unless
    /// `allow_login`, keeps it from logging in again.
    void cut(pg::raw_db& db, bool allow_login) const {
        if (!allow_login) db.exec("ALTER ROLE " + name + " NOLOGIN");
        REQUIRE(db.value("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '" +
                         app + "'") == "1");
        for (int i = 0; i < 500; ++i) {
            if (db.value("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + app + "'") == "0") return;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        FAIL("the role's session did not end");
    }

    void allow_login(pg::raw_db& db) const { db.exec("ALTER ROLE " + name + " LOGIN"); }
};

}  // namespace

TEST_SUITE_BEGIN("postgres_integrity");

TEST_CASE("the database refuses UPDATE, DELETE and TRUNCATE on a trail table") {
    const std::string conninfo = pg::conninfo();
    const auto options = fresh_table("append_only");
    aitrail::sealer<aitrail::hashers::sha256> sealer;
    {
        aitrail::postgres_storage storage(conninfo, options);
        storage.append(all(aitrail_test::seal_entries(sealer, 6)));
    }
    pg::raw_db db;
    const std::string& t = options.table;
    const auto before = db.value("SELECT string_agg(line, E'\\n' ORDER BY seq) FROM " + t);

    const auto update = db.try_exec("UPDATE " + t + " SET line = replace(line, 'question', 'answer') WHERE seq = 2");
    CHECK(contains(update, "UPDATE on public." + t + " refused: the audit trail table is append-only"));
    CHECK(contains(db.try_exec("UPDATE " + t + " SET user_id = 'mallory'"), "append-only"));
    CHECK(contains(db.try_exec("DELETE FROM " + t + " WHERE seq = 5"), "DELETE on public." + t + " refused"));
    CHECK(contains(db.try_exec("DELETE FROM " + t), "append-only"));
    CHECK(contains(db.try_exec("TRUNCATE " + t), "TRUNCATE on public." + t + " refused"));
    CHECK(contains(db.try_exec("BEGIN; DELETE FROM " + t + " WHERE seq >= 3; COMMIT"), "append-only"));
    db.exec("ROLLBACK");  // the failed transaction above

    CHECK(db.count(t) == 6);
    CHECK(db.value("SELECT string_agg(line, E'\\n' ORDER BY seq) FROM " + t) == before);
    const aitrail::postgres_storage reader(conninfo, {.table = t, .read_only = true});
    const auto report = aitrail::verify(reader);
    CHECK(report.ok());
    CHECK(report.entries == 6);

    INFO("opening the table again keeps the triggers (creation is idempotent)");
    { aitrail::postgres_storage again(conninfo, options); }
    CHECK(db.value("SELECT count(*) FROM pg_trigger WHERE tgrelid = '" + t + "'::regclass AND NOT tgisinternal") == "2");
    CHECK(contains(db.try_exec("DELETE FROM " + t), "append-only"));
}

TEST_CASE("a batch that does not continue the stored chain is refused and nothing is stored") {
    const std::string conninfo = pg::conninfo();
    const auto options = fresh_table("chain_refused");
    aitrail::postgres_storage storage(conninfo, options);
    aitrail::sealer<aitrail::hashers::sha256> sealer;
    storage.append(all(aitrail_test::seal_entries(sealer, 5)));
    const auto head = storage.head();
    pg::raw_db db;
    const auto unchanged = [&] {
        CHECK(db.count(options.table) == 5);
        CHECK(storage.head() == head);
    };

    INFO("another trail's first entries (seq 0 is taken by other content)");
    aitrail::sealer<aitrail::hashers::sha256> other;
    auto message = error_of([&] { storage.append(all(seal_tagged(other, 3, "other"))); });
    CHECK(contains(message, "postgres_storage '" + options.table + "'"));
    CHECK(contains(message, "append refused"));
    CHECK(contains(message, "already holds seq 0 with other content"));
    unchanged();

    INFO("a gap: the batch starts at seq 6 where the table ends at 5");
    aitrail::sealer<aitrail::hashers::sha256> ahead(head);
    auto skipped = aitrail_test::seal_entries(ahead, 4);
    skipped.erase(skipped.begin());
    message = error_of([&] { storage.append(all(skipped)); });
    CHECK(contains(message, "does not continue the stored chain"));
    CHECK(contains(message, "at seq 6"));
    CHECK(contains(message, "ends at next seq 5"));
    unchanged();

    INFO("a fork: seq 5 sealed after another hash");
    aitrail::sealer<aitrail::hashers::sha256> forked(aitrail::chain_head{5, std::string(64, 'a')});
    message = error_of([&] { storage.append(all(aitrail_test::seal_entries(forked, 2))); });
    CHECK(contains(message, "does not continue the stored chain"));
    unchanged();

    INFO("a break inside the batch: its later entries are never stored either");
    aitrail::sealer<aitrail::hashers::sha256> inner(head);
    auto broken = aitrail_test::seal_entries(inner, 6);
    broken.erase(broken.begin() + 3);
    storage.flush();
    message = error_of([&] { storage.append(all(broken)); });
    CHECK(contains(message, "does not follow seq 7"));
    unchanged();

    INFO("not a trail entry at all");
    entries junk(1);
    junk[0].seq = 5;
    junk[0].line = R"({"seq":5,"note":"no hash"})";
    message = error_of([&] { storage.append(all(junk)); });
    CHECK(contains(message, "is not a trail entry"));
    unchanged();

    INFO("the right continuation is then accepted");
    aitrail::sealer<aitrail::hashers::sha256> right(head);
    storage.append(all(aitrail_test::seal_entries(right, 3)));
    CHECK(db.count(options.table) == 8);
    CHECK(aitrail::verify(storage).ok());
}

TEST_CASE("entries already stored byte for byte are skipped (a retry after a lost commit reply)") {
    const std::string conninfo = pg::conninfo();
    const auto options = fresh_table("retry_overlap");
    aitrail::postgres_storage storage(conninfo, options);
    aitrail::sealer<aitrail::hashers::sha256> sealer;
    const auto first = aitrail_test::seal_entries(sealer, 5);
    storage.append(all(first));

    storage.append(all(first));  // the whole batch again
    pg::raw_db db;
    CHECK(db.count(options.table) == 5);

    // What a writer retrying with newer entries behind sends: seq 3.. 9.
    auto retried = entries(first.begin() + 3, first.end());
    for (auto& e : aitrail_test::seal_entries(sealer, 5)) retried.push_back(std::move(e));
    storage.append(all(retried));
    CHECK(db.count(options.table) == 10);
    CHECK(storage.head() == sealer.head());
    const auto report = aitrail::verify(storage);
    CHECK(report.ok());
    CHECK(report.entries == 10);
}

TEST_CASE("postgres_storages opened at once on one new table all succeed, and only one chain grows") {
    const std::string conninfo = pg::conninfo();
    const auto options = fresh_table("concurrent");
    constexpr int writers = 6;
    std::vector<std::string> open_errors(writers);
    std::vector<std::string> append_errors(writers);
    std::atomic<int> appended{0};
    {
        std::vector<std::thread> threads;
        for (int w = 0; w < writers; ++w) {
            threads.emplace_back([&, w] {
                try {
                    aitrail::postgres_storage s(conninfo, options);
                    // Every writer seals its own seq 0..3 from an empty head:
                    // exactly one may store them.
                    aitrail::sealer<aitrail::hashers::sha256> sealer;
                    const auto batch = seal_tagged(sealer, 4, "writer-" + std::to_string(w));
                    try {
                        s.append(all(batch));
                        ++appended;
                    } catch (const aitrail::storage_error& e) {
                        append_errors[static_cast<std::size_t>(w)] = e.what();
                    }
                } catch (const std::exception& e) {
                    open_errors[static_cast<std::size_t>(w)] = e.what();
                }
            });
        }
        for (auto& t : threads) t.join();
    }
    for (const auto& e : open_errors) CHECK_MESSAGE(e.empty(), e);
    CHECK(appended.load() == 1);
    for (const auto& e : append_errors)
        if (!e.empty()) CHECK(contains(e, "append refused"));
    pg::raw_db db;
    CHECK(db.count(options.table) == 4);
    CHECK(aitrail::verify(aitrail::postgres_storage(conninfo, {.table = options.table, .read_only = true})).ok());
}

TEST_CASE("a session the server ended is reopened by the next call") {
    const auto options = fresh_table("session_ended");
    pg::raw_db db;
    { aitrail::postgres_storage admin(pg::conninfo(), options); }
    const writer_role role(db, options.table);
    aitrail::postgres_storage storage(role.conninfo, options);  // a role without DDL rights may write
    aitrail::sealer<aitrail::hashers::sha256> sealer;
    storage.append(all(aitrail_test::seal_entries(sealer, 2)));

    role.cut(db, true);
    storage.append(all(aitrail_test::seal_entries(sealer, 3)));
    CHECK(db.count(options.table) == 5);
    role.cut(db, true);
    CHECK(storage.head() == sealer.head());
    role.cut(db, true);
    const auto report = aitrail::verify(storage);
    CHECK(report.ok());
    CHECK(report.entries == 5);
    role.cut(db, true);
    CHECK_NOTHROW(storage.flush());
}

TEST_CASE("a lost connection that cannot be reopened gives a clear error, and a later append stores the batch") {
    const auto options = fresh_table("lost_connection");
    pg::raw_db db;
    { aitrail::postgres_storage admin(pg::conninfo(), options); }
    const writer_role role(db, options.table);
    aitrail::postgres_storage storage(role.conninfo, options);
    aitrail::sealer<aitrail::hashers::sha256> sealer;
    storage.append(all(aitrail_test::seal_entries(sealer, 2)));

    role.cut(db, false);
    const auto batch = aitrail_test::seal_entries(sealer, 3);
    auto message = error_of([&] { storage.append(all(batch)); });
    CHECK(contains(message, "postgres_storage '" + options.table + "'"));
    CHECK(contains(message, "the connection to PostgreSQL is lost and reconnecting failed"));
    CHECK(contains(message, "not permitted to log in"));
    CHECK_FALSE(contains(message, "writer-pw"));
    CHECK(db.count(options.table) == 2);
    message = error_of([&] { (void)storage.head(); });
    CHECK(contains(message, "reconnecting failed"));

    // What the auditor's writer does: keep the entries and append them again.
    role.allow_login(db);
    storage.append(all(batch));
    CHECK(db.count(options.table) == 5);
    CHECK(storage.head() == sealer.head());
    CHECK(aitrail::verify(storage).ok());
}

TEST_CASE("an auditor keeps the entries PostgreSQL could not take and stores them once it can") {
    const auto options = fresh_table("auditor_retry");
    pg::raw_db db;
    { aitrail::postgres_storage admin(pg::conninfo(), options); }
    const writer_role role(db, options.table);
    std::vector<std::string> errors;
    {
        aitrail::auditor<aitrail::synchronous_policy> audit{aitrail::postgres_storage(role.conninfo, options),
                                                            {.on_error = [&](const std::string& m) { errors.push_back(m); }}};
        { auto scope = audit.scope({.action = "first"}); }
        role.cut(db, false);
        { auto scope = audit.scope({.action = "second"}); }
        CHECK(db.count(options.table) == 2);  // trail.open, first
        role.allow_login(db);
        { auto scope = audit.scope({.action = "third"}); }
        CHECK(audit.flush());
    }
    REQUIRE(errors.size() == 1);
    CHECK(contains(errors[0], "kept and retried"));
    CHECK(contains(errors[0], "reconnecting failed"));
    const auto actions = db.rows("SELECT line::json->'rec'->>'action' FROM " + options.table + " ORDER BY seq");
    REQUIRE(actions.size() == 4);
    CHECK(actions[1][0] == "first");
    CHECK(actions[2][0] == "second");
    CHECK(actions[3][0] == "third");
    CHECK(aitrail::verify(aitrail::postgres_storage(pg::conninfo(), {.table = options.table, .read_only = true})).ok());
}

TEST_SUITE_END();

}  // namespace postgres_integrity_tests
