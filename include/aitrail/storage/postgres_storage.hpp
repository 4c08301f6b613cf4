#pragma once
/// @file postgres_storage.hpp
/// A trail in one PostgreSQL table, through libpq: one row per entry, the
/// canonical line verbatim (what verification reads) beside the columns audit
/// queries filter and sum (ts, user_id, model, status, tokens, cost),
/// indexed. The database itself refuses UPDATE, DELETE and TRUNCATE on the
/// table, and every append checks, under a lock, that it continues the
/// stored chain.
///
/// Not part of aitrail.hpp: include this header and link `aitrail::postgres`.
///
/// @code
/// aitrail::auditor<> audit{aitrail::postgres_storage{"host=db.internal dbname=audit user=app"}};
/// @endcode
///
/// Appends stream the batch with binary `COPY ... FROM STDIN` inside one
/// transaction. Measured with 2 KB lines against a prepared multi-row INSERT
/// (1,000 rows a statement): binary COPY used ~10% less server CPU per row
/// (13.6 vs 15.4 us), text COPY more than either (the server parses every
/// byte of it); and COPY takes any batch size in one statement, without a
/// prepared statement per size or the 65,535-parameter limit.
///
/// With postgres_options::tiles (the default) the storage keeps the trail's
/// RFC 6962 Merkle tree and its C2SP tlog-tiles hash tiles in
/// `<table>_tiles`: full tiles are written in the transaction of the batch
/// that completes them, partial tiles at flush() and when the storage is
/// destroyed, and the tree resumes on open from the tiles and the entries.
/// Measured on a local server (100,000 entries of ~600 bytes in batches of
/// 1,000), appends took the same time with tiles on as off, within run-to-run
/// noise (about 65,000 entries/s): a batch adds about four tile rows.
/// The checkpoints signed for the trail go to `<table>_checkpoints`
/// (postgres_checkpoints.hpp).
///
/// One connection per storage: use a storage from one thread at a time (the
/// auditor's writer does). A visitor passed to scan() may read and write
/// tiles (rebuild_tiles() does: they join the scan's transaction) but must
/// not append.

#include <aitrail/config.hpp>
#include <aitrail/detail/storage/libpq.hpp>
#include <aitrail/detail/storage/postgres_sql.hpp>
#include <aitrail/detail/storage/postgres_tiles.hpp>
#include <aitrail/detail/storage/sql_row.hpp>
#include <aitrail/storage/concepts.hpp>
#include <aitrail/storage/entry_head.hpp>
#include <aitrail/storage/postgres_checkpoints.hpp>
#include <aitrail/storage/storage_error.hpp>

#include <algorithm>     // min
#include <cstddef>       // size_t
#include <cstdint>       // uint64_t
#include <memory>        // unique_ptr, make_unique
#include <optional>      // optional
#include <span>          // span
#include <stdexcept>     // invalid_argument
#include <string>        // string, to_string
#include <string_view>   // string_view
#include <type_traits>   // invoke_result_t
#include <vector>        // vector

namespace aitrail {
inline namespace v1 {

/// Runtime settings of a postgres_storage.
struct postgres_options {
    /// The table: `name` or `schema.name`, each part lowercase letters,
    /// digits and '_' (not starting with a digit), at most 48 characters.
    std::string table = "aitrail_entries";
    /// Rows per COPY message while appending: a large batch is streamed in
    /// pieces of this many rows (still one transaction).
    std::size_t copy_rows = 1000;
    /// Rows per FETCH while scanning: scan() holds one page in memory.
    std::size_t page_rows = 1000;
    /// Only read: the table must exist, nothing is created, and the session
    /// is read-only (default_transaction_read_only).
    bool read_only = false;
    /// Keep the Merkle tree and its hash tiles in table `<table>_tiles`.
    bool tiles = true;
};

/// A readable_storage in a PostgreSQL table that keeps the trail's Merkle
/// tree and tiles (a tile_store) and its checkpoints (a checkpointed_storage).
class postgres_storage {
public:
    /// Connects with `conninfo` (`key=value ...` or a `postgresql://` URI)
    /// and, unless read_only, creates the table, its indexes and its
    /// append-only triggers if they are missing. Throws storage_error naming
    /// the table and PostgreSQL's message (never the password).
    /// With tiles on, a writer then resumes the Merkle tree, writing the
    /// tiles a crash left missing or stale; entries that do not form a
    /// chain from seq 0 leave it without a tree (tree() says so).
    explicit postgres_storage(std::string conninfo, postgres_options options = {})
        : options_(std::move(options)), context_("postgres_storage '" + options_.table + "'"),
          source_("postgres:" + options_.table), conninfo_(std::move(conninfo)) {
        parse_table();
        if (options_.copy_rows == 0 || options_.page_rows == 0)
            throw storage_error(context_ + ": copy_rows and page_rows must be at least 1");
        conn_ = std::make_unique<detail::pg_connection>(conninfo_, context_);
        setup_session();
        if (options_.read_only) require_table();
        else create_schema();
        open_tree();
    }

    postgres_storage(postgres_storage&&) noexcept = default;
    postgres_storage& operator=(postgres_storage&&) noexcept = default;
    /// Writes the partial tiles of the final size (errors are not thrown:
    /// the next open rewrites them).
    ~postgres_storage() {
        try {
            if (conn_ && unflushed_) write_partials();
        } catch (const std::exception&) {
            // Derived data: the next open puts the partial tiles right.
        }
    }

    /// Stores the entries, all or none, in one transaction. Refused (nothing
    /// stored) when the batch does not continue the chain the table holds.
    /// A batch whose leading entries are already stored byte for byte (a
    /// retry after a commit whose reply was lost) stores only the rest.
    /// A session the server cut (a restart, an idle timeout) is reopened
    /// and the append tried once more; storage_error if that fails too.
    void append(std::span<const sealed_entry> batch) {
        if (batch.empty()) return;
        if (options_.read_only) throw storage_error(context_ + ": opened read-only; append refused");
        with_reconnect([&] { append_once(batch); });
    }

    /// Each append is committed before it returns: with synchronous_commit
    /// on (PostgreSQL's default) a commit is durable. What is left is the
    /// partial tiles of the current size, written here (a proof or a
    /// checkpoint reads them). Throws if the connection is lost and cannot
    /// be restored, or the tiles cannot be written.
    void flush() {
        with_reconnect([&] {
            ensure_connected();
            if (unflushed_) write_partials();
        });
    }

    /// Where the stored chain ends (read from the table's last row).
    chain_head head() const {
        return with_reconnect([&] {
            ensure_connected();
            const auto r = conn_->query(sql_last_line_, "read the last row");
            if (detail::pg_rows(r) == 0) return chain_head{};
            const auto h = head_after_line(detail::pg_value(r, 0, 0));
            if (!h) throw storage_error(context_ + ": the last row's line is not a trail entry (run aitrail verify)");
            return *h;
        });
    }

    /// Visits every line in seq order, through a server-side cursor read
    /// page_rows at a time: memory stays constant however long the trail.
    /// stored_line::source is "postgres:<table>", line_no is seq + 1. A
    /// writer's scan is one read-write transaction, committed at the end, so
    /// tiles written by the visitor are stored with it or not at all.
    void scan(const line_visitor& visit) const {
        bool visited = false;  // once lines were delivered, a retry would repeat them
        with_reconnect([&] { scan_once(visit, visited); }, [&] { return !visited; });
    }

    /// The table, as given in the options.
    const std::string& table() const noexcept { return options_.table; }
    /// The settings the storage was opened with.
    const postgres_options& options() const noexcept { return options_; }

    /// The checkpoints signed for this trail (`<table>_checkpoints`), on a
    /// connection of their own opened on first use.
    postgres_checkpoints& checkpoints() const {
        if (!checkpoints_)
            checkpoints_ = std::make_unique<postgres_checkpoints>(conninfo_, options_.table, options_.read_only);
        return *checkpoints_;
    }

    /// The Merkle tree of every entry; throws storage_error when none is
    /// kept (tiles off, opened read-only, or entries that do not allow one).
    const merkle_tree& tree() const {
        if (!tree_) throw storage_error(context_ + ": no Merkle tree is kept (tiles off, or no tiles table)");
        return tree_->tree();
    }
    /// The bytes of tile `t`, nullopt when not stored.
    std::optional<std::string> read_tile(const tile_id& t) const {
        if (!tree_) return std::nullopt;
        return with_reconnect([&] {
            ensure_connected();
            return tree_->read(t);
        });
    }
    /// Every stored tile.
    std::vector<tile_id> list_tiles() const {
        if (!tree_) return {};
        return with_reconnect([&] {
            ensure_connected();
            return tree_->list();
        });
    }
    /// Stores tile `t` (rebuild_tiles() uses it).
    void write_tile(const tile_id& t, std::string_view bytes) { writable_tree().write(t, bytes); }
    /// Removes tile `t` (rebuild_tiles() uses it).
    void remove_tile(const tile_id& t) { writable_tree().remove(t); }
    /// Resumes the tree again from the tiles and the entries, as on open.
    void reload_tree() {
        ensure_connected();
        writable_tree().resume();
    }

private:
    // Runs `op`; if it failed because the session was lost, reconnects and
    // runs it once more (when `may_retry` says so).
    template <class Op, class May = bool (*)()>
    std::invoke_result_t<Op&> with_reconnect(Op op, May may_retry = [] { return true; }) const {
        try {
            return op();
        } catch (const storage_error&) {
            if (!conn_ || conn_->ok() || !may_retry()) throw;
        }
        ensure_connected();  // throws if the server is still unreachable
        return op();
    }

    void append_once(std::span<const sealed_entry> batch) {
        ensure_connected();
        detail::sql_row row = row_of(batch, 0);
        const std::uint64_t first = row.seq;
        detail::pg_rollback_guard guard{*conn_};
        // One round trip: open the transaction, serialize with other writers
        // of this table, read the real head.
        const auto head = conn_->query(sql_begin_append_, "append: read the stored head");
        std::uint64_t next = 0;
        std::string prev(genesis_prev);
        if (detail::pg_rows(head) == 1) {
            next = detail::pg_unsigned(detail::pg_value(head, 0, 0), context_) + 1;
            prev = detail::pg_value(head, 0, 1);
        }
        std::size_t i = first < next ? already_stored(batch, first, next) : 0;
        if (i == batch.size()) {
            commit();
            return;
        }
        if (i > 0) row = row_of(batch, i);
        if (row.seq != next || row.prev != prev)
            throw storage_error(context_ + ": append refused: the batch does not continue the stored chain (it goes on at seq " +
                                std::to_string(row.seq) + " after " + detail::pg_prev_text(row.prev) +
                                "; the table ends at next seq " + std::to_string(next) + " after " +
                                detail::pg_prev_text(prev) + "); nothing was stored");
        // The tree follows the rows; undone if the transaction is not committed.
        std::optional<detail::tree_keeper::snapshot> before;
        if (tree_on()) {
            tree_->catch_up(next);  // another writer may have appended
            before = tree_->keeper().save();
        }
        try {
            copy_rows(batch, i, row);
            // Full tiles in the batch's transaction: committed with it or not at all.
            if (before) tree_->keeper().store_full();
            commit();
        } catch (...) {
            if (before) tree_->keeper().restore(std::move(*before));
            throw;
        }
        unflushed_ = unflushed_ || before.has_value();
    }

    // Streams batch[i..] (batch[i] parsed as `row`) with COPY, adding each
    // entry to the tree when one is kept.
    void copy_rows(std::span<const sealed_entry> batch, std::size_t i, detail::sql_row row) {
        conn_->copy_begin(sql_copy_, "append: COPY");
        try {
            buffer_.assign(detail::pg_copy_header);
            for (std::size_t rows = 0;;) {
                encode(buffer_, row);
                if (tree_on()) tree_->add_entry(row.seq, row.hash);
                if (i + 1 == batch.size()) detail::pg_copy_trailer(buffer_);
                if (++rows == options_.copy_rows || i + 1 == batch.size()) {
                    conn_->copy_data(buffer_, "append: COPY");
                    buffer_.clear();
                    rows = 0;
                }
                if (++i == batch.size()) break;
                const std::uint64_t seq = row.seq;
                const std::string hash = row.hash;
                row = row_of(batch, i);
                if (row.seq != seq + 1 || row.prev != hash)
                    throw storage_error(context_ + ": append refused: batch entry seq " + std::to_string(row.seq) +
                                        " does not follow seq " + std::to_string(seq) + " (seq or prev differ); nothing was stored");
            }
        } catch (...) {
            try {
                conn_->copy_end("aitrail: append aborted", "append: COPY");
            } catch (const storage_error&) {  // the first failure is the one to report
            }
            throw;
        }
        conn_->copy_end(nullptr, "append: COPY");
    }

    bool tree_on() const noexcept { return tree_ && tree_->on(); }

    detail::pg_tree& writable_tree() {
        if (options_.read_only || !tree_)
            throw storage_error(context_ + ": cannot change tiles: opened read-only or with tiles off");
        return *tree_;
    }

    // A reader hands out the tiles the table holds; a writer with tiles on
    // resumes the tree from them.
    void open_tree() {
        if (options_.read_only) {
            const auto r = conn_->query("SELECT to_regclass(" + table_.sibling("_tiles").literal() + ") IS NOT NULL",
                                        "look up the tiles table");
            if (detail::pg_value(r, 0, 0) == "t")
                tree_ = std::make_unique<detail::pg_tree>(conn_.get(), table_, context_, "");
            return;
        }
        if (!options_.tiles) return;
        tree_ = std::make_unique<detail::pg_tree>(conn_.get(), table_, context_, sql_begin_append_);
        try {
            tree_->resume();
        } catch (const storage_error&) {
            // Entries that do not form a chain from seq 0: no tree; tree()
            // says so, verify says where. The server refusing (no rights on
            // the tiles table, a lost connection) is no such case.
            if (!conn_->ok() || tree_->server_failed()) throw;
        }
    }

    void write_partials() {
        if (tree_on()) tree_->write_partials();
        unflushed_ = false;
    }

    void scan_once(const line_visitor& visit, bool& visited) const {
        ensure_connected();
        detail::pg_rollback_guard guard{*conn_};
        conn_->command(sql_open_cursor_, "scan: open a cursor");
        for (bool more = true; more;) {
            const auto page = conn_->query(sql_fetch_, "scan: FETCH");
            const int rows = detail::pg_rows(page);
            for (int r = 0; r < rows && more; ++r) {
                visited = true;
                const std::uint64_t seq = detail::pg_unsigned(detail::pg_value(page, r, 0), context_);
                more = visit(stored_line{detail::pg_value(page, r, 1), source_, seq + 1, true});
            }
            more = more && static_cast<std::size_t>(rows) == options_.page_rows;
        }
        conn_->command("COMMIT", "scan: end");
    }

    // Validates the table name and prepares the statements that use it.
    void parse_table() {
        auto t = detail::pg_table::parse(options_.table);
        if (!t)
            throw storage_error(context_ + ": invalid table name; use name or schema.name, each lowercase letters, digits "
                                "and '_', at most 48 characters");
        table_ = std::move(*t);
        const std::string& q = table_.qualified;
        sql_begin_append_ = "BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(detail::pg_lock_class) + ", " +
                            std::to_string(table_.lock_key) + "); SELECT seq, hash FROM " + q + " ORDER BY seq DESC LIMIT 1";
        sql_copy_ = "COPY " + q + " (" + std::string(detail::pg_columns) + ") FROM STDIN (FORMAT binary)";
        sql_last_line_ = "SELECT line FROM " + q + " ORDER BY seq DESC LIMIT 1";
        sql_open_cursor_ = std::string(options_.read_only ? "BEGIN READ ONLY" : "BEGIN") +
                           "; DECLARE aitrail_scan NO SCROLL CURSOR FOR SELECT seq, line FROM " + q +
                           " ORDER BY seq";
        sql_fetch_ = "FETCH FORWARD " + std::to_string(options_.page_rows) + " FROM aitrail_scan";
    }

    // Per session: the server must keep UTF-8 bytes as they are; a reader's
    // session refuses writes.
    void setup_session() const {
        const std::string enc = conn_->parameter("server_encoding");
        if (enc != "UTF8" && enc != "SQL_ASCII")
            throw storage_error(context_ + ": the database's encoding is " + enc +
                                "; trail lines are UTF-8 and must be stored byte for byte (use a UTF8 database)");
        if (options_.read_only) conn_->command("SET default_transaction_read_only TO on", "set the session read-only");
    }

    void ensure_connected() const {
        if (!conn_) throw storage_error(context_ + ": no connection (the storage was moved from)");
        if (conn_->ok()) return;
        conn_->require_connected();  // reconnects once, or throws
        setup_session();
    }

    void require_table() const {
        const auto r = conn_->query("SELECT to_regclass(" + table_.literal() + ") IS NOT NULL", "look up the table");
        if (detail::pg_value(r, 0, 0) != "t")
            throw storage_error(context_ + ": no such table (a read-only storage does not create it)");
    }

    // Skipped when the table and its triggers exist, so that a role that may
    // only INSERT and SELECT can write to a table an administrator created.
    void create_schema() {
        const auto present = conn_->query(detail::pg_trigger_count_sql(table_), "look up the table");
        if (detail::pg_value(present, 0, 0) == "2" && (!options_.tiles || detail::pg_value(present, 0, 1) == "t")) return;
        detail::pg_rollback_guard guard{*conn_};
        conn_->command(detail::pg_create_sql(table_, options_.tiles), "create the table");
    }

    // Leading entries of `batch` that the table already holds (seq `first`
    // up to `next` - 1): a retry of a commit whose reply was lost. They must
    // be byte for byte what is stored, or the append is refused.
    std::size_t already_stored(std::span<const sealed_entry> batch, std::uint64_t first, std::uint64_t next) {
        const std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(next - first, batch.size()));
        const std::string from = std::to_string(first), to = std::to_string(first + count);
        const auto r = conn_->query("SELECT seq, line FROM " + table_.qualified + " WHERE seq >= $1 AND seq < $2 ORDER BY seq",
                                   {from.c_str(), to.c_str()}, "append: compare with stored entries");
        bool same = static_cast<std::size_t>(detail::pg_rows(r)) == count;
        for (std::size_t k = 0; same && k < count; ++k)
            same = detail::pg_unsigned(detail::pg_value(r, static_cast<int>(k), 0), context_) == first + k &&
                   detail::pg_value(r, static_cast<int>(k), 1) == batch[k].line;
        if (!same)
            throw storage_error(context_ + ": append refused: the batch starts at seq " + from +
                                ", but the table already holds seq " + from + " with other content (it ends at next seq " +
                                std::to_string(next) + "); nothing was stored");
        return count;
    }

    void commit() {
        const std::string tag = conn_->command("COMMIT", "append: commit");
        if (tag != "COMMIT") throw storage_error(context_ + ": append: the transaction was rolled back (" + tag + ")");
    }

    detail::sql_row row_of(std::span<const sealed_entry> batch, std::size_t i) const {
        try {
            return detail::make_sql_row(batch[i].line);
        } catch (const std::invalid_argument& e) {
            throw storage_error(context_ + ": append refused: batch entry " + std::to_string(i) + " (seq " +
                                std::to_string(batch[i].seq) + ") is not a trail entry: " + e.what());
        }
    }

    void encode(std::string& out, const detail::sql_row& r) const {
        if (!detail::pg_copy_entry(out, r))
            throw storage_error(context_ + ": append refused: seq " + std::to_string(r.seq) + " has rec.ts '" + r.ts +
                                "', not an RFC 3339 UTC time; nothing was stored");
    }

    postgres_options options_;
    std::string context_;  // "postgres_storage '<table>'", for messages
    std::string source_;   // "postgres:<table>", for stored_line::source
    detail::pg_table table_;
    std::string sql_begin_append_, sql_copy_, sql_last_line_, sql_open_cursor_, sql_fetch_;
    // Behind pointers: the tree's tile callbacks point at both, and moving
    // the storage must not move either.
    std::unique_ptr<detail::pg_connection> conn_;
    std::unique_ptr<detail::pg_tree> tree_;
    mutable std::unique_ptr<postgres_checkpoints> checkpoints_;  // opened on first use
    std::string conninfo_;  // for the checkpoints' own connection
    bool unflushed_ = false;  // partial tiles behind the appended entries
    std::string buffer_;  // COPY data, reused across appends
};

}  // namespace v1
}  // namespace aitrail
