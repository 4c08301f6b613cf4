# format.independent_verifier: tools/verify_trail.py is a trail verifier
# written from docs/format.md alone.  It must reach the same verdict as
# `aitrail verify` on real trails (the quick start example run repeatedly,
# the same trail split into three files, and the verify_throughput
# benchmark's trail when that target is built) and on tampered copies of them,
# which shows that the format document is enough to verify a trail.
find_package(Python3 COMPONENTS Interpreter)
find_program(AITRAIL_BASH_EXECUTABLE bash)
if(NOT Python3_Interpreter_FOUND OR NOT AITRAIL_BASH_EXECUTABLE)
    message(WARNING "python3 or bash not found: format.independent_verifier is not registered")
    return()
endif()
if(NOT TARGET aitrail_cli OR NOT TARGET aitrail_example_01_quick_start)
    message(STATUS "the aitrail tool or the examples are not built: format.independent_verifier is not registered")
    return()
endif()

# The benchmarks directory is configured after tests/, so whether the
# benchmark exists is asked at generate time; the script skips it when the
# argument is empty or the program was not built.
set(aitrail_xcheck_bench
    "$<$<TARGET_EXISTS:aitrail_bench_verify_throughput>:$<TARGET_FILE:aitrail_bench_verify_throughput>>")

add_test(NAME format.independent_verifier
    COMMAND "${AITRAIL_BASH_EXECUTABLE}" "${CMAKE_CURRENT_SOURCE_DIR}/python_verifier_check.sh"
        "${Python3_EXECUTABLE}"
        "${PROJECT_SOURCE_DIR}/tools/verify_trail.py"
        "$<TARGET_FILE:aitrail_cli>"
        "$<TARGET_FILE:aitrail_example_01_quick_start>"
        "${aitrail_xcheck_bench}")
set_tests_properties(format.independent_verifier PROPERTIES
    LABELS format
    TIMEOUT 300)
