// The asynchronous pipeline: what an audited call costs the caller's thread,
// how fast the writer stores records end to end, and how much memory it
// holds, beside peers measured in the same run.
//
//   pipeline [--records N] [--threads 1,2] [--quick] [--dir PATH]
//            [--seed-script PATH] [--skip-peers]
//
// Workload: the seed pipeline's record shape (a ~1 KB prompt with PII, a
// 300 B answer, user, model, token counts, stop reason, one tag), audited
// through auditor + audit_scope into jsonl_storage: a ~1.8 KB trail line.
//
//  1. Hot path: steady-clock time around each audited call on the caller's
//     thread (scope built, input/output/usage set, scope end = hand-off),
//     paced (one call every 20 us per thread) and back-to-back.
//  2. Backend throughput: records/s and MB/s from the first submit until
//     flush() returns, durability none and batch; median of 3 runs.
//  3. Peers: spdlog's async logger writing the same record as a JSON line
//     (same harness), and the seeds' Python pipeline (seed_pipeline.py).
//  4. Peak RSS, each in a fresh child process: N records with durability
//     none, and overload (4 producers, block, durability every_record).
//
// aitrail runs its default policies on the writer thread (secrets redacted,
// credentials removed, cost priced; the record's personal data kept); one
// throughput row also redacts the four kinds of PII seed_pipeline.py does.

#include "bench_support.hpp"

#include <aitrail/aitrail.hpp>

#if AITRAIL_BENCH_SPDLOG
#include <spdlog/async.h>                   // thread_pool, async_overflow_policy
#include <spdlog/async_logger.h>            // async_logger
#include <spdlog/sinks/basic_file_sink.h>   // basic_file_sink_mt
#include <spdlog/version.h>                 // SPDLOG_VER_*
#endif

#include <sched.h>         // sched_yield
#include <sys/resource.h>  // rusage
#include <sys/wait.h>      // wait4
#include <unistd.h>        // fork, execv, pipe

#include <algorithm>   // sort, max
#include <atomic>      // atomic
#include <chrono>      // steady_clock
#include <cstdint>     // uint64_t
#include <cstdio>      // printf, popen
#include <cstdlib>     // getenv, strtoull
#include <filesystem>  // path, remove_all
#include <fstream>     // ifstream
#include <functional>  // function
#include <map>         // map
#include <optional>    // optional
#include <sstream>     // istringstream
#include <string>      // string
#include <thread>      // thread
#include <vector>      // vector

namespace {

using clock_type = std::chrono::steady_clock;
namespace fs = std::filesystem;

// ---- policies ---------------------------------------------------------------

// Hot path: the largest queue, so that paced callers never wait for space.
struct hot_policy : aitrail::default_policy {
    using durability = aitrail::durability_policies::none;
    static constexpr std::size_t queue_capacity = 65534;
};
struct none_policy : aitrail::default_policy {
    using durability = aitrail::durability_policies::none;
};
using batch_policy = aitrail::default_policy;  // durability_policies::batch, block, 16384
struct overload_policy : aitrail::default_policy {
    using durability = aitrail::durability_policies::every_record;
};
// Redacts what seed_pipeline.py redacts (email, phone, SSN, card), besides
// the default secrets: the like-for-like peer of the Python pipeline.
struct seed_redaction_policy : none_policy {
    using redactor = aitrail::redactors::pii<aitrail::redactors::email, aitrail::redactors::phone, aitrail::redactors::ssn,
                                          aitrail::redactors::credit_card, aitrail::redactors::secrets>;
};

// ---- workload ---------------------------------------------------------------

const std::string model_name = "claude-sonnet-4-20250514";

using aitrail_bench::make_prompt;

struct workload {
    std::vector<std::string> users;  // "user-0" .. "user-96": ids a server already holds
    std::string answer;              // 300 B, the seed's response sentence repeated
    workload() {
        for (int u = 0; u < 97; ++u) users.push_back("user-" + std::to_string(u));
        while (answer.size() < 300) answer += "The variance is driven mostly by the EMEA region, where ";
        answer.resize(300);
    }
};

// One audited call, as an application writes it.
template <class Auditor>
[[gnu::noinline]] void audited_call(Auditor& audit, const workload& w, std::uint64_t i, const std::string& prompt) {
    auto scope = audit.scope({.action = "messages.create",
                              .user = w.users[i % 97],
                              .model = {model_name, "", "anthropic"},
                              .tags = {"bench"}});
    scope.input({{"messages", {{{"role", "user"}, {"content", prompt}}}}});
    scope.output(w.answer);
    scope.usage({.input = 310, .output = 95}).stop_reason("end_turn");
}  // scope end: latency stamped, record handed to the writer

#if AITRAIL_BENCH_SPDLOG
// The same record as one JSON line through spdlog, built as a user would.
[[gnu::noinline]] void logged_call(spdlog::logger& log, const workload& w, std::uint64_t i, const std::string& prompt) {
    const auto start = clock_type::now();
    const auto ts = aitrail::now_utc();
    nlohmann::json rec = {
        {"id", aitrail::make_record_id(ts)},
        {"ts", aitrail::to_rfc3339(ts)},
        {"kind", "llm.call"},
        {"action", "messages.create"},
        {"user", w.users[i % 97]},
        {"model", {{"name", model_name}, {"provider", "anthropic"}}},
        {"tags", nlohmann::json::array({"bench"})},
        {"status", "ok"},
        {"usage", {{"input", 310}, {"output", 95}}},
        {"stop_reason", "end_turn"},
        {"content", {{"input", {{"messages", {{{"role", "user"}, {"content", prompt}}}}}}, {"output", w.answer}}},
    };
    rec["latency_us"] = std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - start).count();
    const std::string line = rec.dump();
    log.log(spdlog::level::info, spdlog::string_view_t(line.data(), line.size()));
}

// spdlog's async logger as its docs set it up: default queue (8192), one
// worker, overflow policy block, a plain file sink, the line as the message.
struct spdlog_peer {
    std::shared_ptr<spdlog::details::thread_pool> pool;
    std::shared_ptr<spdlog::async_logger> logger;
    explicit spdlog_peer(const fs::path& file) {
        pool = std::make_shared<spdlog::details::thread_pool>(spdlog::details::default_async_q_size, 1);
        auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(file.string(), true);
        logger = std::make_shared<spdlog::async_logger>("bench", std::move(sink), pool, spdlog::async_overflow_policy::block);
        logger->set_pattern("%v");
    }
    // Everything logged is in the file once this returns: the flush is
    // queued behind the records and the pool's destructor joins its worker
    // after draining the queue.
    void shutdown() {
        logger->flush();
        logger.reset();
        pool.reset();
    }
};
#endif

// ---- measurement ------------------------------------------------------------

using aitrail_bench::median;

double seconds_since(clock_type::time_point t) { return std::chrono::duration<double>(clock_type::now() - t).count(); }

// Waits for the next slot, yielding the CPU meanwhile (a nanosleep of
// 20 us overshoots by 15-20 us on a virtual machine, halving the rate).
void wait_until(clock_type::time_point t) {
    while (clock_type::now() < t) sched_yield();
}

struct latency_stats {
    std::uint64_t calls = 0;
    double seconds = 0;  // wall time of the measured calls, all threads
    double p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;  // ns
    std::uint64_t queue_high_water = 0;
};

// Runs `body(t, start_gate)` on threads t = 0..threads-1; each calls
// `start_gate()` when its warm-up is done, and all are released at once, so
// that none is measured while another is still starting. Returns the time of
// the release, once every thread has ended.
template <class Body>
clock_type::time_point run_together(int threads, Body&& body) {
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    const auto start_gate = [&] {
        ready.fetch_add(1);
        while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
    };
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back([&, t] { body(t, start_gate); });
    while (ready.load() < threads) std::this_thread::yield();
    const auto start = clock_type::now();
    go.store(true, std::memory_order_release);
    for (auto& th : pool) th.join();
    return start;
}

// Runs `call(i, prompt)` `total` times split over `threads` threads and
// records the steady-clock time around each call. Each thread first makes
// 2000 unmeasured calls (thread-local state, allocator caches). Paced: one
// call every `period` per thread, yielding the CPU in between as a server
// thread waits for its next request; a call that starts late is not made up
// for (the next one is due a period after it).
template <class Call>
latency_stats measure_hot(int threads, std::uint64_t total, bool paced, Call&& call) {
    constexpr auto period = std::chrono::microseconds(20);
    constexpr std::uint64_t warmup = 2000;
    const std::uint64_t per = std::max<std::uint64_t>(1, total / static_cast<std::uint64_t>(threads));
    std::vector<std::vector<std::uint64_t>> lat(static_cast<std::size_t>(threads), std::vector<std::uint64_t>(per));
    const auto start = run_together(threads, [&](int t, const auto& start_gate) {
        std::string prompt;
        for (std::uint64_t k = 0; k < warmup; ++k) {
            const std::uint64_t i = 1'000'000'000ULL + k * static_cast<std::uint64_t>(threads) + static_cast<std::uint64_t>(t);
            make_prompt(i, prompt);
            call(i, prompt);
        }
        start_gate();
        auto& mine = lat[static_cast<std::size_t>(t)];
        auto next = clock_type::now();
        for (std::uint64_t k = 0; k < per; ++k) {
            const std::uint64_t i = k * static_cast<std::uint64_t>(threads) + static_cast<std::uint64_t>(t);
            make_prompt(i, prompt);
            if (paced) {
                next += period;
                const auto now = clock_type::now();
                if (next > now) wait_until(next);
                else next = now;
            }
            const auto t0 = clock_type::now();
            call(i, prompt);
            const auto t1 = clock_type::now();
            mine[k] = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
        }
    });
    latency_stats s;
    s.seconds = seconds_since(start);
    std::vector<std::uint64_t> all;
    all.reserve(per * static_cast<std::uint64_t>(threads));
    for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
    std::sort(all.begin(), all.end());
    s.calls = all.size();
    const auto at = [&](double q) {
        const auto idx = static_cast<std::size_t>(q * static_cast<double>(all.size()));
        return static_cast<double>(all[std::min(idx, all.size() - 1)]);
    };
    s.p50 = at(0.50);
    s.p90 = at(0.90);
    s.p99 = at(0.99);
    s.p999 = at(0.999);
    s.max = static_cast<double>(all.back());
    return s;
}

// Producers call `call(i, prompt)` for i in [0, n) as fast as they can;
// returns the seconds from the first submit until `finish()` returns.
template <class Call, class Finish>
double measure_throughput(int threads, std::uint64_t n, Call&& call, Finish&& finish) {
    const auto start = run_together(threads, [&](int t, const auto& start_gate) {
        std::string prompt;
        start_gate();
        for (std::uint64_t i = static_cast<std::uint64_t>(t); i < n; i += static_cast<std::uint64_t>(threads)) {
            make_prompt(i, prompt);
            call(i, prompt);
        }
    });
    finish();
    return seconds_since(start);
}

std::uint64_t status_kb(const char* key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    const std::string prefix = std::string(key) + ":";
    while (std::getline(in, line))
        if (line.rfind(prefix, 0) == 0) return std::strtoull(line.c_str() + prefix.size(), nullptr, 10);
    return 0;
}

// The 1-minute load average: other work on a shared machine shows up here.
std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string one;
    in >> one;
    return one.empty() ? "?" : one;
}

std::string fmt_us(double ns) {
    char b[32];
    if (ns >= 1e7) std::snprintf(b, sizeof b, "%.0f", ns / 1e3);
    else if (ns >= 1e5) std::snprintf(b, sizeof b, "%.1f", ns / 1e3);
    else std::snprintf(b, sizeof b, "%.2f", ns / 1e3);
    return b;
}

std::string fmt_count(double v) {
    char b[32];
    if (v >= 1e6) std::snprintf(b, sizeof b, "%.2fM", v / 1e6);
    else if (v >= 1e3) std::snprintf(b, sizeof b, "%.1fk", v / 1e3);
    else std::snprintf(b, sizeof b, "%.0f", v);
    return b;
}

// ---- options ----------------------------------------------------------------

struct options {
    std::uint64_t records = 1'000'000;
    bool records_set = false;
    std::vector<int> threads{1, 2};
    bool quick = false;
    fs::path dir;
    std::string seed_script;
    bool skip_peers = false;
    std::string child;  // hidden: "rss" or "overload", run in a fresh process
    double overload_seconds = 5;
};

constexpr const char* usage_line =
    "usage: pipeline [--records N] [--threads 1,2] [--quick] [--dir PATH] [--seed-script PATH] [--skip-peers]";

[[noreturn]] void usage() { aitrail_bench::exit_with_usage(usage_line); }

options parse(int argc, char** argv) {
    options o;
    for (aitrail_bench::args a(argc, argv, usage_line); a.next();) {
        if (a.is("--records")) {
            o.records = std::stoull(a.value());
            o.records_set = true;
        } else if (a.is("--threads")) {
            o.threads.clear();
            std::istringstream in(a.value());
            for (std::string part; std::getline(in, part, ',');) o.threads.push_back(std::stoi(part));
            if (o.threads.empty() || *std::min_element(o.threads.begin(), o.threads.end()) < 1) usage();
        } else if (a.is("--quick")) o.quick = true;
        else if (a.is("--dir")) o.dir = a.value();
        else if (a.is("--seed-script")) o.seed_script = a.value();
        else if (a.is("--skip-peers")) o.skip_peers = true;
        else if (a.is("--child")) o.child = a.value();
        else if (a.is("--overload-seconds")) o.overload_seconds = std::stod(a.value());
        else usage();
    }
    if (o.quick) {
        if (!o.records_set) o.records = 10'000;
        o.overload_seconds = std::min(o.overload_seconds, 0.5);
    }
    if (o.records < 100) o.records = 100;
    return o;
}

// ---- peak RSS, in a fresh child process -------------------------------------

// Child side: prints "key value" lines on stdout.
int run_child(const options& o) {
    const int threads = *std::max_element(o.threads.begin(), o.threads.end());
    const workload w;
    const std::uint64_t baseline = status_kb("VmRSS");
    if (o.child == "rss") {
        const auto start = clock_type::now();
        aitrail::writer_metrics m;
        {
            aitrail::auditor<none_policy> audit{aitrail::jsonl_storage{o.dir}};
            measure_throughput(
                threads, o.records, [&](std::uint64_t i, const std::string& p) { audited_call(audit, w, i, p); },
                [&] { audit.flush(); });
            m = audit.metrics();
        }
        std::printf("baseline_kb %llu\nhwm_kb %llu\nthreads %d\nwritten %llu\nseconds %.3f\nhigh_water %llu\n",
                    static_cast<unsigned long long>(baseline), static_cast<unsigned long long>(status_kb("VmHWM")), threads,
                    static_cast<unsigned long long>(m.written), seconds_since(start),
                    static_cast<unsigned long long>(m.queue_high_water));
        return 0;
    }
    if (o.child == "overload") {
        // 4 producers against one fdatasync per record. After the window the
        // figures are printed and the process ends without draining: the
        // drain (16k queued records, one sync each) adds nothing to the peak.
        auto* audit = new aitrail::auditor<overload_policy>{aitrail::jsonl_storage{o.dir}};
        std::atomic<bool> stop{false};
        std::vector<std::thread> producers;
        for (int t = 0; t < 4; ++t) {
            producers.emplace_back([&, t] {
                std::string prompt;
                for (std::uint64_t i = static_cast<std::uint64_t>(t); !stop.load(std::memory_order_relaxed); i += 4) {
                    make_prompt(i, prompt);
                    audited_call(*audit, w, i, prompt);
                }
            });
        }
        const auto start = clock_type::now();
        std::this_thread::sleep_for(std::chrono::duration<double>(o.overload_seconds));
        const auto m = audit->metrics();
        const double secs = seconds_since(start);
        std::printf("baseline_kb %llu\nhwm_kb %llu\nthreads 4\nwritten %llu\nenqueued %llu\nseconds %.3f\nhigh_water %llu\n",
                    static_cast<unsigned long long>(baseline), static_cast<unsigned long long>(status_kb("VmHWM")),
                    static_cast<unsigned long long>(m.written), static_cast<unsigned long long>(m.enqueued), secs,
                    static_cast<unsigned long long>(m.queue_high_water));
        std::fflush(stdout);
        stop.store(true);
        _exit(0);
    }
    usage();
}

struct child_result {
    bool ok = false;
    long maxrss_kb = 0;  // from wait4: this child's peak only
    std::map<std::string, double> values;
    double get(const std::string& key) const {
        const auto it = values.find(key);
        return it == values.end() ? 0 : it->second;
    }
};

child_result spawn_child(const options& o, const std::string& kind, const fs::path& dir) {
    child_result r;
    std::vector<std::string> args = {"/proc/self/exe", "--child", kind, "--records", std::to_string(o.records), "--dir", dir.string(),
                                     "--overload-seconds", std::to_string(o.overload_seconds), "--threads"};
    std::string list;
    for (int t : o.threads) list += (list.empty() ? "" : ",") + std::to_string(t);
    args.push_back(list);
    int fds[2];
    if (pipe(fds) != 0) return r;
    std::fflush(stdout);
    std::fflush(stderr);
    const pid_t pid = fork();
    if (pid < 0) return r;
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv("/proc/self/exe", argv.data());
        _exit(127);
    }
    close(fds[1]);
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) != 0;) {
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
    close(fds[0]);
    int status = 0;
    rusage ru{};
    if (wait4(pid, &status, 0, &ru) != pid) return r;
    r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    r.maxrss_kb = ru.ru_maxrss;
    std::istringstream in(out);
    for (std::string key; in >> key;) {
        double v = 0;
        in >> v;
        r.values[key] = v;
    }
    return r;
}

// ---- the seeds' Python pipeline ----------------------------------------------

fs::path find_seed_script(const options& o) {
    if (!o.seed_script.empty()) return fs::exists(o.seed_script) ? fs::path(o.seed_script) : fs::path{};
    if (const char* env = std::getenv("AITRAIL_SEEDS"); env && *env) {
        const fs::path p = fs::path(env) / "seed_pipeline.py";
        if (fs::exists(p)) return p;
    }
    // The repository root, from this file's own path (absolute under CMake).
    const fs::path here = fs::path(__FILE__);
    std::vector<fs::path> roots;
    if (here.is_absolute()) roots.push_back(here.parent_path().parent_path());
    roots.push_back(fs::current_path());
    for (const auto& root : roots) {
        const fs::path p = root / ".." / "shared" / "seeds" / "seed_pipeline.py";
        if (fs::exists(p)) return fs::weakly_canonical(p);
    }
    return {};
}

std::string shell_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// Runs `python3 seed_pipeline.py N OUT`; returns its records_per_s.
std::optional<double> run_seed(const fs::path& script, std::uint64_t n, const fs::path& out) {
    fs::remove(out);
    const std::string cmd =
        "python3 " + shell_quote(script.string()) + " " + std::to_string(n) + " " + shell_quote(out.string()) + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return std::nullopt;
    std::string text;
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) text += buf;
    const int rc = pclose(p);
    fs::remove(out);
    const auto at = text.find("records_per_s ");
    if (rc != 0 || at == std::string::npos) {
        std::fprintf(stderr, "seed_pipeline.py failed (exit %d): %s\n", rc, text.c_str());
        return std::nullopt;
    }
    return std::strtod(text.c_str() + at + 14, nullptr);
}

// ---- report -----------------------------------------------------------------

void print_latency_header() {
    std::printf("  %-13s %3s  %-8s %8s %9s %8s %8s %8s %8s %9s  %s\n", "mode", "thr", "system", "calls", "calls/s", "p50",
                "p90", "p99", "p99.9", "max", "queue high-water");
}

void print_latency_row(const char* mode, int threads, const char* system, const latency_stats& s, const std::string& note) {
    std::printf("  %-13s %3d  %-8s %8s %9s %8s %8s %8s %8s %9s  %s\n", mode, threads, system,
                fmt_count(static_cast<double>(s.calls)).c_str(), fmt_count(static_cast<double>(s.calls) / s.seconds).c_str(),
                fmt_us(s.p50).c_str(), fmt_us(s.p90).c_str(), fmt_us(s.p99).c_str(), fmt_us(s.p999).c_str(),
                fmt_us(s.max).c_str(), note.c_str());
}

[[maybe_unused]] void print_latency_ratio(const latency_stats& peer, const latency_stats& ours) {
    std::printf("  %-13s %3s  %-8s %8s %9s %7.2fx %7.2fx %7.2fx %7.2fx %8.2fx\n", "", "", "spdlog/", "", "aitrail", peer.p50 / ours.p50,
                peer.p90 / ours.p90, peer.p99 / ours.p99, peer.p999 / ours.p999, peer.max / ours.max);
}

struct throughput_row {
    std::vector<double> rps;  // one per run
    double mbps = 0;          // at the median run
    double line_bytes = 0;
};

void print_throughput_row(int threads, const char* system, const throughput_row& r) {
    std::string runs;
    for (double v : r.rps) runs += (runs.empty() ? "" : " ") + fmt_count(v);
    std::printf("  %3d  %-30s %10s %8.0f %8.0f  %s\n", threads, system, fmt_count(median(r.rps)).c_str(), r.mbps, r.line_bytes,
                runs.c_str());
}

}  // namespace

int main(int argc, char** argv) {
    options o = parse(argc, argv);
    if (!o.child.empty()) return run_child(o);

    const bool own_dir = o.dir.empty();
    if (own_dir) o.dir = fs::temp_directory_path() / ("aitrail-pipeline-bench-" + std::to_string(getpid()));
    fs::create_directories(o.dir);
    const workload w;
    const std::uint64_t hot_b2b = o.records;
    const std::uint64_t hot_paced = std::max<std::uint64_t>(100, o.records / 5);
    const std::uint64_t tput_n = o.records;
    const int runs = 3;
    const std::uint64_t seed_n = o.quick ? 500 : std::min<std::uint64_t>(20'000, o.records);
    const bool peers = !o.skip_peers;
    const auto fresh = [&](const std::string& name) {
        const fs::path p = o.dir / name;
        fs::remove_all(p);
        return p;
    };

    // Timer overhead: two back-to-back steady_clock reads.
    std::vector<double> empty_ns;
    for (int k = 0; k < 100'000; ++k) {
        const auto a = clock_type::now();
        const auto b = clock_type::now();
        empty_ns.push_back(static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count()));
    }

    std::printf("aitrail pipeline benchmark%s\n", o.quick ? " (--quick: small counts, figures are a smoke test)" : "");
    std::printf("  record:     seed_pipeline.py shape: ~1 KB prompt with PII, 300 B answer, user, model, tokens 310/95,\n"
                "              stop_reason, tag; auditor + audit_scope -> jsonl_storage (SHA-256 chain) in %s\n",
                o.dir.string().c_str());
    std::printf("  redaction:  aitrail: default policy on the writer thread (secrets, credentials; the record's PII is kept),\n"
                "              plus one throughput row redacting email, phone, SSN, card as seed_pipeline.py does; spdlog: none\n");
    std::printf("  machine:    %u hardware threads, load average %s; timer: steady_clock, %.0f ns per empty measurement (median)\n",
                std::thread::hardware_concurrency(), load_average().c_str(), median(empty_ns));
#if AITRAIL_BENCH_SPDLOG
    if (peers)
        std::printf("  spdlog:     %d.%d.%d async_logger, queue %zu, 1 worker, overflow block, basic_file_sink_mt, pattern %%v\n",
                    SPDLOG_VER_MAJOR, SPDLOG_VER_MINOR, SPDLOG_VER_PATCH, spdlog::details::default_async_q_size);
#else
    if (peers) std::printf("  spdlog:     not found, peer skipped\n");
#endif
    const fs::path seed_script = peers ? find_seed_script(o) : fs::path{};
    if (peers) {
        if (seed_script.empty()) std::printf("  seed:       seed_pipeline.py not found (--seed-script, $AITRAIL_SEEDS), peer skipped\n");
        else std::printf("  seed:       %s\n", seed_script.string().c_str());
    }

    // ---- 1. hot path -------------------------------------------------------
    std::printf("\n1. Hot path: one audited call on the caller's thread (scope, input/output/usage, hand-off), in us\n");
    std::printf("   paced = one call every 20 us per thread (yielding the CPU between calls); back-to-back = no pause, queue may fill\n");
    std::printf("   aitrail: durability none, queue 65534, block; calls per row split over the threads; 2000 warm-up calls per thread\n\n");
    print_latency_header();
    std::map<std::string, std::pair<latency_stats, std::optional<latency_stats>>> hot;  // key: mode/threads
    for (const bool paced : {true, false}) {
        const char* mode = paced ? "paced 20us" : "back-to-back";
        for (const int threads : o.threads) {
            const std::uint64_t n = paced ? hot_paced : hot_b2b;
            latency_stats ours;
            {
                const fs::path d = fresh("hot");
                aitrail::auditor<hot_policy> audit{aitrail::jsonl_storage{d}};
                ours = measure_hot(threads, n, paced, [&](std::uint64_t i, const std::string& p) { audited_call(audit, w, i, p); });
                audit.flush();
                ours.queue_high_water = audit.metrics().queue_high_water;
            }
            fs::remove_all(o.dir / "hot");
            print_latency_row(mode, threads, "aitrail", ours,
                              std::to_string(ours.queue_high_water) + (ours.queue_high_water >= hot_policy::queue_capacity ? " (full: callers waited)" : ""));
            std::optional<latency_stats> peer;
#if AITRAIL_BENCH_SPDLOG
            if (peers) {
                const fs::path d = fresh("spdlog-hot");
                fs::create_directories(d);
                spdlog_peer sp(d / "log.jsonl");
                peer = measure_hot(threads, n, paced, [&](std::uint64_t i, const std::string& p) { logged_call(*sp.logger, w, i, p); });
                sp.shutdown();
                fs::remove_all(d);
                print_latency_row(mode, threads, "spdlog", *peer, "");
                print_latency_ratio(*peer, ours);
            }
#endif
            hot[std::string(mode) + "/" + std::to_string(threads)] = {ours, peer};
        }
    }

    // ---- 2. backend throughput -----------------------------------------------
    std::printf("\n2. Backend throughput: %s records, producers as fast as they can, first submit -> flush() returns\n",
                fmt_count(static_cast<double>(tput_n)).c_str());
    std::printf("   aitrail: queue 16384, block; median of %d runs (each run listed); MB/s at the median run\n\n", runs);
    std::printf("  %3s  %-30s %10s %8s %8s  %s\n", "thr", "system", "records/s", "MB/s", "B/line", "runs (records/s)");
    std::map<int, throughput_row> tput_none, tput_batch, tput_spdlog, tput_redact;
    const auto ours_tput = [&]<class Policy>(int threads) {
        throughput_row row;
        std::vector<std::pair<double, double>> results;  // records/s, MB/s
        for (int r = 0; r < runs; ++r) {
            const fs::path d = fresh("tput");
            aitrail::writer_metrics m;
            double secs = 0;
            {
                aitrail::auditor<Policy> audit{aitrail::jsonl_storage{d}};
                const auto before = audit.metrics().bytes;  // trail.open
                secs = measure_throughput(
                    threads, tput_n, [&](std::uint64_t i, const std::string& p) { audited_call(audit, w, i, p); },
                    [&] { audit.flush(); });
                m = audit.metrics();
                m.bytes -= before;
            }
            fs::remove_all(d);
            results.emplace_back(static_cast<double>(tput_n) / secs, static_cast<double>(m.bytes) / 1e6 / secs);
            row.rps.push_back(results.back().first);
            row.line_bytes = static_cast<double>(m.bytes) / static_cast<double>(tput_n);
        }
        std::sort(results.begin(), results.end());
        row.mbps = results[results.size() / 2].second;
        return row;
    };
    for (const int threads : o.threads) {
        tput_none[threads] = ours_tput.template operator()<none_policy>(threads);
        print_throughput_row(threads, "aitrail, durability none", tput_none[threads]);
        tput_batch[threads] = ours_tput.template operator()<batch_policy>(threads);
        print_throughput_row(threads, "aitrail, durability batch", tput_batch[threads]);
        tput_redact[threads] = ours_tput.template operator()<seed_redaction_policy>(threads);
        print_throughput_row(threads, "aitrail, none, + seed's PII", tput_redact[threads]);
#if AITRAIL_BENCH_SPDLOG
        if (peers) {
            throughput_row row;
            std::vector<std::pair<double, double>> results;
            for (int r = 0; r < runs; ++r) {
                const fs::path d = fresh("spdlog-tput");
                fs::create_directories(d);
                std::optional<spdlog_peer> sp;
                sp.emplace(d / "log.jsonl");
                const double secs = measure_throughput(
                    threads, tput_n, [&](std::uint64_t i, const std::string& p) { logged_call(*sp->logger, w, i, p); },
                    [&] { sp->shutdown(); });
                const auto bytes = static_cast<double>(fs::file_size(d / "log.jsonl"));
                sp.reset();
                fs::remove_all(d);
                results.emplace_back(static_cast<double>(tput_n) / secs, bytes / 1e6 / secs);
                row.rps.push_back(results.back().first);
                row.line_bytes = bytes / static_cast<double>(tput_n);
            }
            std::sort(results.begin(), results.end());
            row.mbps = results[results.size() / 2].second;
            tput_spdlog[threads] = row;
            print_throughput_row(threads, "spdlog async (no sync)", row);
        }
#endif
    }
    for (const int threads : o.threads) {
        if (tput_spdlog.count(threads))
            std::printf("  ratio aitrail/spdlog, %d thr:  none %.2fx   batch %.2fx\n", threads,
                        median(tput_none[threads].rps) / median(tput_spdlog[threads].rps),
                        median(tput_batch[threads].rps) / median(tput_spdlog[threads].rps));
    }

    // ---- 3. the seeds' Python pipeline ---------------------------------------
    std::optional<double> seed_rps;
    if (peers && !seed_script.empty()) {
        std::vector<double> v;
        for (int r = 0; r < runs; ++r) {
            auto x = run_seed(seed_script, seed_n, o.dir / "seed.jsonl");
            if (!x) break;
            v.push_back(*x);
        }
        if (v.size() == static_cast<std::size_t>(runs)) seed_rps = median(v);
        std::printf("\n3. seed_pipeline.py (python3, 1 thread, N=%llu, redacts, SHA-256 chain, reopens the file per record)\n",
                    static_cast<unsigned long long>(seed_n));
        if (seed_rps) {
            std::string list;
            for (double x : v) list += (list.empty() ? "" : " ") + fmt_count(x);
            std::printf("  records/s %s (median of %d: %s)\n", fmt_count(*seed_rps).c_str(), runs, list.c_str());
            for (const int threads : o.threads)
                std::printf("  ratio aitrail/seed, %d thr:    none %.1fx   batch %.1fx   none + seed's PII %.1fx\n", threads,
                            median(tput_none[threads].rps) / *seed_rps, median(tput_batch[threads].rps) / *seed_rps,
                            median(tput_redact[threads].rps) / *seed_rps);
        } else {
            std::printf("  failed to run, peer skipped\n");
        }
    } else if (peers) {
        std::printf("\n3. seed_pipeline.py: not found, peer skipped\n");
    }

    // ---- 4. peak RSS -----------------------------------------------------------
    std::printf("\n4. Peak RSS, each in a fresh process (wait4 ru_maxrss of that child only)\n");
    // Runs the child `mode` in a fresh directory; `print` reports what it measured.
    const auto measure_child = [&](const char* mode, const auto& print) {
        const fs::path d = fresh(mode);
        const auto r = spawn_child(o, mode, d);
        fs::remove_all(d);
        if (!r.ok) {
            std::printf("  %s child failed\n", mode);
            return;
        }
        const double secs = r.get("seconds");
        print(r, secs, static_cast<double>(r.maxrss_kb) / 1024.0, r.get("baseline_kb") / 1024.0);
    };
    measure_child("rss", [&](const child_result& r, double secs, double peak_mb, double start_mb) {
        std::printf("  %s records, durability none, producers %d, queue 16384:  peak %.1f MB  (process at start %.1f MB; %s records/s, "
                    "queue high-water %.0f)\n",
                    fmt_count(static_cast<double>(o.records)).c_str(), static_cast<int>(r.get("threads")), peak_mb, start_mb,
                    fmt_count(secs > 0 ? r.get("written") / secs : 0).c_str(), r.get("high_water"));
    });
    measure_child("overload", [&](const child_result& r, double secs, double peak_mb, double start_mb) {
        std::printf("  overload: producers 4, block, durability every_record, %.1f s:  peak %.1f MB  (process at start %.1f MB; "
                    "written %.0f = %.0f records/s, queue high-water %.0f of 16384)\n",
                    secs, peak_mb, start_mb, r.get("written"), secs > 0 ? r.get("written") / secs : 0, r.get("high_water"));
    });

    // ---- targets ---------------------------------------------------------------
    std::printf("\nTargets (met / MISSED; see benchmarks/README.md)\n");
    const auto verdict = [](bool ok) { return ok ? "met   " : "MISSED"; };
    for (const int threads : o.threads) {
        if (tput_spdlog.count(threads)) {
            const double x = median(tput_none[threads].rps) / median(tput_spdlog[threads].rps);
            std::printf("  %s backend >= 1.0x spdlog async, %d thr:          %.2fx (durability none)\n", verdict(x >= 1.0), threads, x);
        }
    }
    if (seed_rps) {
        const int t1 = o.threads.front();
        const double x = median(tput_redact[t1].rps) / *seed_rps;
        std::printf("  %s backend >= 50x seed_pipeline.py, %d thr:        %.1fx (durability none, redacting the seed's PII; "
                    "%.1fx without)\n",
                    verdict(x >= 50), t1, x, median(tput_none[t1].rps) / *seed_rps);
    }
    for (const auto& [key, val] : hot) {
        if (!val.second) continue;
        const auto& ours = val.first;
        const auto& peer = *val.second;
        std::printf("  %s hot path p50 <= spdlog's, %-16s     %s vs %s us\n", verdict(ours.p50 <= peer.p50), key.c_str(),
                    fmt_us(ours.p50).c_str(), fmt_us(peer.p50).c_str());
        std::printf("  %s hot path p99.9 <= 0.5x spdlog's, %-16s %s vs %s us (%.2fx)\n", verdict(ours.p999 <= 0.5 * peer.p999),
                    key.c_str(), fmt_us(ours.p999).c_str(), fmt_us(peer.p999).c_str(), ours.p999 / peer.p999);
    }
    for (const int threads : o.threads) {
        const double x = median(tput_batch[threads].rps);
        std::printf("  %s durability batch >= 100k records/s, %d thr:    %s\n", verdict(x >= 100'000), threads, fmt_count(x).c_str());
    }

    std::printf("\nload average at the end: %s\n", load_average().c_str());
    if (own_dir) fs::remove_all(o.dir);
    return 0;
}
