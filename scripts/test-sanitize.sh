#!/usr/bin/env bash
# make test-sanitize (also run by make test): with the runtime built with ASan
# and UBSan (SAN_BUILD, default build-sanitize), its unit tests, then a fast
# subset of golden, recovery and strict cases whose programs streamc (from
# BUILD) compiles with clang and the same sanitizers against that runtime,
# JOBS (default 2) at a time. Any sanitizer report stops the process it is
# in, so it fails the case.
set -euo pipefail
san=$(cd "${1:-build-sanitize}" && pwd)
build=$(cd "${2:-build}" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

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

# Each of these is a job; JOBS (default 2) run at once, each job's output
# printed whole when it ends. The cases' programs compile in one cache.
jobs=("unit")
for c in json_on_error json_on_error_fail json_arrays group_state_sessions json_lines_threads bus_flatten csv_on_error \
  wordcount_socket join_table windowed_update stream_join_left files_in_pieces; do jobs+=("golden $c"); done
for c in test_damaged_checkpoint_files_are_named test_restart_continues_batch_ids_and_state; do jobs+=("recovery $c"); done
for c in files_oversized_records socket_oversized_line_under_fail; do jobs+=("strict $c"); done

# The interpreter itself, not a launcher such as pyenv's shim (half a second of CPU a run).
python=$(python3 -c 'import sys; print(sys.executable)')

run_job() {
  local suite=$1 name=${2:-} out rc
  if [ "$suite" = unit ]; then
    out=$("$san/tests/runtime_tests" --gtest_brief=1 2>&1)
  else
    out=$("$python" "$root/tests/$suite/run.py" "$name" 2>&1)
  fi
  rc=$?
  printf '== %s (ASan + UBSan)\n%s\n' "${name:-runtime unit tests}" "$out"
  return $rc
}
export -f run_job
export san root python
failed=0
printf '%s\n' "${jobs[@]}" | xargs -P "${JOBS:-2}" -I{} bash -c 'run_job {}' || failed=1
if [ $failed -ne 0 ]; then
  echo "sanitizer subset: a job failed (above)"
  exit 1
fi
echo "sanitizer subset: ${#jobs[@]} jobs passed"
