#!/usr/bin/env python3
"""Footprint and latency of a compiled pipeline (DESIGN.md: an idle binary
under 20 MB resident; a batch of 1 ms interval sustained).

A word count over a files source with `config { batch: 1ms }` runs for
SECONDS; halfway, small files arrive, one every 100 ms. Reported: resident
memory (VmRSS while idle, VmHWM peak), batches per second against the 1000
that a 1 ms interval asks for, the batch duration (progress triggerExecution)
at the median and the 99th percentile, and how long a file waits before a
batch reports its rows (from the file's write to the end of that batch).
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECONDS = 4.0
PROGRAM = """config { batch: 1ms }
source lines = files("in/*.txt")
stream counts = lines |> flat_map(l -> split(l, " ")) |> map(w -> (w, 1)) |> reduce_by_key((a, b) -> a + b)
sink counts -> files("out", format: json)
"""


def status(pid):
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        k, _, v = line.partition(":")
        fields[k] = v.strip()
    return fields


def kb(text):
    return int(text.split()[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=str(ROOT / "build"))
    args = ap.parse_args()
    build = Path(args.build).resolve()
    work = build / "bench" / "footprint"
    subprocess.run(["rm", "-rf", str(work)], check=True)
    (work / "in").mkdir(parents=True)
    (work / "p.sdl").write_text(PROGRAM)
    env = dict(os.environ, STREAMC_CACHE_DIR=str(build / "bench" / "cache"))
    subprocess.run([str(build / "compiler" / "streamc"), "p.sdl", "-o", "p"], cwd=work, env=env, check=True)

    progress = work / "progress.jsonl"
    p = subprocess.Popen(["./p", "--progress", str(progress)], cwd=work, stdout=subprocess.DEVNULL)
    t_start = time.time()
    time.sleep(SECONDS / 2)
    idle = status(p.pid)
    written = []
    while time.time() - t_start < SECONDS:
        name = f"f{len(written):03d}.txt"
        (work / "in" / (name + ".tmp")).write_text(f"word{len(written)} streamc batch latency\n")
        os.rename(work / "in" / (name + ".tmp"), work / "in" / name)
        written.append(time.time())
        time.sleep(0.1)
    time.sleep(0.2)
    peak = status(p.pid)
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=10)

    batches = [json.loads(l) for l in progress.read_text().splitlines() if l.strip()]
    # Spark's progress timestamp is when the trigger started; the batch is
    # done triggerExecution milliseconds later.
    stamps = [datetime.fromisoformat(b["timestamp"]).timestamp() + b["durationMs"]["triggerExecution"] / 1000
              for b in batches]
    span = stamps[-1] - stamps[0]
    durations = sorted(b["durationMs"]["triggerExecution"] for b in batches)
    with_rows = [(s, b) for s, b in zip(stamps, batches) if b["numInputRows"] > 0]
    # Each file is taken by the first batch with rows after it was written.
    waits = []
    for w in written:
        later = [s for s, _ in with_rows if s >= w]
        if later:
            waits.append((later[0] - w) * 1000)
    taken = sum(b["numInputRows"] for _, b in with_rows)
    assert taken == len(written), f"{taken} rows for {len(written)} files"

    print(f"Footprint and latency: {PROGRAM.splitlines()[0]} word count over a files source, "
          f"{SECONDS:.0f} s, a file every 100 ms in the second half")
    print(f"{'':34}{'value':>12}  target")
    print(f"{'resident memory, idle':34}{kb(idle['VmRSS']) / 1024:10.1f} MB  < 20 MB")
    print(f"{'resident memory, peak':34}{kb(peak['VmHWM']) / 1024:10.1f} MB")
    print(f"{'batches per second':34}{len(batches) / span:12.0f}  1000 (1 ms interval)")
    ms = lambda v: f"{v:9.0f} ms" if v >= 1 else "     < 1 ms"  # progress durations are whole milliseconds, as Spark's
    print(f"{'batch duration, median':34}{ms(statistics.median(durations))}")
    print(f"{'batch duration, 99th percentile':34}{ms(durations[int(0.99 * (len(durations) - 1))])}")
    print(f"{'file written -> batch done, median':34}{statistics.median(waits):9.1f} ms  ({len(waits)} files)")


if __name__ == "__main__":
    main()
