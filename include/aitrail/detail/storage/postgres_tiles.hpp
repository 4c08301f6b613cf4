#pragma once
/// @file postgres_tiles.hpp
/// The hash tiles of a PostgreSQL trail: table `<table>_tiles` (level, idx,
/// width, hashes BYTEA; postgres_sql.hpp creates it) beside the entries
/// table, and the tree postgres_storage keeps over it. Every call runs in
/// the caller's transaction (the batch's, or one taking the writers' lock),
/// so full tiles are committed with the entries that complete them.

#include <aitrail/config.hpp>
#include <aitrail/detail/hex.hpp>
#include <aitrail/detail/storage/libpq.hpp>
#include <aitrail/detail/storage/postgres_sql.hpp>
#include <aitrail/detail/storage/tree_keeper.hpp>
#include <aitrail/integrity/tiles.hpp>
#include <aitrail/storage/storage_error.hpp>

#include <algorithm>         // min
#include <cstdint>           // uint64_t
#include <exception>         // exception
#include <initializer_list>  // initializer_list
#include <optional>          // optional
#include <string>            // string, to_string
#include <string_view>       // string_view
#include <utility>           // move
#include <vector>            // vector

namespace aitrail {
inline namespace v1 {
namespace detail {

/// The tiles table of one PostgreSQL trail and the tree kept over it.
class pg_tree {
public:
    /// The tiles of trail table `t` through `conn`, which must outlive this
    /// object (postgres_storage keeps both behind pointers that do not move).
    /// `context` prefixes messages. `begin_locked` opens a transaction, takes
    /// the writers' lock of the table and selects its last (seq, hash); ""
    /// for a reader.
    pg_tree(pg_connection* conn, const pg_table& t, std::string context, std::string begin_locked)
        : conn_(conn), context_(std::move(context)), tiles_(t.sibling("_tiles").qualified), entries_(t.qualified),
          begin_locked_(std::move(begin_locked)),
          keeper_(tile_store_ops{[this] { return list(); }, [this](const tile_id& id) { return read(id); },
                                 [this](const tile_id& id, std::string_view b) { write(id, b); },
                                 [this](const tile_id& id) { remove(id); }}) {}
    pg_tree(const pg_tree&) = delete;
    pg_tree& operator=(const pg_tree&) = delete;

    /// The bytes of tile `t`, nullopt when not stored.
    std::optional<std::string> read(const tile_id& t) const {
        const auto [level, index, width] = id_params(t);
        // Hex, not bytea's own text form, which the server's bytea_output decides.
        const auto r = run("SELECT encode(hashes, 'hex') FROM " + tiles_ + " WHERE level = $1 AND idx = $2 AND width = $3",
                                    {level.c_str(), index.c_str(), width.c_str()}, "read tile " + tile_path(t));
        if (pg_rows(r) == 0) return std::nullopt;
        return unhex(pg_value(r, 0, 0), t);
    }

    /// Every stored tile.
    std::vector<tile_id> list() const {
        const auto r = run("SELECT level, idx, width FROM " + tiles_, "list the tiles");
        std::vector<tile_id> out;
        out.reserve(static_cast<std::size_t>(pg_rows(r)));
        for (int i = 0; i < pg_rows(r); ++i)
            out.push_back({static_cast<int>(pg_unsigned(pg_value(r, i, 0), context_)),
                           pg_unsigned(pg_value(r, i, 1), context_),
                           static_cast<unsigned>(pg_unsigned(pg_value(r, i, 2), context_))});
        return out;
    }

    /// Stores tile `t`, replacing it.
    void write(const tile_id& t, std::string_view bytes) {
        const auto [level, index, width] = id_params(t);
        std::string hex;
        append_hex(hex, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
        run("INSERT INTO " + tiles_ + " (level, idx, width, hashes) VALUES ($1, $2, $3, decode($4, 'hex')) "
                     "ON CONFLICT (level, idx, width) DO UPDATE SET hashes = EXCLUDED.hashes RETURNING 1",
                     {level.c_str(), index.c_str(), width.c_str(), hex.c_str()}, "write tile " + tile_path(t));
    }

    /// Removes tile `t`.
    void remove(const tile_id& t) {
        const auto [level, index, width] = id_params(t);
        run("DELETE FROM " + tiles_ + " WHERE level = $1 AND idx = $2 AND width = $3 RETURNING 1",
                     {level.c_str(), index.c_str(), width.c_str()}, "remove tile " + tile_path(t));
    }

    /// Resumes the tree of the first `size` entries from the tiles and the
    /// entries (tree_keeper::open), inside the caller's transaction.
    /// When it throws, tree() says why until an open() succeeds.
    tile_repair open(std::uint64_t size) {
        on_ = false;
        server_failed_ = false;
        try {
            const auto repair = keeper_.open(size, [&](std::uint64_t from, auto&& sink) { replay(from, size, sink); });
            on_ = true;
            why_off_.clear();
            return repair;
        } catch (const std::exception& e) {
            why_off_ = e.what();
            throw;
        }
    }
    /// Brings the tree to `size` entries when another connection appended
    /// to the table (inside the caller's transaction).
    void catch_up(std::uint64_t size) {
        if (on_ && keeper_.tree().size() != size) open(size);
    }
    /// open() at the table's current size, in a transaction of its own
    /// holding the writers' lock.
    void resume() {
        locked([&](std::uint64_t next) { open(next); });
    }

    /// Adds the next entry (the batch's transaction stores the full tiles
    /// it completes through keeper().store_full()).
    void add_entry(std::uint64_t seq, std::string_view hash) {
        const auto leaf = from_hex<32>(hash);
        if (!leaf)
            throw storage_error(context_ + ": append refused: seq " + std::to_string(seq) +
                                ": the entry's hash is not 64 hex characters; nothing was stored");
        keeper_.add(*leaf);
    }

    /// Writes the partial tiles of the current size, after catching up with
    /// any other writer's appends, in a transaction of its own; the tree is
    /// left as it was if that fails.
    void write_partials() {
        if (!on_) return;
        auto before = keeper_.save();
        try {
            locked([&](std::uint64_t next) {
                catch_up(next);
                keeper_.store_partials();
            });
        } catch (...) {
            keeper_.restore(std::move(before));
            throw;
        }
    }

    /// True once open() succeeded.
    bool on() const noexcept { return on_; }
    /// True when the last failure was the server's (a permission, a lost
    /// connection), not entries that do not allow a tree.
    bool server_failed() const noexcept { return server_failed_; }
    /// The keeper (add, store_full, store_partials, snapshots).
    tree_keeper& keeper() noexcept { return keeper_; }
    /// The tree; throws storage_error when none is kept.
    const merkle_tree& tree() const {
        if (!on_)
            throw storage_error(context_ + ": no Merkle tree is kept (" +
                                (why_off_.empty() ? std::string("opened read-only")
                                                  : "resuming it failed: " + why_off_) + ")");
        return keeper_.tree();
    }

private:
    // Runs `f(next seq)` in a transaction holding the writers' lock of the
    // table, so the head it is given stays the head until the commit.
    template <class F>
    void locked(F&& f) {
        try {
            const auto head = run(begin_locked_, "tiles: read the stored head");
            f(pg_rows(head) == 1 ? pg_unsigned(pg_value(head, 0, 0), context_) + 1 : 0);
            const std::string tag = conn_->command("COMMIT", "tiles: commit");
            if (tag != "COMMIT") throw storage_error(context_ + ": tiles: the transaction was rolled back (" + tag + ")");
        } catch (...) {
            conn_->rollback_if_open();
            throw;
        }
    }

    // Every statement goes through here, so that open() can tell the
    // server's refusals from the entries'.
    pg_result run(const std::string& sql, std::string_view what) const {
        try {
            return conn_->query(sql, what);
        } catch (const storage_error&) {
            server_failed_ = true;
            throw;
        }
    }
    pg_result run(const std::string& sql, std::initializer_list<const char*> params, std::string_view what) const {
        try {
            return conn_->query(sql, params, what);
        } catch (const storage_error&) {
            server_failed_ = true;
            throw;
        }
    }

    struct id_text {
        std::string level, index, width;
    };
    static id_text id_params(const tile_id& t) {
        return {std::to_string(t.level), std::to_string(t.index), std::to_string(t.width)};
    }

    std::string unhex(std::string_view hex, const tile_id& t) const {
        std::string out;
        out.reserve(hex.size() / 2);
        for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
            const auto byte = from_hex<1>(hex.substr(i, 2));
            if (!byte) throw storage_error(context_ + ": tile " + tile_path(t) + ": the server sent malformed hex");
            out += static_cast<char>((*byte)[0]);
        }
        return out;
    }

    // Feeds the hashes of entries from .. size-1 to `sink`, a page at a time
    // so that a first open of a long trail does not hold it all in memory.
    template <class Sink>
    void replay(std::uint64_t from, std::uint64_t size, Sink& sink) {
        constexpr std::uint64_t page = 10000;
        std::uint64_t next = from;
        while (next < size) {
            const std::string lo = std::to_string(next), hi = std::to_string(std::min(size, next + page));
            const auto r = run("SELECT seq, hash FROM " + entries_ + " WHERE seq >= $1 AND seq < $2 ORDER BY seq",
                                        {lo.c_str(), hi.c_str()}, "read the entry hashes");
            for (int i = 0; i < pg_rows(r); ++i) {
                const std::uint64_t seq = pg_unsigned(pg_value(r, i, 0), context_);
                const std::string where = context_ + " seq " + std::to_string(seq);
                if (seq != next)
                    throw storage_error(context_ + ": seq " + std::to_string(next) +
                                        " is missing; the Merkle tree cannot be computed");
                sink(entry_digest(pg_value(r, i, 1), where));
                ++next;
            }
            if (pg_rows(r) == 0) break;
        }
        if (next != size)
            throw storage_error(context_ + ": the entries end at seq " + std::to_string(next) + ", not at " +
                                std::to_string(size) + "; the Merkle tree cannot be computed");
    }

    pg_connection* conn_;
    std::string context_, tiles_, entries_, begin_locked_;
    std::string why_off_;  // why the last open() failed
    tree_keeper keeper_;
    bool on_ = false;
    mutable bool server_failed_ = false;
};

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
