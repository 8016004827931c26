#!/usr/bin/env bash
# Configures and builds CMake presets (default: all four); the wasm ones go through emcmake.
# Not set-up: tools/setup.sh installs the toolchain first.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}  # Debian's emscripten needs Debian's acorn
presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(native-release native-asan wasm-release wasm-mt-release)
for preset in "${presets[@]}"; do
  echo "== build $preset"
  log=$(mktemp)
  configure=(cmake --preset "$preset")
  [[ $preset == wasm-* ]] && configure=(emcmake "${configure[@]}")
  if ! "${configure[@]}" >"$log" 2>&1; then cat "$log"; rm -f "$log"; exit 1; fi
  rm -f "$log"
  cmake --build --preset "$preset" -j "${ATTN_JOBS:-2}"
done
