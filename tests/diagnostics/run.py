#!/usr/bin/env python3
"""Diagnostics suite: every tests/diagnostics/*.sdl is a broken program whose
`streamc check` output must equal the .expected file beside it, exactly (the
file:line:col, the message, the source line and the caret), with exit
status 1. `run.py --update` rewrites the .expected files (review the diff);
`run.py NAME…` runs those cases only, `run.py --list` names every case."""
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))
import harness  # noqa: E402

HERE = Path(__file__).resolve().parent


def check(name, update):
    sdl = HERE / (name + ".sdl")
    r = subprocess.run([harness.STREAMC, "check", sdl.name], cwd=HERE, env=harness.env(),
                       capture_output=True, text=True, timeout=60)
    expected = sdl.with_suffix(".expected")
    problems = []
    if r.returncode != 1:
        problems.append(f"exit status {r.returncode}, expected 1")
    if "internal error" in r.stderr or "Assertion" in r.stderr:
        problems.append("crashed")
    if update:
        expected.write_text(r.stderr)
    if not expected.exists():
        problems.append("no .expected file (run with --update and review it)")
    elif r.stderr != expected.read_text():
        problems.append(f"stderr:\n{r.stderr}\nexpected:\n{expected.read_text()}")
    return problems


def main():
    update = "--update" in sys.argv
    names = sorted(p.stem for p in HERE.glob("*.sdl"))
    return harness.run_cases("diagnostics", names, lambda name: check(name, update))


if __name__ == "__main__":
    sys.exit(main())
