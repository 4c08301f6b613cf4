// `aitrail version`: the tool's version and the trail format it writes.

#include "commands.hpp"

#include <aitrail/config.hpp>

#include <cstdio>  // printf

namespace aitrail_cli {

/// Prints "aitrail X.Y.Z (trail format vN)".
int print_version() {
    std::printf("aitrail %s (trail format v%d)\n", AITRAIL_VERSION_STRING, aitrail::trail_format_version);
    return ok;
}

runner add_version(CLI::App& app) {
    add_command(app, "version", "Print the version and the trail format version",
                footer("  aitrail version\n  aitrail --version", "exit status: 0"));
    return [] { return print_version(); };
}

}  // namespace aitrail_cli
