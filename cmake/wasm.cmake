# The WebAssembly module: attn.mjs + attn.wasm (or, with ATTN_WASM_PTHREADS, attn_mt.mjs + .wasm + .worker.js) in
# the build folder, plus the wasm roofline probe for the benchmarks (target attn_roofline_wasm, not built by default).
# Not the JS API (wasm/*.js) and not the npm package folder: tools/assemble-dist.mjs makes dist/ from build folders.
file(GLOB ATTN_BIND_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/wasm/*.cpp)
add_executable(attn_wasm ${ATTN_BIND_SOURCES})
target_link_libraries(attn_wasm PRIVATE attn attn::tokenizer attn::train)
attn_warnings(attn_wasm)
set(ATTN_SHIM "${PROJECT_SOURCE_DIR}/wasm/node-esm-shim.js")
target_link_options(attn_wasm PRIVATE
  --bind -O3
  -sMODULARIZE=1 -sEXPORT_ES6=1 -sEXPORT_NAME=createAttnModule
  -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=16MB
  -sENVIRONMENT=web,worker,node
  -sEXPORTED_FUNCTIONS=_malloc,_free
  -sNODEJS_CATCH_EXIT=0 -sNODEJS_CATCH_REJECTION=0
  "--extern-pre-js=${ATTN_SHIM}")
set_property(TARGET attn_wasm APPEND PROPERTY LINK_DEPENDS "${ATTN_SHIM}")
if(ATTN_WASM_PTHREADS)
  target_link_options(attn_wasm PRIVATE -pthread -sPTHREAD_POOL_SIZE=${ATTN_WASM_POOL_SIZE} -Wno-pthreads-mem-growth)
  set_target_properties(attn_wasm PROPERTIES OUTPUT_NAME attn_mt SUFFIX ".mjs")
else()
  set_target_properties(attn_wasm PROPERTIES OUTPUT_NAME attn SUFFIX ".mjs")
endif()
if(TARGET attn_gpt2_asset)
  add_dependencies(attn_wasm attn_gpt2_asset)  # the package ships it beside the module
endif()

# Roofline probe: the f32x4 multiply-add peak and read bandwidth of this wasm engine (bench/run.mjs).
# CommonJS (.cjs: the repo's package.json says "type": "module"); run.mjs passes wasmBinary itself.
add_executable(attn_roofline_wasm EXCLUDE_FROM_ALL ${PROJECT_SOURCE_DIR}/bench/roofline_wasm.cpp)
target_link_libraries(attn_roofline_wasm PRIVATE $<BUILD_INTERFACE:xsimd>)
set_target_properties(attn_roofline_wasm PROPERTIES OUTPUT_NAME roofline_wasm SUFFIX ".js"
  RUNTIME_OUTPUT_DIRECTORY "${PROJECT_BINARY_DIR}/bench")
target_link_options(attn_roofline_wasm PRIVATE -O3
  -sMODULARIZE=1 -sEXPORT_NAME=createRoofline -sENVIRONMENT=node -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=2GB
  -sEXPORTED_FUNCTIONS=_peak_f32x4,_peak_f32x4_forms,_peak_f32x4_flops,_peak_f32x4_name,_alloc_floats,_free_floats,_read_f32x4
  -sEXPORTED_RUNTIME_METHODS=UTF8ToString)
add_custom_command(TARGET attn_roofline_wasm POST_BUILD
  COMMAND ${CMAKE_COMMAND} -E copy "${PROJECT_BINARY_DIR}/bench/roofline_wasm.js" "${PROJECT_BINARY_DIR}/bench/roofline_wasm.cjs")
