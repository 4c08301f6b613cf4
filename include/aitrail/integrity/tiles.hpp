#pragma once
/// @file tiles.hpp
/// C2SP tlog-tiles hash tiles: the stored hashes of a trail's Merkle tree,
/// 256 to a tile, so that a proof for any entry reads O(log n) tiles and a
/// trail directory served by a static HTTP server is a tiles-compatible log.
///
/// A tile at level `L`, index `N` holds the stored hashes of tree level 8L
/// with indices `[256 N, 256 N + W)`, concatenated (32 bytes each); W = 256
/// for a full tile, less for a partial one. Its path is `tile/<L>/<N>` for a
/// full tile and `tile/<L>/<N>.p/<W>` for a partial one, where <N> is written
/// in groups of three digits, all but the last prefixed with `x`
/// (1234067 -> `x001/x234/067`). Partial tiles are never hashed upward: a
/// level-L+1 hash exists only for a complete level-L tile.

#include <aitrail/config.hpp>
#include <aitrail/integrity/hasher.hpp>
#include <aitrail/integrity/merkle.hpp>

#include <cstdint>      // uint64_t
#include <cstring>      // memcpy
#include <functional>   // function
#include <map>          // map
#include <optional>     // optional
#include <stdexcept>    // runtime_error
#include <string>       // string, to_string
#include <string_view>  // string_view
#include <utility>      // pair, move
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// Tree levels per tile level (C2SP tlog-tiles: 8).
inline constexpr int tile_height = 8;
/// Hashes in a full tile (2^tile_height).
inline constexpr unsigned tile_full_width = 256;

/// Names one hash tile.
struct tile_id {
    int level = 0;             ///< tile level L (tree level 8L)
    std::uint64_t index = 0;   ///< N
    unsigned width = tile_full_width;  ///< W, 1..256
    /// True for a full (immutable) tile.
    bool full() const noexcept { return width == tile_full_width; }
    friend bool operator==(const tile_id&, const tile_id&) = default;
};

/// The tile's path relative to the log's root, e.g. `tile/0/x001/x234/067.p/5`.
inline std::string tile_path(const tile_id& t) {
    std::string n = std::to_string(t.index);
    // Left-pad to a multiple of three digits, then split into groups.
    n.insert(0, (3 - n.size() % 3) % 3, '0');
    std::string out = "tile/" + std::to_string(t.level) + "/";
    for (std::size_t i = 0; i < n.size(); i += 3) {
        if (i + 3 < n.size()) out += 'x';
        out.append(n, i, 3);
        if (i + 3 < n.size()) out += '/';
    }
    if (!t.full()) out += ".p/" + std::to_string(t.width);
    return out;
}

/// Parses a path tile_path() writes; nullopt for anything else (entry
/// bundles `tile/entries/...` included).
inline std::optional<tile_id> parse_tile_path(std::string_view path) {
    auto take_number = [](std::string_view s, std::uint64_t limit) -> std::optional<std::uint64_t> {
        if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
        std::uint64_t v = 0;
        for (char c : s) {
            if (c < '0' || c > '9') return std::nullopt;
            const auto d = static_cast<std::uint64_t>(c - '0');
            if (v > (~std::uint64_t{0} - d) / 10) return std::nullopt;  // would overflow
            v = v * 10 + d;
        }
        if (v > limit) return std::nullopt;
        return v;
    };
    const std::string_view original = path;
    if (!path.starts_with("tile/")) return std::nullopt;
    path.remove_prefix(5);
    const auto slash = path.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    const auto level = take_number(path.substr(0, slash), 63 / tile_height);
    if (!level) return std::nullopt;
    path.remove_prefix(slash + 1);
    tile_id t;
    t.level = static_cast<int>(*level);
    if (const auto p = path.find(".p/"); p != std::string_view::npos) {
        const auto w = take_number(path.substr(p + 3), tile_full_width - 1);
        if (!w || *w == 0) return std::nullopt;
        t.width = static_cast<unsigned>(*w);
        path = path.substr(0, p);
    }
    // Groups of exactly three digits; every group but the last starts with x.
    std::string digits;
    while (true) {
        const auto next = path.find('/');
        std::string_view group = path.substr(0, next);
        const bool last = next == std::string_view::npos;
        if (!last) {
            if (!group.starts_with('x')) return std::nullopt;
            group.remove_prefix(1);
        }
        if (group.size() != 3) return std::nullopt;
        for (char c : group)
            if (c < '0' || c > '9') return std::nullopt;
        digits += group;
        if (last) break;
        path.remove_prefix(next + 1);
    }
    const std::size_t first = digits.find_first_not_of('0');
    const auto index = take_number(first == std::string::npos ? std::string_view("0")
                                                              : std::string_view(digits).substr(first),
                                   ~std::uint64_t{0});
    if (!index) return std::nullopt;
    t.index = *index;
    // One spelling per tile: 1 is 001, never x000/001.
    if (tile_path(t) != original) return std::nullopt;
    return t;
}

/// Width of tile (level, index) in the tree of `size` leaves: 256 when full,
/// 1..255 when partial, 0 when the tree has no hash in it yet.
inline unsigned tile_width_in(int level, std::uint64_t index, std::uint64_t size) noexcept {
    const std::uint64_t hashes = (level * tile_height >= 64) ? 0 : size >> (level * tile_height);
    if (hashes <= index * tile_full_width) return 0;
    const std::uint64_t w = hashes - index * tile_full_width;
    return w >= tile_full_width ? tile_full_width : static_cast<unsigned>(w);
}

/// Every tile the tree of `size` leaves consists of, full and partial, by
/// level then index.
inline std::vector<tile_id> tiles_of_tree(std::uint64_t size) {
    std::vector<tile_id> out;
    for (int level = 0; level * tile_height < 64; ++level) {
        const std::uint64_t hashes = size >> (level * tile_height);
        if (hashes == 0) break;
        for (std::uint64_t n = 0; n * tile_full_width < hashes; ++n)
            out.push_back({level, n, tile_width_in(level, n, size)});
    }
    return out;
}

/// The hashes of a tile's bytes; throws std::runtime_error when their length
/// is not 32 × `t.width`.
inline std::vector<digest> tile_hashes(const tile_id& t, std::string_view bytes) {
    if (bytes.size() != std::size_t{32} * t.width)
        throw std::runtime_error(tile_path(t) + ": " + std::to_string(bytes.size()) + " bytes, expected " +
                                 std::to_string(std::size_t{32} * t.width));
    std::vector<digest> out(t.width);
    for (unsigned i = 0; i < t.width; ++i) std::memcpy(out[i].data(), bytes.data() + std::size_t{32} * i, 32);
    return out;
}

/// Fetches a tile's bytes, or nullopt when it is not stored.
using tile_source = std::function<std::optional<std::string>(const tile_id&)>;

/// Reads stored hashes of the tree of `size` leaves from its tiles (a
/// merkle_hash_reader): level l comes from tile level l / 8, computing the
/// 2^(l mod 8) hashes below it inside one tile. A partial tile that is gone
/// is read from its full successor, which C2SP lets a log replace it with.
/// Tiles read are kept, so a proof reads each at most once.
class tile_hash_reader {
public:
    /// Reads the tree of `size` leaves through `source`.
    tile_hash_reader(std::uint64_t size, tile_source source) : size_(size), source_(std::move(source)) {}

    /// The stored hash at (level, index); throws std::runtime_error naming
    /// the tile when it is missing, short, or the tree has no such hash.
    digest operator()(int level, std::uint64_t index) {
        const int tile_level = level / tile_height;
        const int sub = level % tile_height;
        const std::uint64_t first = index << sub;  // first hash of tree level 8L under it
        const std::uint64_t count = std::uint64_t{1} << sub;
        const std::uint64_t n = first / tile_full_width;
        const auto offset = static_cast<std::size_t>(first % tile_full_width);
        const std::vector<digest>& hashes = tile(tile_level, n);
        if (offset + count > hashes.size())
            throw std::runtime_error("tree of size " + std::to_string(size_) + " has no stored hash at level " +
                                     std::to_string(level) + ", index " + std::to_string(index));
        // Hash the 2^sub hashes pairwise up to one.
        std::vector<digest> row(hashes.begin() + static_cast<std::ptrdiff_t>(offset),
                                hashes.begin() + static_cast<std::ptrdiff_t>(offset + count));
        while (row.size() > 1) {
            for (std::size_t i = 0; i < row.size() / 2; ++i) row[i] = merkle_node_hash(row[2 * i], row[2 * i + 1]);
            row.resize(row.size() / 2);
        }
        return row.front();
    }

    /// The tiles read so far (full and partial), with where they came from.
    std::size_t tiles_read() const noexcept { return cache_.size(); }

private:
    const std::vector<digest>& tile(int level, std::uint64_t n) {
        const auto key = std::make_pair(level, n);
        if (const auto it = cache_.find(key); it != cache_.end()) return it->second;
        const unsigned width = tile_width_in(level, n, size_);
        if (width == 0)
            throw std::runtime_error("tree of size " + std::to_string(size_) + " has no tile " +
                                     tile_path({level, n, tile_full_width}));
        tile_id id{level, n, width};
        auto bytes = source_(id);
        if (!bytes && !id.full()) {
            const tile_id full{level, n, tile_full_width};
            if (auto whole = source_(full)) {
                id = full;
                bytes = std::move(whole);
            }
        }
        if (!bytes) throw std::runtime_error("missing tile " + tile_path(id));
        auto hashes = tile_hashes(id, *bytes);
        hashes.resize(width);  // a full tile read for a partial one: only its first W hashes belong to this tree
        return cache_.emplace(key, std::move(hashes)).first->second;
    }

    std::uint64_t size_;
    tile_source source_;
    std::map<std::pair<int, std::uint64_t>, std::vector<digest>> cache_;
};

/// Keeps a growing trail's tree and its tiles: the writer's side of the tree.
/// Memory is the tree's peaks plus at most one partial tile per level.
class tile_builder {
public:
    /// An empty tree.
    tile_builder() = default;

    /// Resumes the tree of `size` leaves from its stored hashes (its tiles):
    /// the peaks and the partial tiles are read back.
    template <merkle_hash_reader R>
    static tile_builder resume(std::uint64_t size, R&& read) {
        tile_builder b;
        b.tree_ = merkle_tree::from_stored(size, read);
        for (int level = 0; level * tile_height < 64; ++level) {
            const std::uint64_t hashes = size >> (level * tile_height);
            if (hashes == 0) break;
            const std::uint64_t start = hashes - hashes % tile_full_width;
            auto& row = b.partial_.emplace_back();
            for (std::uint64_t i = start; i < hashes; ++i) row.push_back(read(level * tile_height, i));
        }
        return b;
    }

    /// Adds the next entry (its 32-byte chain hash is the leaf's data) and
    /// calls `on_full(tile_id, bytes)` for every tile it completes, lowest
    /// level first. Full tiles never change again: write each once.
    template <class F>
    void append_entry(const digest& entry_hash, F&& on_full) {
        append_leaf_hash(merkle_leaf_hash(entry_hash), on_full);
    }

    /// As append_entry(), given the leaf hash itself (merkle_leaf_hash of
    /// the entry's hash), for callers that computed it already.
    template <class F>
    void append_leaf_hash(const digest& leaf, F&& on_full) {
        tree_.append_leaf_hash(leaf, [&](int level, std::uint64_t index, const digest& h) {
            if (level % tile_height != 0) return;
            const auto tile_level = static_cast<std::size_t>(level / tile_height);
            if (partial_.size() <= tile_level) partial_.resize(tile_level + 1);
            auto& row = partial_[tile_level];
            row.push_back(h);
            if (row.size() == tile_full_width) {
                on_full(tile_id{static_cast<int>(tile_level), index / tile_full_width, tile_full_width},
                        bytes_of(row));
                row.clear();
            }
        });
    }

    /// Adds the next entry, dropping completed tiles (for computing roots only).
    void append_entry(const digest& entry_hash) {
        append_entry(entry_hash, [](const tile_id&, const std::string&) {});
    }

    /// The tree so far.
    const merkle_tree& tree() const noexcept { return tree_; }

    /// Equal when both hold the same tree and partial tiles.
    friend bool operator==(const tile_builder&, const tile_builder&) = default;

    /// The partial tiles of the current tree, lowest level first, with their
    /// bytes: what to write so that the stored tiles describe this size.
    std::vector<std::pair<tile_id, std::string>> partial_tiles() const {
        std::vector<std::pair<tile_id, std::string>> out;
        for (std::size_t level = 0; level < partial_.size(); ++level) {
            const auto& row = partial_[level];
            if (row.empty()) continue;
            const std::uint64_t hashes = tree_.size() >> (level * tile_height);
            out.emplace_back(tile_id{static_cast<int>(level), hashes / tile_full_width,
                                     static_cast<unsigned>(row.size())},
                             bytes_of(row));
        }
        return out;
    }

private:
    static std::string bytes_of(const std::vector<digest>& row) {
        std::string out;
        out.reserve(row.size() * 32);
        for (const auto& h : row) out.append(reinterpret_cast<const char*>(h.data()), h.size());
        return out;
    }

    merkle_tree tree_;
    std::vector<std::vector<digest>> partial_;  // per tile level: hashes of the incomplete tile
};

}  // namespace v1
}  // namespace aitrail
