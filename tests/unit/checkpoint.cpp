// Checkpoints (c2sp.org/tlog-checkpoint): the body's exact text, strict
// parsing, and signing and opening through signed notes.
#include <aitrail/integrity/checkpoint.hpp>

#include <doctest/doctest.h>

#include <aitrail/detail/base64.hpp>

#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace checkpoint_tests {

namespace {

using aitrail::checkpoint;
using aitrail::checkpoint_error;
using aitrail::note_error;
using aitrail::note_signer;
using aitrail::note_verifier;

/// The checkpoint of the C2SP text's example.
checkpoint spec_example() {
    checkpoint cp;
    cp.origin = "example.com/behind-the-sofa";
    cp.size = 20852163;
    const auto root = *aitrail::detail::base64_decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
    for (std::size_t i = 0; i < cp.root.size(); ++i) cp.root[i] = static_cast<unsigned char>(root[i]);
    return cp;
}

constexpr std::string_view spec_body =
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

std::string parse_error(std::string_view body) {
    try {
        (void)aitrail::parse_checkpoint_body(body);
    } catch (const checkpoint_error& e) {
        return e.what();
    }
    return "";
}

TEST_SUITE_BEGIN("checkpoint");

TEST_CASE("the body is the spec's three lines, and parses back") {
    CHECK(aitrail::format_checkpoint_body(spec_example()) == spec_body);
    CHECK(aitrail::parse_checkpoint_body(spec_body) == spec_example());
    checkpoint cp = spec_example();
    cp.size = 0;
    cp.extensions = {"ext one", "\xe2\x98\x83"};
    const std::string body = aitrail::format_checkpoint_body(cp);
    CHECK(body == "example.com/behind-the-sofa\n0\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\next one\n\xe2\x98\x83\n");
    CHECK(aitrail::parse_checkpoint_body(body) == cp);
    cp.size = 18446744073709551615u;
    CHECK(aitrail::parse_checkpoint_body(aitrail::format_checkpoint_body(cp)).size == cp.size);
}

TEST_CASE("malformed bodies are refused with the line named") {
    const std::string root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
    CHECK(parse_error("o\n1\n" + root) == "checkpoint: body does not end in a newline");
    CHECK(parse_error("o\n1\n").find("2 lines") != std::string::npos);
    CHECK(parse_error("\n1\n" + root + "\n") == "checkpoint: line 1 is empty");
    CHECK(parse_error("o\n1\n" + root + "\n\next\n") == "checkpoint: line 4 is empty");
    for (std::string_view size : {"01", "-1", "+1", "1 ", "0x10", "18446744073709551616", "1e3", ""})
        CHECK(parse_error("o\n" + std::string(size) + "\n" + root + "\n").find(size.empty() ? "line 2 is empty" : "line 2: tree size") !=
              std::string::npos);
    CHECK(parse_error("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n") ==
          "checkpoint: line 3: root hash is not canonical base64");
    CHECK(parse_error("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n") ==
          "checkpoint: line 3: root hash is not canonical base64");
    CHECK(parse_error("o\n1\nAAAA\n") == "checkpoint: line 3: root hash is 3 bytes, expected 32");
    CHECK(parse_error("o\t\n1\n" + root + "\n") == "checkpoint: line 1: control character 0x09 is not allowed");
}

TEST_CASE("formatting refuses lines a parser would refuse") {
    auto format_error = [](const checkpoint& cp) {
        try {
            (void)aitrail::format_checkpoint_body(cp);
        } catch (const checkpoint_error& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    checkpoint cp = spec_example();
    cp.origin = "";
    CHECK(format_error(cp) == "checkpoint: origin is empty");
    cp.origin = "a\nb";
    CHECK(format_error(cp) == "checkpoint: origin contains a newline");
    cp = spec_example();
    cp.extensions = {"fine", ""};
    CHECK(format_error(cp) == "checkpoint: extension line 2 is empty");
}

TEST_CASE("signed by the log key named as the origin, opened with it") {
    const auto log = note_signer::generate("example.com/behind-the-sofa");
    const std::string note = aitrail::sign_checkpoint(spec_example(), log);
    CHECK(note.substr(0, spec_body.size()) == spec_body);
    const auto opened = aitrail::open_checkpoint(note, log.verifier());
    CHECK(opened.cp == spec_example());
    CHECK(opened.note.verified.size() == 1);

    const auto other = note_signer::generate("example.com/other");
    CHECK_THROWS_WITH_AS((void)aitrail::sign_checkpoint(spec_example(), other),
                         "checkpoint: signer key name \"example.com/other\" is not the origin "
                         "\"example.com/behind-the-sofa\"",
                         checkpoint_error);
    // A note that verifies, but only by a key not named as the origin.
    const std::string by_other = aitrail::sign_note(spec_body, other);
    CHECK_THROWS_WITH_AS((void)aitrail::open_checkpoint(by_other, other.verifier()),
                         "checkpoint: no verified signature by the log key \"example.com/behind-the-sofa\"",
                         checkpoint_error);
    CHECK_THROWS_AS((void)aitrail::open_checkpoint(note, other.verifier()), note_error);
    // A note that verifies but whose body is not a checkpoint.
    const auto odd = note_signer::generate("x");
    CHECK_THROWS_WITH_AS((void)aitrail::open_checkpoint(aitrail::sign_note("x\n", odd), odd.verifier()),
                         "checkpoint: body has 1 lines, expected origin, size and root hash", checkpoint_error);
}

TEST_SUITE_END();

}  // namespace

}  // namespace checkpoint_tests
