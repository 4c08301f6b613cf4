# Consumer tests: a user's project takes aitrail in the two supported ways,
# find_package against an installed copy and add_subdirectory of the source
# tree, and runs the result (see run_consumer.cmake). Each test works in its
# own directory, so they run in parallel with each other and the rest.
set(aitrail_consumer_args
    "-DSOURCE_DIR=${PROJECT_SOURCE_DIR}"
    "-DGENERATOR=${CMAKE_GENERATOR}"
    "-DMAKE_PROGRAM=${CMAKE_MAKE_PROGRAM}"
    "-DCXX_COMPILER=${CMAKE_CXX_COMPILER}"
    "-DCONFIG=$<CONFIG>")

# The install rules exist only when AITRAIL_INSTALL is on.
if(AITRAIL_INSTALL)
    add_test(NAME cmake_consumer.find_package
        COMMAND "${CMAKE_COMMAND}" ${aitrail_consumer_args}
            -DMODE=find_package
            "-DBINARY_DIR=${PROJECT_BINARY_DIR}"
            "-DVERSION=${PROJECT_VERSION}"
            "-DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/cmake_consumer/find_package"
            -P "${CMAKE_CURRENT_LIST_DIR}/run_consumer.cmake")
    set_tests_properties(cmake_consumer.find_package PROPERTIES
        LABELS cmake_consumer TIMEOUT 300)
endif()

add_test(NAME cmake_consumer.add_subdirectory
    COMMAND "${CMAKE_COMMAND}" ${aitrail_consumer_args}
        -DMODE=add_subdirectory
        "-DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/cmake_consumer/add_subdirectory"
        -P "${CMAKE_CURRENT_LIST_DIR}/run_consumer.cmake")
set_tests_properties(cmake_consumer.add_subdirectory PROPERTIES
    LABELS cmake_consumer TIMEOUT 300)
