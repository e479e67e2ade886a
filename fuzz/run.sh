#!/usr/bin/env bash
# make fuzz FUZZ_SECONDS=N: runs every libFuzzer target for N seconds, one
# after another (one job each, niced: the machine is shared), on a copy of
# its seed corpus (fuzz/corpus/<target>) in BUILD/fuzz-corpus, so what it
# finds to keep does not touch the repository. A crash, a sanitizer report
# or an uncaught exception leaves the input in BUILD/fuzz-findings/<target>
# and makes the run fail (turn each into a regression test).
set -uo pipefail
build=${1:?usage: run.sh BUILD SECONDS [TARGET ...]}
seconds=${2:?usage: run.sh BUILD SECONDS [TARGET ...]}
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(json_decode csv_decode checkpoint_files manifest changelog_cache sdl_frontend lsp_message)
failed=()
for t in "${targets[@]}"; do
  corpus="$build/fuzz-corpus/$t"
  findings="$build/fuzz-findings/$t"
  mkdir -p "$corpus" "$findings"
  cp -n "$root/fuzz/corpus/$t/"* "$corpus/" 2>/dev/null || true
  echo "== fuzz_$t: ${seconds}s"
  log="$build/fuzz-findings/$t.log"
  nice -n 10 "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=60 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=0 -artifact_prefix="$findings/" "$corpus" >"$log" 2>&1
  rc=$?
  # libFuzzer's own summary line, e.g. "Done 123456 runs in 60 second(s)".
  grep -E "^Done [0-9]+ runs" "$log" || tail -n 30 "$log"
  [ $rc -eq 0 ] || failed+=("$t")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]} (inputs in $build/fuzz-findings/)"
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, none found anything"
