// Conformance against public vectors in $AITRAIL_TESTDATA. Without the
// directory the whole target reports "skipped" (exit 77) instead of failing:
// the vectors belong to other projects and are not copied into this one.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

int main(int argc, char** argv) {
    const char* dir = std::getenv("AITRAIL_TESTDATA");
    if (dir == nullptr || !std::filesystem::is_directory(dir)) {
        std::printf("AITRAIL_TESTDATA is not set to a directory: conformance vectors skipped\n");
        return 77;
    }
    doctest::Context context(argc, argv);
    return context.run();
}
