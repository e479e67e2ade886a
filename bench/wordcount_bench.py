#!/usr/bin/env python3
"""Word count over a 64 MiB corpus, side by side in one run:

  streamc     examples/wordcount_files.sdl compiled by streamc, `--once`,
              writing every count to a JSON-lines file (1 and 2 threads)
  baseline    ../shared/bench/wordcount_baseline.cpp, g++ -O2 (the yardstick)
  mawk        the classic awk word count

Every contender's counts are checked to be identical before any figure is
printed. Each is run RUNS times; the best wall time counts (the corpus is in
the page cache after the first read, for everyone alike).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "bench"
RUNS = 5


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def best_time(cmd, runs=RUNS, **kw):
    best = None
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kw)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    return best


def read_tsv(text):
    counts = {}
    for line in text.splitlines():
        if line:
            w, n = line.rsplit("\t", 1)
            counts[w] = int(n)
    return counts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--megabytes", type=float, default=64)
    args = ap.parse_args()
    build = Path(args.build)
    work = build / "bench"
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, STREAMC_CACHE_DIR=str(work / "cache"))

    corpus_dir = work / "corpus"
    corpus = corpus_dir / "words.txt"
    if not corpus.exists() or corpus.stat().st_size < args.megabytes * 1024 * 1024:
        corpus_dir.mkdir(exist_ok=True)
        print(f"generating a {args.megabytes:g} MiB corpus with gen_words.py …", flush=True)
        sh([sys.executable, str(SHARED / "gen_words.py"), str(args.megabytes), str(corpus)])
    size_mb = corpus.stat().st_size / (1024 * 1024)

    baseline = work / "wordcount_baseline"
    sh(["g++", "-std=c++20", "-O2", str(SHARED / "wordcount_baseline.cpp"), "-o", str(baseline),
        "-labsl_hash", "-labsl_city", "-labsl_low_level_hash", "-labsl_raw_hash_set"])

    prog = work / "wordcount_files"
    t0 = time.perf_counter()
    sh([str(build / "compiler" / "streamc"), str(ROOT / "examples" / "wordcount_files.sdl"), "-o", str(prog)], env=env)
    compile_s = time.perf_counter() - t0

    # Correctness first: the three must agree.
    base_counts = read_tsv(subprocess.run([str(baseline), str(corpus)], check=True, capture_output=True, text=True).stdout)
    awk_prog = '{ for (i = 1; i <= NF; i++) c[$i]++ } END { for (w in c) print w "\\t" c[w] }'
    awk_counts = read_tsv(subprocess.run(["mawk", awk_prog, str(corpus)], check=True, capture_output=True, text=True).stdout)

    def run_streamc(threads):
        out = work / f"out-{threads}"
        shutil.rmtree(out, ignore_errors=True)
        cmd = [str(prog), "--input", str(corpus), "--output", str(out), "--once", "--threads", str(threads)]
        return cmd, out

    cmd1, out1 = run_streamc(1)
    sh(cmd1, stdout=subprocess.DEVNULL)
    sc_counts = {}
    for part in sorted(out1.glob("part-*")):
        for line in part.read_text().splitlines():
            w, n = json.loads(line)
            sc_counts[w] = sc_counts.get(w, 0) + n
    ok = sc_counts == base_counts == awk_counts
    print(f"counts: streamc {len(sc_counts)} words, baseline {len(base_counts)}, mawk {len(awk_counts)}; "
          f"identical: {'yes' if ok else 'NO'}")
    if not ok:
        sys.exit("bench: the counts differ; figures would be meaningless")

    def timed_streamc(threads):
        cmd, out = run_streamc(threads)
        best = None
        for _ in range(RUNS):
            shutil.rmtree(out, ignore_errors=True)
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            dt = time.perf_counter() - t0
            best = dt if best is None else min(best, dt)
        return best

    t_base = best_time([str(baseline), str(corpus)])
    t_sc1 = timed_streamc(1)
    t_sc2 = timed_streamc(2)
    t_awk = best_time(["mawk", awk_prog, str(corpus)], runs=2)

    print(f"\nword count over {size_mb:.0f} MiB ({os.cpu_count()} cores), best of {RUNS} runs")
    print(f"{'':28}{'seconds':>9}{'MB/s':>9}{'vs baseline':>13}")
    rows = [("streamc, 1 thread", t_sc1), ("streamc, --threads 2", t_sc2), ("baseline C++ (yardstick)", t_base),
            ("mawk", t_awk)]
    for name, t in rows:
        print(f"{name:28}{t:9.3f}{size_mb / t:9.1f}{t_base / t:12.2f}x")
    print(f"\nstreamc vs mawk: {t_awk / t_sc1:.1f}x faster (1 thread)")
    print(f"streamc compile of wordcount_files.sdl: {compile_s:.2f} s (first build in this cache)")
    t0 = time.perf_counter()
    sh([str(build / "compiler" / "streamc"), str(ROOT / "examples" / "wordcount_files.sdl"), "-o", str(prog)], env=env)
    print(f"streamc compile, unchanged program (cache): {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
