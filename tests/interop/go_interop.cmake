# interop.go.*: signed notes, checkpoints, Merkle proofs and cosignatures
# checked against Go's golang.org/x/mod/sumdb/note and sumdb/tlog in both
# directions (tests/interop/go_interop.sh), through aitrail-note-tool.
# Without Go or golang.org/x/mod the tests report "skipped" (exit 77).
find_program(AITRAIL_BASH_FOR_INTEROP bash)
if(NOT AITRAIL_BASH_FOR_INTEROP)
    message(WARNING "bash not found: interop.go.* tests are not registered")
    return()
endif()
find_program(AITRAIL_GO_EXECUTABLE go)
if(NOT AITRAIL_GO_EXECUTABLE)
    # Registered all the same, so that the run says why they did not run.
    set(AITRAIL_GO_EXECUTABLE go-not-found)
endif()

add_executable(aitrail_note_tool interop/note_tool.cpp)
set_target_properties(aitrail_note_tool PROPERTIES OUTPUT_NAME aitrail-note-tool)
# aitrail::http: the publish command drives tlog_witness_client (Boost.Beast).
target_link_libraries(aitrail_note_tool PRIVATE aitrail::http)
target_include_directories(aitrail_note_tool PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}")
aitrail_target_warnings(aitrail_note_tool)

# witness_server runs `aitrail witness serve` (the tool); witness_client a
# witness written in Go that tlog_witness_client talks to; trail a real trail
# signed and proven by the tool.
foreach(aitrail_interop_case notes proofs cosignatures witness_server witness_client trail)
    add_test(NAME interop.go.${aitrail_interop_case}
        COMMAND "${AITRAIL_BASH_FOR_INTEROP}" "${CMAKE_CURRENT_SOURCE_DIR}/interop/go_interop.sh"
            ${aitrail_interop_case} "${AITRAIL_GO_EXECUTABLE}" "$<TARGET_FILE:aitrail_note_tool>"
            "${CMAKE_CURRENT_BINARY_DIR}/interop-go" "${PROJECT_SOURCE_DIR}" "$<TARGET_FILE:aitrail_cli>")
    set_tests_properties(interop.go.${aitrail_interop_case} PROPERTIES
        LABELS interop SKIP_RETURN_CODE 77 TIMEOUT 600)
endforeach()
