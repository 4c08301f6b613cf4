# Install rules and the package config consumed by find_package(aitrail CONFIG).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(AITRAIL_CMAKE_DIR "${CMAKE_INSTALL_DATADIR}/cmake/aitrail")

install(TARGETS aitrail aitrail_http EXPORT aitrail-targets
    FILE_SET HEADERS DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
# aitrail::sqlite where it was built; the package config then looks for
# SQLite3 quietly (AITRAIL_CONFIG_SQLITE), so only its users need it.
set(AITRAIL_CONFIG_SQLITE OFF)
if(TARGET aitrail_sqlite)
    install(TARGETS aitrail_sqlite EXPORT aitrail-targets)
    set(AITRAIL_CONFIG_SQLITE ON)
endif()
# aitrail::postgres likewise (AITRAIL_CONFIG_POSTGRES: libpq looked for quietly).
set(AITRAIL_CONFIG_POSTGRES OFF)
if(TARGET aitrail_postgres)
    install(TARGETS aitrail_postgres EXPORT aitrail-targets)
    set(AITRAIL_CONFIG_POSTGRES ON)
endif()
install(EXPORT aitrail-targets
    NAMESPACE aitrail::
    FILE aitrail-targets.cmake
    DESTINATION "${AITRAIL_CMAKE_DIR}")
# A build-tree export too, so a sibling build can find_package us uninstalled.
export(EXPORT aitrail-targets NAMESPACE aitrail::
    FILE "${PROJECT_BINARY_DIR}/aitrail-targets.cmake")

configure_package_config_file(
    "${PROJECT_SOURCE_DIR}/cmake/aitrail-config.cmake.in"
    "${PROJECT_BINARY_DIR}/aitrail-config.cmake"
    INSTALL_DESTINATION "${AITRAIL_CMAKE_DIR}")
# The library is header-only: any architecture may use it, and within a major
# version the API only grows.
write_basic_package_version_file(
    "${PROJECT_BINARY_DIR}/aitrail-config-version.cmake"
    COMPATIBILITY SameMajorVersion
    ARCH_INDEPENDENT)
install(FILES
    "${PROJECT_BINARY_DIR}/aitrail-config.cmake"
    "${PROJECT_BINARY_DIR}/aitrail-config-version.cmake"
    DESTINATION "${AITRAIL_CMAKE_DIR}")

# The price list for pricers::runtime tables (docs/pricing.md): users point
# price_table::load at it, or at their own copy, and update it without a rebuild.
install(FILES "${PROJECT_SOURCE_DIR}/data/prices/prices.json"
    DESTINATION "${CMAKE_INSTALL_DATADIR}/aitrail/prices")
