// Verify a trail from code: the same checks as `aitrail verify`, with every
// problem located by file:line, seq and kind.
//
//   ./03_verify_trail TRAIL_DIR

#include <aitrail/aitrail.hpp>

#include <iostream>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: 03_verify_trail TRAIL_DIR\n";
        return 2;
    }
    const aitrail::verify_report report = aitrail::verify_paths({argv[1]});
    if (report.ok()) {
        std::cout << aitrail::format_summary(report) << " (trail " << report.trail_id << ")\n";
        return 0;
    }
    for (const auto& problem : report.problems) std::cout << aitrail::format_problem(problem) << '\n';
    return 1;
}
