#pragma once
/// @file test_server.hpp
/// The PostgreSQL server the postgres tests run against (started by the
/// `postgres` CTest fixture, tests/postgres/server.sh), a table name of each
/// test's own so that tests run in parallel, and a plain libpq connection for
/// the SQL a test runs behind the storage's back.

#include <aitrail/storage/postgres_storage.hpp>
#include <aitrail/storage/storage_error.hpp>

#include <doctest/doctest.h>

#include <libpq-fe.h>
#include <unistd.h>  // getpid

#include <cstdlib>    // getenv
#include <fstream>    // ifstream
#include <optional>   // optional
#include <string>     // string, getline, to_string
#include <vector>     // vector

namespace aitrail_test::pg {

/// The server's connection string, read from the file named by
/// $AITRAIL_PG_CONNINFO_FILE.
inline std::string conninfo() {
    const char* file = std::getenv("AITRAIL_PG_CONNINFO_FILE");
    if (file == nullptr || *file == '\0') {
        FAIL("AITRAIL_PG_CONNINFO_FILE is not set: run the postgres tests through ctest, whose postgres.start "
             "fixture starts the server");
        return {};
    }
    std::ifstream in(file);
    std::string line;
    if (!in || !std::getline(in, line) || line.empty()) {
        FAIL("cannot read the server's conninfo from " << file << " (did postgres.start succeed?)");
        return {};
    }
    return line;
}

/// The value of `key` in the key=value conninfo `info`.
inline std::string conninfo_value(const std::string& info, const std::string& key) {
    const auto at = info.find(key + "=");
    REQUIRE(at != std::string::npos);
    const auto from = at + key.size() + 1;
    return info.substr(from, info.find(' ', from) - from);
}

/// `info` with `key`'s value replaced.
inline std::string with_value(std::string info, const std::string& key, const std::string& value) {
    const auto at = info.find(key + "=");
    REQUIRE(at != std::string::npos);
    const auto from = at + key.size() + 1;
    info.replace(from, info.find(' ', from) - from, value);
    return info;
}

/// A table name no other test process uses: `<stem>_<pid>`.
inline std::string table_name(const std::string& stem) { return stem + "_" + std::to_string(::getpid()); }

/// A plain libpq connection to the test server.
class raw_db {
public:
    raw_db() : conn_(PQconnectdb(conninfo().c_str())) {
        REQUIRE_MESSAGE(PQstatus(conn_) == CONNECTION_OK, "cannot connect to the test server: " << PQerrorMessage(conn_));
        PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
    }
    raw_db(const raw_db&) = delete;
    raw_db& operator=(const raw_db&) = delete;
    ~raw_db() { PQfinish(conn_); }

    /// Runs `sql`; returns "" when it succeeded, else the server's message.
    std::string try_exec(const std::string& sql) {
        PGresult* r = PQexec(conn_, sql.c_str());
        const auto status = PQresultStatus(r);
        std::string error = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ? "" : PQresultErrorMessage(r);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && error.empty()) error = "failed";
        PQclear(r);
        return error;
    }

    /// Runs `sql`, which must succeed.
    void exec(const std::string& sql) {
        const auto error = try_exec(sql);
        REQUIRE_MESSAGE(error.empty(), sql << ": " << error);
    }

    /// Every row of `sql`'s result; NULL is nullopt.
    std::vector<std::vector<std::optional<std::string>>> rows(const std::string& sql) {
        PGresult* r = PQexec(conn_, sql.c_str());
        const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
        const std::string error = ok ? "" : PQresultErrorMessage(r);
        std::vector<std::vector<std::optional<std::string>>> out;
        for (int i = 0; ok && i < PQntuples(r); ++i) {
            auto& row = out.emplace_back();
            for (int k = 0; k < PQnfields(r); ++k)
                row.push_back(PQgetisnull(r, i, k) ? std::nullopt
                                                   : std::optional<std::string>(std::string(
                                                         PQgetvalue(r, i, k), static_cast<std::size_t>(PQgetlength(r, i, k)))));
        }
        PQclear(r);
        REQUIRE_MESSAGE(ok, sql << ": " << error);
        return out;
    }

    /// The first field of the first row ("<null>" for NULL, "<none>" for no row).
    std::string value(const std::string& sql) {
        const auto r = rows(sql);
        if (r.empty() || r[0].empty()) return "<none>";
        return r[0][0].value_or("<null>");
    }

    /// The row count of `table`.
    long count(const std::string& table) { return std::stol(value("SELECT count(*) FROM " + table)); }

private:
    PGconn* conn_;
};

/// Options for a table of the test's own, dropped first with its tiles and
/// checkpoints tables (a rerun may find them).
inline aitrail::postgres_options fresh_table(const std::string& stem) {
    const auto table = table_name(stem);
    raw_db db;
    db.exec("DROP TABLE IF EXISTS " + table + ", " + table + "_tiles, " + table + "_checkpoints");
    return {.table = table};
}

/// True when `text` contains `part`.
inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// The message of the storage_error `f` throws ("" if it throws none).
template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const aitrail::storage_error& e) {
        return e.what();
    }
    return "";
}

}  // namespace aitrail_test::pg
