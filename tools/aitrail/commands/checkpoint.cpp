// `aitrail checkpoint`: signs the trail's current Merkle tree as a C2SP
// checkpoint after verifying the entries it covers (chain and tiles),
// stores it (`checkpoint` and `checkpoints` in a JSONL trail directory, the
// table `<table>_checkpoints` beside an SQL trail's) and
// prints the note. The signer never signs a tree that is not an extension
// of its last checkpoint. With --follow it signs again every interval when
// the trail grew, until SIGINT or SIGTERM. With --witness / --witness-dir it
// publishes each checkpoint and stores it again with the cosignatures.
// Boost.Beast (the witness client): batched with the other HTTP commands.

#include "commands.hpp"

#include "../common/note_keys.hpp"
#include "../common/trail_source.hpp"
#include "../common/witness_flags.hpp"

#include <aitrail/integrity/proof_hashes.hpp>
#include <aitrail/pipeline/checkpoint_signer.hpp>
#include <aitrail/read/verify.hpp>

#include <chrono>       // milliseconds, steady_clock
#include <csignal>      // signal, SIGINT, SIGTERM, sig_atomic_t
#include <cstdio>       // printf, fprintf, fflush
#include <filesystem>   // path
#include <string>       // string
#include <thread>       // sleep_for

namespace aitrail_cli {

namespace {

volatile std::sig_atomic_t stop_requested = 0;

/// What `aitrail checkpoint` is asked.
struct checkpoint_settings {
    std::string trail;
    std::string key_file;
    bool follow = false;
    std::chrono::milliseconds every{60'000};
    witness_flags witnesses;
};

/// What sign_once() returns when a witness did not take the checkpoint
/// (exit status 3: signed and stored, not witnessed).
constexpr int unwitnessed = 3;

/// Publishes the latest checkpoint of `history` (signed by `key`) to the
/// witnesses, prints the note with the cosignatures received, and stores it
/// so when there are any. Returns ok or unwitnessed.
int publish(aitrail::witness_publisher& publisher, trail_history& history, const trail_source& source,
            const aitrail::note_signer& key, bool print) {
    const auto latest = history.latest();
    if (!latest) return ok;
    aitrail::witness_request request;
    // Offered with the log's signature alone: cosignatures from an earlier
    // round are replaced by this round's, not piled up.
    request.note = latest->substr(0, latest->rfind("\n\n") + 2);
    const std::string own = "\xE2\x80\x94 " + key.name() + " ";  // "— <origin> "
    for (std::size_t at = request.note.size(); at < latest->size();) {
        const std::size_t nl = latest->find('\n', at);
        const std::string line = latest->substr(at, nl == std::string::npos ? std::string::npos : nl + 1 - at);
        if (line.starts_with(own)) request.note += line;
        at = nl == std::string::npos ? latest->size() : nl + 1;
    }
    request.cp = aitrail::open_checkpoint(*latest, key.verifier()).cp;
    const std::uint64_t size = request.cp.size;
    request.consistency_proof = [&source, size](std::uint64_t old_size) {
        aitrail::tile_hash_reader reader(size, [&source](const aitrail::tile_id& t) { return source.read_tile(t); });
        return aitrail::merkle_consistency_proof(old_size, size, reader);
    };
    const auto out = publisher.publish(request);
    if (!out.cosignatures.empty() && out.note != *latest) history.store(out.note);
    if (print) std::printf("%s", out.note.c_str());
    std::fflush(stdout);
    for (const auto& e : out.errors) std::fprintf(stderr, "aitrail checkpoint: %s\n", e.c_str());
    return out.errors.empty() ? ok : unwitnessed;
}

/// The verification of the trail: entries, chain and tiles (required).
aitrail::verify_report verify_trail(const trail_spec& spec, const std::string& text) {
    aitrail::verify_options options;
    options.require_tiles = true;
    options.max_problems = 20;
    if (spec.kind == trail_kind::jsonl) return aitrail::verify_paths({std::filesystem::path(spec.location)}, options);
    return aitrail::verify(trail_source::open(text), options);
}

/// What sign_once() returns when the signer refused (exit status 1).
constexpr int refused = -1;

/// One round: verify, sign if the tree grew. Returns the exit status, or
/// `refused`.
int sign_once(const checkpoint_settings& s, const aitrail::note_signer& key, bool quiet_when_unchanged,
              aitrail::witness_publisher* publisher, bool& published) {
    const auto spec = parse_trail_spec(s.trail);
    const auto report = verify_trail(spec, s.trail);
    if (!report.ok()) {
        for (const auto& p : report.problems) std::fprintf(stderr, "%s\n", aitrail::format_problem(p).c_str());
        std::fprintf(stderr, "aitrail checkpoint: %s does not verify (%zu problems): refusing to sign its tree\n",
                     display_name(spec).c_str(), report.problems.size() + static_cast<std::size_t>(report.problems_omitted));
        return found_problems;
    }
    if (report.tiles != aitrail::verify_report::tiles_state::checked)
        return fail("checkpoint", display_name(spec) + " has no hash tiles to sign (aitrail tiles --trail " + s.trail +
                                      " --rebuild writes them)");
    const auto source = std::make_shared<trail_source>(trail_source::open(s.trail));
    aitrail::tile_source tiles = [source](const aitrail::tile_id& t) { return source->read_tile(t); };
    auto history = open_history(spec);
    try {
        const auto issued = aitrail::sign_next_checkpoint(report.tree_size, tiles, history, key,
                                                          aitrail::digest_from_hex(report.tree_root));
        if (!issued.fresh && !quiet_when_unchanged)
            std::fprintf(stderr, "aitrail checkpoint: the tree has not grown since this checkpoint (size %llu): not signed again\n",
                         static_cast<unsigned long long>(issued.cp.size));
        const bool print = issued.fresh || !quiet_when_unchanged;
        // A checkpoint a witness has not taken yet is offered again next round.
        if (publisher != nullptr && (issued.fresh || !published)) {
            const int rc = publish(*publisher, history, *source, key, print);
            published = rc == ok;
            return rc;
        }
        if (print) std::printf("%s", issued.note.c_str());
        std::fflush(stdout);
        return ok;
    } catch (const aitrail::checkpoint_refused& e) {
        std::fprintf(stderr, "aitrail checkpoint: REFUSED: %s\n", e.what());
        return refused;
    }
}

int run_checkpoint(const checkpoint_settings& s) {
    if (s.trail.empty()) return usage("checkpoint", "checkpoint needs --trail SPEC");
    if (s.key_file.empty()) return usage("checkpoint", "checkpoint needs --key FILE (the log's private key)");
    const auto key = load_private_key("--key", s.key_file);
    // Retries are the next round's (--follow): no backoff within one.
    const auto publisher = make_witness_publisher(s.witnesses, key.verifier(), {.initial_backoff = {}, .max_backoff = {}});
    bool published = false;
    if (!s.follow) {
        const int rc = sign_once(s, key, false, publisher.get(), published);
        return rc == refused ? found_problems : rc;
    }
    std::signal(SIGINT, [](int) { stop_requested = 1; });
    std::signal(SIGTERM, [](int) { stop_requested = 1; });
    while (stop_requested == 0) {
        // A refusal is final (any later tree extends the bad one); a trail
        // that does not verify now may be mid-write: try again next round.
        if (sign_once(s, key, true, publisher.get(), published) == refused) return found_problems;
        const auto until = std::chrono::steady_clock::now() + s.every;
        while (stop_requested == 0 && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return ok;
}

}  // namespace

runner add_checkpoint(CLI::App& app) {
    const auto [cmd, s] = add_command<checkpoint_settings>(
        app, "checkpoint",
        "Sign the trail's Merkle tree as a C2SP checkpoint (after verifying it), store it in the trail and print it",
        footer("  aitrail checkpoint --trail trails/app --key log.key\n"
               "  aitrail checkpoint --trail trails/app --key log.key --follow --every 60s\n"
               "  aitrail checkpoint --trail trails/app --key log.key --witness http://witness.example:8788 "
               "--witness-vkey w.vkey --witness-dir /mnt/backup/witness",
               "exit status: 0 signed (or unchanged) and taken by every witness, 1 the trail does not verify or the "
               "signer refused (a smaller or rewritten tree), 2 usage or I/O error, 3 signed and stored but some "
               "witness did not take it (its error is printed)"));
    add_trail(*cmd, s->trail, "the trail: DIR | sqlite:FILE | postgres:CONNINFO | postgresql://URI");
    cmd->add_option("--key", s->key_file, "the log's private key file (PRIVATE+KEY+<origin>+...); its name is the origin")
        ->type_name("FILE");
    cmd->add_flag("--follow", s->follow, "keep signing every --every while the trail grows (SIGINT/SIGTERM stops)");
    add_parsed(*cmd, "--every", s->every, "interval of --follow (default 60s; 500ms, 30s, 5m, 1h)",
               [](const std::string& flag, const std::string& v) {
                   return parse_duration(flag, v, std::chrono::seconds(1), "seconds");
               })
        ->type_name("DURATION");
    add_witness_flags(*cmd, s->witnesses);
    return [s] { return run_checkpoint(*s); };
}

}  // namespace aitrail_cli
