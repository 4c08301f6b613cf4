#pragma once
/// @file checkpoint_trails.hpp
/// What the checkpoint tests share: trails of model calls written through
/// the auditor, log keys written to files as `aitrail keygen` would, and the
/// built tool run with its exit status, stdout and stderr.

#include "support/files.hpp"
#include "support/shell.hpp"
#include "support/tool_path.hpp"

#include <aitrail/capture/auditor.hpp>
#include <aitrail/integrity/signed_note.hpp>
#include <aitrail/storage/jsonl_storage.hpp>

#include <filesystem>  // path, remove
#include <string>      // string, to_string
#include <vector>      // vector

namespace aitrail_test {

/// Appends `calls` model calls to the JSONL trail in `dir` (created, or
/// resumed), in files of at most `file_bytes`.
inline void append_calls(const std::filesystem::path& dir, int calls, std::uint64_t file_bytes = 8192) {
    aitrail::auditor<> audit{aitrail::jsonl_storage(dir, {.max_file_bytes = file_bytes})};
    for (int i = 0; i < calls; ++i) {
        auto scope = audit.scope({.action = "messages.create", .user = "user" + std::to_string(i)});
        scope.input({{"prompt", "question " + std::to_string(i)}}).output({{"text", "answer " + std::to_string(i)}});
    }
}

/// A log key and the files holding it.
struct log_key {
    aitrail::note_signer signer;       ///< the private key
    std::filesystem::path key_file;    ///< PRIVATE+KEY+... (one line)
    std::filesystem::path vkey_file;   ///< the verifier key (one line)
    std::string vkey;                  ///< the verifier key text
};

/// A new key named `origin`, written to `<dir>/<file_stem>.key` and `.vkey`.
inline log_key make_log_key(const std::filesystem::path& dir, const std::string& origin, const std::string& file_stem) {
    log_key k{aitrail::note_signer::generate(origin), dir / (file_stem + ".key"), dir / (file_stem + ".vkey"), {}};
    k.vkey = k.signer.verifier_key();
    write_file(k.key_file, k.signer.private_key() + "\n");
    write_file(k.vkey_file, k.vkey + "\n");
    return k;
}

/// How the tool ended and what it printed.
struct cli_run {
    int status = -1;   ///< exit status (-1: killed by a signal)
    std::string out;   ///< stdout
    std::string err;   ///< stderr
    /// Both streams.
    std::string all() const { return out + err; }
};

/// Runs `aitrail <args>`; `scratch` holds its stderr for a moment.
inline cli_run run_aitrail(const std::filesystem::path& scratch, const std::vector<std::string>& args) {
    const auto err_file = scratch / "aitrail-stderr.txt";
    std::string command = shell_quote(tool_path());
    for (const auto& a : args) command += " " + shell_quote(a);
    command += " 2>" + shell_quote(err_file.string());
    const auto shell = run_shell(command);
    cli_run r{shell.exit_code, shell.out, read_file(err_file)};
    std::filesystem::remove(err_file);
    return r;
}

/// True if `text` contains `part`.
inline bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace aitrail_test
