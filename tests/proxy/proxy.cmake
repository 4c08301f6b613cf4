# The auditing proxy with the official `openai` npm client as the
# application (installed from the npm registry into the build tree on first
# run). Node.js and npm come from scripts/test's package list.
find_package(Python3 COMPONENTS Interpreter)
find_program(AITRAIL_NODE node)
if(NOT Python3_Interpreter_FOUND OR NOT AITRAIL_NODE OR NOT TARGET aitrail_emulator)
    message(WARNING "python3, node or the emulator is missing: proxy.openai_node_client is not registered")
    return()
endif()
add_test(NAME proxy.openai_node_client
    COMMAND "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_LIST_DIR}/openai_node_client.py"
        --tool "$<TARGET_FILE:aitrail_cli>"
        --emulator "$<TARGET_FILE:aitrail_emulator>"
        --npm-dir "${CMAKE_BINARY_DIR}/npm"
        --work "${CMAKE_CURRENT_BINARY_DIR}/proxy-node-client"
        --client "${CMAKE_CURRENT_LIST_DIR}/openai_client.cjs")
set_tests_properties(proxy.openai_node_client PROPERTIES TIMEOUT 900 LABELS proxy)
