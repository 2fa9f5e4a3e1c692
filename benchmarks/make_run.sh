#!/usr/bin/env bash
# Wall time of `make run` on a fresh clone (venv creation and install included, then a second
# `make run` with the venv in place), and the Prefect start-up share that cninet reports.
#   bash benchmarks/make_run.sh
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
git clone -q "$src" "$dir/cninet"
cd "$dir/cninet"
export PREFECT_HOME="$dir/prefect-home"   # a first start, as on a fresh machine
for label in "fresh clone (installs .venv)" "second run (venv ready, tables unchanged)"; do
  start=$(date +%s.%N)
  make run > run.log 2>&1
  end=$(date +%s.%N)
  printf '%s: make run wall %.1f s; cninet says: %s\n' "$label" \
    "$(echo "$end - $start" | bc)" "$(grep -o 'wall .*start-up [0-9.]* s' run.log)"
done
