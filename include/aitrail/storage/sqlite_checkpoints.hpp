#pragma once
/// @file sqlite_checkpoints.hpp
/// The checkpoints signed for an SQLite trail: the table `<trail
/// table>_checkpoints` beside the trail's, one row a note, append-only
/// (triggers refuse UPDATE and DELETE):
///
///     id INTEGER PRIMARY KEY AUTOINCREMENT   the order they were issued
///     size INTEGER NOT NULL                  the checkpoint's tree size
///     note TEXT NOT NULL                     the signed note, verbatim
///     created_at TEXT NOT NULL               RFC 3339 UTC, when stored
///
/// The latest is the row with the highest id. A checkpoint_history
/// (storage/checkpoint_history.hpp), with its own connection to the file.

#include <aitrail/config.hpp>
#include <aitrail/detail/storage/sqlite.hpp>
#include <aitrail/record/timestamp.hpp>
#include <aitrail/storage/checkpoint_history.hpp>
#include <aitrail/storage/storage_error.hpp>

#include <cstdint>      // int64_t, INT64_MAX
#include <filesystem>   // path
#include <memory>       // unique_ptr, make_unique
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// The checkpoint history of the SQLite trail in `file`, table `table`.
class sqlite_checkpoints {
public:
    /// Opens the history of trail table `table` in `file`; a writer creates
    /// the checkpoints table if missing. Throws storage_error naming the file.
    explicit sqlite_checkpoints(const std::filesystem::path& file, std::string table = "aitrail_entries",
                                bool read_only = false)
        : db_(std::make_unique<detail::sqlite_connection>(file.string(), read_only)),
          name_(table + "_checkpoints"),
          quoted_(detail::sqlite_quote(name_)) {
        if (read_only) return;
        const std::string refuse = " BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;\n";
        db_->exec("CREATE TABLE IF NOT EXISTS " + quoted_ +
                      " (id INTEGER PRIMARY KEY AUTOINCREMENT, size INTEGER NOT NULL, note TEXT NOT NULL, "
                      "created_at TEXT NOT NULL);\n"
                      "CREATE TRIGGER IF NOT EXISTS " + detail::sqlite_quote(name_ + "_no_update") +
                      " BEFORE UPDATE ON " + quoted_ + refuse + "CREATE TRIGGER IF NOT EXISTS " +
                      detail::sqlite_quote(name_ + "_no_delete") + " BEFORE DELETE ON " + quoted_ + refuse,
                  "cannot create the checkpoints table");
    }

    /// The table's name.
    const std::string& table() const noexcept { return name_; }

    /// The latest note, nullopt when none (or no table yet).
    std::optional<std::string> latest() const {
        auto notes = select(" ORDER BY id DESC LIMIT 1");
        return notes.empty() ? std::nullopt : std::optional<std::string>(std::move(notes.front()));
    }
    /// Every note, oldest first.
    std::vector<std::string> all() const { return select(" ORDER BY id"); }

    /// Appends `note` (its size read from its second line).
    void store(std::string_view note) {
        const auto parsed = detail::checkpoint_note_size(note);
        if (!parsed || *parsed > static_cast<std::uint64_t>(INT64_MAX))
            throw storage_error("sqlite checkpoints '" + name_ + "': the note is not a checkpoint (no size on line 2)");
        auto insert = db_->prepare("INSERT INTO " + quoted_ + " (size, note, created_at) VALUES (?1, ?2, ?3)",
                                   "cannot prepare the checkpoint insert");
        const std::string now = to_rfc3339(now_utc());
        insert.bind(1, static_cast<std::int64_t>(*parsed));
        insert.bind(2, note);
        insert.bind(3, std::string_view(now));
        while (insert.step("cannot store the checkpoint")) {
        }
    }

private:
    std::vector<std::string> select(const std::string& order) const {
        std::vector<std::string> out;
        auto exists = db_->prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?1",
                                   "cannot look for the checkpoints table");
        exists.bind(1, std::string_view(name_));
        if (!exists.step("cannot look for the checkpoints table")) return out;
        auto q = db_->prepare("SELECT note FROM " + quoted_ + order, "cannot read the checkpoints");
        while (q.step("cannot read the checkpoints")) out.emplace_back(q.column_text(0));
        return out;
    }

    std::unique_ptr<detail::sqlite_connection> db_;
    std::string name_;
    std::string quoted_;
};

}  // namespace v1
}  // namespace aitrail
