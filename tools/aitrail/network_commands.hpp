#pragma once
// The subcommands that speak HTTP (proxy, replay), compiled in their own
// translation unit (network_commands.cpp): Boost.Beast and Asio are most of
// the tool's build time, and the read commands need none of them.

#include "cli.hpp"

namespace aitrail_cli {

/// `aitrail proxy`.
int proxy_command(args a);
/// `aitrail replay`.
int replay_command(args a);

}  // namespace aitrail_cli
