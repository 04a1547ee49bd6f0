# ctest: install this build into a scratch prefix, then configure, build and
# run tests/downstream against the installed package (not the build tree).
set(RIDGELENS_DOWNSTREAM_PREFIX "${PROJECT_BINARY_DIR}/downstream/install")
set(RIDGELENS_DOWNSTREAM_BUILD "${PROJECT_BINARY_DIR}/downstream/build")
add_test(NAME downstream.install
         COMMAND "${CMAKE_COMMAND}" --install "${PROJECT_BINARY_DIR}"
                 --prefix "${RIDGELENS_DOWNSTREAM_PREFIX}")
add_test(NAME downstream.configure
         COMMAND "${CMAKE_COMMAND}" -S "${CMAKE_CURRENT_LIST_DIR}" -B "${RIDGELENS_DOWNSTREAM_BUILD}"
                 "-DCMAKE_PREFIX_PATH=${RIDGELENS_DOWNSTREAM_PREFIX}"
                 "-DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}"
                 "-DCMAKE_BUILD_TYPE=Release")
add_test(NAME downstream.build COMMAND "${CMAKE_COMMAND}" --build "${RIDGELENS_DOWNSTREAM_BUILD}")
add_test(NAME downstream.run COMMAND "${RIDGELENS_DOWNSTREAM_BUILD}/downstream_consumer")
set_tests_properties(downstream.install PROPERTIES FIXTURES_SETUP downstream_installed)
set_tests_properties(downstream.configure PROPERTIES FIXTURES_REQUIRED downstream_installed
                                                     FIXTURES_SETUP downstream_configured)
set_tests_properties(downstream.build PROPERTIES FIXTURES_REQUIRED downstream_configured
                                                 FIXTURES_SETUP downstream_built)
set_tests_properties(downstream.run PROPERTIES FIXTURES_REQUIRED downstream_built)
