#pragma once
// `aitrail redact`: runs a redaction policy over text or JSON from stdin and
// prints what would be stored, with the counts — to test a policy before
// trusting it with production traffic.

#include "cli.hpp"

#include <aitrail/pipeline/prepare.hpp>
#include <aitrail/policy/redactor.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>    // printf
#include <iostream>  // cin
#include <iterator>  // istreambuf_iterator
#include <map>       // map
#include <string>    // string

namespace aitrail_cli {

inline constexpr std::string_view redact_usage =
    "usage: aitrail redact [--policy NAME] [--text | --json] < INPUT\n"
    "  --policy NAME  default: secrets (what aitrail::default_policy redacts)\n"
    "                 seed: email, phone, ssn, credit_card (the four patterns of the usual regex scripts)\n"
    "                 personal: email, phone, ssn, credit_card, iban, ipv4, ipv6\n"
    "                 all: personal + secrets\n"
    "  --text         treat stdin as text (default: JSON if it parses as JSON, else text)\n"
    "  --json         treat stdin as JSON (string values are redacted; keys and structure stay;\n"
    "                 credential members such as Authorization and x-api-key are removed)\n"
    "output: one JSON object {\"policy\", \"redacted\", \"redactions\": {detector: count}}\n";

namespace detail_redact {

template <class Redactor>
int run(const std::string& policy, const std::string& input, int mode) {
    std::map<std::string, std::int64_t> counts;
    nlohmann::json redacted;
    const auto parsed = mode == 1 ? nlohmann::json::value_t::discarded : nlohmann::json::parse(input, nullptr, false).type();
    if (mode == 2 || (mode == 0 && parsed != nlohmann::json::value_t::discarded)) {
        redacted = nlohmann::json::parse(input, nullptr, false);
        if (redacted.is_discarded()) {
            std::fprintf(stderr, "aitrail redact: stdin is not valid JSON (use --text to redact it as text)\n");
            return usage_error;
        }
        aitrail::detail::remove_credentials(redacted, counts);
        aitrail::detail::redact_strings<Redactor>(redacted, counts);
    } else {
        std::string text = input;
        Redactor::apply(text, counts);
        redacted = text;
    }
    const nlohmann::json out = {{"policy", policy}, {"redacted", redacted}, {"redactions", counts}};
    std::printf("%s\n", out.dump(2).c_str());
    return ok;
}

}  // namespace detail_redact

inline int run_redact(args a) {
    namespace r = aitrail::redactors;
    std::string policy = "default";
    int mode = 0;  // 0 auto, 1 text, 2 json
    while (!a.empty()) {
        const std::string arg = a.next();
        if (arg == "--policy") {
            if (a.empty()) return usage("--policy needs a name", redact_usage);
            policy = a.next();
        } else if (arg == "--text") mode = 1;
        else if (arg == "--json") mode = 2;
        else if (arg == "-h" || arg == "--help") {
            std::printf("%.*s", static_cast<int>(redact_usage.size()), redact_usage.data());
            return ok;
        } else return usage("unknown argument " + arg, redact_usage);
    }
    const std::string input{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
    if (policy == "default" || policy == "secrets") return detail_redact::run<r::pii<r::secrets>>(policy, input, mode);
    if (policy == "seed") return detail_redact::run<r::pii<r::email, r::phone, r::ssn, r::credit_card>>(policy, input, mode);
    if (policy == "personal") return detail_redact::run<r::pii<r::personal>>(policy, input, mode);
    if (policy == "all") return detail_redact::run<r::pii<r::all>>(policy, input, mode);
    return usage("unknown policy '" + policy + "'", redact_usage);
}

}  // namespace aitrail_cli
