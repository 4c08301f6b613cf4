// Every line of es6-numbers-v8.csv (IEEE-754 bits, V8's Number-to-string):
// our formatter must print exactly V8's text, and the checker must accept it.
#include <aitrail/detail/jcs_number.hpp>
#include <aitrail/detail/jcs_check.hpp>

#include <doctest/doctest.h>

#include "testdata.hpp"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>

TEST_SUITE_BEGIN("es6_numbers");

TEST_CASE("jcs: ES6 number formatting matches V8 on every vector") {
    for (const char* file : {"jcs/es6-numbers-v8.csv", "jcs/es6-sample-lines.csv"}) {
        std::ifstream in(aitrail_test::testdata(file));
        REQUIRE(in);
        std::string line;
        long lines = 0, mismatches = 0;
        while (std::getline(in, line)) {
            if (line.empty()) continue;
            const auto comma = line.find(',');
            REQUIRE(comma != std::string::npos);
            const std::uint64_t bits = std::stoull(line.substr(0, comma), nullptr, 16);
            double value;
            std::memcpy(&value, &bits, sizeof value);
            const std::string expected = line.substr(comma + 1);
            char buf[aitrail::detail::es6_number_buffer_size];
            const std::string got(buf, aitrail::detail::format_es6_number(value, buf));
            ++lines;
            if (got != expected || aitrail::detail::check_canonical(expected).has_value()) {
                if (++mismatches <= 10) FAIL_CHECK(file << ": " << line << " formatted as " << got);
            }
        }
        INFO(file << ": " << lines << " lines");
        CHECK(mismatches == 0);
        CHECK(lines > 0);
    }
}

TEST_SUITE_END();
