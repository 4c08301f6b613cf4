#pragma once
// What the benchmarks share: the command-line walk, the median of runs and
// the PII-dense customer prompt several of them write or redact.

#include <algorithm>    // sort
#include <cstddef>      // size_t
#include <cstdint>      // uint64_t
#include <cstdio>       // fprintf, snprintf
#include <cstdlib>      // exit
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail_bench {

/// Prints `usage` and a newline on stderr and exits with status 2.
[[noreturn]] inline void exit_with_usage(const char* usage) {
    std::fprintf(stderr, "%s\n", usage);
    std::exit(2);
}

/// Walks argv option by option; any misuse prints the usage line and exits 2.
/// @code
/// for (aitrail_bench::args a(argc, argv, "usage: bench [--runs N] [--keep]"); a.next();) {
///     if (a.is("--runs")) runs = std::stoi(a.value());
///     else if (a.is("--keep")) keep = true;
///     else a.usage();
/// }
/// @endcode
class args {
public:
    /// `usage` is printed as is, followed by a newline.
    args(int argc, char** argv, const char* usage) : argc_(argc), argv_(argv), usage_(usage) {}
    /// Moves to the next option; false after the last.
    bool next() { return ++i_ < argc_; }
    /// True when the current option is `flag`.
    bool is(std::string_view flag) const { return argv_[i_] == flag; }
    /// The current option's value: the argument after it.
    std::string value() {
        if (i_ + 1 >= argc_) usage();
        return argv_[++i_];
    }
    /// Prints the usage line and exits with status 2.
    [[noreturn]] void usage() const { exit_with_usage(usage_); }

private:
    int argc_;
    char** argv_;
    const char* usage_;
    int i_ = 0;
};

/// The median of a set of runs (the upper one of an even count).
inline double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

/// Customer `i`'s prompt, into `out`: a head with an email, a phone number, a
/// card number and an SSN, then 900 bytes of filler (~1 KB, what a support
/// application sends).
inline void make_prompt(std::uint64_t i, std::string& out) {
    static const std::string body = [] {
        const std::string filler =
            "Please review the attached quarterly summary and explain the variance in operating costs across "
            "regions, noting any anomalies. ";
        std::string b;
        while (b.size() < 900) b += filler;
        b.resize(900);
        return b;
    }();
    char head[192];
    const int n = std::snprintf(head, sizeof head,
                                "Customer %llu: contact jane.doe%llu@example.com or 555-123-%04llu. "
                                "Card 4111 1111 1111 1111, SSN 123-45-6789. ",
                                static_cast<unsigned long long>(i), static_cast<unsigned long long>(i),
                                static_cast<unsigned long long>(i % 10000));
    out.assign(head, static_cast<std::size_t>(n));
    out += body;
}

/// Customer `i`'s prompt.
inline std::string make_prompt(std::uint64_t i) {
    std::string out;
    make_prompt(i, out);
    return out;
}

}  // namespace aitrail_bench
