#include <aitrail/storage/jsonl_storage.hpp>

#include <doctest/doctest.h>

#include <aitrail/capture/auditor.hpp>
#include <aitrail/policy/default_policy.hpp>
#include <aitrail/read/verify.hpp>
#include <aitrail/read/verify_checkpoints.hpp>
#include <aitrail/storage/jsonl_files.hpp>
#include <aitrail/storage/jsonl_reader.hpp>
#include <support/stress_scale.hpp>
#include <support/temp_dir.hpp>
#include <support/trail_entries.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>     // O_CLOEXEC, O_NONBLOCK, fcntl
#include <signal.h>    // kill, SIGKILL
#include <sys/wait.h>  // waitpid
#include <unistd.h>    // fork, pipe2, read, write, _exit, access
#ifdef __linux__
#include <sys/prctl.h>  // prctl, PR_SET_PDEATHSIG
#endif

#include <chrono>      // steady_clock, microseconds
#include <cstdint>     // uint64_t
#include <cstdlib>     // getenv, strtoull
#include <exception>   // exception
#include <filesystem>  // path, file_size
#include <fstream>     // ifstream
#include <optional>    // optional
#include <random>      // mt19937_64, random_device, uniform_int_distribution
#include <string>      // string, to_string
#include <thread>      // sleep_for
#include <utility>     // pair
#include <vector>      // vector

namespace crash_kill9_tests {

// The crash test. A child process writes records through an auditor with
// durability_policies::batch and reports, through a pipe, the highest index whose
// flush() has returned; the parent kills it with SIGKILL at a random moment.
// In every other five runs on a directory each flush also signs a checkpoint
// (tiles read, note appended to `checkpoints`, `checkpoint` replaced), so
// kills land in checkpointing and tile writes as well as in appends. After every kill the trail must reopen
// (a torn last line is cut), verify, hash tiles and checkpoints included
// (with the log's key: nothing cut off the end, no checkpoint unreadable),
// and hold every record that a returned flush() promised.

namespace {

struct crash_policy : aitrail::default_policy {
    using durability = aitrail::durability_policies::batch;
    // Signs only when the child is given the key (half the runs).
    using checkpoint = aitrail::checkpoint_policies::at_flush;
};

/// The log key every child signs with.
const aitrail::note_signer& log_key() {
    static const aitrail::note_signer key = aitrail::note_signer::generate("example.com/crash");
    return key;
}

constexpr std::uint64_t flush_every = 16;
/// Records of about 1.4 kB make each batch's write() span several pages: a
/// kill that lands inside it can leave a torn last line.
constexpr std::size_t body_bytes = 1024;
constexpr int kills_per_directory = 20;
/// Kills land 0-15 ms after the fork; under ThreadSanitizer, whose child
/// needs several times longer just to open the trail, 0-120 ms.
constexpr int longest_sleep_us = aitrail_test::under_thread_sanitizer() ? 120000 : 15000;
constexpr auto time_budget = std::chrono::seconds(90);

/// The child's whole life: open the trail, submit records tagged (run, i)
/// as fast as it can, flush every flush_every records and write the last
/// flushed index to `pipe_fd`. Never returns: it is killed, or _exit()s on
/// an error with a code the parent reports. No doctest in here.
[[noreturn]] void child_main(const std::filesystem::path& dir, int pipe_fd, std::uint64_t run, bool sign) noexcept {
#ifdef __linux__
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test
#endif
    try {
        aitrail::jsonl_options storage_options;
        storage_options.on_warning = [](const std::string&) {};  // the parent counts torn tails itself
        aitrail::writer_options options;
        if (sign) options.checkpoint_key = log_key();
        options.on_error = [](const std::string&) { ::_exit(6); };  // a checkpoint refused or not signed
        aitrail::auditor<crash_policy> audit{aitrail::jsonl_storage{dir, storage_options}, std::move(options)};
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        const std::string body(body_bytes, 'x');
        for (std::uint64_t i = 0;; ++i) {
            auto e = aitrail_test::tagged_record(run, i);
            e.content = {{"input", body}};
            audit.record(std::move(e));
            if ((i + 1) % flush_every != 0) continue;
            if (!audit.flush()) ::_exit(3);
            const std::uint64_t flushed = i;
            if (::write(pipe_fd, &flushed, sizeof flushed) != static_cast<ssize_t>(sizeof flushed)) ::_exit(4);
            if (std::chrono::steady_clock::now() > give_up) ::_exit(5);
        }
    } catch (...) {
        ::_exit(2);
    }
}

/// The trail files in `dir`; none when the directory does not exist yet.
std::vector<aitrail::trail_file> trail_files(const std::filesystem::path& dir) {
    if (!std::filesystem::exists(dir)) return {};
    return aitrail::list_trail_files(dir);
}

/// Reads every complete value in the pipe; keeps the last.
void drain(int fd, std::optional<std::uint64_t>& last) {
    std::uint64_t v = 0;
    while (::read(fd, &v, sizeof v) == static_cast<ssize_t>(sizeof v)) last = v;
}

/// The last trail file and its size: changes whenever anything is written.
std::pair<std::string, std::uintmax_t> tail_state(const std::filesystem::path& dir) {
    const auto files = trail_files(dir);
    if (files.empty()) return {};
    return {files.back().path.string(), std::filesystem::file_size(files.back().path)};
}

/// True when the last trail file ends inside a line.
bool tail_is_torn(const std::filesystem::path& dir) {
    const auto [path, size] = tail_state(dir);
    if (size == 0) return false;
    std::ifstream in(path, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(size - 1));
    return in.get() != '\n';
}

std::uint64_t seed_from_env_or_random() {
    if (const char* env = std::getenv("AITRAIL_CRASH_SEED")) return std::strtoull(env, nullptr, 10);
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
}

/// Totals over the whole test.
struct tally {
    int kills = 0;
    int torn_tails = 0;           ///< kills that left a torn last line
    int cut_by_reopen = 0;        ///< torn tails the parent's reopen cut
    int cut_by_child = 0;         ///< trail.resume records stating torn_bytes_removed
    int flush_claims = 0;         ///< kills after which at least one flushed index was known
    std::uint64_t checked = 0;    ///< flushed records checked present
    int checkpointed = 0;         ///< kills after which the trail had a checkpoint to check
};

/// trail.resume records in `dir` that say a torn line was cut.
int resumes_with_torn_bytes(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> paths;
    for (const auto& f : trail_files(dir)) paths.push_back(f.path);
    int n = 0;
    aitrail::scan_jsonl_files(paths, [&](const aitrail::stored_line& l) {
        if (l.terminated && l.text.find("\"kind\":\"trail.resume\"") != std::string_view::npos) {
            const auto e = nlohmann::json::parse(l.text);
            if (e["rec"]["meta"].contains("torn_bytes_removed")) ++n;
        }
        return true;
    });
    return n;
}

}  // namespace

TEST_SUITE_BEGIN("crash_kill9");

TEST_CASE("crash: kill -9 at random moments never loses a flushed record and the trail always verifies") {
    const int target = static_cast<int>(aitrail_test::scaled(200, 30));
    const std::uint64_t seed = seed_from_env_or_random();
    MESSAGE("crash test: seed ", seed, " (set AITRAIL_CRASH_SEED to replay), ", target, " kills");
    (void)log_key();  // generated before any fork, shared by every child
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> sleep_us(0, longest_sleep_us);

    // Directories alternate between the temp directory (usually a disk, where
    // fdatasync costs) and, when the machine has one, tmpfs, where it costs
    // nothing: there the child spends far more of its time inside write(),
    // so kills leave torn lines far more often. A kill -9 keeps the page
    // cache either way: what flush() promised must be there on both.
    const aitrail_test::temp_dir tmp("crash");
    std::optional<aitrail_test::temp_dir> shm;
    if (::access("/dev/shm", W_OK | X_OK) == 0) {
        try {
            shm.emplace("crash", "/dev/shm");
        } catch (const std::exception&) {
            // No tmpfs after all: every directory goes to the temp directory.
        }
    }
    MESSAGE("crash test: trail directories under ", tmp.path().string(),
            shm ? " and " + shm->path().string() : std::string(" only"));
    aitrail::jsonl_options quiet;
    int tiles_repaired = 0;  // reopens that found tiles missing or stale
    int stores_completed = 0;  // reopens that completed a checkpoint store the kill interrupted
    quiet.on_warning = [&](const std::string& m) {
        tiles_repaired += m.find("tiles repaired") != std::string::npos;
        stores_completed += m.find("a crash had interrupted storing") != std::string::npos;
    };
    tally t;
    const auto started = std::chrono::steady_clock::now();
    std::uint64_t run = 0;

    for (int d = 0; t.kills < target && std::chrono::steady_clock::now() - started < time_budget; ++d) {
        const auto dir = (d % 2 == 1 && shm ? shm->path() : tmp.path()) / ("trail-" + std::to_string(d));
        std::pair<std::string, std::uintmax_t> before{};  // the tail after the previous check
        for (int k = 0; k < kills_per_directory && t.kills < target &&
                        std::chrono::steady_clock::now() - started < time_budget;
             ++k, ++run) {
            // Only this thread exists here, and no auditor or storage is open.
            int fds[2];
            REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
            const pid_t pid = ::fork();
            REQUIRE(pid >= 0);
            if (pid == 0) {
                ::close(fds[0]);
                child_main(dir, fds[1], run, k / 5 % 2 == 1);  // five runs signing, five not, ...
            }
            ::close(fds[1]);
            REQUIRE(::fcntl(fds[0], F_SETFL, O_NONBLOCK) == 0);

            std::optional<std::uint64_t> flushed;
            const int slept = sleep_us(rng);
            std::this_thread::sleep_for(std::chrono::microseconds(slept));
            drain(fds[0], flushed);
            REQUIRE(::kill(pid, SIGKILL) == 0);
            int status = 0;
            REQUIRE(::waitpid(pid, &status, 0) == pid);
            drain(fds[0], flushed);  // what it wrote before it died
            ::close(fds[0]);
            ++t.kills;

            INFO("kill ", t.kills, " (directory ", d, ", run ", run, ") after ", slept, " us; last flushed index ",
                 flushed ? std::to_string(*flushed) : std::string("none"));
            if (WIFEXITED(status)) FAIL("the child exited on its own with code ", WEXITSTATUS(status));
            REQUIRE(WIFSIGNALED(status));
            REQUIRE(WTERMSIG(status) == SIGKILL);

            if (trail_files(dir).empty()) {  // killed before the first file existed
                CHECK_FALSE(flushed.has_value());
                continue;
            }
            const bool torn = tail_is_torn(dir);
            if (torn && tail_state(dir) != before) ++t.torn_tails;

            // Every other kill the parent reopens the trail itself, which cuts
            // a torn tail. Otherwise it reopens a copy and leaves the original
            // for the next child to cut (its trail.resume then states
            // torn_bytes_removed).
            const bool in_place = k % 2 == 0 || k + 1 == kills_per_directory;
            if (!in_place) {
                // Untouched, the trail is sound up to a torn last line at most.
                const auto report = aitrail::verify_paths({dir});
                INFO("first problem: ", report.problems.empty() ? std::string() : report.problems.front().detail);
                if (torn) {
                    CHECK(report.problems.size() == 1);
                    CHECK(report.problems_omitted == 0);
                    if (!report.problems.empty()) CHECK(report.problems.front().kind == aitrail::problem_kind::torn_line);
                } else {
                    CHECK(report.ok());
                }
            }
            const auto reopened = in_place ? dir : dir.parent_path() / "copy";
            if (!in_place) {
                std::filesystem::remove_all(reopened);
                std::filesystem::copy(dir, reopened);
            }
            aitrail_test::own_indices present(flushed ? *flushed + 1 : 0);
            {
                aitrail::jsonl_storage storage{reopened, quiet};
                if (in_place && storage.recovery().torn_bytes > 0) ++t.cut_by_reopen;
                CHECK((storage.recovery().torn_bytes > 0) == torn);
                storage.scan([&](const aitrail::stored_line& l) {
                    present.add(l.text, run);
                    return true;
                });
            }
            // With its checkpoints: each one the child signed opens with the
            // key and matches the tree of the entries it covers.
            const auto set = aitrail::checkpoints_of_directory(reopened);
            aitrail::verify_options verify_options;
            verify_options.roots_at = aitrail::checkpoint_sizes(set);
            auto report = aitrail::verify_paths({reopened}, verify_options);
            aitrail::verify_checkpoints(report, set, {{log_key().verifier()}, {}, 0});
            INFO("first problem: ", report.problems.empty() ? std::string() : report.problems.front().detail);
            CHECK(report.ok());
            if (set.latest) ++t.checkpointed;
            // The hash tiles, written after the entries and at each flush,
            // were cut short by the kill as often as the entries: after the
            // reopen they all agree with the entries, none lagging (a trail
            // killed before its first entry has no tree, hence no tiles).
            CHECK((report.tiles == aitrail::verify_report::tiles_state::checked || report.entries == 0));
            CHECK(report.tiles_lagging == 0);
            if (!in_place) std::filesystem::remove_all(reopened);
            if (flushed) {
                ++t.flush_claims;
                t.checked += *flushed + 1;
                // flush() returned for index *flushed: it and all before it are stored.
                CHECK(present.first_missing() == *flushed + 1);
            }
            CHECK(present.duplicates == 0);
            before = tail_state(dir);
        }
        if (!trail_files(dir).empty()) {
            t.cut_by_child += resumes_with_torn_bytes(dir);
            std::filesystem::remove_all(dir);
        }
    }

    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    MESSAGE("crash test: ", t.kills, " kills in ", took.count(), " ms; ", t.torn_tails, " landed with a torn tail (",
            t.cut_by_reopen, " cut by reopening, ", t.cut_by_child, " cut by the next writer, stated in trail.resume); ",
            t.flush_claims, " kills came after a returned flush(), ", t.checked, " flushed records checked present; ",
            tiles_repaired, " reopens rewrote tiles the kill left missing or stale; ", t.checkpointed,
            " kills left checkpoints, each checked with the log key (", stores_completed,
            " reopens completed a checkpoint store the kill interrupted)");
    // Under ThreadSanitizer a child rarely lives long enough to sign.
    if (!aitrail_test::under_thread_sanitizer()) CHECK(t.checkpointed > 0);
    CHECK(t.kills >= target);
}

TEST_SUITE_END();

}  // namespace crash_kill9_tests
