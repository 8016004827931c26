# Script of the cpp_consumer test (cmake/consumer_test.cmake): install, configure examples/cpp with the prefix,
# build, run. Fails with the step's output when a step fails or the example did not use the installed package.
function(step name)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cpp_consumer: ${name} failed (${rc}):\n${out}\n${err}")
  endif()
  set(step_output "${out}${err}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
step(install "${CMAKE_COMMAND}" --install "${BINARY_DIR}" --prefix "${prefix}")
step(configure "${CMAKE_COMMAND}" -S "${SOURCE_DIR}/examples/cpp" -B "${WORK_DIR}/build" -G "${GENERATOR}"
  "-DCMAKE_CXX_COMPILER=${CXX}" "-DCMAKE_PREFIX_PATH=${prefix}" -DCMAKE_BUILD_TYPE=Release)
if(NOT step_output MATCHES "found installed in ${prefix}")
  message(FATAL_ERROR "cpp_consumer: examples/cpp did not find the installed package:\n${step_output}")
endif()
if(EXISTS "${prefix}/include/attn/kernels/simd")
  message(FATAL_ERROR "cpp_consumer: internal SIMD headers were installed")
endif()
step(build "${CMAKE_COMMAND}" --build "${WORK_DIR}/build")
execute_process(COMMAND "${WORK_DIR}/build/attention_example" "The cat sat on the mat."
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(WITH_ASSET)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "tokens \\(7\\):")
    message(FATAL_ERROR "cpp_consumer: the example failed (${rc}):\n${out}\n${err}")
  endif()
elseif(NOT rc EQUAL 2)
  message(FATAL_ERROR "cpp_consumer: without an asset the example should say so and exit 2, got ${rc}:\n${out}\n${err}")
endif()
# The GPT-2 example on the committed tiny model.
execute_process(COMMAND "${WORK_DIR}/build/attention_generate" "${SOURCE_DIR}/tests/data/gpt2-tiny-f32.safetensors"
  RESULT_VARIABLE rc OUTPUT_VARIABLE gen ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT gen MATCHES "greedy [0-9]+ [0-9]+" OR NOT gen MATCHES "layer 1, last token:")
  message(FATAL_ERROR "cpp_consumer: attention_generate failed (${rc}):\n${gen}\n${err}")
endif()
# The training example, a few steps of it (the full minute is for people).
if(WITH_ASSET)
  execute_process(COMMAND "${WORK_DIR}/build/attention_train_tiny" "${prefix}/share/attention-wasm/gpt2-bpe.bin" 30
                          "${WORK_DIR}/tiny.safetensors"
    RESULT_VARIABLE rc OUTPUT_VARIABLE trained ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT trained MATCHES "step 30 loss" OR NOT EXISTS "${WORK_DIR}/tiny.safetensors")
    message(FATAL_ERROR "cpp_consumer: attention_train_tiny failed (${rc}):\n${trained}\n${err}")
  endif()
endif()
message(STATUS "cpp_consumer: ok\n${out}\n${gen}\n${trained}")
