# `cmake --install`: headers under include/attn/, one static library per layer, and the CMake package
# attention-wasm (targets attention-wasm::core, ::kernels, ::attention, ::model, ::tokenizer and ::attn).
# xsimd is private to the kernels, so consumers need only a C++17 compiler and Threads.
include(CMakePackageConfigHelpers)

install(DIRECTORY "${PROJECT_SOURCE_DIR}/src/attn" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
  FILES_MATCHING PATTERN "*.hpp" PATTERN "simd" EXCLUDE)
get_property(attn_targets GLOBAL PROPERTY ATTN_LIBRARY_TARGETS)
install(TARGETS ${attn_targets} EXPORT attention-wasm-targets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
  INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
if(ATTN_WITH_GPT2_ASSET)
  install(FILES "${ATTN_GPT2_ASSET_FILE}" DESTINATION "${CMAKE_INSTALL_DATADIR}/attention-wasm")
endif()

set(config_dir "${CMAKE_INSTALL_LIBDIR}/cmake/attention-wasm")
install(EXPORT attention-wasm-targets NAMESPACE attention-wasm:: DESTINATION "${config_dir}")
configure_package_config_file("${CMAKE_CURRENT_LIST_DIR}/attention-wasm-config.cmake.in"
  "${PROJECT_BINARY_DIR}/attention-wasm-config.cmake" INSTALL_DESTINATION "${config_dir}"
  PATH_VARS CMAKE_INSTALL_DATADIR)
write_basic_package_version_file("${PROJECT_BINARY_DIR}/attention-wasm-config-version.cmake"
  COMPATIBILITY SameMinorVersion)  # 0.x: a minor version may change the API
install(FILES "${PROJECT_BINARY_DIR}/attention-wasm-config.cmake" "${PROJECT_BINARY_DIR}/attention-wasm-config-version.cmake"
  DESTINATION "${config_dir}")
