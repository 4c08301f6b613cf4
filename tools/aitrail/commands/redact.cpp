// `aitrail redact`: runs a redaction policy over text or JSON from stdin and
// prints what would be stored, with the counts — to test a policy before
// trusting it with production traffic.

#include "commands.hpp"

#include <aitrail/pipeline/redact_json.hpp>
#include <aitrail/policy/redactor.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>    // printf
#include <iostream>  // cin
#include <iterator>  // istreambuf_iterator
#include <map>       // map
#include <string>    // string

namespace aitrail_cli {

namespace {

/// How stdin is read.
enum class input_mode { automatic, text, json };

/// What `aitrail redact` is asked.
struct redact_settings {
    std::string policy = "default";
    bool text = false, json = false;
};

template <class Redactor>
int redact_with(const std::string& policy, const std::string& input, input_mode mode) {
    std::map<std::string, std::int64_t> counts;
    nlohmann::json redacted;
    const bool as_json = mode == input_mode::json ||
                         (mode == input_mode::automatic && !nlohmann::json::parse(input, nullptr, false).is_discarded());
    if (as_json) {
        redacted = nlohmann::json::parse(input, nullptr, false);
        if (redacted.is_discarded()) return fail("redact", "stdin is not valid JSON (use --text to redact it as text)");
        aitrail::redact_json<Redactor>(redacted, counts);
    } else {
        std::string text = input;
        Redactor::apply(text, counts);
        redacted = text;
    }
    const nlohmann::json out = {{"policy", policy}, {"redacted", redacted}, {"redactions", counts}};
    std::printf("%s\n", out.dump(2).c_str());
    return ok;
}

int run_redact(const redact_settings& s) {
    namespace r = aitrail::redactors;
    const auto& policy = s.policy;
    if (s.text && s.json) return usage("redact", "--text and --json exclude each other");
    const auto mode = s.text ? input_mode::text : s.json ? input_mode::json : input_mode::automatic;
    if (policy != "default" && policy != "secrets" && policy != "common-pii" && policy != "personal" && policy != "all")
        return usage("redact", "unknown policy '" + policy + "' (default, secrets, common-pii, personal or all)");
    const std::string input{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
    if (policy == "default" || policy == "secrets") return redact_with<r::pii<r::secrets>>(policy, input, mode);
    if (policy == "common-pii") return redact_with<r::pii<r::email, r::phone, r::ssn, r::credit_card>>(policy, input, mode);
    if (policy == "personal") return redact_with<r::pii<r::personal>>(policy, input, mode);
    return redact_with<r::pii<r::all>>(policy, input, mode);
}

}  // namespace

runner add_redact(CLI::App& app) {
    const auto [cmd, s] = add_command<redact_settings>(app, "redact", "Redact text or JSON from stdin with a policy, to test it before trusting it",
                                                       footer("  aitrail redact --policy all --json < request.json\n"
                                                              "  echo 'mail jane.doe@example.com' | aitrail redact --policy common-pii\n"
                                                              "output: one JSON object {\"policy\", \"redacted\", \"redactions\": {detector: count}}",
                                                              "exit status: 0 ok, 2 usage error or input that is not what --json says"));
    cmd->add_option("--policy", s->policy,
                    "default or secrets: what aitrail::default_policy redacts; common-pii: email, phone, ssn, "
                    "credit_card; personal: those and iban, ipv4, ipv6; all: personal + secrets")
        ->type_name("NAME");
    cmd->add_flag("--text", s->text, "treat stdin as text (default: JSON if it parses as JSON, else text)");
    cmd->add_flag("--json", s->json,
                  "treat stdin as JSON (string values are redacted, keys and structure stay; credential members such "
                  "as Authorization and x-api-key are removed)");
    return [s] { return run_redact(*s); };
}

}  // namespace aitrail_cli
