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


def main():
    update = "--update" in sys.argv
    names = [a for a in sys.argv[1:] if not a.startswith("--")]
    cases = sorted(p for p in EXAMPLES.glob("*.sdl") if not names or p.stem in names)
    if "--list" in sys.argv:
        print("\n".join(p.stem for p in cases))
        return 0
    passed = failed = 0
    for sdl in cases:
        r = subprocess.run([harness.STREAMC, "--dump-after=plan", sdl.name], cwd=EXAMPLES, env=harness.env(),
                           capture_output=True, text=True, timeout=120)
        expected = HERE / (sdl.stem + ".plan")
        problems = []
        if r.returncode != 0:
            problems.append(f"exit status {r.returncode}: {r.stderr}")
        elif update:
            expected.write_text(r.stdout)
        if not expected.exists():
            problems.append("no .plan file (run with --update and review it)")
        elif r.returncode == 0 and r.stdout != expected.read_text():
            problems.append(f"plan:\n{r.stdout}\nexpected:\n{expected.read_text()}")
        if problems:
            failed += 1
            print(f"FAIL {sdl.stem}")
            for p in problems:
                print("  " + p.replace("\n", "\n  "))
        else:
            passed += 1
            print(f"ok   {sdl.stem}")
    print(f"dump: {passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
