#!/usr/bin/env bash
# `make bench`: side-by-side benchmarks on this machine, one run.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
exec python3 "$root/bench/wordcount_bench.py" --build "$root/$build"
