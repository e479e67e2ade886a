#!/usr/bin/env python3
"""Dump suite: for every example (examples/*.sdl), what `streamc
--dump-after=plan` prints must equal tests/dump/<example>.plan: the fused
stages, the sinks, and per live node what code generation reads (its source,
materialized or fused, consumers, rows straight to a files sink, the output
mode). A change to planning shows up here as a readable diff.
`run.py --update` rewrites the .plan files (review the diff); `run.py NAME…`
runs those cases only, `run.py --list` names every case."""
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))
import harness  # noqa: E402

HERE = Path(__file__).resolve().parent
EXAMPLES = harness.SOURCE_DIR / "examples"


def check(name, update):
    r = subprocess.run([harness.STREAMC, "--dump-after=plan", name + ".sdl"], cwd=EXAMPLES, env=harness.env(),
                       capture_output=True, text=True, timeout=120)
    expected = HERE / (name + ".plan")
    if r.returncode != 0:
        return [f"exit status {r.returncode}: {r.stderr}"]
    if update:
        expected.write_text(r.stdout)
    if not expected.exists():
        return ["no .plan file (run with --update and review it)"]
    if r.stdout != expected.read_text():
        return [f"plan:\n{r.stdout}\nexpected:\n{expected.read_text()}"]
    return []


def main():
    update = "--update" in sys.argv
    names = sorted(p.stem for p in EXAMPLES.glob("*.sdl"))
    return harness.run_cases("dump", names, lambda name: check(name, update))


if __name__ == "__main__":
    sys.exit(main())
