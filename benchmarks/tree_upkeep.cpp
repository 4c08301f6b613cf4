// What keeping the Merkle tree and writing its tiles costs the writer:
// jsonl_storage's append throughput with tiles on beside tiles off, in the
// same run, on the same pre-sealed entries.
//
//   tree_upkeep [--entries 200000] [--batch 256] [--runs 5] [--dir PATH]
//
// Seals --entries entries of the seed pipeline's record shape (about a 1 KB
// prompt, a 300 B answer) once, then appends them in batches of --batch to a
// fresh trail directory, flushing at the end, --runs times each with tiles
// on and off, alternating; prints the median entries/s of each and their
// ratio (on / off): the share of the storage's throughput the tree upkeep
// leaves; then the same for the writer as a whole (sealing, timed while the
// entries are made, plus the append), and the tree alone, without files.

#include "bench_support.hpp"

#include <aitrail/aitrail.hpp>

#include <algorithm>   // min
#include <chrono>      // steady_clock
#include <cstdio>      // printf
#include <filesystem>  // path, remove_all
#include <span>        // span
#include <string>      // string
#include <vector>      // vector

namespace {

using clock_type = std::chrono::steady_clock;
using aitrail_bench::median;

/// The 32 bytes of a 64-hex hash (what the storage decodes per entry).
aitrail::digest decode(const std::string& hex) {
    aitrail::digest d{};
    auto nib = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
    for (std::size_t i = 0; i < d.size(); ++i) d[i] = static_cast<unsigned char>(nib(hex[2 * i]) << 4 | nib(hex[2 * i + 1]));
    return d;
}

/// Appends `entries` to a fresh trail in `dir`; returns entries per second.
double run(const std::filesystem::path& dir, const std::vector<aitrail::sealed_entry>& entries, std::size_t batch,
           bool tiles) {
    std::filesystem::remove_all(dir);
    aitrail::jsonl_options o;
    o.tiles = tiles;
    o.rotate_daily = false;
    const auto t0 = clock_type::now();
    {
        aitrail::jsonl_storage s(dir, o);
        const std::span<const aitrail::sealed_entry> all(entries);
        for (std::size_t i = 0; i < all.size(); i += batch) s.append(all.subspan(i, std::min(batch, all.size() - i)));
        s.flush();
    }
    const double secs = std::chrono::duration<double>(clock_type::now() - t0).count();
    return static_cast<double>(entries.size()) / secs;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t count = 200000, batch = 256;
    int runs = 5;
    std::filesystem::path dir = std::filesystem::temp_directory_path() / "aitrail-tree-upkeep-bench";
    for (aitrail_bench::args a(argc, argv, "usage: tree_upkeep [--entries N] [--batch N] [--runs N] [--dir PATH]");
         a.next();) {
        if (a.is("--entries")) count = std::stoull(a.value());
        else if (a.is("--batch")) batch = std::stoull(a.value());
        else if (a.is("--runs")) runs = std::stoi(a.value());
        else if (a.is("--dir")) dir = a.value();
        else a.usage();
    }
    aitrail::sealer<aitrail::hashers::sha256> sealer;
    std::vector<aitrail::sealed_entry> entries;
    entries.reserve(count);
    std::uint64_t bytes = 0;
    const auto seal_start = clock_type::now();
    for (std::size_t i = 0; i < count; ++i) {
        aitrail::pending_entry e;
        e.rec.ts = aitrail::timestamp{std::chrono::sys_days{std::chrono::year{2026} / 3 / 10}};
        e.rec.id = "rec-" + std::to_string(i);
        e.rec.user = "customer-" + std::to_string(i % 1000);
        e.content = {{"input", {{"prompt", aitrail_bench::make_prompt(i)}}}, {"output", {{"text", std::string(300, 'a')}}}};
        entries.push_back(sealer.seal(e));
        entries.back().rec = nullptr;
        bytes += entries.back().line.size() + 1;
    }
    // What the writer spends per entry before the storage: redaction is off
    // here, so this is the floor of the pipeline's writer (canonical form,
    // content digests, the chain hash).
    const double seal_us = std::chrono::duration<double, std::micro>(clock_type::now() - seal_start).count() /
                           static_cast<double>(count);
    std::vector<double> on, off;
    for (int r = 0; r < runs; ++r) {
        off.push_back(run(dir, entries, batch, false));
        on.push_back(run(dir, entries, batch, true));
    }
    std::filesystem::remove_all(dir);
    // The tree alone, without the file system: decoding each entry's hash,
    // its leaf hash, the nodes it completes, the full tiles' bytes.
    std::vector<double> cpu;
    for (int r = 0; r < runs; ++r) {
        const auto t0 = clock_type::now();
        aitrail::tile_builder b;
        std::size_t tiles = 0;
        for (const auto& e : entries)
            b.append_entry(decode(e.hash), [&](const aitrail::tile_id&, const std::string&) { ++tiles; });
        (void)tiles;
        cpu.push_back(static_cast<double>(entries.size()) / std::chrono::duration<double>(clock_type::now() - t0).count());
    }
    const double m_on = median(on), m_off = median(off);
    std::printf("aitrail tree upkeep benchmark: %zu entries (%.0f B a line), batches of %zu, median of %d runs\n", count,
                static_cast<double>(bytes) / static_cast<double>(count), batch, runs);
    std::printf("  jsonl_storage, tiles off  %10.0f entries/s  %7.1f MB/s\n", m_off, m_off * static_cast<double>(bytes) / static_cast<double>(count) / 1e6);
    std::printf("  jsonl_storage, tiles on   %10.0f entries/s  %7.1f MB/s\n", m_on, m_on * static_cast<double>(bytes) / static_cast<double>(count) / 1e6);
    std::printf("  tree alone (no files)     %10.0f entries/s  (%.2f us an entry; tiles off spends %.2f us)\n", median(cpu),
                1e6 / median(cpu), 1e6 / m_off);
    const double writer_off = 1e6 / (seal_us + 1e6 / m_off), writer_on = 1e6 / (seal_us + 1e6 / m_on);
    std::printf("  writer: seal + append     %10.0f entries/s off, %.0f on (sealing %.2f us an entry)\n", writer_off,
                writer_on, seal_us);
    std::printf("  ratio on / off, writer    %10.3f  (upkeep costs %.1f%% of the writer's throughput)\n",
                writer_on / writer_off, (1 - writer_on / writer_off) * 100);
    std::printf("  ratio on / off            %10.3f  (upkeep costs %.1f%% of the storage's append throughput)\n", m_on / m_off,
                (1 - m_on / m_off) * 100);
    return 0;
}
