#!/usr/bin/env python3
"""Kafka in and out, against the test broker (tests/kafka/test_broker:
librdkafka's mock cluster speaking the real protocol on 127.0.0.1) with kcat
as the other client. Recovery: pipelines reading Kafka are killed (named
failure points and kill -9 at random instants, while messages keep
arriving) and restarted; their committed output must be an uninterrupted
run's. The sink: every row once, keyed, on Java's murmur2 partitions. Faults:
brokers down and up, unreachable, a missing or forbidden topic, bad options:
one clear line. Each test_* function is one case (`run.py test_name`)."""
import json
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))
import harness  # noqa: E402
from kafka_broker import TestBroker, wait_until  # noqa: E402

POINTS = ["after-offsets", "mid-sink-write", "before-commit", "mid-state-snapshot"]

# A running aggregation and a filter over JSON orders, few offsets per batch
# so that a run has many batches to crash in.
AGG = """param brokers: string = "localhost:9092"
schema O { user: string, qty: int }
source orders = kafka("orders", brokers: brokers, format: json, schema: O, starting: earliest,
                      max_offsets_per_batch: 9)
stream totals = orders |> group_by(user) |> aggregate(count() as n, sum(qty) as units)
sink totals -> files("out", format: json) mode update checkpoint "chk"
"""
FILTER = """param brokers: string = "localhost:9092"
schema O { user: string, qty: int }
source orders = kafka("orders", brokers: brokers, format: json, schema: O, starting: earliest,
                      max_offsets_per_batch: 9)
stream big = orders |> filter(qty >= 5)
sink big -> files("out", format: json) checkpoint "chk"
"""


def murmur2_partition(key: bytes, partitions: int) -> int:
    """Java's default partitioner: murmur2 of the key bytes, positive, modulo."""
    m, r = 0x5BD1E995, 24
    n = len(key)
    h = (0x9747B28C ^ n) & 0xFFFFFFFF
    for i in range(n // 4):
        k = int.from_bytes(key[4 * i:4 * i + 4], "little")
        k = (k * m) & 0xFFFFFFFF
        k ^= k >> r
        k = (k * m) & 0xFFFFFFFF
        h = (h * m) & 0xFFFFFFFF
        h ^= k
    tail = key[n & ~3:]
    if len(tail) == 3:
        h ^= tail[2] << 16
    if len(tail) >= 2:
        h ^= tail[1] << 8
    if len(tail) >= 1:
        h ^= tail[0]
        h = (h * m) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * m) & 0xFFFFFFFF
    h ^= h >> 15
    return (h & 0x7FFFFFFF) % partitions


def orders(first, count):
    rnd = random.Random(first)
    return [json.dumps({"user": f"u{rnd.randrange(7)}", "qty": rnd.randrange(10)}) for _ in range(count)]


env = harness.wall_clock_env


def build(name, program):
    d = harness.fresh_dir("kafka", name)
    (d / "p.sdl").write_text(program)
    c = harness.compile_sdl(d / "p.sdl", d / "p", d)
    assert c.returncode == 0, c.stderr
    return d


def run(d, broker, *extra, fail=None, timeout=120):
    return subprocess.run(["./p", "--brokers", broker.bootstrap, *extra], cwd=d, env=env(fail), capture_output=True,
                          text=True, timeout=timeout)


def start(d, broker, *extra):
    """A continuous run in the background (stop() ends it)."""
    return subprocess.Popen(["./p", "--brokers", broker.bootstrap, *extra], cwd=d, env=env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def stop(p):
    """SIGTERM, as a user ends a continuous run; its stderr."""
    p.send_signal(signal.SIGTERM)
    return p.communicate(timeout=30)[1]


def committed(d):
    r = subprocess.run([harness.STREAMC, "read", "out"], cwd=d, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


def final_totals(text):
    """The last row per user of an update-mode output: the result table."""
    last = {}
    for line in text.splitlines():
        row = json.loads(line)
        last[row["user"]] = row
    return last


def expected_totals(lines):
    want = {}
    for line in lines:
        o = json.loads(line)
        t = want.setdefault(o["user"], {"user": o["user"], "n": 0, "units": 0})
        t["n"] += 1
        t["units"] += o["qty"]
    return want


def crash_at_points(program, name):
    with TestBroker({"orders": 3}) as broker:
        broker.produce("orders", orders(0, 120), key_sep=None)
        ref = build(name + "_ref", program)
        r = run(ref, broker, "--available-now")
        assert r.returncode == 0, r.stderr
        expected = committed(ref)
        assert expected.count("\n") >= 20, expected
        for point in POINTS if program is AGG else POINTS[:3]:
            d = build(f"{name}_{point}", program)
            crashes = 0
            for _ in range(100):
                r = run(d, broker, "--available-now", fail=f"{point}:3")
                if r.returncode == 0:
                    break
                assert r.returncode == -signal.SIGKILL, (point, r.returncode, r.stderr)
                crashes += 1
            else:
                raise AssertionError(f"{point}: never finished")
            assert crashes >= 3, (point, crashes)
            got = committed(d)
            assert got == expected, f"{point}: output after {crashes} crashes differs:\n{got}\n---\n{expected}"


def test_aggregation_survives_every_failure_point():
    crash_at_points(AGG, "agg")


def test_filter_survives_every_failure_point():
    crash_at_points(FILTER, "filter")


def kill_at_random_while_producing(program, name, kills=15):
    """kill -9 at random instants while a producer keeps adding messages;
    then a last --available-now run takes the rest. The committed output is
    then an uninterrupted run's (same result table; each filtered row once)."""
    with TestBroker({"orders": 3}) as broker:
        d = build(name, program)
        sent = []
        stop = threading.Event()

        def producer():
            i = 0
            while not stop.is_set() and i < 60:
                batch = orders(1000 + i, 5)
                broker.produce("orders", batch)
                sent.extend(batch)
                i += 1
                time.sleep(0.02)

        t = threading.Thread(target=producer)
        t.start()
        rnd = random.Random(name)
        killed = 0
        deadline = time.time() + 240
        try:
            # At least `kills` kills, and on until the producer is done, however
            # slowly this machine lets it produce.
            while (killed < kills or t.is_alive()) and time.time() < deadline:
                p = subprocess.Popen(["./p", "--brokers", broker.bootstrap, "--batch", "50ms"], cwd=d, env=env(),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                time.sleep(rnd.uniform(0.05, 0.4))
                p.send_signal(signal.SIGKILL)
                _, err = p.communicate(timeout=60)
                assert p.returncode == -signal.SIGKILL, (p.returncode, err)
                killed += 1
        finally:
            stop.set()
            t.join()
        r = run(d, broker, "--available-now")
        assert r.returncode == 0, r.stderr
        got = committed(d)
        if program is AGG:
            assert final_totals(got) == expected_totals(sent), got
        else:
            want = sorted(line.replace(" ", "") for line in sent if json.loads(line)["qty"] >= 5)
            assert sorted(got.splitlines()) == want, f"{len(got.splitlines())} rows, want {len(want)}"
        assert len(sent) == 300, len(sent)


def test_aggregation_kill_9_at_random_while_messages_arrive():
    kill_at_random_while_producing(AGG, "agg_random")


def test_filter_kill_9_at_random_while_messages_arrive():
    kill_at_random_while_producing(FILTER, "filter_random")


def test_broker_down_and_up_mid_run():
    with TestBroker({"orders": 2}) as broker:
        d = build("down_up", AGG)
        first = orders(0, 30)
        broker.produce("orders", first)
        p = start(d, broker, "--batch", "100ms")
        try:
            assert wait_until(lambda: (d / "chk" / "commits" / "3").exists(), 30), "no batches ran"
            broker.down()
            time.sleep(6)
            broker.up()
            more = orders(50, 30)
            broker.produce("orders", more)
            assert wait_until(lambda: final_totals(committed(d)) == expected_totals(first + more), 60), committed(d)
        finally:
            err = stop(p)
        assert p.returncode == 0, err
        assert "waiting for brokers" in err, err
        lines = [line for line in err.splitlines() if "waiting" in line]
        assert len(lines) < 20, err  # a status line per change, not per retry


def test_leaders_move_mid_run_every_row_once():
    """Partition leaders move to other brokers while a continuous run reads:
    librdkafka follows them, and every filtered row is committed once."""
    with TestBroker({"orders": 3}, brokers=3) as broker:
        d = build("leaders", FILTER)
        first = orders(0, 40)
        broker.produce("orders", first)
        p = start(d, broker, "--batch", "100ms")
        try:
            assert wait_until(lambda: (d / "chk" / "commits" / "2").exists(), 60), "no batches ran"
            sent = list(first)
            for step, (part, leader) in enumerate([(0, 2), (1, 3), (2, 1), (0, 3), (1, 1), (2, 2)]):
                broker.command(f"leader orders {part} {leader}")
                more = orders(100 + step, 15)
                broker.produce("orders", more)
                sent += more
            want = sorted(line.replace(" ", "") for line in sent if json.loads(line)["qty"] >= 5)
            assert wait_until(lambda: sorted(committed(d).splitlines()) == want, 90), \
                f"{len(committed(d).splitlines())} rows committed, want {len(want)}"
        finally:
            err = stop(p)
        assert p.returncode == 0, err
        assert sorted(committed(d).splitlines()) == want


def test_unreachable_broker_at_start_is_waited_for():
    d = build("unreachable", FILTER)
    p = subprocess.Popen(["./p", "--brokers", "127.0.0.1:1", "--batch", "100ms"], cwd=d, env=env(),
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(4)
    assert p.poll() is None, "exited instead of retrying"
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=30)
    assert "waiting for brokers 127.0.0.1:1" in err, err
    assert len(err.splitlines()) < 10, err


def test_sink_every_row_once_keyed_on_murmur2_partitions():
    program = """param brokers: string = "localhost:9092"
schema O { user: string, qty: int }
source orders = kafka("orders", brokers: brokers, format: json, schema: O, starting: earliest)
stream rows = orders |> select(user, qty, qty * 2 as double)
sink rows -> kafka("out", brokers: brokers, key: user, format: json)
"""
    with TestBroker({"orders": 2, "out": 5}) as broker:
        sent = orders(7, 200)
        broker.produce("orders", sent)
        d = build("sink", program)
        r = run(d, broker, "--available-now")
        assert r.returncode == 0, r.stderr
        got = broker.consume("out", "%p\\t%k\\t%s\\n").splitlines()
        assert len(got) == len(sent), (len(got), len(sent))
        rows = []
        for line in got:
            part, key, value = line.split("\t")
            row = json.loads(value)
            assert key == row["user"], line
            assert int(part) == murmur2_partition(key.encode(), 5), line
            rows.append((row["user"], row["qty"], row["double"]))
        want = [(o["user"], o["qty"], 2 * o["qty"]) for o in map(json.loads, sent)]
        assert sorted(rows) == sorted(want)
        assert len({int(line.split("\t")[0]) for line in got}) > 1, "every key on one partition"


def test_sink_duplicates_only_after_a_replay():
    """Killed after the messages are acknowledged but before the commit
    log: the restart replays the batch and sends it again (at least once),
    and nothing else is sent twice."""
    with TestBroker({"in": 1, "out": 3}) as broker:
        sent = [f"line {i}" for i in range(40)]
        broker.produce("in", sent)
        d = build("sink_replay", SINK)
        r = run(d, broker, "--available-now", fail="before-commit:2")
        assert r.returncode == -signal.SIGKILL, r.stderr
        r = run(d, broker, "--available-now")
        assert r.returncode == 0, r.stderr
        got = broker.consume("out", "%k\\n").splitlines()
        assert sorted(set(got)) == sorted(set(sent))
        dups = sorted(line for line in set(got) if got.count(line) > 1)
        # Batch 1 (lines 10-19) was sent, then the program died before its commit.
        assert dups == sorted(sent[10:20]), dups


SINK = """param brokers: string = "localhost:9092"
source lines = kafka("in", brokers: brokers, format: text, starting: earliest, max_offsets_per_batch: 10)
stream rows = lines |> map(l -> {line: l})
sink rows -> kafka("out", brokers: brokers, key: line, format: text) checkpoint "chk"
"""


def test_sink_failed_delivery_fails_the_batch_and_a_rerun_completes():
    """The broker refuses the sink's writes mid-run (the topic is there, its
    Produce requests answer 'not authorised'): one line naming the topic,
    a non-zero exit, the batch not committed; once writes are allowed again
    a rerun replays it and the topic ends with every row."""
    with TestBroker({"in": 1, "out": 3}) as broker:
        sent = [f"line {i}" for i in range(50)]
        broker.produce("in", sent)
        d = build("sink_refused", SINK)
        r = run(d, broker, "--available-now", "--max-batches", "2")
        assert r.returncode == 0, r.stderr
        assert len(broker.consume("out", "%k\\n").splitlines()) == 20
        broker.command("writes denied")
        r = run(d, broker, "--available-now")
        one_error_line(r, "kafka sink 'rows'", "topic 'out'", "batch 2", "not committed")
        assert (d / "chk" / "commits" / "1").exists() and not (d / "chk" / "commits" / "2").exists()
        assert len(broker.consume("out", "%k\\n").splitlines()) == 20
        broker.command("writes allowed")
        r = run(d, broker, "--available-now")
        assert r.returncode == 0, r.stderr
        got = broker.consume("out", "%k\\n").splitlines()
        assert sorted(got) == sorted(sent), got  # every row once: the refused batch stored nothing


def test_sink_topic_missing_or_denied_at_start():
    with TestBroker({"in": 1, "out": 1}) as broker:
        broker.produce("in", ["a", "b"])
        d = build("sink_missing", SINK)
        broker.command("missing out")
        one_error_line(run(d, broker, "--once"), "kafka sink 'rows'", "topic 'out' does not exist")
        assert not (d / "chk" / "commits" / "0").exists()
        d = build("sink_denied", SINK.replace('"out"', '"out2"'))
        broker.command("denied out2")
        one_error_line(run(d, broker, "--once"), "kafka sink 'rows'", "not authorised to write topic 'out2'")
        assert not (d / "chk" / "commits" / "0").exists()


def http_get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
            return r.read().decode()
    except OSError:
        return None


def prometheus_value(text, name, **labels):
    for line in (text or "").splitlines():
        m = re.match(r"([a-z_]+)(?:\{(.*)\})? (\S+)$", line)
        if m and m.group(1) == name:
            got = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2) or ""))
            if all(got.get(k) == v for k, v in labels.items()):
                return float(m.group(3))
    return None


def test_backlog_gauge_shows_offsets_behind():
    """--ui's streamc_source_lag{unit="offsets"}: the offsets between what
    the batches have read and the latest offsets, over all partitions."""
    with TestBroker({"orders": 2}) as broker:
        broker.produce("orders", orders(5, 50))
        d = build("backlog", AGG)
        port = harness.free_port()
        # One batch now, the next only after a minute: the gauge is read in between.
        p = start(d, broker, "--batch", "60s", "--ui", f"127.0.0.1:{port}")
        try:
            assert wait_until(lambda: prometheus_value(http_get(port, "/metrics"), "streamc_batches_total") == 1, 60)
            text = http_get(port, "/metrics")
            progress = json.loads(http_get(port, "/progress"))
            read = sum(progress[-1]["sources"][0]["endOffset"]["orders"].values())
            assert 7 <= read <= 9, progress[-1]  # max_offsets_per_batch: 9
            assert prometheus_value(text, "streamc_source_lag", source="orders", unit="offsets") == 50 - read, text
        finally:
            err = stop(p)
        assert p.returncode == 0, err


def test_progress_reports_offsets_like_spark():
    with TestBroker({"orders": 3}) as broker:
        broker.produce("orders", orders(3, 60))
        d = build("progress", AGG)
        r = run(d, broker, "--available-now", "--progress", "progress.json")
        assert r.returncode == 0, r.stderr
        progress = [json.loads(line) for line in (d / "progress.json").read_text().splitlines()]
        assert len(progress) >= 7, len(progress)
        first, last = progress[0]["sources"][0], progress[-1]["sources"][0]
        assert set(first["startOffset"]["orders"]) == {"0", "1", "2"}, first
        # max_offsets_per_batch: 9 split by lag, each share rounded down (Spark's rule)
        assert 7 <= sum(first["endOffset"]["orders"].values()) <= 9, first
        assert last["endOffset"] == last["latestOffset"], last
        assert sum(last["latestOffset"]["orders"].values()) == 60, last
        assert int(first["metrics"]["maxOffsetsBehindLatest"]) > 0, first
        assert last["metrics"]["maxOffsetsBehindLatest"] == "0", last
        for a, b in zip(progress, progress[1:]):
            assert a["sources"][0]["endOffset"] == b["sources"][0]["startOffset"]


def one_error_line(r, *needles):
    assert r.returncode != 0, r
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, r.stderr
    for n in needles:
        assert n in lines[0], r.stderr


def test_missing_topic_denied_topic_and_bad_options():
    with TestBroker({"orders": 1}) as broker:
        d = build("faults", FILTER)
        broker.command("missing orders")
        one_error_line(run(d, broker, "--once"), "kafka source 'orders'", "topic 'orders' does not exist")
        broker.command("denied orders")
        one_error_line(run(d, broker, "--once"), "not authorised to read topic 'orders'")
        bad = build("bad_option", FILTER.replace("max_offsets_per_batch: 9", 'options: ["no.such.setting=1"]'))
        one_error_line(run(bad, broker, "--once"), "bad option 'no.such.setting=1'")


def test_changed_topic_list_stops_a_restart():
    program = AGG.replace('kafka("orders"', 'kafka(["orders", extra]').replace(
        'param brokers', 'param extra: string = "orders2"\nparam brokers')
    with TestBroker({"orders": 1, "orders2": 1, "orders3": 1}) as broker:
        d = build("topics", program)
        assert run(d, broker, "--once").returncode == 0
        one_error_line(run(d, broker, "--once", "--extra", "orders3"), "topics=[orders,orders2]", "topics=[orders,orders3]")


# Short lines of topic t to files, `most` offsets a batch, with
# fail_on_data_loss: LOSS (true or false, replaced by each test).
LOSSY = """param brokers: string = "localhost:9092"
param most: int = 10
source lines = kafka("t", brokers: brokers, format: text, starting: earliest, max_offsets_per_batch: most,
                     fail_on_data_loss: LOSS)
stream short = lines |> filter(l -> length(l) < 100)
sink short -> files("out", format: json) checkpoint "chk"
"""


def test_offsets_gone_from_the_broker():
    """The mock keeps about 5 MiB per partition: 6 MiB more written after a
    first batch push the offsets the next batch needs out of the log."""
    for loss in ("true", "false"):
        with TestBroker({"t": 1}) as broker:
            broker.produce("t", [f"line {i}" for i in range(30)])
            d = build(f"loss_{loss}", LOSSY.replace("LOSS", loss))
            r = run(d, broker, "--max-batches", "1", "--batch", "10ms")
            assert r.returncode == 0, r.stderr
            broker.produce("t", ["x" * 1000] * 6500 + ["last line"])
            r = run(d, broker, "--available-now", "--most", "1000")
            if loss == "true":
                one_error_line(r, "kafka source 'lines'", "offsets 10 to", "of topic 't' partition 0", "gone")
            else:
                assert r.returncode == 0, r.stderr
                assert "skipped" in r.stderr and "offsets 10 to" in r.stderr, r.stderr
                got = [json.loads(line) for line in committed(d).splitlines()]
                assert got == [f"line {i}" for i in range(10)] + ["last line"], got


def test_offsets_gone_while_a_run_is_stopped():
    """A continuous run is stopped (SIGSTOP) at the end of its topic while 6 MiB
    more arrive, so the offsets its consumer is about to fetch leave the
    mock's log; resumed, it finds them gone (at its next look, or while
    fetching). With fail_on_data_loss it stops with one line naming topic,
    partition and offsets, and exits (a message still held at exit made
    rd_kafka_destroy wait for ever); without, it skips them, says so, and
    reads on (its consumer used to wait for ever at the offset gone)."""
    for loss in ("true", "false"):
        with TestBroker({"t": 1}) as broker:
            broker.produce("t", [f"line {i}" for i in range(30)])
            d = build(f"gone_running_{loss}", LOSSY.replace("LOSS", loss))
            # 1000 offsets a batch: the ~5,000 messages left after the loss take a few batches, not 500.
            p = start(d, broker, "--batch", "100ms", "--most", "1000")
            try:
                assert wait_until(lambda: len(committed(d).splitlines()) == 30, 30), committed(d)
                p.send_signal(signal.SIGSTOP)
                broker.produce("t", ["x" * 1000] * 6500)
                p.send_signal(signal.SIGCONT)
                if loss == "true":
                    try:
                        err = p.communicate(timeout=30)[1]
                    except subprocess.TimeoutExpired:
                        raise AssertionError("the run did not exit after its error (rd_kafka_destroy waiting?)")
                    one_error_line(subprocess.CompletedProcess(p.args, p.returncode, "", err), "kafka source 'lines'",
                                   "offsets 30 to", "of topic 't' partition 0", "gone")
                    continue
                broker.produce("t", ["last line"])
                assert wait_until(lambda: committed(d).splitlines()[-1:] == ['"last line"'], 60), committed(d)[-300:]
            finally:
                if p.poll() is None:
                    p.send_signal(signal.SIGCONT)
                    try:
                        err = stop(p)
                    except subprocess.TimeoutExpired:
                        p.kill()
                        p.communicate()
                        raise
            assert p.returncode == 0, err
            assert "skipped" in err and "offsets 30 to" in err, err
            got = [json.loads(line) for line in committed(d).splitlines()]
            assert got == [f"line {i}" for i in range(30)] + ["last line"], got


def main():
    return harness.run_tests("kafka", globals())


if __name__ == "__main__":
    sys.exit(main())
