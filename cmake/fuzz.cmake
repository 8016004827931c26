# libFuzzer targets (tests/fuzz/fuzz_*.cpp) and a bounded CTest run of each (native only): the tokenizer (needs the
# GPT-2 asset as its vocabulary) and the safetensors reader.
# Not built with the project's compiler: libFuzzer needs clang (-fsanitize=fuzzer), so a custom command calls clang++;
# the sanitizers are compiled into the fuzzer itself (ATTN_SANITIZE, which affects g++ targets, does not matter).
if(EMSCRIPTEN OR CMAKE_CROSSCOMPILING OR NOT ATTN_BUILD_TESTS)
  return()
endif()
option(ATTN_FUZZ "build the fuzzers with clang++ and run them as CTest tests" ON)
set(ATTN_FUZZ_SECONDS 20 CACHE STRING "how long each fuzz CTest test fuzzes")
if(NOT ATTN_FUZZ)
  return()
endif()
find_program(ATTN_FUZZ_CLANGXX NAMES clang++-14 clang++)
if(NOT ATTN_FUZZ_CLANGXX)
  message(STATUS "fuzz: no clang++ found; the fuzzers are not built")
  return()
endif()
enable_testing()

# attn_add_fuzzer(<name> LAYERS <src/attn/ folders> SEEDS <dir> MAX_LEN <bytes> [DEFINES …] [DEPENDS targets…])
function(attn_add_fuzzer name)
  cmake_parse_arguments(ARG "" "SEEDS;MAX_LEN" "LAYERS;DEFINES;DEPENDS" ${ARGN})
  set(sources "${PROJECT_SOURCE_DIR}/tests/fuzz/${name}.cpp")
  set(headers "")
  foreach(layer ${ARG_LAYERS})
    file(GLOB layer_sources CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/src/attn/${layer}/*.cpp")
    file(GLOB layer_headers CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/src/attn/${layer}/*.hpp")
    list(APPEND sources ${layer_sources})
    list(APPEND headers ${layer_headers})
  endforeach()
  set(work "${PROJECT_BINARY_DIR}/fuzz/${name}-work")
  file(MAKE_DIRECTORY "${work}/corpus" "${work}/artifacts")
  set(bin "${PROJECT_BINARY_DIR}/fuzz/${name}")
  list(TRANSFORM ARG_DEFINES PREPEND "-D" OUTPUT_VARIABLE defines)
  add_custom_command(
    OUTPUT "${bin}"
    COMMAND "${ATTN_FUZZ_CLANGXX}" -std=c++17 -O1 -g -fno-omit-frame-pointer
            -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
            "-I${PROJECT_SOURCE_DIR}/src" ${defines} ${sources} -o "${bin}"
    DEPENDS ${sources} ${headers} "${PROJECT_SOURCE_DIR}/src/attn/core/status.hpp"
    COMMENT "fuzz: building ${name} with ${ATTN_FUZZ_CLANGXX} (libFuzzer + ASan + UBSan)"
    VERBATIM)
  add_custom_target(${name} ALL DEPENDS "${bin}" ${ARG_DEPENDS})
  # Seeds are read-only; new inputs go to the build folder's corpus, crashes to artifacts/.
  add_test(NAME ${name}
    COMMAND "${bin}" "-max_total_time=${ATTN_FUZZ_SECONDS}" "-max_len=${ARG_MAX_LEN}" -rss_limit_mb=2048
            -print_final_stats=1 "-artifact_prefix=${work}/artifacts/" "${work}/corpus" "${ARG_SEEDS}")
  set_tests_properties(${name} PROPERTIES TIMEOUT 180 LABELS fuzz)
endfunction()

if(ATTN_WITH_GPT2_ASSET)
  attn_add_fuzzer(fuzz_tokenizer LAYERS tokenizer SEEDS "${PROJECT_SOURCE_DIR}/tests/fuzz/seeds" MAX_LEN 4096
    DEFINES "ATTN_GPT2_ASSET=\"${ATTN_GPT2_ASSET_FILE}\"" DEPENDS attn_gpt2_asset)
endif()
attn_add_fuzzer(fuzz_safetensors LAYERS io SEEDS "${PROJECT_SOURCE_DIR}/tests/fuzz/seeds-safetensors" MAX_LEN 4096)
