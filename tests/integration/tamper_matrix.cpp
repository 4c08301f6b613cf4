#include <aitrail/read/verify.hpp>

#include <doctest/doctest.h>

#include "support/files.hpp"
#include "support/temp_dir.hpp"

#include <aitrail/capture/auditor.hpp>
#include <aitrail/integrity/hasher.hpp>
#include <aitrail/integrity/jcs.hpp>
#include <aitrail/storage/jsonl_storage.hpp>

#include <nlohmann/json.hpp>

#include <stdlib.h>  // mkdtemp

#include <cctype>        // isalnum
#include <cstdint>       // uint64_t
#include <filesystem>    // path, copy, remove
#include <fstream>       // ifstream, ofstream
#include <iterator>      // istreambuf_iterator
#include <optional>      // optional
#include <stdexcept>     // runtime_error
#include <string>        // string
#include <system_error>  // error_code
#include <utility>       // move, swap
#include <vector>        // vector

namespace tamper_matrix_tests {

namespace fs = std::filesystem;
using aitrail::problem_kind;

namespace {

using aitrail_test::temp_dir;
using aitrail_test::read_file;
using aitrail_test::write_file;

/// The lines of a file (without their '\n'); every line is complete.
std::vector<std::string> read_lines(const fs::path& p) {
    const std::string text = read_file(p);
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
        lines.push_back(text.substr(start, nl - start));
    if (start != text.size()) throw std::runtime_error("unexpected torn line in " + p.string());
    return lines;
}

void write_lines(const fs::path& p, const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& l : lines) text += l + '\n';
    write_file(p, text);
}

std::uint64_t seq_of(const std::string& line) { return nlohmann::json::parse(line).at("seq").get<std::uint64_t>(); }

std::string hex(const aitrail::digest& d) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    for (unsigned char b : d) {
        s += digits[b >> 4];
        s += digits[b & 15];
    }
    return s;
}

std::string sha256_hex(const std::string& bytes) { return hex(aitrail::hashers::sha256{}({bytes})); }

constexpr int calls = 1000;

/// One untampered trail, written once per process by an auditor over
/// jsonl_storage: trail.open and 1000 calls with input and output, in small
/// files. Every test works on its own copy.
class base_trail {
public:
    static const base_trail& get() {
        static const base_trail trail;
        return trail;
    }
    const fs::path& dir() const noexcept { return dir_; }
    /// File names in trail order.
    const std::vector<std::string>& files() const noexcept { return files_; }
    std::size_t total_lines() const noexcept { return total_lines_; }

private:
    base_trail() : tmp_("tamper-base"), dir_(tmp_.path() / "trail") {
        std::vector<std::string> errors;
        {
            aitrail::auditor<> audit{aitrail::jsonl_storage(dir_, {.max_file_bytes = 96 * 1024}),
                                     {.on_error = [&](const std::string& m) { errors.push_back(m); }}};
            for (int i = 0; i < calls; ++i) {
                auto scope = audit.scope({.action = "messages.create",
                                          .user = "user" + std::to_string(i % 13),
                                          .model = {"model-x", "", "local"}});
                scope.input({{"messages", {{{"role", "user"}, {"content", "Question " + std::to_string(i) + ": why?"}}}}});
                scope.output({{"text", "Because " + std::to_string(i * 7) + "."}, {"finish", "stop"}});
                scope.usage({.input = 10 + i % 5, .output = 20 + i % 3});
            }
        }
        if (!errors.empty()) throw std::runtime_error("writing the base trail failed: " + errors.front());
        for (const auto& f : aitrail::list_trail_files(dir_)) {
            files_.push_back(f.path.filename().string());
            total_lines_ += read_lines(f.path).size();
        }
    }
    temp_dir tmp_;
    fs::path dir_;
    std::vector<std::string> files_;
    std::size_t total_lines_ = 0;
};

/// A fresh copy of the base trail to damage.
class trail_copy {
public:
    trail_copy() : tmp_("tamper"), dir_(tmp_.path() / "trail") {
        fs::copy(base_trail::get().dir(), dir_, fs::copy_options::recursive);
    }
    const fs::path& dir() const noexcept { return dir_; }
    fs::path file(std::size_t i) const { return dir_ / base_trail::get().files().at(i); }
    std::size_t file_count() const { return base_trail::get().files().size(); }
    /// The file in the middle of the trail (neither first nor last).
    std::size_t middle_file() const { return file_count() / 2; }

private:
    temp_dir tmp_;
    fs::path dir_;
};

/// Where a problem should be reported.
struct expected_problem {
    problem_kind kind;
    fs::path file;
    std::uint64_t line_no;
    std::optional<std::uint64_t> seq;
};

std::string describe(problem_kind kind, const fs::path& file, std::uint64_t line_no, std::optional<std::uint64_t> seq) {
    return std::string(aitrail::to_string(kind)) + " at " + file.filename().string() + ":" + std::to_string(line_no) +
           (seq ? " seq " + std::to_string(*seq) : std::string(" (no seq)"));
}

std::string describe(const aitrail::verify_problem& p) { return describe(p.kind, p.source, p.line_no, p.seq); }
std::string describe(const expected_problem& p) { return describe(p.kind, p.file, p.line_no, p.seq); }

std::vector<std::string> describe_all(const aitrail::verify_report& r) {
    std::vector<std::string> out;
    for (const auto& p : r.problems) out.push_back(describe(p));
    return out;
}

/// Verifies `dir` on the fast and on the slow (re-canonicalizing) path:
/// both must fail, find the same problems at the same places, and put
/// `first` first. Returns the fast path's report.
aitrail::verify_report expect_first_problem(const fs::path& dir, const expected_problem& first) {
    const auto fast = aitrail::verify_paths({dir});
    const auto slow = aitrail::verify_paths({dir}, aitrail::verify_options{.recanonicalize = true});
    for (const auto* report : {&fast, &slow}) {
        CAPTURE(report == &slow);
        CHECK_FALSE(report->ok());
        REQUIRE_FALSE(report->problems.empty());
        CHECK(describe(report->problems.front()) == describe(first));
        // The evidence names the place.
        CHECK(report->problems.front().source == (dir / first.file.filename()).string());
        CHECK_FALSE(report->problems.front().detail.empty());
    }
    CHECK(describe_all(fast) == describe_all(slow));
    return fast;
}

/// A fresh copy of the base trail whose middle file a test edits line by
/// line: `lines` holds that file, `i` the line tampered with.
struct middle_file_edit {
    trail_copy t;
    fs::path file = t.file(t.middle_file());
    std::vector<std::string> lines = read_lines(file);
    std::size_t i;

    /// Tampers with the line `lines.size() / part`.
    explicit middle_file_edit(std::size_t part = 2) : i(lines.size() / part) {}

    /// Puts `line` before line i, so that it is line i.
    void insert(std::string line) { lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(i), std::move(line)); }

    /// Writes the lines back and expects `kind` at line i (1-based i + 1)
    /// with `seq` to be the first problem on both paths.
    aitrail::verify_report expect(problem_kind kind, std::optional<std::uint64_t> seq) {
        write_lines(file, lines);
        return expect_first_problem(t.dir(), {kind, file, i + 1, seq});
    }
};

/// Flips an alphanumeric byte at `at` of `line` to another alphanumeric byte.
void flip(std::string& line, std::size_t at) {
    REQUIRE(at < line.size());
    REQUIRE(std::isalnum(static_cast<unsigned char>(line[at])));
    const char c = line[at];
    line[at] = c == 'z' ? 'y' : c == 'Z' ? 'Y' : c == '9' ? '8' : static_cast<char>(c + 1);
}

}  // namespace

TEST_SUITE_BEGIN("tamper_matrix");

TEST_CASE("tamper matrix: the untampered trail verifies on both paths") {
    const auto& base = base_trail::get();
    REQUIRE(base.files().size() >= 3);
    REQUIRE(base.total_lines() >= 1000);
    for (const bool slow : {false, true}) {
        CAPTURE(slow);
        const auto report = aitrail::verify_paths({base.dir()}, aitrail::verify_options{.recanonicalize = slow});
        CHECK(report.ok());
        CHECK(describe_all(report).empty());
        CHECK(report.entries == base.total_lines());
        CHECK(report.files == base.files().size());
        CHECK(report.hasher == "sha256");
        CHECK_FALSE(report.trail_id.empty());
    }
}

TEST_CASE("tamper matrix: a byte flipped in a rec string is record modified at its line") {
    middle_file_edit e;
    const auto at = e.lines[e.i].find("\"user\":\"user");
    REQUIRE(at != std::string::npos);
    flip(e.lines[e.i], at + 9);  // inside the value: "user" -> "vser"
    CHECK(e.expect(problem_kind::record_modified, seq_of(e.lines[e.i])).problems.size() == 1);
}

TEST_CASE("tamper matrix: a byte flipped in a content body is content modified at its line") {
    middle_file_edit e(3);
    const auto at = e.lines[e.i].find("Because ");
    REQUIRE(at != std::string::npos);
    REQUIRE(at < e.lines[e.i].find("\"hash\":"));  // in the content, not in rec
    flip(e.lines[e.i], at + 1);
    CHECK(e.expect(problem_kind::content_modified, seq_of(e.lines[e.i])).problems.size() == 1);
}

TEST_CASE("tamper matrix: a deleted line is a gap at the line after it") {
    middle_file_edit e;
    const auto deleted = seq_of(e.lines[e.i]);
    e.lines.erase(e.lines.begin() + static_cast<std::ptrdiff_t>(e.i));
    // Line i+1 (1-based) now holds the entry after the deleted one.
    REQUIRE(seq_of(e.lines[e.i]) == deleted + 1);
    const auto report = e.expect(problem_kind::gap, deleted + 1);
    CHECK(report.problems.size() == 1);
    CHECK(report.problems.front().detail.find("seq " + std::to_string(deleted)) != std::string::npos);
}

TEST_CASE("tamper matrix: two swapped lines are reordered at the first of them") {
    middle_file_edit e;
    std::swap(e.lines[e.i], e.lines[e.i + 1]);
    CHECK(e.expect(problem_kind::reordered, seq_of(e.lines[e.i])).problems.size() == 1);
}

TEST_CASE("tamper matrix: a forged line with a self-consistent hash is inserted at the forged line") {
    middle_file_edit e;
    const auto& lines = e.lines;
    const std::size_t i = e.i;
    REQUIRE(i >= 1);

    // Forge a twin of line i with another user, sealed correctly: digests
    // over the canonical content, the hash over the canonical entry without
    // hash and content, seq of line i and prev = the hash of line i-1.
    auto forged = nlohmann::json::parse(lines[i]);
    forged["rec"]["user"] = "mallory";
    forged["content"]["output"]["text"] = "Forged answer.";
    for (const auto& [key, body] : forged["content"].items())
        forged["rec"]["digests"][key] = sha256_hex(aitrail::canonicalize(body));
    forged["prev"] = nlohmann::json::parse(lines[i - 1])["hash"];
    auto hashed = forged;
    hashed.erase("hash");
    hashed.erase("content");
    forged["hash"] = sha256_hex(aitrail::canonicalize(hashed));
    const std::string forged_line = aitrail::canonicalize(forged);
    REQUIRE(forged_line != lines[i]);
    REQUIRE(seq_of(forged_line) == seq_of(lines[i]));

    e.insert(forged_line);
    CHECK(e.expect(problem_kind::inserted, seq_of(forged_line)).problems.size() == 1);
}

TEST_CASE("tamper matrix: a last line cut in half is a torn line at the end of the last file") {
    trail_copy t;
    const auto file = t.file(t.file_count() - 1);
    const auto lines = read_lines(file);
    std::string text;
    for (std::size_t k = 0; k + 1 < lines.size(); ++k) text += lines[k] + '\n';
    text += lines.back().substr(0, lines.back().size() / 2);
    write_file(file, text);
    const auto report = expect_first_problem(t.dir(), {problem_kind::torn_line, file, lines.size(), std::nullopt});
    CHECK(report.problems.size() == 1);
}

TEST_CASE("tamper matrix: a removed middle file breaks the chain at the first line of the next file") {
    trail_copy t;
    const std::size_t removed = t.middle_file();
    REQUIRE(removed + 1 < t.file_count());
    const auto next = t.file(removed + 1);
    REQUIRE(fs::remove(t.file(removed)));
    const auto report =
        expect_first_problem(t.dir(), {problem_kind::broken_across_files, next, 1, seq_of(read_lines(next).front())});
    CHECK(report.problems.size() == 1);
}

TEST_CASE("tamper matrix: an equivalent but non-canonical line is not canonical") {
    middle_file_edit e;
    auto& line = e.lines[e.i];
    const auto at = line.find(",\"seq\":");
    REQUIRE(at != std::string::npos);
    line.insert(at + 1, " ");
    REQUIRE(nlohmann::json::parse(line) == nlohmann::json::parse(read_lines(e.file)[e.i]));  // same JSON value
    const auto report = e.expect(problem_kind::not_canonical, seq_of(line));
    // The entry is present, only badly written: no gap is reported after it.
    CHECK(report.problems.size() == 1);
}

TEST_CASE("tamper matrix: a line that is not JSON is not a trail entry at its line") {
    std::string bad;
    SUBCASE("text") { bad = "this line is not JSON {"; }
    SUBCASE("canonical JSON that is not an object") { bad = R"(["not","an","entry"])"; }
    middle_file_edit e;
    e.insert(bad);
    CHECK(e.expect(problem_kind::not_an_entry, std::nullopt).problems.size() == 1);
}

TEST_CASE("tamper matrix: JSON that is neither canonical nor an entry is not canonical, without a seq") {
    middle_file_edit e;
    e.insert(R"(["not", "an", "entry"])");
    CHECK(e.expect(problem_kind::not_canonical, std::nullopt).problems.size() == 1);
}

TEST_CASE("tamper matrix: a seq rewritten to a huge value is record modified, found promptly" * doctest::timeout(60)) {
    middle_file_edit e;
    auto& line = e.lines[e.i];
    const std::string seq_member = ",\"seq\":" + std::to_string(seq_of(line)) + ",";
    const auto at = line.rfind(seq_member);
    REQUIRE(at != std::string::npos);
    // Still canonical (below 2^53), but 9e15 entries "missing" before it.
    constexpr std::uint64_t huge = 9'000'000'000'000'000;
    line.replace(at, seq_member.size(), ",\"seq\":" + std::to_string(huge) + ",");
    e.expect(problem_kind::record_modified, huge);
}

TEST_SUITE_END();

}  // namespace tamper_matrix_tests
