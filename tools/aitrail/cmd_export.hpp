#pragma once
// `aitrail export`: copies a trail into another storage, line for line, and
// proves the copy: the source is verified first (a broken trail is not
// copied), the destination must be empty, and after the copy the destination
// is verified on its own and must end at the same entry with the same hash.

#include "cli.hpp"
#include "trail_source.hpp"

#include <aitrail/detail/time_format.hpp>
#include <aitrail/integrity/key_source.hpp>
#include <aitrail/record/record_view.hpp>
#include <aitrail/read/verify.hpp>
#include <aitrail/storage/jsonl_storage.hpp>

#include <chrono>   // steady_clock
#include <cstdio>   // printf, fprintf
#include <cstdlib>  // strtoull
#include <string>   // string
#include <vector>   // vector

namespace aitrail_cli {

inline constexpr std::string_view export_usage =
    "usage: aitrail export --trail SPEC --to jsonl|sqlite|postgres --out LOCATION [--table NAME]\n"
    "                      [--key-file FILE] [--batch N]\n"
    "       aitrail export --trail SPEC --to SPEC\n"
    "  --trail SPEC     the trail to copy: DIR | sqlite:FILE | postgres:CONNINFO | postgresql://URI\n"
    "  --to KIND        jsonl (--out DIR), sqlite (--out FILE) or postgres (--out CONNINFO);\n"
    "                   or a whole destination SPEC (sqlite:FILE, postgres:CONNINFO#TABLE...)\n"
    "  --table NAME     destination table for SQL storages (default aitrail_entries)\n"
    "  --key-file FILE  the key of a keyed trail (hasher hmac-sha256), to verify both ends\n"
    "  --batch N        entries per append (one transaction each; default 1000)\n"
    "The destination must be empty. Both ends are verified; exit status 0 only when\n"
    "the copy verifies and ends at the source's last hash; 1 if a verification\n"
    "failed; 2 on usage or I/O errors.\n";

namespace detail_export {

struct copy_result {
    std::uint64_t entries = 0;
    std::string last_hash;
};

// Appends the source's lines to `dest` in batches, as sealed entries.
template <class Storage>
copy_result copy_lines(const trail_source& source, Storage& dest, std::size_t batch_size) {
    if (!dest.head().empty())
        throw aitrail::storage_error("the destination already holds a trail (" + std::to_string(dest.head().next_seq) +
                                     " entries); export writes into an empty one");
    copy_result result;
    std::vector<aitrail::sealed_entry> batch;
    batch.reserve(batch_size);
    aitrail::record_view view;
    const auto flush_batch = [&] {
        if (batch.empty()) return;
        dest.append(batch);
        batch.clear();
    };
    source.scan([&](const aitrail::stored_line& l) {
        if (!aitrail::parse_record_view(l.text, view))
            throw aitrail::storage_error(std::string(l.source) + ":" + std::to_string(l.line_no) +
                                         ": not a trail entry; nothing after it was exported");
        aitrail::sealed_entry e;
        e.seq = view.seq;
        e.hash = std::string(view.hash);
        e.line = std::string(l.text);
        e.ts = aitrail::detail::parse_rfc3339(view.ts).value_or(aitrail::timestamp{});
        batch.push_back(std::move(e));
        ++result.entries;
        result.last_hash = std::string(view.hash);
        if (batch.size() >= batch_size) flush_batch();
        return true;
    });
    flush_batch();
    dest.flush();
    return result;
}

}  // namespace detail_export

inline int run_export(args a) {
    std::string from, to, out, table;
    std::size_t batch = 1000;
    aitrail::verify_options options;
    options.max_problems = 10;
    while (!a.empty()) {
        const std::string arg = a.next();
        if (arg == "-h" || arg == "--help") {
            std::printf("%.*s", static_cast<int>(export_usage.size()), export_usage.data());
            return ok;
        }
        if (arg != "--trail" && arg != "--to" && arg != "--out" && arg != "--table" && arg != "--key-file" &&
            arg != "--batch")
            return usage("unknown argument " + arg, export_usage);
        if (a.empty()) return usage(arg + " needs a value", export_usage);
        const std::string value = a.next();
        if (arg == "--trail") from = value;
        else if (arg == "--to") to = value;
        else if (arg == "--out") out = value;
        else if (arg == "--table") table = value;
        else if (arg == "--batch") {
            batch = std::strtoull(value.c_str(), nullptr, 10);
            if (batch == 0) return usage("--batch needs a positive number, not '" + value + "'", export_usage);
        } else {
            try {
                options.key = aitrail::read_key_file(value);
            } catch (const std::exception& e) {
                return usage(std::string("--key-file: ") + e.what(), export_usage);
            }
        }
    }
    if (from.empty()) return usage("export needs --trail", export_usage);
    if (to.empty()) return usage("export needs --to", export_usage);
    // --to KIND --out LOCATION, or --to SPEC.
    std::string dest_spec;
    if (to == "jsonl" || to == "sqlite" || to == "postgres") {
        if (out.empty()) return usage("--to " + to + " needs --out", export_usage);
        dest_spec = to == "jsonl" ? out : to + ":" + out;
    } else {
        if (!out.empty()) return usage("--out goes with --to jsonl|sqlite|postgres, not with a whole SPEC", export_usage);
        dest_spec = to;
    }
    trail_spec dest = parse_trail_spec(dest_spec);
    if (!table.empty()) {
        if (dest.kind == trail_kind::jsonl) return usage("--table is for SQL destinations", export_usage);
        dest.table = table;
    }

    const auto t0 = std::chrono::steady_clock::now();
    try {
        const auto source = trail_source::open(from);
        const auto before = aitrail::verify(source, options);
        if (!before.ok()) {
            std::printf("source %s does not verify; nothing exported:\n", source.name().c_str());
            for (const auto& p : before.problems) std::printf("%s\n", aitrail::format_problem(p).c_str());
            return found_problems;
        }
        std::printf("source  %s: %s\n", source.name().c_str(), aitrail::format_summary(before).c_str());

        detail_export::copy_result copied;
        switch (dest.kind) {
            case trail_kind::jsonl: {
                aitrail::jsonl_storage s{dest.location};
                copied = detail_export::copy_lines(source, s, batch);
                break;
            }
            case trail_kind::sqlite: {
#if AITRAIL_CLI_HAS_SQLITE
                aitrail::sqlite_options o;
                if (!dest.table.empty()) o.table = dest.table;
                aitrail::sqlite_storage s{dest.location, o};
                copied = detail_export::copy_lines(source, s, batch);
                break;
#else
                throw aitrail::storage_error("this aitrail was built without SQLite support");
#endif
            }
            case trail_kind::postgres: {
#if AITRAIL_CLI_HAS_POSTGRES
                aitrail::postgres_options o;
                if (!dest.table.empty()) o.table = dest.table;
                aitrail::postgres_storage s{dest.location, o};
                copied = detail_export::copy_lines(source, s, batch);
                break;
#else
                throw aitrail::storage_error("this aitrail was built without PostgreSQL support");
#endif
            }
        }

        // The copy is read back through a fresh reader: what a later auditor sees.
        std::string dest_text = dest_spec;
        if (!table.empty()) dest_text += "#" + table;
        const auto copy = trail_source::open(dest_text);
        const auto after = aitrail::verify(copy, options);
        std::uint64_t last_seq = 0;
        std::string last_hash;
        aitrail::record_view view;
        copy.scan([&](const aitrail::stored_line& l) {
            if (aitrail::parse_record_view(l.text, view)) {
                last_seq = view.seq;
                last_hash = std::string(view.hash);
            }
            return true;
        });
        const bool same_end = after.entries == before.entries && last_hash == copied.last_hash;
        std::printf("copy    %s: %s\n", copy.name().c_str(), aitrail::format_summary(after).c_str());
        for (const auto& p : after.problems) std::printf("%s\n", aitrail::format_problem(p).c_str());
        if (!same_end) {
            std::printf("FAILED the copy ends at seq %llu hash %s, the source at %llu entries hash %s\n",
                        static_cast<unsigned long long>(last_seq), last_hash.c_str(),
                        static_cast<unsigned long long>(before.entries), copied.last_hash.c_str());
            return found_problems;
        }
        if (!after.ok()) return found_problems;
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("exported %llu entries in %.2f s; both ends verify and end at hash %s\n",
                    static_cast<unsigned long long>(copied.entries), secs, last_hash.c_str());
        return ok;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "aitrail export: %s\n", e.what());
        return usage_error;
    }
}

}  // namespace aitrail_cli
