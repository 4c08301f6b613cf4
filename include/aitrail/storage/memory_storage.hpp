#pragma once
/// @file memory_storage.hpp
/// A storage in memory, for tests and for embedding a trail in another
/// store. Copies share one trail (like a handle), so a test can keep a copy
/// and look at what the auditor wrote. It keeps the trail's Merkle tree and
/// its tiles in memory too, like the storages that persist them.

#include <aitrail/config.hpp>
#include <aitrail/detail/storage/tree_keeper.hpp>
#include <aitrail/storage/checkpoint_history.hpp>
#include <aitrail/storage/concepts.hpp>
#include <aitrail/storage/entry_head.hpp>
#include <aitrail/storage/storage_error.hpp>

#include <map>          // map
#include <memory>       // shared_ptr
#include <mutex>        // mutex, lock_guard
#include <optional>     // optional
#include <span>         // span
#include <string>       // string
#include <string_view>  // string_view
#include <tuple>        // tuple
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// The reference readable_storage: lines in a vector, shared between copies.
class memory_storage {
public:
    /// An empty trail.
    memory_storage() : state_(std::make_shared<state>()) {
        state_->keeper = detail::tree_keeper(ops(state_.get()));
    }

    /// Stores the entries' lines, in order, and adds them to the tree.
    /// Tests append entries of every shape: one whose hash is not 64 hex
    /// is stored, and from then on no tree is kept (tree() says why).
    void append(std::span<const sealed_entry> batch) {
        std::lock_guard lock(state_->mutex);
        for (const auto& e : batch) {
            state_->lines.push_back(e.line);
            if (!state_->no_tree.empty()) continue;
            if (const auto d = detail::from_hex<32>(e.hash)) state_->keeper.add(*d);
            else state_->no_tree = "entry seq " + std::to_string(e.seq) + " has no 64-hex hash";
        }
        state_->keeper.store_full();
    }
    /// Nothing to make durable; writes the partial tiles.
    void flush() {
        std::lock_guard lock(state_->mutex);
        if (state_->no_tree.empty()) state_->keeper.store_partials();
    }
    /// Where the stored chain ends.
    chain_head head() const {
        std::lock_guard lock(state_->mutex);
        if (state_->lines.empty()) return {};
        auto h = head_after_line(state_->lines.back());
        if (!h) throw storage_error("memory_storage: last line is not a trail entry");
        return *h;
    }
    /// Visits every line in order.
    void scan(const line_visitor& visit) const {
        const auto copy = lines();  // no lock held while the visitor runs
        std::uint64_t n = 0;
        for (const auto& l : copy)
            if (!visit(stored_line{l, "memory", ++n, true})) return;
    }
    /// A snapshot of the stored lines.
    std::vector<std::string> lines() const {
        std::lock_guard lock(state_->mutex);
        return state_->lines;
    }
    /// Replaces the stored lines (tests use it to tamper with a trail).
    void set_lines(std::vector<std::string> lines) {
        std::lock_guard lock(state_->mutex);
        state_->lines = std::move(lines);
    }

    /// The tree of every appended entry (set_lines() does not change it).
    /// Not while another thread appends.
    const merkle_tree& tree() const {
        if (!state_->no_tree.empty()) throw storage_error("memory_storage keeps no Merkle tree: " + state_->no_tree);
        return state_->keeper.tree();
    }
    /// The checkpoints signed for this trail (shared by copies).
    memory_checkpoints& checkpoints() const { return state_->checkpoints; }
    /// The bytes of tile `t`, nullopt when not stored.
    std::optional<std::string> read_tile(const tile_id& t) const {
        std::lock_guard lock(state_->mutex);
        return read(*state_, t);
    }
    /// Every stored tile.
    std::vector<tile_id> list_tiles() const {
        std::lock_guard lock(state_->mutex);
        return list(*state_);
    }
    /// Stores tile `t` (tests use it to tamper with a tile).
    void write_tile(const tile_id& t, std::string_view bytes) {
        std::lock_guard lock(state_->mutex);
        state_->tiles[key(t)] = std::string(bytes);
    }
    /// Removes tile `t`.
    void remove_tile(const tile_id& t) {
        std::lock_guard lock(state_->mutex);
        state_->tiles.erase(key(t));
    }
    /// Resumes the tree from the stored tiles and lines, as a persistent
    /// storage does on open.
    void reload_tree() {
        std::lock_guard lock(state_->mutex);
        auto& lines = state_->lines;
        const std::uint64_t size = lines.empty() ? 0 : head_after_line(lines.back()).value_or(chain_head{}).next_seq;
        state_->keeper = detail::tree_keeper(ops(state_.get()));
        state_->no_tree.clear();
        state_->keeper.open(size, [&](std::uint64_t from, auto&& sink) {
            for (std::uint64_t i = from; i < size; ++i) {
                const auto e = i < lines.size() ? sealed_entry_from_line(lines[i]) : std::nullopt;
                if (!e || e->seq != i) throw storage_error("memory_storage: line " + std::to_string(i + 1) + " is not entry seq " + std::to_string(i));
                sink(detail::entry_digest(e->hash, "memory_storage line " + std::to_string(i + 1)));
            }
        });
    }

private:
    using tile_key = std::tuple<int, std::uint64_t, unsigned>;
    static tile_key key(const tile_id& t) { return {t.level, t.index, t.width}; }

    struct state {
        mutable std::mutex mutex;
        std::vector<std::string> lines;
        std::map<tile_key, std::string> tiles;
        detail::tree_keeper keeper;
        std::string no_tree;  // why no tree is kept, if so
        memory_checkpoints checkpoints;
    };
    static std::optional<std::string> read(const state& s, const tile_id& t) {
        const auto it = s.tiles.find(key(t));
        return it == s.tiles.end() ? std::nullopt : std::optional(it->second);
    }
    static std::vector<tile_id> list(const state& s) {
        std::vector<tile_id> out;
        for (const auto& [k, bytes] : s.tiles) out.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k)});
        return out;
    }
    // The keeper works under the state's lock, held by its callers.
    static detail::tile_store_ops ops(state* s) {
        return {[s] { return list(*s); }, [s](const tile_id& t) { return read(*s, t); },
                [s](const tile_id& t, std::string_view b) { s->tiles[key(t)] = std::string(b); },
                [s](const tile_id& t) { s->tiles.erase(key(t)); }};
    }
    std::shared_ptr<state> state_;
};

}  // namespace v1
}  // namespace aitrail
