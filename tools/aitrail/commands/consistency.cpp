// `aitrail consistency`: prints the RFC 9162 consistency proof from the
// trail's tree at size --from to the tree at --to (default: the whole
// trail), read from its hash tiles: one base64 hash a line, as c2sp.org
// tlog-witness request bodies carry them.

#include "commands.hpp"

#include "../common/trail_source.hpp"

#include <aitrail/integrity/merkle.hpp>
#include <aitrail/integrity/proof_hashes.hpp>
#include <aitrail/integrity/tiles.hpp>
#include <aitrail/pipeline/checkpoint_signer.hpp>
#include <aitrail/storage/concepts.hpp>

#include <algorithm>    // max
#include <cstdint>      // uint64_t, int64_t
#include <cstdio>       // printf, fprintf
#include <optional>     // optional
#include <string>       // string

namespace aitrail_cli {

namespace {

/// What `aitrail consistency` is asked.
struct consistency_settings {
    std::string trail;
    std::optional<std::int64_t> from, to;
    bool roots = false;
};

/// The size of the trail's tree: the widest level-0 tile's coverage.
std::uint64_t tree_size_of(const trail_source& source) {
    std::uint64_t size = 0;
    for (const auto& t : source.list_tiles())
        if (t.level == 0) size = std::max(size, t.index * aitrail::tile_full_width + t.width);
    return size;
}

int run_consistency(const consistency_settings& s) {
    constexpr std::string_view name = "consistency";
    if (s.trail.empty()) return usage(name, "consistency needs --trail SPEC");
    if (!s.from) return usage(name, "consistency needs --from N (the older tree's size)");
    const auto source = trail_source::open(s.trail);
    const std::uint64_t size = tree_size_of(source);
    const auto from = static_cast<std::uint64_t>(*s.from);
    const std::uint64_t to = s.to ? static_cast<std::uint64_t>(*s.to) : size;
    if (from == 0 || from > to)
        return usage(name, "--from " + std::to_string(from) + ": a consistency proof needs 1 <= --from <= --to (" +
                               std::to_string(to) + ")");
    if (to > size)
        return fail(name, "--to " + std::to_string(to) + ": the tiles of " + source.name() + " hold a tree of " +
                              std::to_string(size) + " entries");
    aitrail::tile_source tiles = [&source](const aitrail::tile_id& t) { return source.read_tile(t); };
    aitrail::tile_hash_reader reader(to, tiles);
    const auto proof = aitrail::merkle_consistency_proof(from, to, reader);
    if (s.roots)
        std::fprintf(stderr, "size %llu root %s\nsize %llu root %s\n", static_cast<unsigned long long>(from),
                     aitrail::digest_base64(aitrail::tree_root_from_tiles(from, tiles)).c_str(),
                     static_cast<unsigned long long>(to), aitrail::digest_base64(aitrail::tree_root_from_tiles(to, tiles)).c_str());
    std::printf("%s", aitrail::format_proof_hashes(proof).c_str());
    return ok;
}

}  // namespace

runner add_consistency(CLI::App& app) {
    const auto [cmd, s] = add_command<consistency_settings>(
        app, "consistency",
        "Print the consistency proof between two sizes of the trail's tree (base64 hashes, one a line)",
        footer("  aitrail consistency --trail trails/app --from 100\n"
               "  aitrail consistency --trail trails/app --from 100 --to 250 --roots",
               "exit status: 0 proof printed, 2 usage or I/O error"));
    add_trail(*cmd, s->trail, "the trail: DIR | sqlite:FILE | postgres:CONNINFO | postgresql://URI (its hash tiles)");
    const auto whole = [](const std::string& flag, const std::string& v) {
        return std::optional(parse_integer(flag, v, 0, INT64_MAX));
    };
    add_parsed(*cmd, "--from", s->from, "the older tree's size (a checkpoint's size)", whole)->type_name("N");
    add_parsed(*cmd, "--to", s->to, "the newer tree's size (default: the whole trail)", whole)->type_name("M");
    cmd->add_flag("--roots", s->roots, "also print both roots (base64) to stderr");
    return [s] { return run_consistency(*s); };
}

}  // namespace aitrail_cli
