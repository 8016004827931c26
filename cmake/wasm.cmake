# The WebAssembly module (attn.mjs + attn.wasm) and the npm package folder dist/ assembled from it.
# Not the JS API itself (wasm/*.js) — this only builds and copies.
# The threaded variant (ATTN_WASM_PTHREADS) is attn_mt.mjs + .wasm + .worker.js in dist/mt/, beside the main one.
set(ATTN_DIST_DIR "${PROJECT_SOURCE_DIR}/dist" CACHE PATH "where the npm package files are assembled")

file(GLOB ATTN_BIND_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/wasm/*.cpp)
add_executable(attn_wasm ${ATTN_BIND_SOURCES})
target_link_libraries(attn_wasm PRIVATE attn)
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
  # The pthread worker script is CommonJS; a package.json beside it keeps the package's "type": "module" away.
  file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/mt-package.json "{ \"type\": \"commonjs\" }\n")
  set(ATTN_MT_FILES attn_mt.mjs attn_mt.wasm attn_mt.worker.js)
  list(TRANSFORM ATTN_MT_FILES PREPEND ${ATTN_DIST_DIR}/mt/ OUTPUT_VARIABLE ATTN_MT_OUTPUTS)
  add_custom_command(OUTPUT ${ATTN_MT_OUTPUTS} ${ATTN_DIST_DIR}/mt/package.json
    DEPENDS attn_wasm
    COMMAND ${CMAKE_COMMAND} -E make_directory ${ATTN_DIST_DIR}/mt
    COMMAND ${CMAKE_COMMAND} -E copy $<TARGET_FILE_DIR:attn_wasm>/attn_mt.mjs $<TARGET_FILE_DIR:attn_wasm>/attn_mt.wasm
            $<TARGET_FILE_DIR:attn_wasm>/attn_mt.worker.js ${ATTN_DIST_DIR}/mt/
    COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_CURRENT_BINARY_DIR}/mt-package.json ${ATTN_DIST_DIR}/mt/package.json)
  add_custom_target(attn_dist ALL DEPENDS ${ATTN_MT_OUTPUTS} ${ATTN_DIST_DIR}/mt/package.json)
  return()
endif()
set_target_properties(attn_wasm PROPERTIES OUTPUT_NAME attn SUFFIX ".mjs")

# dist/: the package's runtime files, copied whenever the module or a JS file changes.
file(GLOB ATTN_JS_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/wasm/*.js ${PROJECT_SOURCE_DIR}/wasm/*.d.ts)
list(REMOVE_ITEM ATTN_JS_SOURCES "${ATTN_SHIM}")
set(ATTN_DIST_FILES)
foreach(f ${ATTN_JS_SOURCES})
  get_filename_component(name ${f} NAME)
  add_custom_command(OUTPUT ${ATTN_DIST_DIR}/${name} DEPENDS ${f}
    COMMAND ${CMAKE_COMMAND} -E copy ${f} ${ATTN_DIST_DIR}/${name})
  list(APPEND ATTN_DIST_FILES ${ATTN_DIST_DIR}/${name})
endforeach()
add_custom_command(OUTPUT ${ATTN_DIST_DIR}/attn.mjs ${ATTN_DIST_DIR}/attn.wasm
  DEPENDS attn_wasm
  COMMAND ${CMAKE_COMMAND} -E make_directory ${ATTN_DIST_DIR}
  COMMAND ${CMAKE_COMMAND} -E copy $<TARGET_FILE_DIR:attn_wasm>/attn.mjs $<TARGET_FILE_DIR:attn_wasm>/attn.wasm ${ATTN_DIST_DIR}/)
list(APPEND ATTN_DIST_FILES ${ATTN_DIST_DIR}/attn.mjs ${ATTN_DIST_DIR}/attn.wasm)
if(TARGET attn_gpt2_asset)
  add_custom_command(OUTPUT ${ATTN_DIST_DIR}/gpt2-bpe.bin DEPENDS attn_gpt2_asset ${PROJECT_BINARY_DIR}/gpt2-bpe.bin
    COMMAND ${CMAKE_COMMAND} -E copy ${PROJECT_BINARY_DIR}/gpt2-bpe.bin ${ATTN_DIST_DIR}/gpt2-bpe.bin)
  list(APPEND ATTN_DIST_FILES ${ATTN_DIST_DIR}/gpt2-bpe.bin)
endif()
add_custom_target(attn_dist ALL DEPENDS ${ATTN_DIST_FILES})
