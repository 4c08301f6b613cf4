#pragma once
/// @file libpq.hpp
/// The one header that includes <libpq-fe.h>: an owning PostgreSQL
/// connection whose calls turn libpq's status into a storage_error naming
/// the table and the server's message (never the password), and the binary
/// COPY encoding postgres_storage streams rows in.

#include <aitrail/config.hpp>
#include <aitrail/detail/time_format.hpp>
#include <aitrail/storage/storage_error.hpp>

#include <libpq-fe.h>

#include <cstddef>           // size_t
#include <cstdint>           // int64_t, uint16_t, uint32_t, uint64_t
#include <initializer_list>  // initializer_list
#include <memory>            // unique_ptr
#include <string>            // string
#include <string_view>       // string_view
#include <utility>           // move

namespace aitrail {
inline namespace v1 {
namespace detail {

/// Frees a PGresult.
struct pg_result_deleter {
    void operator()(PGresult* r) const noexcept { PQclear(r); }
};
/// An owned PGresult.
using pg_result = std::unique_ptr<PGresult, pg_result_deleter>;

/// libpq's multi-line messages on one line, without the trailing newline.
inline std::string pg_one_line(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '\n' || c == '\t' || c == '\r') {
            if (!out.empty() && out.back() != ' ') out += ' ';
        } else out += c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

/// `text` with every occurrence of `secret` replaced by "***".
inline std::string pg_scrub(std::string text, std::string_view secret) {
    if (secret.empty()) return text;
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3))
        text.replace(at, secret.size(), "***");
    return text;
}

/// A connection to one PostgreSQL server. Every failure throws storage_error
/// prefixed with `context` (e.g. "postgres_storage 'aitrail_entries'").
class pg_connection {
public:
    pg_connection() = default;

    /// Connects with `conninfo` (key=value or a postgresql:// URI), forcing
    /// client_encoding UTF8. The password, if any, never appears in messages.
    pg_connection(const std::string& conninfo, std::string context) : context_(std::move(context)) {
        char* parse_error = nullptr;
        PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &parse_error);
        if (options == nullptr) {
            // libpq quotes the offending piece, which may be the password.
            std::string why = parse_error ? pg_one_line(parse_error) : "out of memory";
            PQfreemem(parse_error);
            throw storage_error(context_ + ": invalid connection string (" + strip_quoted(why) + ")");
        }
        for (auto* o = options; o->keyword != nullptr; ++o) {
            if (o->val == nullptr || *o->val == '\0') continue;
            const std::string_view key = o->keyword;
            if (key == "password") password_ = o->val;
            else if (key == "host" || key == "hostaddr" || key == "port" || key == "dbname" || key == "user")
                target_ += (target_.empty() ? "" : " ") + std::string(key) + "=" + o->val;
        }
        PQconninfoFree(options);
        target_ = pg_scrub(target_, password_);
        // Later keywords override the expanded string: UTF-8 is not negotiable,
        // the lines are stored byte for byte.
        const char* keys[] = {"dbname", "client_encoding", "fallback_application_name", nullptr};
        const char* values[] = {conninfo.c_str(), "UTF8", "aitrail", nullptr};
        conn_.reset(PQconnectdbParams(keys, values, /*expand_dbname=*/1));
        if (!conn_) throw storage_error(context_ + ": cannot connect to PostgreSQL: out of memory");
        if (PQstatus(conn_.get()) != CONNECTION_OK)
            throw storage_error(context_ + ": cannot connect to PostgreSQL" +
                                (target_.empty() ? std::string() : " (" + target_ + ")") + ": " + message());
    }

    /// True while connected.
    bool ok() const noexcept { return conn_ && PQstatus(conn_.get()) == CONNECTION_OK; }

    /// Reconnects a broken connection with the same parameters; returns
    /// false (ok() stays false) when the server is still unreachable.
    bool reset() {
        if (!conn_) return false;
        PQreset(conn_.get());
        return ok();
    }

    /// Throws when the connection is down (after trying reset() once).
    void require_connected() {
        if (!conn_) throw storage_error(context_ + ": no connection (the storage was moved from)");
        if (ok()) return;
        if (!reset())
            throw storage_error(context_ + ": the connection to PostgreSQL is lost and reconnecting failed: " + message());
    }

    /// Runs `sql` (one or more statements); throws unless the last one
    /// returned rows. `what` names the step in the message.
    pg_result query(const std::string& sql, std::string_view what) {
        return check(pg_result(PQexec(conn_.get(), sql.c_str())), PGRES_TUPLES_OK, what);
    }

    /// Runs one statement with text parameters; throws unless it returned rows.
    pg_result query(const std::string& sql, std::initializer_list<const char*> params, std::string_view what) {
        return check(pg_result(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(params.size()), nullptr,
                                            params.begin(), nullptr, nullptr, 0)),
                     PGRES_TUPLES_OK, what);
    }

    /// Runs `sql` (one or more statements) that return no rows; returns the
    /// last one's command tag ("COMMIT", "ROLLBACK"...).
    std::string command(const std::string& sql, std::string_view what) {
        const auto r = check(pg_result(PQexec(conn_.get(), sql.c_str())), PGRES_COMMAND_OK, what);
        return PQcmdStatus(r.get());
    }

    /// Rolls back the open transaction, if any (error paths; never throws).
    void rollback_if_open() noexcept {
        if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) return;
        const auto s = PQtransactionStatus(conn_.get());
        if (s == PQTRANS_INTRANS || s == PQTRANS_INERROR) pg_result(PQexec(conn_.get(), "ROLLBACK"));
    }

    /// Starts `COPY ... FROM STDIN`.
    void copy_begin(const std::string& sql, std::string_view what) {
        check(pg_result(PQexec(conn_.get(), sql.c_str())), PGRES_COPY_IN, what);
    }

    /// Sends COPY data (any number of whole or partial rows).
    void copy_data(std::string_view data, std::string_view what) {
        if (PQputCopyData(conn_.get(), data.data(), static_cast<int>(data.size())) != 1) fail(what, message());
    }

    /// Ends the COPY: with `error` null the rows are committed to the
    /// statement, otherwise the server aborts it. Throws if the server refused.
    void copy_end(const char* error, std::string_view what) {
        if (PQputCopyEnd(conn_.get(), error) != 1) fail(what, message());
        pg_result last;
        while (PGresult* r = PQgetResult(conn_.get())) {
            if (!last || PQresultStatus(last.get()) == PGRES_COMMAND_OK) last.reset(r);
            else PQclear(r);  // keep the first failure
        }
        if (error == nullptr) check(std::move(last), PGRES_COMMAND_OK, what);
    }

    /// A server parameter reported at connect (server_encoding...), or "".
    std::string parameter(const char* name) const {
        const char* v = conn_ ? PQparameterStatus(conn_.get(), name) : nullptr;
        return v ? v : "";
    }

    /// Throws storage_error: context, `what`, `why`.
    [[noreturn]] void fail(std::string_view what, const std::string& why) const {
        std::string text = context_ + ": " + std::string(what) + ": " + why;
        if (conn_ && PQstatus(conn_.get()) != CONNECTION_OK) text += " (the connection to the server is lost)";
        throw storage_error(pg_scrub(std::move(text), password_));
    }

private:
    struct conn_deleter {
        void operator()(PGconn* c) const noexcept { PQfinish(c); }
    };

    pg_result check(pg_result r, ExecStatusType expect, std::string_view what) const {
        if (r && PQresultStatus(r.get()) == expect) return r;
        fail(what, r ? pg_scrub(result_message(r.get()), password_) : message());
    }

    // "ERROR: <message> (<detail>) hint: <hint>", without the CONTEXT lines.
    static std::string result_message(const PGresult* r) {
        const char* primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
        if (primary == nullptr) return pg_one_line(PQresultErrorMessage(r));  // a client-side failure
        const char* severity = PQresultErrorField(r, PG_DIAG_SEVERITY);
        const char* detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
        const char* hint = PQresultErrorField(r, PG_DIAG_MESSAGE_HINT);
        std::string m = std::string(severity ? severity : "ERROR") + ": " + primary;
        if (detail) m += std::string(" (") + detail + ")";
        if (hint) m += std::string(" hint: ") + hint;
        return pg_one_line(m);
    }

    std::string message() const {
        std::string m = conn_ ? pg_one_line(PQerrorMessage(conn_.get())) : std::string();
        if (m.empty()) m = conn_ && PQstatus(conn_.get()) != CONNECTION_OK ? "connection lost" : "unknown error";
        return pg_scrub(std::move(m), password_);
    }

    // "missing "=" after "x" in ..." -> "missing "..." after "..." in ...".
    static std::string strip_quoted(const std::string& text) {
        std::string out;
        bool inside = false;
        for (const char c : text) {
            if (c == '"') {
                out += inside ? "...\"" : "\"";
                inside = !inside;
            } else if (!inside) out += c;
        }
        return out;
    }

    std::unique_ptr<PGconn, conn_deleter> conn_;
    std::string context_;
    std::string password_;  // only to scrub it out of messages
    std::string target_;    // host, port, dbname, user: for messages
};

/// Rolls back the transaction left open on a connection by an exception.
struct pg_rollback_guard {
    /// Guards `c` until destroyed.
    explicit pg_rollback_guard(pg_connection& c) : conn(c) {}
    pg_rollback_guard(const pg_rollback_guard&) = delete;
    pg_rollback_guard& operator=(const pg_rollback_guard&) = delete;
    ~pg_rollback_guard() { conn.rollback_if_open(); }
    pg_connection& conn;  ///< the guarded connection
};

/// Rows in a result.
inline int pg_rows(const pg_result& r) noexcept { return PQntuples(r.get()); }

/// The text of one field (empty for NULL); valid while `r` lives.
inline std::string_view pg_value(const pg_result& r, int row, int column) noexcept {
    return {PQgetvalue(r.get(), row, column), static_cast<std::size_t>(PQgetlength(r.get(), row, column))};
}

// Binary COPY (COPY ... FROM STDIN (FORMAT binary)): every field is a
// big-endian length and its bytes, so neither side escapes or parses text.

/// The binary COPY stream's header: signature, flags, extension length.
inline constexpr std::string_view pg_copy_header{"PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0", 19};

/// Appends `v` big-endian in `bytes` bytes.
inline void pg_put_be(std::string& out, std::uint64_t v, int bytes) {
    for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
}

/// Starts a row of `fields` fields.
inline void pg_copy_row(std::string& out, int fields) { pg_put_be(out, static_cast<std::uint16_t>(fields), 2); }

/// Ends the stream (the trailer).
inline void pg_copy_trailer(std::string& out) { pg_put_be(out, 0xFFFF, 2); }

/// A NULL field.
inline void pg_copy_null(std::string& out) { pg_put_be(out, 0xFFFFFFFF, 4); }

/// A BIGINT field.
inline void pg_copy_int8(std::string& out, std::int64_t v) {
    pg_put_be(out, 8, 4);
    pg_put_be(out, static_cast<std::uint64_t>(v), 8);
}

/// A TIMESTAMPTZ field: microseconds since 2000-01-01 UTC.
inline void pg_copy_timestamptz(std::string& out, timestamp t) {
    constexpr std::int64_t pg_epoch_us = 946684800LL * 1000000;
    pg_copy_int8(out, t.time_since_epoch().count() - pg_epoch_us);
}

/// A TEXT field holding `v` as it is (it must be valid UTF-8 without NUL).
inline void pg_copy_text(std::string& out, std::string_view v) {
    pg_put_be(out, static_cast<std::uint32_t>(v.size()), 4);
    out.append(v);
}

/// A TEXT field for a derived column, which PostgreSQL must accept: NUL
/// bytes and invalid UTF-8 (a lone surrogate decoded from the JSON) become
/// U+FFFD. The line itself is never altered.
inline void pg_copy_clean_text(std::string& out, std::string_view v) {
    const std::size_t length_at = out.size();
    pg_put_be(out, 0, 4);
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(v[i]); };
    for (std::size_t i = 0; i < v.size();) {
        const unsigned char c = byte(i);
        const std::size_t n = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3
                              : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
        bool ok = n > 0 && c != 0 && i + n <= v.size();
        for (std::size_t k = 1; ok && k < n; ++k) ok = (byte(i + k) & 0xC0) == 0x80;
        if (ok && n == 3) ok = !(c == 0xE0 && byte(i + 1) < 0xA0) && !(c == 0xED && byte(i + 1) >= 0xA0);  // overlong, surrogate
        if (ok && n == 4) ok = !(c == 0xF0 && byte(i + 1) < 0x90) && !(c == 0xF4 && byte(i + 1) >= 0x90);  // overlong, > U+10FFFF
        if (ok) out.append(v.substr(i, n));
        else out += "\xEF\xBF\xBD";
        i += ok ? n : 1;
    }
    std::string length;
    pg_put_be(length, static_cast<std::uint32_t>(out.size() - length_at - 4), 4);
    out.replace(length_at, 4, length);
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
