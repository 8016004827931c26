#!/usr/bin/env bash
# `npm run bench [-- --quick]`: builds the wasm package (dist/), the native benchmarks (build-bench/native, a separate
# CMake project in bench/), the wasm roofline probe (a target of the wasm build), installs the peers into bench/node_modules, then runs
# bench/run.mjs, which prints one table and writes build-bench/results.json.
# Options: --quick (or ATTN_BENCH_QUICK=1): S in {128, 1024}; --no-native; --no-peers; --no-build (reuse builds).
# The GPT-2 sections: bench/gpt2.mjs (native, F32 and F16 weights) and bench/gpt2-wasm.mjs (wasm vs onnxruntime-web).
# Not set-up: tools/setup.sh installs the toolchain first (it is run here only if emcc is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${ATTN_JOBS:-2}
build=1
run_args=()
for a in "$@"; do
  case "$a" in
    --no-build) build=0 ;;
    --quick|--no-native|--no-peers) run_args+=("$a") ;;
    *) echo "bench.sh: unknown option $a (use --quick, --no-native, --no-peers, --no-build)" >&2; exit 2 ;;
  esac
done
native=1
for a in "${run_args[@]+"${run_args[@]}"}"; do [ "$a" = --no-native ] && native=0; done
mkdir -p build-bench

if [ "$build" = 1 ]; then
  command -v emcc >/dev/null || bash tools/setup.sh
  echo "== build: wasm package (dist/)" >&2
  bash tools/build.sh wasm-release wasm-mt-release >&2
  if [ "$native" = 1 ]; then
    echo "== build: native benchmarks (build-bench/native)" >&2
    log=$(mktemp)
    if ! cmake -S bench -B build-bench/native -G Ninja -DCMAKE_BUILD_TYPE=Release >"$log" 2>&1; then cat "$log" >&2; rm -f "$log"; exit 1; fi
    rm -f "$log"
    cmake --build build-bench/native -j "$JOBS" --target attn_bench attn_roofline attn_threads tokenizer_bench gpt2_native train_native >&2
  fi
  echo "== build: wasm roofline probe (build-wasm/bench)" >&2
  cmake --build build-wasm -j "$JOBS" --target attn_roofline_wasm >&2
fi

if [[ " ${run_args[*]+"${run_args[*]}"} " != *" --no-peers "* ]]; then
  echo "== peers: bench/node_modules" >&2
  stamp=bench/node_modules/.bench-installed
  if [ ! -f "$stamp" ] || [ bench/package-lock.json -nt "$stamp" ]; then
    npm ci --prefix bench --no-audit --no-fund --ignore-scripts >&2
    touch "$stamp"
  fi
fi

echo "== run" >&2
node --expose-gc --max-old-space-size=8192 bench/run.mjs "${run_args[@]+"${run_args[@]}"}"
if [[ " ${run_args[*]+"${run_args[*]}"} " != *" --no-native "* ]]; then
  node bench/threads.mjs
  echo
  echo "GPT-2 tokenizer throughput on the same 4 MB of mixed text (wasm and JS peers in Node, then native):"
  node bench/tokenizer.bench.mjs 4 build-wasm --dump build-bench/tokenizer-text.txt
  ATTN_BENCH_TEXT=build-bench/tokenizer-text.txt build-bench/native/tokenizer_bench --benchmark_format=console 2>&1 | grep -E '^BM_'
  echo
  node bench/gpt2.mjs "${run_args[@]+"${run_args[@]}"}"
  echo
  echo "The trainer on the shipped model's shape (native, 1 and 2 threads; then live training in wasm):"
  build-bench/native/train_native $([[ " ${run_args[*]+"${run_args[*]}"} " == *" --quick "* ]] && echo --quick)
  node bench/train.mjs
fi
if [[ " ${run_args[*]+"${run_args[*]}"} " != *" --no-peers "* ]]; then
  echo
  # GPT-2 in wasm against onnxruntime-web on the same model (prefill 128, decode at 128 and 1,024; ~3 min).
  node --expose-gc --max-old-space-size=8192 bench/gpt2-wasm.mjs $([[ " ${run_args[*]+"${run_args[*]}"} " == *" --quick "* ]] && echo --quick)
fi
