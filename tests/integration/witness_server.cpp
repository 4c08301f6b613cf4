// `aitrail witness serve` as a real process, driven by tlog_witness_client:
// first checkpoint, growth, a stale client recovering from 409, the
// spec's refusals (422, 403, 404), state kept across kill -9, and
// cosignatures that verify; and `aitrail checkpoint --witness` publishing to it.
#include <aitrail/pipeline/tlog_witness_client.hpp>

#include <doctest/doctest.h>

#include <aitrail/integrity/cosignature.hpp>

#include "support/checkpoint_trails.hpp"
#include "support/child_process.hpp"
#include "support/shell.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_path.hpp"
#include "support/witness_log.hpp"

#include <signal.h>  // kill, SIGKILL

#include <fstream>  // ofstream
#include <memory>   // unique_ptr
#include <string>   // string
#include <vector>   // vector

namespace witness_server_tests {

namespace {

using aitrail::tlog_witness_client;
using aitrail::witness_error;
using aitrail_test::child_process;
using aitrail_test::witness_log;

/// A witness key file in `dir` and the witness's cosigner.
aitrail::cosigner write_witness_key(const std::filesystem::path& file) {
    auto key = aitrail::cosigner::generate("witness.example/w1");
    std::ofstream(file) << key.private_key() << "\n";
    return key;
}

std::unique_ptr<child_process> start(const std::filesystem::path& key, const std::filesystem::path& state,
                                     const std::vector<std::string>& log_vkeys) {
    std::vector<std::string> args{aitrail_test::tool_path(), "witness", "serve", "--listen", "127.0.0.1:0",
                                  "--key", key.string(), "--state", state.string()};
    for (const auto& v : log_vkeys) {
        args.push_back("--log");
        args.push_back(v);
    }
    return std::make_unique<child_process>(args);
}

using aitrail_test::witness_status_of;

TEST_SUITE_BEGIN("witness_server");

TEST_CASE("the witness server cosigns, follows growth, answers the spec's refusals and keeps its state") {
    aitrail_test::temp_dir dir("witness-server");
    const auto key = write_witness_key(dir.path() / "w.key");
    witness_log log("example.com/log");
    witness_log second("example.com/second");
    auto server = start(dir.path() / "w.key", dir.path() / "state", {log.vkey(), second.vkey()});
    tlog_witness_client client({.url = server->base_url(), .witness_keys = {key.verifier()}});

    // First checkpoint: old 0, no proof.
    log.grow(5);
    auto reply = client.publish(log.request());
    REQUIRE(reply.cosignatures.size() == 1);
    CHECK_NOTHROW((void)aitrail::verify_cosignature(aitrail::format_checkpoint_body(log.checkpoint_at(5)),
                                                    reply.cosignatures[0], key.verifier()));
    CHECK(client.known_size("example.com/log") == 5);

    // Growth with a valid proof.
    log.grow(12);
    reply = client.publish(log.request());
    CHECK(reply.cosignatures.size() == 1);
    CHECK(client.known_size("example.com/log") == 17);

    // A stale idea of the witness's size: 409 with text/x.tlog.size, then one retry from 17.
    log.grow(3);
    client.set_known_size("example.com/log", 5);
    CHECK(client.publish(log.request()).cosignatures.size() == 1);
    CHECK(client.known_size("example.com/log") == 20);
    // A fresh client that knows nothing (old 0) recovers the same way.
    tlog_witness_client fresh({.url = server->base_url()});
    log.grow(1);
    CHECK(fresh.publish(log.request()).cosignatures.size() == 1);

    // A bad proof: 422, and nothing changes.
    log.grow(4);
    auto bad = log.request();
    bad.consistency_proof = [&](std::uint64_t old) {
        auto p = log.proof(old, log.size());
        p.back()[0] ^= 1;
        return p;
    };
    CHECK(witness_status_of([&] { (void)client.publish(bad); }) == 422);

    // Another key under the log's name: 403. An unknown origin: 404.
    const auto impostor = aitrail::note_signer::generate("example.com/log");
    CHECK(witness_status_of([&] { (void)client.publish(log.request(&impostor)); }) == 403);
    witness_log unknown("example.com/unknown");
    unknown.grow(2);
    CHECK(witness_status_of([&] { (void)client.publish(unknown.request()); }) == 404);

    // kill -9, restart on the same state: the witness still holds 21.
    ::kill(server->pid(), SIGKILL);
    (void)server->stop();
    server = start(dir.path() / "w.key", dir.path() / "state", {log.vkey(), second.vkey()});
    tlog_witness_client after({.url = server->base_url(), .witness_keys = {key.verifier()}});
    after.set_known_size("example.com/log", 0);
    reply = after.publish(log.request());  // 409 "21", then a proof from 21
    CHECK(reply.cosignatures.size() == 1);
    CHECK(after.known_size("example.com/log") == 25);
    // Each log has its own state.
    second.grow(3);
    CHECK(after.publish(second.request()).cosignatures.size() == 1);
    CHECK(server->stop() == 0);
}

TEST_CASE("the witness server refuses malformed requests and other paths") {
    aitrail_test::temp_dir dir("witness-server");
    (void)write_witness_key(dir.path() / "w.key");
    witness_log log("example.com/log");
    auto server = start(dir.path() / "w.key", dir.path() / "state", {log.vkey()});
    const std::string curl = "curl -s -o /dev/null -w '%{http_code}' --max-time 30 ";
    CHECK(aitrail_test::run_shell(curl + "--data-binary 'old x' " + server->base_url() + "/add-checkpoint").out == "400");
    CHECK(aitrail_test::run_shell(curl + server->base_url() + "/add-checkpoint").out == "405");
    CHECK(aitrail_test::run_shell(curl + server->base_url() + "/elsewhere").out == "404");
}

TEST_CASE("checkpoint --witness publishes to the server and stores its cosignature with the checkpoint") {
    aitrail_test::temp_dir dir("witness-publish");
    const auto key = write_witness_key(dir.path() / "w.key");
    std::ofstream(dir.path() / "w.vkey") << key.verifier_key() << "\n";
    const auto log = aitrail_test::make_log_key(dir.path(), "example.com/published", "log");
    const auto trail = dir.path() / "trail";
    aitrail_test::append_calls(trail, 12);
    auto server = start(dir.path() / "w.key", dir.path() / "state", {log.vkey});
    const auto sign = [&] {
        return aitrail_test::run_aitrail(dir.path(), {"checkpoint", "--trail", trail.string(), "--key",
                                                      log.key_file.string(), "--witness", server->base_url(),
                                                      "--witness-vkey", (dir.path() / "w.vkey").string(),
                                                      "--witness-dir", (dir.path() / "mirror").string()});
    };
    auto r = sign();
    CAPTURE(r.all());
    REQUIRE(r.status == 0);
    // Printed and stored: the log's signature and the witness's cosignature.
    const std::vector<aitrail::note_verifier> keys{log.signer.verifier(), key.verifier()};
    auto opened = aitrail::open_checkpoint(r.out, keys);
    CHECK(opened.cp.size == 13);
    CHECK(opened.note.verified.size() == 2);
    CHECK(aitrail_test::read_file(trail / "checkpoint") == r.out);
    CHECK(aitrail_test::has(aitrail_test::read_file(dir.path() / "mirror" / "example.com%2Fpublished" / "checkpoint"),
                            "example.com/published\n13\n"));

    // Growth: the client learns the witness's size and proves from it.
    aitrail_test::append_calls(trail, 7);
    r = sign();
    CAPTURE(r.all());
    REQUIRE(r.status == 0);
    opened = aitrail::open_checkpoint(r.out, keys);
    CHECK(opened.cp.size == 21);
    CHECK(opened.note.verified.size() == 2);

    // The witness gone: signed and stored all the same, exit 3, named.
    server->stop();
    aitrail_test::append_calls(trail, 1);
    r = sign();
    CAPTURE(r.all());
    CHECK(r.status == 3);
    CHECK(aitrail_test::has(r.err, "witness " + server->base_url()));
    CHECK(aitrail::open_checkpoint(aitrail_test::read_file(trail / "checkpoint"), log.signer.verifier()).cp.size == 23);
    // The trail and its checkpoints verify with the log key.
    const auto v = aitrail_test::run_aitrail(dir.path(), {"verify", trail.string(), "--vkey", log.vkey});
    CAPTURE(v.all());
    CHECK(v.status == 0);
}

TEST_SUITE_END();

}  // namespace

}  // namespace witness_server_tests
