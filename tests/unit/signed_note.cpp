// Signed notes (c2sp.org/signed-note): Go's published example, round trips
// and every way open_note and the key parsers refuse their input.
#include <aitrail/integrity/signed_note.hpp>

#include <doctest/doctest.h>

#include <aitrail/detail/base64.hpp>

#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace signed_note_tests {

namespace {

using aitrail::note_error;
using aitrail::note_signer;
using aitrail::note_verifier;
using aitrail::open_note;
using aitrail::sign_note;

// The example of golang.org/x/mod/sumdb/note's package documentation.
constexpr std::string_view go_skey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr std::string_view go_vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr std::string_view go_text =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr std::string_view go_sig_line =
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
// A second signature of the same text, from the same documentation.
constexpr std::string_view go_enoch_line =
    "\xE2\x80\x94 EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

std::string go_note() { return std::string(go_text) + "\n" + std::string(go_sig_line); }

/// The message of the note_error that `f` throws ("" if none).
template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const note_error& e) {
        return e.what();
    }
    return "";
}

std::string open_error(std::string_view text, const std::vector<note_verifier>& verifiers) {
    return error_of([&] { (void)open_note(text, verifiers); });
}

TEST_SUITE_BEGIN("signed_note");

TEST_CASE("Go's example key and note: same key texts, same signature, and it opens") {
    const note_signer signer{go_skey};
    CHECK(signer.name() == "PeterNeumann");
    CHECK(signer.key_id() == 0xc74f20a3u);
    CHECK(signer.private_key() == go_skey);
    CHECK(signer.verifier_key() == go_vkey);
    // Ed25519 is deterministic, so our signature is Go's, byte for byte.
    CHECK(sign_note(go_text, signer) == go_note());

    const note_verifier verifier{go_vkey};
    CHECK(verifier.name() == "PeterNeumann");
    CHECK(verifier.key_id() == 0xc74f20a3u);
    CHECK(verifier.verifier_key() == go_vkey);
    const auto opened = open_note(go_note(), verifier);
    CHECK(opened.body == go_text);
    REQUIRE(opened.verified.size() == 1);
    CHECK(opened.verified[0].name == "PeterNeumann");
    CHECK(opened.verified[0].key_id == 0xc74f20a3u);
    CHECK(opened.unverified.empty());
}

TEST_CASE("signatures by unknown keys are kept unverified, once each") {
    const std::string text = go_note() + std::string(go_enoch_line) + std::string(go_enoch_line);
    const auto opened = open_note(text, std::vector<note_verifier>{note_verifier{go_vkey}});
    CHECK(opened.verified.size() == 1);
    REQUIRE(opened.unverified.size() == 1);
    CHECK(opened.unverified[0].name == "EnochRoot");
}

TEST_CASE("a note with no signature by a known key is refused") {
    const auto other = note_signer::generate("example.com/other");
    CHECK(open_error(go_note(), {other.verifier()}).find("no signature by a known key (1 by unknown keys)") !=
          std::string::npos);
    CHECK(open_error(go_note(), {}).find("no signature by a known key") != std::string::npos);
}

TEST_CASE("generated keys round trip through their texts and sign several times") {
    const auto a = note_signer::generate("example.com/log");
    const auto b = note_signer::generate("example.com/b");
    const note_signer a2{a.private_key()};
    CHECK(a2.verifier_key() == a.verifier_key());
    CHECK(note_verifier{a.verifier_key()}.key_id() == a.key_id());
    const std::vector<note_signer> signers{a, b};
    const std::string note = sign_note("hello\n\nworld\n", signers);
    const auto opened = open_note(note, std::vector<note_verifier>{a.verifier(), b.verifier()});
    CHECK(opened.body == "hello\n\nworld\n");  // the text may hold a blank line: the last one splits
    CHECK(opened.verified.size() == 2);
}

TEST_CASE("tampered text, wrong key and a flipped signature are refused") {
    const note_verifier v{go_vkey};
    std::string tampered = go_note();
    tampered[3] = 'X';
    CHECK(open_error(tampered, {v}).find("line 4: signature by key PeterNeumann+c74f20a3 does not verify") !=
          std::string::npos);
    // Same name, same id, different key: a known key whose signature fails.
    const auto impostor = note_signer::generate("PeterNeumann");
    const note_verifier forged_id{"PeterNeumann", impostor.public_key()};
    CHECK(forged_id.key_id() != v.key_id());
    CHECK(open_error(go_note(), {forged_id}).find("no signature by a known key") != std::string::npos);
    // A different signer's line with the id of Go's key.
    auto line = impostor.sign(go_text);
    auto raw = *aitrail::detail::base64_decode(line.substr(line.find(' ', 4) + 1, line.size() - line.find(' ', 4) - 2));
    raw[0] = '\xc7', raw[1] = '\x4f', raw[2] = '\x20', raw[3] = '\xa3';
    const std::string forged = std::string(go_text) + "\n\xE2\x80\x94 PeterNeumann " +
                               aitrail::detail::base64_encode(raw) + "\n";
    CHECK(open_error(forged, {v}).find("does not verify") != std::string::npos);
}

TEST_CASE("a second signature by the same key is skipped, as Go does") {
    const std::string twice = go_note() + std::string(go_sig_line);
    CHECK(open_note(twice, note_verifier{go_vkey}).verified.size() == 1);
}

TEST_CASE("malformed notes name the problem and the line") {
    const note_verifier v{go_vkey};
    const std::string sig(go_sig_line);
    CHECK(open_error(std::string(go_text) + sig, {v}).find("no blank line") != std::string::npos);
    CHECK(open_error(std::string(go_text) + "\n", {v}).find("signature lines are missing") != std::string::npos);
    CHECK(open_error(go_note().substr(0, go_note().size() - 1), {v}).find("do not end in a newline") !=
          std::string::npos);
    CHECK(open_error(std::string(go_text) + "\n- PeterNeumann abcd\n", {v}) ==
          "signed note: line 4: malformed signature line (expected \"\xE2\x80\x94 <key name> <base64>\")");
    CHECK(open_error(std::string(go_text) + "\n\xE2\x80\x94 PeterNeumann !!!!\n", {v}).find("line 4: malformed signature line (signature is not base64)") != std::string::npos);
    CHECK(open_error(std::string(go_text) + "\n\xE2\x80\x94 PeterNeumann AAAA\n", {v}).find("shorter than 5 bytes") !=
          std::string::npos);
    CHECK(open_error(std::string(go_text) + "\n\xE2\x80\x94 Peter+Neumann AAAAAAAA\n", {v}).find("bad key name") !=
          std::string::npos);
    CHECK(open_error(std::string(go_text) + "\n\xE2\x80\x94 PeterNeumann\n", {v}).find("not base64") !=
          std::string::npos);
    CHECK(open_error("tab\there\n\n" + sig, {v}) == "signed note: line 1: control character 0x09 is not allowed");
    CHECK(open_error("bad \xff byte\n\n" + sig, {v}) == "signed note: line 1: invalid UTF-8");
    CHECK(open_error("ok\n\xed\xa0\x80\n\n" + sig, {v}) == "signed note: line 2: invalid UTF-8");  // a surrogate
    // Two verifiers sharing a name and id make the key ambiguous.
    CHECK(open_error(go_note(), {v, v}).find("ambiguous key PeterNeumann+c74f20a3") != std::string::npos);
}

TEST_CASE("more than 100 signatures are refused, 100 are read") {
    const auto other = note_signer::generate("example.com/x");
    std::string note = go_note();
    for (int i = 0; i < 99; ++i) note += other.sign("unrelated " + std::to_string(i) + "\n");
    CHECK(open_note(note, note_verifier{go_vkey}).unverified.size() == 99);
    note += other.sign("one more\n");
    CHECK(open_error(note, {note_verifier{go_vkey}}) == "signed note: more than 100 signatures");
}

TEST_CASE("signing refuses texts a verifier would not open") {
    const auto s = note_signer::generate("example.com/log");
    CHECK(error_of([&] { (void)sign_note("no newline", s); }).find("does not end in a newline") != std::string::npos);
    CHECK(error_of([&] { (void)sign_note("", s); }).find("empty") != std::string::npos);
    CHECK(error_of([&] { (void)sign_note("a\rb\n", s); }).find("control character 0x0d") != std::string::npos);
    CHECK(error_of([&] { (void)sign_note("ok\n", std::vector<note_signer>{}); }).find("no signer") != std::string::npos);
}

TEST_CASE("key texts: each malformed part is named") {
    auto vk = [](std::string_view text) { return error_of([&] { (void)note_verifier{text}; }); };
    auto sk = [](std::string_view text) { return error_of([&] { (void)note_signer{text}; }); };
    CHECK(vk("PeterNeumann+c74f20a3") .find("fewer than three") != std::string::npos);
    CHECK(vk("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").find("key name \"\"") != std::string::npos);
    CHECK(vk("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").find("has a space") != std::string::npos);
    CHECK(vk("Peter\xe2\x80\x83Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").find("has a space") != std::string::npos);
    CHECK(vk("PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").find("not 8 hex digits") != std::string::npos);
    CHECK(vk("PeterNeumann+c74f20ax+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").find("not 8 hex digits") != std::string::npos);
    CHECK(vk("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T").find("not canonical base64") != std::string::npos);
    CHECK(vk("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW") ==
          "verifier key: key id c74f20a4 does not match the key (expected c74f20a3)");
    CHECK(vk("PeterNeumann+c74f20a3+Bxpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW") == "verifier key: unknown signature type 0x07");
    CHECK(vk("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy") == "verifier key: Ed25519 key is 29 bytes, expected 32");
    CHECK(vk("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").empty());  // Go takes either case
    CHECK(sk("PRIVATE+KEY") .find("does not start with") != std::string::npos);
    CHECK(sk("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").find("does not start with") != std::string::npos);
    CHECK(sk("PRIVATE+KEY+PeterNeumann+c74f20a3").find("expected PRIVATE+KEY+") != std::string::npos);
    CHECK(sk("PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz") ==
          "private key: key id c74f20a4 does not match the key (expected c74f20a3)");
    CHECK(sk("PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDF=").find("not canonical base64") != std::string::npos);
    CHECK(sk("PRIVATE+KEY+PeterNeumann+c74f20a3+BIEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz").find("not 0x01") != std::string::npos);
    CHECK(error_of([] { (void)note_signer::generate("a+b"); }).find("has a space or '+'") != std::string::npos);
}

TEST_CASE("base64 decoding is strict") {
    using aitrail::detail::base64_decode;
    using aitrail::detail::base64_encode;
    for (std::string_view s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"})
        CHECK(base64_decode(base64_encode(s)) == std::string(s));
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK_FALSE(base64_decode("Zm8"));     // unpadded
    CHECK_FALSE(base64_decode("Zm9="));    // non-zero pad bits
    CHECK(base64_decode("Zg==") == std::string("f"));
    CHECK_FALSE(base64_decode("Z==="));    // too much padding
    CHECK_FALSE(base64_decode("Zm=v"));    // '=' inside
    CHECK_FALSE(base64_decode("Zm8=Zm8="));  // padding before the end
    CHECK_FALSE(base64_decode("Zm 8"));
    CHECK_FALSE(base64_decode("Zm-_"));    // URL alphabet
}

TEST_SUITE_END();

}  // namespace

}  // namespace signed_note_tests
