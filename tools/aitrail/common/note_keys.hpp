#pragma once
// Keys of the checkpoint commands: a private key file holds one line
// `PRIVATE+KEY+<name>+<hex id>+<base64>` (as `aitrail keygen` and Go's
// note.GenerateKey write it); a verifier key is given as its text
// `<name>+<hex id>+<base64>` or as the path of a file holding it. And the
// checkpoint history of a trail, whatever its storage.

#include "trail_source.hpp"

#include <aitrail/integrity/signed_note.hpp>
#include <aitrail/storage/checkpoint_history.hpp>

#if AITRAIL_CLI_HAS_SQLITE
#include <aitrail/storage/sqlite_checkpoints.hpp>
#endif
#if AITRAIL_CLI_HAS_POSTGRES
#include <aitrail/storage/postgres_checkpoints.hpp>
#endif

#include <filesystem>   // exists, is_regular_file
#include <fstream>      // ifstream
#include <functional>   // function
#include <iterator>     // istreambuf_iterator
#include <memory>       // shared_ptr
#include <optional>     // optional
#include <stdexcept>    // runtime_error
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail_cli {

/// The bytes of `path`; throws naming `flag` and the file when it cannot be read.
inline std::string read_text_file(const std::string& flag, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(flag + ": cannot read '" + path + "'");
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// `text` without trailing spaces, tabs, CR and LF.
inline std::string_view trim_end(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

/// The private key in the file `path` (given with `flag`).
inline aitrail::note_signer load_private_key(const std::string& flag, const std::string& path) {
    const std::string text = read_text_file(flag, path);
    try {
        return aitrail::note_signer(trim_end(text));
    } catch (const std::exception& e) {
        throw std::runtime_error(flag + " " + path + ": " + e.what());
    }
}

/// The verifier keys given with `flag`: each a key text or a file holding one
/// (or several, one a line).
inline std::vector<aitrail::note_verifier> load_verifier_keys(const std::string& flag, const std::vector<std::string>& given) {
    std::vector<aitrail::note_verifier> out;
    for (const auto& g : given) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(g, ec)) {
            const std::string text = read_text_file(flag, g);
            std::size_t line_no = 0;
            for (std::size_t at = 0; at < text.size();) {
                const auto nl = text.find('\n', at);
                const std::string_view line = trim_end(std::string_view(text).substr(at, nl - at));
                at = nl == std::string::npos ? text.size() : nl + 1;
                ++line_no;
                if (line.empty()) continue;
                try {
                    out.emplace_back(line);
                } catch (const std::exception& e) {
                    throw std::runtime_error(flag + " " + g + ":" + std::to_string(line_no) + ": " + e.what());
                }
            }
            continue;
        }
        try {
            out.emplace_back(trim_end(g));
        } catch (const std::exception& e) {
            throw std::runtime_error(flag + " '" + g + "': neither a file nor a verifier key (" + e.what() + ")");
        }
    }
    return out;
}

/// A trail's checkpoint history, whatever keeps it (a checkpoint_history).
struct trail_history {
    std::function<std::optional<std::string>()> latest_fn;
    std::function<std::vector<std::string>()> all_fn;
    std::function<void(std::string_view)> store_fn;
    std::string name;  ///< for messages

    /// The latest checkpoint.
    std::optional<std::string> latest() const { return latest_fn(); }
    /// Every checkpoint, oldest first.
    std::vector<std::string> all() const { return all_fn(); }
    /// Stores a new checkpoint.
    void store(std::string_view note) { store_fn(note); }
};

/// The history kept by `h`, which lives as long as the result.
template <class H>
trail_history history_of(std::shared_ptr<H> h, std::string name) {
    return {[h] { return h->latest(); }, [h] { return h->all(); }, [h](std::string_view n) { h->store(n); },
            std::move(name)};
}

/// The checkpoint history of the trail `spec` names (`read_only`: never
/// create the SQL table).
inline trail_history open_history(const trail_spec& spec, bool read_only = false) {
    if (spec.kind == trail_kind::jsonl) {
        auto h = std::make_shared<aitrail::jsonl_checkpoints>(spec.location);
        return history_of(h, (h->directory() / "checkpoints").string());
    }
#if AITRAIL_CLI_HAS_SQLITE
    if (spec.kind == trail_kind::sqlite) {
        auto h = std::make_shared<aitrail::sqlite_checkpoints>(
            spec.location, spec.table.empty() ? std::string("aitrail_entries") : spec.table, read_only);
        return history_of(h, display_name(spec) + "_checkpoints");
    }
#endif
#if AITRAIL_CLI_HAS_POSTGRES
    if (spec.kind == trail_kind::postgres) {
        auto h = std::make_shared<aitrail::postgres_checkpoints>(
            spec.location, spec.table.empty() ? std::string("aitrail_entries") : spec.table, read_only);
        return history_of(h, display_name(spec) + "_checkpoints");
    }
#endif
    throw aitrail::storage_error("checkpoints of this trail's storage are not available in this aitrail yet: " +
                                 display_name(spec));
}

}  // namespace aitrail_cli
