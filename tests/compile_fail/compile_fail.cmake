# Compile-fail tests: programs that misuse aitrail and must be rejected by the
# compiler with our own message (a concept's static_assert text, say), so the
# messages users see are tested like any other behaviour.
#
# Adding a case: put a .cpp file in tests/compile_fail/ whose first line is
#     // expect: <regex>
# The test compile_fail.<file name> passes when compiling the file fails with
# output that matches <regex> (a CMake regular expression; a ';' in it would
# separate alternatives). Keep the regex specific, e.g. the static_assert text:
# a broad one would also match an unrelated error such as a missing include.
#
# aitrail_compile_fail_test(NAME <name> SOURCE <file.cpp> EXPECT <regex>
#                           [DEFINES <macro>...])
# registers one such test by hand; each DEFINES entry is passed as -D<macro>,
# so one source can serve several cases. Such sources live in subfolders (the
# glob below reads only the top folder) and are registered at the end of this
# file: policy_members/standalone_policy.cpp is a policy not derived from
# default_policy, built once per member with AITRAIL_TEST_WITHOUT_<member>
# defined (the tests compile_fail.policy_without_<member>).

function(aitrail_compile_fail_test)
    cmake_parse_arguments(PARSE_ARGV 0 arg "" "NAME;SOURCE;EXPECT" "DEFINES")
    if(NOT arg_NAME OR NOT arg_SOURCE OR NOT arg_EXPECT)
        message(FATAL_ERROR "aitrail_compile_fail_test: NAME, SOURCE and EXPECT are required")
    endif()
    if(arg_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "aitrail_compile_fail_test: unexpected arguments: ${arg_UNPARSED_ARGUMENTS}")
    endif()
    cmake_path(ABSOLUTE_PATH arg_SOURCE BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}")

    # The include directories and definitions a user gets from linking
    # aitrail::aitrail: in a generator expression these properties are read
    # transitively, so the dependencies' (nlohmann_json, OpenSSL, Boost) come
    # too. add_test would pass a list as one argument, so they go one per line
    # into a response file that the compiler reads (@file).
    get_property(rsp GLOBAL PROPERTY aitrail_compile_fail_rsp)
    if(NOT rsp)
        set(rsp "${PROJECT_BINARY_DIR}/tests/compile_fail/flags.rsp")
        set(includes "$<REMOVE_DUPLICATES:$<TARGET_PROPERTY:aitrail::aitrail,INTERFACE_INCLUDE_DIRECTORIES>>")
        set(defines "$<REMOVE_DUPLICATES:$<TARGET_PROPERTY:aitrail::aitrail,INTERFACE_COMPILE_DEFINITIONS>>")
        file(GENERATE OUTPUT "${rsp}" CONTENT
            "$<$<BOOL:${includes}>:\"-I$<JOIN:${includes},\"\n\"-I>\"\n>$<$<BOOL:${defines}>:\"-D$<JOIN:${defines},\"\n\"-D>\"\n>")
        set_property(GLOBAL PROPERTY aitrail_compile_fail_rsp "${rsp}")
    endif()

    list(TRANSFORM arg_DEFINES PREPEND "-D")

    # Only the front end runs (-fsyntax-only): nothing is written, and with
    # PASS_REGULAR_EXPRESSION set ctest ignores the exit code, so the expected
    # diagnostic alone decides. A file that compiles prints nothing and fails.
    add_test(NAME compile_fail.${arg_NAME}
        COMMAND "${CMAKE_CXX_COMPILER}" -std=c++20 -fsyntax-only "@${rsp}" ${arg_DEFINES} "${arg_SOURCE}")
    set_tests_properties(compile_fail.${arg_NAME} PROPERTIES
        PASS_REGULAR_EXPRESSION "${arg_EXPECT}"
        LABELS compile_fail
        TIMEOUT 120)
endfunction()

file(GLOB aitrail_compile_fail_sources CONFIGURE_DEPENDS
    "${CMAKE_CURRENT_LIST_DIR}/*.cpp")
foreach(source IN LISTS aitrail_compile_fail_sources)
    file(STRINGS "${source}" first_line LIMIT_COUNT 1)
    if(NOT first_line MATCHES "^//[ \t]*expect:[ \t]*(.*[^ \t])")
        message(FATAL_ERROR "${source}: the first line must be `// expect: <regex>`")
    endif()
    set(expect "${CMAKE_MATCH_1}")
    cmake_path(GET source STEM name)
    aitrail_compile_fail_test(NAME "${name}" SOURCE "${source}" EXPECT "${expect}")
endforeach()

# One readable message per policy member, for a policy written from scratch:
# member types are named as such, constants with their declaration.
# (policy_without_hasher.cpp, above, checks an empty policy instead.)
set(aitrail_policy_member_messages
    "redactor=a member type 'redactor'"
    "redact_meta=a member type 'redact_meta'"
    "fingerprint=a member type 'fingerprint'"
    "pricing=a member type 'pricing'"
    "backpressure=a member type 'backpressure'"
    "durability=a member type 'durability'"
    "asynchronous='static constexpr bool asynchronous'"
    "queue_capacity='static constexpr std::size_t queue_capacity'"
    "max_batch='static constexpr std::size_t max_batch'"
    "checkpoint=a member type 'checkpoint'")
foreach(entry IN LISTS aitrail_policy_member_messages)
    string(FIND "${entry}" "=" eq)
    string(SUBSTRING "${entry}" 0 ${eq} member)
    math(EXPR eq "${eq} + 1")
    string(SUBSTRING "${entry}" ${eq} -1 requirement)
    aitrail_compile_fail_test(NAME "policy_without_${member}"
        SOURCE "${CMAKE_CURRENT_LIST_DIR}/policy_members/standalone_policy.cpp"
        EXPECT "aitrail: Policy requires ${requirement}"
        DEFINES "AITRAIL_TEST_WITHOUT_${member}")
endforeach()
