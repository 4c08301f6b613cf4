# Checks of the repository itself, written as Python scripts under scripts/:
# the include graph follows the layer order, and the committed single header
# is what scripts/amalgamate.py makes from include/ today.
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND)
    message(WARNING "python3 not found: the scripts.* tests are not registered")
    return()
endif()

add_test(NAME scripts.check_layers
    COMMAND "${Python3_EXECUTABLE}" "${PROJECT_SOURCE_DIR}/scripts/check_layers.py")
# The layer check itself: it must reject every kind of violation it names.
add_test(NAME scripts.check_layers_rejects
    COMMAND "${Python3_EXECUTABLE}" "${CMAKE_CURRENT_SOURCE_DIR}/scripts/check_layers_rejects.py")
add_test(NAME scripts.amalgamate_check
    COMMAND "${Python3_EXECUTABLE}" "${PROJECT_SOURCE_DIR}/scripts/amalgamate.py" --check)
set_tests_properties(scripts.check_layers scripts.check_layers_rejects scripts.amalgamate_check PROPERTIES
    LABELS scripts
    TIMEOUT 60)
