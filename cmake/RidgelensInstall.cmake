# Installs the library, its public headers and a relocatable CMake package
# (ridgelensConfig.cmake + version file) exporting ridgelens::ridgelens (the
# numerical core), ridgelens::report (JSON reports and pictures, over
# nlohmann-json) and, when it was built, the component ridgelens::mpi.
include(CMakePackageConfigHelpers)

set(RIDGELENS_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/ridgelens")

install(TARGETS ridgelens EXPORT ridgelensTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/ridgelens"
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")
install(FILES "${PROJECT_BINARY_DIR}/include/ridgelens/version.hpp"
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ridgelens)
install(EXPORT ridgelensTargets NAMESPACE ridgelens:: DESTINATION ${RIDGELENS_CMAKE_DIR})

# ridgelens::report: its own export set, so that a consumer of the core alone
# needs no nlohmann-json (ridgelensConfig.cmake imports it when that is found).
install(TARGETS ridgelens_report EXPORT ridgelensReportTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT ridgelensReportTargets NAMESPACE ridgelens:: DESTINATION ${RIDGELENS_CMAKE_DIR})

# The optional component ridgelens::mpi (built only when MPI, PETSc and SLEPc
# were found, see mpi/CMakeLists.txt): its library, headers and a separate
# export set, so that the package without it needs no MPI on the consumer side.
if(TARGET ridgelens_mpi)
  set_target_properties(ridgelens_mpi PROPERTIES EXPORT_NAME mpi)
  install(TARGETS ridgelens_mpi EXPORT ridgelensMpiTargets
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
          RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
          INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/mpi/include/ridgelens/mpi"
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ridgelens FILES_MATCHING PATTERN "*.hpp")
  install(EXPORT ridgelensMpiTargets NAMESPACE ridgelens:: DESTINATION ${RIDGELENS_CMAKE_DIR})
endif()

configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/ridgelensConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/ridgelensConfig.cmake" INSTALL_DESTINATION ${RIDGELENS_CMAKE_DIR})
write_basic_package_version_file("${PROJECT_BINARY_DIR}/ridgelensConfigVersion.cmake"
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/ridgelensConfig.cmake"
              "${PROJECT_BINARY_DIR}/ridgelensConfigVersion.cmake"
        DESTINATION ${RIDGELENS_CMAKE_DIR})
install(FILES "${PROJECT_SOURCE_DIR}/cmake/FindCHOLMOD.cmake" DESTINATION ${RIDGELENS_CMAKE_DIR})
