#pragma once
/// @file checkpoint_signer.hpp
/// Signs a trail's checkpoints, never two inconsistent ones for one origin:
/// before it signs the tree of n entries it opens the last checkpoint it
/// issued with its own key and checks, with a consistency proof read from
/// the trail's tiles, that the old tree is a prefix of the new one. A tree
/// that shrank or was rewritten is refused with checkpoint_refused, which
/// names both sizes: a log that signs both would have forked.

#include <aitrail/config.hpp>
#include <aitrail/integrity/checkpoint.hpp>
#include <aitrail/integrity/merkle.hpp>
#include <aitrail/integrity/merkle_verify.hpp>
#include <aitrail/integrity/proof_hashes.hpp>
#include <aitrail/integrity/signed_note.hpp>
#include <aitrail/integrity/tiles.hpp>
#include <aitrail/storage/checkpoint_history.hpp>
#include <aitrail/storage/concepts.hpp>

#include <cstdint>      // uint64_t
#include <exception>    // exception
#include <optional>     // optional
#include <stdexcept>    // runtime_error
#include <string>       // string, to_string
#include <utility>      // move
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// The signer will not sign: the tree is not an extension of the tree of the
/// last checkpoint (or that checkpoint is not its own). The message says why.
class checkpoint_refused : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A checkpoint the signer stands behind.
struct issued_checkpoint {
    checkpoint cp;      ///< origin (the key's name), size and root
    std::string note;   ///< the signed note, as stored
    bool fresh = true;  ///< false when the tree had not grown: the last note, not signed again
};

/// The root of the tree of the first `size` entries, read from tiles.
inline digest tree_root_from_tiles(std::uint64_t size, const tile_source& tiles) {
    if (size == 0) return merkle_empty_root();
    tile_hash_reader reader(size, tiles);
    return merkle_root(size, reader);
}

/// Signs the tree of `size` entries (read through `tiles`) with `key` and
/// stores the note in `history`, after checking it extends the last
/// checkpoint there. `expected_root`, when given (the tree a storage keeps
/// in memory), must equal the root the tiles give. Returns the last note
/// unchanged when the tree has not grown. Throws checkpoint_refused when it
/// will not sign, storage_error or std::runtime_error (naming the tile)
/// when it cannot read.
template <checkpoint_history H>
issued_checkpoint sign_next_checkpoint(std::uint64_t size, const tile_source& tiles, H& history, const note_signer& key,
                                       std::optional<digest> expected_root = std::nullopt) {
    const digest root = tree_root_from_tiles(size, tiles);
    if (expected_root && *expected_root != root)
        throw checkpoint_refused("checkpoint: the tiles give root " + digest_base64(root) + " for size " +
                                 std::to_string(size) + " but the tree is " + digest_base64(*expected_root) +
                                 " (rebuild the tiles: aitrail tiles --rebuild)");
    // The newest note in the history is the strongest claim the signer made;
    // `latest` must agree with it too (a `checkpoint` put back is refused).
    std::vector<std::string> notes = history.all();
    if (auto latest = history.latest(); latest && (notes.empty() || notes.back() != *latest)) notes.push_back(*latest);
    std::optional<opened_checkpoint> last;
    for (std::size_t i = notes.size() > 2 ? notes.size() - 2 : 0; i < notes.size(); ++i) {
        opened_checkpoint opened{};
        try {
            opened = open_checkpoint(notes[i], key.verifier());
        } catch (const std::exception& e) {
            throw checkpoint_refused("checkpoint: the last checkpoint stored does not open with key " + key.name() +
                                     "+" + detail::key_id_hex(key.key_id()) + " (" + e.what() +
                                     "): refusing to sign for origin \"" + key.name() + "\"");
        }
        if (!last || opened.cp.size >= last->cp.size) last = std::move(opened);
    }
    if (last) {
        const checkpoint& old = last->cp;
        if (old.size > size)
            throw checkpoint_refused("checkpoint: the trail has " + std::to_string(size) +
                                     " entries but checkpoint size " + std::to_string(old.size) +
                                     " was signed for it: entries were cut off the end; refusing to sign a smaller tree");
        if (old.size == size) {
            if (old.root != root)
                throw checkpoint_refused("checkpoint: size " + std::to_string(size) + " was signed with root " +
                                         digest_base64(old.root) + " but the trail's tree now has root " +
                                         digest_base64(root) + ": the trail was rewritten; refusing to sign");
            return {old, notes.back(), false};
        }
        if (old.size > 0) {
            tile_hash_reader reader(size, tiles);
            const auto proof = merkle_consistency_proof(old.size, size, reader);
            const proof_check check = verify_consistency(old.size, size, proof, old.root, root);
            if (!check)
                throw checkpoint_refused("checkpoint: the tree of " + std::to_string(size) +
                                         " entries is not consistent with checkpoint size " + std::to_string(old.size) +
                                         " (" + check.error + "): the trail was rewritten; refusing to sign");
        }
    }
    issued_checkpoint out{checkpoint{key.name(), size, root, {}}, {}, true};
    out.note = sign_checkpoint(out.cp, key);
    history.store(out.note);
    return out;
}

/// Signs the tree a tree_storage keeps (see sign_next_checkpoint).
template <tree_storage S, checkpoint_history H>
issued_checkpoint sign_next_checkpoint(const S& s, H& history, const note_signer& key) {
    const merkle_tree& tree = s.tree();
    return sign_next_checkpoint(tree.size(), tile_source_of(s), history, key, tree.root());
}

}  // namespace v1
}  // namespace aitrail
