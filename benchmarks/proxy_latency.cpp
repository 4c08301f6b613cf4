// The latency `aitrail proxy` adds to a model call on loopback, against a
// direct call to the same upstream in the same run.
//
//   proxy_latency [--requests N] [--threads T] [--rounds R] [--keep]
//                 [--aitrail PATH] [--emulator PATH]
//
// The provider emulator and the proxy (default durability, a fresh trail)
// run as child processes. One aitrail::http_transport (keep-alive) talks to
// the emulator directly, another to it through the proxy; both send the same
// requests, the two paths alternating call by call so that drift (other load,
// CPU frequency) affects both alike.
//
//  (a) OpenAI chat completion, non-streaming: time until the whole response.
//  (b) Anthropic messages, streaming: time to the first body byte and to the
//      end of the stream.
//  (c) T client threads x N/T requests (as (a)), direct and proxied rounds
//      alternating: requests/s.
//
// The emulator answers at once, so the difference between the two paths is
// the proxy's own cost: one more loopback hop each way, the relay, and
// recording the call. Afterwards the proxy is stopped with SIGTERM (it must
// flush and exit 0) and its trail verified: every proxied request must be an
// llm.call record in a trail that verifies.

#include "bench_support.hpp"

#include <aitrail/aitrail.hpp>
#include <aitrail/capture/http_transport.hpp>
#include <aitrail/storage/jsonl_files.hpp>
#include <aitrail/storage/jsonl_reader.hpp>

#include <nlohmann/json.hpp>

#include "child_process.hpp"  // tests/support: a server child, ready at its "listening" line

#include <sys/wait.h>  // WIFEXITED
#include <unistd.h>    // getpid

#include <algorithm>   // sort, min
#include <atomic>      // atomic
#include <chrono>      // steady_clock
#include <cstdint>     // uint64_t
#include <cstdio>      // printf, popen
#include <cstdlib>     // exit
#include <exception>   // exception_ptr
#include <filesystem>  // path, remove_all
#include <fstream>     // ifstream
#include <stdexcept>   // runtime_error
#include <string>      // string
#include <thread>      // thread
#include <vector>      // vector

namespace {

using clock_type = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr std::uint64_t warmup_requests = 200;  // per path and workload, unmeasured

// ---- options ----------------------------------------------------------------

struct options {
    std::uint64_t requests = 2000;  // measured per path, per workload
    int threads = 8;                // client threads of (c)
    int rounds = 3;                 // rounds per path of (c); the median is printed
    bool keep = false;              // keep the trail directory
    // The binaries; another build of the proxy can be measured against the same harness.
    std::string aitrail = AITRAIL_BENCH_CLI;
    std::string emulator = AITRAIL_BENCH_EMULATOR;
};

constexpr const char* usage_line =
    "usage: proxy_latency [--requests N] [--threads T] [--rounds R] [--keep] [--aitrail PATH] [--emulator PATH]";

[[noreturn]] void usage() { aitrail_bench::exit_with_usage(usage_line); }

options parse(int argc, char** argv) {
    options o;
    for (aitrail_bench::args a(argc, argv, usage_line); a.next();) {
        if (a.is("--requests")) o.requests = std::stoull(a.value());
        else if (a.is("--threads")) o.threads = std::stoi(a.value());
        else if (a.is("--rounds")) o.rounds = std::stoi(a.value());
        else if (a.is("--keep")) o.keep = true;
        else if (a.is("--aitrail")) o.aitrail = a.value();
        else if (a.is("--emulator")) o.emulator = a.value();
        else usage();
    }
    if (o.requests == 0 || o.threads <= 0 || o.rounds <= 0) usage();
    return o;
}

// ---- the requests -----------------------------------------------------------

// A support assistant's call: a system prompt and a short question, as an
// application sends them (the API key included: the proxy fingerprints it).
aitrail::model_request openai_chat_request() {
    const nlohmann::json body = {
        {"model", "gpt-4o-mini"},
        {"max_tokens", 256},
        {"messages",
         {{{"role", "system"}, {"content", "You are a concise assistant for a customer support team."}},
          {{"role", "user"},
           {"content", "Summarize the customer's last three tickets about delayed refunds and suggest a next step."}}}}};
    return {.target = "/v1/chat/completions",
            .headers = {{"authorization", "Bearer sk-bench-0123456789abcdef"}},
            .body = body.dump()};
}

aitrail::model_request anthropic_stream_request() {
    const nlohmann::json body = {
        {"model", "claude-sonnet-4-20250514"},
        {"max_tokens", 256},
        {"stream", true},
        {"system", "You are a concise assistant for a customer support team."},
        {"messages",
         {{{"role", "user"},
           {"content", "Summarize the customer's last three tickets about delayed refunds and suggest a next step."}}}}};
    return {.target = "/v1/messages",
            .headers = {{"x-api-key", "sk-ant-bench-0123456789abcdef"}, {"anthropic-version", "2023-06-01"}},
            .body = body.dump()};
}

// ---- the two paths ------------------------------------------------------------

// One way to the emulator: its own keep-alive pool, and a count of the
// requests sent, which for the proxied path is the records the trail must hold.
struct endpoint {
    aitrail::http_transport transport;
    std::atomic<std::uint64_t> requests{0};

    endpoint(const std::string& base_url, int threads)
        : transport({.base_url = base_url,
                     .max_retries = 0,  // a failure must show, not be hidden in a slower sample
                     .max_idle_connections = static_cast<std::size_t>(threads)}) {}
};

std::uint64_t elapsed_ns(clock_type::time_point from, clock_type::time_point to) {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(to - from).count());
}

// A whole non-streamed call, in ns.
std::uint64_t timed_send(endpoint& e, const aitrail::model_request& request) {
    e.requests.fetch_add(1, std::memory_order_relaxed);
    const auto t0 = clock_type::now();
    const auto response = e.transport.send(request);
    const auto t1 = clock_type::now();
    if (response.status != 200) throw std::runtime_error("status " + std::to_string(response.status) + ": " + response.body);
    return elapsed_ns(t0, t1);
}

// Stamps the first body byte of a streamed response.
class first_byte_clock final : public aitrail::stream_handler {
public:
    void on_head(const aitrail::model_response& head) override { status = head.status; }
    void on_chunk(std::string_view bytes) override {
        if (!bytes.empty() && first == clock_type::time_point{}) first = clock_type::now();
    }
    int status = 0;
    clock_type::time_point first{};
};

struct stream_times {
    std::uint64_t first_byte_ns = 0;
    std::uint64_t end_ns = 0;
};

stream_times timed_stream(endpoint& e, const aitrail::model_request& request) {
    e.requests.fetch_add(1, std::memory_order_relaxed);
    first_byte_clock clock;
    const auto t0 = clock_type::now();
    e.transport.stream(request, clock);
    const auto t1 = clock_type::now();
    if (clock.status != 200 || clock.first == clock_type::time_point{})
        throw std::runtime_error("stream: status " + std::to_string(clock.status) + " or no body");
    return {elapsed_ns(t0, clock.first), elapsed_ns(t0, t1)};
}

// ---- statistics and printing ----------------------------------------------------

struct percentiles {
    double p50 = 0, p90 = 0, p99 = 0, max = 0;  // us
};

percentiles summarize(std::vector<std::uint64_t> ns) {
    std::sort(ns.begin(), ns.end());
    const auto at = [&](double q) {
        const auto i = std::min(static_cast<std::size_t>(q * static_cast<double>(ns.size())), ns.size() - 1);
        return static_cast<double>(ns[i]) / 1e3;
    };
    return {at(0.50), at(0.90), at(0.99), static_cast<double>(ns.back()) / 1e3};
}

// The median of the per-pair differences: each proxied call against the
// direct call made right beside it, so slow phases of the machine cancel out.
double paired_median_us(const std::vector<std::uint64_t>& direct, const std::vector<std::uint64_t>& proxied) {
    std::vector<double> d;
    for (std::size_t i = 0; i < direct.size(); ++i)
        d.push_back((static_cast<double>(proxied[i]) - static_cast<double>(direct[i])) / 1e3);
    std::sort(d.begin(), d.end());
    return d[d.size() / 2];
}

using aitrail_bench::median;

// The 1-minute load average: other work on a shared machine shows up here.
std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string one;
    in >> one;
    return one.empty() ? "?" : one;
}

void print_header() { std::printf("  %-22s %9s %9s %9s %9s\n", "", "p50", "p90", "p99", "max"); }

void print_row(const char* name, const percentiles& p) {
    std::printf("  %-22s %9.1f %9.1f %9.1f %9.1f\n", name, p.p50, p.p90, p.p99, p.max);
}

// Proxy minus direct and proxy / direct at each percentile (the max of two
// runs says nothing about either path, so it gets no difference).
void print_added(const percentiles& direct, const percentiles& proxied, double paired_us) {
    std::printf("  %-22s %+9.1f %+9.1f %+9.1f %9s\n", "added (proxy - direct)", proxied.p50 - direct.p50,
                proxied.p90 - direct.p90, proxied.p99 - direct.p99, "");
    std::printf("  %-22s %8.2fx %8.2fx %8.2fx %9s\n", "ratio (proxy / direct)", proxied.p50 / direct.p50,
                proxied.p90 / direct.p90, proxied.p99 / direct.p99, "");
    std::printf("  %-22s %+9.1f   (median over pairs of proxied - direct call made side by side)\n", "added, paired", paired_us);
}

void print_comparison(const char* title, const std::vector<std::uint64_t>& direct, const std::vector<std::uint64_t>& proxied) {
    std::printf("  %s\n", title);
    const auto d = summarize(direct);
    const auto p = summarize(proxied);
    print_row("direct", d);
    print_row("via proxy", p);
    print_added(d, p, paired_median_us(direct, proxied));
}

// ---- (a) and (b): alternating sequential calls --------------------------------

// Calls `call(e)` on each path `n` times, alternating; which path goes first
// in a pair alternates too, so neither always follows the other's work.
template <class Call>
void alternate(endpoint& direct, endpoint& proxied, std::uint64_t n, Call&& call) {
    for (std::uint64_t i = 0; i < n; ++i) {
        if (i % 2 == 0) {
            call(direct, false, i);
            call(proxied, true, i);
        } else {
            call(proxied, true, i);
            call(direct, false, i);
        }
    }
}

void run_chat(endpoint& direct, endpoint& proxied, std::uint64_t n) {
    const auto request = openai_chat_request();
    alternate(direct, proxied, warmup_requests, [&](endpoint& e, bool, std::uint64_t) { timed_send(e, request); });
    std::vector<std::uint64_t> lat[2] = {std::vector<std::uint64_t>(n), std::vector<std::uint64_t>(n)};
    alternate(direct, proxied, n, [&](endpoint& e, bool via, std::uint64_t i) { lat[via][i] = timed_send(e, request); });
    std::printf("\n(a) OpenAI chat completion, non-streaming (POST /v1/chat/completions), %llu calls per path, in us\n",
                static_cast<unsigned long long>(n));
    print_header();
    print_comparison("whole response", lat[0], lat[1]);
}

void run_stream(endpoint& direct, endpoint& proxied, std::uint64_t n) {
    const auto request = anthropic_stream_request();
    alternate(direct, proxied, warmup_requests, [&](endpoint& e, bool, std::uint64_t) { timed_stream(e, request); });
    std::vector<std::uint64_t> first[2] = {std::vector<std::uint64_t>(n), std::vector<std::uint64_t>(n)};
    std::vector<std::uint64_t> end[2] = {std::vector<std::uint64_t>(n), std::vector<std::uint64_t>(n)};
    alternate(direct, proxied, n, [&](endpoint& e, bool via, std::uint64_t i) {
        const auto t = timed_stream(e, request);
        first[via][i] = t.first_byte_ns;
        end[via][i] = t.end_ns;
    });
    std::printf("\n(b) Anthropic messages, streaming (POST /v1/messages, \"stream\": true), %llu calls per path, in us\n",
                static_cast<unsigned long long>(n));
    print_header();
    print_comparison("time to first body byte", first[0], first[1]);
    print_comparison("time to end of stream", end[0], end[1]);
}

// ---- (c): concurrent clients -----------------------------------------------------

struct round_result {
    double requests_per_s = 0;
    std::vector<std::uint64_t> latencies;  // ns, all threads
};

// `threads` clients share one transport (one keep-alive connection each),
// each making `per_thread` calls after 20 unmeasured ones, timed from the
// moment all are ready until the last one is done.
round_result concurrent_round(endpoint& e, int threads, std::uint64_t per_thread) {
    const auto request = openai_chat_request();
    std::vector<std::vector<std::uint64_t>> lat(static_cast<std::size_t>(threads), std::vector<std::uint64_t>(per_thread));
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(threads));
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            const auto slot = static_cast<std::size_t>(t);
            try {
                for (int k = 0; k < 20; ++k) timed_send(e, request);
                ready.fetch_add(1);
                while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
                for (auto& ns : lat[slot]) ns = timed_send(e, request);
            } catch (...) {
                errors[slot] = std::current_exception();
                ready.fetch_add(1);
            }
        });
    }
    while (ready.load() < threads) std::this_thread::yield();
    const auto start = clock_type::now();
    go.store(true, std::memory_order_release);
    for (auto& th : pool) th.join();
    const double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    for (const auto& err : errors)
        if (err) std::rethrow_exception(err);
    round_result r;
    for (const auto& v : lat) r.latencies.insert(r.latencies.end(), v.begin(), v.end());
    r.requests_per_s = static_cast<double>(r.latencies.size()) / seconds;
    return r;
}

void print_concurrent_row(const char* name, const std::vector<round_result>& rounds) {
    std::vector<double> rps;
    std::string list;
    for (const auto& r : rounds) {
        rps.push_back(r.requests_per_s);
        list += (list.empty() ? "" : " ") + std::to_string(static_cast<long long>(r.requests_per_s));
    }
    // Latency of the median round, so that it goes with the printed rate.
    std::vector<std::size_t> order(rounds.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return rps[a] < rps[b]; });
    const auto p = summarize(rounds[order[order.size() / 2]].latencies);
    std::printf("  %-22s %10.0f %9.1f %9.1f   %s\n", name, median(rps), p.p50, p.p99, list.c_str());
}

void run_concurrent(endpoint& direct, endpoint& proxied, const options& o) {
    const std::uint64_t per_thread = std::max<std::uint64_t>(1, o.requests / static_cast<std::uint64_t>(o.threads));
    std::vector<round_result> d, p;
    for (int r = 0; r < o.rounds; ++r) {
        d.push_back(concurrent_round(direct, o.threads, per_thread));
        p.push_back(concurrent_round(proxied, o.threads, per_thread));
    }
    std::printf("\n(c) Concurrent: %d client threads x %llu calls as in (a), one shared transport per path;\n"
                "    median of %d rounds per path, direct and proxied rounds alternating\n",
                o.threads, static_cast<unsigned long long>(per_thread), o.rounds);
    std::printf("  %-22s %10s %9s %9s   %s\n", "", "requests/s", "p50 us", "p99 us", "rounds (requests/s)");
    print_concurrent_row("direct", d);
    print_concurrent_row("via proxy", p);
    std::vector<double> dr, pr;
    for (const auto& r : d) dr.push_back(r.requests_per_s);
    for (const auto& r : p) pr.push_back(r.requests_per_s);
    std::printf("  %-22s %9.2fx\n", "ratio (proxy / direct)", median(pr) / median(dr));
}

// ---- the trail ------------------------------------------------------------------

// Runs `aitrail verify DIR`; returns its summary line, throws unless it exits 0.
std::string verify_trail(const std::string& aitrail, const fs::path& dir) {
    const std::string command = "'" + aitrail + "' verify --quiet '" + dir.string() + "' 2>&1";
    FILE* p = ::popen(command.c_str(), "r");
    if (!p) throw std::runtime_error("cannot run " + command);
    std::string text;
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) text += buf;
    const int status = ::pclose(p);
    while (!text.empty() && text.back() == '\n') text.pop_back();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("aitrail verify failed: " + text);
    return text;
}

std::uint64_t count_llm_calls(const fs::path& dir) {
    std::vector<fs::path> files;
    for (const auto& f : aitrail::list_trail_files(dir)) files.push_back(f.path);
    std::uint64_t n = 0;
    aitrail::scan_jsonl_files(files, [&](const aitrail::stored_line& line) {
        const auto entry = nlohmann::json::parse(line.text);
        if (entry["rec"].value("kind", "") == "llm.call") ++n;
        return true;
    });
    return n;
}

// Stops the proxy (SIGTERM: drain, flush, exit 0), verifies its trail and
// checks that it holds one record per proxied request.
bool check_trail(aitrail_test::child_process& proxy, const options& o, const fs::path& dir, std::uint64_t proxied_requests) {
    std::fflush(stdout);  // the proxy's shutdown lines go to the shared stderr
    const int status = proxy.stop();
    const std::string summary = verify_trail(o.aitrail, dir);
    const std::uint64_t records = count_llm_calls(dir);
    std::printf("\nTrail: proxy stopped by SIGTERM, exit status %d; aitrail verify: %s\n", status, summary.c_str());
    std::printf("       %llu llm.call records for %llu proxied requests (warm-ups included)%s\n",
                static_cast<unsigned long long>(records), static_cast<unsigned long long>(proxied_requests),
                records == proxied_requests ? "" : "  MISMATCH");
    return status == 0 && records == proxied_requests;
}

// ---- main -------------------------------------------------------------------------

void print_setup(const options& o, const aitrail_test::child_process& emulator, const aitrail_test::child_process& proxy,
                 const fs::path& trail) {
    std::printf("aitrail proxy latency benchmark\n");
    std::printf("  upstream:  aitrail-emulator, %s; it answers at once (no model), so the\n"
                "             difference between the paths is the proxy's own overhead\n",
                emulator.base_url().c_str());
    std::printf("  proxy:     %s proxy, %s,\n             trail %s (default durability: batch)\n", o.aitrail.c_str(),
                proxy.base_url().c_str(), trail.string().c_str());
    std::printf("  clients:   one aitrail::http_transport (keep-alive, no retries) per path; %llu warm-up calls per path\n"
                "             and workload; then %llu calls per path, direct and proxied alternating call by call\n",
                static_cast<unsigned long long>(warmup_requests), static_cast<unsigned long long>(o.requests));
    std::printf("  machine:   %u hardware threads shared by client, proxy and emulator; load average %s\n",
                std::thread::hardware_concurrency(), load_average().c_str());
}

void print_connections(const endpoint& direct, const endpoint& proxied) {
    const auto d = direct.transport.stats();
    const auto p = proxied.transport.stats();
    std::printf("\nConnections (keep-alive): direct %llu opened, %llu reuses; proxied %llu opened, %llu reuses\n",
                static_cast<unsigned long long>(d.connections_opened), static_cast<unsigned long long>(d.connections_reused),
                static_cast<unsigned long long>(p.connections_opened), static_cast<unsigned long long>(p.connections_reused));
}

int run(const options& o, const fs::path& trail) {
    aitrail_test::child_process emulator({o.emulator, "--listen", "127.0.0.1:0"});
    // A fixed fingerprint key: without one the proxy warns on every start.
    aitrail_test::child_process proxy(
        {o.aitrail, "proxy", "--listen", "127.0.0.1:0", "--upstream", emulator.base_url(), "--trail", trail.string()},
        {"AITRAIL_FINGERPRINT_KEY=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"});
    print_setup(o, emulator, proxy, trail);
    endpoint direct(emulator.base_url(), o.threads);
    endpoint proxied(proxy.base_url(), o.threads);
    run_chat(direct, proxied, o.requests);
    run_stream(direct, proxied, o.requests);
    run_concurrent(direct, proxied, o);
    print_connections(direct, proxied);
    const bool ok = check_trail(proxy, o, trail, proxied.requests.load());
    std::printf("\nload average at the end: %s\n", load_average().c_str());
    return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    const options o = parse(argc, argv);
    const fs::path dir = fs::temp_directory_path() / ("aitrail-proxy-bench-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    int rc = 1;
    try {
        rc = run(o, dir / "trail");
    } catch (const std::exception& e) {
        std::fflush(stdout);
        std::fprintf(stderr, "proxy_latency: %s\n", e.what());
    }
    if (o.keep) std::printf("trail kept in %s\n", (dir / "trail").string().c_str());
    else fs::remove_all(dir);
    return rc;
}
