// The tamper matrix of checkpointed trails: every damage a chain alone
// cannot show (entries cut off the end, a whole file gone at the end, a
// trail rewritten with a valid chain and rebuilt tiles) and every damage to
// the checkpoints themselves (another key, an old one put back, a fork) is
// detected and named, by the library and by `aitrail verify --vkey`.
#include <aitrail/read/verify_checkpoints.hpp>

#include <doctest/doctest.h>

#include "support/checkpoint_trails.hpp"
#include "support/files.hpp"
#include "support/temp_dir.hpp"

#include <aitrail/read/verify.hpp>
#include <aitrail/storage/jsonl_files.hpp>

#include <filesystem>  // path, copy, remove
#include <string>      // string
#include <vector>      // vector

namespace checkpoint_tamper_tests {

TEST_SUITE_BEGIN("checkpoint tamper matrix");

namespace fs = std::filesystem;
using aitrail::problem_kind;
using aitrail_test::has;
using aitrail_test::read_file;
using aitrail_test::write_file;

namespace {

/// A trail of 302 entries with two checkpoints (sizes 151 and 302) signed
/// by the tool, made once per process; each test works on a copy.
class base_trail {
public:
    static const base_trail& get() {
        static const base_trail b;
        return b;
    }
    aitrail_test::temp_dir scratch{"cp-tamper-base"};
    fs::path trail = scratch.path() / "trail";
    aitrail_test::log_key key = aitrail_test::make_log_key(scratch.path(), "example.com/tamper", "log");
    std::string first, second;  ///< the two notes

private:
    base_trail() {
        aitrail_test::append_calls(trail, 150);
        first = sign(trail).out;
        aitrail_test::append_calls(trail, 150);
        second = sign(trail).out;
    }

public:
    /// `aitrail checkpoint` on `dir` with the log key.
    aitrail_test::cli_run sign(const fs::path& dir) const {
        auto r = aitrail_test::run_aitrail(scratch.path(), {"checkpoint", "--trail", dir.string(), "--key", key.key_file.string()});
        REQUIRE_MESSAGE(r.status == 0, r.all());
        return r;
    }
};

/// A copy of the base trail to damage.
struct copy {
    aitrail_test::temp_dir scratch{"cp-tamper"};
    fs::path trail = scratch.path() / "trail";
    std::vector<std::string> extra;  ///< checkpoint files kept elsewhere
    copy() { fs::copy(base_trail::get().trail, trail, fs::copy_options::recursive); }

    /// The library's findings.
    std::vector<aitrail::verify_problem> library() const {
        auto set = aitrail::checkpoints_of_directory(trail);
        for (const auto& f : extra) set.elsewhere.push_back({f, read_file(f)});
        aitrail::verify_options options;
        options.roots_at = aitrail::checkpoint_sizes(set);
        auto report = aitrail::verify_paths({trail}, options);
        aitrail::verify_checkpoints(report, set, {{base_trail::get().key.signer.verifier()}, {}, 0});
        return report.problems;
    }
    /// What `aitrail verify --vkey` prints.
    aitrail_test::cli_run cli() const {
        std::vector<std::string> args{"verify", trail.string(), "--vkey", base_trail::get().key.vkey_file.string(),
                                      "--max-problems", "1000"};
        for (const auto& f : extra) args.insert(args.end(), {"--checkpoint", f});
        return aitrail_test::run_aitrail(scratch.path(), args);
    }
    /// Both name `kind`, the library at `where` (a suffix of the place).
    void expect(problem_kind kind, const std::string& where) const {
        const auto problems = library();
        bool found = false;
        std::string all;
        for (const auto& p : problems) {
            all += aitrail::format_problem(p) + "\n";
            found = found || (p.kind == kind && p.source.ends_with(where));
        }
        CAPTURE(all);
        CHECK_MESSAGE(found, "library did not report ", aitrail::to_string(kind), " at ", where);
        const auto r = cli();
        CAPTURE(r.all());
        CHECK(r.status == 1);
        CHECK(has(r.out, ": " + std::string(aitrail::to_string(kind)) + " \xE2\x80\x94"));
    }

    /// Removes `n` entries from the end of the trail.
    void cut(std::size_t n) const {
        while (n > 0) {
            const auto last = aitrail::list_trail_files(trail).back().path;
            std::string text = read_file(last);
            while (n > 0 && !text.empty()) {
                const auto cut_at = text.rfind('\n', text.size() - 2);
                text.erase(cut_at == std::string::npos ? 0 : cut_at + 1);
                --n;
            }
            if (text.empty()) fs::remove(last);
            else write_file(last, text);
        }
    }
};

}  // namespace

TEST_CASE("an untouched trail verifies against its checkpoints") {
    const copy c;
    CHECK(c.library().empty());
    const auto r = c.cli();
    CAPTURE(r.all());
    CHECK(r.status == 0);
    CHECK(has(r.out, "checkpoints: 2 verified, up to size 302"));
}

TEST_CASE("1 entry cut off the end") {
    const copy c;
    c.cut(1);
    c.expect(problem_kind::checkpoint_truncated, "checkpoint");
}

TEST_CASE("100 entries cut off the end") {
    const copy c;
    c.cut(100);
    c.expect(problem_kind::checkpoint_truncated, "checkpoint");
}

TEST_CASE("the last file deleted") {
    const copy c;
    fs::remove(aitrail::list_trail_files(c.trail).back().path);
    c.expect(problem_kind::checkpoint_truncated, "checkpoint");
}

TEST_CASE("the whole trail rewritten with a valid chain and rebuilt tiles, without the key") {
    const copy c;
    for (const auto& f : aitrail::list_trail_files(c.trail)) fs::remove(f.path);
    fs::remove_all(c.trail / "tile");
    aitrail_test::append_calls(c.trail, 301);  // trail.open + 301: as many entries as signed
    REQUIRE(aitrail_test::run_aitrail(c.scratch.path(), {"tiles", "--trail", c.trail.string(), "--rebuild"}).status == 0);
    REQUIRE(aitrail_test::run_aitrail(c.scratch.path(), {"verify", c.trail.string()}).status == 0);  // the chain is fine
    c.expect(problem_kind::checkpoint_rewritten, "checkpoint");
}

TEST_CASE("a checkpoint signed by another key") {
    const copy c;
    const auto other = aitrail_test::make_log_key(c.scratch.path(), "example.com/tamper", "other");
    const auto opened = aitrail::open_checkpoint(base_trail::get().second, base_trail::get().key.signer.verifier());
    write_file(c.trail / "checkpoint", aitrail::sign_checkpoint(opened.cp, other.signer));
    c.expect(problem_kind::checkpoint_forged, "checkpoint");
}

TEST_CASE("an old checkpoint put back") {
    const copy c;
    write_file(c.trail / "checkpoint", base_trail::get().first);
    c.expect(problem_kind::checkpoint_rollback, "checkpoint");
}

TEST_CASE("two forked checkpoints of one log") {
    copy c;
    // The key also signed another tree under the same origin.
    const fs::path fork = c.scratch.path() / "fork";
    aitrail_test::append_calls(fork, 100);
    const auto note = base_trail::get().sign(fork).out;
    write_file(c.scratch.path() / "fork.checkpoint", note);
    c.extra.push_back((c.scratch.path() / "fork.checkpoint").string());
    c.expect(problem_kind::checkpoint_fork, "fork.checkpoint");
}

TEST_SUITE_END();

}  // namespace checkpoint_tamper_tests
