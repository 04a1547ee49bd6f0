# ctest labels of the GoogleTest tests, per test, from their sources.
#
# ridgelens_label_discovered_tests(<test list variable> LABELS <labels...>
#                                  ROOT <folder> SOURCES <files...>)
# after gtest_discover_tests(... TEST_LIST <test list variable>): when ctest
# loads the tests, every discovered test gets
#   - <labels...> (e.g. `unit`, `cli`);
#   - the name of the folder under ROOT that holds its source, if any (the
#     layer of tests/unit/<layer>/, e.g. `spectrum`);
#   - `real_data` if its body uses RIDGELENS_REQUIRE_DATA (../shared/data) or
#     reads the installed Fashion-MNIST;
#   - `slow_under_sanitizer` if it is named in RIDGELENS_SLOW_UNDER_SANITIZER
#     (Suite.Name entries).
# The sources are read by ctest each time it runs (tests/support/
# label_discovered_tests.cmake), so a new test needs no CMake change.
function(ridgelens_label_discovered_tests list_variable)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "ROOT" "LABELS;SOURCES")
  set(script "${CMAKE_CURRENT_BINARY_DIR}/${list_variable}_labels.cmake")
  file(GENERATE OUTPUT "${script}" CONTENT
"set(_ridgelens_test_list \"\${${list_variable}}\")
set(_ridgelens_base_labels \"${arg_LABELS}\")
set(_ridgelens_root \"${arg_ROOT}\")
set(_ridgelens_sources \"${arg_SOURCES}\")
set(_ridgelens_slow_under_sanitizer \"${RIDGELENS_SLOW_UNDER_SANITIZER}\")
include(\"${RIDGELENS_TEST_SUPPORT_DIR}/label_discovered_tests.cmake\")
")
  # After the include file of gtest_discover_tests, which defines the list.
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${script}")
endfunction()
set(RIDGELENS_TEST_SUPPORT_DIR "${CMAKE_CURRENT_LIST_DIR}")
