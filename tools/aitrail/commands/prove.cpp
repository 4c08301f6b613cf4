// `aitrail prove`: prints a C2SP tlog-proof@v1 that one entry is in the
// trail's tree as a signed checkpoint commits to it: the entry's index, its
// inclusion hashes (read from O(log n) hash tiles) and the checkpoint, with
// the entry's line in `extra` (without its content unless --content), so an
// auditor without the trail sees the record and checks it with
// `aitrail verify-proof`.

#include "commands.hpp"

#include "../common/note_keys.hpp"
#include "../common/trail_source.hpp"

#include <aitrail/read/entry_proof.hpp>
#include <aitrail/record/record_view.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>      // uint64_t, int64_t
#include <cstdio>       // printf
#include <optional>     // optional
#include <string>       // string

namespace aitrail_cli {

namespace {

/// What `aitrail prove` is asked.
struct prove_settings {
    std::string trail;
    std::string id;
    std::optional<std::int64_t> seq;
    std::string checkpoint_file;
    bool content = false;
};

/// The trail's hasher, from its trail.open record (seq 0); "sha256" when
/// that record says nothing.
std::string hasher_of(const trail_source& source) {
    std::string hasher = "sha256";
    source.scan([&](const aitrail::stored_line& l) {
        aitrail::record_view v;
        if (aitrail::parse_record_view(l.text, v) && v.kind == "trail.open" && !v.meta.empty()) {
            const auto meta = nlohmann::json::parse(v.meta, nullptr, false);
            if (meta.is_object() && meta.contains("hasher") && meta["hasher"].is_string())
                hasher = meta["hasher"].get<std::string>();
        }
        return false;  // only the first line
    });
    return hasher;
}

int run_prove(const prove_settings& s) {
    constexpr std::string_view name = "prove";
    if (s.trail.empty()) return usage(name, "prove needs --trail SPEC");
    if (s.id.empty() == !s.seq) return usage(name, "prove needs exactly one of --id ID and --seq N");
    const auto source = trail_source::open(s.trail);
    std::string note;
    if (!s.checkpoint_file.empty()) {
        note = read_text_file("--checkpoint", s.checkpoint_file);
    } else {
        const auto latest = open_history(source.spec(), true).latest();
        if (!latest)
            return fail(name, source.name() + " has no checkpoint yet (aitrail checkpoint --trail " + s.trail +
                                  " --key FILE signs one), or give --checkpoint FILE");
        note = *latest;
    }
    // The entry's line: by seq, reading only the file that holds it; by id,
    // scanning the trail.
    std::string line;
    if (s.seq) {
        const auto want = static_cast<std::uint64_t>(*s.seq);
        // A canonical line ends in "seq":N,"v":1} (keys in order, and any
        // "seq" inside the content comes earlier): lines are compared there
        // and only the one that matches is parsed.
        const std::string seq_field = "\"seq\":" + std::to_string(want) + ",";
        source.scan_from(want, [&](const aitrail::stored_line& l) {
            const auto at = l.text.rfind("\"seq\":");
            if (at == std::string_view::npos || l.text.compare(at, seq_field.size(), seq_field) != 0) return true;
            aitrail::record_view v;
            if (!l.terminated || !aitrail::parse_record_view(l.text, v) || v.seq != want) return true;
            line = std::string(l.text);
            return false;
        });
        if (line.empty()) return fail(name, "no entry with seq " + std::to_string(want) + " in " + source.name());
    } else {
        source.scan([&](const aitrail::stored_line& l) {
            if (!l.terminated || l.text.find(s.id) == std::string_view::npos) return true;
            aitrail::record_view v;
            if (!aitrail::parse_record_view(l.text, v) || v.id != s.id) return true;
            line = std::string(l.text);
            return false;
        });
        if (line.empty()) return fail(name, "no record with id " + s.id + " in " + source.name());
    }
    aitrail::tile_source tiles = [&source](const aitrail::tile_id& t) { return source.read_tile(t); };
    const auto proof = aitrail::prove_entry(line, note, tiles, s.content, hasher_of(source));
    std::printf("%s", aitrail::format_tlog_proof(proof).c_str());
    return ok;
}

}  // namespace

runner add_prove(CLI::App& app) {
    const auto [cmd, s] = add_command<prove_settings>(
        app, "prove",
        "Print a C2SP tlog-proof that an entry is in the tree a signed checkpoint commits to, carrying the entry's line",
        footer("  aitrail prove --trail trails/app --seq 41 > entry-41.proof\n"
               "  aitrail prove --trail trails/app --id 019a4a6e-0f3c-7d2e-9a51-3c1f2b0e8d77 --content\n"
               "  aitrail prove --trail trails/app --seq 41 --checkpoint witnessed.checkpoint",
               "exit status: 0 proof printed, 2 usage or I/O error (no such entry, no checkpoint, entry not covered)"));
    add_trail(*cmd, s->trail, "the trail: DIR | sqlite:FILE | postgres:CONNINFO | postgresql://URI (its tiles and latest checkpoint)");
    cmd->add_option("--id", s->id, "the record's id (rec.id); scans the trail")->type_name("ID");
    add_parsed(*cmd, "--seq", s->seq, "the entry's seq (its index in the tree)",
               [](const std::string& flag, const std::string& v) { return std::optional(parse_integer(flag, v, 0, INT64_MAX)); })
        ->type_name("N");
    cmd->add_option("--checkpoint", s->checkpoint_file,
                    "prove against this signed checkpoint (e.g. one with cosignatures) instead of the trail's latest")
        ->type_name("FILE");
    cmd->add_flag("--content", s->content, "carry the entry's content (prompts, outputs) too; by default only rec");
    return [s] { return run_prove(*s); };
}

}  // namespace aitrail_cli
