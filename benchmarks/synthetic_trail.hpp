#pragma once
// A deterministic trail with the shape of a production one, for the read-side
// benchmarks: 30 days of LLM calls and ML predictions from 1,000 users on five
// models, 2% errors, skewed latencies and token counts, prompts of 200-1,200
// bytes and answers of 100-600 bytes. The same seed gives the same trail.

#include <aitrail/aitrail.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>

namespace aitrail_bench {

struct synthetic_model {
    const char* name;
    const char* version;
    const char* provider;
};

inline constexpr synthetic_model synthetic_models[] = {
    {"claude-sonnet-4-20250514", "", "anthropic"},
    {"claude-haiku-4-5", "", "anthropic"},
    {"gpt-4o", "", "openai"},
    {"gpt-4o-mini", "", "openai"},
    {"fraud_detector", "v3.2.1", "local"},
};

/// Writes `records` records into the JSONL trail in `dir` (replacing it).
inline void write_synthetic_trail(const std::filesystem::path& dir, std::uint64_t records, std::uint32_t seed = 7) {
    using namespace std::chrono;
    std::filesystem::remove_all(dir);
    aitrail::auditor audit{aitrail::jsonl_storage{dir}};
    std::mt19937_64 rng(seed);
    std::lognormal_distribution<double> latency_ms(6.0, 0.7);
    std::lognormal_distribution<double> tokens(6.0, 0.6);
    static const std::string filler =
        "Summarise the quarterly variance in operating costs across regions and flag anything unusual. ";
    const aitrail::timestamp start{sys_days{year{2026} / October / 1}};
    const auto span_us = duration_cast<microseconds>(days{30}).count();
    for (std::uint64_t i = 0; i < records; ++i) {
        const auto& m = synthetic_models[rng() % 5];
        aitrail::pending_entry e;
        e.rec.ts = start + microseconds(static_cast<std::int64_t>(i) * span_us / static_cast<std::int64_t>(records));
        e.rec.id = aitrail::make_record_id(e.rec.ts);
        const bool prediction = m.provider == std::string_view("local");
        e.rec.kind = prediction ? "ml.prediction" : "llm.call";
        e.rec.action = prediction ? "predict" : "messages.create";
        e.rec.user = "user-" + std::to_string(rng() % 1000);
        e.rec.model = {m.name, m.version, m.provider};
        e.rec.latency_us = static_cast<std::int64_t>(latency_ms(rng) * 1000);
        e.rec.tags = {rng() % 3 == 0 ? "team:search" : "team:support"};
        if (rng() % 50 == 0) {
            e.rec.status = aitrail::record_status::error;
            e.rec.error = aitrail::error_info{"rate_limit_error", "Number of requests has exceeded your rate limit"};
        }
        std::string prompt;
        const std::size_t want = 200 + rng() % 1000;
        while (prompt.size() < want) prompt += filler;
        prompt.resize(want);
        if (prediction) {
            e.content["input"] = {{"amount", static_cast<std::int64_t>(rng() % 100000)}, {"country", "DE"}};
            e.content["output"] = {{"prediction", rng() % 20 == 0 ? "fraud" : "legit"}};
            e.rec.meta = {{"prediction", e.content["output"]["prediction"]}};
        } else {
            const auto in = static_cast<std::int64_t>(tokens(rng));
            const auto out = static_cast<std::int64_t>(tokens(rng) / 3);
            e.rec.usage = {.input = in, .output = out};
            e.rec.cost = aitrail::cost_info{in * 3000 + out * 15000, "synthetic"};
            e.rec.stop_reason = "end_turn";
            e.content["input"] = {{"messages", {{{"role", "user"}, {"content", prompt}}}}};
            e.content["output"] = std::string(100 + rng() % 500, 'a');
        }
        audit.record(std::move(e));
    }
    audit.flush();
}

}  // namespace aitrail_bench
