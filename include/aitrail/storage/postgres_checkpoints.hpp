#pragma once
/// @file postgres_checkpoints.hpp
/// The checkpoints signed for a PostgreSQL trail: the table `<trail
/// table>_checkpoints` beside the trail's (same schema), one row a note,
/// append-only (triggers refuse UPDATE, DELETE and TRUNCATE, as on the
/// entries table):
///
///     id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY   the order they were issued
///     size BIGINT NOT NULL                                  the checkpoint's tree size
///     note TEXT NOT NULL                                    the signed note, verbatim
///     created_at TIMESTAMPTZ NOT NULL DEFAULT now()         when stored
///
/// The latest is the row with the highest id. A checkpoint_history
/// (storage/checkpoint_history.hpp), with its own connection. Not part of
/// aitrail.hpp: link `aitrail::postgres`.

#include <aitrail/config.hpp>
#include <aitrail/detail/storage/libpq.hpp>
#include <aitrail/detail/storage/postgres_sql.hpp>
#include <aitrail/storage/checkpoint_history.hpp>
#include <aitrail/storage/storage_error.hpp>

#include <cstdint>      // uint64_t
#include <memory>       // unique_ptr, make_unique
#include <optional>     // optional
#include <string>       // string, to_string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// The checkpoint history of the PostgreSQL trail in table `table`.
class postgres_checkpoints {
public:
    /// Connects with `conninfo` to the history of trail table `table`
    /// (`name` or `schema.name`, as postgres_options::table); a writer
    /// creates the checkpoints table and its triggers if missing, a reader
    /// never does (and sees no checkpoints until there is a table). Throws
    /// storage_error naming the table and PostgreSQL's message.
    explicit postgres_checkpoints(const std::string& conninfo, const std::string& table = "aitrail_entries",
                                  bool read_only = false)
        : name_(table + "_checkpoints"), context_("postgres checkpoints '" + name_ + "'") {
        const auto t = detail::pg_table::parse(table);
        if (!t)
            throw storage_error(context_ + ": invalid trail table name; use name or schema.name, each lowercase "
                                "letters, digits and '_', at most 48 characters");
        table_ = t->sibling("_checkpoints");
        conn_ = std::make_unique<detail::pg_connection>(conninfo, context_);
        if (read_only) {
            conn_->command("SET default_transaction_read_only TO on", "set the session read-only");
            return;
        }
        const auto present = conn_->query("SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass(" + table_.literal() +
                                              ") AND tgname IN ('aitrail_append_only', 'aitrail_no_truncate')",
                                          "look up the checkpoints table");
        // Skipped when it exists, so that a role that may only INSERT and
        // SELECT can sign into a table an administrator created.
        if (detail::pg_value(present, 0, 0) == "2") return;
        std::string sql = "BEGIN;\nSET LOCAL client_min_messages TO warning;\nSELECT pg_advisory_xact_lock(" +
                          std::to_string(detail::pg_lock_class) + ", 0);\n";
        if (!table_.schema.empty()) sql += "CREATE SCHEMA IF NOT EXISTS \"" + table_.schema + "\";\n";
        sql += "CREATE TABLE IF NOT EXISTS " + table_.qualified +
               " (\n"
               "  id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
               "  size       BIGINT NOT NULL CHECK (size >= 0),\n"
               "  note       TEXT NOT NULL,\n"
               "  created_at TIMESTAMPTZ NOT NULL DEFAULT now());\n" +
               detail::pg_append_only_sql(table_) + "COMMIT";
        try {
            conn_->command(sql, "create the checkpoints table");
        } catch (...) {
            conn_->rollback_if_open();
            throw;
        }
    }

    /// The table's name (`<trail table>_checkpoints`).
    const std::string& table() const noexcept { return name_; }

    /// The latest note, nullopt when none (or no table yet).
    std::optional<std::string> latest() const {
        auto notes = select(" ORDER BY id DESC LIMIT 1");
        return notes.empty() ? std::nullopt : std::optional<std::string>(std::move(notes.front()));
    }
    /// Every note, oldest first.
    std::vector<std::string> all() const { return select(" ORDER BY id"); }

    /// Appends `note` (its size read from its second line). Throws
    /// storage_error when the note has no size or the insert fails.
    void store(std::string_view note) {
        const auto size = detail::checkpoint_note_size(note);
        if (!size) throw storage_error(context_ + ": the note is not a checkpoint (no size on line 2)");
        const std::string size_text = std::to_string(*size), text(note);
        conn_->query("INSERT INTO " + table_.qualified + " (size, note) VALUES ($1, $2) RETURNING id",
                     {size_text.c_str(), text.c_str()}, "store the checkpoint of size " + size_text);
    }

private:
    std::vector<std::string> select(const std::string& order) const {
        std::vector<std::string> out;
        const auto exists = conn_->query("SELECT to_regclass(" + table_.literal() + ") IS NOT NULL",
                                         "look up the checkpoints table");
        if (detail::pg_value(exists, 0, 0) != "t") return out;
        const auto r = conn_->query("SELECT note FROM " + table_.qualified + order, "read the checkpoints");
        for (int i = 0; i < detail::pg_rows(r); ++i) out.emplace_back(detail::pg_value(r, i, 0));
        return out;
    }

    std::string name_;
    std::string context_;
    detail::pg_table table_;
    std::unique_ptr<detail::pg_connection> conn_;
};

}  // namespace v1
}  // namespace aitrail
