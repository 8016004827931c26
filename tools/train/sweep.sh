#!/usr/bin/env bash
# Offline sweep (not in CI): trains each configuration below that tools/train/sweep-results.jsonl does not hold yet
# and appends its line (options, seconds, tokens/s, held-out loss, every head's scores) as soon as it finishes, so
# an interrupted sweep loses at most the run in flight. tools/train/sweep-pick.mjs ranks the results.
#   bash tools/train/sweep.sh [filter]   # filter: run only configurations whose name contains it
set -euo pipefail
cd "$(dirname "$0")/../.."
results=tools/train/sweep-results.jsonl
cmake --preset native-release >/dev/null
cmake --build --preset native-release -j "${ATTN_JOBS:-2}" --target train_gpt2 >&2
mkdir -p build-train/sweep
touch "$results"
for seed in 1 2 3; do  # one seed of every shape first: an interrupted sweep has still seen each shape
  for heads in 4 8; do
    for layers in 3 2; do
      name="L${layers}-H${heads}-seed${seed}"
      [[ -n "${1:-}" && "$name" != *"$1"* ]] && continue
      grep -q "\"name\": \"$name\"" "$results" && continue
      opts="--layers $layers --heads $heads --d-model 128 --seq 128 --batch 8 --steps 16000 --warmup 200 --lr 3e-3 --seed $seed --corpus-seed 1 --threads 2"
      echo "== $name: $opts" >&2
      # shellcheck disable=SC2086
      summary=$(build-native/tools/train/train_gpt2 $opts --out "build-train/sweep/$name.safetensors" \
        --state "build-train/sweep/$name.state" --log "build-train/sweep/$name.jsonl")
      echo "{\"name\": \"$name\", \"options\": \"$opts\", \"summary\": $summary}" >>"$results"
    done
  done
done
node tools/train/sweep-pick.mjs "$results"
