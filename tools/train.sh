#!/usr/bin/env bash
# `npm run train [-- more train_gpt2 options]`: builds train_gpt2 (native-release) and trains the shipped model
# web/models/tiny-tutor.safetensors with the configuration in tools/train/tiny-tutor.args (the one place it is
# decided). Resumable: interrupted, run it again and it continues from build-train/tiny-tutor.state to the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh >&2
cmake --preset native-release >/dev/null
cmake --build --preset native-release -j "${ATTN_JOBS:-2}" --target train_gpt2 >&2
mkdir -p build-train
# shellcheck disable=SC2046  # the args file is whitespace-separated options
exec build-native/tools/train/train_gpt2 $(grep -v '^#' tools/train/tiny-tutor.args) \
  --out web/models/tiny-tutor.safetensors --state build-train/tiny-tutor.state --log build-train/tiny-tutor.jsonl "$@"
