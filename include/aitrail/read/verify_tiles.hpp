#pragma once
/// @file verify_tiles.hpp
/// Checks a trail's stored hash tiles against its entries. The verifier has
/// every entry's hash at hand, so it recomputes the tree as it goes (one
/// leaf hash and, amortised, one node hash per entry) and compares each tile
/// the tree completes with the stored one, then the partial tiles of the
/// final size, then looks for tiles the trail does not have.

#include <aitrail/config.hpp>
#include <aitrail/integrity/merkle.hpp>
#include <aitrail/integrity/tiles.hpp>
#include <aitrail/read/verify_report.hpp>

#include <algorithm>    // find_if, sort
#include <cstdint>      // uint64_t
#include <map>          // map
#include <optional>     // optional
#include <string>       // string, to_string
#include <string_view>  // string_view
#include <utility>      // move, pair
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// Compares stored tiles with the tree of the entries fed to it.
class tile_checker {
public:
    /// Checks the tiles `stored` (as listed) read through `read`; problems
    /// name a tile as `prefix + tile_path(t)` (e.g. "trails/app/").
    tile_checker(tile_source read, const std::vector<tile_id>& stored, std::string prefix)
        : read_(std::move(read)), prefix_(std::move(prefix)) {
        for (const auto& t : stored) {
            if (t.full()) full_[{t.level, t.index}] = true;
            else partial_[{t.level, t.index}].push_back(t.width);
        }
        stored_ = stored.size();
    }

    /// Adds entry `seq` given its leaf hash (merkle_leaf_hash of its hash).
    /// Entries must come in seq order from 0; once one does not, the tiles
    /// past it are not checked (the chain findings say why).
    void add(std::uint64_t seq, const digest& leaf) {
        if (stopped_) return;
        if (seq != builder_.tree().size()) {
            stopped_ = true;
            stopped_at_ = seq;
            return;
        }
        builder_.append_leaf_hash(leaf, [&](const tile_id& t, const std::string& bytes) { compare(t, bytes); });
    }

    /// The tree of the entries added (the stored tiles should describe it).
    const merkle_tree& tree() const noexcept { return builder_.tree(); }
    /// Tiles compared so far.
    std::uint64_t checked() const noexcept { return checked_; }
    /// Tiles stored.
    std::uint64_t stored() const noexcept { return stored_; }

    /// Compares the partial tiles, reports tiles beyond the trail, and
    /// returns every finding (kind tile_mismatch).
    std::vector<verify_problem> finish() {
        if (stopped_) {
            problems_.push_back(problem("tile/", std::nullopt,
                                        "tiles not checked past seq " + std::to_string(builder_.tree().size()) +
                                            ": the next entry in the trail is seq " + std::to_string(stopped_at_),
                                        problem_kind::unverifiable));
            return std::move(problems_);
        }
        for (const auto& [t, bytes] : builder_.partial_tiles()) compare(t, bytes);
        const std::uint64_t size = builder_.tree().size();
        for (const auto& [key, present] : full_) {
            if (tile_width_in(key.first, key.second, size) == tile_full_width) continue;
            const tile_id t{key.first, key.second, tile_full_width};
            problems_.push_back(problem(tile_path(t), std::nullopt,
                                        "a full tile beyond the trail's end (" + std::to_string(size) +
                                            " entries): the trail is shorter than its tiles"));
        }
        for (const auto& [key, widths] : partial_) {
            const unsigned have = tile_width_in(key.first, key.second, size);
            for (const unsigned w : widths) {
                if (w == have || (have == tile_full_width && checked_partials_.contains({key.first, key.second})))
                    continue;  // compared already
                if (w > have)
                    problems_.push_back(problem(tile_path({key.first, key.second, w}), std::nullopt,
                                                "a partial tile of " + std::to_string(w) + " hashes where the trail has " +
                                                    std::to_string(have) + ": the trail is shorter than its tiles"));
            }
        }
        return std::move(problems_);
    }

private:
    verify_problem problem(std::string path, std::optional<std::uint64_t> seq, std::string detail,
                           problem_kind kind = problem_kind::tile_mismatch) const {
        return {kind, prefix_ + path, 0, seq, std::move(detail), ~std::uint64_t{0}};
    }

    // The entries under hash `i` of tile `t`: one entry at level 0, a range above.
    static std::pair<std::uint64_t, std::uint64_t> leaves_under(const tile_id& t, std::uint64_t i) {
        const int shift = t.level * tile_height;
        const std::uint64_t first = (t.index * tile_full_width + i) << shift;
        return {first, first + (std::uint64_t{1} << shift) - 1};
    }

    void compare_one(const tile_id& t, std::string_view expected, bool must_exist) {
        const auto stored = read_(t);
        if (!stored) {
            if (must_exist) problems_.push_back(problem(tile_path(t), std::nullopt, "missing"));
            return;
        }
        ++checked_;
        if (stored->size() != expected.size()) {
            problems_.push_back(problem(tile_path(t), std::nullopt,
                                        std::to_string(stored->size()) + " bytes where the entries give " +
                                            std::to_string(expected.size())));
            return;
        }
        if (*stored == expected) return;
        for (std::uint64_t i = 0; i * 32 < expected.size(); ++i) {
            if (std::string_view(*stored).substr(i * 32, 32) == expected.substr(i * 32, 32)) continue;
            const auto [lo, hi] = leaves_under(t, i);
            problems_.push_back(problem(tile_path(t), lo,
                                        "hash " + std::to_string(i) + " differs from " +
                                            (lo == hi ? "entry seq " + std::to_string(lo)
                                                      : "the entries seq " + std::to_string(lo) + ".." + std::to_string(hi))));
            return;  // one finding per tile: the first hash that differs
        }
    }

    // Compares tile `t` (full, or the final partial) and the stored partial
    // tiles its prefix must equal.
    void compare(const tile_id& t, std::string_view bytes) {
        const bool stored_full = full_.contains({t.level, t.index});
        compare_one(t, bytes, t.full() || !stored_full);
        if (const auto it = partial_.find({t.level, t.index}); it != partial_.end()) {
            checked_partials_[{t.level, t.index}] = true;
            for (const unsigned w : it->second)
                if (w < t.width) compare_one({t.level, t.index, w}, bytes.substr(0, std::size_t{32} * w), false);
        }
    }

    tile_source read_;
    std::string prefix_;
    tile_builder builder_;
    std::map<std::pair<int, std::uint64_t>, bool> full_;
    std::map<std::pair<int, std::uint64_t>, std::vector<unsigned>> partial_;
    std::map<std::pair<int, std::uint64_t>, bool> checked_partials_;
    std::vector<verify_problem> problems_;
    std::uint64_t checked_ = 0, stored_ = 0;
    bool stopped_ = false;
    std::uint64_t stopped_at_ = 0;
};

}  // namespace v1
}  // namespace aitrail
