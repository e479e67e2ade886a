#!/usr/bin/env python3
"""The cost of C++ imports (`import "udf/geo.hpp"`), on this machine:

  check, no import        `streamc check` of examples/wordcount.sdl: front end
                          only (the baseline: Clang is never started)
  check, cold import      `streamc check` of examples/udf/distances.sdl with an
                          empty cache: Clang parses udf/geo.hpp
  check, cached import    the same with the cache filled: signatures read back
  compile, cold           `streamc distances.sdl --link udf/geo.cpp` with an
                          empty cache: import + C++ build of the program
  compile, warm           the same again: import and binary from the cache
                          (target: under 1 s)

Each is run RUNS times in a fresh (or kept) cache directory; the median wall
time is shown.
"""
import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5


def timed(cmd, cwd, cache, fresh):
    times = []
    for _ in range(RUNS):
        if fresh:
            shutil.rmtree(cache, ignore_errors=True)
        env = {"STREAMC_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"}
        t0 = time.perf_counter()
        r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if r.returncode != 0:
            sys.exit(f"import_bench: {' '.join(map(str, cmd))} failed:\n{r.stderr}")
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=str(ROOT / "build"))
    args = ap.parse_args()
    streamc = Path(args.build) / "compiler" / "streamc"
    if not streamc.exists():
        sys.exit(f"import_bench: no streamc at {streamc}; build first")
    udf = ROOT / "examples" / "udf"
    with tempfile.TemporaryDirectory(prefix="streamc-import-bench-") as tmp:
        cache = Path(tmp) / "cache"
        out = Path(tmp) / "distances"
        compile_cmd = [streamc, "distances.sdl", "--link", "udf/geo.cpp", "-o", out]
        rows = [
            ("check, no import", timed([streamc, "check", "wordcount.sdl"], ROOT / "examples", cache, True)),
            ("check, cold import", timed([streamc, "check", "distances.sdl"], udf, cache, True)),
            ("check, cached import", timed([streamc, "check", "distances.sdl"], udf, cache, False)),
            ("compile, cold", timed(compile_cmd, udf, cache, True)),
            ("compile, warm", timed(compile_cmd, udf, cache, False)),
        ]
    print("C++ import (examples/udf/distances.sdl imports udf/geo.hpp), median of %d runs" % RUNS)
    for name, t in rows:
        print(f"  {name:<22} {t * 1000:8.0f} ms")
    parse = rows[1][1] - rows[0][1]
    print(f"  Clang parse of the header ~{parse * 1000:.0f} ms; cached import adds "
          f"~{(rows[2][1] - rows[0][1]) * 1000:.0f} ms; warm compile {'meets' if rows[4][1] < 1.0 else 'MISSES'} the 1 s target")


if __name__ == "__main__":
    main()
