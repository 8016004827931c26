#!/usr/bin/env bash
# Configures and builds CMake presets (default: all four), then assembles dist/ when a wasm preset was built.
# Not set-up: tools/setup.sh installs the toolchain first.
set -euo pipefail
cd "$(dirname "$0")/.."
presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(native-release native-asan wasm-release wasm-mt-release)
wasm=0
for preset in "${presets[@]}"; do
  echo "== build $preset"
  log=$(mktemp)
  if ! cmake --preset "$preset" >"$log" 2>&1; then cat "$log"; rm -f "$log"; exit 1; fi
  rm -f "$log"
  cmake --build --preset "$preset" -j "${ATTN_JOBS:-2}"
  [[ $preset == wasm-release ]] && wasm=1
done
if [ "$wasm" = 1 ]; then node tools/assemble-dist.mjs; fi
