#pragma once
// The witnesses a signing command publishes its checkpoints to:
//
//   --witness URL          a c2sp.org/tlog-witness (aitrail witness serve, or
//                          any other), its cosignatures stored with the checkpoint
//   --witness-vkey VKEY    a witness's cosignature key: its lines are checked
//                          (those of other keys are dropped); text or file
//   --witness-dir DIR      a directory witness (another volume or mount)
//
// Boost.Beast (the HTTP client): included only by the commands that already
// hold it (checkpoint, proxy).

#include "note_keys.hpp"

#include <aitrail/pipeline/directory_witness.hpp>
#include <aitrail/pipeline/tlog_witness_client.hpp>
#include <aitrail/pipeline/witness_publisher.hpp>

#include <CLI/CLI.hpp>

#include <memory>  // shared_ptr, make_shared
#include <string>  // string
#include <vector>  // vector

namespace aitrail_cli {

/// The witness flags' values.
struct witness_flags {
    std::vector<std::string> urls;
    std::vector<std::string> dirs;
    std::vector<std::string> vkeys;

    /// Whether any witness was named.
    bool any() const noexcept { return !urls.empty() || !dirs.empty(); }
};

/// Adds --witness, --witness-vkey and --witness-dir to `cmd`.
inline void add_witness_flags(CLI::App& cmd, witness_flags& w) {
    cmd.add_option("--witness", w.urls,
                   "publish each checkpoint to this c2sp.org/tlog-witness (http(s)://HOST[:PORT][/PREFIX]); repeatable")
        ->type_name("URL")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd.add_option("--witness-vkey", w.vkeys,
                   "a witness's cosignature key (text or file): its cosignatures are checked, others dropped; repeatable")
        ->type_name("VKEY")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd.add_option("--witness-dir", w.dirs,
                   "also keep each checkpoint in this directory witness (another volume), which refuses forks; repeatable")
        ->type_name("DIR")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

/// The publisher for `w`, checkpoints signed by `log_key`; null when no
/// witness is named. Throws naming the flag for a bad URL or key.
inline std::shared_ptr<aitrail::witness_publisher> make_witness_publisher(const witness_flags& w,
                                                                          const aitrail::note_verifier& log_key,
                                                                          aitrail::witness_publisher_options options) {
    if (!w.any()) return nullptr;
    const auto cosigners = load_verifier_keys("--witness-vkey", w.vkeys);
    auto publisher = std::make_shared<aitrail::witness_publisher>(std::move(options));
    for (const std::string& url : w.urls) {
        try {
            publisher->add(aitrail::tlog_witness_client({.url = url, .witness_keys = cosigners}));
        } catch (const std::exception& e) {
            throw std::runtime_error("--witness " + url + ": " + e.what());
        }
    }
    for (const std::string& dir : w.dirs) publisher->add(aitrail::directory_witness(dir, {log_key}));
    return publisher;
}

}  // namespace aitrail_cli
