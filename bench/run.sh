#!/usr/bin/env bash
# `make bench`: side-by-side benchmarks on this machine, one run.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
python3 "$root/bench/wordcount_bench.py" --build "$root/$build"
echo
python3 "$root/bench/bus_bench.py" --build "$root/$build"
for extra in "$root"/bench/*_bench.sh; do
  [ -e "$extra" ] || continue
  echo
  bash "$extra" "$root/$build"
done
