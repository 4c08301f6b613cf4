#pragma once
/// @file merkle.hpp
/// The trail as an RFC 6962 / RFC 9162 Merkle tree: leaf `i` is the 32 raw
/// bytes of entry `seq = i`'s hash; leaves and nodes are hashed with SHA-256
/// whatever the chain's hasher, so that anyone can check a tree head. This
/// file holds the pure parts: hashing, the incremental tree a writer keeps
/// (O(log n) state), and proofs computed from stored subtree hashes.
///
/// A *stored hash* is the hash of a perfect subtree: level `l`, index `k`
/// covers leaves `[k << l, (k + 1) << l)`. Level 0 holds the leaf hashes.
/// Proofs are read from stored hashes only (see tiles.hpp), so that a proof
/// for one entry of a large trail reads O(log n) of them.

#include <aitrail/config.hpp>
#include <aitrail/detail/openssl.hpp>
#include <aitrail/integrity/hasher.hpp>

#include <bit>          // bit_width, countr_zero, popcount
#include <concepts>     // convertible_to, invocable
#include <cstddef>      // size_t
#include <cstdint>      // uint64_t
#include <stdexcept>    // invalid_argument
#include <string>       // string, to_string
#include <string_view>  // string_view
#include <type_traits>  // invoke_result_t
#include <utility>      // move
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

namespace detail {
/// `d` as the string_view OpenSSL hashes.
inline std::string_view digest_bytes(const digest& d) noexcept {
    return {reinterpret_cast<const char*>(d.data()), d.size()};
}
/// The largest power of two strictly below `n` (n >= 2): RFC 6962's split point.
inline std::uint64_t merkle_split(std::uint64_t n) noexcept { return std::uint64_t{1} << (std::bit_width(n - 1) - 1); }
}  // namespace detail

/// RFC 6962 leaf hash: SHA-256(0x00 || data).
inline digest merkle_leaf_hash(std::string_view data) { return detail::sha256_short({std::string_view("\0", 1), data}); }

/// The leaf hash of a trail entry: SHA-256(0x00 || the 32 raw bytes of its hash).
inline digest merkle_leaf_hash(const digest& entry_hash) { return merkle_leaf_hash(detail::digest_bytes(entry_hash)); }

/// RFC 6962 interior node: SHA-256(0x01 || left || right).
inline digest merkle_node_hash(const digest& left, const digest& right) {
    return detail::sha256_short({std::string_view("\x01", 1), detail::digest_bytes(left), detail::digest_bytes(right)});
}

/// The root of the empty tree: SHA-256 of nothing.
inline digest merkle_empty_root() { return detail::sha256_of({}); }

/// Reads stored hashes: `r(level, index)` returns the hash of the perfect
/// subtree at that position (throwing if it cannot).
template <class R>
concept merkle_hash_reader = std::invocable<R&, int, std::uint64_t> &&
                             std::convertible_to<std::invoke_result_t<R&, int, std::uint64_t>, digest>;

/// The tree of a growing trail, kept as its peaks: the hashes of the perfect
/// subtrees the leaves so far decompose into, largest (leftmost) first. One
/// peak per set bit of size(), so O(log n) memory and O(1) amortised work per
/// leaf.
class merkle_tree {
public:
    /// An empty tree.
    merkle_tree() = default;

    /// A tree of `size` leaves given its peaks (as peaks() returns them).
    /// Throws std::invalid_argument when their count does not match `size`.
    merkle_tree(std::uint64_t size, std::vector<digest> peaks) : size_(size), peaks_(std::move(peaks)) {
        if (peaks_.size() != static_cast<std::size_t>(std::popcount(size_)))
            throw std::invalid_argument("merkle_tree: a tree of " + std::to_string(size_) + " leaves has " +
                                        std::to_string(std::popcount(size_)) + " peaks, not " +
                                        std::to_string(peaks_.size()));
    }

    /// The tree of the first `size` leaves, its peaks read from stored hashes.
    template <merkle_hash_reader R>
    static merkle_tree from_stored(std::uint64_t size, R&& read) {
        std::vector<digest> peaks;
        std::uint64_t start = 0;
        for (int level = 63; level >= 0; --level) {
            if (((size >> level) & 1U) == 0) continue;
            peaks.push_back(read(level, start >> level));
            start += std::uint64_t{1} << level;
        }
        return merkle_tree(size, std::move(peaks));
    }

    /// Number of leaves.
    std::uint64_t size() const noexcept { return size_; }
    /// The perfect-subtree hashes, largest first.
    const std::vector<digest>& peaks() const noexcept { return peaks_; }

    /// Appends a leaf given its leaf hash. `on_stored(level, index, hash)` is
    /// called for every stored hash the leaf completes: the leaf itself at
    /// level 0, then each parent it closes, bottom up.
    template <class F>
    void append_leaf_hash(const digest& leaf, F&& on_stored) {
        digest h = leaf;
        std::uint64_t index = size_;
        int level = 0;
        on_stored(level, index, static_cast<const digest&>(h));
        // Each trailing one bit of the old size is a peak that the new leaf
        // completes into a subtree twice as large.
        for (std::uint64_t s = size_; (s & 1U) != 0; s >>= 1) {
            h = merkle_node_hash(peaks_.back(), h);
            peaks_.pop_back();
            ++level;
            index >>= 1;
            on_stored(level, index, static_cast<const digest&>(h));
        }
        peaks_.push_back(h);
        ++size_;
    }

    /// Appends a leaf given its leaf hash.
    void append_leaf_hash(const digest& leaf) {
        append_leaf_hash(leaf, [](int, std::uint64_t, const digest&) {});
    }

    /// Appends a trail entry's hash (the leaf's data; hashed here).
    void append_entry(const digest& entry_hash) { append_leaf_hash(merkle_leaf_hash(entry_hash)); }

    /// The tree head: RFC 6962 MTH of all leaves (merkle_empty_root() when empty).
    digest root() const {
        if (peaks_.empty()) return merkle_empty_root();
        digest h = peaks_.back();
        for (auto it = peaks_.rbegin() + 1; it != peaks_.rend(); ++it) h = merkle_node_hash(*it, h);
        return h;
    }

    /// Equal when both have the same size and peaks.
    friend bool operator==(const merkle_tree&, const merkle_tree&) = default;

private:
    std::uint64_t size_ = 0;
    std::vector<digest> peaks_;
};

/// RFC 6962 MTH(D[lo:hi]) for a range that starts on a boundary of its own
/// size's largest power of two (every range a proof names does), read from
/// stored hashes: the range splits into perfect subtrees, combined right to
/// left.
template <merkle_hash_reader R>
digest merkle_range_hash(std::uint64_t lo, std::uint64_t hi, R&& read) {
    if (lo >= hi) throw std::invalid_argument("merkle_range_hash: empty range");
    std::vector<digest> parts;
    while (lo < hi) {
        // The largest perfect subtree that starts at lo and fits before hi.
        int level = lo == 0 ? 63 : std::countr_zero(lo);
        while ((std::uint64_t{1} << level) > hi - lo) --level;
        parts.push_back(read(level, lo >> level));
        lo += std::uint64_t{1} << level;
    }
    digest h = parts.back();
    for (auto it = parts.rbegin() + 1; it != parts.rend(); ++it) h = merkle_node_hash(*it, h);
    return h;
}

/// The root of the tree of the first `size` leaves, from stored hashes.
template <merkle_hash_reader R>
digest merkle_root(std::uint64_t size, R&& read) {
    return size == 0 ? merkle_empty_root() : merkle_range_hash(0, size, read);
}

/// RFC 9162 §2.1.3.1 inclusion proof of leaf `index` in the tree of `size`
/// leaves, from stored hashes. Throws std::invalid_argument if index >= size.
template <merkle_hash_reader R>
std::vector<digest> merkle_inclusion_proof(std::uint64_t index, std::uint64_t size, R&& read) {
    if (index >= size)
        throw std::invalid_argument("inclusion proof: leaf " + std::to_string(index) + " is not in a tree of " +
                                    std::to_string(size) + " leaves");
    // PATH(m, D[lo:hi]) descends towards the leaf; the siblings it passes are
    // the proof, listed from the leaf upwards, so they are collected top down
    // and reversed.
    std::vector<digest> proof;
    std::uint64_t lo = 0, hi = size;
    while (hi - lo > 1) {
        const std::uint64_t k = detail::merkle_split(hi - lo);
        if (index < lo + k) {
            proof.push_back(merkle_range_hash(lo + k, hi, read));
            hi = lo + k;
        } else {
            proof.push_back(merkle_range_hash(lo, lo + k, read));
            lo += k;
        }
    }
    return {proof.rbegin(), proof.rend()};
}

/// RFC 9162 §2.1.4.1 consistency proof from the tree of `old_size` leaves to
/// the tree of `new_size`, from stored hashes. Empty when the sizes are equal;
/// throws std::invalid_argument when old_size is 0 or exceeds new_size.
template <merkle_hash_reader R>
std::vector<digest> merkle_consistency_proof(std::uint64_t old_size, std::uint64_t new_size, R&& read) {
    if (old_size == 0 || old_size > new_size)
        throw std::invalid_argument("consistency proof: no proof from size " + std::to_string(old_size) +
                                    " to size " + std::to_string(new_size));
    // SUBPROOF(m, D[lo:hi], b), unrolled: collected top down, then reversed.
    std::vector<digest> proof;
    std::uint64_t lo = 0, hi = new_size, m = old_size;
    bool whole_old_tree = true;  // b: the old tree is D[lo:lo+m] itself
    while (m != hi - lo) {
        const std::uint64_t k = detail::merkle_split(hi - lo);
        if (m <= k) {
            proof.push_back(merkle_range_hash(lo + k, hi, read));
            hi = lo + k;
        } else {
            proof.push_back(merkle_range_hash(lo, lo + k, read));
            lo += k;
            m -= k;
            whole_old_tree = false;
        }
    }
    if (!whole_old_tree) proof.push_back(merkle_range_hash(lo, hi, read));
    return {proof.rbegin(), proof.rend()};
}

}  // namespace v1
}  // namespace aitrail
