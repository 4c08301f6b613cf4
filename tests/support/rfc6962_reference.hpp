#pragma once
// A plain, slow RFC 6962 section 2.1 Merkle tree over leaf data: MTH, PATH
// (inclusion proofs) and PROOF/SUBPROOF (consistency proofs), written from
// the RFC's recursive definitions so tests can check the verifiers against
// proofs made independently of them.

#include <aitrail/detail/openssl.hpp>
#include <aitrail/integrity/hasher.hpp>

#include <cstddef>      // size_t
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail_test::rfc6962 {

using aitrail::digest;

/// SHA-256(0x00 || data).
inline digest leaf_hash(std::string_view data) {
    return aitrail::detail::sha256_of({std::string_view("\0", 1), data});
}

/// SHA-256(0x01 || left || right).
inline digest node_hash(const digest& l, const digest& r) {
    return aitrail::detail::sha256_of({"\x01", std::string_view(reinterpret_cast<const char*>(l.data()), 32),
                                       std::string_view(reinterpret_cast<const char*>(r.data()), 32)});
}

/// The largest power of two smaller than n (n > 1).
inline std::size_t split_point(std::size_t n) {
    std::size_t k = 1;
    while (k * 2 < n) k *= 2;
    return k;
}

/// MTH(D[begin:end]) over leaf hashes.
inline digest root(const std::vector<digest>& leaves, std::size_t begin, std::size_t end) {
    if (end == begin) return aitrail::detail::sha256_of({});
    if (end - begin == 1) return leaves[begin];
    const std::size_t k = split_point(end - begin);
    return node_hash(root(leaves, begin, begin + k), root(leaves, begin + k, end));
}

/// PATH(m, D[begin:end]).
inline std::vector<digest> inclusion(const std::vector<digest>& leaves, std::size_t m, std::size_t begin,
                                     std::size_t end) {
    if (end - begin <= 1) return {};
    const std::size_t k = split_point(end - begin);
    std::vector<digest> path;
    if (m < k) {
        path = inclusion(leaves, m, begin, begin + k);
        path.push_back(root(leaves, begin + k, end));
    } else {
        path = inclusion(leaves, m - k, begin + k, end);
        path.push_back(root(leaves, begin, begin + k));
    }
    return path;
}

/// SUBPROOF(m, D[begin:end], b).
inline std::vector<digest> subproof(const std::vector<digest>& leaves, std::size_t m, std::size_t begin,
                                    std::size_t end, bool whole) {
    const std::size_t n = end - begin;
    if (m == n) return whole ? std::vector<digest>{} : std::vector<digest>{root(leaves, begin, end)};
    const std::size_t k = split_point(n);
    std::vector<digest> proof;
    if (m <= k) {
        proof = subproof(leaves, m, begin, begin + k, whole);
        proof.push_back(root(leaves, begin + k, end));
    } else {
        proof = subproof(leaves, m - k, begin + k, end, false);
        proof.push_back(root(leaves, begin, begin + k));
    }
    return proof;
}

/// PROOF(m, D[0:n]).
inline std::vector<digest> consistency(const std::vector<digest>& leaves, std::size_t m, std::size_t n) {
    return subproof(leaves, m, 0, n, true);
}

}  // namespace aitrail_test::rfc6962
