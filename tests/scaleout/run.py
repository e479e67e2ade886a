#!/usr/bin/env python3
"""Copies of one binary sharing a Kafka topic through a consumer group
(`kafka(…, group: "g")`, DESIGN.md "Scale-out"), against the test broker
(librdkafka's mock cluster speaking the real protocol on 127.0.0.1).
Kafka assigns the partitions; each copy runs its partitions as tasks, and
a copy that is killed or leaves hands its tasks to the others, which
restore them from their checkpoints. The committed output must hold every
row exactly once whatever copies die when. Each test_* function is one
case (`run.py test_name`)."""
import contextlib
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))
import harness  # noqa: E402
from kafka_broker import TestBroker, wait_until  # noqa: E402

# A stateless pipeline: every order with qty >= 5, written by each task to
# the one shared output directory.
FILTER = """param brokers: string = "localhost:9092"
schema O { user: string, qty: int, seq: int }
source orders = kafka("orders", brokers: brokers, group: "big-orders", format: json, schema: O,
                      starting: latest, max_offsets_per_batch: 40,
                      options: ["session.timeout.ms=6000", "heartbeat.interval.ms=300"])
stream big = orders |> filter(qty >= 5)
sink big -> files("out", format: json)
"""

# Running state keyed by the message key: each key lives in one partition,
# so each task counts its own keys, and its state moves with the task.
PER_USER = """param brokers: string = "localhost:9092"
source orders = kafka("orders", brokers: brokers, group: "per-user", format: raw, starting: latest,
                      max_offsets_per_batch: 40, options: ["session.timeout.ms=6000", "heartbeat.interval.ms=300"])
stream counts = orders |> group_by(key) |> aggregate(count() as n)
sink counts -> files("out", format: json) mode update
"""
# The same per event-time window of the message timestamps.
PER_USER_WINDOW = """param brokers: string = "localhost:9092"
source orders = kafka("orders", brokers: brokers, group: "per-user-window", format: raw, starting: latest,
                      max_offsets_per_batch: 40, options: ["session.timeout.ms=6000", "heartbeat.interval.ms=300"])
stream counts = orders |> watermark(timestamp, 1h) |> group_by(window(timestamp, 2s), key) |> aggregate(count() as n)
sink counts -> files("out", format: json) mode update
"""

# The same counts written as update-mode rows to a Kafka topic, keyed by
# user: at least once, but a replayed batch sends the same rows again, so
# the last row per key is the count.
PER_USER_TO_KAFKA = """param brokers: string = "localhost:9092"
source orders = kafka("orders", brokers: brokers, group: "per-user-kafka", format: raw, starting: latest,
                      max_offsets_per_batch: 40, options: ["session.timeout.ms=6000", "heartbeat.interval.ms=300"])
stream counts = orders |> group_by(key) |> aggregate(count() as n)
sink counts -> kafka("counts", brokers: brokers, key: key, format: json) mode update
"""

# Counts per country over a topic keyed by user: one country's orders are on
# every partition, so the counting goes through a repartition topic keyed
# by country (two sub-topologies; the second's tasks are the partitions of
# per-country-per_country-repartition, which the test broker makes with 4).
PER_COUNTRY = """param brokers: string = "localhost:9092"
schema O { user: string, country: string, qty: int, seq: int }
source orders = kafka("orders", brokers: brokers, group: "per-country", format: json, schema: O, starting: latest,
                      max_offsets_per_batch: 40, options: ["session.timeout.ms=6000", "heartbeat.interval.ms=300"])
stream per_country = orders |> filter(qty >= 0) |> group_by(country) |> aggregate(count() as n, sum(qty) as qty)
sink per_country -> kafka("counts", brokers: brokers, key: country, format: json) mode update
"""
# The same per event-time window, the watermark taken again on the
# repartitioned side from the same column.
PER_COUNTRY_WINDOW = """param brokers: string = "localhost:9092"
schema O { user: string, country: string, qty: int, seq: int, ts: timestamp }
source orders = kafka("orders", brokers: brokers, group: "per-country-window", format: json, schema: O,
                      starting: latest, max_offsets_per_batch: 40,
                      options: ["session.timeout.ms=6000", "heartbeat.interval.ms=300"])
stream per_country = orders |> watermark(ts, 1h) |> group_by(window(ts, 10s), country)
  |> aggregate(count() as n, sum(qty) as qty)
sink per_country -> files("out", format: json) mode update
"""
# The same counts upserted into a PostgreSQL table: each task claims its
# batches in streamc_commits under its own query id (its checkpoint's, which
# moves with the task), so a batch re-run by the task's next owner is
# skipped there, exactly once.
PER_COUNTRY_TO_POSTGRES = """param brokers: string = "localhost:9092"
param pg: string = ""
schema O { user: string, country: string, qty: int, seq: int }
source orders = kafka("orders", brokers: brokers, group: "per-country-pg", format: json, schema: O, starting: latest,
                      max_offsets_per_batch: 40, options: ["session.timeout.ms=6000", "heartbeat.interval.ms=300"])
stream per_country = orders |> group_by(country) |> aggregate(count() as n, sum(qty) as qty)
sink per_country -> postgres(pg, table: "per_country", key: (country)) mode update
"""
COUNTRIES = ["de", "fr", "kr", "us", "br"]

env = harness.wall_clock_env


def build(name, program):
    d = harness.fresh_dir("scaleout", name)
    (d / "p.sdl").write_text(program)
    c = harness.compile_sdl(d / "p.sdl", d / "p", d)
    assert c.returncode == 0, c.stderr
    return d


def orders(first, count):
    """Keyed by user (as a producer would key them), seq numbers the rows."""
    return [f"u{i % 23}|" + json.dumps({"user": f"u{i % 23}", "country": COUNTRIES[i % 5], "qty": (i * 7) % 10,
                                        "seq": i, "ts": f"2026-12-05T10:{i // 600 % 60:02d}:{i // 10 % 60:02d}Z"})
            for i in range(first, first + count)]


def per_country(count):
    """What one copy counts: orders and quantity per country."""
    want = {}
    for i in range(count):
        n, qty = want.get(COUNTRIES[i % 5], (0, 0))
        want[COUNTRIES[i % 5]] = (n + 1, qty + (i * 7) % 10)
    return want


class Copy:
    """One copy of the binary, running continuously in `d`."""

    def __init__(self, d, broker, *extra, fail=None, freeze=None):
        name = f"copy-{time.monotonic_ns()}"
        environment = env(fail)
        if freeze:
            environment["STREAMC_STOP_AT"] = freeze  # a failure point where it stops itself (SIGSTOP)
        self.err = open(d / f"{name}.err", "w+")
        self.progress = d / f"{name}.progress"
        self.out = d / f"{name}.out"
        with open(self.out, "w") as out:
            self.proc = subprocess.Popen(["./p", "--brokers", broker.bootstrap, "--batch", "200ms",
                                          "--progress", self.progress.name, *extra], cwd=d,
                                         env=environment, stdout=out, stderr=self.err, text=True)

    def started(self):
        """The tasks that have run a batch here (a new query's first batch
        logs where it starts, even without data)."""
        if not self.progress.exists():
            return set()
        return {json.loads(line).get("task") for line in self.progress.read_text().splitlines() if line.endswith("}")}

    def stderr(self):
        self.err.flush()
        self.err.seek(0)
        return self.err.read()

    def frozen(self):
        """Stopped by a signal (state T in /proc)."""
        try:
            return Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "T"
        except OSError:
            return False

    def kill(self):
        self.proc.kill()
        self.proc.wait(timeout=30)

    def stop(self):
        """SIGTERM: the copy finishes its batch, leaves the group, exits 0."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def running(copy):
    """The tasks a copy runs now, from its last rebalance line."""
    lines = [line for line in copy.stderr().splitlines() if "; running " in line]
    if not lines:
        return set()
    tasks = lines[-1].rsplit("; running ", 1)[1]
    return set() if tasks == "none" else set(tasks.split(", "))


def settled(copies, partitions=8, tasks=None):
    """Every partition runs on exactly one live copy (the group has
    finished rebalancing). The sources start at the latest offsets: rows
    produced before this would be skipped, as Spark's `latest` skips them."""
    live = [c for c in copies if c.proc.poll() is None]
    owned = [t for c in live for t in running(c)]
    tasks = partitions if tasks is None else tasks
    return len(owned) == tasks and len(set(owned)) == tasks and \
        all(running(c) <= c.started() for c in live)


@contextlib.contextmanager
def settled_copies(copies, tasks=8):
    """The copies once every task runs on one of them; stopped at the end
    (a stopped one continued first)."""
    try:
        assert wait_until(lambda: settled(copies, tasks=tasks), timeout=90), [c.stderr() for c in copies]
        yield copies
    finally:
        for c in copies:
            if c.proc.poll() is None:
                c.proc.send_signal(signal.SIGCONT)
                c.stop()


def committed(d):
    r = subprocess.run([harness.STREAMC, "read", "out"], cwd=d, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return [json.loads(line) for line in r.stdout.splitlines()]


def seqs(d):
    return sorted(row["seq"] for row in committed(d)) if (d / "out").exists() else []


def expected(count):
    return sorted(i for i in range(count) if (i * 7) % 10 >= 5)


def produce_while_killing(d, broker, copies, *extra):
    """Six waves of 150 orders into settled copies: after the second, copy 0
    is killed with kill -9 (started again after the fourth); after the
    fourth, copy 1 is killed and never comes back. Returns the orders sent."""
    total = 0
    for wave in range(6):
        broker.produce("orders", orders(total, 150), key_sep="|")
        total += 150
        if wave == 1:
            copies[0].kill()  # restarted below
        if wave == 3:
            copies[1].kill()  # never restarted
            copies[0] = Copy(d, broker, *CHECKPOINT, *extra)
        time.sleep(0.5)
    return total


def test_three_copies_every_row_once_through_kill_9():
    """Three copies share an 8-partition topic. One is killed with kill -9
    midway and started again later; another is killed and never comes back
    (its tasks are taken over). Every row is committed exactly once."""
    d = build("filter_kill", FILTER)
    with TestBroker({"orders": 8}) as broker:
        copies = [Copy(d, broker, *CHECKPOINT) for _ in range(3)]
        try:
            assert wait_until(lambda: settled(copies), timeout=60), [c.stderr() for c in copies]
            total = produce_while_killing(d, broker, copies)
            want = expected(total)
            assert wait_until(lambda: len(seqs(d)) >= len(want), timeout=90), (len(seqs(d)), len(want))
            time.sleep(1)  # a duplicate would show up by now
            got = seqs(d)
            assert got == want, f"{len(got)} rows committed, {len(want)} expected; " \
                                f"duplicates {sorted(set(x for x in got if got.count(x) > 1))[:10]}"
            # The rows of one partition keep their order (a task's batches in order).
            by_user = {}
            for row in committed(d):
                by_user.setdefault(row["user"], []).append(row["seq"])
            for user, s in by_user.items():
                assert s == sorted(s), (user, s)
            assert "gained" in copies[2].stderr() and "rebalance" in copies[2].stderr()
            # The tasks' checkpoints are in the group's changelog topic: a
            # commit record of every task.
            keys = broker.consume("big-orders-changelog", fmt="%k\\n").splitlines()
            for p in range(8):
                assert any(k.startswith(f"orders-{p}\tcommits/") for k in keys), (p, keys[:20])
        finally:
            for c in copies:
                if c.proc.poll() is None:
                    c.stop()


def last_counts(d):
    """The result table of an update-mode output: the last row per key
    (per window and key), summed per user."""
    last = {}
    for row in committed(d):
        last[(json.dumps(row.get("window")), row["key"])] = row["n"]
    totals = {}
    for (_, user), n in last.items():
        totals[user] = totals.get(user, 0) + n
    return totals


def kafka_counts(broker):
    """The last count per user in the `counts` topic (partition order is
    enough: a user's rows all go to one partition, in order)."""
    last = {}
    for line in broker.consume("counts", fmt="%s\\n").splitlines():
        row = json.loads(line)
        last[row["key"]] = row["n"]
    return last


def kill_and_take_over(name, program, result=None):
    """Three copies; one killed with kill -9 and restarted, one killed for
    good; the per-user totals equal what one copy counts."""
    d = build(name, program)
    with TestBroker({"orders": 8, "counts": 8}) as broker:
        counts = (lambda: result(broker)) if result else (lambda: last_counts(d))
        copies = [Copy(d, broker, *CHECKPOINT) for _ in range(3)]
        try:
            assert wait_until(lambda: settled(copies), timeout=60), [c.stderr() for c in copies]
            total = produce_while_killing(d, broker, copies)
            want = {}
            for i in range(total):
                want[f"u{i % 23}"] = want.get(f"u{i % 23}", 0) + 1
            assert wait_until(lambda: counts() == want, timeout=90), (counts(), want)
        finally:
            for c in copies:
                if c.proc.poll() is None:
                    c.stop()


def test_counts_by_message_key_survive_kill_9():
    kill_and_take_over("per_user_kill", PER_USER)


def test_event_time_window_counts_by_message_key_survive_kill_9():
    kill_and_take_over("per_user_window_kill", PER_USER_WINDOW)


def test_counts_to_a_kafka_topic_survive_kill_9():
    kill_and_take_over("per_user_kafka_kill", PER_USER_TO_KAFKA, kafka_counts)


def country_counts(broker):
    """The last (orders, quantity) per country in the `counts` topic (a
    country's rows are all on one partition, in order)."""
    last = {}
    for line in broker.consume("counts", fmt="%s\\n").splitlines():
        row = json.loads(line)
        last[row["country"]] = (row["n"], row["qty"])
    return last


def window_country_counts(d):
    """The result table of the windowed counts (last row per window and
    country), summed per country."""
    last = {}
    for row in committed(d):
        last[(json.dumps(row["window"]), row["country"])] = (row["n"], row["qty"])
    totals = {}
    for (_, country), (n, qty) in last.items():
        t = totals.get(country, (0, 0))
        totals[country] = (t[0] + n, t[1] + qty)
    return totals


# 8 partitions of orders, 4 of the repartition topic (the test broker's
# count for a topic it makes on first use).
REPARTITIONED_TASKS = 12


def repartitioned(name, program, result, kill, extra=()):
    """Three copies of a count by country over orders keyed by user; with
    `kill`, one is killed with kill -9 and restarted and one is killed for
    good. The counts equal what one copy counts."""
    d = build(name, program)
    with TestBroker({"orders": 8, "counts": 8}) as broker:
        counts = (lambda: result(broker)) if result else (lambda: window_country_counts(d))
        copies = [Copy(d, broker, *CHECKPOINT, *extra) for _ in range(3)]
        with settled_copies(copies, tasks=REPARTITIONED_TASKS):
            if kill:
                total = produce_while_killing(d, broker, copies, *extra)
            else:
                total = 900
                for wave in range(6):
                    broker.produce("orders", orders(wave * 150, 150), key_sep="|")
                    time.sleep(0.5)
            assert wait_until(lambda: counts() == per_country(total), timeout=90), (counts(), per_country(total))
            time.sleep(1)  # a batch applied twice would show by now
            assert counts() == per_country(total)
            names = " ".join(c.stderr() for c in copies)
            assert "per-country" in names and "-per_country-repartition-" in names, names


def test_counts_repartitioned_by_country_with_all_copies_up():
    repartitioned("per_country_up", PER_COUNTRY, country_counts, kill=False)


# Aggregates whose results over a batch fold into the running ones (count,
# sum, avg, min, max, first, last; no event-time window) are split as Spark
# splits them around an exchange: the tasks over the orders aggregate each
# batch by country and send one row per country and batch through the
# repartition topic, which the tasks over it fold in. Over nullable
# columns, with one partition of orders so that first and last are those
# of the orders as sent.
FOLDED = """param brokers: string = "localhost:9092"
schema O { user: string, country: string, qty: int?, note: string?, n: float }
source orders = kafka("orders", brokers: brokers, group: "folded", format: json, schema: O, starting: latest,
                      max_offsets_per_batch: 40, options: ["session.timeout.ms=6000", "heartbeat.interval.ms=300"])
stream per_country = orders |> group_by(country)
  |> aggregate(count() as n, count(qty) as with_qty, sum(qty) as qty, min(note) as lo, max(qty) as hi,
               first(note) as first_note, last(qty) as last_qty, avg(qty) as mean, avg(n) as mean__count)
sink per_country -> files("out", format: json) mode update
"""
# count_distinct and collect_list do not fold that way: their rows go
# through whole.
UNFOLDED = """param brokers: string = "localhost:9092"
schema O { user: string, country: string, qty: int?, note: string? }
source orders = kafka("orders", brokers: brokers, group: "unfolded", format: json, schema: O, starting: latest,
                      max_offsets_per_batch: 40, options: ["session.timeout.ms=6000", "heartbeat.interval.ms=300"])
stream per_country = orders |> group_by(country)
  |> aggregate(count() as n, count_distinct(note) as kinds, collect_list(note) as notes)
sink per_country -> files("out", format: json) mode update
"""


def nullable_orders(count):
    """Orders with a null quantity every third and a null note every fourth."""
    rows = []
    for i in range(count):
        rows.append({"user": f"u{i % 23}", "country": COUNTRIES[i % 5], "qty": None if i % 3 == 0 else (i * 7) % 10,
                     "note": None if i % 4 == 1 else f"n{i % 13:02d}", "n": i % 7 / 4})
    return rows


def one_copy_aggregates(rows):
    """Each country's aggregates as one copy computes them, row by row."""
    out = {}
    for r in rows:
        out.setdefault(r["country"], []).append(r)
    want = {}
    for country, rs in out.items():
        qtys = [r["qty"] for r in rs if r["qty"] is not None]
        notes = [r["note"] for r in rs if r["note"] is not None]
        want[country] = {"country": country, "n": len(rs), "with_qty": len(qtys), "qty": sum(qtys) if qtys else None,
                         "lo": min(notes) if notes else None, "hi": max(qtys) if qtys else None,
                         "first_note": rs[0]["note"], "last_qty": rs[-1]["qty"],
                         "mean": sum(qtys) / len(qtys) if qtys else None, "notes": notes,
                         "mean__count": sum(r["n"] for r in rs) / len(rs), "kinds": len(set(notes))}
    return want


def aggregated_through_a_repartition(name, program, folded):
    d = build(name, program)
    plan = subprocess.run([harness.STREAMC, "--dump-after=plan", "p.sdl"], cwd=d, capture_output=True, text=True)
    assert plan.returncode == 0, plan.stderr
    assert ("partial: the groups of one batch" in plan.stdout) == folded, plan.stdout
    assert ("a row per group and batch" in plan.stdout) == folded, plan.stdout
    rows = nullable_orders(600)
    want = one_copy_aggregates(rows)

    def got():
        last = {}
        if (d / "out").exists():
            for row in committed(d):
                last[row["country"]] = row
        return last

    def same():
        g = got()
        if set(g) != set(want):
            return False
        for country, row in g.items():
            for k, v in row.items():
                w = want[country][k]
                if isinstance(v, float) and w is not None:
                    if abs(v - w) > 1e-9:
                        return False
                elif v != w:
                    return False
        return True

    with TestBroker({"orders": 1}) as broker:
        copies = [Copy(d, broker, *CHECKPOINT) for _ in range(2)]
        with settled_copies(copies, tasks=5):  # 1 partition of orders, 4 of the repartition topic
            for wave in range(3):
                broker.produce("orders", [r["user"] + "|" + json.dumps(r) for r in rows[wave * 200:(wave + 1) * 200]],
                               key_sep="|")
                time.sleep(0.3)
            assert wait_until(same, timeout=90), (got(), want)
            time.sleep(1)  # a batch folded twice would show by now
            assert same(), (got(), want)


def test_aggregates_that_fold_go_through_the_repartition_topic_a_row_per_group_and_batch():
    aggregated_through_a_repartition("folded", FOLDED, folded=True)


def test_aggregates_that_do_not_fold_go_through_the_repartition_topic_row_by_row():
    aggregated_through_a_repartition("unfolded", UNFOLDED, folded=False)


def test_counts_repartitioned_by_country_survive_kill_9():
    repartitioned("per_country_kill", PER_COUNTRY, country_counts, kill=True)


def test_event_time_window_counts_repartitioned_by_country_survive_kill_9():
    repartitioned("per_country_window_kill", PER_COUNTRY_WINDOW, None, kill=True)


def crash_in_repartitioned_batch(name, point):
    """Two copies; one dies at `point` (a failure point, exactly like kill
    -9) in its third batch that writes to the repartition topic, and is
    started again. The task's next owner re-runs that batch, sending its
    rows (and markers) again: the counting tasks apply it once."""
    d = build(name, PER_COUNTRY)
    with TestBroker({"orders": 8, "counts": 8}) as broker:
        copies = [Copy(d, broker, fail=f"{point}:3"), Copy(d, broker)]
        with settled_copies(copies, tasks=REPARTITIONED_TASKS):
            total = 0
            for wave in range(6):
                broker.produce("orders", orders(total, 150), key_sep="|")
                total += 150
                time.sleep(0.5)
                if wave == 3:
                    assert copies[0].proc.wait(timeout=30) == -signal.SIGKILL, copies[0].stderr()
                    copies[0] = Copy(d, broker)
            assert wait_until(lambda: country_counts(broker) == per_country(total), timeout=90), \
                (country_counts(broker), per_country(total))
            time.sleep(1)
            assert country_counts(broker) == per_country(total)


def test_a_batch_whose_rows_were_repartitioned_without_markers_is_applied_once():
    crash_in_repartitioned_batch("replay_before_markers", "repartition-before-markers")


def test_a_batch_whose_rows_and_markers_were_repartitioned_is_applied_once():
    crash_in_repartitioned_batch("replay_after_markers", "repartition-after-markers")


def test_counts_repartitioned_by_country_to_postgres_survive_kill_9():
    from postgres_server import PostgresServer
    with PostgresServer() as pg:
        def table(_broker):
            rows = pg.sql("select country, n, qty from per_country", check=False)
            return {c: (int(n), int(q)) for c, n, q in (line.split("|") for line in rows.splitlines())}
        repartitioned("per_country_pg", PER_COUNTRY_TO_POSTGRES, table, kill=True, extra=("--pg", pg.conninfo))
        # One commit row per task of the counting sub-topology that wrote:
        # per partition of the repartition topic (4) holding a country.
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kafka"))
        from run import murmur2_partition  # Java's partitioner, as the repartition sink places a row
        writers = {murmur2_partition(c.encode(), 4) for c in COUNTRIES}
        claims = pg.sql("select count(distinct query_id) from streamc_commits where table_name = 'per_country'")
        assert int(claims) == len(writers) > 1, (claims, writers)


def test_a_copy_restarted_with_its_checkpoint_directory_restores_from_its_local_cache():
    """`--checkpoint DIR` of a group member is a local cache of its tasks'
    changelog records. A copy killed with kill -9, whose tasks another copy
    (without a cache) then runs on, and which is started again with its
    directory once that copy left, restores every task from its cache plus
    what the topic holds after it; the counts stay exactly once."""
    d = build("per_country_cache", PER_COUNTRY)
    with TestBroker({"orders": 8, "counts": 8}) as broker:
        a = Copy(d, broker, "--checkpoint", "cache-a")
        b = None
        try:
            assert wait_until(lambda: settled([a], tasks=REPARTITIONED_TASKS), timeout=60), a.stderr()
            assert "the checkpoint directory 'cache-a' is a local cache" in a.stderr(), a.stderr()
            broker.produce("orders", orders(0, 300), key_sep="|")
            assert wait_until(lambda: country_counts(broker) == per_country(300), timeout=60), country_counts(broker)
            a.kill()
            assert (d / "cache-a" / "per-country-changelog" / "orders-0").exists()
            b = Copy(d, broker)
            assert wait_until(lambda: settled([b], tasks=REPARTITIONED_TASKS), timeout=60), b.stderr()
            broker.produce("orders", orders(300, 300), key_sep="|")
            assert wait_until(lambda: country_counts(broker) == per_country(600), timeout=60), country_counts(broker)
            assert b.stop() == 0, b.stderr()
            a = Copy(d, broker, "--checkpoint", "cache-a")
            assert wait_until(lambda: settled([a], tasks=REPARTITIONED_TASKS), timeout=60), a.stderr()
            gained = [line for line in a.stderr().splitlines() if " gained (state restored in " in line]
            assert gained and " of them from the local cache); running " in gained[-1], a.stderr()
            read = gained[-1].split(" ms: ", 1)[1].split(")", 1)[0]  # "N changelog records, M of them from …"
            total, cached = int(read.split(" ")[0]), int(read.split(", ")[1].split(" ")[0])
            assert 0 < cached < total, read
            broker.produce("orders", orders(600, 300), key_sep="|")
            assert wait_until(lambda: country_counts(broker) == per_country(900), timeout=60), country_counts(broker)
            time.sleep(1)  # a batch applied twice would show by now
            assert country_counts(broker) == per_country(900)
        finally:
            for c in (a, b):
                if c and c.proc.poll() is None:
                    c.stop()


def test_a_copy_that_leaves_hands_its_tasks_over():
    """SIGTERM: the copy finishes its batch and leaves the group (exit 0);
    the other copy takes every partition at once and goes on."""
    d = build("filter_leave", FILTER)
    with TestBroker({"orders": 8}) as broker:
        a, b = Copy(d, broker, *CHECKPOINT), Copy(d, broker, *CHECKPOINT)
        try:
            assert wait_until(lambda: settled([a, b]), timeout=60), [a.stderr(), b.stderr()]
            broker.produce("orders", orders(0, 200), key_sep="|")
            assert wait_until(lambda: len(seqs(d)) >= len(expected(200)), timeout=60)
            assert b.stop() == 0, b.stderr()
            assert wait_until(lambda: "running orders-0, orders-1, orders-2, orders-3, orders-4, orders-5, orders-6, "
                                      "orders-7" in a.stderr(), timeout=30), a.stderr()
            broker.produce("orders", orders(200, 200), key_sep="|")
            assert wait_until(lambda: len(seqs(d)) >= len(expected(400)), timeout=60)
            time.sleep(1)
            assert seqs(d) == expected(400)
        finally:
            a.stop()
            b.stop()


def test_copies_wait_for_brokers_that_go_away_and_go_on():
    """The brokers disconnect and refuse connections for a few seconds while
    two copies of the repartitioned count run: the copies say they are
    retrying, do not exit, and when the brokers are back they go on; the
    counts equal one copy's."""
    d = build("brokers_down", PER_COUNTRY)
    with TestBroker({"orders": 8, "counts": 8}) as broker:
        copies = [Copy(d, broker), Copy(d, broker)]
        with settled_copies(copies, tasks=REPARTITIONED_TASKS):
            broker.produce("orders", orders(0, 300), key_sep="|")
            assert wait_until(lambda: country_counts(broker) == per_country(300), timeout=60), country_counts(broker)
            broker.down()
            time.sleep(4)
            assert all(c.proc.poll() is None for c in copies), [c.stderr() for c in copies]
            assert all("; retrying" in c.stderr() for c in copies), \
                [c.stderr()[-2000:] for c in copies]
            broker.up()
            broker.produce("orders", orders(300, 300), key_sep="|")
            assert wait_until(lambda: country_counts(broker) == per_country(600), timeout=90), \
                (country_counts(broker), [c.stderr()[-2000:] for c in copies])
            assert all(c.proc.poll() is None for c in copies), [c.stderr() for c in copies]


def test_a_copy_stopped_past_its_session_timeout_is_fenced():
    """A copy is stopped (SIGSTOP) for longer than its session timeout while
    orders arrive: its tasks move to the other copy. When it resumes it is
    a zombie until it learns it lost them: nothing it does then may count
    (its batches would re-use batch ids the new owners used for other
    offsets). The counts equal one copy's."""
    d = build("zombie", PER_COUNTRY)
    with TestBroker({"orders": 8, "counts": 8}) as broker:
        copies = [Copy(d, broker), Copy(d, broker)]
        with settled_copies(copies, tasks=REPARTITIONED_TASKS):
            total = 0
            for wave in range(8):
                broker.produce("orders", orders(total, 100), key_sep="|")
                total += 100
                if wave == 1:
                    copies[0].proc.send_signal(signal.SIGSTOP)
                if wave == 5:
                    copies[0].proc.send_signal(signal.SIGCONT)
                # The test broker moves a silent member's tasks 10 to 20 s
                # after its session timeout (6 s) starts running.
                time.sleep(6 if 1 <= wave <= 4 else 0.3)
            assert wait_until(lambda: country_counts(broker) == per_country(total), timeout=90), \
                (country_counts(broker), per_country(total))
            time.sleep(2)
            assert country_counts(broker) == per_country(total)
            # The stopped copy's tasks did move, and it learnt it had lost them.
            assert "gained" in copies[1].stderr().split("\n", 1)[1], copies[1].stderr()
            assert "lost" in copies[0].stderr(), copies[0].stderr()


def test_a_copy_frozen_before_it_logs_a_batch_sends_nothing_of_it_when_it_resumes():
    """A copy freezes (it stops itself at the failure point before-offsets:
    it has read a batch's records and not logged their offsets yet) for
    longer than its session timeout; its tasks move to the other copy, which
    claims them in the changelog and counts on. When the frozen copy resumes
    it logs that batch after the new owner's claim (the same batch id for
    other offsets): it finds the claim before any row of the batch leaves,
    drops the task with one line, and nothing it computed counts. The counts
    equal one copy's."""
    d = build("frozen", PER_COUNTRY)
    with TestBroker({"orders": 8, "counts": 8}) as broker:
        copies = [Copy(d, broker, freeze="before-offsets"), Copy(d, broker)]
        with settled_copies(copies, tasks=REPARTITIONED_TASKS):
            broker.produce("orders", orders(0, 100), key_sep="|")
            total = 100
            assert wait_until(copies[0].frozen, timeout=60), copies[0].stderr()
            for _ in range(3):  # read by the other copy only
                broker.produce("orders", orders(total, 100), key_sep="|")
                total += 100
                time.sleep(1)
            assert wait_until(lambda: len(running(copies[1])) == REPARTITIONED_TASKS, timeout=60), copies[1].stderr()
            assert wait_until(lambda: country_counts(broker) == per_country(total), timeout=90), \
                (country_counts(broker), per_country(total))
            copies[0].proc.send_signal(signal.SIGCONT)
            assert wait_until(lambda: "another copy took the task over" in copies[0].stderr(), timeout=60), \
                copies[0].stderr()
            for _ in range(2):
                broker.produce("orders", orders(total, 100), key_sep="|")
                total += 100
                time.sleep(0.5)
            assert wait_until(lambda: country_counts(broker) == per_country(total), timeout=90), \
                (country_counts(broker), per_country(total))
            time.sleep(1)
            assert country_counts(broker) == per_country(total)
            assert copies[0].proc.poll() is None, copies[0].stderr()


def test_console_batches_name_their_task():
    """Each copy prints its own tasks' batches, each header naming the task."""
    d = build("console", FILTER.replace('sink big -> files("out", format: json)', "sink big -> console()"))
    with TestBroker({"orders": 2}) as broker:
        c = Copy(d, broker)
        try:
            assert wait_until(lambda: settled([c], partitions=2), timeout=60), c.stderr()
            broker.produce("orders", [json.dumps({"user": "u1", "qty": 7, "seq": 1})], partition=1)
            assert wait_until(lambda: "|  u1|  7|  1|" in c.out.read_text(), timeout=30), c.out.read_text()
            text = c.out.read_text()
            assert "Batch: 0 (task orders-0)" in text and "Batch: 1 (task orders-1)" in text, text
            assert text.index("Batch: 1 (task orders-1)") < text.index("|  u1|  7|  1|"), text
        finally:
            c.stop()


def test_a_task_whose_changelog_is_damaged_stops_the_copy_naming_it():
    """A record in the changelog that is not a checkpoint file streamc
    wrote: the copy that takes the task stops with one line naming the
    task, the topic, partition and offset (never a guessed state), and
    leaves the group."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kafka"))
    from run import murmur2_partition  # Java's partitioner, as the store places a task
    d = build("damaged_changelog", FILTER)
    with TestBroker({"orders": 1}) as broker:
        c = Copy(d, broker)
        assert wait_until(lambda: settled([c], partitions=1), timeout=60), c.stderr()
        assert c.stop() == 0, c.stderr()
        p = murmur2_partition(b"orders-0", 4)  # the test broker made the changelog topic with 4 partitions
        broker.produce("big-orders-changelog", ["orders-0\tcommits/7|not a checkpoint file"], key_sep="|", partition=p)
        c = Copy(d, broker)
        assert c.proc.wait(timeout=60) == 1, c.stderr()
        lines = c.stderr().strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("p: error: task orders-0: "), lines
        assert f"big-orders-changelog partition {p}" in lines[0] and "offset" in lines[0], lines


def test_a_group_member_runs_continuously():
    d = build("filter_once", FILTER)
    with TestBroker({"orders": 2}) as broker:
        r = subprocess.run(["./p", "--brokers", broker.bootstrap, "--once"], cwd=d, env=env(), capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == 1, r
        assert r.stderr.strip().splitlines() == [
            "p: error: a consumer-group member runs continuously: the partitions it reads change as copies join and "
            "leave, so --once and --available-now have no end to reach"], r.stderr


# The copies have no checkpoint directory: each task's checkpoint is in the
# group's changelog topic (a test may add flags here).
CHECKPOINT = []


def main():
    return harness.run_tests("scaleout", globals())


if __name__ == "__main__":
    sys.exit(main())
