#pragma once
// Small argument helpers shared by the aitrail subcommands.

#include <cstdio>       // fprintf
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail_cli {

/// Exit codes shared by every subcommand.
enum exit_code : int { ok = 0, found_problems = 1, usage_error = 2 };

/// The arguments after the subcommand name.
struct args {
    std::vector<std::string> items;
    std::size_t at = 0;

    bool empty() const { return at >= items.size(); }
    const std::string& peek() const { return items[at]; }
    std::string next() { return items[at++]; }
};

/// Prints `message` and the usage text to stderr; returns usage_error.
inline int usage(std::string_view message, std::string_view text) {
    if (!message.empty()) std::fprintf(stderr, "aitrail: %.*s\n", static_cast<int>(message.size()), message.data());
    std::fprintf(stderr, "%.*s", static_cast<int>(text.size()), text.data());
    return usage_error;
}

}  // namespace aitrail_cli
