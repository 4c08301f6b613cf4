#pragma once
/// @file postgres_sql.hpp
/// The SQL postgres_storage sends: the table's name checked and quoted, the
/// statements that use it, the schema it creates (idempotently, under an
/// advisory lock) and the binary COPY row of one entry.

#include <aitrail/config.hpp>
#include <aitrail/detail/storage/libpq.hpp>
#include <aitrail/detail/storage/sql_row.hpp>
#include <aitrail/detail/time_format.hpp>

#include <aitrail/integrity/sealed_entry.hpp>
#include <aitrail/storage/storage_error.hpp>

#include <charconv>     // from_chars
#include <cstdint>      // int32_t, int64_t, uint32_t, uint64_t
#include <optional>     // optional
#include <string>       // string, to_string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace detail {

/// The unsigned integer a BIGINT or INTEGER column sent as text; throws
/// storage_error prefixed with `context` when it is not one.
inline std::uint64_t pg_unsigned(std::string_view text, const std::string& context) {
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size())
        throw storage_error(context + ": unexpected value '" + std::string(text) +
                            "' where a seq or tile number was expected");
    return v;
}

/// An entry's prev hash as messages show it.
inline std::string pg_prev_text(const std::string& hash) {
    return hash == genesis_prev ? std::string("nothing (genesis)") : "hash " + hash.substr(0, 16) + "...";
}

/// Advisory lock class of aitrail ("aitr"): writers of one table take
/// (class, key of the table), schema creation takes (class, 0).
inline constexpr std::int32_t pg_lock_class = 1634301042;

/// A table's name, checked, and the SQL that names it.
struct pg_table {
    std::string schema;     ///< empty: the session's search_path decides
    std::string name;       ///< the table
    std::string qualified;  ///< "schema"."name" or "name"
    std::string function;   ///< the trigger function, in the table's schema
    std::int32_t lock_key = 0;

    /// Parses `name` or `schema.name`, each part lowercase letters, digits
    /// and '_', not starting with a digit, at most 48 characters (so that the
    /// index names derived from it fit PostgreSQL's 63). nullopt otherwise.
    static std::optional<pg_table> parse(std::string_view table) {
        const auto valid = [](std::string_view part) {
            if (part.empty() || part.size() > 48 || (part[0] >= '0' && part[0] <= '9')) return false;
            for (const char c : part)
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
            return true;
        };
        pg_table t;
        const auto dot = table.find('.');
        if (dot != std::string_view::npos) t.schema = table.substr(0, dot);
        t.name = dot == std::string_view::npos ? table : table.substr(dot + 1);
        if ((dot != std::string_view::npos && !valid(t.schema)) || !valid(t.name)) return std::nullopt;
        const std::string in_schema = t.schema.empty() ? std::string() : "\"" + t.schema + "\".";
        t.qualified = in_schema + "\"" + t.name + "\"";
        t.function = in_schema + "aitrail_refuse_change";
        std::uint32_t h = 2166136261u;  // FNV-1a
        for (const char c : t.qualified) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
        t.lock_key = static_cast<std::int32_t>(h);
        return t;
    }

    /// The table as an SQL string literal, for to_regclass().
    std::string literal() const { return "'" + qualified + "'"; }

    /// The table `<name><suffix>` beside this one (same schema): the tiles
    /// and checkpoints tables. The 48-character limit leaves room for them.
    pg_table sibling(std::string_view suffix) const {
        pg_table t = *this;
        t.name += suffix;
        t.qualified = (schema.empty() ? std::string() : "\"" + schema + "\".") + "\"" + t.name + "\"";
        return t;
    }
};

/// How many of the two append-only triggers the table has (0 when the table
/// does not exist), and whether its tiles table exists ('t' or 'f').
inline std::string pg_trigger_count_sql(const pg_table& t) {
    return "SELECT count(*), to_regclass(" + t.sibling("_tiles").literal() +
           ") IS NOT NULL FROM pg_trigger WHERE tgrelid = to_regclass(" + t.literal() +
           ") AND tgname IN ('aitrail_append_only', 'aitrail_no_truncate')";
}

/// The function refusing a change (in `t`'s schema) and the triggers calling
/// it on `t`: UPDATE and DELETE per row, TRUNCATE per statement; each
/// created only when missing. For the entries and the checkpoints tables.
inline std::string pg_append_only_sql(const pg_table& t) {
    const auto trigger = [&](const char* name, const char* when) {
        return "  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = " + t.literal() + "::regclass AND tgname = '" +
               name + "') THEN\n    CREATE TRIGGER " + name + " " + when + " ON " + t.qualified + " FOR EACH " +
               (std::string_view(when).find("TRUNCATE") != std::string_view::npos ? "STATEMENT" : "ROW") +
               " EXECUTE FUNCTION " + t.function + "();\n  END IF;\n";
    };
    return "CREATE OR REPLACE FUNCTION " + t.function + "() RETURNS trigger LANGUAGE plpgsql AS $aitrail$\n"
           "BEGIN\n"
           "  RAISE EXCEPTION 'aitrail: % on %.% refused: the audit trail table is append-only', "
           "TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';\n"
           "END\n$aitrail$;\n"
           "DO $aitrail$ BEGIN\n" + trigger("aitrail_append_only", "BEFORE UPDATE OR DELETE") +
           trigger("aitrail_no_truncate", "BEFORE TRUNCATE") + "END $aitrail$;\n";
}

/// The hash tiles of trail table `t`: `<name>_tiles` (level, idx, width,
/// hashes), one row a tile, as in SQLite. Not append-only: tiles are
/// derived data, partial ones are replaced as the tree grows.
inline std::string pg_tiles_table_sql(const pg_table& t) {
    return "CREATE TABLE IF NOT EXISTS " + t.sibling("_tiles").qualified +
           " (\n"
           "  level  INTEGER NOT NULL CHECK (level >= 0),\n"
           "  idx    BIGINT NOT NULL CHECK (idx >= 0),\n"
           "  width  INTEGER NOT NULL CHECK (width BETWEEN 1 AND 256),\n"
           "  hashes BYTEA NOT NULL,\n"
           "  PRIMARY KEY (level, idx, width));\n";
}

/// One transaction creating what is missing: the schema, the table with the
/// columns of sql_row.hpp, the usual audit-log indexes (ts, user_id, status,
/// cost) and id, the tiles table when `tiles`, and the triggers refusing
/// UPDATE, DELETE (per row) and TRUNCATE (per statement). Every step is
/// idempotent, and the advisory lock makes two processes starting at once
/// take turns.
inline std::string pg_create_sql(const pg_table& t, bool tiles) {
    const std::string& q = t.qualified;
    const auto index = [&](const char* suffix, const char* column) {
        return "CREATE INDEX IF NOT EXISTS \"" + t.name + "_" + suffix + "\" ON " + q + " (" + column + ");\n";
    };
    std::string sql = "BEGIN;\nSET LOCAL client_min_messages TO warning;\nSELECT pg_advisory_xact_lock(" +
                      std::to_string(pg_lock_class) + ", 0);\n";
    if (!t.schema.empty()) sql += "CREATE SCHEMA IF NOT EXISTS \"" + t.schema + "\";\n";
    sql += "CREATE TABLE IF NOT EXISTS " + q + " (\n"
           "  seq BIGINT PRIMARY KEY CHECK (seq >= 0),\n"
           "  id TEXT NOT NULL,\n"
           "  ts TIMESTAMPTZ NOT NULL,\n"
           "  kind TEXT NOT NULL,\n"
           "  user_id TEXT,\n"
           "  model TEXT,\n"
           "  model_version TEXT,\n"
           "  status TEXT NOT NULL,\n"
           "  latency_us BIGINT,\n"
           "  input_tokens BIGINT,\n"
           "  output_tokens BIGINT,\n"
           "  cost_nanos_usd BIGINT,\n"
           "  hash TEXT NOT NULL,\n"
           "  prev TEXT NOT NULL,\n"
           "  line TEXT NOT NULL);\n";
    // lz4 where the server has it (PostgreSQL 14+ built with it): the long
    // lines are what is compressed, and pglz took 40% of the insert time.
    sql += "DO $aitrail$ BEGIN\n"
           "  IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' "
           "AND 'lz4' = ANY (enumvals)) THEN\n"
           "    EXECUTE 'ALTER TABLE " + q + " ALTER COLUMN line SET COMPRESSION lz4';\n"
           "  END IF;\nEND $aitrail$;\n";
    sql += index("ts_idx", "ts") + index("user_id_idx", "user_id") + index("status_idx", "status") +
           index("cost_idx", "cost_nanos_usd") + index("id_idx", "id");
    if (tiles) sql += pg_tiles_table_sql(t);
    sql += pg_append_only_sql(t) + "COMMIT";
    return sql;
}

/// The columns COPY fills, in the order pg_copy_entry writes them.
inline constexpr std::string_view pg_columns =
    "seq, id, ts, kind, user_id, model, model_version, status, latency_us, input_tokens, output_tokens, "
    "cost_nanos_usd, hash, prev, line";

/// Appends `r` to `out` as one binary COPY row; false (nothing usable
/// written) when its ts is not an RFC 3339 UTC time.
inline bool pg_copy_entry(std::string& out, const sql_row& r) {
    const auto ts = parse_rfc3339(r.ts);
    if (!ts) return false;
    const auto text = [&](const std::optional<std::string>& v) {
        if (v) pg_copy_clean_text(out, *v);
        else pg_copy_null(out);
    };
    const auto integer = [&](const std::optional<std::int64_t>& v) {
        if (v) pg_copy_int8(out, *v);
        else pg_copy_null(out);
    };
    pg_copy_row(out, 15);
    pg_copy_int8(out, static_cast<std::int64_t>(r.seq));
    pg_copy_clean_text(out, r.id);
    pg_copy_timestamptz(out, *ts);
    pg_copy_clean_text(out, r.kind);
    text(r.user);
    text(r.model);
    text(r.model_version);
    pg_copy_clean_text(out, r.status);
    integer(r.latency_us);
    integer(r.input_tokens);
    integer(r.output_tokens);
    integer(r.cost_nanos_usd);
    pg_copy_clean_text(out, r.hash);
    pg_copy_clean_text(out, r.prev);
    pg_copy_text(out, r.line);
    return true;
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
