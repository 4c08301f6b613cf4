// Verification speed on a large trail, against raw SHA-256 in the same run.
//
//   verify_throughput [--mb 512] [--runs 5] [--dir PATH] [--keep]
//
// Writes a trail of the seed pipeline's record shape (about a 1 KB prompt
// with PII, a 300 B answer) until it holds --mb megabytes, then verifies it
// --runs times (fast path, then once re-canonicalizing) and prints the median
// MB/s beside SHA-256 over the same byte count (EVP, 16 KiB blocks): SHA-256
// is the floor any verifier pays, so the ratio says what the rest costs. It
// also verifies without comparing the hash tiles, to show what that costs.

#include "bench_support.hpp"

#include <aitrail/aitrail.hpp>

#include <openssl/evp.h>  // EVP_Digest*: the raw SHA-256 baseline

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

using aitrail_bench::make_prompt;
using aitrail_bench::median;

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t mb = 512;
    int runs = 5;
    std::filesystem::path dir = std::filesystem::temp_directory_path() / "aitrail-verify-bench";
    bool keep = false;
    for (aitrail_bench::args a(argc, argv, "usage: verify_throughput [--mb N] [--runs N] [--dir PATH] [--keep]"); a.next();) {
        if (a.is("--mb")) mb = std::stoull(a.value());
        else if (a.is("--runs")) runs = std::stoi(a.value());
        else if (a.is("--dir")) dir = a.value();
        else if (a.is("--keep")) keep = true;
        else a.usage();
    }

    std::filesystem::remove_all(dir);
    const auto t_write = clock_type::now();
    std::uint64_t records = 0;
    {
        aitrail::auditor audit{aitrail::jsonl_storage{dir}};
        const std::string answer(300, 'a');
        while (audit.metrics().bytes < mb * 1'000'000) {
            for (int k = 0; k < 1000; ++k, ++records) {
                auto scope = audit.scope({.action = "messages.create", .user = "user-" + std::to_string(records % 97),
                                          .model = {"claude-sonnet-4-20250514", "", "anthropic"}, .tags = {"bench"}});
                scope.input({{"messages", {{{"role", "user"}, {"content", make_prompt(records)}}}}});
                scope.output(answer);
                scope.usage({.input = 310, .output = 95}).stop_reason("end_turn");
            }
            audit.flush();  // so that metrics().bytes counts what was written
        }
        audit.flush();
    }
    const double write_s = std::chrono::duration<double>(clock_type::now() - t_write).count();

    std::vector<double> fast, sha, no_tiles;
    aitrail::verify_report report;
    for (int r = 0; r < runs; ++r) {
        const auto t0 = clock_type::now();
        report = aitrail::verify_paths({dir});
        fast.push_back(static_cast<double>(report.bytes) / 1e6 / std::chrono::duration<double>(clock_type::now() - t0).count());
        if (!report.ok()) {
            std::fprintf(stderr, "verification failed: %s\n", aitrail::format_problem(report.problems.front()).c_str());
            return 1;
        }
        // The same without comparing the hash tiles: what the tile check costs.
        const auto t3 = clock_type::now();
        const auto plain = aitrail::verify_paths({dir}, {.check_tiles = false});
        no_tiles.push_back(static_cast<double>(plain.bytes) / 1e6 / std::chrono::duration<double>(clock_type::now() - t3).count());
        // SHA-256 alone over the same number of bytes, 16 KiB at a time.
        std::string block(16384, 'x');
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        const auto t1 = clock_type::now();
        EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
        for (std::uint64_t done = 0; done < report.bytes; done += block.size())
            EVP_DigestUpdate(ctx, block.data(), block.size());
        unsigned char out[EVP_MAX_MD_SIZE];
        unsigned int out_size = 0;
        EVP_DigestFinal_ex(ctx, out, &out_size);
        EVP_MD_CTX_free(ctx);
        volatile auto sink = out[0];
        (void)sink;
        sha.push_back(static_cast<double>(report.bytes) / 1e6 / std::chrono::duration<double>(clock_type::now() - t1).count());
    }
    const auto t2 = clock_type::now();
    const auto slow_report = aitrail::verify_paths({dir}, {.recanonicalize = true});
    const double slow = static_cast<double>(slow_report.bytes) / 1e6 / std::chrono::duration<double>(clock_type::now() - t2).count();

    std::printf("trail: %llu entries, %llu files, %s (written in %.1f s)\n", static_cast<unsigned long long>(report.entries),
                static_cast<unsigned long long>(report.files), aitrail::human_bytes(report.bytes).c_str(), write_s);
    std::printf("%-34s %10s\n", "", "MB/s (median)");
    std::printf("%-34s %10.0f\n", "verify, fast path", median(fast));
    std::printf("%-34s %10.0f   (%s)\n", "verify, fast path, tiles unchecked", median(no_tiles), aitrail::format_tiles(report).c_str());
    std::printf("%-34s %10.0f\n", "SHA-256 alone (EVP, 16 KiB blocks)", median(sha));
    std::printf("%-34s %10.0f   (1 run)\n", "verify, re-canonicalizing", slow);
    std::printf("ratio fast verify / SHA-256: %.2f\n", median(fast) / median(sha));
    std::printf("ratio fast verify with / without the tile check: %.3f\n", median(fast) / median(no_tiles));
    if (!keep) std::filesystem::remove_all(dir);
    return 0;
}
