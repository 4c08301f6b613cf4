#pragma once
/// @file tree_keeper.hpp
/// The Merkle tree a storage keeps beside its entries, whatever holds the
/// tiles (files, an SQL table, memory): resuming it on open, repairing the
/// tiles a crash left missing or stale, and writing the tiles as entries
/// arrive. Entries are the truth and tiles are derived from them, so every
/// repair recomputes from the entries, never the other way round.

#include <aitrail/config.hpp>
#include <aitrail/detail/hex.hpp>
#include <aitrail/integrity/merkle.hpp>
#include <aitrail/integrity/tiles.hpp>
#include <aitrail/storage/storage_error.hpp>

#include <algorithm>    // find, remove_if
#include <cstdint>      // uint64_t
#include <functional>   // function
#include <map>          // map
#include <optional>     // optional
#include <set>          // set
#include <stdexcept>    // runtime_error
#include <string>       // string, to_string
#include <string_view>  // string_view
#include <utility>      // pair, move
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {
namespace detail {

/// Where a storage keeps its tiles: what the tree keeper does with them.
/// Each may throw storage_error naming the tile and the store.
struct tile_store_ops {
    std::function<std::vector<tile_id>()> list;                             ///< every stored tile
    std::function<std::optional<std::string>(const tile_id&)> read;         ///< a tile's bytes, nullopt if absent
    std::function<void(const tile_id&, std::string_view)> write;            ///< stores a tile whole
    std::function<void(const tile_id&)> remove;                             ///< removes a tile if stored
};

/// The 32 raw bytes of a 64-hex entry hash; throws storage_error naming `where`.
inline digest entry_digest(std::string_view hex, const std::string& where) {
    const auto d = from_hex<32>(hex);
    if (!d) throw storage_error(where + ": the entry's hash is not 64 hex characters");
    return *d;
}

/// Reads stored hashes from full tiles only (partials may be stale after a
/// crash). A hash whose full tile is missing is computed from the tiles
/// below it, so a tree resumes while an upper tile is still to be written.
class full_tile_reader {
public:
    /// Reads through `ops`; `present` lists the full tiles stored.
    full_tile_reader(const tile_store_ops& ops, std::set<std::pair<int, std::uint64_t>> present)
        : ops_(&ops), present_(std::move(present)) {}

    /// The stored hash at (level, index); throws storage_error when no tile
    /// it could come from is stored.
    digest operator()(int level, std::uint64_t index) {
        const int tile_level = level / tile_height;
        const int sub = level % tile_height;
        const std::uint64_t first = index << sub;
        if (const auto* hashes = tile(tile_level, first / tile_full_width)) {
            std::vector<digest> row(hashes->begin() + static_cast<std::ptrdiff_t>(first % tile_full_width),
                                    hashes->begin() + static_cast<std::ptrdiff_t>(first % tile_full_width + (std::uint64_t{1} << sub)));
            while (row.size() > 1) {
                for (std::size_t i = 0; i < row.size() / 2; ++i) row[i] = merkle_node_hash(row[2 * i], row[2 * i + 1]);
                row.resize(row.size() / 2);
            }
            return row.front();
        }
        if (level == 0)
            throw storage_error("missing tile " + tile_path({0, first / tile_full_width, tile_full_width}));
        return merkle_node_hash((*this)(level - 1, 2 * index), (*this)(level - 1, 2 * index + 1));
    }

private:
    const std::vector<digest>* tile(int level, std::uint64_t n) {
        const auto key = std::make_pair(level, n);
        if (const auto it = cache_.find(key); it != cache_.end()) return &it->second;
        if (!present_.contains(key)) return nullptr;
        const tile_id id{level, n, tile_full_width};
        auto bytes = ops_->read(id);
        if (!bytes) return nullptr;
        if (bytes->size() != std::size_t{32} * tile_full_width)
            throw storage_error(tile_path(id) + ": " + std::to_string(bytes->size()) + " bytes, expected " +
                                std::to_string(std::size_t{32} * tile_full_width));
        return &cache_.emplace(key, tile_hashes(id, *bytes)).first->second;
    }

    const tile_store_ops* ops_;
    std::set<std::pair<int, std::uint64_t>> present_;
    std::map<std::pair<int, std::uint64_t>, std::vector<digest>> cache_;
};

/// What resuming the tree had to do to the stored tiles.
struct tile_repair {
    std::uint64_t recomputed_from = 0;  ///< first entry whose hash was read back from the entries
    std::uint64_t written = 0;          ///< tiles written (missing or stale)
    std::uint64_t removed = 0;          ///< tiles removed (beyond the trail, or stale partials)
    /// True when the stored tiles already described the trail.
    bool clean() const noexcept { return written == 0 && removed == 0; }
};

/// Keeps a trail's tree and writes its tiles through a tile_store_ops.
/// Full tiles completed by add() wait in a queue until store_full(), so a
/// storage writes them after (JSONL) or with (SQL) the entries; partial
/// tiles are written by store_partials(), at flush.
class tree_keeper {
public:
    /// A keeper without a store (memory only until open()).
    tree_keeper() = default;
    /// Keeps the tiles in `ops`.
    explicit tree_keeper(tile_store_ops ops) : ops_(std::move(ops)) {}

    /// Resumes the tree of the first `size` entries from the stored tiles,
    /// recomputing from the entries what is missing or stale: from the first
    /// level-0 full tile that is missing, through `replay(from_seq, sink)`,
    /// which must call `sink(const digest& entry_hash)` for the entries
    /// `from_seq .. size-1` in order (throwing storage_error if it cannot).
    /// Then writes the tiles of this size that are missing, removes those
    /// the trail does not have, and rewrites stale partial tiles. Full tiles
    /// before the first missing one are trusted unless a stored upper partial
    /// tile disagrees with them; then everything is recomputed from seq 0.
    /// verify checks every tile.
    template <class Replay>
    tile_repair open(std::uint64_t size, Replay&& replay, bool from_zero = false) {
        tile_repair repair;
        const auto stored = ops_.list();
        std::set<std::pair<int, std::uint64_t>> full;
        std::vector<tile_id> partial;
        for (const auto& t : stored) {
            if (t.full()) full.insert({t.level, t.index});
            else partial.push_back(t);
        }
        // The leaves covered by consecutive level-0 full tiles.
        std::uint64_t k = 0;
        while (k < size / tile_full_width && full.contains({0, k})) ++k;
        std::uint64_t from = from_zero ? 0 : k * tile_full_width;
        try {
            full_tile_reader reader(ops_, full);
            builder_ = tile_builder::resume(from, reader);
        } catch (const std::exception&) {
            from = 0;  // a tile of the wrong size: trust none of them
            builder_ = tile_builder();
        }
        repair.recomputed_from = from;
        std::set<std::pair<int, std::uint64_t>> written;
        replay(from, [&](const digest& entry_hash) {
            builder_.append_entry(entry_hash, [&](const tile_id& id, const std::string& bytes) {
                ops_.write(id, bytes);
                written.insert({id.level, id.index});
                full.insert({id.level, id.index});
                ++repair.written;
            });
        });
        if (builder_.tree().size() != size)
            throw storage_error("the entries end at " + std::to_string(builder_.tree().size()) + ", not at " +
                                std::to_string(size));
        // The upper partial rows came from the trusted full tiles; a stored
        // partial tile of those rows that is not their prefix means the full
        // tiles cannot be trusted: recompute from the first entry.
        if (from > 0) {
            for (const auto& [id, bytes] : builder_.partial_tiles()) {
                if (id.level == 0) continue;
                for (const auto& t : partial) {
                    if (t.level != id.level || t.index != id.index || t.width > id.width) continue;
                    const auto have = ops_.read(t);
                    if (have && *have != std::string_view(bytes).substr(0, std::size_t{32} * t.width)) {
                        auto again = open(size, replay, true);
                        again.written += repair.written;
                        return again;
                    }
                }
            }
        }
        // Full tiles of this tree still missing (an upper level), computed
        // from the tiles below them.
        const auto wanted = tiles_of_tree(size);
        {
            full_tile_reader reader(ops_, full);
            for (const auto& t : wanted) {
                if (!t.full() || full.contains({t.level, t.index})) continue;
                std::string bytes;
                bytes.reserve(std::size_t{32} * tile_full_width);
                for (unsigned i = 0; i < tile_full_width; ++i)
                    bytes += std::string_view(digest_bytes(reader(t.level * tile_height, t.index * tile_full_width + i)));
                ops_.write(t, bytes);
                full.insert({t.level, t.index});
                ++repair.written;
            }
        }
        // Tiles the trail does not have: beyond its end, or partials of
        // another width (those of this width are checked below).
        for (const auto& t : stored) {
            const bool keep = t.full() ? tile_width_in(t.level, t.index, size) == tile_full_width
                                       : std::find(wanted.begin(), wanted.end(), t) != wanted.end();
            if (!keep) {
                ops_.remove(t);
                ++repair.removed;
            }
        }
        // Partials of the current size, rewritten when absent or stale.
        partials_.clear();
        for (const auto& [id, bytes] : builder_.partial_tiles()) {
            const auto have = std::find(partial.begin(), partial.end(), id) != partial.end() ? ops_.read(id)
                                                                                            : std::nullopt;
            if (!have || *have != bytes) {
                ops_.write(id, bytes);
                ++repair.written;
            }
            partials_.push_back(id);
        }
        partials_size_ = size;
        return repair;
    }

    /// Adds the next entry given its hash's 32 raw bytes; full tiles it
    /// completes wait for store_full(). Never throws once the tree is open.
    void add(const digest& entry_hash) {
        builder_.append_entry(entry_hash, [&](const tile_id& id, const std::string& bytes) {
            pending_.emplace_back(id, bytes);
        });
    }

    /// Writes the full tiles add() completed, then removes the partial tiles
    /// they replace. Throws what the store throws (the queue is then kept,
    /// so a later call retries).
    void store_full() {
        while (!pending_.empty()) {
            const auto& [id, bytes] = pending_.front();
            ops_.write(id, bytes);
            for (auto it = partials_.begin(); it != partials_.end();) {
                if (it->level == id.level && it->index == id.index) {
                    ops_.remove(*it);
                    it = partials_.erase(it);
                } else {
                    ++it;
                }
            }
            pending_.erase(pending_.begin());
        }
    }

    /// Writes the partial tiles of the current size (after store_full())
    /// and removes the ones they replace. A no-op when nothing was added
    /// since the last call.
    void store_partials() {
        if (partials_size_ == builder_.tree().size()) return;
        store_full();
        std::vector<tile_id> now;
        for (const auto& [id, bytes] : builder_.partial_tiles()) {
            if (std::find(partials_.begin(), partials_.end(), id) == partials_.end()) ops_.write(id, bytes);
            now.push_back(id);
        }
        for (const auto& old : partials_)
            if (std::find(now.begin(), now.end(), old) == now.end()) ops_.remove(old);
        partials_ = std::move(now);
        partials_size_ = builder_.tree().size();
    }

    /// Forgets the full tiles waiting to be written (after a store failed:
    /// the next open() writes them from the entries).
    void drop_pending() noexcept { pending_.clear(); }

    /// The tree of every entry added.
    const merkle_tree& tree() const noexcept { return builder_.tree(); }

    /// The state add() changes, to undo a batch a storage rolled back.
    struct snapshot {
        tile_builder builder;  ///< the tree and its partial rows
        std::size_t pending;   ///< full tiles queued then
    };
    /// Takes a snapshot (O(log n) hashes plus one partial tile per level).
    snapshot save() const { return {builder_, pending_.size()}; }
    /// Returns to a snapshot taken by save().
    void restore(snapshot s) {
        builder_ = std::move(s.builder);
        pending_.resize(s.pending);
    }

private:
    tile_store_ops ops_;
    tile_builder builder_;
    std::vector<std::pair<tile_id, std::string>> pending_;
    std::vector<tile_id> partials_;      // partial tiles stored for partials_size_
    std::uint64_t partials_size_ = 0;
};

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
