# libFuzzer target for the tokenizer (tests/fuzz/fuzz_tokenizer.cpp) and a bounded CTest run of it (native only).
# Not built with the project's compiler: libFuzzer needs clang (-fsanitize=fuzzer), so a custom command calls clang++.
# Needs the GPT-2 asset (cmake/gpt2_asset.cmake) as its vocabulary.
if(EMSCRIPTEN OR CMAKE_CROSSCOMPILING OR NOT ATTN_BUILD_TESTS OR NOT ATTN_WITH_GPT2_ASSET)
  return()
endif()
option(ATTN_FUZZ "build the tokenizer fuzzer with clang++ and run it as a CTest test" ON)
set(ATTN_FUZZ_SECONDS 25 CACHE STRING "how long the fuzz_tokenizer CTest test fuzzes")
if(NOT ATTN_FUZZ)
  return()
endif()
find_program(ATTN_FUZZ_CLANGXX NAMES clang++-14 clang++)
if(NOT ATTN_FUZZ_CLANGXX)
  message(STATUS "fuzz: no clang++ found; fuzz_tokenizer is not built")
  return()
endif()
# The sanitizers are compiled into the fuzzer itself; ATTN_SANITIZE (which only affects g++ targets) does not matter.
file(GLOB ATTN_FUZZ_TOK_SOURCES CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/src/attn/tokenizer/*.cpp")
set(ATTN_FUZZ_BIN "${PROJECT_BINARY_DIR}/fuzz/fuzz_tokenizer")
file(MAKE_DIRECTORY "${PROJECT_BINARY_DIR}/fuzz")
add_custom_command(
  OUTPUT "${ATTN_FUZZ_BIN}"
  COMMAND "${ATTN_FUZZ_CLANGXX}" -std=c++17 -O1 -g -fno-omit-frame-pointer
          -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
          "-I${PROJECT_SOURCE_DIR}/src" "-DATTN_GPT2_ASSET=\"${ATTN_GPT2_ASSET_FILE}\""
          "${PROJECT_SOURCE_DIR}/tests/fuzz/fuzz_tokenizer.cpp" ${ATTN_FUZZ_TOK_SOURCES}
          -o "${ATTN_FUZZ_BIN}"
  DEPENDS "${PROJECT_SOURCE_DIR}/tests/fuzz/fuzz_tokenizer.cpp" ${ATTN_FUZZ_TOK_SOURCES}
          "${PROJECT_SOURCE_DIR}/src/attn/tokenizer/bpe.hpp" "${PROJECT_SOURCE_DIR}/src/attn/tokenizer/pretokenize.hpp"
          "${PROJECT_SOURCE_DIR}/src/attn/tokenizer/unicode.hpp" "${PROJECT_SOURCE_DIR}/src/attn/core/status.hpp"
  COMMENT "fuzz: building fuzz_tokenizer with ${ATTN_FUZZ_CLANGXX} (libFuzzer + ASan + UBSan)"
  VERBATIM)
add_custom_target(fuzz_tokenizer ALL DEPENDS "${ATTN_FUZZ_BIN}" attn_gpt2_asset)

enable_testing()
set(ATTN_FUZZ_WORK "${PROJECT_BINARY_DIR}/fuzz")
file(MAKE_DIRECTORY "${ATTN_FUZZ_WORK}/corpus" "${ATTN_FUZZ_WORK}/artifacts")
# Seeds come from tests/fuzz/seeds (read-only); new inputs go to the build folder's corpus, crashes to artifacts/.
add_test(NAME fuzz_tokenizer
  COMMAND "${ATTN_FUZZ_BIN}" "-max_total_time=${ATTN_FUZZ_SECONDS}" -max_len=4096 -rss_limit_mb=2048 -print_final_stats=1
          "-artifact_prefix=${ATTN_FUZZ_WORK}/artifacts/" "${ATTN_FUZZ_WORK}/corpus" "${PROJECT_SOURCE_DIR}/tests/fuzz/seeds")
set_tests_properties(fuzz_tokenizer PROPERTIES TIMEOUT 180 LABELS fuzz)
