// tlog-proof@v1 (c2sp.org/tlog-proof): the exact text, strict parsing with
// line numbers, and verification of an entry against a signed checkpoint.
#include <aitrail/integrity/tlog_proof.hpp>

#include <doctest/doctest.h>

#include <aitrail/integrity/cosignature.hpp>

#include "support/rfc6962_reference.hpp"

#include <cstddef>      // size_t
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace tlog_proof_tests {

namespace {

namespace ref = aitrail_test::rfc6962;
using aitrail::digest;
using aitrail::tlog_proof;
using aitrail::tlog_proof_error;

/// A log of `n` entries, its signed checkpoint and its key.
struct small_log {
    aitrail::note_signer key = aitrail::note_signer::generate("example.com/fancylog");
    std::vector<digest> leaves;
    std::string note;

    explicit small_log(std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) leaves.push_back(ref::leaf_hash("entry " + std::to_string(i)));
        aitrail::checkpoint cp{key.name(), n, ref::root(leaves, 0, n), {}};
        note = aitrail::sign_checkpoint(cp, key);
    }
    tlog_proof prove(std::size_t i) const { return {i, ref::inclusion(leaves, i, 0, leaves.size()), note, {}}; }
};

std::string parse_error(std::string_view text) {
    try {
        (void)aitrail::parse_tlog_proof(text);
    } catch (const tlog_proof_error& e) {
        return e.what();
    }
    return "";
}

TEST_SUITE_BEGIN("tlog_proof");

TEST_CASE("the text is the spec's layout and parses back") {
    const small_log log(5);
    tlog_proof p = log.prove(3);
    p.extra = std::string("age-v1.2.1\0", 11);
    const std::string text = aitrail::format_tlog_proof(p);
    std::string expected = "c2sp.org/tlog-proof@v1\nextra YWdlLXYxLjIuMQA=\nindex 3\n";
    for (const digest& h : p.hashes) expected += aitrail::detail::base64_encode(aitrail::detail::bytes_view(h)) + "\n";
    expected += "\n" + log.note;
    CHECK(text == expected);
    CHECK(aitrail::parse_tlog_proof(text) == p);
    p.extra.reset();
    CHECK(aitrail::format_tlog_proof(p).rfind("c2sp.org/tlog-proof@v1\nindex 3\n", 0) == 0);
    CHECK(aitrail::parse_tlog_proof(aitrail::format_tlog_proof(p)) == p);
}

TEST_CASE("every entry of a log verifies against its checkpoint, with cosignatures kept") {
    small_log log(13);
    const auto w = aitrail::cosigner::generate("witness1.example");
    log.note += w.cosign(log.note.substr(0, log.note.find("\n\n") + 1), 1700000000);
    const std::vector<aitrail::note_verifier> keys{log.key.verifier(), w.verifier()};
    for (std::size_t i = 0; i < log.leaves.size(); ++i) {
        const tlog_proof p = aitrail::parse_tlog_proof(aitrail::format_tlog_proof(log.prove(i)));
        const auto opened = aitrail::verify_tlog_proof(p, log.leaves[i], keys);
        CHECK(opened.cp.size == 13);
        CHECK(opened.note.verified.size() == 2);
        const std::size_t other = (i + 1) % log.leaves.size();
        CHECK_THROWS_WITH_AS((void)aitrail::verify_tlog_proof(p, log.leaves[other], keys),
                             "tlog-proof: inclusion proof: leads to a different root hash", tlog_proof_error);
    }
    // The one-entry log: an empty proof.
    const small_log one(1);
    CHECK(aitrail::verify_tlog_proof(one.prove(0), one.leaves[0], std::vector{one.key.verifier()}).cp.size == 1);
    CHECK(aitrail::format_tlog_proof(one.prove(0)).find("index 0\n\n") != std::string::npos);
}

TEST_CASE("a proof past the tree, or under an unknown key, is refused") {
    const small_log log(4);
    tlog_proof p = log.prove(2);
    p.index = 4;
    CHECK_THROWS_WITH_AS((void)aitrail::verify_tlog_proof(p, log.leaves[2], std::vector{log.key.verifier()}),
                         "tlog-proof: inclusion proof: leaf index 4 is not below tree size 4", tlog_proof_error);
    const auto stranger = aitrail::note_signer::generate("example.com/fancylog");
    CHECK_THROWS_AS((void)aitrail::verify_tlog_proof(log.prove(2), log.leaves[2], std::vector{stranger.verifier()}),
                    aitrail::note_error);
}

TEST_CASE("malformed proofs name the line") {
    const small_log log(2);
    const std::string h = aitrail::detail::base64_encode(aitrail::detail::bytes_view(log.leaves[1]));
    const std::string tail = "\n" + log.note;
    CHECK(parse_error("") == "tlog-proof: line 1: missing (expected the header)");
    CHECK(parse_error("c2sp.org/tlog-proof@v2\nindex 0\n" + tail) ==
          "tlog-proof: line 1: expected the header \"c2sp.org/tlog-proof@v1\"");
    CHECK(parse_error("c2sp.org/tlog-proof@v1\nextra !!\nindex 0\n" + tail) ==
          "tlog-proof: line 2: extra data is not canonical base64");
    CHECK(parse_error("c2sp.org/tlog-proof@v1\nindex 01\n" + tail) ==
          "tlog-proof: line 2: index is not a decimal number without leading zeros");
    CHECK(parse_error("c2sp.org/tlog-proof@v1\nextra AA==\nindex -1\n" + tail) ==
          "tlog-proof: line 3: index is not a decimal number without leading zeros");
    CHECK(parse_error("c2sp.org/tlog-proof@v1\nindex: 0\n" + tail) == "tlog-proof: line 2: expected \"index <n>\"");
    CHECK(parse_error("c2sp.org/tlog-proof@v1\nextra AA==\nextra AA==\nindex 0\n" + tail) ==
          "tlog-proof: line 3: expected \"index <n>\"");
    CHECK(parse_error("c2sp.org/tlog-proof@v1\nindex 0\n" + h + "\nAAAA\n" + tail) ==
          "tlog-proof: line 4: proof hash is 3 bytes, expected 32");
    CHECK(parse_error("c2sp.org/tlog-proof@v1\nindex 0\n" + h.substr(1) + "\n" + tail) ==
          "tlog-proof: line 3: proof hash is not canonical base64");
    CHECK(parse_error("c2sp.org/tlog-proof@v1\nindex 0\n" + h + "\n") ==
          "tlog-proof: line 4: missing (expected a proof hash or the blank line)");
    CHECK(parse_error("c2sp.org/tlog-proof@v1\nindex 0\n" + h + "\n\n") == "tlog-proof: no checkpoint after the blank line");
    std::string deep = "c2sp.org/tlog-proof@v1\nindex 0\n";
    for (int i = 0; i < 65; ++i) deep += h + "\n";
    CHECK(parse_error(deep + tail) == "tlog-proof: line 67: more than 64 proof hashes (no tree is that deep)");
}

TEST_CASE("the example of docs/format.md is what we write, and it verifies") {
    const aitrail::note_signer log("example.com/audit-log", aitrail::detail::sha256_of({"example log key"}));
    const aitrail::cosigner w("witness.example.com/w1", aitrail::detail::sha256_of({"example witness key"}));
    CHECK(log.verifier_key() == "example.com/audit-log+48a44899+AftxvhxfqVayiuqH2Cvv7CbZp13RkKJd+4pckRxJKR7I");
    CHECK(w.verifier_key() == "witness.example.com/w1+5600dac1+BKw1g5nPW+/5QHhZryxcegFtAONxBP8a1Zg5DUF4bvLn");
    std::vector<digest> leaves;
    for (int i = 0; i < 5; ++i) leaves.push_back(ref::leaf_hash("entry " + std::to_string(i)));
    const aitrail::checkpoint cp{"example.com/audit-log", 5, ref::root(leaves, 0, 5), {}};
    const std::string note =
        aitrail::sign_checkpoint(cp, log) + w.cosign(aitrail::format_checkpoint_body(cp), 1764633600);
    const std::string text = aitrail::format_tlog_proof({2, ref::inclusion(leaves, 2, 0, 5), note, {}});
    CHECK(text ==
          "c2sp.org/tlog-proof@v1\n"
          "index 2\n"
          "YcoROfaBWEHVuvLQ0tm9nf7pfImN1ve6DAqpQe5sAes=\n"
          "WkdmL9ijF9lgSaP59HxV3GfKZgUbqjaD27GbL+CaB7A=\n"
          "SFM123z+yWXxX/dF/GJcQdXqJkaTaTAWWCj3PdS2iFQ=\n"
          "\n"
          "example.com/audit-log\n"
          "5\n"
          "fKo0Xb2JKmZFTWxlEuo8PqPw0+whvj/C4jdXBf049nI=\n"
          "\n"
          "\xE2\x80\x94 example.com/audit-log "
          "SKRImRcuTPsowcHNN5UkkeS/fQZYlFY2TBRFGrHjUgP+oSufFEDLENsahKtBrXYbKtzlT74bLhMNIflrt308uKC5EA4=\n"
          "\xE2\x80\x94 witness.example.com/w1 "
          "VgDawQAAAABpLiwAI7+tQe03sWzU1mAKINDmgegOjILg5j04CQbRl6k8/rbh/T+uqGuBQkybyg8M6a0e+4pOkaAdeLc6GBa7T6HsBQ==\n");
    const std::vector<aitrail::note_verifier> keys{log.verifier(), w.verifier()};
    CHECK(aitrail::verify_tlog_proof(aitrail::parse_tlog_proof(text), leaves[2], keys).note.verified.size() == 2);
}

TEST_SUITE_END();

}  // namespace

}  // namespace tlog_proof_tests
