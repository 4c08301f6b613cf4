#pragma once
// The aitrail commands, one source file each (commands/<name>.cpp). Each
// adds its subcommand and options to the application and returns what runs
// it once the command line is parsed. main.cpp lists them in its table.

#include "../common/cli_common.hpp"

namespace aitrail_cli {

/// `aitrail verify`.
runner add_verify(CLI::App& app);
/// `aitrail query`.
runner add_query(CLI::App& app);
/// `aitrail tail`.
runner add_tail(CLI::App& app);
/// `aitrail show`.
runner add_show(CLI::App& app);
/// `aitrail report`.
runner add_report(CLI::App& app);
/// `aitrail export`.
runner add_export(CLI::App& app);
/// `aitrail redact`.
runner add_redact(CLI::App& app);
/// `aitrail proxy` (Boost.Beast: its own translation unit).
runner add_proxy(CLI::App& app);
/// `aitrail replay` (Boost.Beast: its own translation unit).
runner add_replay(CLI::App& app);
/// `aitrail tiles`.
runner add_tiles(CLI::App& app);
/// `aitrail keygen`.
runner add_keygen(CLI::App& app);
/// `aitrail witness` (Boost.Beast: its own translation unit).
runner add_witness(CLI::App& app);
/// `aitrail checkpoint`.
runner add_checkpoint(CLI::App& app);
/// `aitrail prove`.
runner add_prove(CLI::App& app);
/// `aitrail verify-proof`.
runner add_verify_proof(CLI::App& app);
/// `aitrail consistency`.
runner add_consistency(CLI::App& app);
/// `aitrail version`.
runner add_version(CLI::App& app);

}  // namespace aitrail_cli
