#!/usr/bin/env bash
# make test-sanitize (also run by make test): with the runtime built with ASan
# and UBSan (SAN_BUILD, default build-sanitize), its unit tests, then a fast
# subset of golden, recovery and strict cases whose programs streamc (from
# BUILD) compiles with clang and the same sanitizers against that runtime.
# Any sanitizer report stops the process it is in, so it fails the case.
set -euo pipefail
san=$(cd "${1:-build-sanitize}" && pwd)
build=$(cd "${2:-build}" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

echo "== runtime unit tests (ASan + UBSan)"
"$san/tests/runtime_tests" --gtest_brief=1

# An install-shaped prefix (STREAMC_HOME) holding the sanitized runtime, so
# that streamc links programs against it; CXX adds the sanitizers.
home="$san/home"
rm -rf "$home"
mkdir -p "$home/include/streamc" "$home/lib/streamc"
ln -s "$root/runtime/include/streamc/"* "$home/include/streamc/"
ln -s "$root/stdlib/streamc/stdlib" "$home/include/streamc/stdlib"
ln -s "$san/runtime/libstreamc_runtime.a" "$home/lib/streamc/libstreamc_runtime.a"
export STREAMC_HOME="$home" CXX="$root/scripts/sanitize-cxx"
export STREAMC="$build/compiler/streamc" STREAMC_SOURCE_DIR="$root" STREAMC_TEST_WORK="$san/test-work"

echo "== golden subset (ASan + UBSan)"
python3 "$root/tests/golden/run.py" json_on_error json_on_error_fail json_arrays group_state_sessions json_lines_threads bus_flatten csv_on_error \
  wordcount_socket join_table windowed_update stream_join_left files_in_pieces
echo "== recovery subset (ASan + UBSan)"
python3 "$root/tests/recovery/run.py" test_damaged_checkpoint_files_are_named test_restart_continues_batch_ids_and_state
echo "== strict subset (ASan + UBSan)"
python3 "$root/tests/strict/run.py" files_oversized_records socket_oversized_line_under_fail
