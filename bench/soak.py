#!/usr/bin/env python3
"""Soak: two checkpointed pipelines run for MINUTES (default 30) under
trouble, and neither grows nor loses anything (issue 13; not in CI).

- Pipeline A, never stopped: a word count (group_by + count, update mode, a
  files sink) over a socket source of JSON lines whose peer (this script)
  sends lines at a steady rate and closes the connection at random
  moments, so that A reconnects again and again. A's resident memory is sampled every few
  seconds and its batch durations come from its --progress file.
- Pipeline B, killed: a per-word count and sum over JSON files that keep
  arriving, killed with SIGKILL every 20-60 s and restarted at once with
  the same command.

At the end the feeds stop, each pipeline is given time to take what is
left, and the last value per word in each output (`streamc read`) must
equal the counts of what was sent. Reported per time slice: A's resident
memory, A's batch duration (median and 99th percentile), rows per slice
(flat: the last slice not above the first by more than noise), the number
of connections and kills.
"""
import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import threading
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SOCKET_PROGRAM = """param port: int = 9999
schema Word { word: string }
config { batch: 200ms }
source words = socket("127.0.0.1", port, format: json, schema: Word)
stream counts = words
  |> group_by(word)
  |> aggregate(count() as c)
sink counts -> files("out", format: json) mode update checkpoint "chk"
"""

FILES_PROGRAM = """schema W { word: string, n: int }
config { batch: 200ms }
source words = files("in/*.json", format: json, schema: W)
stream totals = words
  |> group_by(word)
  |> aggregate(count() as c, sum(n) as s)
sink totals -> files("out", format: json) mode update checkpoint "chk"
"""

WORDS = [f"w{i:03d}" for i in range(500)]


def compile_program(streamc, work, text, env):
    work.mkdir(parents=True)
    (work / "p.sdl").write_text(text)
    subprocess.run([streamc, "p.sdl", "-o", "p"], cwd=work, env=env, check=True)


def rss_kb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def read_output(streamc, work):
    r = subprocess.run([streamc, "read", "out"], cwd=work, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError(f"streamc read failed in {work}: {r.stderr}")
    return [json.loads(l) for l in r.stdout.splitlines() if l.strip()]


class SocketPeer:
    """Listens on a free port; sends lines of words to whoever connects and
    closes the connection (after a whole line) at random moments."""

    def __init__(self, rate, seed):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]
        self.rate = rate
        self.rng = random.Random(seed)
        self.counts = {}
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        self.sock.settimeout(0.5)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            self.connections += 1
            until = time.time() + self.rng.uniform(2, 30)  # then a close at a random moment
            try:
                while not self.stop.is_set() and time.time() < until:
                    words = [self.rng.choice(WORDS) for _ in range(self.rate // 20)]
                    conn.sendall("".join(f'{{"word": "{w}"}}\n' for w in words).encode())
                    for w in words:  # counted once the bytes are in the kernel's buffer
                        self.counts[w] = self.counts.get(w, 0) + 1
                    time.sleep(0.05)
            except OSError:
                pass  # the pipeline went away mid-send: what was not sent is not counted
            finally:
                conn.close()

    def close(self):
        self.stop.set()
        self.thread.join()
        self.sock.close()


class FileFeed:
    """Writes a JSON file of 200 records into DIR every INTERVAL seconds."""

    def __init__(self, directory, interval, seed):
        self.dir = directory
        self.interval = interval
        self.rng = random.Random(seed)
        self.totals = {}
        self.files = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.feed, daemon=True)
        self.thread.start()

    def feed(self):
        while not self.stop.is_set():
            rows = []
            for _ in range(200):
                w, n = self.rng.choice(WORDS), self.rng.randint(1, 9)
                rows.append(json.dumps({"word": w, "n": n}))
                c, s = self.totals.get(w, (0, 0))
                self.totals[w] = (c + 1, s + n)
            tmp = self.dir / f".f{self.files:06d}.tmp"
            tmp.write_text("\n".join(rows) + "\n")
            os.rename(tmp, self.dir / f"f{self.files:06d}.json")
            self.files += 1
            time.sleep(self.interval)

    def close(self):
        self.stop.set()
        self.thread.join()


def last_per_key(rows, key, value):
    out = {}
    for r in rows:
        out[key(r)] = value(r)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--slices", type=int, default=6, help="time slices in the report")
    ap.add_argument("--rate", type=int, default=2000, help="socket lines per second")
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    build = Path(args.build).resolve()
    streamc = str(build / "compiler" / "streamc")
    work = build / "bench" / "soak"
    subprocess.run(["rm", "-rf", str(work)], check=True)
    env = dict(os.environ, STREAMC_CACHE_DIR=str(build / "bench" / "cache"))
    a_dir, b_dir = work / "socket", work / "files"
    compile_program(streamc, a_dir, SOCKET_PROGRAM, env)
    compile_program(streamc, b_dir, FILES_PROGRAM, env)
    (b_dir / "in").mkdir()

    rng = random.Random(args.seed)
    peer = SocketPeer(args.rate, args.seed)
    feed = FileFeed(b_dir / "in", 0.5, args.seed + 1)
    a = subprocess.Popen(["./p", "--port", str(peer.port), "--progress", "progress.jsonl"], cwd=a_dir,
                         stdout=subprocess.DEVNULL, stderr=open(a_dir / "stderr.log", "w"))
    b_cmd = ["./p"]
    b = subprocess.Popen(b_cmd, cwd=b_dir, stdout=subprocess.DEVNULL, stderr=open(b_dir / "stderr.log", "a"))
    kills = 0
    samples = []  # (seconds since start, A's VmRSS in kB)
    start = time.time()
    end = start + args.minutes * 60
    next_kill = start + rng.uniform(20, 60)
    try:
        while time.time() < end:
            if a.poll() is not None:
                raise RuntimeError(f"pipeline A stopped (exit {a.returncode}): see {a_dir / 'stderr.log'}")
            samples.append((time.time() - start, rss_kb(a.pid)))
            if time.time() >= next_kill:
                b.kill()
                b.wait()
                kills += 1
                b = subprocess.Popen(b_cmd, cwd=b_dir, stdout=subprocess.DEVNULL,
                                     stderr=open(b_dir / "stderr.log", "a"))
                next_kill = time.time() + rng.uniform(20, 60)
            elif b.poll() is not None:
                raise RuntimeError(f"pipeline B stopped (exit {b.returncode}): see {b_dir / 'stderr.log'}")
            time.sleep(2)
        peer.close()
        feed.close()
        want_a = dict(peer.counts)
        want_b = {w: {"c": c, "s": s} for w, (c, s) in feed.totals.items()}
        # Both take what is left; then their outputs must equal what was sent.
        deadline = time.time() + 120
        got_a = got_b = None
        while time.time() < deadline:
            got_a = last_per_key(read_output(streamc, a_dir), lambda r: r["word"], lambda r: r["c"])
            got_b = last_per_key(read_output(streamc, b_dir), lambda r: r["word"], lambda r: {"c": r["c"], "s": r["s"]})
            if got_a == want_a and got_b == want_b:
                break
            time.sleep(2)
    finally:
        for p in (a, b):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
        peer.stop.set()
        feed.stop.set()

    batches = [json.loads(l) for l in (a_dir / "progress.jsonl").read_text().splitlines() if l.strip()]
    t0 = datetime.fromisoformat(batches[0]["timestamp"]).timestamp()
    span = args.minutes * 60 / args.slices
    print(f"Soak: {args.minutes:g} minutes. A: socket of JSON lines -> group_by count (update mode, checkpointed), "
          f"{args.rate} lines/s, the peer closing at random ({peer.connections} connections). "
          f"B: files -> group_by count/sum (update mode, checkpointed), a file of 200 rows every 0.5 s "
          f"({feed.files} files), kill -9 and restart every 20-60 s ({kills} kills).")
    print(f"{'slice':>12} {'A resident MB':>14} {'A batch ms p50':>15} {'A batch ms p99':>15} {'A rows':>10}")
    rows = []
    for i in range(args.slices):
        lo, hi = i * span, (i + 1) * span
        rss = [kb for t, kb in samples if lo <= t < hi]
        bs = [b for b in batches if lo <= datetime.fromisoformat(b["timestamp"]).timestamp() - t0 < hi]
        d = sorted(b["durationMs"]["triggerExecution"] for b in bs) or [0]
        row = (max(rss) / 1024 if rss else 0.0, statistics.median(d), d[int(0.99 * (len(d) - 1))],
               sum(b["numInputRows"] for b in bs))
        rows.append(row)
        print(f"{f'{lo / 60:.1f}-{hi / 60:.1f} min':>12} {row[0]:14.1f} {row[1]:15.0f} {row[2]:15.0f} {row[3]:10d}")
    a_ok, b_ok = got_a == want_a, got_b == want_b
    print(f"A's output equals what was sent: {'yes' if a_ok else 'NO'} ({sum(want_a.values())} words)")
    print(f"B's output equals what was written: {'yes' if b_ok else 'NO'} "
          f"({sum(v['c'] for v in want_b.values())} rows)")
    if not (a_ok and b_ok):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
