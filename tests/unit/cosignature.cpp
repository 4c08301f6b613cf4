// Witness cosignatures (c2sp.org/tlog-cosignature, cosignature/v1): the
// signed message, the line's layout, and verification alone or in a note.
#include <aitrail/integrity/cosignature.hpp>

#include <doctest/doctest.h>

#include <aitrail/detail/base64.hpp>

#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace cosignature_tests {

namespace {

using aitrail::cosigner;
using aitrail::note_error;
using aitrail::note_verifier;

constexpr std::string_view body =
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

std::string verify_error(std::string_view b, std::string_view line, const note_verifier& w) {
    try {
        (void)aitrail::verify_cosignature(b, line, w);
    } catch (const note_error& e) {
        return e.what();
    }
    return "";
}

/// The decoded payload of a signature line.
std::string payload_of(std::string_view line) {
    const auto sp = line.rfind(' ');
    return *aitrail::detail::base64_decode(line.substr(sp + 1, line.size() - sp - 2));
}

TEST_SUITE_BEGIN("cosignature");

TEST_CASE("the signed message is the spec's: header, time line, then the body") {
    CHECK(aitrail::cosignature_message(body, 1679315147) ==
          "cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n"
          "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
}

TEST_CASE("a cosignature line carries key id, big-endian timestamp and signature, and verifies") {
    const auto w = cosigner::generate("witness.example.com/w1");
    const std::string line = w.cosign(body, 1679315147);
    CHECK(line.rfind("\xE2\x80\x94 witness.example.com/w1 ", 0) == 0);
    const std::string raw = payload_of(line);
    REQUIRE(raw.size() == 76);
    CHECK(static_cast<unsigned char>(raw[0]) == (w.key_id() >> 24));
    CHECK(raw.substr(4, 8) == std::string("\0\0\0\0\x64\x18\x50\xcb", 8));  // 1679315147
    CHECK(aitrail::verify_cosignature(body, line, w.verifier()) == 1679315147u);
    // The key id uses type 0x04, so it differs from a note key's on the same key.
    CHECK(w.key_id() == aitrail::cosignature_key_id(w.name(), w.public_key()));
    CHECK(w.key_id() != note_verifier(w.name(), w.public_key()).key_id());
    // Its verifier key text has type 0x04 and parses back.
    const note_verifier parsed{w.verifier_key()};
    CHECK(parsed.type() == aitrail::note_key_type::cosignature);
    const std::string vkey = w.verifier_key();
    CHECK(aitrail::detail::base64_decode(vkey.substr(vkey.find('+', vkey.find('+') + 1) + 1))->at(0) == '\x04');
    CHECK(aitrail::verify_cosignature(body, line, parsed) == 1679315147u);
}

TEST_CASE("extension lines are part of the signed message") {
    const auto w = cosigner::generate("w");
    const std::string with_ext = std::string(body) + "extension\n";
    const std::string line = w.cosign(with_ext, 5);
    CHECK(aitrail::verify_cosignature(with_ext, line, w.verifier()) == 5u);
    CHECK(verify_error(body, line, w.verifier()).find("does not verify") != std::string::npos);
}

TEST_CASE("cosignatures verify inside a checkpoint note next to the log's signature") {
    const auto log = aitrail::note_signer::generate("example.com/behind-the-sofa");
    const auto w = cosigner::generate("witness.example.com/w1");
    const std::string note = aitrail::sign_note(body, log) + w.cosign(body, 42);
    const std::vector<note_verifier> keys{log.verifier(), w.verifier()};
    const auto opened = aitrail::open_checkpoint(note, keys);
    CHECK(opened.note.verified.size() == 2);
    // A witness alone does not make the checkpoint the log's.
    CHECK_THROWS_AS((void)aitrail::open_checkpoint(note, w.verifier()), aitrail::checkpoint_error);
    // A tampered cosignature fails the whole note.
    // (a line by another key under the witness's name is merely unknown)
    const std::string unknown = aitrail::sign_note(body, log) +
                                aitrail::cosign(body, w.name(), aitrail::detail::ed25519_generate(), 42);
    CHECK(aitrail::open_checkpoint(unknown, keys).note.unverified.size() == 1);
    const auto raw = payload_of(w.cosign(body, 42));
    std::string forged = raw;
    forged[11] = static_cast<char>(forged[11] ^ 1);  // the timestamp, not the signature
    const std::string bad = aitrail::sign_note(body, log) + "\xE2\x80\x94 " + w.name() + " " + aitrail::detail::base64_encode(forged) + "\n";
    CHECK_THROWS_WITH_AS((void)aitrail::open_checkpoint(bad, keys),
                         doctest::Contains("does not verify"), note_error);
}

TEST_CASE("each mismatch is named") {
    const auto w = cosigner::generate("w1");
    const auto other = cosigner::generate("w1");
    const std::string line = w.cosign(body, 7);
    CHECK(verify_error(body, line, other.verifier()).find("key id") != std::string::npos);
    CHECK(verify_error(body, line, cosigner::generate("w2").verifier()) ==
          "cosignature: signed by \"w1\", expected witness \"w2\"");
    CHECK(verify_error(body, line, note_verifier("w1", w.public_key())).find("not a cosignature (type 0x04) key") !=
          std::string::npos);
    CHECK(verify_error(body, "- w1 AAAA", w.verifier()).find("malformed signature line") != std::string::npos);
    CHECK(verify_error(body, "\xE2\x80\x94 w1", w.verifier()).find("no space") != std::string::npos);
    CHECK(verify_error(body, "\xE2\x80\x94 w1 AAA", w.verifier()).find("not canonical base64") != std::string::npos);
    CHECK(verify_error(body, "\xE2\x80\x94 w1 AAAAAAAA", w.verifier()).find("payload is 6 bytes, expected 76") !=
          std::string::npos);
    std::string raw = payload_of(line);
    raw[4] = '\x80';  // timestamp >= 2^63
    CHECK(verify_error(body, "\xE2\x80\x94 w1 " + aitrail::detail::base64_encode(raw), w.verifier()) ==
          "cosignature: timestamp exceeds 2^63 - 1");
    CHECK_THROWS_WITH_AS((void)w.cosign(body, std::uint64_t{1} << 63), "cosignature: timestamp exceeds 2^63 - 1", note_error);
    CHECK_THROWS_AS((void)w.cosign("not a checkpoint\n", 1), aitrail::checkpoint_error);
}

TEST_CASE("a witness private key text round-trips and is refused when anything is off") {
    const auto w = cosigner::generate("witness.example/w1");
    const std::string text = w.private_key();
    CHECK(text.starts_with("PRIVATE+KEY+witness.example/w1+" + aitrail::detail::key_id_hex(w.key_id()) + "+"));
    const cosigner back(text);
    CHECK(back.name() == w.name());
    CHECK(back.verifier_key() == w.verifier_key());
    CHECK(back.cosign(body, 9) == w.cosign(body, 9));
    // The verifier key's material starts with the type byte 0x04.
    CHECK(note_verifier(w.verifier_key()).type() == aitrail::note_key_type::cosignature);
    // A note (type 0x01) private key is not a witness key.
    const auto log_key = aitrail::note_signer::generate("witness.example/w1");
    CHECK_THROWS_WITH_AS(cosigner(log_key.private_key()), doctest::Contains("not 0x04"), note_error);
    CHECK_THROWS_WITH_AS(cosigner("PUBLIC+KEY+x+00000000+AA=="), doctest::Contains("does not start"), note_error);
    std::string wrong_id = text;
    const auto at = wrong_id.find('+', 12 + w.name().size()) + 1;
    wrong_id[at] = wrong_id[at] == '0' ? '1' : '0';
    CHECK_THROWS_WITH_AS((void)cosigner{wrong_id}, doctest::Contains("does not match the key"), note_error);
}

TEST_SUITE_END();

}  // namespace

}  // namespace cosignature_tests
