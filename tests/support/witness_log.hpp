#pragma once
/// @file witness_log.hpp
/// A small transparency log for witness tests: leaves appended by count,
/// signed checkpoints at any size, consistency proofs between sizes, and
/// witness_requests ready to publish.

#include <aitrail/integrity/checkpoint.hpp>
#include <aitrail/integrity/merkle.hpp>
#include <aitrail/integrity/signed_note.hpp>
#include <aitrail/pipeline/witness.hpp>

#include <cstdint>  // uint64_t
#include <map>      // map
#include <string>   // string, to_string
#include <utility>  // pair, move
#include <vector>   // vector

namespace aitrail_test {

/// A log named `origin` with a fresh key; `salt` makes two logs' leaves differ.
class witness_log {
    /// Reads the stored hashes, as merkle_root and the proofs want.
    struct hash_reader {
        const std::map<std::pair<int, std::uint64_t>, aitrail::digest>* stored;
        aitrail::digest operator()(int level, std::uint64_t index) const { return stored->at({level, index}); }
    };
    hash_reader reader() const { return {&stored_}; }

public:
    explicit witness_log(std::string origin, std::string salt = "")
        : signer_(aitrail::note_signer::generate(std::move(origin))), salt_(std::move(salt)) {}

    /// Appends `n` leaves.
    void grow(std::uint64_t n) {
        for (std::uint64_t i = 0; i < n; ++i)
            tree_.append_leaf_hash(aitrail::merkle_leaf_hash(salt_ + "leaf " + std::to_string(tree_.size())),
                                   [this](int level, std::uint64_t index, const aitrail::digest& h) {
                                       stored_[{level, index}] = h;
                                   });
    }
    /// Number of leaves.
    std::uint64_t size() const { return tree_.size(); }
    /// The log's key.
    const aitrail::note_signer& signer() const { return signer_; }
    /// The log's verifier key text.
    std::string vkey() const { return signer_.verifier_key(); }

    /// The checkpoint at `size` (default: the current size).
    aitrail::checkpoint checkpoint_at(std::uint64_t size) const {
        return {signer_.name(), size, aitrail::merkle_root(size, reader()), {}};
    }
    /// The checkpoint at the current size, signed by `by` (default: the log key).
    std::string note(const aitrail::note_signer* by = nullptr) const {
        return aitrail::sign_note(aitrail::format_checkpoint_body(checkpoint_at(size())), by ? *by : signer_);
    }
    /// The consistency proof from `old_size` to `new_size`.
    std::vector<aitrail::digest> proof(std::uint64_t old_size, std::uint64_t new_size) const {
        return aitrail::merkle_consistency_proof(old_size, new_size, reader());
    }
    /// A request for the current size.
    aitrail::witness_request request(const aitrail::note_signer* by = nullptr) const {
        const std::uint64_t n = size();
        return {note(by), checkpoint_at(n), [this, n](std::uint64_t old) { return proof(old, n); }};
    }

private:

    aitrail::note_signer signer_;
    std::string salt_;
    aitrail::merkle_tree tree_;
    std::map<std::pair<int, std::uint64_t>, aitrail::digest> stored_;
};

/// The status of the witness_error `f` throws, or 0 if it does not.
template <class F>
int witness_status_of(F&& f) {
    try {
        f();
    } catch (const aitrail::witness_error& e) {
        return e.status();
    }
    return 0;
}

}  // namespace aitrail_test
