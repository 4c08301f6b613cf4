#pragma once
/// @file sqlite_storage.hpp
/// An embedded, queryable storage: the trail in one SQLite table, one row per
/// entry, holding the canonical line verbatim (what verification reads) and
/// the columns reports query and index (time, user, status, cost...).
///
/// - WAL mode: readers (verify, query, export) never block the writer.
/// - Each append() is one transaction (BEGIN IMMEDIATE) that first checks,
///   against the table's real last row, that the batch continues the chain:
///   a second writer on the same file is refused, never interleaved.
/// - Append-only in the database itself: triggers refuse UPDATE and DELETE,
///   and an INSERT that does not continue the chain, whoever issues them.
///
/// Not part of <aitrail/aitrail.hpp>: include it and link `aitrail::sqlite`
/// (which brings libsqlite3).
/// @code
/// aitrail::auditor audit{aitrail::sqlite_storage{"audit/trail.db"}};
/// // later, or from another process:
/// auto report = aitrail::verify(aitrail::sqlite_storage{"audit/trail.db", {.read_only = true}});
/// @endcode

#include <aitrail/config.hpp>
#include <aitrail/detail/storage/posix.hpp>
#include <aitrail/detail/storage/sql_row.hpp>
#include <aitrail/detail/storage/sqlite.hpp>
#include <aitrail/detail/storage/sqlite_tiles.hpp>
#include <aitrail/integrity/sealed_entry.hpp>
#include <aitrail/storage/concepts.hpp>
#include <aitrail/storage/sqlite_checkpoints.hpp>
#include <aitrail/storage/storage_error.hpp>

#include <cerrno>      // ENOENT, EINVAL
#include <chrono>      // milliseconds
#include <cstdint>     // int64_t, uint64_t
#include <filesystem>  // path, exists, create_directories
#include <limits>      // numeric_limits
#include <memory>      // unique_ptr, make_unique
#include <optional>    // optional
#include <span>        // span
#include <stdexcept>   // invalid_argument
#include <string>      // string, to_string
#include <vector>      // vector

namespace aitrail {
inline namespace v1 {

/// When an sqlite_storage's appends become durable (survive a power cut).
enum class sqlite_durability {
    /// `PRAGMA synchronous=FULL`: every append() commits with an fsync of the
    /// WAL, so it is durable when it returns; flush() has nothing left to do.
    per_batch,
    /// `PRAGMA synchronous=NORMAL`: an append() commits without an fsync. It
    /// survives a crash of the process, but an OS crash or power cut may lose
    /// the appends since the last flush(), which commits a marker row (in the
    /// `<table>_meta` table) with synchronous=FULL and so fsyncs the WAL with
    /// every commit before it. The database stays consistent either way.
    on_flush,
};

/// Runtime settings of an sqlite_storage.
struct sqlite_options {
    /// The table holding the entries (letters, digits and '_'). Indexes,
    /// triggers and the `<table>_meta` table are named after it, so one
    /// database may hold several trails (one per writer).
    std::string table = "aitrail_entries";
    /// When appends become durable.
    sqlite_durability durability = sqlite_durability::per_batch;
    /// How long to wait for another connection's lock before failing.
    std::chrono::milliseconds busy_timeout{5000};
    /// Open for reading only (verify, query, export): the file and the table
    /// must exist; nothing is created or written, and append() throws.
    bool read_only = false;
    /// Keep the Merkle tree and its hash tiles in table `<table>_tiles`.
    bool tiles = true;
};

/// A trail in an SQLite database file (see the file comment).
///
/// Schema of the table (columns as in detail/storage/sql_row.hpp):
/// `seq INTEGER PRIMARY KEY, id, ts, kind, user_id, model, model_version,
/// status, latency_us, input_tokens, output_tokens, cost_nanos_usd, hash,
/// prev, line`; indexes on ts, user_id, status, cost_nanos_usd and id.
///
/// One object is used by one thread at a time, like the other storages; other
/// threads and processes open their own.
class sqlite_storage {
public:
    /// Trail format the rows hold, recorded in `<table>_meta` as `format`.
    static constexpr int format_version = 1;
    /// Layout of the table and its triggers, recorded as `schema`.
    static constexpr int schema_version = 1;

    /// Opens the trail in `file`. A writer creates the file (and its parent
    /// directories), switches it to WAL mode and creates the table, indexes
    /// and triggers if missing. Throws storage_error naming the file and
    /// SQLite's message; std::invalid_argument for a bad table name.
    explicit sqlite_storage(std::filesystem::path file, sqlite_options options = {}) {
        std::error_code ec;
        const bool created = !options.read_only && !std::filesystem::exists(file, ec);
        state_ = std::make_unique<state>(std::move(file), std::move(options));
        open();
        // SQLite syncs the WAL's directory entry, not the database file's.
        if (created) detail::sync_directory(state_->file.has_parent_path() ? state_->file.parent_path().string() : ".");
    }

    /// Appends the entries as rows, in one transaction: all or none. Throws
    /// storage_error, leaving the table as it was, if the batch does not
    /// continue the stored chain (first seq = head().next_seq, its prev =
    /// head().prev_hash, each next entry's prev = the previous one's hash),
    /// if a line is not a trail entry, or if SQLite fails.
    sqlite_storage(sqlite_storage&&) noexcept = default;
    sqlite_storage& operator=(sqlite_storage&&) noexcept = default;
    /// Writes the partial tiles of the final size (errors are not thrown:
    /// the next open rewrites them).
    ~sqlite_storage() {
        try {
            if (state_ && state_->unflushed) write_partials();
        } catch (const std::exception&) {
            // Derived data: the next open puts the partial tiles right.
        }
    }

    void append(std::span<const sealed_entry> batch) {
        if (batch.empty()) return;
        state& s = *state_;
        if (s.options.read_only) fail("cannot append: the trail was opened read-only");
        s.rows.clear();
        for (const auto& e : batch) {
            try {
                s.rows.push_back(detail::make_sql_row(e.line));
            } catch (const std::invalid_argument& bad) {
                fail("cannot append entry " + std::to_string(e.seq) + ": " + bad.what());
            }
            const auto& row = s.rows.back();
            if (row.seq != e.seq || row.hash != e.hash)
                fail("cannot append entry " + std::to_string(e.seq) + ": its line says seq " + std::to_string(row.seq) +
                     " and hash " + row.hash + ", the entry seq " + std::to_string(e.seq) + " and hash " + e.hash);
            if (row.seq > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                fail("cannot append entry " + std::to_string(e.seq) + ": seq is beyond SQLite's integer range");
        }
        s.leaves.clear();
        if (tree_on())
            for (const auto& row : s.rows) s.leaves.push_back(detail::entry_digest(row.hash, "entry seq " + std::to_string(row.seq)));
        // BEGIN IMMEDIATE takes the write lock now, so the head read below is
        // the one the rows are appended to, whatever other connections do.
        s.db.exec("BEGIN IMMEDIATE", "cannot begin a transaction");
        std::optional<detail::tree_keeper::snapshot> before;
        try {
            chain_head expected = read_head();
            if (tree_on()) {
                s.tree->catch_up(expected.next_seq);  // another connection may have appended
                before = s.tree->keeper().save();
            }
            for (const auto& row : s.rows) {
                if (row.seq != expected.next_seq || row.prev != expected.prev_hash)
                    fail("refusing a batch that does not continue the stored chain: entry seq " +
                         std::to_string(row.seq) + " with prev " + row.prev + ", where the chain expects seq " +
                         std::to_string(expected.next_seq) + " with prev " + expected.prev_hash +
                         (&row == &s.rows.front() ? " (another writer on this table, or a stale head?)" : ""));
                insert(row);
                expected = chain_head{row.seq + 1, row.hash};
            }
            // Full tiles in the batch's transaction: committed with it or not at all.
            if (tree_on()) {
                for (const auto& h : s.leaves) s.tree->keeper().add(h);
                s.tree->keeper().store_full();
            }
            s.db.exec("COMMIT", "cannot commit the appended entries");
        } catch (...) {
            s.db.rollback();
            if (before) s.tree->keeper().restore(std::move(*before));
            throw;
        }
        s.unflushed = true;
    }

    /// Makes every appended entry durable. With sqlite_durability::per_batch
    /// each append() already was; with on_flush, commits a marker with
    /// synchronous=FULL, which fsyncs the WAL and every commit before it.
    void flush() {
        state& s = *state_;
        if (s.options.read_only || !s.unflushed) return;
        if (s.options.durability == sqlite_durability::on_flush) {
            s.db.exec("PRAGMA synchronous=FULL", "cannot set synchronous=FULL");
            try {
                s.db.exec("BEGIN IMMEDIATE", "cannot begin a transaction");
                auto& mark = s.flush_mark;
                detail::sqlite_reset_guard reset(mark);
                mark.bind(1, static_cast<std::int64_t>(read_head().next_seq));
                mark.step("cannot record the flush");
                s.db.exec("COMMIT", "cannot commit the flush");
            } catch (...) {
                s.db.rollback();
                try {
                    s.db.exec("PRAGMA synchronous=NORMAL", "cannot set synchronous=NORMAL");
                } catch (const storage_error&) {
                    // The flush's own error is the one to report.
                }
                throw;
            }
            s.db.exec("PRAGMA synchronous=NORMAL", "cannot set synchronous=NORMAL");
        }
        write_partials();
        s.unflushed = false;
    }

    /// Where the stored chain ends, read from the table's last row (so it
    /// sees other connections' appends).
    chain_head head() const { return read_head(); }

    /// Visits every entry in seq order. `source` is `<file>#<table>` and
    /// `line_no` is seq + 1. Rows are read in chunks, each its own read
    /// transaction, so a long scan does not hold the WAL back.
    void scan(const line_visitor& visit) const {
        state& s = *state_;
        auto select = s.db.prepare("SELECT seq, line FROM " + s.quoted + " WHERE seq >= ?1 ORDER BY seq LIMIT ?2",
                                   "cannot prepare the scan");
        constexpr std::int64_t chunk = 4096;
        std::int64_t from = 0;
        for (;;) {
            detail::sqlite_reset_guard reset(select);
            select.bind(1, from);
            select.bind(2, chunk);
            std::int64_t rows = 0;
            while (select.step("cannot read the trail")) {
                ++rows;
                const std::int64_t seq = select.column_int(0);
                const stored_line line{select.column_text(1), s.source, static_cast<std::uint64_t>(seq) + 1, true};
                if (!visit(line)) return;
                from = seq + 1;
            }
            if (rows < chunk) return;
        }
    }

    /// The database file.
    const std::filesystem::path& path() const noexcept { return state_->file; }
    /// The table holding the entries.
    const std::string& table() const noexcept { return state_->options.table; }
    /// The settings the storage was opened with.
    const sqlite_options& options() const noexcept { return state_->options; }
    /// The checkpoints signed for this trail (`<table>_checkpoints`, on a
    /// connection of its own).
    sqlite_checkpoints checkpoints() const {
        return sqlite_checkpoints(state_->file, state_->options.table, state_->options.read_only);
    }

    /// The Merkle tree of every entry; throws storage_error when none is
    /// kept (tiles off, opened read-only, or entries that do not allow one).
    const merkle_tree& tree() const {
        if (!state_->tree) fail("no Merkle tree is kept (tiles off, or no tiles table)");
        return state_->tree->tree();
    }
    /// The bytes of tile `t`, nullopt when not stored.
    std::optional<std::string> read_tile(const tile_id& t) const {
        return state_->tree ? state_->tree->read(t) : std::nullopt;
    }
    /// Every stored tile.
    std::vector<tile_id> list_tiles() const { return state_->tree ? state_->tree->list() : std::vector<tile_id>{}; }
    /// Stores tile `t` (rebuild_tiles() uses it).
    void write_tile(const tile_id& t, std::string_view bytes) { writable_tree().write(t, bytes); }
    /// Removes tile `t` (rebuild_tiles() uses it).
    void remove_tile(const tile_id& t) { writable_tree().remove(t); }
    /// Resumes the tree again from the tiles and the entries, as on open.
    void reload_tree() {
        auto& tree = writable_tree();
        in_transaction([&] { tree.open(read_head().next_seq); });
    }

private:
    // Everything lives behind one pointer: statements point at the
    // connection, and moving the storage must not move either.
    struct state {
        state(std::filesystem::path f, sqlite_options o)
            : file(std::move(f)), options(std::move(o)), db(checked_path(file, options), options.read_only),
              quoted(detail::sqlite_quote(options.table)), source(file.string() + "#" + options.table) {}
        std::filesystem::path file;
        sqlite_options options;
        detail::sqlite_connection db;
        std::string quoted;  // the table name, quoted for SQL
        std::string source;  // stored_line::source
        detail::sqlite_statement insert;
        detail::sqlite_statement last;
        detail::sqlite_statement flush_mark;
        std::vector<detail::sql_row> rows;  // the batch being appended (reused)
        std::vector<digest> leaves;         // their hashes, decoded
        std::optional<detail::sqlite_tree> tree;
        bool unflushed = false;
    };

    bool tree_on() const noexcept { return state_->tree && state_->tree->on(); }

    detail::sqlite_tree& writable_tree() {
        if (state_->options.read_only || !state_->tree) fail("cannot change tiles: opened read-only or with tiles off");
        return *state_->tree;
    }

    template <class F>
    void in_transaction(F&& f) {
        state_->db.exec("BEGIN IMMEDIATE", "cannot begin a transaction");
        try {
            f();
            state_->db.exec("COMMIT", "cannot commit the tiles");
        } catch (...) {
            state_->db.rollback();
            throw;
        }
    }

    // The partial tiles of the current size, after catching up with any
    // other connection's appends.
    void write_partials() {
        if (!tree_on()) return;
        auto& keeper = state_->tree->keeper();
        auto before = keeper.save();
        try {
            in_transaction([&] {
                state_->tree->catch_up(read_head().next_seq);
                keeper.store_partials();
            });
        } catch (...) {
            keeper.restore(std::move(before));
            throw;
        }
    }

    // Validates the options and the file before SQLite sees them: a reader
    // must not create a missing file, a writer creates its directory.
    static std::string checked_path(const std::filesystem::path& file, const sqlite_options& o) {
        const auto& t = o.table;
        bool ok = !t.empty() && !(t[0] >= '0' && t[0] <= '9');
        for (char c : t)
            ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_');
        if (!ok)
            throw std::invalid_argument("aitrail: sqlite_storage table name '" + t +
                                        "' must be letters, digits and '_', not starting with a digit");
        if (file.empty()) throw storage_error("sqlite_storage: no database file given", EINVAL);
        std::error_code ec;
        if (o.read_only) {
            if (!std::filesystem::exists(file, ec))
                throw storage_error("sqlite_storage '" + file.string() +
                                        "': no such database file (opened read-only, so it is not created)",
                                    ENOENT);
        } else if (file.has_parent_path()) {
            std::filesystem::create_directories(file.parent_path(), ec);
            if (ec)
                throw storage_error("sqlite_storage '" + file.string() + "': cannot create directory '" +
                                    file.parent_path().string() + "': " + ec.message());
        }
        return file.string();
    }

    [[noreturn]] void fail(const std::string& what) const {
        throw storage_error("sqlite_storage '" + state_->file.string() + "' table " + state_->options.table + ": " +
                            what);
    }

    void open() {
        state& s = *state_;
        s.db.busy_timeout(static_cast<int>(s.options.busy_timeout.count()));
        const std::string& t = s.options.table;
        const std::string meta = detail::sqlite_quote(t + "_meta");
        if (s.options.read_only) {
            auto exists = s.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?1",
                                       "cannot read the schema");
            const auto has_table = [&](const std::string& name) {
                detail::sqlite_reset_guard reset(exists);
                exists.bind(1, std::string_view(name));
                return exists.step("cannot read the schema");
            };
            if (!has_table(t)) fail("no such table in the database");
            if (has_table(t + "_meta")) check_format(meta);
            if (has_table(t + "_tiles")) s.tree.emplace(&s.db, t);
        } else {
            auto mode = s.db.prepare("PRAGMA journal_mode=WAL", "cannot switch to WAL mode");
            const std::string got = mode.step("cannot switch to WAL mode") ? std::string(mode.column_text(0)) : "";
            mode.reset();
            if (got != "wal") fail("cannot switch to WAL mode: the journal mode stays '" + got + "'");
            s.db.exec(s.options.durability == sqlite_durability::per_batch ? "PRAGMA synchronous=FULL"
                                                                            : "PRAGMA synchronous=NORMAL",
                      "cannot set the synchronous level");
            s.db.exec("BEGIN IMMEDIATE", "cannot begin a transaction");
            try {
                s.db.exec(schema_sql(), "cannot create the trail table");
                s.db.exec("COMMIT", "cannot commit the trail table");
            } catch (...) {
                s.db.rollback();
                throw;
            }
            check_format(meta);
            s.insert = s.db.prepare("INSERT INTO " + s.quoted +
                                        " (seq, id, ts, kind, user_id, model, model_version, status, latency_us, "
                                        "input_tokens, output_tokens, cost_nanos_usd, hash, prev, line) "
                                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                                    "cannot prepare the insert (is the table's schema aitrail's?)");
            s.flush_mark = s.db.prepare("INSERT OR REPLACE INTO " + meta + " (key, value) VALUES ('flushed_next_seq', ?1)",
                                        "cannot prepare the flush marker");
        }
        s.last = s.db.prepare("SELECT seq, hash FROM " + s.quoted + " ORDER BY seq DESC LIMIT 1",
                              "cannot prepare the head query (is the table's schema aitrail's?)");
        if (!s.options.read_only && s.options.tiles) {
            s.tree.emplace(&s.db, t);
            try {
                in_transaction([&] { s.tree->open(read_head().next_seq); });
            } catch (const storage_error&) {
                // Entries that do not form a chain from seq 0 (a pruned
                // table): no tree; tree() says so, verify says where.
            }
        }
    }

    // The table, its indexes, the append-only and chain triggers, and the
    // meta table; every statement is IF NOT EXISTS, so opening again is a no-op.
    std::string schema_sql() const {
        const std::string& t = state_->options.table;
        const std::string& q = state_->quoted;
        const auto name = [&](const char* suffix) { return detail::sqlite_quote(t + suffix); };
        std::string sql = "CREATE TABLE IF NOT EXISTS " + q +
                          " (\n"
                          "  seq            INTEGER PRIMARY KEY CHECK (seq >= 0),\n"
                          "  id             TEXT NOT NULL,\n"
                          "  ts             TEXT NOT NULL,\n"
                          "  kind           TEXT NOT NULL,\n"
                          "  user_id        TEXT,\n"
                          "  model          TEXT,\n"
                          "  model_version  TEXT,\n"
                          "  status         TEXT NOT NULL,\n"
                          "  latency_us     INTEGER,\n"
                          "  input_tokens   INTEGER,\n"
                          "  output_tokens  INTEGER,\n"
                          "  cost_nanos_usd INTEGER,\n"
                          "  hash           TEXT NOT NULL,\n"
                          "  prev           TEXT NOT NULL,\n"
                          "  line           TEXT NOT NULL);\n";
        for (const char* column : {"ts", "user_id", "status", "cost_nanos_usd", "id"})
            sql += "CREATE INDEX IF NOT EXISTS " + name((std::string("_") + column).c_str()) + " ON " + q + " (" +
                   column + ");\n";
        const std::string refuse = " BEGIN SELECT RAISE(ABORT, 'aitrail: trail entries are append-only'); END;\n";
        sql += "CREATE TRIGGER IF NOT EXISTS " + name("_no_update") + " BEFORE UPDATE ON " + q + refuse;
        sql += "CREATE TRIGGER IF NOT EXISTS " + name("_no_delete") + " BEFORE DELETE ON " + q + refuse;
        // Also catches INSERT OR REPLACE, whose implicit delete fires no
        // DELETE trigger (unless recursive_triggers is on).
        sql += "CREATE TRIGGER IF NOT EXISTS " + name("_chain") + " BEFORE INSERT ON " + q +
               " WHEN NEW.seq IS NOT (SELECT coalesce(max(seq) + 1, 0) FROM " + q +
               ") OR NEW.prev IS NOT coalesce((SELECT hash FROM " + q + " WHERE seq = NEW.seq - 1), '" +
               std::string(genesis_prev) +
               "') BEGIN SELECT RAISE(ABORT, 'aitrail: a new trail entry must continue the chain "
               "(seq = last seq + 1, prev = last hash)'); END;\n";
        sql += "CREATE TABLE IF NOT EXISTS " + name("_meta") + " (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n";
        if (state_->options.tiles) sql += detail::sqlite_tree::schema_sql(t);
        sql += "INSERT OR IGNORE INTO " + name("_meta") + " (key, value) VALUES ('format', '" +
               std::to_string(format_version) + "'), ('schema', '" + std::to_string(schema_version) + "');\n";
        return sql;
    }

    // Refuses a table written in another trail format.
    void check_format(const std::string& meta) {
        auto select = state_->db.prepare("SELECT value FROM " + meta + " WHERE key = 'format'", "cannot read the meta table");
        if (!select.step("cannot read the meta table")) return;
        const std::string format(select.column_text(0));
        if (format != std::to_string(format_version))
            fail("holds trail format " + format + "; this build reads and writes format " +
                 std::to_string(format_version));
    }

    chain_head read_head() const {
        auto& last = state_->last;
        detail::sqlite_reset_guard reset(last);
        if (!last.step("cannot read the last entry")) return {};
        return chain_head{static_cast<std::uint64_t>(last.column_int(0)) + 1, std::string(last.column_text(1))};
    }

    void insert(const detail::sql_row& row) {
        auto& ins = state_->insert;
        detail::sqlite_reset_guard reset(ins);
        ins.bind(1, static_cast<std::int64_t>(row.seq));
        ins.bind(2, std::string_view(row.id));
        ins.bind(3, std::string_view(row.ts));
        ins.bind(4, std::string_view(row.kind));
        ins.bind(5, row.user);
        ins.bind(6, row.model);
        ins.bind(7, row.model_version);
        ins.bind(8, std::string_view(row.status));
        ins.bind(9, row.latency_us);
        ins.bind(10, row.input_tokens);
        ins.bind(11, row.output_tokens);
        ins.bind(12, row.cost_nanos_usd);
        ins.bind(13, std::string_view(row.hash));
        ins.bind(14, std::string_view(row.prev));
        ins.bind(15, row.line);
        ins.step("cannot insert entry " + std::to_string(row.seq));
    }

    std::unique_ptr<state> state_;
};

}  // namespace v1
}  // namespace aitrail
