# FindCHOLMOD
# -----------
# Finds SuiteSparse's CHOLMOD (Debian's libsuitesparse-dev ships no CMake
# config) and provides the imported target CHOLMOD::CHOLMOD, which carries the
# SuiteSparse libraries CHOLMOD needs (AMD, COLAMD, CAMD, CCOLAMD,
# SuiteSparse_config) and BLAS/LAPACK.
#
# Result variables: CHOLMOD_FOUND, CHOLMOD_INCLUDE_DIR, CHOLMOD_LIBRARY,
# CHOLMOD_VERSION.

find_path(CHOLMOD_INCLUDE_DIR cholmod.h PATH_SUFFIXES suitesparse)
find_library(CHOLMOD_LIBRARY cholmod)
set(_cholmod_companions amd colamd camd ccolamd suitesparseconfig)
set(_cholmod_companion_vars)
foreach(_lib IN LISTS _cholmod_companions)
  string(TOUPPER "${_lib}" _upper)
  find_library(CHOLMOD_${_upper}_LIBRARY ${_lib})
  list(APPEND _cholmod_companion_vars CHOLMOD_${_upper}_LIBRARY)
endforeach()

if(CHOLMOD_INCLUDE_DIR AND EXISTS "${CHOLMOD_INCLUDE_DIR}/cholmod_core.h")
  file(STRINGS "${CHOLMOD_INCLUDE_DIR}/cholmod_core.h" _cholmod_version_lines
       REGEX "#define CHOLMOD_(MAIN|SUB)_VERSION[ \t]+[0-9]+")
  string(REGEX REPLACE ".*CHOLMOD_MAIN_VERSION[ \t]+([0-9]+).*" "\\1" _major "${_cholmod_version_lines}")
  string(REGEX REPLACE ".*CHOLMOD_SUB_VERSION[ \t]+([0-9]+).*" "\\1" _minor "${_cholmod_version_lines}")
  set(CHOLMOD_VERSION "${_major}.${_minor}")
endif()

include(CMakeFindDependencyMacro)
find_dependency(BLAS)
find_dependency(LAPACK)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(CHOLMOD
  REQUIRED_VARS CHOLMOD_LIBRARY CHOLMOD_INCLUDE_DIR ${_cholmod_companion_vars}
  VERSION_VAR CHOLMOD_VERSION)

if(CHOLMOD_FOUND AND NOT TARGET CHOLMOD::CHOLMOD)
  add_library(CHOLMOD::CHOLMOD UNKNOWN IMPORTED)
  set(_companion_paths)
  foreach(_var IN LISTS _cholmod_companion_vars)
    list(APPEND _companion_paths "${${_var}}")
  endforeach()
  set_target_properties(CHOLMOD::CHOLMOD PROPERTIES
    IMPORTED_LOCATION "${CHOLMOD_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${CHOLMOD_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${_companion_paths};LAPACK::LAPACK;BLAS::BLAS")
endif()
mark_as_advanced(CHOLMOD_INCLUDE_DIR CHOLMOD_LIBRARY ${_cholmod_companion_vars})
