#pragma once
/// @file sqlite.hpp
/// The one place aitrail touches the SQLite C API: a connection and a
/// prepared statement that clean up after themselves and turn every failure
/// into a storage_error naming the database file and SQLite's own message.

#include <aitrail/config.hpp>
#include <aitrail/storage/storage_error.hpp>

#include <sqlite3.h>

#include <cstdint>      // int64_t
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view
#include <utility>      // exchange

namespace aitrail {
inline namespace v1 {
namespace detail {

/// True for SQLite result codes behind which an OS error (errno) may stand.
inline bool sqlite_is_os_error(int rc) noexcept {
    const int primary = rc & 0xff;
    return primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN || primary == SQLITE_FULL;
}

class sqlite_statement;

/// One open database connection. Neither copyable nor movable: statements
/// keep a pointer to it, so owners hold it by unique_ptr.
class sqlite_connection {
public:
    /// Opens `path`: read-write and created if missing, or read-only (never
    /// created). Throws storage_error naming the path and SQLite's message.
    sqlite_connection(std::string path, bool read_only) : path_(std::move(path)) {
        const int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        const int rc = sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr);
        if (rc != SQLITE_OK) {
            // A failed open may still hand back a handle, which holds the message.
            const std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
            const int os = db_ != nullptr && sqlite_is_os_error(rc) ? sqlite3_system_errno(db_) : 0;
            sqlite3_close_v2(db_);
            db_ = nullptr;
            throw storage_error("sqlite_storage '" + path_ + "': cannot open the database: " + message, os);
        }
        sqlite3_extended_result_codes(db_, 1);
    }
    sqlite_connection(const sqlite_connection&) = delete;
    sqlite_connection& operator=(const sqlite_connection&) = delete;
    /// Closes the connection (deferred by SQLite until its statements are finalized).
    ~sqlite_connection() { sqlite3_close_v2(db_); }

    /// Throws storage_error for result `rc` of operation `what`, with the
    /// path, SQLite's message and, for I/O errors, the OS error.
    [[noreturn]] void fail(std::string_view what, int rc) const {
        // The connection's message is the specific one ("no such table: x");
        // it is empty of meaning only when no call on it has failed.
        const std::string message = sqlite3_errcode(db_) != SQLITE_OK ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        throw storage_error("sqlite_storage '" + path_ + "': " + std::string(what) + ": " + message,
                            sqlite_is_os_error(rc) ? sqlite3_system_errno(db_) : 0);
    }

    /// Runs one or more statements that return no rows.
    void exec(const std::string& sql, std::string_view what) {
        const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
        if (rc != SQLITE_OK) fail(what, rc);
    }

    /// Prepares one statement, to be reused (SQLITE_PREPARE_PERSISTENT).
    inline sqlite_statement prepare(const std::string& sql, std::string_view what);

    /// How long a statement waits for another connection's lock before
    /// failing with "database is locked".
    void busy_timeout(int milliseconds) { sqlite3_busy_timeout(db_, milliseconds); }

    /// True while a transaction is open on this connection.
    bool in_transaction() const noexcept { return sqlite3_get_autocommit(db_) == 0; }

    /// Ends an open transaction, keeping nothing of it; never throws.
    void rollback() noexcept {
        if (in_transaction()) (void)sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }

    /// The path the connection was opened with.
    const std::string& path() const noexcept { return path_; }

private:
    friend class sqlite_statement;
    std::string path_;
    sqlite3* db_ = nullptr;
};

/// A prepared statement, finalized when it goes away. Movable.
class sqlite_statement {
public:
    sqlite_statement() = default;
    sqlite_statement(const sqlite_connection& db, sqlite3_stmt* stmt) noexcept : db_(&db), stmt_(stmt) {}
    sqlite_statement(sqlite_statement&& o) noexcept
        : db_(std::exchange(o.db_, nullptr)), stmt_(std::exchange(o.stmt_, nullptr)) {}
    sqlite_statement& operator=(sqlite_statement&& o) noexcept {
        if (this != &o) {
            sqlite3_finalize(stmt_);
            db_ = std::exchange(o.db_, nullptr);
            stmt_ = std::exchange(o.stmt_, nullptr);
        }
        return *this;
    }
    sqlite_statement(const sqlite_statement&) = delete;
    sqlite_statement& operator=(const sqlite_statement&) = delete;
    ~sqlite_statement() { sqlite3_finalize(stmt_); }

    /// Binds text to parameter `i` (1-based). The bytes are not copied: they
    /// must stay valid until reset().
    void bind(int i, std::string_view text) {
        // A null pointer would bind NULL, not the empty string.
        const char* bytes = text.data() != nullptr ? text.data() : "";
        check(sqlite3_bind_text64(stmt_, i, bytes, text.size(), SQLITE_STATIC, SQLITE_UTF8), "bind a text value");
    }
    /// Binds bytes as a BLOB to parameter `i`; not copied, as bind(text).
    void bind_blob(int i, std::string_view bytes) {
        check(sqlite3_bind_blob64(stmt_, i, bytes.data() != nullptr ? bytes.data() : "", bytes.size(), SQLITE_STATIC),
              "bind a blob value");
    }
    /// Binds an integer to parameter `i`.
    void bind(int i, std::int64_t value) { check(sqlite3_bind_int64(stmt_, i, value), "bind an integer value"); }
    /// Binds text, or NULL when unset.
    void bind(int i, const std::optional<std::string>& text) {
        if (text) bind(i, std::string_view(*text));
        else check(sqlite3_bind_null(stmt_, i), "bind NULL");
    }
    /// Binds an integer, or NULL when unset.
    void bind(int i, const std::optional<std::int64_t>& value) {
        if (value) bind(i, *value);
        else check(sqlite3_bind_null(stmt_, i), "bind NULL");
    }

    /// Runs the statement to its next row: true when a row is there, false
    /// when it is done. Throws storage_error naming `what` otherwise.
    bool step(std::string_view what) {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        db_->fail(what, rc);
    }

    /// Column `i` (0-based) of the current row as an integer.
    std::int64_t column_int(int i) const noexcept { return sqlite3_column_int64(stmt_, i); }
    /// Column `i` of the current row as text; valid until the next step() or reset().
    std::string_view column_text(int i) const noexcept {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
        return p == nullptr ? std::string_view{} : std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i)));
    }
    /// Column `i` of the current row as bytes; valid until the next step() or reset().
    std::string_view column_blob(int i) const noexcept {
        const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, i));
        return p == nullptr ? std::string_view{} : std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i)));
    }
    /// True when column `i` of the current row is NULL.
    bool column_is_null(int i) const noexcept { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }

    /// Makes the statement ready to run again and drops its bindings; ends
    /// the read transaction a SELECT holds.
    void reset() noexcept {
        if (stmt_ == nullptr) return;
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }

private:
    void check(int rc, std::string_view what) const {
        if (rc != SQLITE_OK) db_->fail(what, rc);
    }

    const sqlite_connection* db_ = nullptr;
    sqlite3_stmt* stmt_ = nullptr;
};

inline sqlite_statement sqlite_connection::prepare(const std::string& sql, std::string_view what) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size() + 1), SQLITE_PREPARE_PERSISTENT,
                                      &stmt, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        fail(what, rc);
    }
    return sqlite_statement(*this, stmt);
}

/// Resets a statement when the scope ends, however it ends.
class sqlite_reset_guard {
public:
    explicit sqlite_reset_guard(sqlite_statement& s) noexcept : s_(s) {}
    sqlite_reset_guard(const sqlite_reset_guard&) = delete;
    sqlite_reset_guard& operator=(const sqlite_reset_guard&) = delete;
    ~sqlite_reset_guard() { s_.reset(); }

private:
    sqlite_statement& s_;
};

/// `name` as an SQL identifier in double quotes (embedded quotes doubled).
inline std::string sqlite_quote(std::string_view name) {
    std::string out = "\"";
    for (char c : name) {
        out += c;
        if (c == '"') out += '"';
    }
    return out + '"';
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
