#!/usr/bin/env python3
"""Dump suite: for every example (examples/*.sdl), what `streamc
--dump-after=plan` prints must equal tests/dump/<example>.plan (the fused
stages, the sinks, and per live node what code generation reads: its source,
materialized or fused, consumers, rows straight to a files sink, the output
mode, its state objects and their checkpoint names), and what
`--dump-after=codegen` prints must equal tests/dump/<example>.codegen (the
generated C++). A change to planning or to the generated code shows up here
as a readable diff.
`run.py --update` rewrites the files (review the diff); `run.py NAME…`
runs those cases only, `run.py --list` names every case."""
import difflib
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))
import harness  # noqa: E402

HERE = Path(__file__).resolve().parent
EXAMPLES = harness.SOURCE_DIR / "examples"


PASSES = ("plan", "codegen")


def check_pass(name, dump, update):
    r = subprocess.run([harness.STREAMC, "--dump-after=" + dump, name + ".sdl"], cwd=EXAMPLES, env=harness.env(),
                       capture_output=True, text=True, timeout=120)
    expected = HERE / (name + "." + dump)
    if r.returncode != 0:
        return [f"--dump-after={dump}: exit status {r.returncode}: {r.stderr}"]
    if update:
        expected.write_text(r.stdout)
    if not expected.exists():
        return [f"no .{dump} file (run with --update and review it)"]
    want = expected.read_text()
    if r.stdout != want:
        diff = "".join(difflib.unified_diff(want.splitlines(True), r.stdout.splitlines(True), str(expected), "streamc"))
        return [f"--dump-after={dump} differs:\n{diff}"]
    return []


def check(name, update):
    return [p for dump in PASSES for p in check_pass(name, dump, update)]


def main():
    update = "--update" in sys.argv
    names = sorted(p.stem for p in EXAMPLES.glob("*.sdl"))
    return harness.run_cases("dump", names, lambda name: check(name, update))


if __name__ == "__main__":
    sys.exit(main())
