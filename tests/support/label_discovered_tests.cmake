# Run by ctest (see labels.cmake): sets LABELS on each test of
# _ridgelens_test_list from the TEST/TEST_F/TEST_P blocks of _ridgelens_sources.
# A block is a test's header up to the first `}` at the start of a line.

set(_marker "RIDGELENS_REQUIRE_DATA|[Ff]ashion[-_ ]?(MNIST|[Mm]nist)")
foreach(_source IN LISTS _ridgelens_sources)
  file(RELATIVE_PATH _relative "${_ridgelens_root}" "${_source}")
  set(_layer "")
  if(_relative MATCHES "^([^/]+)/")
    set(_layer "${CMAKE_MATCH_1}")
  endif()
  file(READ "${_source}" _text)
  # One list element per test: `;` and brackets would split or join elements.
  string(REGEX REPLACE "[][;]" " " _text "${_text}")
  string(REGEX REPLACE
    "\n(TEST|TEST_F|TEST_P|TYPED_TEST|TYPED_TEST_P)\\([ \n]*([A-Za-z0-9_]+)[ \n]*,[ \n]*([A-Za-z0-9_]+)[ \n]*\\)"
    "\n;@\\2.\\3@" _text "${_text}")
  foreach(_block IN LISTS _text)
    if(NOT _block MATCHES "^@([A-Za-z0-9_]+\\.[A-Za-z0-9_]+)@")
      continue()
    endif()
    set(_key "${CMAKE_MATCH_1}")
    string(FIND "${_block}" "\n}" _end)
    string(SUBSTRING "${_block}" 0 ${_end} _body)
    set(_labels ${_layer})
    if(_body MATCHES "${_marker}")
      list(APPEND _labels real_data)
    endif()
    list(FIND _ridgelens_slow_under_sanitizer "${_key}" _slow)  # (no policies here: no IN_LIST)
    if(NOT _slow EQUAL -1)
      list(APPEND _labels slow_under_sanitizer)
    endif()
    set("_ridgelens_labels_${_key}" "${_labels}")
  endforeach()
endforeach()

foreach(_test IN LISTS _ridgelens_test_list)
  # Suite.Name, Instance/Suite.Name/parameter (TEST_P) or Suite/type.Name (TYPED_TEST).
  set(_labels ${_ridgelens_base_labels})
  if(_test MATCHES "^([^./]+/)?([^./]+)(/[^.]*)?\\.([^/]+)(/.*)?$")
    list(APPEND _labels ${_ridgelens_labels_${CMAKE_MATCH_2}.${CMAKE_MATCH_4}})
  endif()
  set_tests_properties("${_test}" PROPERTIES LABELS "${_labels}")
endforeach()
