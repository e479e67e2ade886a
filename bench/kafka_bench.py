#!/usr/bin/env python3
"""Kafka in and out against the test broker (tests/kafka/test_broker,
librdkafka's mock cluster on 127.0.0.1), side by side with kcat.

Read: a topic of 1 M small JSON messages (16 partitions: the mock keeps
about 5 MiB per partition), read to its end by a compiled
`kafka -> group_by -> count` (--once) and by `kcat -C -e` to /dev/null.
Both are bounded by the same broker; the target is streamc at least as
fast as kcat. The counts streamc writes are checked (1 M messages in all).

Write: the same 1 M lines sent to a topic by a compiled `files -> kafka`
pipeline (the sink waits for every acknowledgement) and by `kcat -P`, each
into a fresh topic; the topics' message counts are checked.

Best of --runs runs each (3), alternating; --messages, --only read|write
and --perf DIR (perf record -g of streamc's runs) for profiling."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "lib"))
MESSAGES = 1_000_000
PARTITIONS = 16
RUNS = 3

READ = """param brokers: string = "localhost:9092"
schema O { user: string, qty: int }
source orders = kafka("bench", brokers: brokers, format: json, schema: O, starting: earliest)
stream counts = orders |> group_by(user) |> aggregate(count() as n)
sink counts -> files("out", format: json) mode complete
"""
WRITE = """param brokers: string = "localhost:9092"
param topic: string = "w"
source lines = files("lines.txt", format: text)
sink lines -> kafka(topic, brokers: brokers, format: text)
"""


def timed(cmd, **kw):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, **kw)
    return time.perf_counter() - t


def topic_size(bootstrap, topic):
    r = subprocess.run(["kcat", "-Q", "-b", bootstrap] + [a for p in range(PARTITIONS) for a in ("-t", f"{topic}:{p}:-1")],
                       capture_output=True, text=True, check=True, timeout=60)
    return sum(int(line.rsplit(" ", 1)[1]) for line in r.stdout.splitlines() if " offset " in line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--messages", type=int, default=MESSAGES, help="messages per topic (default %(default)s)")
    ap.add_argument("--runs", type=int, default=RUNS, help="runs of each, alternating; the best counts (default %(default)s)")
    ap.add_argument("--only", choices=("read", "write"), help="measure one side only")
    ap.add_argument("--perf", metavar="DIR", help="run streamc under `perf record -g`, profiles in DIR/read.data, DIR/write.data")
    args = ap.parse_args()
    build = Path(args.build).resolve()
    os.environ.setdefault("STREAMC_TEST_BROKER", str(build / "tests" / "kafka" / "test_broker"))
    from kafka_broker import TestBroker  # noqa: E402 (reads STREAMC_TEST_BROKER)

    n = args.messages
    sides = [args.only] if args.only else ["read", "write"]
    work = build / "bench" / "kafka"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = dict(os.environ, STREAMC_CACHE_DIR=str(build / "bench" / "cache"))
    env.pop("STREAMC_TEST_CLOCK", None)
    with open(work / "lines.txt", "w") as f:
        for i in range(n):
            f.write(json.dumps({"user": f"u{i * 7919 % 5000}", "qty": i % 10}, separators=(",", ":")) + "\n")
    size = (work / "lines.txt").stat().st_size
    streamc = str(build / "compiler" / "streamc")
    for name, program in (("read", READ), ("write", WRITE)):
        (work / f"{name}.sdl").write_text(program)
        subprocess.run([streamc, str(work / f"{name}.sdl"), "-o", str(work / name)], check=True, env=env)
    # perf record -g of streamc's runs (the last run's profile is kept).
    perf = lambda side: ["perf", "record", "-g", "-q", "-o", str(Path(args.perf) / f"{side}.data"), "--"] if args.perf else []
    if args.perf:
        Path(args.perf).mkdir(parents=True, exist_ok=True)

    topics = {"bench": PARTITIONS}
    for run in range(args.runs):
        topics[f"w_streamc{run}"] = PARTITIONS
        topics[f"w_kcat{run}"] = PARTITIONS
    best = {}

    def keep(name, t):
        best[name] = min(best.get(name, t), t)

    with TestBroker(topics) as broker:
        b = broker.bootstrap
        if "read" in sides:
            with open(work / "lines.txt") as f:
                # Spread evenly (random per message): the mock keeps ~5 MiB per partition.
                subprocess.run(["kcat", "-P", "-b", b, "-t", "bench", "-X", "partitioner=random"], stdin=f, check=True)
            assert topic_size(b, "bench") == n
        for run in range(args.runs):
            if "read" in sides:
                with open(os.devnull, "w") as null:
                    keep("kcat -C -e", timed(["kcat", "-C", "-b", b, "-t", "bench", "-o", "beginning", "-e", "-q"], stdout=null))
                shutil.rmtree(work / "out", ignore_errors=True)
                keep("streamc kafka -> count", timed(perf("read") + [str(work / "read"), "--brokers", b, "--once"], cwd=work,
                                                     env=env, stdout=subprocess.DEVNULL))
                counts = [json.loads(line) for p in (work / "out").glob("part-*.json") for line in p.read_text().splitlines()]
                assert sum(c["n"] for c in counts) == n, sum(c["n"] for c in counts)
            if "write" in sides:
                with open(work / "lines.txt") as f:
                    keep("kcat -P", timed(["kcat", "-P", "-b", b, "-t", f"w_kcat{run}"], stdin=f))
                keep("streamc files -> kafka", timed(perf("write") + [str(work / "write"), "--brokers", b, "--topic",
                                                     f"w_streamc{run}", "--once"], cwd=work, env=env,
                                                     stdout=subprocess.DEVNULL))
                assert topic_size(b, f"w_kcat{run}") == n
                assert topic_size(b, f"w_streamc{run}") == n

    print(f"Kafka on the test broker: {n:,} JSON messages ({size / 1e6:.1f} MB), {PARTITIONS} partitions, "
          f"best of {args.runs}")
    print(f"| {'':26} | seconds | messages/s | vs kcat |")
    print(f"| {'-' * 26} | ------: | ---------: | ------: |")
    for name, base in (("kcat -C -e", "kcat -C -e"), ("streamc kafka -> count", "kcat -C -e"),
                       ("kcat -P", "kcat -P"), ("streamc files -> kafka", "kcat -P")):
        if name in best:
            t = best[name]
            print(f"| {name:26} | {t:7.3f} | {n / t:10,.0f} | {best[base] / t:6.2f}x |")

if __name__ == "__main__":
    main()
