# CTest test `cpp_consumer`: install this build into a scratch prefix, then build and run examples/cpp against it
# with find_package(attention-wasm) — what a C++ user of the installed library does. Native, non-sanitized builds.
if(ATTN_SANITIZE)
  return()  # an instrumented library would need the consumer instrumented too
endif()
add_test(NAME cpp_consumer COMMAND "${CMAKE_COMMAND}"
  "-DBINARY_DIR=${PROJECT_BINARY_DIR}" "-DSOURCE_DIR=${PROJECT_SOURCE_DIR}" "-DWORK_DIR=${PROJECT_BINARY_DIR}/consumer"
  "-DGENERATOR=${CMAKE_GENERATOR}" "-DCXX=${CMAKE_CXX_COMPILER}" "-DWITH_ASSET=${ATTN_WITH_GPT2_ASSET}"
  -P "${CMAKE_CURRENT_LIST_DIR}/consumer_test_run.cmake")
set_tests_properties(cpp_consumer PROPERTIES TIMEOUT 300 LABELS consumer)
