# Tests of the ridgelens program as a user runs it: exit codes, messages,
# outputs and the JSON report contract.
if(TARGET ridgelens_cli)
  # Every test_cli_*.cpp of this folder (a list here drew merge conflicts).
  file(GLOB RIDGELENS_CLI_TEST_SOURCES CONFIGURE_DEPENDS "${CMAKE_CURRENT_LIST_DIR}/test_cli_*.cpp")
  add_executable(ridgelens_cli_tests ${RIDGELENS_CLI_TEST_SOURCES})
  target_link_libraries(ridgelens_cli_tests PRIVATE ridgelens::report GTest::gtest_main
                        ZLIB::ZLIB)  # ZLIB: the PNG decoder of the Chromium test
  target_include_directories(ridgelens_cli_tests PRIVATE "${CMAKE_CURRENT_LIST_DIR}/../support")
  target_compile_definitions(ridgelens_cli_tests PRIVATE
    RIDGELENS_CLI="$<TARGET_FILE:ridgelens_cli>"
    RIDGELENS_DEFAULT_DATA_DIR="${RIDGELENS_DATA_DIR}"
    RIDGELENS_CLI_TEST_FILES_DIR="${CMAKE_CURRENT_LIST_DIR}/data")
  add_dependencies(ridgelens_cli_tests ridgelens_cli)
  gtest_discover_tests(ridgelens_cli_tests DISCOVERY_TIMEOUT 60 TEST_LIST ridgelens_cli_test_list
                       PROPERTIES TIMEOUT 600 LABELS cli)
  ridgelens_label_discovered_tests(ridgelens_cli_test_list LABELS cli
    ROOT "${CMAKE_CURRENT_LIST_DIR}" SOURCES ${RIDGELENS_CLI_TEST_SOURCES})
endif()
