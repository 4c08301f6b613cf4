// A program written the way a user of aitrail writes one, built by the
// cmake_consumer.* tests against an installed aitrail (find_package) and
// against the source tree (add_subdirectory).
#include <aitrail/aitrail.hpp>

#include <iostream>  // cout

int main() {
    std::cout << aitrail::producer_name << '\n';
    return 0;
}
