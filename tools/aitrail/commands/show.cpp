// `aitrail show ID`: one record with its content and whether it can be
// trusted: its line's canonical form and content digests, and the chain from
// the trail's first entry up to it (hashes and links), so that an auditor
// shown one record knows nothing before it was changed or removed.

#include "commands.hpp"

#include "../common/trail_source.hpp"

#include <aitrail/integrity/key_source.hpp>
#include <aitrail/read/find_entry.hpp>
#include <aitrail/read/verify.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>   // printf, fprintf
#include <string>   // string
#include <utility>  // move

namespace aitrail_cli {

namespace {

/// What `aitrail show` is asked.
struct show_settings {
    std::string id;
    std::string trail;
    bool json = false;  ///< --format json (else the readable table form)
    std::string key_file;
};

std::string pretty(const nlohmann::json& j) { return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace); }

int run_show(const show_settings& s) {
    constexpr std::string_view name = "show";
    if (s.id.empty()) return usage(name, "show needs a record ID");
    if (s.trail.empty()) return usage(name, "show needs --trail SPEC");
    aitrail::verify_options options;
    options.max_problems = 20;
    options.parallel = false;

    // One pass: verify every line up to the record, and stop after it.
    std::optional<aitrail::found_entry> found;
    aitrail::verify_report chain;
    if (!s.key_file.empty()) options.key = aitrail::read_key_file(s.key_file);
    const auto source = trail_source::open(s.trail);
    aitrail::trail_verifier verifier(options);
    std::string current;
    source.scan([&](const aitrail::stored_line& l) {
        if (l.line_no == 1 || l.source != current) {
            current = l.source;
            verifier.begin_source(current);
        }
        verifier.add_line(l);
        found = aitrail::entry_with_id(l, s.id);
        return !found;
    });
    chain = verifier.finish();
    if (!found) return fail(name, "no record with id '" + s.id + "' in " + s.trail);
    const bool entry_ok = found->problems.empty();
    const bool verified = entry_ok && chain.ok();

    if (s.json) {
        nlohmann::ordered_json out;
        out["id"] = s.id;
        out["seq"] = found->seq;
        out["source"] = found->source;
        out["line"] = found->line_no;
        out["hash"] = found->hash;
        out["rec"] = nlohmann::json(found->entry.rec);
        out["content"] = found->entry.content;
        nlohmann::ordered_json v;
        v["verified"] = verified;
        v["entry_problems"] = nlohmann::json::array();
        for (const auto& p : found->problems) v["entry_problems"].push_back(p.detail);
        v["chain_entries_checked"] = chain.entries;
        v["chain_problems"] = nlohmann::json::array();
        for (const auto& p : chain.problems) v["chain_problems"].push_back(aitrail::format_problem(p));
        out["verification"] = std::move(v);
        std::printf("%s\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
        return verified ? ok : found_problems;
    }

    std::printf("record %s\n", s.id.c_str());
    std::printf("  stored at  %s:%llu (seq %llu)\n", found->source.c_str(),
                static_cast<unsigned long long>(found->line_no), static_cast<unsigned long long>(found->seq));
    std::printf("  hash       %s\n\n", found->hash.c_str());
    std::printf("rec:\n%s\n\n", pretty(nlohmann::json(found->entry.rec)).c_str());
    if (found->entry.content.empty()) std::printf("content: (none stored)\n\n");
    else std::printf("content:\n%s\n\n", pretty(found->entry.content).c_str());
    std::printf("verification:\n");
    if (entry_ok) std::printf("  entry   OK: canonical form and content digests match\n");
    for (const auto& p : found->problems) std::printf("  entry   FAIL: %s\n", p.detail.c_str());
    if (chain.ok())
        std::printf("  chain   OK: %llu entries from seq 0 up to this one verify (hasher %s)\n",
                    static_cast<unsigned long long>(chain.entries), chain.hasher.empty() ? "?" : chain.hasher.c_str());
    for (const auto& p : chain.problems) std::printf("  chain   %s\n", aitrail::format_problem(p).c_str());
    std::printf("%s\n", verified ? "VERIFIED" : "NOT VERIFIED");
    return verified ? ok : found_problems;
}

}  // namespace

runner add_show(CLI::App& app) {
    const auto [cmd, s] = add_command<show_settings>(app, "show", "One record with its content and its verification status",
                                                     footer("  aitrail show 019a4f5e-7c1d-7b2e-9a31-2f6c0d8e4b17 --trail trails/app\n"
                                                            "  aitrail show 019a4f5e-7c1d-7b2e-9a31-2f6c0d8e4b17 --trail sqlite:audit.db --format json",
                                                            "exit status: 0 found and verified, 1 found but not verified, 2 not found, usage or "
                                                            "I/O error"));
    cmd->add_option("ID", s->id, "the record id (rec.id)");
    add_trail(*cmd, s->trail, "the trail: DIR | sqlite:FILE | postgres:CONNINFO | postgresql://URI");
    add_parsed(*cmd, "--format", s->json, "table (default; also 'text') or json",
               [](const std::string& flag, const std::string& v) {
                   if (v == "json") return true;
                   if (v == "table" || v == "text") return false;
                   refuse(flag, v, "a format of show (table or json)");
               })
        ->type_name("FORMAT");
    cmd->add_option("--key-file", s->key_file, "the key of a keyed trail (hasher hmac-sha256)")->type_name("FILE");
    return [s] { return run_show(*s); };
}

}  // namespace aitrail_cli
