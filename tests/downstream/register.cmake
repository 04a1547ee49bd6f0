# ctest: install this build into a scratch prefix, then configure, build and
# run tests/downstream against the installed package (not the build tree).
set(RIDGELENS_DOWNSTREAM_PREFIX "${PROJECT_BINARY_DIR}/downstream/install" CACHE INTERNAL "")
add_test(NAME downstream.install
         COMMAND "${CMAKE_COMMAND}" --install "${PROJECT_BINARY_DIR}"
                 --prefix "${RIDGELENS_DOWNSTREAM_PREFIX}")
set_tests_properties(downstream.install PROPERTIES FIXTURES_SETUP downstream_installed
                                                   LABELS downstream)

# Tests <name>.configure and <name>.build of the consumer project in
# `source_dir`, built in <build dir>/<name>/build against the installed
# package; the test that runs it requires the fixture <name>_built. Labels:
# `downstream` and the optional further `labels`.
function(ridgelens_add_downstream_project name source_dir)
  set(_labels downstream ${ARGN})
  set(_build "${PROJECT_BINARY_DIR}/${name}/build")
  add_test(NAME ${name}.configure
           COMMAND "${CMAKE_COMMAND}" -S "${source_dir}" -B "${_build}"
                   "-DCMAKE_PREFIX_PATH=${RIDGELENS_DOWNSTREAM_PREFIX}"
                   "-DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}"
                   "-DCMAKE_BUILD_TYPE=Release")
  add_test(NAME ${name}.build COMMAND "${CMAKE_COMMAND}" --build "${_build}")
  set_tests_properties(${name}.configure PROPERTIES FIXTURES_REQUIRED downstream_installed
                                                    FIXTURES_SETUP ${name}_configured
                                                    LABELS "${_labels}")
  set_tests_properties(${name}.build PROPERTIES FIXTURES_REQUIRED ${name}_configured
                                                FIXTURES_SETUP ${name}_built LABELS "${_labels}")
endfunction()

ridgelens_add_downstream_project(downstream "${CMAKE_CURRENT_LIST_DIR}")
add_test(NAME downstream.run COMMAND "${PROJECT_BINARY_DIR}/downstream/build/downstream_consumer")
set_tests_properties(downstream.run PROPERTIES FIXTURES_REQUIRED downstream_built
                                               LABELS downstream)
add_test(NAME downstream.run_report
         COMMAND "${PROJECT_BINARY_DIR}/downstream/build/downstream_report_consumer")
set_tests_properties(downstream.run_report PROPERTIES FIXTURES_REQUIRED downstream_built
                                                      LABELS downstream)
