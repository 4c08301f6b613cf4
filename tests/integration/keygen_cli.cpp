// `aitrail keygen`: the private key file is new, 0600 and never overwritten;
// the printed verifier key is one note_verifier reads; --witness makes a
// cosignature/v1 key that cosigner reads.
#include <doctest/doctest.h>

#include <aitrail/integrity/cosignature.hpp>
#include <aitrail/integrity/signed_note.hpp>

#include "support/shell.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_path.hpp"

#include <sys/stat.h>  // stat

#include <filesystem>  // path
#include <fstream>     // ifstream
#include <iterator>    // istreambuf_iterator
#include <string>      // string

namespace keygen_cli_tests {

namespace {

using aitrail_test::run_shell;
using aitrail_test::shell_quote;
using aitrail_test::tool_path;

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string trimmed(std::string s) {
    while (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
}

TEST_SUITE_BEGIN("keygen_cli");

TEST_CASE("keygen writes a 0600 private key, prints its verifier key, and never overwrites") {
    aitrail_test::temp_dir dir("keygen");
    const std::string key = (dir.path() / "log.key").string();
    const auto r = run_shell(shell_quote(tool_path()) + " keygen --origin example.com/log --out " + shell_quote(key));
    REQUIRE(r.exit_code == 0);
    struct stat st {};
    REQUIRE(::stat(key.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    const aitrail::note_signer signer(trimmed(slurp(key)));
    const aitrail::note_verifier verifier(trimmed(r.out));
    CHECK(verifier.name() == "example.com/log");
    CHECK(verifier.type() == aitrail::note_key_type::ed25519);
    CHECK(verifier.verifier_key() == signer.verifier_key());
    const std::string before = slurp(key);
    const auto again = run_shell(shell_quote(tool_path()) + " keygen --origin example.com/log --out " + shell_quote(key) +
                                 " 2>&1");
    CHECK(again.exit_code == 2);
    CHECK(again.out.find("the file exists") != std::string::npos);
    CHECK(slurp(key) == before);
}

TEST_CASE("keygen --witness makes a cosignature/v1 key") {
    aitrail_test::temp_dir dir("keygen");
    const std::string key = (dir.path() / "w.key").string();
    const auto r =
        run_shell(shell_quote(tool_path()) + " keygen --witness --origin witness.example/w1 --out " + shell_quote(key));
    REQUIRE(r.exit_code == 0);
    const aitrail::cosigner witness(trimmed(slurp(key)));
    const aitrail::note_verifier verifier(trimmed(r.out));
    CHECK(verifier.type() == aitrail::note_key_type::cosignature);
    CHECK(verifier.verifier_key() == witness.verifier_key());
}

TEST_CASE("keygen names what is missing or wrong") {
    aitrail_test::temp_dir dir("keygen");
    const auto no_out = run_shell(shell_quote(tool_path()) + " keygen --origin a 2>&1");
    CHECK(no_out.exit_code == 2);
    CHECK(no_out.out.find("--out") != std::string::npos);
    const auto bad_name = run_shell(shell_quote(tool_path()) + " keygen --origin 'a b' --out " +
                                    shell_quote((dir.path() / "k").string()) + " 2>&1");
    CHECK(bad_name.exit_code == 2);
    CHECK(bad_name.out.find("--origin") != std::string::npos);
    CHECK(!std::filesystem::exists(dir.path() / "k"));
    const auto no_dir = run_shell(shell_quote(tool_path()) + " keygen --origin a --out " +
                                  shell_quote((dir.path() / "missing" / "k").string()) + " 2>&1");
    CHECK(no_dir.exit_code == 2);
    CHECK(no_dir.out.find("cannot create") != std::string::npos);
}

TEST_SUITE_END();

}  // namespace

}  // namespace keygen_cli_tests
