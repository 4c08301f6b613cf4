// `aitrail redact`: text and JSON from stdin, redacted with a named policy,
// printed as JSON with the counts.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <stdio.h>     // popen, pclose
#include <sys/wait.h>  // WEXITSTATUS

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace redact_cli_tests {

namespace {

struct result {
    int status;
    std::string out;
};

result redact(const std::string& input, const std::string& args) {
    const auto in = std::filesystem::temp_directory_path() / ("aitrail-redact-" + std::to_string(::getpid()) + ".in");
    std::ofstream(in, std::ios::binary) << input;
    const std::string command = std::string("'") + AITRAIL_TOOL_PATH + "' redact " + args + " < '" + in.string() + "' 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    result r{};
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) r.out.append(buf, n);
    r.status = WEXITSTATUS(::pclose(pipe));
    std::filesystem::remove(in);
    return r;
}

}  // namespace

TEST_SUITE_BEGIN("redact_cli");

TEST_CASE("aitrail redact: text with the common-pii policy") {
    const auto r = redact("Contact jane.doe@example.com or 555-123-4567. SSN 123-45-6789, order ORD-12345678.", "--policy common-pii");
    REQUIRE(r.status == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["redacted"] == "Contact [EMAIL] or [PHONE]. SSN [SSN], order ORD-12345678.");
    CHECK(j["redactions"] == nlohmann::json{{"email", 1}, {"phone", 1}, {"ssn", 1}});
    CHECK(j["policy"] == "common-pii");
}

TEST_CASE("aitrail redact: JSON keeps structure and drops credentials") {
    const auto r = redact(R"({"headers":{"Authorization":"Bearer abc"},"messages":[{"role":"user","content":"I am jane@example.com"}]})",
                          "--policy all");
    REQUIRE(r.status == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["redacted"]["headers"].empty());
    CHECK(j["redacted"]["messages"][0]["content"] == "I am [EMAIL]");
    CHECK(j["redacted"]["messages"][0]["role"] == "user");
    CHECK(j["redactions"]["credential"] == 1);
}

TEST_CASE("aitrail redact: the default policy removes secrets only") {
    const auto r = redact("key sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345 for jane@example.com", "--text");
    REQUIRE(r.status == 0);
    CHECK(nlohmann::json::parse(r.out)["redacted"] == "key [API_KEY] for jane@example.com");
}

TEST_CASE("aitrail redact: an unknown policy is a usage error") {
    const auto r = redact("x", "--policy nonsense");
    CHECK(r.status == 2);
    CHECK(r.out.find("unknown policy 'nonsense'") != std::string::npos);
}

TEST_SUITE_END();

}  // namespace redact_cli_tests
