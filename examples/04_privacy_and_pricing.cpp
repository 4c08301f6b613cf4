// Policies: a hand-written audit logger's pricing constants and PII scrubbing,
// as one policy struct. The logger priced $5/M input, $25/M output and
// thinking "same as input" ($5/M), Claude Opus 4.5's list rates with thinking
// discounted. Here that is a compile-time price table: exact integers, the
// table named in every cost. Its redaction becomes the PII detectors.
//
//   ./04_privacy_and_pricing  prints the sealed entry of one priced call

#include <aitrail/aitrail.hpp>
#include <aitrail/policy/pricing.hpp>
#include <aitrail/policy/redactor.hpp>

#include <iostream>

struct privacy_and_pricing_policy : aitrail::synchronous_policy {
    // Thinking tokens are part of output; this table bills them at the input rate.
    using pricing = aitrail::pricers::table<
        aitrail::pricers::id<"opus-thinking-at-input-rate">,
        aitrail::pricers::entry<"claude-opus-4-5",
                                aitrail::pricers::per_million{.input = "5", .output = "25", .reasoning = "5"}>>;
    using redactor = aitrail::redactors::pii<aitrail::redactors::email, aitrail::redactors::phone,
                                             aitrail::redactors::ssn, aitrail::redactors::credit_card>;
};

int main() {
    aitrail::memory_storage trail;
    {
        aitrail::auditor<privacy_and_pricing_policy> audit{trail};
        auto scope = audit.scope({.action = "messages.create", .user = "user-42",
                                  .model = {"claude-opus-4-5-20251101", "", "anthropic"}});
        scope.input({{"messages", {{{"role", "user"}, {"content", "Email jane.doe@example.com about the refund"}}}}});
        scope.output("Drafted the email.");
        // 1000 in x $5/M + (3000 - 2000) out x $25/M + 2000 thinking x $5/M = $0.04
        scope.usage({.input = 1000, .output = 3000, .reasoning = 2000}).stop_reason("end_turn");
    }
    // The call's entry: cost {"nanos_usd": 40000000, "pricing": "opus-thinking-at-input-rate"},
    // meta.cost_provenance naming the table digest, the e-mail address redacted.
    std::cout << trail.lines().back() << '\n';
}
