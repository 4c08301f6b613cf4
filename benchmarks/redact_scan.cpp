// Redaction speed: redactors::pii's single pass against std::regex running the
// seeds' four patterns one after another (as seed 003's redact_pii does),
// on the same text in the same run.
//
//   redact_scan [--kb 1024] [--runs 5]
//
// Texts: "pii-dense" is the seed pipeline's prompt (an email, a phone, a
// card and an SSN in ~1 KB) repeated; "pii-free" is English prose without
// any. Each is measured two ways: one large buffer redacted in one call,
// and ~1 KB records redacted one call each (what the pipeline does, with
// the per-call costs). Figures are the median of --runs runs, in MB/s of
// input; "x regex" is the speed over std::regex on the same text and shape.

#include "bench_support.hpp"

#include <aitrail/policy/redactor.hpp>

#include <algorithm>  // sort
#include <chrono>     // steady_clock
#include <cstdio>     // printf, snprintf
#include <cstdint>    // int64_t
#include <map>        // map
#include <regex>      // regex, regex_replace
#include <string>     // string
#include <vector>     // vector

namespace {

using clock_type = std::chrono::steady_clock;
namespace redactors = aitrail::redactors;
using seed_four = redactors::pii<redactors::email, redactors::phone, redactors::ssn, redactors::credit_card>;
using everything = redactors::pii<redactors::all>;

using aitrail_bench::make_prompt;
using aitrail_bench::median;

/// English prose with nothing to redact (about 1.3 KB, repeated).
const char* const prose =
    "Audit logging records what a system decided and why, so that a reviewer can later reconstruct the path from "
    "a request to its answer. The record has to be complete enough to be useful and small enough to be kept for "
    "years; it has to be written without slowing the service down, and it has to be trustworthy: a log that an "
    "administrator can quietly edit proves nothing. Teams usually start with plain application logs, discover "
    "that the interesting fields are scattered across services, and then build a dedicated trail with a fixed "
    "schema. The schema names the caller, the model and its version, the inputs and outputs or their digests, "
    "the latency, the cost and the outcome. Privacy rules shape what may be stored: personal data in prompts is "
    "masked before it reaches the trail, and the masking itself is recorded, so that an auditor sees that "
    "something was removed without seeing what it was. Retention policies move old records to cheaper storage, "
    "and a chain of hashes across records lets anyone check, long afterwards, that nothing was changed, removed "
    "or inserted. When an incident happens, the trail answers the questions that matter: which version of the "
    "model was running, who asked, what it was told, and what it said in return. ";

std::string repeat_to(const std::vector<std::string>& parts, std::size_t bytes) {
    std::string out;
    for (std::size_t i = 0; out.size() < bytes; ++i) out += parts[i % parts.size()];
    return out;
}

/// Seed 003's redact_pii on one string: four regex_replace calls in turn.
struct seed_regex {
    std::regex email{R"(\b[\w.+-]+@[\w-]+\.[\w.-]+\b)"};
    std::regex phone{R"(\b\d{3}[-.]?\d{3}[-.]?\d{4}\b)"};
    std::regex ssn{R"(\b\d{3}-\d{2}-\d{4}\b)"};
    std::regex card{R"(\b\d{4}[\s-]?\d{4}[\s-]?\d{4}[\s-]?\d{4}\b)"};

    std::string operator()(std::string s) const {
        s = std::regex_replace(s, email, "[EMAIL]");
        s = std::regex_replace(s, phone, "[PHONE]");
        s = std::regex_replace(s, ssn, "[SSN]");
        s = std::regex_replace(s, card, "[CC]");
        return s;
    }
};

/// MB/s of `redact` over `inputs` (each redacted from a fresh copy; the copy
/// is made outside the timed region), repeated for at least `min_s`.
template <class F>
double throughput(const std::vector<std::string>& inputs, F&& redact_one, double min_s) {
    std::size_t bytes = 0;
    for (const auto& s : inputs) bytes += s.size();
    std::vector<std::string> work(inputs.size());
    double spent = 0;
    std::size_t done = 0;
    while (spent < min_s || done == 0) {
        work = inputs;
        const auto t0 = clock_type::now();
        for (auto& s : work) redact_one(s);
        spent += std::chrono::duration<double>(clock_type::now() - t0).count();
        done += bytes;
    }
    return static_cast<double>(done) / 1e6 / spent;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t kb = 1024;
    int runs = 5;
    for (aitrail_bench::args a(argc, argv, "usage: redact_scan [--kb N] [--runs N]"); a.next();) {
        if (a.is("--kb")) kb = std::stoul(a.value());
        else if (a.is("--runs")) runs = std::stoi(a.value());
        else a.usage();
    }
    const std::size_t bytes = kb * 1024;

    std::vector<std::string> prompts;
    for (int i = 0; i < 1000; ++i) prompts.push_back(make_prompt(i));
    const std::string dense = repeat_to(prompts, bytes);
    const std::string free = repeat_to({prose}, bytes);

    // Records of ~1 KB: the prompts themselves, and the prose cut to the
    // same length.
    std::vector<std::string> dense_records, free_records;
    for (std::size_t at = 0; at < bytes; at += prompts[0].size()) {
        dense_records.push_back(prompts[dense_records.size() % prompts.size()]);
        free_records.push_back(free.substr(at, prompts[0].size()));
    }

    // The shipped detectors must agree with the seed on the seed's prompt.
    {
        std::string s = make_prompt(42);
        std::map<std::string, std::int64_t> counts;
        seed_four::apply(s, counts);
        const seed_regex rx;
        if (s != rx(make_prompt(42)) || counts.size() != 4) {
            std::fprintf(stderr, "redaction differs from the seed's:\n  %s\n  %s\n", s.c_str(), rx(make_prompt(42)).c_str());
            return 1;
        }
    }

    const seed_regex rx;
    struct row {
        const char* text;
        const char* shape;
        const std::vector<std::string>* inputs;
    };
    const std::vector<std::string> dense_one{dense}, free_one{free};
    const row rows[] = {{"pii-dense", "one buffer", &dense_one},
                        {"pii-dense", "1 KB records", &dense_records},
                        {"pii-free", "one buffer", &free_one},
                        {"pii-free", "1 KB records", &free_records}};

    std::printf("redact_scan: %zu KiB per text, median of %d runs\n\n", kb, runs);
    std::printf("%-10s %-13s %-34s %10s %9s\n", "text", "shape", "engine", "MB/s", "x regex");
    for (const row& r : rows) {
        std::vector<double> regex_mbs, four_mbs, all_mbs;
        for (int k = 0; k < runs; ++k) {
            std::map<std::string, std::int64_t> counts;
            regex_mbs.push_back(throughput(*r.inputs, [&](std::string& s) { s = rx(std::move(s)); }, 0.0));
            four_mbs.push_back(throughput(*r.inputs, [&](std::string& s) { seed_four::apply(s, counts); }, 0.2));
            all_mbs.push_back(throughput(*r.inputs, [&](std::string& s) { everything::apply(s, counts); }, 0.2));
        }
        const double base = median(regex_mbs);
        std::printf("%-10s %-13s %-34s %10.1f %9.1f\n", r.text, r.shape, "std::regex, seed's 4 patterns", base, 1.0);
        std::printf("%-10s %-13s %-34s %10.1f %9.1f\n", r.text, r.shape, "pii<email, phone, ssn, credit_card>",
                    median(four_mbs), median(four_mbs) / base);
        std::printf("%-10s %-13s %-34s %10.1f %9.1f\n", r.text, r.shape, "pii<all> (13 detectors)", median(all_mbs),
                    median(all_mbs) / base);
    }
    return 0;
}
