#pragma once
/// @file redact_json.hpp
/// Redacts a JSON document the way the writer redacts a record's content,
/// for tools that test a redaction policy before trusting it with traffic
/// (`aitrail redact`) and for programs that redact bodies of their own.

#include <aitrail/config.hpp>
#include <aitrail/pipeline/prepare.hpp>
#include <aitrail/policy/redactor.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>  // int64_t
#include <map>      // map
#include <string>   // string

namespace aitrail {
inline namespace v1 {

/// Removes credential members (Authorization, x-api-key, cookies...)
/// anywhere in `doc`, then runs redactor `R` over every string value; keys
/// and structure stay. Adds the count of each detector's matches (and of
/// removed credentials, as "credential") to `counts`.
/// @code
/// std::map<std::string, std::int64_t> counts;
/// aitrail::redact_json<aitrail::redactors::pii<aitrail::redactors::email>>(body, counts);
/// @endcode
template <redactor R>
void redact_json(nlohmann::json& doc, std::map<std::string, std::int64_t>& counts) {
    detail::remove_credentials(doc, counts);
    detail::redact_strings<R>(doc, counts);
}

}  // namespace v1
}  // namespace aitrail
