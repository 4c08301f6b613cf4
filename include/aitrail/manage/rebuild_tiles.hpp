#pragma once
/// @file rebuild_tiles.hpp
/// Recreates a trail's hash tiles from its entries. Tiles are derived data:
/// when verify finds one that disagrees with the entries (or missing, or
/// beyond the trail's end), this puts every tile back as the entries give
/// it. It changes stored data, hence the manage layer, above storage.

#include <aitrail/config.hpp>
#include <aitrail/detail/storage/tree_keeper.hpp>
#include <aitrail/integrity/merkle.hpp>
#include <aitrail/integrity/tiles.hpp>
#include <aitrail/record/record_view.hpp>
#include <aitrail/storage/concepts.hpp>
#include <aitrail/storage/jsonl_storage.hpp>
#include <aitrail/storage/storage_error.hpp>

#include <cstdint>      // uint64_t
#include <filesystem>   // path
#include <set>          // set
#include <string>       // string, to_string
#include <string_view>  // string_view
#include <tuple>        // tuple
#include <utility>      // move
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// What rebuild_tiles() found and did, tiles named by tile_path().
struct tiles_rebuilt {
    std::uint64_t tree_size = 0;        ///< entries in the tree
    digest root{};                      ///< its root
    std::uint64_t unchanged = 0;        ///< tiles that were already right
    std::vector<std::string> written;   ///< tiles that were missing
    std::vector<std::string> replaced;  ///< tiles whose bytes differed from the entries'
    std::vector<std::string> removed;   ///< tiles the trail does not have (beyond its end, stale partials)
    /// True when any tile was written, replaced or removed.
    bool changed() const noexcept { return !written.empty() || !replaced.empty() || !removed.empty(); }
};

/// Recreates every tile of the trail in `s` from its entries: tiles that are
/// missing are written, those that differ replaced, those the trail does not
/// have removed; then the storage resumes its tree from them. Throws
/// storage_error (naming the line) when the entries do not form a chain from
/// seq 0: the tree is then undefined (run aitrail verify).
template <class S>
    requires tile_store<S> && line_source<S>
tiles_rebuilt rebuild_tiles(S& s) {
    tiles_rebuilt out;
    const auto stored = s.list_tiles();
    std::set<std::tuple<int, std::uint64_t, unsigned>> have, want;
    for (const auto& t : stored) have.insert({t.level, t.index, t.width});
    auto put = [&](const tile_id& t, std::string_view bytes) {
        want.insert({t.level, t.index, t.width});
        if (!have.contains({t.level, t.index, t.width})) {
            s.write_tile(t, bytes);
            out.written.push_back(tile_path(t));
        } else if (const auto old = s.read_tile(t); !old || *old != bytes) {
            s.write_tile(t, bytes);
            out.replaced.push_back(tile_path(t));
        } else {
            ++out.unchanged;
        }
    };
    tile_builder b;
    record_view view;
    s.scan([&](const stored_line& l) {
        if (!l.terminated) return true;  // a torn tail is not an entry
        const std::string where = std::string(l.source) + ":" + std::to_string(l.line_no);
        if (!parse_record_view(l.text, view))
            throw storage_error(where + ": not a trail entry; tiles cannot be rebuilt (run aitrail verify)");
        if (view.seq != b.tree().size())
            throw storage_error(where + ": seq " + std::to_string(view.seq) + " where seq " +
                                std::to_string(b.tree().size()) + " was expected; tiles cannot be rebuilt (run aitrail verify)");
        b.append_entry(detail::entry_digest(view.hash, where), put);
        return true;
    });
    for (const auto& [t, bytes] : b.partial_tiles()) put(t, bytes);
    for (const auto& t : stored) {
        if (want.contains({t.level, t.index, t.width})) continue;
        s.remove_tile(t);
        out.removed.push_back(tile_path(t));
    }
    s.reload_tree();
    out.tree_size = b.tree().size();
    out.root = b.tree().root();
    return out;
}

/// Recreates the tiles of the JSONL trail in `dir` (opened for writing, so
/// no writer may hold it; a torn tail is cut as on any open). The trail is
/// opened with tiles off, so that what is found is reported here rather
/// than repaired silently by the open.
inline tiles_rebuilt rebuild_tiles(const std::filesystem::path& dir, jsonl_options options = {}) {
    options.tiles = false;
    jsonl_storage s(dir, std::move(options));
    return rebuild_tiles(s);
}

}  // namespace v1
}  // namespace aitrail
