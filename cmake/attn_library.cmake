# attn_add_library(<layer> SOURCES ... [DEPS ...] [PRIVATE_DEPS ...]): one layer of the C++ library.
# Makes the static library attn_<layer> (alias attn::<layer>, exported as attention-wasm::<layer>) whose headers are
# included as <attn/<layer>/...>: the include root is src/ in the build tree and include/ once installed.
# Not a place for flags: warnings come from cmake/warnings.cmake, arch flags from the layer's own CMakeLists.
include_guard(GLOBAL)
set_property(GLOBAL PROPERTY ATTN_LIBRARY_TARGETS "")

function(attn_add_library layer)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  set(target attn_${layer})
  add_library(${target} STATIC ${ARG_SOURCES})
  add_library(attn::${layer} ALIAS ${target})
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/src>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_compile_features(${target} PUBLIC cxx_std_17)
  target_link_libraries(${target} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${layer})
  attn_warnings(${target})
  set_property(GLOBAL APPEND PROPERTY ATTN_LIBRARY_TARGETS ${target})
endfunction()
