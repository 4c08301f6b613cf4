#include <aitrail/integrity/merkle.hpp>
#include <aitrail/integrity/merkle_verify.hpp>
#include <aitrail/integrity/tiles.hpp>

#include <doctest/doctest.h>

#include <aitrail/detail/hex.hpp>

#include "support/rfc6962_reference.hpp"

#include <cstdint>      // uint64_t
#include <map>          // map
#include <optional>     // optional
#include <stdexcept>    // invalid_argument, runtime_error
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace merkle_tree_tests {

namespace {

using aitrail::digest;
namespace ref = aitrail_test::rfc6962;

/// Leaf data i: the SHA-256 of its decimal spelling, as an entry hash would be.
digest entry_hash(std::uint64_t i) { return aitrail::sha256_digest(std::to_string(i)); }

/// The leaf hashes of `entries`, for the recursive reference definitions.
std::vector<digest> leaf_hashes(const std::vector<digest>& entries, std::size_t n) {
    std::vector<digest> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(aitrail::merkle_leaf_hash(entries[i]));
    return out;
}

/// RFC 6962 MTH of the first `n` entries, from the definition (support/rfc6962_reference.hpp).
digest reference_root(const std::vector<digest>& entries, std::size_t n) {
    return ref::root(leaf_hashes(entries, n), 0, n);
}

/// Every stored hash of a tree, kept in a map as a storage would.
struct stored_hashes {
    std::map<std::pair<int, std::uint64_t>, digest> hashes;
    aitrail::merkle_tree tree;
    void append(const digest& entry) {
        tree.append_leaf_hash(aitrail::merkle_leaf_hash(entry),
                              [&](int level, std::uint64_t index, const digest& h) { hashes[{level, index}] = h; });
    }
    auto reader() {
        return [this](int level, std::uint64_t index) {
            const auto it = hashes.find({level, index});
            if (it == hashes.end()) throw std::runtime_error("no stored hash");
            return it->second;
        };
    }
};

/// A directory of tiles in memory.
struct tile_store {
    std::map<std::string, std::string> files;
    aitrail::tile_source source() {
        return [this](const aitrail::tile_id& t) -> std::optional<std::string> {
            const auto it = files.find(aitrail::tile_path(t));
            if (it == files.end()) return std::nullopt;
            return it->second;
        };
    }
    void write_partials(const aitrail::tile_builder& b) {
        for (const auto& [id, bytes] : b.partial_tiles()) files[aitrail::tile_path(id)] = bytes;
    }
};

}  // namespace

TEST_SUITE_BEGIN("merkle_tree");

TEST_CASE("hashes follow RFC 6962: 0x00 for leaves, 0x01 for nodes, SHA-256 of nothing for the empty tree") {
    using aitrail::detail::to_hex;
    CHECK(to_hex(aitrail::merkle_empty_root()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    // SHA-256 of the single byte 0x00: the leaf hash of empty data.
    CHECK(to_hex(aitrail::merkle_leaf_hash(std::string_view())) ==
          "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    const digest a = entry_hash(1), b = entry_hash(2);
    std::string joined = "\x01";
    joined.append(reinterpret_cast<const char*>(a.data()), 32).append(reinterpret_cast<const char*>(b.data()), 32);
    CHECK(aitrail::merkle_node_hash(a, b) == aitrail::sha256_digest(joined));
    std::string leaf(1, '\0');
    leaf.append(reinterpret_cast<const char*>(a.data()), 32);
    CHECK(aitrail::merkle_leaf_hash(a) == aitrail::sha256_digest(leaf));
}

TEST_CASE("the incremental tree's root equals the recursive definition at every size") {
    std::vector<digest> leaves;
    aitrail::merkle_tree tree;
    CHECK(tree.root() == aitrail::merkle_empty_root());
    for (std::uint64_t i = 0; i < 300; ++i) {
        leaves.push_back(entry_hash(i));
        tree.append_entry(leaves.back());
        REQUIRE(tree.size() == i + 1);
        CHECK(tree.peaks().size() == static_cast<std::size_t>(std::popcount(i + 1)));
        CHECK(tree.root() == reference_root(leaves, leaves.size()));
    }
}

TEST_CASE("a tree rebuilt from its peaks, or read from stored hashes, continues identically") {
    stored_hashes s;
    for (std::uint64_t i = 0; i < 77; ++i) s.append(entry_hash(i));
    const aitrail::merkle_tree copy(s.tree.size(), s.tree.peaks());
    CHECK(copy == s.tree);
    auto read = s.reader();
    CHECK(aitrail::merkle_tree::from_stored(77, read) == s.tree);
    CHECK(aitrail::merkle_tree::from_stored(40, read).root() == aitrail::merkle_root(40, read));
    CHECK_THROWS_AS(aitrail::merkle_tree(5, {}), std::invalid_argument);
}

TEST_CASE("inclusion and consistency proofs from stored hashes equal the recursive definitions") {
    std::vector<digest> leaves;
    stored_hashes s;
    for (std::uint64_t i = 0; i < 70; ++i) {
        leaves.push_back(entry_hash(i));
        s.append(leaves.back());
    }
    auto read = s.reader();
    for (std::size_t n = 1; n <= leaves.size(); ++n) {
        const auto hashes = leaf_hashes(leaves, n);
        CHECK(aitrail::merkle_root(n, read) == ref::root(hashes, 0, n));
        for (std::size_t m = 0; m < n; ++m)
            CHECK(aitrail::merkle_inclusion_proof(m, n, read) == ref::inclusion(hashes, m, 0, n));
        for (std::size_t m = 1; m <= n; ++m)
            CHECK(aitrail::merkle_consistency_proof(m, n, read) == ref::consistency(hashes, m, n));
    }
    CHECK_THROWS_AS(aitrail::merkle_inclusion_proof(5, 5, read), std::invalid_argument);
    CHECK_THROWS_AS(aitrail::merkle_consistency_proof(0, 5, read), std::invalid_argument);
    CHECK_THROWS_AS(aitrail::merkle_consistency_proof(6, 5, read), std::invalid_argument);
}

TEST_CASE("tile paths are C2SP tlog-tiles paths, one spelling each") {
    using aitrail::tile_id;
    CHECK(aitrail::tile_path({0, 0, 256}) == "tile/0/000");
    CHECK(aitrail::tile_path({0, 1234067, 256}) == "tile/0/x001/x234/067");
    CHECK(aitrail::tile_path({1, 5, 17}) == "tile/1/005.p/17");
    CHECK(aitrail::tile_path({2, 1000, 256}) == "tile/2/x001/000");
    for (const tile_id t : {tile_id{0, 0, 256}, tile_id{0, 1234067, 256}, tile_id{1, 5, 17}, tile_id{3, 999, 255},
                            tile_id{2, 1000000, 1}}) {
        const auto back = aitrail::parse_tile_path(aitrail::tile_path(t));
        REQUIRE(back.has_value());
        CHECK(*back == t);
    }
    for (const char* bad : {"tile/0/1", "tile/0/x000/001", "tile/0/001/002", "tile/0/001.p/0", "tile/0/001.p/256",
                            "tile/0/001.p/07", "tile/entries/000", "tile/8/000", "tile/00/000", "tiles/0/000",
                            "tile/0/x1/000", "tile/0/0a1"})
        CHECK_MESSAGE(!aitrail::parse_tile_path(bad).has_value(), std::string(bad));
}

TEST_CASE("tile widths and the tiles of a tree") {
    CHECK(aitrail::tile_width_in(0, 0, 0) == 0);
    CHECK(aitrail::tile_width_in(0, 0, 5) == 5);
    CHECK(aitrail::tile_width_in(0, 0, 256) == 256);
    CHECK(aitrail::tile_width_in(0, 1, 256) == 0);
    CHECK(aitrail::tile_width_in(1, 0, 256) == 1);
    CHECK(aitrail::tile_width_in(1, 0, 255) == 0);
    const auto tiles = aitrail::tiles_of_tree(1000);
    REQUIRE(tiles.size() == 5);  // level 0: three full and one of 232; level 1: one of 3
    CHECK(tiles[3] == aitrail::tile_id{0, 3, 232});
    CHECK(tiles[4] == aitrail::tile_id{1, 0, 3});
}

TEST_CASE("a tile builder's tiles give the same roots and proofs as the tree, at every size it wrote") {
    // 70,000 leaves: full level-0 tiles, one full level-1 tile (65,536 leaves), partials at both levels.
    constexpr std::uint64_t total = 70000;
    std::vector<digest> leaves;
    aitrail::tile_builder builder;
    tile_store store;
    std::vector<std::pair<std::uint64_t, digest>> heads;  // sizes at which partial tiles were written, and roots
    for (std::uint64_t i = 0; i < total; ++i) {
        leaves.push_back(entry_hash(i));
        builder.append_entry(leaves.back(), [&](const aitrail::tile_id& t, const std::string& bytes) {
            REQUIRE(t.full());
            CHECK(store.files.count(aitrail::tile_path(t)) == 0);  // full tiles are written once
            store.files[aitrail::tile_path(t)] = bytes;
        });
        if (i + 1 == 1 || i + 1 == 1000 || i + 1 == 65536 || i + 1 == 65537 || i + 1 == total) {
            store.write_partials(builder);
            heads.emplace_back(i + 1, builder.tree().root());
        }
    }
    CHECK(store.files.count("tile/1/000") == 1);
    CHECK(store.files.count("tile/0/003.p/232") == 1);
    CHECK(heads.back().second == reference_root(leaves, leaves.size()));
    for (const auto& [size, root] : heads) {
        aitrail::tile_hash_reader read(size, store.source());
        CHECK(aitrail::merkle_root(size, read) == root);
        for (const std::uint64_t m : {std::uint64_t{0}, size / 2, size - 1}) {
            const auto proof = aitrail::merkle_inclusion_proof(m, size, read);
            // The proof leads to the root (RFC 9162 §2.1.3.2, merkle_verify.hpp).
            CHECK(aitrail::verify_inclusion(aitrail::merkle_leaf_hash(leaves[m]), m, size, proof, root).ok);
        }
        // A proof reads O(log n) tiles, not the trail.
        CHECK(read.tiles_read() <= 6);
    }
    // Resuming from the tiles gives the builder the writer had.
    aitrail::tile_hash_reader read(total, store.source());
    auto resumed = aitrail::tile_builder::resume(total, read);
    CHECK(resumed.tree() == builder.tree());
    CHECK(resumed.partial_tiles() == builder.partial_tiles());
    // A partial tile that was replaced by its full tile is read from the full one.
    store.files.erase("tile/0/003.p/232");
    aitrail::tile_hash_reader old(1000, store.source());
    CHECK(aitrail::merkle_root(1000, old) == reference_root(leaves, 1000));
    store.files.erase("tile/0/003");
    aitrail::tile_hash_reader gone(1000, store.source());
    CHECK_THROWS_WITH_AS(aitrail::merkle_root(1000, gone), "missing tile tile/0/003.p/232", std::runtime_error);
}

TEST_SUITE_END();

}  // namespace merkle_tree_tests
