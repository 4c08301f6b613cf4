// RFC 6962 / RFC 9162 proof vectors of transparency-dev/merkle
// ($AITRAIL_TESTDATA/merkle, see its VECTORS.md): our verifiers must accept
// exactly the proofs marked valid and refuse every mutation. The subtree*
// directories hold proofs of another construction and are not read.
#include <aitrail/integrity/merkle_verify.hpp>

#include <doctest/doctest.h>

#include <aitrail/detail/base64.hpp>
#include <nlohmann/json.hpp>

#include "testdata.hpp"

#include <cstddef>     // size_t
#include <cstdint>     // uint64_t
#include <filesystem>  // directory_iterator, path
#include <optional>    // optional
#include <string>      // string
#include <vector>      // vector

namespace merkle_vectors {

namespace {

using aitrail::digest;
using json = nlohmann::json;

/// A hash from its base64, or nullopt if it is not base64. Our verifiers
/// take 32-byte digests; the vectors also use short placeholder roots
/// ("don't care") where only their equality matters, so a value of another
/// length stands in as SHA-256(0xff || bytes): equal values stay equal,
/// different ones stay different, and none equals a real hash of the tree.
std::optional<digest> hash_of(const json& b64) {
    const auto raw = aitrail::detail::base64_decode(b64.get<std::string>());
    if (!raw) return std::nullopt;
    if (raw->size() != 32) return aitrail::detail::sha256_of({"\xff", *raw});
    digest d{};
    for (std::size_t i = 0; i < d.size(); ++i) d[i] = static_cast<unsigned char>((*raw)[i]);
    return d;
}

/// The proof's hashes, or nullopt if one is not a hash. A null proof is empty.
std::optional<std::vector<digest>> proof_of(const json& proof) {
    std::vector<digest> out;
    if (proof.is_null()) return out;
    for (const json& h : proof) {
        const auto d = hash_of(h);
        if (!d) return std::nullopt;
        out.push_back(*d);
    }
    return out;
}

/// Every vector file of the RFC 6962 directories under merkle/`kind`.
std::vector<std::filesystem::path> vector_files(const char* kind) {
    std::vector<std::filesystem::path> files;
    for (const auto& dir : std::filesystem::directory_iterator(aitrail_test::testdata("merkle") / kind))
        for (const auto& f : std::filesystem::directory_iterator(dir.path()))
            if (f.path().extension() == ".json") files.push_back(f.path());
    return files;
}

TEST_SUITE_BEGIN("merkle_vectors");

TEST_CASE("merkle: inclusion vectors are accepted or refused as marked") {
    int valid = 0, invalid = 0;
    for (const auto& path : vector_files("inclusion")) {
        const json v = json::parse(aitrail_test::read_file(path));
        CAPTURE(path.string());
        CAPTURE(v["desc"].get<std::string>());
        const bool want_err = v["wantErr"].get<bool>();
        // A leaf hash must be a hash: unlike a root, it is never a placeholder.
        const auto leaf_raw = aitrail::detail::base64_decode(v["leafHash"].get<std::string>());
        const auto leaf = leaf_raw && leaf_raw->size() == 32 ? hash_of(v["leafHash"]) : std::nullopt;
        const auto root = hash_of(v["root"]);
        const auto proof = proof_of(v["proof"]);
        bool ok = false;
        std::string why = "a value is not base64, or the leaf hash is not 32 bytes";
        if (leaf && root && proof) {
            const auto check = aitrail::verify_inclusion(*leaf, v["leafIdx"].get<std::uint64_t>(),
                                                         v["treeSize"].get<std::uint64_t>(), *proof, *root);
            ok = check.ok;
            why = check.error;
        }
        CAPTURE(why);
        CHECK(ok == !want_err);
        (want_err ? invalid : valid) += 1;
    }
    MESSAGE("inclusion vectors: ", valid, " valid, ", invalid, " invalid");
    CHECK(valid >= 6);
    CHECK(invalid >= 80);
}

TEST_CASE("merkle: consistency vectors are accepted or refused as marked") {
    int valid = 0, invalid = 0;
    for (const auto& path : vector_files("consistency")) {
        const json v = json::parse(aitrail_test::read_file(path));
        CAPTURE(path.string());
        CAPTURE(v["desc"].get<std::string>());
        const bool want_err = v["wantErr"].get<bool>();
        const auto root1 = hash_of(v["root1"]);
        const auto root2 = hash_of(v["root2"]);
        const auto proof = proof_of(v["proof"]);
        bool ok = false;
        std::string why = "a value is not base64";
        if (root1 && root2 && proof) {
            const auto check = aitrail::verify_consistency(v["size1"].get<std::uint64_t>(),
                                                           v["size2"].get<std::uint64_t>(), *proof, *root1, *root2);
            ok = check.ok;
            why = check.error;
        }
        CAPTURE(why);
        CHECK(ok == !want_err);
        (want_err ? invalid : valid) += 1;
    }
    MESSAGE("consistency vectors: ", valid, " valid, ", invalid, " invalid");
    CHECK(valid >= 6);
    CHECK(invalid >= 90);
}

TEST_SUITE_END();

}  // namespace

}  // namespace merkle_vectors
