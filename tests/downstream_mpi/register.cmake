# ctest: configure, build and run tests/downstream_mpi against the installed
# package (tests/downstream/register.cmake installs it and defines
# ridgelens_add_downstream_project), on 2 ranks. Included from
# mpi/CMakeLists.txt, so only when the component ridgelens::mpi is built.
ridgelens_add_downstream_project(downstream_mpi "${CMAKE_CURRENT_LIST_DIR}" mpi)
add_test(NAME downstream_mpi.run_np2
         COMMAND ${RIDGELENS_MPIEXEC} ${MPIEXEC_NUMPROC_FLAG} 2 ${RIDGELENS_MPIEXEC_FLAGS}
                 "${PROJECT_BINARY_DIR}/downstream_mpi/build/downstream_mpi_consumer" 2)
# Open MPI keeps its runtime's allocations: no leak checking under the sanitizers.
set(_downstream_mpi_environment OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
                                OMP_NUM_THREADS=1)
if(RIDGELENS_SANITIZE)
  list(APPEND _downstream_mpi_environment "ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0")
endif()
set_tests_properties(downstream_mpi.run_np2 PROPERTIES FIXTURES_REQUIRED downstream_mpi_built
  TIMEOUT 60 PROCESSORS 2 ENVIRONMENT "${_downstream_mpi_environment}" LABELS "downstream;mpi")
