#!/usr/bin/env bash
# `npm start`: set up the machine if needed, build the wasm package, serve the demo (arguments go to serve.mjs,
# e.g. `npm start -- --port 9000`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/build.sh wasm-release wasm-mt-release
exec node tools/serve.mjs "$@"
