#pragma once
/// @file concepts.hpp
/// What a storage must do. Any type meeting these can hold a trail: the
/// shipped jsonl_storage and memory_storage, or the user's own.
///
/// `storage`:
/// | Expression       | Type                   | Semantics                                                           |
/// |------------------|------------------------|---------------------------------------------------------------------|
/// | `s.append(b)`    | (any)                  | `b`: `std::span<const sealed_entry>`. Stores the lines in order, all or none; throws on failure |
/// | `s.flush()`      | (any)                  | makes everything appended so far durable (fsync or equivalent)      |
/// | `s.head()`       | `chain_head`           | where the stored chain ends: next seq and last hash (resume point)  |
///
/// `readable_storage` adds:
/// | Expression       | Type                   | Semantics                                                           |
/// |------------------|------------------------|---------------------------------------------------------------------|
/// | `s.scan(v)`      | (any)                  | calls `v(const stored_line&) -> bool` for every line in trail order until it returns false |
///
/// `tile_reader` (optional; JSONL, SQL and memory storages, and the read-only
/// openers, have it): the trail's Merkle tree as C2SP tlog-tiles hash tiles.
/// | Expression        | Type                        | Semantics                                                        |
/// |-------------------|-----------------------------|------------------------------------------------------------------|
/// | `s.read_tile(t)`  | `std::optional<std::string>`| the bytes of tile `t` (a `tile_id`), nullopt when not stored     |
/// | `s.list_tiles()`  | `std::vector<tile_id>`      | every stored tile, full and partial, in no particular order      |
///
/// `tree_storage` (optional) is a `storage` and a `tile_reader` that keeps the
/// tree as it appends:
/// | Expression        | Type                        | Semantics                                                        |
/// |-------------------|-----------------------------|------------------------------------------------------------------|
/// | `s.tree()`        | `const merkle_tree&`        | the tree of every appended entry (leaf i = entry seq i's hash)   |
///
/// `tile_store` (optional) is a `tree_storage` whose tiles can be replaced
/// (tiles are derived data; manage/rebuild_tiles.hpp recreates them):
/// | Expression          | Type | Semantics                                                                   |
/// |---------------------|------|-----------------------------------------------------------------------------|
/// | `s.write_tile(t, b)`| void | stores bytes `b` as tile `t`, replacing it whole (a reader never sees half) |
/// | `s.remove_tile(t)`  | void | removes tile `t` if stored                                                  |
/// | `s.reload_tree()`   | void | forgets the tree and resumes it from the stored tiles and entries, as on open |

#include <aitrail/config.hpp>
#include <aitrail/integrity/merkle.hpp>
#include <aitrail/integrity/sealed_entry.hpp>
#include <aitrail/integrity/tiles.hpp>

#include <concepts>     // convertible_to, move_constructible
#include <cstdint>      // uint64_t
#include <functional>   // function
#include <optional>     // optional
#include <span>         // span
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// One stored line as a reader sees it, with where it came from.
struct stored_line {
    std::string_view text;      ///< the line without its '\n'
    std::string_view source;    ///< file path, table name...; for messages
    std::uint64_t line_no = 0;  ///< 1-based line number within `source`
    bool terminated = true;     ///< false for a final line missing its '\n' (a torn write)
};

/// Callback a readable storage calls per line; return false to stop.
using line_visitor = std::function<bool(const stored_line&)>;

/// Can append a batch of sealed entries.
template <class S>
concept appending_storage = requires(S& s, std::span<const sealed_entry> batch) { s.append(batch); };

/// Can make appended entries durable.
template <class S>
concept flushing_storage = requires(S& s) { s.flush(); };

/// Can say where the stored chain ends, so a writer resumes it.
template <class S>
concept resumable_storage = requires(const S& s) {
    { s.head() } -> std::convertible_to<chain_head>;
};

/// A storage a trail can be written to.
template <class S>
concept storage = std::move_constructible<S> && appending_storage<S> && flushing_storage<S> && resumable_storage<S>;

/// Anything a trail can be read from, writable or not (readable storages,
/// jsonl_directory, a database opened read-only).
template <class S>
concept line_source = requires(const S& s, const line_visitor& v) { s.scan(v); };

/// A storage a trail can also be read back from (verify, query, export).
template <class S>
concept readable_storage = storage<S> && line_source<S>;

/// Can hand out the trail's hash tiles (see the table above).
template <class S>
concept tile_reader = requires(const S& s, const tile_id& t) {
    { s.read_tile(t) } -> std::convertible_to<std::optional<std::string>>;
    { s.list_tiles() } -> std::convertible_to<std::vector<tile_id>>;
};

/// A storage that keeps the trail's Merkle tree and its tiles as it appends.
template <class S>
concept tree_storage = storage<S> && tile_reader<S> && requires(const S& s) {
    { s.tree() } -> std::convertible_to<const merkle_tree&>;
};

/// A tree_storage whose tiles can be rewritten (by rebuild_tiles()).
template <class S>
concept tile_store = tree_storage<S> && requires(S& s, const tile_id& t, std::string_view bytes) {
    s.write_tile(t, bytes);
    s.remove_tile(t);
    s.reload_tree();
};

/// The tiles of `s` as a tile_source (for tile_hash_reader and proofs);
/// `s` must outlive it.
template <tile_reader S>
tile_source tile_source_of(const S& s) {
    return [&s](const tile_id& t) -> std::optional<std::string> { return s.read_tile(t); };
}

namespace detail {

/// Instantiated by the writer for a user's storage type: one readable message
/// per missing member, before the compiler's own diagnostics.
template <class S>
struct storage_requirements {
    static_assert(std::move_constructible<S>,
                  "aitrail: Storage must be move-constructible (the auditor takes it by value)");
    static_assert(appending_storage<S>,
                  "aitrail: Storage requires append(std::span<const aitrail::sealed_entry>)");
    static_assert(flushing_storage<S>, "aitrail: Storage requires flush()");
    static_assert(resumable_storage<S>,
                  "aitrail: Storage requires head() const returning aitrail::chain_head (where the stored chain ends; "
                  "return aitrail::chain_head{} for an empty store)");
    static constexpr bool value = storage<S>;
};

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
