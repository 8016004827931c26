#!/usr/bin/env bash
# `npm test`: set up the machine if needed, build every preset, run native (ctest, release + sanitizers),
# the aarch64 cross build's tests under qemu-user, Node and browser tests. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/build.sh native-release native-asan aarch64-release wasm-release wasm-mt-release
echo "== native tests (release)"
ctest --preset native-release
echo "== native tests (AddressSanitizer + UBSan)"
ctest --preset native-asan
echo "== native tests (aarch64 NEON build, every test, under qemu-aarch64)"
ctest --preset aarch64-release
echo "== node and browser tests"
node --test --test-force-exit --test-timeout=300000 tests/node/ tests/e2e/
