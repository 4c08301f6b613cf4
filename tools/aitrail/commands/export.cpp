// `aitrail export`: copies a trail into another storage, line for line, and
// proves the copy: the source is verified first (a broken trail is not
// copied), the destination must be empty, and after the copy the destination
// is verified on its own and must end at the same entry with the same hash.

#include "commands.hpp"

#include "../common/trail_source.hpp"

#include <aitrail/integrity/key_source.hpp>
#include <aitrail/integrity/sealed_entry.hpp>
#include <aitrail/read/verify.hpp>
#include <aitrail/record/record_view.hpp>
#include <aitrail/storage/jsonl_storage.hpp>

#include <chrono>  // steady_clock
#include <cstdio>  // printf
#include <string>  // string
#include <vector>  // vector

namespace aitrail_cli {

namespace {

/// What `aitrail export` is asked.
struct export_settings {
    std::string from, to, out, table, key_file;
    std::int64_t batch = 1000;
};

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
    const auto flush_batch = [&] {
        if (batch.empty()) return;
        dest.append(batch);
        batch.clear();
    };
    source.scan([&](const aitrail::stored_line& l) {
        auto e = aitrail::sealed_entry_from_line(l.text);
        if (!e)
            throw aitrail::storage_error(std::string(l.source) + ":" + std::to_string(l.line_no) +
                                         ": not a trail entry; nothing after it was exported");
        ++result.entries;
        result.last_hash = e->hash;
        batch.push_back(std::move(*e));
        if (batch.size() >= batch_size) flush_batch();
        return true;
    });
    flush_batch();
    dest.flush();
    return result;
}

int run_export(const export_settings& s) {
    constexpr std::string_view name = "export";
    if (s.from.empty()) return usage(name, "export needs --trail SPEC");
    if (s.to.empty()) return usage(name, "export needs --to");
    // --to KIND --out LOCATION, or --to SPEC.
    std::string dest_spec;
    if (s.to == "jsonl" || s.to == "sqlite" || s.to == "postgres") {
        if (s.out.empty()) return usage(name, "--to " + s.to + " needs --out");
        dest_spec = s.to == "jsonl" ? s.out : s.to + ":" + s.out;
    } else {
        if (!s.out.empty()) return usage(name, "--out goes with --to jsonl|sqlite|postgres, not with a whole SPEC");
        dest_spec = s.to;
    }
    trail_spec dest = parse_trail_spec(dest_spec);
    if (!s.table.empty()) {
        if (dest.kind == trail_kind::jsonl) return usage(name, "--table is for SQL destinations");
        dest.table = s.table;
    }
    aitrail::verify_options options;
    options.max_problems = 10;
    const auto batch = static_cast<std::size_t>(s.batch);

    const auto t0 = std::chrono::steady_clock::now();
    if (!s.key_file.empty()) options.key = aitrail::read_key_file(s.key_file);
    const auto source = trail_source::open(s.from);
    const auto before = aitrail::verify(source, options);
    if (!before.ok()) {
        std::printf("source %s does not verify; nothing exported:\n", source.name().c_str());
        for (const auto& p : before.problems) std::printf("%s\n", aitrail::format_problem(p).c_str());
        return found_problems;
    }
    std::printf("source  %s: %s\n", source.name().c_str(), aitrail::format_summary(before).c_str());

    copy_result copied;
    switch (dest.kind) {
        case trail_kind::jsonl: {
            aitrail::jsonl_storage out{dest.location};
            copied = copy_lines(source, out, batch);
            break;
        }
        case trail_kind::sqlite: {
#if AITRAIL_CLI_HAS_SQLITE
            const auto out = open_sql_storage<aitrail::sqlite_storage>(dest, aitrail::sqlite_options{});
            copied = copy_lines(source, *out, batch);
            break;
#else
            throw aitrail::storage_error("this aitrail was built without SQLite support");
#endif
        }
        case trail_kind::postgres: {
#if AITRAIL_CLI_HAS_POSTGRES
            const auto out = open_sql_storage<aitrail::postgres_storage>(dest, aitrail::postgres_options{});
            copied = copy_lines(source, *out, batch);
            break;
#else
            throw aitrail::storage_error("this aitrail was built without PostgreSQL support");
#endif
        }
    }

    // The copy is read back through a fresh reader: what a later auditor sees.
    std::string dest_text = dest_spec;
    if (!s.table.empty()) dest_text += "#" + s.table;
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
}

}  // namespace

runner add_export(CLI::App& app) {
    const auto [cmd, s] = add_command<export_settings>(app, "export", "Copy a trail into JSONL, SQLite or PostgreSQL, verified on both ends",
                                                       footer("  aitrail export --trail trails/app --to sqlite --out audit.db\n"
                                                              "  aitrail export --trail sqlite:audit.db --to 'postgres:dbname=audit#trail_2026'",
                                                              "The destination must be empty. exit status: 0 the copy verifies and ends at the "
                                                              "source's last hash,\n1 a verification failed, 2 usage or I/O error"));
    add_trail(*cmd, s->from, "the trail to copy: DIR | sqlite:FILE | postgres:CONNINFO | postgresql://URI");
    cmd->add_option("--to", s->to,
                    "jsonl (--out DIR), sqlite (--out FILE) or postgres (--out CONNINFO); or a whole destination SPEC "
                    "(sqlite:FILE, postgres:CONNINFO#TABLE...)")
        ->type_name("KIND|SPEC");
    cmd->add_option("--out", s->out, "where, with --to jsonl|sqlite|postgres")->type_name("LOCATION");
    cmd->add_option("--table", s->table, "destination table for SQL storages (default aitrail_entries)")
        ->type_name("NAME");
    cmd->add_option("--key-file", s->key_file, "the key of a keyed trail (hasher hmac-sha256), to verify both ends")
        ->type_name("FILE");
    add_parsed(*cmd, "--batch", s->batch, "entries per append (one transaction each; default 1000)",
               [](const std::string& flag, const std::string& v) { return parse_integer(flag, v, 1, 10'000'000); })
        ->type_name("N");
    return [s] { return run_export(*s); };
}

}  // namespace aitrail_cli
