# postgres_storage against a real PostgreSQL server. The server is a CTest
# fixture: postgres.start (server.sh start) runs before any test that needs
# it, postgres.stop after the last one, also when tests fail. Its directory
# is in this build tree, its port is picked free, so build trees never share
# a server. The tests read the connection string from the file it writes.
if(NOT TARGET aitrail::postgres)
    message(STATUS "aitrail: no aitrail::postgres target, so the PostgreSQL tests are not registered")
    return()
endif()
file(GLOB aitrail_postgres_server_dirs "/usr/lib/postgresql/*/bin")
find_program(AITRAIL_PG_CTL pg_ctl HINTS ${aitrail_postgres_server_dirs})
if(NOT AITRAIL_PG_CTL)
    message(WARNING "PostgreSQL server programs (initdb, pg_ctl) not found: the postgres tests are not registered; "
        "install the postgresql package")
    return()
endif()

file(GLOB aitrail_postgres_sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_LIST_DIR}/*.cpp")
add_executable(aitrail_postgres_tests ${aitrail_postgres_sources})
target_link_libraries(aitrail_postgres_tests PRIVATE aitrail::postgres aitrail_doctest_main)
target_include_directories(aitrail_postgres_tests PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}")
# reports_identical.cpp runs every report on the same trail in JSONL, SQLite
# and PostgreSQL (SQLite where its target exists).
if(TARGET aitrail::sqlite)
    target_link_libraries(aitrail_postgres_tests PRIVATE aitrail::sqlite)
    target_compile_definitions(aitrail_postgres_tests PRIVATE AITRAIL_HAS_SQLITE=1)
endif()
# export_cli.cpp runs the built tool against the server (export, verify,
# query and report on SQL trails).
if(TARGET aitrail_cli)
    target_compile_definitions(aitrail_postgres_tests PRIVATE AITRAIL_TOOL_PATH="$<TARGET_FILE:aitrail_cli>")
    add_dependencies(aitrail_postgres_tests aitrail_cli)
endif()
aitrail_target_warnings(aitrail_postgres_tests)
aitrail_unity_build(aitrail_postgres_tests)

set(aitrail_postgres_dir "${CMAKE_CURRENT_BINARY_DIR}/postgres-server")
add_test(NAME postgres.start
    COMMAND bash "${CMAKE_CURRENT_LIST_DIR}/server.sh" start "${aitrail_postgres_dir}")
add_test(NAME postgres.stop
    COMMAND bash "${CMAKE_CURRENT_LIST_DIR}/server.sh" stop "${aitrail_postgres_dir}")
set_tests_properties(postgres.start PROPERTIES FIXTURES_SETUP postgres TIMEOUT 180 LABELS postgres)
set_tests_properties(postgres.stop PROPERTIES FIXTURES_CLEANUP postgres TIMEOUT 120 LABELS postgres)
doctest_discover_tests(aitrail_postgres_tests TEST_PREFIX "postgres."
    PROPERTIES FIXTURES_REQUIRED postgres LABELS postgres TIMEOUT 120
    ENVIRONMENT "AITRAIL_PG_CONNINFO_FILE=${aitrail_postgres_dir}/conninfo")
