// Fault spec parsing; see faults.hpp for the grammar.

#include "faults.hpp"

#include <charconv>  // from_chars

namespace aitrail_emulator {

namespace {

/// `s` without surrounding spaces and tabs.
std::string_view trimmed(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

/// `s` as a whole non-negative decimal number, if it is one.
bool parse_number(std::string_view s, long& out) noexcept {
    if (s.empty()) return false;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && end == s.data() + s.size() && out >= 0;
}

/// Adds one spec (no commas) to `plan`.
void add_one(fault_plan& plan, std::string_view spec, const first_sighting& first) {
    if (spec.starts_with("once-")) {
        // The once-state is keyed by the whole spec so that once-429 and
        // once-500 are counted apart.
        if (first(std::string(spec))) add_one(plan, spec.substr(5), first);
        return;
    }
    long n = 0;
    if (parse_number(spec, n)) {
        if (n < 400 || n > 599) throw bad_fault("fault status must be 400..599: " + std::string(spec));
        plan.status = static_cast<int>(n);
    } else if (spec == "malformed") {
        plan.malformed = true;
    } else if (spec == "cutoff") {
        plan.cutoff = true;
    } else if (spec == "slow") {
        plan.slow = std::chrono::milliseconds(500);
    } else if (spec.starts_with("slow") && parse_number(spec.substr(4), n)) {
        plan.slow = std::chrono::milliseconds(n);
    } else {
        throw bad_fault("unknown fault spec '" + std::string(spec) +
                        "' (known: 400..599, malformed, cutoff, slow, slow<ms>, once-<spec>)");
    }
}

}  // namespace

std::string_view model_fault_spec(std::string_view model) noexcept {
    const auto at = model.find("fault-");
    return at == std::string_view::npos ? std::string_view{} : model.substr(at + 6);
}

void add_faults(fault_plan& plan, std::string_view specs, const first_sighting& first) {
    while (!specs.empty()) {
        const auto comma = specs.find(',');
        const std::string_view spec = trimmed(specs.substr(0, comma));
        if (!spec.empty()) add_one(plan, spec, first);
        if (comma == std::string_view::npos) break;
        specs.remove_prefix(comma + 1);
    }
}

}  // namespace aitrail_emulator
