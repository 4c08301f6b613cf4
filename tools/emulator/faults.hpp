#pragma once
/// @file faults.hpp
/// Fault specs: what a request asks the emulator to get wrong, from the
/// `x-emulator-fault` header and from a `fault-<spec>` suffix of the model
/// name (for clients that cannot set headers).

#include <chrono>       // milliseconds
#include <functional>   // function
#include <stdexcept>    // runtime_error
#include <string>       // string
#include <string_view>  // string_view

namespace aitrail_emulator {

/// A spec the emulator does not know; the request is answered 400.
struct bad_fault : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// The faults one request gets; all off by default.
struct fault_plan {
    int status = 0;                       ///< 400..599: answer with this error instead
    bool malformed = false;               ///< truncated JSON body, or one non-JSON event
    bool cutoff = false;                  ///< stop mid-body and drop the connection
    std::chrono::milliseconds slow{0};    ///< before the head and between events
};

/// Says whether a `once-...` spec is seen for the first time in this run
/// (and remembers it); shared by all connections.
using first_sighting = std::function<bool(const std::string& spec)>;

/// The spec a model name carries: everything after its first "fault-", or
/// empty. "gpt-emu-fault-once-429" → "once-429".
std::string_view model_fault_spec(std::string_view model) noexcept;

/// Adds the faults of a comma-separated spec list to `plan`. Specs: a status
/// 400..599, `malformed`, `cutoff`, `slow` (500 ms), `slow<N>` (N ms), and
/// `once-<spec>` (only the first request carrying that exact spec gets it).
/// Throws bad_fault for anything else.
void add_faults(fault_plan& plan, std::string_view specs, const first_sighting& first);

}  // namespace aitrail_emulator
