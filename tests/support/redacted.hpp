#pragma once
/// @file redacted.hpp
/// A text as a redactor leaves it, for tests that compare before and after.

#include <aitrail/policy/redactor.hpp>

#include <cstdint>  // int64_t
#include <map>      // map
#include <string>   // string
#include <utility>  // move

namespace aitrail_test {

/// The counts a redactor adds to, by detector name.
using redaction_counts = std::map<std::string, std::int64_t>;

/// `text` after redactor `Redactor` (its counts dropped).
template <class Redactor>
std::string redacted(std::string text) {
    redaction_counts counts;
    Redactor::apply(text, counts);
    return text;
}

/// `text` after the detector `Detector` alone.
template <class Detector>
std::string alone(std::string text) {
    return redacted<aitrail::redact::pii<Detector>>(std::move(text));
}

}  // namespace aitrail_test
