// Query scan speed on a large trail, against reading the bytes alone, against
// parsing every line into a JSON document (what a naive reader does), and
// against jq (the seeds' tool) in the same run.
//
//   query_scan [--records 1000000] [--runs 5] [--dir PATH] [--keep] [--no-jq]
//
// The trail is benchmarks/synthetic_trail.hpp's: 30 days, 1,000 users, five
// models. It is written once (reused with --keep when it already holds the
// requested count), then each reader runs --runs times with a warm page
// cache; the medians are printed in MB/s and as ratios to the byte floor.

#include "bench_support.hpp"
#include "synthetic_trail.hpp"

#include <aitrail/read/query.hpp>
#include <aitrail/read/reports.hpp>
#include <aitrail/storage/jsonl_directory.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

using aitrail_bench::median;

template <class F>
double time_runs(int runs, F&& f) {
    std::vector<double> secs;
    for (int r = 0; r < runs; ++r) {
        const auto t0 = clock_type::now();
        f();
        secs.push_back(std::chrono::duration<double>(clock_type::now() - t0).count());
    }
    return median(secs);
}

std::uint64_t count_records(const aitrail::jsonl_directory& trail) {
    std::uint64_t n = 0;
    trail.scan([&](const aitrail::stored_line&) { return ++n, true; });
    return n;
}

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t records = 1'000'000;
    int runs = 5;
    std::filesystem::path dir = std::filesystem::temp_directory_path() / "aitrail-query-bench";
    bool keep = false, jq = true;
    for (aitrail_bench::args a(argc, argv, "usage: query_scan [--records N] [--runs N] [--dir PATH] [--keep] [--no-jq]");
         a.next();) {
        if (a.is("--records")) records = std::stoull(a.value());
        else if (a.is("--runs")) runs = std::stoi(a.value());
        else if (a.is("--dir")) dir = a.value();
        else if (a.is("--keep")) keep = true;
        else if (a.is("--no-jq")) jq = false;
        else a.usage();
    }

    // trail.open adds one line to the records written.
    if (!keep || !std::filesystem::is_directory(dir) || count_records(aitrail::jsonl_directory{dir}) != records + 1) {
        const auto t0 = clock_type::now();
        aitrail_bench::write_synthetic_trail(dir, records);
        std::printf("wrote %llu records in %.1f s\n", static_cast<unsigned long long>(records),
                    std::chrono::duration<double>(clock_type::now() - t0).count());
    }
    const aitrail::jsonl_directory trail{dir};
    const double mb = static_cast<double>(trail.size_bytes()) / 1e6;
    std::printf("trail: %llu records, %.0f MB in %zu files (%s)\n\n", static_cast<unsigned long long>(records), mb,
                trail.paths().size(), dir.c_str());

    std::uint64_t sink = 0;
    const double t_read = time_runs(runs, [&] {
        trail.scan([&](const aitrail::stored_line& l) { return sink += l.text.size(), true; });
    });
    std::uint64_t matched_all = 0, matched_user = 0, matched_costly = 0;
    const double t_all = time_runs(runs, [&] {
        matched_all = aitrail::query(trail, {}, [](const aitrail::record_view&) {}).matched;
    });
    const double t_user = time_runs(runs, [&] {
        matched_user = aitrail::query(trail, {.user = "user-42", .status = "error"}, [](const aitrail::record_view&) {}).matched;
    });
    const double t_costly = time_runs(runs, [&] {
        const aitrail::record_filter f{.model = "claude-*", .min_latency_us = 2'000'000, .min_cost_nanos_usd = 5'000'000};
        matched_costly = aitrail::query(trail, f, [](const aitrail::record_view&) {}).matched;
    });
    // The naive reader: a JSON document per line, then the same user test.
    std::uint64_t matched_doc = 0;
    const double t_doc = time_runs(std::min(runs, 3), [&] {
        matched_doc = 0;
        trail.scan([&](const aitrail::stored_line& l) {
            const auto j = nlohmann::json::parse(l.text);
            const auto& rec = j.at("rec");
            matched_doc += rec.value("user", "") == "user-42" && rec.value("status", "") == "error";
            return true;
        });
    });

    const auto row = [&](const char* what, double secs, std::uint64_t matched) {
        std::printf("%-44s %8.0f MB/s  %6.2fx of read  %9llu matched  (%.2f s)\n", what, mb / secs, t_read / secs,
                    static_cast<unsigned long long>(matched), secs);
    };
    std::printf("median of %d runs, warm page cache\n", runs);
    row("read lines only (the floor)", t_read, 0);
    row("query, no filter (every record walked)", t_all, matched_all);
    row("query --user user-42 --status error", t_user, matched_user);
    row("query --model claude-* --min-latency-ms 2000 ...", t_costly, matched_costly);
    row("peer: nlohmann::json::parse per line", t_doc, matched_doc);

    if (jq && std::system("command -v jq >/dev/null 2>&1") == 0) {
        std::string cmd = "cat";
        for (const auto& p : trail.paths()) cmd += " '" + p.string() + "'";
        cmd += " | jq -c 'select(.rec.user == \"user-42\" and .rec.status == \"error\")' | wc -l > /dev/null";
        const double t_jq = time_runs(1, [&] {
            if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "jq run failed\n");
        });
        row("peer: jq select(user, status) (1 run)", t_jq, matched_user);
    }

    // Reports: one pass each over the same trail (trail_health also verifies it).
    std::printf("\nreports, median of %d runs\n", std::min(runs, 3));
    namespace rep = aitrail::reports;
    const auto report_row = [&](const char* what, auto&& make) {
        std::size_t rows = 0;
        const double secs = time_runs(std::min(runs, 3), [&] { rows = make().rows.size(); });
        std::printf("%-44s %8.0f MB/s  %6.2fx of read  %9zu rows     (%.2f s)\n", what, mb / secs, t_read / secs, rows,
                    secs);
    };
    report_row("report cost_by_user_day", [&] { return rep::cost_by_user_day(trail); });
    report_row("report spend_by --by team", [&] { return rep::spend_by(trail, rep::spend_dimension::team); });
    report_row("report error_rate_by_model", [&] { return rep::error_rate_by_model(trail); });
    report_row("report latency_by_model (exact percentiles)", [&] { return rep::latency_by_model(trail); });
    report_row("report model_usage --model fraud_detector", [&] { return rep::model_usage(trail, "fraud_detector"); });
    report_row("report data_access --user user-42", [&] { return rep::data_access(trail, "user-42"); });
    report_row("report anomalies", [&] { return rep::anomalies(trail); });
    report_row("report trail_health (includes verify)", [&] { return rep::trail_health(trail); });
    if (sink == 0) std::printf("(empty trail)\n");
    if (!keep) std::filesystem::remove_all(dir);
    return matched_user == matched_doc ? 0 : 1;
}
