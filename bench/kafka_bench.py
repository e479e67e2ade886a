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

Best of RUNS runs each, alternating."""
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
    args = ap.parse_args()
    build = Path(args.build).resolve()
    os.environ.setdefault("STREAMC_TEST_BROKER", str(build / "tests" / "kafka" / "test_broker"))
    from kafka_broker import TestBroker  # noqa: E402 (reads STREAMC_TEST_BROKER)

    work = build / "bench" / "kafka"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = dict(os.environ, STREAMC_CACHE_DIR=str(build / "bench" / "cache"))
    env.pop("STREAMC_TEST_CLOCK", None)
    with open(work / "lines.txt", "w") as f:
        for i in range(MESSAGES):
            f.write(json.dumps({"user": f"u{i * 7919 % 5000}", "qty": i % 10}, separators=(",", ":")) + "\n")
    size = (work / "lines.txt").stat().st_size
    streamc = str(build / "compiler" / "streamc")
    for name, program in (("read", READ), ("write", WRITE)):
        (work / f"{name}.sdl").write_text(program)
        subprocess.run([streamc, str(work / f"{name}.sdl"), "-o", str(work / name)], check=True, env=env)

    topics = {"bench": PARTITIONS}
    for run in range(RUNS):
        topics[f"w_streamc{run}"] = PARTITIONS
        topics[f"w_kcat{run}"] = PARTITIONS
    best = {}
    with TestBroker(topics) as broker:
        b = broker.bootstrap
        with open(work / "lines.txt") as f:
            # Spread evenly (random per message): the mock keeps ~5 MiB per partition.
            subprocess.run(["kcat", "-P", "-b", b, "-t", "bench", "-X", "partitioner=random"], stdin=f, check=True)
        assert topic_size(b, "bench") == MESSAGES
        for run in range(RUNS):
            with open(os.devnull, "w") as null:
                t = timed(["kcat", "-C", "-b", b, "-t", "bench", "-o", "beginning", "-e", "-q"], stdout=null)
            best["kcat -C -e"] = min(best.get("kcat -C -e", t), t)
            shutil.rmtree(work / "out", ignore_errors=True)
            t = timed([str(work / "read"), "--brokers", b, "--once"], cwd=work, env=env, stdout=subprocess.DEVNULL)
            best["streamc kafka -> count"] = min(best.get("streamc kafka -> count", t), t)
            counts = [json.loads(line) for p in (work / "out").glob("part-*.json") for line in p.read_text().splitlines()]
            assert sum(c["n"] for c in counts) == MESSAGES, sum(c["n"] for c in counts)

            with open(work / "lines.txt") as f:
                t = timed(["kcat", "-P", "-b", b, "-t", f"w_kcat{run}"], stdin=f)
            best["kcat -P"] = min(best.get("kcat -P", t), t)
            t = timed([str(work / "write"), "--brokers", b, "--topic", f"w_streamc{run}", "--once"], cwd=work, env=env,
                      stdout=subprocess.DEVNULL)
            best["streamc files -> kafka"] = min(best.get("streamc files -> kafka", t), t)
            assert topic_size(b, f"w_kcat{run}") == MESSAGES
            assert topic_size(b, f"w_streamc{run}") == MESSAGES

    print(f"Kafka on the test broker: {MESSAGES:,} JSON messages ({size / 1e6:.1f} MB), {PARTITIONS} partitions, best of {RUNS}")
    print(f"| {'':26} | seconds | messages/s | vs kcat |")
    print(f"| {'-' * 26} | ------: | ---------: | ------: |")
    for name, base in (("kcat -C -e", "kcat -C -e"), ("streamc kafka -> count", "kcat -C -e"),
                       ("kcat -P", "kcat -P"), ("streamc files -> kafka", "kcat -P")):
        t = best[name]
        print(f"| {name:26} | {t:7.3f} | {MESSAGES / t:10,.0f} | {best[base] / t:6.2f}x |")


if __name__ == "__main__":
    main()
