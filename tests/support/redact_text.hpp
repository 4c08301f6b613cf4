#pragma once
/// @file redact_text.hpp
/// Runs a redactor over a test's text and returns what comes out, so that a
/// redaction test reads as input == expected output.

#include <aitrail/policy/redactor.hpp>

#include <cstdint>  // int64_t
#include <map>      // map
#include <string>   // string
#include <utility>  // move

namespace aitrail_test {

/// `text` after redactor P (the per-detector counts are not looked at).
template <class P>
std::string redacted(std::string text) {
    std::map<std::string, std::int64_t> counts;
    P::apply(text, counts);
    return text;
}

/// `text` after detector D alone, masked as pii<D> masks it.
template <class D>
std::string alone(std::string text) {
    return redacted<aitrail::redactors::pii<D>>(std::move(text));
}

}  // namespace aitrail_test
