// `aitrail tiles`: the trail's Merkle tree and its hash tiles: tree size,
// root, which tiles are present, missing or disagree with the entries; with
// --rebuild, recreates them all from the entries.

#include "commands.hpp"

#include "../common/trail_source.hpp"

#include <aitrail/integrity/hasher.hpp>
#include <aitrail/integrity/merkle.hpp>
#include <aitrail/integrity/tiles.hpp>
#include <aitrail/manage/rebuild_tiles.hpp>
#include <aitrail/read/verify_tiles.hpp>
#include <aitrail/record/record_view.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>       // printf
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail_cli {

namespace {

/// What `aitrail tiles` is asked.
struct tiles_settings {
    std::string trail;
    bool rebuild = false;
    aitrail::table_format format = aitrail::table_format::table;
};

/// Standard base64 with padding (RFC 4648 §4), as C2SP checkpoints write roots.
std::string base64(const aitrail::digest& d) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < d.size(); i += 3) {
        const unsigned n = static_cast<unsigned>(d[i]) << 16 | (i + 1 < d.size() ? static_cast<unsigned>(d[i + 1]) << 8 : 0U) |
                           (i + 2 < d.size() ? static_cast<unsigned>(d[i + 2]) : 0U);
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += i + 1 < d.size() ? alphabet[(n >> 6) & 63] : '=';
        out += i + 2 < d.size() ? alphabet[n & 63] : '=';
    }
    return out;
}

/// The 32 raw bytes of a 64-hex hash; nullopt when malformed.
std::optional<aitrail::digest> digest_of_hex(std::string_view hex) {
    if (hex.size() != 64) return std::nullopt;
    aitrail::digest d{};
    for (std::size_t i = 0; i < 32; ++i) {
        int v = 0;
        for (int k = 0; k < 2; ++k) {
            const char c = hex[2 * i + static_cast<std::size_t>(k)];
            const int nib = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (nib < 0) return std::nullopt;
            v = v * 16 + nib;
        }
        d[i] = static_cast<unsigned char>(v);
    }
    return d;
}

int report_tiles(const tiles_settings& s) {
    const auto source = trail_source::open(s.trail);
    const std::string prefix = source.spec().kind == trail_kind::jsonl ? source.spec().location + "/" : "";
    const auto stored = source.list_tiles();
    aitrail::tile_checker checker([&](const aitrail::tile_id& t) { return source.read_tile(t); }, stored, prefix);
    aitrail::record_view view;
    std::string bad;  // why the tree could not be computed
    source.scan([&](const aitrail::stored_line& l) {
        if (!l.terminated) return true;
        const auto d = aitrail::parse_record_view(l.text, view) ? digest_of_hex(view.hash) : std::nullopt;
        if (!d) {
            bad = std::string(l.source) + ":" + std::to_string(l.line_no) + ": not a trail entry";
            return false;
        }
        checker.add(view.seq, aitrail::merkle_leaf_hash(*d));
        return true;
    });
    if (!bad.empty()) return fail("tiles", bad + "; the tree cannot be computed (run aitrail verify)");
    const auto problems = checker.finish();
    std::uint64_t missing = 0, mismatching = 0;
    for (const auto& p : problems) (p.detail == "missing" ? missing : mismatching) += 1;
    const auto& tree = checker.tree();
    if (s.format == aitrail::table_format::json) {
        nlohmann::json j = {{"trail", source.name()},
                            {"tree_size", tree.size()},
                            {"root", base64(tree.root())},
                            {"root_hex", aitrail::to_hex(tree.root())},
                            {"tiles_stored", stored.size()},
                            {"tiles_expected", aitrail::tiles_of_tree(tree.size()).size()},
                            {"missing", missing},
                            {"mismatching", mismatching},
                            {"problems", nlohmann::json::array()}};
        for (const auto& p : problems) j["problems"].push_back(aitrail::format_problem(p));
        std::printf("%s\n", j.dump(2).c_str());
    } else {
        std::printf("trail      %s\n", source.name().c_str());
        std::printf("tree size  %llu\n", static_cast<unsigned long long>(tree.size()));
        std::printf("root       %s\n", base64(tree.root()).c_str());
        std::printf("root hex   %s\n", aitrail::to_hex(tree.root()).c_str());
        std::printf("tiles      %zu stored, %zu expected: %llu missing, %llu mismatching\n", stored.size(),
                    aitrail::tiles_of_tree(tree.size()).size(), static_cast<unsigned long long>(missing),
                    static_cast<unsigned long long>(mismatching));
        for (const auto& p : problems) std::printf("%s\n", aitrail::format_problem(p).c_str());
        if (stored.empty() && tree.size() > 0)
            std::printf("the trail has no tiles: aitrail tiles --trail %s --rebuild writes them\n", s.trail.c_str());
    }
    return problems.empty() ? ok : found_problems;
}

/// Rebuilds through `db`, a storage opened for writing, when it keeps tiles.
template <class Storage>
aitrail::tiles_rebuilt rebuild_through(Storage& db, const trail_spec& spec) {
    if constexpr (aitrail::tile_store<Storage> && aitrail::line_source<Storage>) {
        return aitrail::rebuild_tiles(db);
    } else {
        throw aitrail::storage_error("this aitrail cannot rebuild the tiles of " + display_name(spec));
    }
}

/// Rebuilds the tiles of an SQL trail through its storage opened for writing.
aitrail::tiles_rebuilt rebuild_sql_tiles(const trail_spec& spec) {
    if (spec.kind == trail_kind::sqlite) {
#if AITRAIL_CLI_HAS_SQLITE
        return rebuild_through(*open_sql_storage<aitrail::sqlite_storage>(spec, aitrail::sqlite_options{}), spec);
#endif
    } else {
#if AITRAIL_CLI_HAS_POSTGRES
        return rebuild_through(*open_sql_storage<aitrail::postgres_storage>(spec, aitrail::postgres_options{}), spec);
#endif
    }
    throw aitrail::storage_error("this aitrail was built without support for " + display_name(spec));
}

int rebuild(const tiles_settings& s) {
    const auto spec = parse_trail_spec(s.trail);
    aitrail::tiles_rebuilt r;
    switch (spec.kind) {
        case trail_kind::jsonl: {
            aitrail::jsonl_options options;
            options.on_warning = [](const std::string& m) { std::fprintf(stderr, "%s\n", m.c_str()); };
            r = aitrail::rebuild_tiles(spec.location, options);
            break;
        }
        case trail_kind::sqlite:
        case trail_kind::postgres:
            r = rebuild_sql_tiles(spec);
            break;
    }
    const std::string name = display_name(spec);
    if (s.format == aitrail::table_format::json) {
        nlohmann::json j = {{"trail", name},
                            {"tree_size", r.tree_size},
                            {"root", base64(r.root)},
                            {"root_hex", aitrail::to_hex(r.root)},
                            {"written", r.written},
                            {"replaced", r.replaced},
                            {"removed", r.removed},
                            {"unchanged", r.unchanged}};
        std::printf("%s\n", j.dump(2).c_str());
        return ok;
    }
    for (const auto& p : r.written) std::printf("written   %s\n", p.c_str());
    for (const auto& p : r.replaced) std::printf("replaced  %s\n", p.c_str());
    for (const auto& p : r.removed) std::printf("removed   %s\n", p.c_str());
    std::printf("rebuilt the tiles of %s: tree size %llu, root %s; %zu written, %zu replaced, %zu removed, %llu unchanged\n",
                name.c_str(), static_cast<unsigned long long>(r.tree_size), base64(r.root).c_str(), r.written.size(),
                r.replaced.size(), r.removed.size(), static_cast<unsigned long long>(r.unchanged));
    return ok;
}

int run_tiles(const tiles_settings& s) {
    if (s.trail.empty()) return usage("tiles", "tiles needs --trail SPEC");
    if (s.format != aitrail::table_format::table && s.format != aitrail::table_format::json)
        return usage("tiles", "--format is table or json");
    return s.rebuild ? rebuild(s) : report_tiles(s);
}

}  // namespace

runner add_tiles(CLI::App& app) {
    const auto [cmd, s] = add_command<tiles_settings>(
        app, "tiles", "Show a trail's Merkle tree and check its hash tiles; --rebuild recreates them from the entries",
        footer("  aitrail tiles --trail trails/app\n"
               "  aitrail tiles --trail trails/app --rebuild\n"
               "  aitrail tiles --trail sqlite:audit.db --format json",
               "exit status: 0 the tiles agree with the entries (or were rebuilt), 1 tiles missing or mismatching, "
               "2 usage or I/O error"));
    add_trail(*cmd, s->trail, "the trail: DIR | sqlite:FILE | postgres:CONNINFO | postgresql://URI");
    cmd->add_flag("--rebuild", s->rebuild,
                  "recreate every tile from the entries (writes the trail's tiles; no writer may hold a JSONL trail)");
    add_format(*cmd, s->format, "table; json also");
    return [s] { return run_tiles(*s); };
}

}  // namespace aitrail_cli
