# CMake toolchain for WebAssembly builds without the emcmake wrapper (the wasm presets name this file).
# Finds Emscripten from $EMSCRIPTEN or em++ on PATH, includes its own toolchain file, and fixes what a plain
# `cmake --preset wasm-release` would otherwise miss: a Node emulator that accepts the given flags (emcmake's
# default passes --experimental-wasm-threads, which Node 20 refuses) and, for Debian's packaged Emscripten,
# NODE_PATH to Debian's node modules (its JS optimizer needs acorn from there) at compile and link time.
if(DEFINED ENV{EMSCRIPTEN} AND EXISTS "$ENV{EMSCRIPTEN}/cmake/Modules/Platform/Emscripten.cmake")
  set(attn_emscripten_root "$ENV{EMSCRIPTEN}")
else()
  find_program(attn_empp em++ REQUIRED)
  get_filename_component(attn_empp "${attn_empp}" REALPATH)
  get_filename_component(attn_emscripten_root "${attn_empp}" DIRECTORY)
endif()
set(attn_emscripten_toolchain "${attn_emscripten_root}/cmake/Modules/Platform/Emscripten.cmake")
if(NOT EXISTS "${attn_emscripten_toolchain}")
  message(FATAL_ERROR "Emscripten's toolchain file not found at ${attn_emscripten_toolchain}; set EMSCRIPTEN to the SDK folder")
endif()

find_program(attn_node NAMES node nodejs REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR "${attn_node};--no-experimental-fetch" CACHE STRING "runs wasm test programs")
include("${attn_emscripten_toolchain}")

if(EXISTS /usr/share/nodejs/acorn)
  set(attn_env_launcher "${CMAKE_COMMAND};-E;env;NODE_PATH=/usr/share/nodejs")
  set(CMAKE_CXX_COMPILER_LAUNCHER "${attn_env_launcher}" CACHE STRING "")
  set(CMAKE_CXX_LINKER_LAUNCHER "${attn_env_launcher}" CACHE STRING "")
endif()
