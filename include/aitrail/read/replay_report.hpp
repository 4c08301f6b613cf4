#pragma once
/// @file replay_report.hpp
/// How a replay compares with the original: the answers' text as a line
/// diff, then tokens, cost, latency and status side by side with deltas.

#include <aitrail/config.hpp>
#include <aitrail/detail/read/text_diff.hpp>
#include <aitrail/read/replay.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>      // int64_t
#include <cstdio>       // snprintf
#include <optional>     // optional
#include <string>       // string

namespace aitrail {
inline namespace v1 {

/// The generated text of a provider response (or of a message assembled
/// from a stream); tool calls appear as one line each. Falls back to the
/// JSON itself for shapes it does not know.
inline std::string output_text(provider_api api, const nlohmann::json& out) {
    if (out.is_string()) return out.get<std::string>();
    if (!out.is_object()) return out.is_null() ? std::string() : out.dump(2);
    std::string text;
    auto add = [&](const std::string& piece) {
        if (!text.empty() && text.back() != '\n') text += '\n';
        text += piece;
    };
    auto tool = [&](const nlohmann::json& name, const nlohmann::json& args) {
        add("[tool call " + (name.is_string() ? name.get<std::string>() : std::string("?")) + " " +
            (args.is_string() ? args.get<std::string>() : args.dump()) + "]");
    };
    switch (api) {
        case provider_api::anthropic_messages:
            for (const auto& block : out.value("content", nlohmann::json::array())) {
                if (!block.is_object()) continue;
                const auto type = block.value("type", std::string());
                if (type == "text") add(block.value("text", std::string()));
                else if (type == "tool_use") tool(block.value("name", nlohmann::json()), block.value("input", nlohmann::json()));
            }
            break;
        case provider_api::openai_chat:
            for (const auto& choice : out.value("choices", nlohmann::json::array())) {
                if (!choice.is_object() || !choice.contains("message") || !choice["message"].is_object()) continue;
                const auto& m = choice["message"];
                if (m.contains("content") && m["content"].is_string()) add(m["content"].get<std::string>());
                for (const auto& call : m.value("tool_calls", nlohmann::json::array()))
                    if (call.is_object() && call.contains("function") && call["function"].is_object())
                        tool(call["function"].value("name", nlohmann::json()), call["function"].value("arguments", nlohmann::json()));
                break;  // the first choice is the answer
            }
            break;
        case provider_api::openai_responses:
            for (const auto& item : out.value("output", nlohmann::json::array())) {
                if (!item.is_object()) continue;
                const auto type = item.value("type", std::string());
                if (type == "message") {
                    for (const auto& part : item.value("content", nlohmann::json::array()))
                        if (part.is_object() && part.value("type", std::string()) == "output_text")
                            add(part.value("text", std::string()));
                } else if (type == "function_call") {
                    tool(item.value("name", nlohmann::json()), item.value("arguments", nlohmann::json()));
                }
            }
            break;
    }
    return text;
}

namespace detail {

inline std::string count_text(const std::optional<std::int64_t>& n) { return n ? std::to_string(*n) : "-"; }

inline std::string delta_text(const std::optional<std::int64_t>& a, const std::optional<std::int64_t>& b) {
    if (!a || !b) return "";
    const std::int64_t d = *b - *a;
    return (d > 0 ? "+" : "") + std::to_string(d);
}

inline std::string usd_text(std::int64_t nanos, bool sign = false) {
    char buf[48];
    std::snprintf(buf, sizeof buf, sign ? "%+.6f" : "%.6f", static_cast<double>(nanos) / 1e9);
    return buf;
}

inline std::string ms_text(std::int64_t us, bool sign = false) {
    char buf[48];
    std::snprintf(buf, sizeof buf, sign ? "%+.1f" : "%.1f", static_cast<double>(us) / 1e3);
    return buf;
}

inline void add_row(std::string& out, std::string_view name, const std::string& a, const std::string& b,
                    const std::string& d) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "  %-14.*s %14s %14s %14s\n", static_cast<int>(name.size()), name.data(), a.c_str(),
                  b.c_str(), d.c_str());
    out += buf;
}

}  // namespace detail

/// A human-readable comparison of a replay with its original.
inline std::string format_replay(const replay_result& r) {
    using namespace detail;
    const auto& o = r.original.entry.rec;
    std::string out = "replay " + r.replay_id + " of " + o.id + " (" + std::string(to_string(r.api)) + ")\n";
    const std::string replay_model = r.outcome && !r.outcome->model.empty() ? r.outcome->model : r.replay_model;
    out += "  model: " + o.model.name + (o.model.name == replay_model ? "" : " -> " + replay_model) + "\n";

    const auto& content = r.original.entry.content;
    const std::string before =
        content.contains(content_keys::output) ? output_text(r.api, content[std::string(content_keys::output)]) : "";
    const std::string after = r.outcome ? output_text(r.api, r.outcome->output) : "";
    const std::string diff = line_diff(before, after);
    if (!content.contains(content_keys::output)) out += "output: (the original's answer was not stored)\n";
    else if (diff.empty()) out += "output: identical\n";
    else out += "output (- original, + replay):\n" + diff;

    out += "\n";
    add_row(out, "", "original", "replay", "delta");
    token_usage now = r.outcome ? r.outcome->usage : token_usage{};
    auto row = [&](std::string_view name, const std::optional<std::int64_t>& a, const std::optional<std::int64_t>& b) {
        if (a || b) add_row(out, name, count_text(a), count_text(b), delta_text(a, b));
    };
    row("input tokens", o.usage.input, now.input);
    row("output tokens", o.usage.output, now.output);
    row("reasoning", o.usage.reasoning, now.reasoning);
    row("cache read", o.usage.cache_read, now.cache_read);
    row("cache write", o.usage.cache_write, now.cache_write);
    // Written out rather than with optionals: some compilers then warn of
    // reads they cannot prove guarded.
    std::string cost_a = "unknown", cost_b = "unknown", cost_d;
    const bool priced_a = o.cost && o.cost->nanos_usd.has_value();
    const bool priced_b = r.cost && r.cost->nanos_usd.has_value();
    if (priced_a) cost_a = usd_text(o.cost->nanos_usd.value());
    if (priced_b) cost_b = usd_text(r.cost->nanos_usd.value());
    if (priced_a && priced_b) cost_d = usd_text(r.cost->nanos_usd.value() - o.cost->nanos_usd.value(), true);
    add_row(out, "cost (USD)", cost_a, cost_b, cost_d);
    add_row(out, "latency (ms)", o.latency_us ? ms_text(*o.latency_us) : "-", ms_text(r.latency_us),
            o.latency_us ? ms_text(r.latency_us - *o.latency_us, true) : "");
    const std::string status_b = r.outcome && r.outcome->error ? "error: " + r.outcome->error->type : "ok";
    add_row(out, "status", std::string(to_string(o.status)), status_b, "");
    return out;
}

}  // namespace v1
}  // namespace aitrail
