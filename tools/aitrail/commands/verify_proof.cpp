// `aitrail verify-proof`: checks a proof made by `aitrail prove` offline,
// with nothing but the log's verifier key: opens the checkpoint, recomputes
// the entry hash from the carried line and checks the inclusion proof.
// Prints what was proven (origin, size, index, the record) or where the
// proof fails.

#include "commands.hpp"

#include "../common/note_keys.hpp"

#include <aitrail/read/entry_proof.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>       // printf
#include <exception>    // exception
#include <string>       // string
#include <vector>       // vector

namespace aitrail_cli {

namespace {

/// What `aitrail verify-proof` is asked.
struct verify_proof_settings {
    std::string file;
    std::vector<std::string> vkeys;
    aitrail::table_format format = aitrail::table_format::table;
};

/// `rec.<key>` (or `rec.<key>.<sub>`) as text, "" when absent or not a string.
std::string member(const nlohmann::json& rec, const char* key, const char* sub = nullptr) {
    if (!rec.is_object() || !rec.contains(key)) return {};
    const auto* v = &rec[key];
    if (sub != nullptr) {
        if (!v->is_object() || !v->contains(sub)) return {};
        v = &(*v)[sub];
    }
    return v->is_string() ? v->get<std::string>() : v->dump();
}

int run_verify_proof(const verify_proof_settings& s) {
    constexpr std::string_view name = "verify-proof";
    if (s.file.empty()) return usage(name, "verify-proof needs the proof FILE");
    if (s.vkeys.empty()) return usage(name, "verify-proof needs --vkey VKEY (the log's verifier key, text or file)");
    const auto keys = load_verifier_keys("--vkey", s.vkeys);
    const std::string text = read_text_file("proof", s.file);
    aitrail::proven_entry proven;
    try {
        proven = aitrail::verify_entry_proof(aitrail::parse_tlog_proof(text), keys);
    } catch (const std::exception& e) {
        if (s.format == aitrail::table_format::json)
            std::printf("%s\n", nlohmann::json{{"ok", false}, {"file", s.file}, {"error", e.what()}}.dump(2).c_str());
        else
            std::printf("FAIL %s: %s\n", s.file.c_str(), e.what());
        return found_problems;
    }
    const auto& cp = proven.checkpoint.cp;
    std::vector<std::string> signers;
    for (const auto& sig : proven.checkpoint.note.verified) signers.push_back(sig.name);
    const auto& rec = proven.rec;
    if (s.format == aitrail::table_format::json) {
        nlohmann::json j = {{"ok", true},
                            {"file", s.file},
                            {"origin", cp.origin},
                            {"tree_size", cp.size},
                            {"root", aitrail::digest_base64(cp.root)},
                            {"index", proven.index},
                            {"hasher", proven.hasher},
                            {"entry_hash_recomputed", proven.rehashed},
                            {"signed_by", signers},
                            {"rec", rec}};
        std::printf("%s\n", j.dump(2).c_str());
        return ok;
    }
    std::printf("OK entry %llu is in %s at tree size %llu (root %s)\n", static_cast<unsigned long long>(proven.index),
                cp.origin.c_str(), static_cast<unsigned long long>(cp.size), aitrail::digest_base64(cp.root).c_str());
    std::string by;
    for (const auto& n : signers) by += (by.empty() ? "" : ", ") + n;
    std::printf("signed by  %s\n", by.c_str());
    std::printf("record     id %s, ts %s, kind %s", member(rec, "id").c_str(), member(rec, "ts").c_str(),
                member(rec, "kind").c_str());
    if (const auto a = member(rec, "action"); !a.empty()) std::printf(", action %s", a.c_str());
    if (const auto m = member(rec, "model", "name"); !m.empty()) std::printf(", model %s", m.c_str());
    if (const auto st = member(rec, "status"); !st.empty()) std::printf(", status %s", st.c_str());
    std::printf("\n");
    if (proven.rehashed)
        std::printf("entry hash recomputed from the carried line (sha256)\n");
    else
        std::printf("the trail is keyed (hasher %s): the line cannot be re-hashed without the key; only the leaf of its "
                    "stated hash is proven\n",
                    proven.hasher.c_str());
    return ok;
}

}  // namespace

runner add_verify_proof(CLI::App& app) {
    const auto [cmd, s] = add_command<verify_proof_settings>(
        app, "verify-proof", "Check a proof made by 'aitrail prove' offline, with the log's verifier key",
        footer("  aitrail verify-proof entry-41.proof --vkey log.vkey\n"
               "  aitrail verify-proof entry-41.proof --vkey 'example.com/log+6d5e7a01+AZ...' --format json",
               "exit status: 0 the proof verifies, 1 it does not (or is malformed), 2 usage or I/O error"));
    cmd->add_option("FILE", s->file, "the proof (c2sp.org/tlog-proof@v1) as 'aitrail prove' printed it")->type_name("FILE");
    cmd->add_option("--vkey", s->vkeys, "a verifier key, as text or a file (repeatable: the log's and witnesses')")
        ->type_name("VKEY")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    add_format(*cmd, s->format, "table; json also");
    return [s] { return run_verify_proof(*s); };
}

}  // namespace aitrail_cli
