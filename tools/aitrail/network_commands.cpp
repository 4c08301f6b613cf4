// The HTTP subcommands' one translation unit (see network_commands.hpp).

#include "network_commands.hpp"

#include "cmd_proxy.hpp"
#include "cmd_replay.hpp"

#include <utility>  // move

namespace aitrail_cli {

int proxy_command(args a) { return run_proxy(std::move(a)); }
int replay_command(args a) { return run_replay(std::move(a)); }

}  // namespace aitrail_cli
