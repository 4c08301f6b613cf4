#pragma once
// The trail a read command works on, named on the command line:
//
//   DIR                      a JSONL trail directory (read only)
//   sqlite:FILE              an SQLite database written by sqlite_storage
//   postgres:CONNINFO        a PostgreSQL database written by postgres_storage
//   postgresql://...         the same, as a connection URI
//
// An optional "#TABLE" after an SQL trail names its table (default
// aitrail_entries). Readers never create, repair or change what they read.

#include <aitrail/read/query.hpp>
#include <aitrail/storage/jsonl_directory.hpp>
#include <aitrail/storage/storage_error.hpp>

#if AITRAIL_CLI_HAS_SQLITE
#include <aitrail/storage/sqlite_storage.hpp>
#endif
#if AITRAIL_CLI_HAS_POSTGRES
#include <aitrail/storage/postgres_storage.hpp>
#endif

#include <cstdint>      // uintmax_t
#include <filesystem>   // path
#include <functional>   // function
#include <memory>       // shared_ptr, make_shared
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view
#include <utility>      // move
#include <vector>       // vector

namespace aitrail_cli {

/// What a trail spec names.
enum class trail_kind { jsonl, sqlite, postgres };

/// A parsed trail spec.
struct trail_spec {
    trail_kind kind = trail_kind::jsonl;
    std::string location;  ///< directory, database file or conninfo
    std::string table;     ///< SQL table ("" = the storage's default)
};

/// Parses DIR | sqlite:FILE | postgres:CONNINFO | postgresql://URI, with an
/// optional "#TABLE" suffix for the SQL kinds.
inline trail_spec parse_trail_spec(std::string_view spec) {
    trail_spec out;
    const auto split_table = [&](std::string_view rest) {
        if (const auto hash = rest.rfind('#'); hash != std::string_view::npos) {
            out.table = std::string(rest.substr(hash + 1));
            rest = rest.substr(0, hash);
        }
        out.location = std::string(rest);
    };
    if (spec.starts_with("sqlite:")) {
        out.kind = trail_kind::sqlite;
        split_table(spec.substr(7));
    } else if (spec.starts_with("postgres:")) {
        out.kind = trail_kind::postgres;
        split_table(spec.substr(9));
    } else if (spec.starts_with("postgresql://") || spec.starts_with("postgres://")) {
        out.kind = trail_kind::postgres;
        split_table(spec);
    } else {
        out.location = std::string(spec);
    }
    return out;
}

/// The spec as it may be shown (a conninfo's password hidden).
inline std::string display_name(const trail_spec& s) {
    switch (s.kind) {
        case trail_kind::jsonl: return s.location;
        case trail_kind::sqlite: return "sqlite:" + s.location + (s.table.empty() ? "" : "#" + s.table);
        case trail_kind::postgres: {
            std::string shown = s.location;
            // password=... in key/value form, or user:password@ in a URI.
            if (auto p = shown.find("password="); p != std::string::npos) {
                auto e = shown.find(' ', p);
                shown.replace(p + 9, (e == std::string::npos ? shown.size() : e) - p - 9, "***");
            }
            if (auto at = shown.find('@'); at != std::string::npos) {
                auto scheme = shown.find("://");
                auto colon = shown.find(':', scheme == std::string::npos ? 0 : scheme + 3);
                if (scheme != std::string::npos && colon != std::string::npos && colon < at)
                    shown.replace(colon + 1, at - colon - 1, "***");
            }
            return "postgres:" + shown + (s.table.empty() ? "" : "#" + s.table);
        }
    }
    return s.location;
}

/// The SQL storage `Storage` (sqlite_storage or postgres_storage) that
/// `spec` names, with `options` (the storage's own) and the spec's table
/// when it names one.
template <class Storage, class Options>
std::shared_ptr<Storage> open_sql_storage(const trail_spec& spec, Options options) {
    if (!spec.table.empty()) options.table = spec.table;
    return std::make_shared<Storage>(spec.location, options);
}

/// A trail opened for reading: a line_source whatever the storage.
class trail_source {
public:
    /// Visits every line in trail order.
    void scan(const aitrail::line_visitor& visit) const { scan_(visit); }
    /// Visits the lines from entry `seq` on (and possibly some before it:
    /// callers skip by seq). JSONL trails skip whole files by their names.
    void scan_from(std::uint64_t seq, const aitrail::line_visitor& visit) const {
        if (scan_from_) scan_from_(seq, visit);
        else scan_(visit);
    }
    /// How the trail was named (for messages).
    const std::string& name() const noexcept { return name_; }
    /// Total bytes to read, when the storage knows it cheaply (JSONL).
    std::optional<std::uintmax_t> size_bytes() const { return size_ ? std::optional(size_()) : std::nullopt; }
    /// The parsed spec.
    const trail_spec& spec() const noexcept { return spec_; }
    /// The bytes of hash tile `t`, nullopt when the trail does not have it.
    std::optional<std::string> read_tile(const aitrail::tile_id& t) const {
        return read_tile_ ? read_tile_(t) : std::nullopt;
    }
    /// Every hash tile the trail has (none when its storage keeps none).
    std::vector<aitrail::tile_id> list_tiles() const { return list_tiles_ ? list_tiles_() : std::vector<aitrail::tile_id>{}; }

    /// Opens `spec` for reading; throws aitrail::storage_error (naming it) when it cannot.
    static trail_source open(std::string_view spec_text) {
        trail_source t;
        t.spec_ = parse_trail_spec(spec_text);
        t.name_ = display_name(t.spec_);
        switch (t.spec_.kind) {
            case trail_kind::jsonl: {
                auto dir = std::make_shared<aitrail::jsonl_directory>(t.spec_.location);
                t.scan_ = [dir](const aitrail::line_visitor& v) { dir->scan(v); };
                t.size_ = [dir] { return dir->size_bytes(); };
                t.read_tile_ = [dir](const aitrail::tile_id& id) { return dir->read_tile(id); };
                t.list_tiles_ = [dir] { return dir->list_tiles(); };
                t.scan_from_ = [dir](std::uint64_t seq, const aitrail::line_visitor& v) {
                    const auto files = aitrail::list_trail_files(dir->directory());
                    std::vector<std::filesystem::path> wanted;
                    for (std::size_t i = 0; i < files.size(); ++i)
                        if (i + 1 == files.size() || files[i + 1].first_seq > seq) wanted.push_back(files[i].path);
                    aitrail::scan_jsonl_files(wanted, v);
                };
                return t;
            }
            case trail_kind::sqlite: {
#if AITRAIL_CLI_HAS_SQLITE
                const aitrail::sqlite_options options{.read_only = true};
                t.read_from(open_sql_storage<aitrail::sqlite_storage>(t.spec_, options));
                return t;
#else
                throw aitrail::storage_error("this aitrail was built without SQLite support: cannot open " + t.name_);
#endif
            }
            case trail_kind::postgres: {
#if AITRAIL_CLI_HAS_POSTGRES
                const aitrail::postgres_options options{.read_only = true};
                t.read_from(open_sql_storage<aitrail::postgres_storage>(t.spec_, options));
                return t;
#else
                throw aitrail::storage_error("this aitrail was built without PostgreSQL support: cannot open " + t.name_);
#endif
            }
        }
        return t;
    }

private:
    /// Reads from `db`, which lives as long as the source.
    template <class Storage>
    void read_from(std::shared_ptr<Storage> db) {
        scan_ = [db](const aitrail::line_visitor& v) { db->scan(v); };
        if constexpr (aitrail::tile_reader<Storage>) {
            read_tile_ = [db](const aitrail::tile_id& id) { return db->read_tile(id); };
            list_tiles_ = [db] { return db->list_tiles(); };
        }
    }

    trail_spec spec_;
    std::string name_;
    std::function<void(const aitrail::line_visitor&)> scan_;
    std::function<std::uintmax_t()> size_;
    std::function<void(std::uint64_t, const aitrail::line_visitor&)> scan_from_;
    std::function<std::optional<std::string>(const aitrail::tile_id&)> read_tile_;
    std::function<std::vector<aitrail::tile_id>()> list_tiles_;
};

}  // namespace aitrail_cli
