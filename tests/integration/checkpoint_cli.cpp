// The auditor's workflow through the built tool: a log key, `aitrail
// checkpoint`, `aitrail prove`, `aitrail verify-proof` and `aitrail
// consistency` on a real JSONL trail, and the signer refusing a tree cut short.
#include <aitrail/integrity/checkpoint.hpp>

#include <doctest/doctest.h>

#include "support/checkpoint_trails.hpp"
#include "support/files.hpp"
#include "support/temp_dir.hpp"

#include <aitrail/integrity/cosignature.hpp>
#include <aitrail/integrity/merkle_verify.hpp>
#include <aitrail/integrity/proof_hashes.hpp>
#include <aitrail/integrity/tlog_proof.hpp>
#include <aitrail/storage/jsonl_files.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>  // path, exists
#include <string>      // string
#include <vector>      // vector

namespace checkpoint_cli_tests {

TEST_SUITE_BEGIN("checkpoint cli");

namespace fs = std::filesystem;
using aitrail_test::has;
using aitrail_test::read_file;
using aitrail_test::run_aitrail;
using aitrail_test::write_file;

namespace {

/// A trail of 40 calls and a log key, in a scratch directory.
struct workspace {
    aitrail_test::temp_dir scratch{"cp-cli"};
    fs::path trail = scratch.path() / "trail";
    aitrail_test::log_key key = aitrail_test::make_log_key(scratch.path(), "example.com/cli-log", "log");
    workspace() { aitrail_test::append_calls(trail, 40); }

    aitrail_test::cli_run run(const std::vector<std::string>& args) const { return run_aitrail(scratch.path(), args); }
    aitrail_test::cli_run sign() const { return run({"checkpoint", "--trail", trail.string(), "--key", key.key_file.string()}); }
};

/// The first line of the last trail file.
std::string some_line(const fs::path& trail) {
    const std::string text = read_file(aitrail::list_trail_files(trail).back().path);
    return text.substr(0, text.find('\n'));
}

}  // namespace

TEST_CASE("checkpoint signs and stores the tree, prints the note, and signs again only when it grew") {
    workspace w;
    const auto r = w.sign();
    CAPTURE(r.all());
    REQUIRE(r.status == 0);
    const auto opened = aitrail::open_checkpoint(r.out, w.key.signer.verifier());
    CHECK(opened.cp.origin == "example.com/cli-log");
    CHECK(opened.cp.size == 41);  // trail.open and 40 calls
    CHECK(read_file(w.trail / "checkpoint") == r.out);
    CHECK(has(read_file(w.trail / "checkpoints"), r.out));

    const auto again = w.sign();
    CHECK(again.status == 0);
    CHECK(has(again.err, "has not grown"));
    aitrail_test::append_calls(w.trail, 5);
    const auto grown = w.sign();
    REQUIRE(grown.status == 0);
    CHECK(aitrail::open_checkpoint(grown.out, w.key.signer.verifier()).cp.size == 47);  // + trail.resume
}

TEST_CASE("prove and verify-proof: the auditor sees the record and checks it with the verifier key alone") {
    workspace w;
    REQUIRE(w.sign().status == 0);
    const auto proof = w.run({"prove", "--trail", w.trail.string(), "--seq", "7"});
    CAPTURE(proof.all());
    REQUIRE(proof.status == 0);
    const auto parsed = aitrail::parse_tlog_proof(proof.out);
    CHECK(parsed.index == 7);
    REQUIRE(parsed.extra);
    CHECK(has(*parsed.extra, "\"seq\":7"));
    CHECK_FALSE(has(*parsed.extra, "\"content\""));
    write_file(w.scratch.path() / "seq7.proof", proof.out);

    const auto ok = w.run({"verify-proof", (w.scratch.path() / "seq7.proof").string(), "--vkey", w.key.vkey_file.string()});
    CAPTURE(ok.all());
    CHECK(ok.status == 0);
    CHECK(has(ok.out, "OK entry 7 is in example.com/cli-log at tree size 41"));
    CHECK(has(ok.out, "entry hash recomputed"));
    CHECK(has(ok.out, "action messages.create"));

    SUBCASE("by id, with content") {
        const auto line = some_line(w.trail);
        const auto id = nlohmann::json::parse(line)["rec"]["id"].get<std::string>();
        const auto p = w.run({"prove", "--trail", w.trail.string(), "--id", id, "--content"});
        REQUIRE(p.status == 0);
        CHECK(has(*aitrail::parse_tlog_proof(p.out).extra, "\"content\""));
        write_file(w.scratch.path() / "id.proof", p.out);
        const auto v = w.run({"verify-proof", (w.scratch.path() / "id.proof").string(), "--vkey", w.key.vkey});
        CAPTURE(v.all());
        CHECK(v.status == 0);
        CHECK(has(v.out, "id " + id));
    }
    SUBCASE("an altered line is refused") {
        auto altered = parsed;
        const auto at = altered.extra->find("\"user\":\"user");
        REQUIRE(at != std::string::npos);
        (*altered.extra)[at + 8] = 'U';
        write_file(w.scratch.path() / "altered.proof", aitrail::format_tlog_proof(altered));
        const auto v = w.run({"verify-proof", (w.scratch.path() / "altered.proof").string(), "--vkey", w.key.vkey});
        CHECK(v.status == 1);
        CHECK(has(v.out, "the line was altered"));
    }
    SUBCASE("another key is refused") {
        const auto other = aitrail_test::make_log_key(w.scratch.path(), "example.com/cli-log", "other");
        const auto v = w.run({"verify-proof", (w.scratch.path() / "seq7.proof").string(), "--vkey", other.vkey});
        CHECK(v.status == 1);
        CHECK(has(v.out, "FAIL"));
    }
    SUBCASE("an entry the checkpoint does not cover") {
        aitrail_test::append_calls(w.trail, 3);
        const auto p = w.run({"prove", "--trail", w.trail.string(), "--seq", "42"});
        CHECK(p.status == 2);
        CHECK(has(p.err, "not covered by checkpoint size 41"));
    }
}

TEST_CASE("consistency prints the proof between two checkpoints' trees") {
    workspace w;
    const auto first = w.sign();
    REQUIRE(first.status == 0);
    aitrail_test::append_calls(w.trail, 300);
    const auto second = w.sign();
    REQUIRE(second.status == 0);
    const auto a = aitrail::open_checkpoint(first.out, w.key.signer.verifier()).cp;
    const auto b = aitrail::open_checkpoint(second.out, w.key.signer.verifier()).cp;
    const auto r = w.run({"consistency", "--trail", w.trail.string(), "--from", std::to_string(a.size)});
    CAPTURE(r.all());
    REQUIRE(r.status == 0);
    const auto proof = aitrail::parse_proof_hashes(r.out);
    CHECK(aitrail::verify_consistency(a.size, b.size, proof, a.root, b.root));
    CHECK(w.run({"consistency", "--trail", w.trail.string(), "--from", "0"}).status == 2);
}

TEST_CASE("the signer refuses loudly a trail cut short and re-tiled") {
    workspace w;
    REQUIRE(w.sign().status == 0);
    const auto last = aitrail::list_trail_files(w.trail).back().path;
    std::string text = read_file(last);
    text.erase(text.rfind('\n', text.size() - 2) + 1);  // the last line
    write_file(last, text);
    REQUIRE(w.run({"tiles", "--trail", w.trail.string(), "--rebuild"}).status == 0);
    const auto r = w.sign();
    CHECK(r.status == 1);
    CHECK(has(r.err, "REFUSED"));
    CHECK(has(r.err, "cut off the end"));
}

TEST_CASE("checkpoint --follow signs as the trail grows and stops cleanly on SIGINT") {
    workspace w;
    const std::string command = "timeout --preserve-status -s INT 2 " + aitrail_test::shell_quote(aitrail_test::tool_path()) +
                                " checkpoint --trail " + aitrail_test::shell_quote(w.trail.string()) + " --key " +
                                aitrail_test::shell_quote(w.key.key_file.string()) + " --follow --every 200ms";
    const auto shell = aitrail_test::run_shell(command);
    CHECK(shell.exit_code == 0);
    CHECK(aitrail::open_checkpoint(shell.out, w.key.signer.verifier()).cp.size == 41);
}

TEST_CASE("verify --policy: the latest checkpoint needs the witness quorum of a c2sp.org/tlog-policy") {
    workspace w;
    const auto signed_note = w.sign();
    REQUIRE(signed_note.status == 0);
    const auto w1 = aitrail::cosigner::generate("witness.example.com/w1");
    const auto w2 = aitrail::cosigner::generate("witness.example.com/w2");
    const std::string body = signed_note.out.substr(0, signed_note.out.find("\n\n") + 1);
    // The log's `checkpoint`, cosigned by w1 only.
    write_file(w.trail / "checkpoint", signed_note.out + w1.cosign(body, 1764633600));
    auto policy = [&](const std::string& need) {
        const auto file = w.scratch.path() / ("policy-" + need);
        write_file(file, "# the log and its witnesses\nlog " + w.key.vkey + "\nwitness witness.example.com/w1 " +
                             w1.verifier_key() + "\nwitness witness.example.com/w2 " + w2.verifier_key() +
                             "\ngroup both " + need + " witness.example.com/w1 witness.example.com/w2\nquorum both\n");
        return w.run({"verify", w.trail.string(), "--policy", file.string()});
    };
    const auto any = policy("any");
    CAPTURE(any.all());
    CHECK(any.status == 0);
    const auto all = policy("all");
    CAPTURE(all.all());
    CHECK(all.status == 1);
    CHECK(has(all.out, "missing witness quorum"));
    CHECK(has(all.out, "the policy's quorum 'both'"));
}

TEST_CASE("usage errors name the flag") {
    workspace w;
    CHECK(w.run({"checkpoint", "--trail", w.trail.string()}).status == 2);
    CHECK(w.run({"prove", "--trail", w.trail.string()}).status == 2);
    CHECK(w.run({"verify-proof", "x.proof"}).status == 2);
    const auto bad = w.run({"checkpoint", "--trail", w.trail.string(), "--key", (w.scratch.path() / "none").string()});
    CHECK(bad.status == 2);
    CHECK(has(bad.err, "--key"));
}

TEST_SUITE_END();

}  // namespace checkpoint_cli_tests
