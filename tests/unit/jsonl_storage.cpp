#include <aitrail/storage/jsonl_storage.hpp>

#include <doctest/doctest.h>

#include "support/files.hpp"
#include "support/temp_dir.hpp"

#include <aitrail/capture/auditor.hpp>
#include <aitrail/integrity/sealer.hpp>
#include <aitrail/read/verify.hpp>
#include <aitrail/storage/entry_head.hpp>

#include <nlohmann/json.hpp>

#include <stdlib.h>     // mkdtemp
#include <sys/stat.h>   // chmod
#include <unistd.h>     // geteuid

#include <chrono>        // sys_days, hours, microseconds
#include <cstdint>       // uint64_t
#include <filesystem>    // path, directory_iterator, permissions
#include <fstream>       // ifstream, ofstream
#include <iterator>      // istreambuf_iterator
#include <map>           // map
#include <optional>      // optional
#include <regex>         // regex, regex_match
#include <span>          // span
#include <stdexcept>     // runtime_error
#include <string>        // string
#include <system_error>  // error_code
#include <vector>        // vector

namespace jsonl_storage_tests {

namespace fs = std::filesystem;

namespace {

using aitrail_test::temp_dir;
using aitrail_test::read_file;
using aitrail_test::append_file;
using aitrail_test::write_file;

/// Verifies the trail in `dir`, which must pass with `entries` entries.
aitrail::verify_report check_verifies(const fs::path& dir, std::uint64_t entries) {
    auto report = aitrail::verify_paths({dir});
    CHECK(report.ok());
    CHECK(report.entries == entries);
    return report;
}

/// The complete lines of `text` (a final line without '\n' is not one).
std::vector<std::string> complete_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
        lines.push_back(text.substr(start, nl - start));
    return lines;
}

/// The trail files of `dir` in name order.
std::vector<fs::path> trail_paths(const fs::path& dir) {
    std::vector<fs::path> paths;
    for (const auto& f : aitrail::list_trail_files(dir)) paths.push_back(f.path);
    return paths;
}

/// Every line of the trail in `dir`, in trail order.
std::vector<std::string> trail_lines(const fs::path& dir) {
    std::vector<std::string> lines;
    for (const auto& p : trail_paths(dir))
        for (auto& l : complete_lines(read_file(p))) lines.push_back(std::move(l));
    return lines;
}

/// Every file of `dir` (trail or not) with its bytes.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.is_regular_file()) files[entry.path().filename().string()] = read_file(entry.path());
    return files;
}

aitrail::timestamp at(int y, unsigned m, unsigned d, int h, int min, int s) {
    using namespace std::chrono;
    return aitrail::timestamp{sys_days{year{y} / month{m} / day{d}}} + hours{h} + minutes{min} + seconds{s};
}

/// Seals one entry per timestamp, continuing `s`'s chain.
std::vector<aitrail::sealed_entry> seal_at(aitrail::sealer<aitrail::hashers::sha256>& s,
                                           const std::vector<aitrail::timestamp>& times) {
    std::vector<aitrail::sealed_entry> out;
    for (const auto t : times) {
        aitrail::pending_entry e;
        e.rec.id = "rec-" + std::to_string(s.head().next_seq);
        e.rec.ts = t;
        e.rec.user = "user-" + std::to_string(s.head().next_seq % 5);
        e.content = {{"input", "prompt " + std::to_string(s.head().next_seq)}, {"output", {{"label", "ok"}}}};
        out.push_back(s.seal(e));
        out.back().rec = nullptr;
    }
    return out;
}

/// `n` entries on one fixed day.
std::vector<aitrail::sealed_entry> seal_n(aitrail::sealer<aitrail::hashers::sha256>& s, std::size_t n) {
    std::vector<aitrail::timestamp> times;
    for (std::size_t i = 0; i < n; ++i) times.push_back(at(2026, 1, 15, 10, 0, static_cast<int>(i % 60)));
    return seal_at(s, times);
}

void append(aitrail::jsonl_storage& s, const std::vector<aitrail::sealed_entry>& batch) {
    s.append(std::span<const aitrail::sealed_entry>(batch));
}

std::uint64_t seq_of(const std::string& line) { return nlohmann::json::parse(line).at("seq").get<std::uint64_t>(); }

/// Writes `n` audited calls through an auditor over the trail in `dir`.
void audit_calls(const fs::path& dir, int n, aitrail::jsonl_options options = {}) {
    std::vector<std::string> errors;
    {
        aitrail::auditor<> audit{aitrail::jsonl_storage(dir, std::move(options)),
                                 {.on_error = [&](const std::string& m) { errors.push_back(m); }}};
        for (int i = 0; i < n; ++i) {
            auto scope = audit.scope({.action = "predict", .user = "analyst-" + std::to_string(i), .model = {"clf", "v2"}});
            scope.input({{"features", {i, i + 1}}}).output({{"score", i * 10}});
        }
    }
    CHECK(errors.empty());
}

/// A chain head in words, so that a failed comparison shows both sides.
std::string head_text(const aitrail::chain_head& h) {
    return "next seq " + std::to_string(h.next_seq) + ", prev " + h.prev_hash;
}
std::string head_text(const std::optional<aitrail::chain_head>& h) { return h ? head_text(*h) : "no head"; }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_SUITE_BEGIN("jsonl_storage");

TEST_CASE("jsonl_storage rotates by size into files named by first seq and day, in trail order") {
    const temp_dir tmp("jsonl-rotate-size");
    const auto dir = tmp.path() / "trail";
    constexpr std::uint64_t max_bytes = 2048;
    aitrail::sealer<aitrail::hashers::sha256> sealer;
    {
        aitrail::jsonl_storage storage(dir, {.max_file_bytes = max_bytes});
        for (std::size_t n : {1u, 3u, 20u, 1u, 15u}) append(storage, seal_n(sealer, n));
        storage.flush();
    }

    const auto files = trail_paths(dir);
    REQUIRE(files.size() >= 3);
    const std::regex name_pattern(R"(trail-[0-9]{16}-[0-9]{8}\.jsonl)");
    std::uint64_t next_seq = 0;
    std::string previous_name;
    for (const auto& f : files) {
        const std::string name = f.filename().string();
        CAPTURE(name);
        CHECK(std::regex_match(name, name_pattern));
        CHECK(name > previous_name);
        previous_name = name;
        const std::string bytes = read_file(f);
        CHECK(bytes.size() <= max_bytes);
        const auto lines = complete_lines(bytes);
        REQUIRE_FALSE(lines.empty());
        CHECK(bytes.size() == [&] {
            std::size_t n = 0;
            for (const auto& l : lines) n += l.size() + 1;
            return n;
        }());
        // The name carries the first seq (16 digits) and the entries' UTC day.
        CHECK(std::stoull(name.substr(6, 16)) == seq_of(lines.front()));
        CHECK(name.substr(23, 8) == "20260115");
        // Name order is seq order, with nothing skipped between files.
        for (const auto& l : lines) CHECK(seq_of(l) == next_seq++);
    }
    CHECK(next_seq == 40);

    const auto report = check_verifies(dir, 40);
    CHECK(report.files == files.size());
}

TEST_CASE("jsonl_storage starts a new file when an entry's UTC day differs from the file's") {
    const temp_dir tmp("jsonl-rotate-day");
    const auto dir = tmp.path() / "trail";
    aitrail::sealer<aitrail::hashers::sha256> sealer;
    {
        aitrail::jsonl_storage storage(dir);
        // One batch crossing midnight UTC, then another batch a day later.
        append(storage, seal_at(sealer, {at(2026, 3, 31, 23, 59, 58), at(2026, 3, 31, 23, 59, 59),
                                         at(2026, 4, 1, 0, 0, 0), at(2026, 4, 1, 0, 0, 1)}));
        append(storage, seal_at(sealer, {at(2026, 4, 1, 23, 59, 59)}));
        append(storage, seal_at(sealer, {at(2026, 4, 2, 0, 0, 0)}));
        storage.flush();
    }
    std::vector<std::string> names;
    for (const auto& f : trail_paths(dir)) names.push_back(f.filename().string());
    const std::vector<std::string> expected{"trail-0000000000000000-20260331.jsonl",
                                            "trail-0000000000000002-20260401.jsonl",
                                            "trail-0000000000000005-20260402.jsonl"};
    CHECK(names == expected);
    REQUIRE(names.size() == 3);
    CHECK(complete_lines(read_file(dir / names[0])).size() == 2);
    CHECK(complete_lines(read_file(dir / names[1])).size() == 3);
    CHECK(complete_lines(read_file(dir / names[2])).size() == 1);
    CHECK(aitrail::verify_paths({dir}).ok());
}

TEST_CASE("jsonl_storage keeps one file across midnight when rotate_daily is off") {
    const temp_dir tmp("jsonl-no-daily");
    const auto dir = tmp.path() / "trail";
    aitrail::sealer<aitrail::hashers::sha256> sealer;
    {
        aitrail::jsonl_storage storage(dir, {.rotate_daily = false});
        append(storage, seal_at(sealer, {at(2026, 3, 31, 23, 59, 59), at(2026, 4, 1, 0, 0, 0)}));
    }
    const auto files = trail_paths(dir);
    REQUIRE(files.size() == 1);
    CHECK(files[0].filename() == "trail-0000000000000000-20260331.jsonl");
    CHECK(aitrail::verify_paths({dir}).ok());
}

TEST_CASE("an auditor reopened on a jsonl_storage resumes the chain") {
    const temp_dir tmp("jsonl-resume");
    const auto dir = tmp.path() / "trail";
    audit_calls(dir, 5, {.max_file_bytes = 1024});
    const auto first = trail_lines(dir);
    REQUIRE(first.size() == 6);  // trail.open + 5 calls
    {
        aitrail::jsonl_storage storage(dir, {.max_file_bytes = 1024});
        CHECK(head_text(storage.head()) == head_text(aitrail::head_after_line(first.back())));
        CHECK(storage.recovery().torn_bytes == 0);
    }
    audit_calls(dir, 3, {.max_file_bytes = 1024});

    const auto all = trail_lines(dir);
    REQUIRE(all.size() == 10);  // + trail.resume + 3 calls
    for (std::size_t i = 0; i < first.size(); ++i) CHECK(all[i] == first[i]);
    const auto resume = nlohmann::json::parse(all[6]);
    CHECK(resume["rec"]["kind"] == "trail.resume");
    CHECK(resume["seq"] == 6);
    CHECK(resume["prev"] == nlohmann::json::parse(first.back())["hash"]);
    CHECK(resume["rec"]["meta"]["resumed_at_seq"] == 6);
    CHECK_FALSE(resume["rec"]["meta"].contains("torn_bytes_removed"));
    for (std::size_t i = 0; i < all.size(); ++i) CHECK(seq_of(all[i]) == i);

    check_verifies(dir, 10);
}

TEST_CASE("jsonl_storage cuts a torn last line on open and keeps every complete line") {
    const temp_dir tmp("jsonl-torn");
    const auto dir = tmp.path() / "trail";
    audit_calls(dir, 4);
    const auto files = trail_paths(dir);
    REQUIRE(files.size() == 1);
    const fs::path last = files.back();
    const std::string before = read_file(last);
    const auto lines = complete_lines(before);
    REQUIRE(lines.size() == 5);

    // A crash in the middle of writing a line: half of it, no newline.
    const std::string torn = lines.back().substr(0, lines.back().size() / 2);
    append_file(last, torn);

    std::vector<std::string> warnings;
    aitrail::jsonl_storage storage(dir, {.on_warning = [&](const std::string& m) { warnings.push_back(m); }});
    CHECK(storage.recovery().torn_bytes == torn.size());
    CHECK(storage.recovery().file == last.string());
    REQUIRE(warnings.size() == 1);
    CHECK(contains(warnings[0], last.string()));
    CHECK(contains(warnings[0], std::to_string(torn.size()) + " bytes"));
    CHECK(read_file(last) == before);  // exactly the torn bytes are gone
    CHECK(head_text(storage.head()) == head_text(aitrail::head_after_line(lines.back())));

    {
        // The auditor states the repair in its trail.resume record.
        aitrail::auditor<> audit{std::move(storage)};
        audit.scope({.action = "after-repair"}).input("x");
    }
    const std::string after = read_file(last);
    REQUIRE(after.size() > before.size());
    CHECK(after.compare(0, before.size(), before) == 0);
    const auto all = complete_lines(after);
    REQUIRE(all.size() == 7);
    const auto resume = nlohmann::json::parse(all[5]);
    CHECK(resume["rec"]["kind"] == "trail.resume");
    CHECK(resume["rec"]["meta"]["torn_bytes_removed"] == torn.size());
    CHECK(resume["rec"]["meta"]["resumed_at_seq"] == 5);
    CHECK(nlohmann::json::parse(all[6])["rec"]["action"] == "after-repair");
    CHECK(aitrail::verify_paths({dir}).ok());
}

TEST_CASE("jsonl_storage finds the head in the previous file when the last file held only a torn line") {
    const temp_dir tmp("jsonl-torn-file");
    const auto dir = tmp.path() / "trail";
    aitrail::sealer<aitrail::hashers::sha256> sealer;
    {
        aitrail::jsonl_storage storage(dir);
        append(storage, seal_n(sealer, 3));
    }
    const aitrail::chain_head head_before = sealer.head();
    // The crash hit right after a rotation: the new file holds half a line.
    const auto next = seal_n(sealer, 1);
    const fs::path new_file = dir / aitrail::trail_file_name(next[0].seq, next[0].ts);
    write_file(new_file, next[0].line.substr(0, 40));

    std::vector<std::string> warnings;
    {
        aitrail::jsonl_storage storage(dir, {.on_warning = [&](const std::string& m) { warnings.push_back(m); }});
        CHECK(storage.recovery().torn_bytes == 40);
        CHECK(storage.recovery().file == new_file.string());
        CHECK(warnings.size() == 1);
        CHECK(head_text(storage.head()) == head_text(head_before));
        CHECK(fs::file_size(new_file) == 0);
        append(storage, next);  // continues in the file the torn line was cut from
    }
    const auto files = trail_paths(dir);
    REQUIRE(files.size() == 2);
    CHECK(read_file(files[1]) == next[0].line + "\n");
    check_verifies(dir, 4);
}

TEST_CASE("jsonl_storage refuses a trail whose last complete line is not an entry, changing nothing") {
    const temp_dir tmp("jsonl-garbage");
    const auto dir = tmp.path() / "trail";
    audit_calls(dir, 2);
    const fs::path last = trail_paths(dir).back();

    auto expect_refused = [&](const std::string& tail) {
        CAPTURE(tail);
        append_file(last, tail);
        const auto before = snapshot(dir);
        std::vector<std::string> warnings;
        for (int attempt = 0; attempt < 2; ++attempt) {  // the second proves the lock was released
            try {
                aitrail::jsonl_storage storage(dir, {.on_warning = [&](const std::string& m) { warnings.push_back(m); }});
                FAIL("opening a trail ending in a line that is not an entry must throw");
            } catch (const aitrail::storage_error& e) {
                CHECK(contains(e.what(), last.string()));
                CHECK(contains(e.what(), "not a trail entry"));
                CHECK_FALSE(contains(e.what(), "locked"));
            }
        }
        CHECK(warnings.empty());
        CHECK(snapshot(dir) == before);
    };
    SUBCASE("a complete line that is not JSON") { expect_refused("this is not a trail entry\n"); }
    SUBCASE("a JSON line without seq and hash") { expect_refused("{\"v\":1}\n"); }
    SUBCASE("a line that is not an entry, then a torn line") { expect_refused("garbage\n{\"content\":"); }
}

TEST_CASE("jsonl_storage allows one writer per trail directory") {
    const temp_dir tmp("jsonl-lock");
    const auto dir = tmp.path() / "trail";
    {
        aitrail::jsonl_storage first(dir);
        try {
            aitrail::jsonl_storage second(dir);
            FAIL("a second writer on the same directory must be refused");
        } catch (const aitrail::storage_error& e) {
            CHECK(contains(e.what(), "locked"));
            CHECK(contains(e.what(), dir.string()));
        }
        // The first writer is unaffected.
        aitrail::sealer<aitrail::hashers::sha256> sealer;
        append(first, seal_n(sealer, 2));
        CHECK(head_text(first.head()) == head_text(sealer.head()));
    }
    // Once the first is gone, the trail can be opened again.
    aitrail::jsonl_storage again(dir);
    CHECK(again.head().next_seq == 2);
}

TEST_CASE("jsonl_storage names the path it cannot create or write") {
    const temp_dir tmp("jsonl-unwritable");

    SUBCASE("a path below a regular file") {
        // Fails for every user, root included.
        write_file(tmp.path() / "afile", "not a directory\n");
        const auto dir = tmp.path() / "afile" / "sub";
        try {
            aitrail::jsonl_storage storage(dir);
            FAIL("a trail below a regular file cannot be created");
        } catch (const aitrail::storage_error& e) {
            CHECK(contains(e.what(), dir.string()));
        }
        CHECK(fs::is_regular_file(tmp.path() / "afile"));
    }

    SUBCASE("a directory without write permission") {
        if (::geteuid() == 0) {
            MESSAGE("skipped: root bypasses directory permissions");
            return;
        }
        const auto dir = tmp.path() / "readonly";
        fs::create_directory(dir);
        REQUIRE(::chmod(dir.c_str(), 0500) == 0);
        try {
            aitrail::jsonl_storage storage(dir);
            FAIL("a trail in a read-only directory cannot be opened for writing");
        } catch (const aitrail::storage_error& e) {
            CHECK(contains(e.what(), dir.string()));
        }
        const auto below = dir / "sub";
        try {
            aitrail::jsonl_storage storage(below);
            FAIL("a trail directory cannot be created in a read-only directory");
        } catch (const aitrail::storage_error& e) {
            CHECK(contains(e.what(), below.string()));
        }
        REQUIRE(::chmod(dir.c_str(), 0700) == 0);
    }
}

TEST_CASE("jsonl_storage ignores files in its directory that are not trail files") {
    const temp_dir tmp("jsonl-other-files");
    const auto dir = tmp.path() / "trail";
    fs::create_directories(dir / "archive");
    const std::map<std::string, std::string> others{
        {"README.txt", "notes\n"},
        {"trail-12.jsonl", "not a trail file name\n"},
        {"trail-0000000000000000-20260115.jsonl.bak", "garbage\n"},
        {"trail-00000000000000x0-20260115.jsonl", "garbage\n"},
        {"trail-0000000000000000-2026011x.jsonl", "garbage\n"},
        {"Trail-0000000000000000-20260115.jsonl", "garbage\n"},
    };
    for (const auto& [name, bytes] : others) write_file(dir / name, bytes);

    aitrail::sealer<aitrail::hashers::sha256> sealer;
    std::vector<std::string> expected;
    {
        aitrail::jsonl_storage storage(dir);
        CHECK(head_text(storage.head()) == head_text(aitrail::chain_head{}));
        const auto batch = seal_n(sealer, 4);
        append(storage, batch);
        for (const auto& e : batch) expected.push_back(e.line);
        std::vector<std::string> scanned;
        storage.scan([&](const aitrail::stored_line& l) {
            scanned.emplace_back(l.text);
            return true;
        });
        CHECK(scanned == expected);
    }
    {
        aitrail::jsonl_storage reopened(dir);
        CHECK(head_text(reopened.head()) == head_text(sealer.head()));
    }
    const auto files = trail_paths(dir);
    REQUIRE(files.size() == 1);
    CHECK(files[0].filename() == "trail-0000000000000000-20260115.jsonl");
    CHECK(trail_lines(dir) == expected);
    for (const auto& [name, bytes] : others) CHECK(read_file(dir / name) == bytes);
    CHECK(aitrail::verify_paths({dir}).ok());
}

TEST_SUITE_END();

}  // namespace jsonl_storage_tests
