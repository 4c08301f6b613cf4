#pragma once
/// @file outcome_checks.hpp
/// The checks every adapter test makes of a successful reply: what the
/// provider said it was (model, id, stop reason) and what it counted.

#include <aitrail/capture/providers/call_outcome.hpp>

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <cstddef>  // size_t
#include <string>   // string

namespace aitrail_test {

/// What a reply reports about itself.
struct reply_facts {
    std::string model;        ///< the model that answered
    std::string response_id;  ///< the provider's id of the reply
    std::string stop_reason;  ///< why generation stopped
};

/// Checks `got` against `want` member by member (unset ones unset), so that
/// a failure names the count.
inline void check_usage(const aitrail::token_usage& got, const aitrail::token_usage& want) {
    CHECK(got.input == want.input);
    CHECK(got.output == want.output);
    CHECK(got.reasoning == want.reasoning);
    CHECK(got.cache_read == want.cache_read);
    CHECK(got.cache_write == want.cache_write);
}

/// Checks that `o` is a successful reply with `facts`, whose counts the
/// provider reported and equal `usage` member by member (unset ones unset).
inline void check_reported(const aitrail::call_outcome& o, const reply_facts& facts, const aitrail::token_usage& usage) {
    CHECK(o.model == facts.model);
    CHECK(o.response_id == facts.response_id);
    CHECK(o.stop_reason == facts.stop_reason);
    check_usage(o.usage, usage);
    CHECK(o.source == aitrail::usage_source::provider);
    CHECK_FALSE(o.error);
}

/// A failed call's status and body, and the error the adapter must record.
struct error_case {
    int status;           ///< HTTP status
    const char* body;     ///< response body
    const char* type;     ///< the recorded error's type
    const char* message;  ///< the recorded error's message
};

/// Reads each case with `Adapter`: the error is recorded with its type and
/// message, no counts or stop reason are made up, and the body is kept as
/// the output (parsed when it is JSON, as text when not).
template <class Adapter, std::size_t N>
void check_error_cases(const error_case (&cases)[N]) {
    for (const auto& c : cases) {
        CAPTURE(c.status);
        CAPTURE(c.body);
        const auto o = Adapter::read_response(c.status, c.body);
        CHECK(o.http_status == c.status);
        REQUIRE(o.error);
        CHECK(o.error->type == c.type);
        CHECK(o.error->message == c.message);
        CHECK(o.stop_reason.empty());
        CHECK(o.source == aitrail::usage_source::missing);
        if (nlohmann::json::accept(c.body)) CHECK(o.output == nlohmann::json::parse(c.body));
        else CHECK(o.output.is_string());
    }
}

}  // namespace aitrail_test
