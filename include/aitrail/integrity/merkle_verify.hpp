#pragma once
/// @file merkle_verify.hpp
/// Verification of RFC 6962 Merkle inclusion and consistency proofs, as
/// RFC 9162 sections 2.1.3.2 and 2.1.4.2 give the algorithms: what a client
/// runs on a proof it received, without the tree.

#include <aitrail/config.hpp>
#include <aitrail/integrity/hasher.hpp>
#include <aitrail/integrity/merkle.hpp>

#include <cstddef>      // size_t
#include <cstdint>      // uint64_t
#include <optional>     // optional
#include <span>         // span
#include <string>       // string, to_string
#include <string_view>  // string_view
#include <utility>      // move

namespace aitrail {
inline namespace v1 {

/// The outcome of a proof check: ok, or what is wrong with the proof.
struct proof_check {
    bool ok = false;    ///< true if the proof verified
    std::string error;  ///< why not, when !ok

    /// True if the proof verified.
    explicit operator bool() const noexcept { return ok; }
};

/// A root recomputed from an inclusion proof, or why it cannot be.
struct proof_root {
    std::optional<digest> root;  ///< the root the proof leads to
    std::string error;           ///< why there is none
};

namespace detail {

/// A failed check saying `why`.
inline proof_check proof_failed(std::string why) { return {false, std::move(why)}; }

}  // namespace detail

/// The root that inclusion proof `proof` of the leaf hash `leaf_hash` at
/// `index` leads to in a tree of `tree_size` leaves (RFC 9162 2.1.3.2).
inline proof_root root_from_inclusion_proof(const digest& leaf_hash, std::uint64_t index, std::uint64_t tree_size,
                                            std::span<const digest> proof) {
    if (index >= tree_size)
        return {std::nullopt, "inclusion proof: leaf index " + std::to_string(index) + " is not below tree size " +
                                  std::to_string(tree_size)};
    std::uint64_t fn = index, sn = tree_size - 1;
    digest r = leaf_hash;
    for (std::size_t i = 0; i < proof.size(); ++i) {
        if (sn == 0)
            return {std::nullopt, "inclusion proof: " + std::to_string(proof.size()) + " hashes, more than the " +
                                      std::to_string(i) + " the tree's shape needs"};
        if ((fn & 1) != 0 || fn == sn) {
            r = merkle_node_hash(proof[i], r);
            // Climb past the levels where this node is a right-most lone child.
            while ((fn & 1) == 0 && fn != 0) fn >>= 1, sn >>= 1;
        } else {
            r = merkle_node_hash(r, proof[i]);
        }
        fn >>= 1, sn >>= 1;
    }
    if (sn != 0)
        return {std::nullopt, "inclusion proof: " + std::to_string(proof.size()) +
                                  " hashes, fewer than the tree's shape needs"};
    return {r, {}};
}

/// Checks that `proof` shows the leaf hash `leaf_hash` at `index` in the tree
/// of `tree_size` leaves whose root is `root`.
inline proof_check verify_inclusion(const digest& leaf_hash, std::uint64_t index, std::uint64_t tree_size,
                                    std::span<const digest> proof, const digest& root) {
    proof_root got = root_from_inclusion_proof(leaf_hash, index, tree_size, proof);
    if (!got.root) return detail::proof_failed(std::move(got.error));
    if (*got.root != root) return detail::proof_failed("inclusion proof: leads to a different root hash");
    return {true, {}};
}

/// Checks that `proof` shows the tree of `size1` leaves with root `root1` is
/// a prefix of the tree of `size2` leaves with root `root2` (RFC 9162
/// 2.1.4.2). Equal sizes need an empty proof and equal roots; size1 = 0
/// proves nothing and is always refused.
inline proof_check verify_consistency(std::uint64_t size1, std::uint64_t size2, std::span<const digest> proof,
                                      const digest& root1, const digest& root2) {
    if (size1 > size2)
        return detail::proof_failed("consistency proof: size1 " + std::to_string(size1) + " is above size2 " +
                                    std::to_string(size2));
    // Nothing is consistent with the empty tree in a useful way, so a check
    // from size 0 is refused even against another empty tree (as
    // transparency-dev/merkle's verifier and its vectors do).
    if (size1 == 0) return detail::proof_failed("consistency proof: size1 is 0 (the empty tree proves nothing)");
    if (size1 == size2) {
        if (!proof.empty()) return detail::proof_failed("consistency proof: sizes are equal but the proof is not empty");
        if (root1 != root2) return detail::proof_failed("consistency proof: sizes are equal but the roots differ");
        return {true, {}};
    }
    if (proof.empty()) return detail::proof_failed("consistency proof: empty for different sizes");
    std::uint64_t fn = size1 - 1, sn = size2 - 1;
    // A size1 that is a power of two is a whole subtree: its root is the
    // proof's implicit first hash.
    const bool whole = (size1 & (size1 - 1)) == 0;
    std::size_t next = whole ? 0 : 1;
    digest fr = whole ? root1 : proof[0];
    digest sr = fr;
    while ((fn & 1) != 0) fn >>= 1, sn >>= 1;
    for (; next < proof.size(); ++next) {
        if (sn == 0) return detail::proof_failed("consistency proof: more hashes than the trees' shapes need");
        const digest& c = proof[next];
        if ((fn & 1) != 0 || fn == sn) {
            fr = merkle_node_hash(c, fr);
            sr = merkle_node_hash(c, sr);
            while ((fn & 1) == 0 && fn != 0) fn >>= 1, sn >>= 1;
        } else {
            sr = merkle_node_hash(sr, c);
        }
        fn >>= 1, sn >>= 1;
    }
    if (sn != 0) return detail::proof_failed("consistency proof: fewer hashes than the trees' shapes need");
    if (fr != root1) return detail::proof_failed("consistency proof: does not lead to root1");
    if (sr != root2) return detail::proof_failed("consistency proof: does not lead to root2");
    return {true, {}};
}

}  // namespace v1
}  // namespace aitrail
