# Helpers that give every module the same shape: a static library camroll_<name> with its public
# headers reachable as "<name>/<header>.h" from src/, our warning flags, and a test executable
# built from the *_test.cc files that sit beside the code.

set(CAMROLL_WARNINGS -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wpedantic -Werror
  # GCC 12 at -O3 reports impossible overlaps inside std::string (GCC bug 105329).
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>
  # Sanitizer instrumentation defeats GCC's flow analysis: std::regex and std::function trip
  # -Wmaybe-uninitialized there and nowhere else.
  $<$<BOOL:${CAMROLL_SANITIZE}>:-Wno-maybe-uninitialized>)

function(camroll_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(camroll_${name} STATIC ${ARG_SOURCES})
  target_include_directories(camroll_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src ${PROJECT_BINARY_DIR}/src)
  target_compile_options(camroll_${name} PRIVATE ${CAMROLL_WARNINGS})
  target_link_libraries(camroll_${name} PUBLIC ${ARG_DEPS})
endfunction()

# camroll_test(<name> SOURCES a_test.cc ... DEPS camroll_x ... [FIXTURES f ...])
# Registers each TEST with CTest through gtest_discover_tests; the label is the module name.
# FIXTURES names CTest fixtures (e.g. sample_roll) that must be set up before these tests.
function(camroll_test name)
  if(NOT CAMROLL_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;FIXTURES" ${ARGN})
  add_executable(${name}_test ${ARG_SOURCES})
  target_compile_options(${name}_test PRIVATE ${CAMROLL_WARNINGS})
  target_link_libraries(${name}_test PRIVATE ${ARG_DEPS} camroll_testing GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name}_test PRIVATE
    CAMROLL_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    CAMROLL_BINARY_DIR="${PROJECT_BINARY_DIR}")
  # gtest_discover_tests cannot pass list-valued properties (its custom command splits them):
  # one label, and several fixtures become one fixture whose setup requires them all.
  set(props LABELS "${name}")
  list(LENGTH ARG_FIXTURES fixture_count)
  if(fixture_count EQUAL 1)
    list(APPEND props FIXTURES_REQUIRED "${ARG_FIXTURES}")
  elseif(fixture_count GREATER 1)
    string(REPLACE ";" "+" combined "${ARG_FIXTURES}")
    if(NOT TEST fixtures.${combined})
      add_test(NAME fixtures.${combined} COMMAND ${CMAKE_COMMAND} -E true)
      set_tests_properties(fixtures.${combined} PROPERTIES
        FIXTURES_SETUP ${combined} FIXTURES_REQUIRED "${ARG_FIXTURES}")
    endif()
    list(APPEND props FIXTURES_REQUIRED "${combined}")
  endif()
  gtest_discover_tests(${name}_test PROPERTIES ${props} DISCOVERY_TIMEOUT 60)
endfunction()
