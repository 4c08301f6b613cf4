# cmake -P script behind the cmake_consumer.* tests: builds and runs the
# consumer project in this directory the way a user would consume aitrail.
#
#   MODE=find_package      install the aitrail build tree (BINARY_DIR) into a
#                          fresh prefix, then build CMakeLists.txt here against
#                          it with CMAKE_PREFIX_PATH
#   MODE=add_subdirectory  build subdir/CMakeLists.txt, which adds the aitrail
#                          source tree (SOURCE_DIR) with add_subdirectory
#
# Other inputs: WORK_DIR (emptied first; each test has its own, so the tests
# run in parallel), GENERATOR, MAKE_PROGRAM, CXX_COMPILER, CONFIG, VERSION.
# Any failing step stops the script with FATAL_ERROR and its output.
cmake_minimum_required(VERSION 3.25)

foreach(input IN ITEMS MODE SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER)
    if(NOT DEFINED ${input} OR "${${input}}" STREQUAL "")
        message(FATAL_ERROR "run_consumer.cmake: -D${input}=... is required")
    endif()
endforeach()

# run(<what> <command>...): runs the command with its output in the test log.
function(run what)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE result COMMAND_ECHO STDOUT)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "cmake_consumer (${MODE}): ${what} failed: ${result}")
    endif()
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(build_dir "${WORK_DIR}/build")

set(configure_args -G "${GENERATOR}" -DCMAKE_CXX_COMPILER=${CXX_COMPILER})
if(MAKE_PROGRAM)
    list(APPEND configure_args -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
endif()
if(CONFIG)
    list(APPEND configure_args -DCMAKE_BUILD_TYPE=${CONFIG})
    set(config_args --config ${CONFIG})
endif()

if(MODE STREQUAL "find_package")
    if(NOT BINARY_DIR)
        message(FATAL_ERROR "run_consumer.cmake: -DBINARY_DIR=... is required for find_package")
    endif()
    set(prefix "${WORK_DIR}/prefix")
    run("installing ${BINARY_DIR}"
        "${CMAKE_COMMAND}" --install "${BINARY_DIR}" --prefix "${prefix}" ${config_args})
    file(GLOB_RECURSE package_config "${prefix}/*/aitrail-config.cmake")
    if(NOT EXISTS "${prefix}/include/aitrail/aitrail.hpp" OR NOT package_config)
        message(FATAL_ERROR "cmake_consumer (find_package): the install into ${prefix} "
            "lacks include/aitrail/aitrail.hpp or aitrail-config.cmake")
    endif()
    # Neither the package registry nor a system-wide copy may stand in for
    # the tree just installed: the cache is checked below too.
    run("configuring the consumer"
        "${CMAKE_COMMAND}" -S "${CMAKE_CURRENT_LIST_DIR}" -B "${build_dir}" ${configure_args}
        "-DCMAKE_PREFIX_PATH=${prefix}"
        -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
        "-DAITRAIL_EXPECTED_VERSION=${VERSION}")
    file(STRINGS "${build_dir}/CMakeCache.txt" found_dir REGEX "^aitrail_DIR:")
    string(REGEX REPLACE "^aitrail_DIR:[A-Z]+=" "" found_dir "${found_dir}")
    cmake_path(IS_PREFIX prefix "${found_dir}" NORMALIZE found_in_prefix)
    if(NOT found_in_prefix)
        message(FATAL_ERROR "cmake_consumer (find_package): aitrail was found in "
            "${found_dir}, not in the fresh install ${prefix}")
    endif()
elseif(MODE STREQUAL "add_subdirectory")
    run("configuring the consumer"
        "${CMAKE_COMMAND}" -S "${CMAKE_CURRENT_LIST_DIR}/subdir" -B "${build_dir}" ${configure_args}
        "-DAITRAIL_REPO_DIR=${SOURCE_DIR}")
else()
    message(FATAL_ERROR "run_consumer.cmake: unknown MODE '${MODE}'")
endif()

run("building the consumer" "${CMAKE_COMMAND}" --build "${build_dir}" ${config_args})

# Single-config generators put the program in the build directory,
# multi-config ones in a per-configuration subdirectory.
set(program "${build_dir}/consumer")
if(NOT EXISTS "${program}" AND CONFIG)
    set(program "${build_dir}/${CONFIG}/consumer")
endif()
execute_process(COMMAND "${program}" RESULT_VARIABLE result
    OUTPUT_VARIABLE output ERROR_VARIABLE output ECHO_OUTPUT_VARIABLE ECHO_ERROR_VARIABLE)
if(NOT result EQUAL 0 OR NOT output MATCHES "^aitrail-cpp/[0-9][^ ]* OK 2 entries")
    message(FATAL_ERROR "cmake_consumer (${MODE}): ${program} exited with '${result}' "
        "and printed '${output}', expected 'aitrail-cpp/<version> OK 2 entries, ...'")
endif()
message(STATUS "cmake_consumer (${MODE}): passed")
