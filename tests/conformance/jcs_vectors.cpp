// RFC 8785 vectors (jcs/input -> jcs/output, and jcs/outhex for the bytes),
// through both our writer and our canonical-form checker.
#include <aitrail/integrity/jcs.hpp>
#include <aitrail/detail/jcs_check.hpp>

#include <doctest/doctest.h>

#include "testdata.hpp"

#include <filesystem>
#include <sstream>

namespace {

std::string from_outhex(const std::string& hex) {
    std::string bytes;
    std::istringstream in(hex);
    std::string token;
    while (in >> token) bytes.push_back(static_cast<char>(std::stoi(token, nullptr, 16)));
    return bytes;
}

}  // namespace

TEST_SUITE_BEGIN("jcs_vectors");

TEST_CASE("jcs: every RFC 8785 input canonicalizes to its expected output") {
    const auto inputs = aitrail_test::testdata("jcs/input");
    int checked = 0;
    for (const auto& entry : std::filesystem::directory_iterator(inputs)) {
        const auto name = entry.path().filename();
        CAPTURE(name.string());
        const std::string expected = aitrail_test::read_file(aitrail_test::testdata("jcs/output") / name);
        const std::string got = aitrail::canonicalize_text(aitrail_test::read_file(entry.path()));
        CHECK(got == expected);
        auto hex_name = name;
        hex_name.replace_extension(".txt");
        CHECK(got == from_outhex(aitrail_test::read_file(aitrail_test::testdata("jcs/outhex") / hex_name)));
        CHECK_FALSE(aitrail::detail::check_canonical(expected).has_value());
        ++checked;
    }
    CHECK(checked >= 6);
}

TEST_SUITE_END();
