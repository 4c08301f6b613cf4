#pragma once
/// @file sqlite_tiles.hpp
/// The hash tiles of an SQLite trail: table `<table>_tiles` (level, idx,
/// width, hashes BLOB) beside the entries table, and the tree sqlite_storage
/// keeps over it. Full tiles are written in the transaction of the batch
/// that completes them; the caller holds the transaction.

#include <aitrail/config.hpp>
#include <aitrail/detail/storage/sqlite.hpp>
#include <aitrail/detail/storage/tree_keeper.hpp>
#include <aitrail/integrity/tiles.hpp>
#include <aitrail/storage/storage_error.hpp>

#include <cstdint>      // int64_t, uint64_t
#include <optional>     // optional
#include <string>       // string, to_string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {
namespace detail {

/// The tiles table of one SQLite trail and the tree kept over it.
class sqlite_tree {
public:
    /// CREATE TABLE IF NOT EXISTS for the tiles of trail table `table`.
    static std::string schema_sql(const std::string& table) {
        return "CREATE TABLE IF NOT EXISTS " + sqlite_quote(table + "_tiles") +
               " (\n"
               "  level  INTEGER NOT NULL,\n"
               "  idx    INTEGER NOT NULL,\n"
               "  width  INTEGER NOT NULL CHECK (width BETWEEN 1 AND 256),\n"
               "  hashes BLOB NOT NULL,\n"
               "  PRIMARY KEY (level, idx, width));\n";
    }

    /// No table (tiles off, or an old read-only trail without one).
    sqlite_tree() = default;
    /// The tiles of `table` in `db`, which must outlive this object.
    sqlite_tree(sqlite_connection* db, const std::string& table)
        : db_(db), table_(table), tiles_(sqlite_quote(table + "_tiles")), entries_(sqlite_quote(table)),
          keeper_(tile_store_ops{[this] { return list(); }, [this](const tile_id& t) { return read(t); },
                                 [this](const tile_id& t, std::string_view b) { write(t, b); },
                                 [this](const tile_id& t) { remove(t); }}) {}
    sqlite_tree(const sqlite_tree&) = delete;
    sqlite_tree& operator=(const sqlite_tree&) = delete;

    /// True when there is a tiles table to read.
    bool has_table() const noexcept { return db_ != nullptr; }

    /// The bytes of tile `t`, nullopt when not stored.
    std::optional<std::string> read(const tile_id& t) const {
        if (!db_) return std::nullopt;
        auto select = db_->prepare("SELECT hashes FROM " + tiles_ + " WHERE level = ?1 AND idx = ?2 AND width = ?3",
                                   "cannot prepare a tile read");
        bind_id(select, t);
        if (!select.step("cannot read tile " + tile_path(t))) return std::nullopt;
        return std::string(select.column_blob(0));
    }
    /// Every stored tile.
    std::vector<tile_id> list() const {
        std::vector<tile_id> out;
        if (!db_) return out;
        auto select = db_->prepare("SELECT level, idx, width FROM " + tiles_, "cannot prepare the tile list");
        while (select.step("cannot list the tiles"))
            out.push_back({static_cast<int>(select.column_int(0)), static_cast<std::uint64_t>(select.column_int(1)),
                           static_cast<unsigned>(select.column_int(2))});
        return out;
    }
    /// Stores tile `t`, replacing it.
    void write(const tile_id& t, std::string_view bytes) {
        auto insert = db_->prepare("INSERT OR REPLACE INTO " + tiles_ + " (level, idx, width, hashes) VALUES (?1, ?2, ?3, ?4)",
                                   "cannot prepare a tile write");
        bind_id(insert, t);
        insert.bind_blob(4, bytes);
        insert.step("cannot write tile " + tile_path(t));
    }
    /// Removes tile `t`.
    void remove(const tile_id& t) {
        auto del = db_->prepare("DELETE FROM " + tiles_ + " WHERE level = ?1 AND idx = ?2 AND width = ?3",
                                "cannot prepare a tile removal");
        bind_id(del, t);
        del.step("cannot remove tile " + tile_path(t));
    }

    /// Resumes the tree of the first `size` entries from the tiles and the
    /// entries (tree_keeper::open), inside the caller's transaction.
    tile_repair open(std::uint64_t size) {
        on_ = false;
        const auto repair = keeper_.open(size, [&](std::uint64_t from, auto&& sink) { replay(from, size, sink); });
        on_ = true;
        return repair;
    }
    /// Brings the tree to `size` entries when another connection appended
    /// to the table (inside the caller's transaction).
    void catch_up(std::uint64_t size) {
        if (on_ && keeper_.tree().size() != size) open(size);
    }
    /// True once open() succeeded.
    bool on() const noexcept { return on_; }
    /// The keeper (add, store_full, store_partials, snapshots).
    tree_keeper& keeper() noexcept { return keeper_; }
    /// The tree; throws storage_error when none is kept.
    const merkle_tree& tree() const {
        if (!on_) throw storage_error("sqlite_storage table " + table_ + ": no Merkle tree is kept (tiles off, or opened read-only)");
        return keeper_.tree();
    }

private:
    static void bind_id(sqlite_statement& s, const tile_id& t) {
        s.bind(1, static_cast<std::int64_t>(t.level));
        s.bind(2, static_cast<std::int64_t>(t.index));
        s.bind(3, static_cast<std::int64_t>(t.width));
    }

    template <class Sink>
    void replay(std::uint64_t from, std::uint64_t size, Sink& sink) {
        auto select = db_->prepare("SELECT seq, hash FROM " + entries_ + " WHERE seq >= ?1 AND seq < ?2 ORDER BY seq",
                                   "cannot prepare the entry hashes");
        select.bind(1, static_cast<std::int64_t>(from));
        select.bind(2, static_cast<std::int64_t>(size));
        std::uint64_t next = from;
        while (select.step("cannot read the entry hashes")) {
            const auto seq = static_cast<std::uint64_t>(select.column_int(0));
            const std::string where = "table " + table_ + " seq " + std::to_string(seq);
            if (seq != next)
                throw storage_error(where + ": seq " + std::to_string(next) + " is missing; the Merkle tree cannot be computed");
            sink(entry_digest(select.column_text(1), where));
            ++next;
        }
        if (next != size)
            throw storage_error("table " + table_ + " ends at seq " + std::to_string(next) + ", not at " +
                                std::to_string(size) + "; the Merkle tree cannot be computed");
    }

    sqlite_connection* db_ = nullptr;
    std::string table_, tiles_, entries_;
    tree_keeper keeper_;
    bool on_ = false;
};

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
