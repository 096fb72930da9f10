# The shared fixtures and corpus live beside the checkout (../shared); worktrees elsewhere
# fall back to /work/shared. Override with -DSCHEMABOT_SHARED_DIR=...
if(NOT SCHEMABOT_SHARED_DIR)
  get_filename_component(_shared "${PROJECT_SOURCE_DIR}/../shared" ABSOLUTE)
  if(NOT EXISTS "${_shared}" AND EXISTS "/work/shared")
    set(_shared "/work/shared")
  endif()
  set(SCHEMABOT_SHARED_DIR "${_shared}" CACHE PATH "fixtures and corpus")
endif()

# schemabot_library(NAME DIR DEPS...)
# One static library per top-level folder. Sources are every *.cc under DIR except
# *_test.cc, *_fuzz.cc and main.cc; unit tests (*_test.cc beside the code) become one
# test binary NAME_test registered with CTest.
function(schemabot_library name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  file(GLOB_RECURSE tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  list(FILTER srcs EXCLUDE REGEX "(_test|_fuzz|/main)\\.cc$")
  if(srcs)
    add_library(${name} STATIC ${srcs})
    target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  else()  # a folder whose code is still to come
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name} INTERFACE ${ARG_DEPS})
  endif()
  if(tests)
    add_executable(${name}_test ${tests})
    target_link_libraries(${name}_test PRIVATE ${name} GTest::gtest GTest::gmock GTest::gtest_main)
    target_compile_definitions(${name}_test PRIVATE
      SCHEMABOT_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
      SCHEMABOT_SHARED_DIR="${SCHEMABOT_SHARED_DIR}"
      SCHEMABOT_BINARY_DIR="${PROJECT_BINARY_DIR}")
    gtest_discover_tests(${name}_test DISCOVERY_MODE PRE_TEST
      PROPERTIES ENVIRONMENT "SCHEMABOT_SHARED_DIR=${SCHEMABOT_SHARED_DIR}")
  endif()
endfunction()

# schemabot_fuzzer(NAME SOURCE DEPS...) builds a libFuzzer target when SCHEMABOT_FUZZ is on.
function(schemabot_fuzzer name source)
  if(SCHEMABOT_FUZZ)
    add_executable(${name} ${source})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_libraries(${name} PRIVATE ${ARGN})
  endif()
endfunction()
