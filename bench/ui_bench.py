#!/usr/bin/env python3
"""--ui on against off, side by side in one run (DESIGN.md: `--ui` costs
under 2% of a batch's time; an idle binary stays under 20 MB resident).

  word count   examples/wordcount_files.sdl --once over wordcount_bench.py's
               64 MiB corpus (one big batch)
  bus          bench/bus.sdl --once over bus_bench.py's JSON files
  1 ms batches the footprint program (config { batch: 1ms }) for SECONDS with
               no input: batches per second, where the per-batch cost of
               publishing progress to the server shows
  idle memory  VmRSS of the 1 ms program after SECONDS, with the page and
               /metrics fetched once (with --ui)

Runs alternate on and off, RUNS times each; the best wall time counts.
Outputs of on and off runs are checked to be the same first.
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "lib"))
import harness  # noqa: E402  (free_port)
SHARED = ROOT.parent / "shared" / "bench"
RUNS = 5
SECONDS = 3.0
IDLE_PROGRAM = """config { batch: 1ms }
source lines = files("in/*.txt")
stream counts = lines |> flat_map(l -> split(l, " ")) |> map(w -> (w, 1)) |> reduce_by_key((a, b) -> a + b)
sink counts -> files("out", format: json)
"""


def timed(cmd, clean, **kw):
    clean()
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kw)
    return time.perf_counter() - t0


def on_off(cmd, clean, **kw):
    """Best of RUNS wall times without and with --ui, runs alternating."""
    off = on = None
    for _ in range(RUNS):
        t = timed(cmd, clean, **kw)
        off = t if off is None else min(off, t)
        t = timed(cmd + ["--ui", f"127.0.0.1:{harness.free_port()}"], clean, **kw)
        on = t if on is None else min(on, t)
    return off, on


def committed(streamc, out):
    return sorted(subprocess.run([streamc, "read", str(out)], check=True, capture_output=True, text=True).stdout
                  .splitlines())


def same_output(cmd, streamc, out, clean, **kw):
    clean()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kw)
    off = committed(streamc, out)
    clean()
    subprocess.run(cmd + ["--ui", str(harness.free_port())], check=True, stdout=subprocess.DEVNULL, **kw)
    on = committed(streamc, out)
    assert off == on and off, f"--ui changed the output of {cmd}"


def idle_run(work, with_ui):
    """Batches per second (of the run's own time) and idle VmRSS of the 1 ms program."""
    shutil.rmtree(work / "out", ignore_errors=True)
    progress = work / "progress.jsonl"
    cmd = ["./p", "--progress", str(progress)]
    port = harness.free_port()
    if with_ui:
        cmd += ["--ui", str(port)]
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=work, stdout=subprocess.DEVNULL)
    try:
        if with_ui:
            time.sleep(0.5)
            for path in ("/", "/metrics", "/progress"):
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10).read()
        time.sleep(SECONDS)
        rss = next(int(l.split()[1]) for l in Path(f"/proc/{p.pid}/status").read_text().splitlines()
                   if l.startswith("VmRSS:"))
    finally:
        elapsed = time.perf_counter() - t0
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=20)
    lines = progress.read_text().splitlines()
    # Per second of the run's own time: the --ui run also waits while its
    # pages are fetched, so the two runs last differently long.
    return len(lines) / elapsed, rss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=str(ROOT / "build"))
    args = ap.parse_args()
    build = Path(args.build).resolve()
    work = build / "bench" / "ui"
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, STREAMC_CACHE_DIR=str(build / "bench" / "cache"))
    streamc = str(build / "compiler" / "streamc")

    corpus = build / "bench" / "corpus" / "words.txt"
    if not corpus.exists():
        corpus.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(SHARED / "gen_words.py"), "64", str(corpus)], check=True)
    buses = sorted((build / "bench" / "bus").glob("in-*"))
    if not buses:
        subprocess.run([sys.executable, str(ROOT / "bench" / "gen_bus.py"), str(work / "bus-in"), "--mib", "50",
                        "--layout", "files"], check=True, stdout=subprocess.DEVNULL)
        buses = [work / "bus-in"]
    bus_data = buses[0]

    wc = work / "wordcount_files"
    subprocess.run([streamc, str(ROOT / "examples" / "wordcount_files.sdl"), "-o", str(wc)], check=True, env=env)
    bus = work / "bus"
    subprocess.run([streamc, str(ROOT / "bench" / "bus.sdl"), "-o", str(bus)], check=True, env=env)
    (work / "idle").mkdir(exist_ok=True)
    (work / "idle" / "in").mkdir(exist_ok=True)
    (work / "idle" / "p.sdl").write_text(IDLE_PROGRAM)
    subprocess.run([streamc, "p.sdl", "-o", "p"], cwd=work / "idle", check=True, env=env)

    out = work / "out"
    clean = lambda: shutil.rmtree(out, ignore_errors=True)
    wc_cmd = [str(wc), "--input", str(corpus), "--output", str(out), "--once"]
    bus_cmd = [str(bus), "--input", str(bus_data / "*.json"), "--output", str(out), "--once"]
    same_output(wc_cmd, streamc, out, clean)
    same_output(bus_cmd, streamc, out, clean)

    rows = [("word count, 64 MiB, --once", *on_off(wc_cmd, clean)),
            ("bus JSON, --once", *on_off(bus_cmd, clean))]
    print(f"--ui on against off (best of {RUNS}, runs alternating; target: under 2% slower)")
    print(f"{'':34}{'off s':>8}{'on s':>8}{'on/off':>9}")
    for name, off, on in rows:
        print(f"{name:34}{off:8.3f}{on:8.3f}{on / off:8.3f}x")
    b_off, rss_off = idle_run(work / "idle", False)
    b_on, rss_on = idle_run(work / "idle", True)
    print(f"{'1 ms batches, batches per second':34}{b_off:8.0f}{b_on:8.0f}{b_off / b_on:8.3f}x"
          "  (time per batch, on/off)")
    print(f"{'resident memory, idle (MB)':34}{rss_off:8.1f}{rss_on:8.1f}{'':9}  target with --ui: < 20 MB")


if __name__ == "__main__":
    main()
