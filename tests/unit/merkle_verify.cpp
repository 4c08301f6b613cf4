// RFC 9162 proof verification against proofs built from RFC 6962's
// recursive definitions, the reference tree of transparency-dev/merkle, and
// every tampering of those proofs.
#include <aitrail/integrity/merkle_verify.hpp>

#include <doctest/doctest.h>

#include <aitrail/detail/hex.hpp>

#include "support/rfc6962_reference.hpp"

#include <cstddef>  // size_t
#include <cstdint>  // uint64_t
#include <string>   // string
#include <vector>   // vector

namespace merkle_verify_tests {

namespace {

namespace ref = aitrail_test::rfc6962;
using aitrail::digest;

/// Leaf hashes of `n` leaves "leaf 0", "leaf 1", ...
std::vector<digest> leaves(std::size_t n) {
    std::vector<digest> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(ref::leaf_hash("leaf " + std::to_string(i)));
    return out;
}

digest flipped(digest d) {
    d[0] ^= 1;
    return d;
}

TEST_SUITE_BEGIN("merkle_verify");

TEST_CASE("RFC 6962 hashing matches the published reference tree") {
    const std::vector<std::string> inputs{"", std::string(1, '\0'), "\x10", "\x20\x21", "\x30\x31", "\x40\x41\x42\x43",
                                          "\x50\x51\x52\x53\x54\x55\x56\x57",
                                          "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"};
    std::vector<digest> hashes;
    for (const auto& in : inputs) hashes.push_back(aitrail::merkle_leaf_hash(in));
    CHECK(aitrail::detail::to_hex(hashes[0]) == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    CHECK(aitrail::detail::to_hex(ref::root(hashes, 0, 3)) ==
          "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77");
    CHECK(aitrail::detail::to_hex(ref::root(hashes, 0, 8)) ==
          "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
    CHECK(aitrail::merkle_node_hash(hashes[0], hashes[1]) == ref::root(hashes, 0, 2));
}

TEST_CASE("every inclusion proof up to 40 leaves verifies, and no tampered one does") {
    const auto all = leaves(40);
    for (std::size_t n = 1; n <= all.size(); ++n) {
        const digest root = ref::root(all, 0, n);
        for (std::size_t i = 0; i < n; ++i) {
            auto proof = ref::inclusion(all, i, 0, n);
            const auto ok = aitrail::verify_inclusion(all[i], i, n, proof, root);
            CHECK_MESSAGE(ok.ok, "n=", n, " i=", i, " ", ok.error);
            CHECK(*aitrail::root_from_inclusion_proof(all[i], i, n, proof).root == root);
            CHECK_FALSE(aitrail::verify_inclusion(flipped(all[i]), i, n, proof, root));
            CHECK_FALSE(aitrail::verify_inclusion(all[i], i, n, proof, flipped(root)));
            if (i + 1 < n) CHECK_FALSE(aitrail::verify_inclusion(all[i], i + 1, n, proof, root));
            for (std::size_t j = 0; j < proof.size(); ++j) {
                auto bad = proof;
                bad[j] = flipped(bad[j]);
                CHECK_FALSE(aitrail::verify_inclusion(all[i], i, n, bad, root));
            }
            auto longer = proof;
            longer.push_back(root);
            CHECK_FALSE(aitrail::verify_inclusion(all[i], i, n, longer, root));
            if (!proof.empty()) {
                proof.pop_back();
                CHECK_FALSE(aitrail::verify_inclusion(all[i], i, n, proof, root));
            }
        }
    }
}

TEST_CASE("inclusion errors say what is wrong") {
    const auto all = leaves(5);
    const digest root = ref::root(all, 0, 5);
    auto proof = ref::inclusion(all, 1, 0, 5);
    CHECK(aitrail::verify_inclusion(all[1], 5, 5, proof, root).error ==
          "inclusion proof: leaf index 5 is not below tree size 5");
    CHECK(aitrail::verify_inclusion(all[1], 1, 5, proof, flipped(root)).error ==
          "inclusion proof: leads to a different root hash");
    proof.push_back(root);
    CHECK(aitrail::verify_inclusion(all[1], 1, 5, proof, root).error.find("more than the") != std::string::npos);
    proof.resize(1);
    CHECK(aitrail::verify_inclusion(all[1], 1, 5, proof, root).error.find("fewer than") != std::string::npos);
    CHECK(aitrail::verify_inclusion(all[0], 0, 1, {}, all[0]).ok);
    CHECK_FALSE(aitrail::verify_inclusion(all[0], 0, 0, {}, all[0]).ok);
}

TEST_CASE("every consistency proof up to 40 leaves verifies, and no tampered one does") {
    const auto all = leaves(40);
    for (std::size_t n = 1; n <= all.size(); ++n) {
        const digest root2 = ref::root(all, 0, n);
        for (std::size_t m = 1; m <= n; ++m) {
            const digest root1 = ref::root(all, 0, m);
            auto proof = m == n ? std::vector<digest>{} : ref::consistency(all, m, n);
            const auto ok = aitrail::verify_consistency(m, n, proof, root1, root2);
            CHECK_MESSAGE(ok.ok, "m=", m, " n=", n, " ", ok.error);
            CHECK_FALSE(aitrail::verify_consistency(m, n, proof, flipped(root1), root2));
            CHECK_FALSE(aitrail::verify_consistency(m, n, proof, root1, flipped(root2)));
            if (m == n) continue;
            for (std::size_t j = 0; j < proof.size(); ++j) {
                auto bad = proof;
                bad[j] = flipped(bad[j]);
                CHECK_FALSE(aitrail::verify_consistency(m, n, bad, root1, root2));
            }
            if (m > 1) CHECK_FALSE(aitrail::verify_consistency(m - 1, n, proof, root1, root2));
            auto longer = proof;
            longer.push_back(root2);
            CHECK_FALSE(aitrail::verify_consistency(m, n, longer, root1, root2));
            proof.pop_back();
            CHECK_FALSE(aitrail::verify_consistency(m, n, proof, root1, root2));
        }
    }
}

TEST_CASE("consistency edge cases") {
    const auto all = leaves(4);
    const digest r1 = ref::root(all, 0, 1), r4 = ref::root(all, 0, 4);
    CHECK(aitrail::verify_consistency(4, 1, {}, r4, r1).error == "consistency proof: size1 4 is above size2 1");
    CHECK(aitrail::verify_consistency(0, 0, {}, r1, r1).error.find("size1 is 0") != std::string::npos);
    CHECK(aitrail::verify_consistency(0, 4, ref::consistency(all, 1, 4), r1, r4).error.find("size1 is 0") !=
          std::string::npos);
    CHECK(aitrail::verify_consistency(1, 4, {}, r1, r4).error == "consistency proof: empty for different sizes");
    const std::vector<digest> one{r1};
    CHECK(aitrail::verify_consistency(4, 4, one, r4, r4).error ==
          "consistency proof: sizes are equal but the proof is not empty");
    CHECK(aitrail::verify_consistency(4, 4, {}, r4, r1).error ==
          "consistency proof: sizes are equal but the roots differ");
}

TEST_SUITE_END();

}  // namespace

}  // namespace merkle_verify_tests
