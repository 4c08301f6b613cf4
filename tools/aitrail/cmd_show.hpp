#pragma once
// `aitrail show ID`: one record with its content and whether it can be
// trusted: its line's canonical form and content digests, and the chain from
// the trail's first entry up to it (hashes and links), so that an auditor
// shown one record knows nothing before it was changed or removed.

#include "cli.hpp"
#include "trail_source.hpp"

#include <aitrail/integrity/key_source.hpp>
#include <aitrail/read/find_entry.hpp>
#include <aitrail/read/verify.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>   // printf, fprintf
#include <string>   // string
#include <utility>  // move

namespace aitrail_cli {

inline constexpr std::string_view show_usage =
    "usage: aitrail show ID --trail SPEC [--format text|json] [--key-file FILE]\n"
    "  ID               the record id (rec.id)\n"
    "  --trail SPEC     DIR | sqlite:FILE | postgres:CONNINFO | postgresql://URI\n"
    "  --format F       text (default) or json\n"
    "  --key-file FILE  the key of a keyed trail (hasher hmac-sha256)\n"
    "exit status: 0 found and verified, 1 found but not verified, 2 not found or usage error\n";

inline int run_show(args a) {
    std::string id, trail, format = "text";
    aitrail::verify_options options;
    options.max_problems = 20;
    options.parallel = false;
    while (!a.empty()) {
        const std::string arg = a.next();
        if (arg == "-h" || arg == "--help") {
            std::printf("%.*s", static_cast<int>(show_usage.size()), show_usage.data());
            return ok;
        }
        if (arg == "--trail" || arg == "--format" || arg == "--key-file") {
            if (a.empty()) return usage(arg + " needs a value", show_usage);
            const std::string value = a.next();
            if (arg == "--trail") trail = value;
            else if (arg == "--format") format = value;
            else {
                try {
                    options.key = aitrail::read_key_file(value);
                } catch (const std::exception& e) {
                    return usage(std::string("--key-file: ") + e.what(), show_usage);
                }
            }
        } else if (arg.starts_with("--")) return usage("unknown option " + arg, show_usage);
        else if (id.empty()) id = arg;
        else return usage("show takes one ID (got '" + id + "' and '" + arg + "')", show_usage);
    }
    if (id.empty()) return usage("show needs a record ID", show_usage);
    if (trail.empty()) return usage("show needs --trail", show_usage);
    if (format != "text" && format != "json") return usage("--format must be text or json, not '" + format + "'", show_usage);

    // One pass: verify every line up to the record, and stop after it.
    std::optional<aitrail::found_entry> found;
    aitrail::verify_report chain;
    try {
        const auto source = trail_source::open(trail);
        aitrail::trail_verifier verifier(options);
        std::string current;
        source.scan([&](const aitrail::stored_line& l) {
            if (l.line_no == 1 || l.source != current) {
                current = l.source;
                verifier.begin_source(current);
            }
            verifier.add_line(l);
            found = aitrail::detail::entry_with_id(l, id);
            return !found;
        });
        chain = verifier.finish();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "aitrail show: %s\n", e.what());
        return usage_error;
    }
    if (!found) {
        std::fprintf(stderr, "aitrail show: no record with id '%s' in %s\n", id.c_str(), trail.c_str());
        return usage_error;
    }
    const bool entry_ok = found->problems.empty();
    const bool verified = entry_ok && chain.ok();

    if (format == "json") {
        nlohmann::ordered_json out;
        out["id"] = id;
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

    std::printf("record %s\n", id.c_str());
    std::printf("  stored at  %s:%llu (seq %llu)\n", found->source.c_str(),
                static_cast<unsigned long long>(found->line_no), static_cast<unsigned long long>(found->seq));
    std::printf("  hash       %s\n\n", found->hash.c_str());
    std::printf("rec:\n%s\n\n", nlohmann::json(found->entry.rec).dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    if (found->entry.content.empty()) std::printf("content: (none stored)\n\n");
    else
        std::printf("content:\n%s\n\n",
                    found->entry.content.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
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

}  // namespace aitrail_cli
