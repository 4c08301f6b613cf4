// A program written the way a user of aitrail writes one, built by the
// cmake_consumer.* tests against an installed aitrail (find_package) and
// against the source tree (add_subdirectory): it audits a call, then
// verifies the trail it wrote.
#include <aitrail/aitrail.hpp>

#include <iostream>  // cout

int main() {
    aitrail::memory_storage trail;
    {
        aitrail::auditor audit{trail};
        auto scope = audit.scope({.kind = "ml.prediction", .user = "consumer", .model = {"toy", "v1"}});
        scope.input({{"x", 1}});
        scope.output({{"y", 2}});
    }
    const auto report = aitrail::verify(trail);
    std::cout << aitrail::producer_name << ' ' << aitrail::format_summary(report) << '\n';
    return report.ok() && report.entries == 2 ? 0 : 1;
}
