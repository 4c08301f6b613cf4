#pragma once
/// @file checkpoint_keys.hpp
/// Trails of model calls written through the auditor, and log keys written
/// to files as `aitrail keygen` would: for the checkpoint tests and the Go
/// interoperability tool (no test framework needed).

#include "support/files.hpp"

#include <aitrail/capture/auditor.hpp>
#include <aitrail/integrity/signed_note.hpp>
#include <aitrail/storage/jsonl_storage.hpp>

#include <cstdint>     // uint64_t
#include <filesystem>  // path
#include <string>      // string, to_string

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

}  // namespace aitrail_test
