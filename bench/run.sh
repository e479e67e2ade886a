#!/usr/bin/env bash
# `make bench`: side-by-side benchmarks on this machine, one run.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
python3 "$root/bench/wordcount_bench.py" --build "$root/$build"
echo
python3 "$root/bench/bus_bench.py" --build "$root/$build"
# Any further benchmark (e.g. import_bench.py) takes the same --build flag.
for extra in "$root"/bench/*_bench.py; do
  case "$(basename "$extra")" in wordcount_bench.py|bus_bench.py) continue ;; esac
  echo
  python3 "$extra" --build "$root/$build"
done
