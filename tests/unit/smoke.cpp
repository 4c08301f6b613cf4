// The suite's smoke test: the quick-start flow through the umbrella header
// only. Also compiled against single_include/ (tests/single_header/).
#include <aitrail/aitrail.hpp>

#include <doctest/doctest.h>

#include <stdexcept>

namespace smoke_tests {

TEST_SUITE_BEGIN("smoke");

TEST_CASE("smoke: audit two calls and verify the trail") {
    aitrail::memory_storage store;
    {
        aitrail::auditor audit{store};
        {
            auto scope = audit.scope({.kind = "ml.prediction", .user = "analyst_jane", .model = {"fraud_detector", "v3.2.1"}});
            scope.input({{"transaction_amount", 1250}});
            scope.output({{"prediction", "legitimate"}});
        }
        CHECK_THROWS_AS(
            [&] {
                auto scope = audit.scope({.action = "messages.create"});
                scope.run([] { throw std::runtime_error("boom"); });
            }(),
            std::runtime_error);
    }
    const auto lines = store.lines();
    REQUIRE(lines.size() == 3);
    CHECK(nlohmann::json::parse(lines[0])["rec"]["kind"] == "trail.open");
    CHECK(nlohmann::json::parse(lines[2])["rec"]["status"] == "error");
    const auto report = aitrail::verify(store);
    CHECK(report.ok());
    CHECK(report.entries == 3);
}

TEST_SUITE_END();

}  // namespace smoke_tests
