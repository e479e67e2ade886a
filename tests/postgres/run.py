#!/usr/bin/env python3
"""PostgreSQL: the postgres sink and tables against a real PostgreSQL 15
server that this suite starts (tests/lib/postgres_server.py) on 127.0.0.1
and removes afterwards. Every case gets a database of its own.

Golden cases are folders under tests/postgres/cases/:

  case.sdl         the program; it declares `param pg: string`, given --pg <conninfo>
  in/…             files it reads (modification times in name order)
  setup.sql        SQL run before (tables that already exist, rows of a static table)
  check.sql        SQL run after; its output (psql -A -t, one query per line) must
                   equal expected/tables
  args             flags for the binary (default: --once)
  expected/status  exit status if not 0; expected/stderr: lines stderr must contain;
                   expected/stdout: exact stdout

The test_* functions below are the recovery and fault tests: kill -9 at every
failure point and at random instants (tables equal to an uninterrupted
run's), the server down at start and restarted mid-run, a connection lost
around COMMIT, passwords never printed.

`run.py NAME…` runs cases and tests by name; `run.py --list` prints the names;
`run.py --update CASE…` rewrites expected/tables and expected/stdout from a run
(review the diff).
"""
import difflib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))
import harness  # noqa: E402
from postgres_server import PostgresServer  # noqa: E402

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"

SERVER = None


def server():
    global SERVER
    if SERVER is None:
        SERVER = PostgresServer().start()
    return SERVER


def database(name):
    """A fresh database for one case; its conninfo."""
    pg = server()
    db = "t_" + name.lower()
    pg.sql(f"drop database if exists {db}")
    pg.sql(f"create database {db}")
    return pg.conninfo.replace("dbname=postgres", f"dbname={db}")


def psql(conninfo, sql):
    r = subprocess.run(["/usr/lib/postgresql/15/bin/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d",
                        conninfo, "-f", "-"], input=sql, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise AssertionError(f"psql failed: {r.stderr}")
    return r.stdout


def copy_inputs(case: Path, work: Path):
    for item in case.iterdir():
        if item.name == "expected":
            continue
        if item.is_dir():
            shutil.copytree(item, work / item.name)
        else:
            shutil.copy2(item, work / item.name)
    base = 1767225600
    for i, p in enumerate(sorted(p for p in work.rglob("*") if p.is_file())):
        os.utime(p, (base + i, base + i))


def run_case(case: Path, update=False):
    work = harness.fresh_dir("postgres", case.name)
    copy_inputs(case, work)
    conninfo = database(case.name)
    if (case / "setup.sql").exists():
        psql(conninfo, (case / "setup.sql").read_text())
    c = harness.compile_sdl("case.sdl", "prog", work)
    if c.returncode != 0:
        return [f"compile failed ({c.returncode}):\n{c.stderr}"]
    args = (case / "args").read_text().split() if (case / "args").exists() else ["--once"]
    r = subprocess.run(["./prog", *args, "--pg", conninfo], cwd=work, env=harness.env(), capture_output=True,
                       text=True, timeout=120)
    problems = []
    expected = case / "expected"
    if update:
        expected.mkdir(exist_ok=True)
        if r.stdout:
            (expected / "stdout").write_text(r.stdout)
        if (case / "check.sql").exists():
            (expected / "tables").write_text(psql(conninfo, (case / "check.sql").read_text()))
    want_status = int((expected / "status").read_text()) if (expected / "status").exists() else 0
    if r.returncode != want_status:
        problems.append(f"exit status {r.returncode}, expected {want_status}; stderr:\n{r.stderr}")
    if (expected / "stdout").exists() and r.stdout != (expected / "stdout").read_text():
        diff = difflib.unified_diff((expected / "stdout").read_text().splitlines(True), r.stdout.splitlines(True),
                                    "expected/stdout", "actual stdout")
        problems.append("stdout differs:\n" + "".join(diff))
    if (expected / "stderr").exists():
        for line in (expected / "stderr").read_text().splitlines():
            if line and line not in r.stderr:
                problems.append(f"stderr lacks {line!r}; stderr was:\n{r.stderr}")
    if (case / "check.sql").exists():
        got = psql(conninfo, (case / "check.sql").read_text())
        want = (expected / "tables").read_text() if (expected / "tables").exists() else ""
        if got != want:
            diff = difflib.unified_diff(want.splitlines(True), got.splitlines(True), "expected/tables", "tables")
            problems.append("tables differ:\n" + "".join(diff))
    return problems


# ---------------------------------------------------------------- recovery

FILES = 12
# An aggregation upserted on its key, and rows appended: both must equal an
# uninterrupted run's after any number of kill -9.
UPDATE = """param pg: string = ""
schema W { word: string, n: int }
source words = files("in/*.json", format: json, schema: W, max_files_per_batch: 1)
stream counts = words |> group_by(word) |> aggregate(count() as c, sum(n) as s)
sink counts -> postgres(pg, table: "counts", key: (word)) mode update checkpoint "chk"
"""
APPEND = """param pg: string = ""
schema W { word: string, n: int }
source words = files("in/*.json", format: json, schema: W, max_files_per_batch: 1)
stream rows = words |> filter(n % 3 != 0) |> select(word, n, n * 2 as twice)
sink rows -> postgres(pg, table: "rows") checkpoint "chk"
"""
PROGRAMS = {"update": (UPDATE, "select word, c, s from counts order by word"),
            "append": (APPEND, "select word, n, twice, count(*) from rows group by 1, 2, 3 order by 1, 2, 3")}
POINTS = ["after-offsets", "before-commit", "mid-state-snapshot", "postgres-after-claim",
          "postgres-before-commit", "postgres-after-commit"]


def write_inputs(d: Path, files, first=0):
    (d / "in").mkdir(exist_ok=True)
    for i in range(first, first + files):
        rnd = random.Random(i)
        p = d / "in" / f"{i:03d}.json"
        p.write_text("".join(f'{{"word":"w{rnd.randrange(7)}","n":{rnd.randrange(100)}}}\n' for _ in range(5)))
        os.utime(p, (1_700_000_000 + i, 1_700_000_000 + i))


def setup(name, kind, files=FILES):
    d = harness.fresh_dir("postgres", name)
    write_inputs(d, files)
    (d / "p.sdl").write_text(PROGRAMS[kind][0])
    c = harness.compile_sdl(d / "p.sdl", d / "p", d)
    assert c.returncode == 0, c.stderr
    return d, database(name)


env = harness.wall_clock_env


def cmd(conninfo):
    return ["./p", "--available-now", "--snapshot-every", "4", "--pg", conninfo]


def table(kind, conninfo):
    return psql(conninfo, PROGRAMS[kind][1])


def reference(kind, files=FILES, name=None):
    d, conninfo = setup(name or f"{kind}_ref", kind, files)
    r = subprocess.run(cmd(conninfo), cwd=d, env=env(), capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    out = table(kind, conninfo)
    assert out.count("\n") >= 7, out
    return out


def crash_at_points(kind):
    expected = reference(kind)
    for point in POINTS:
        if point == "mid-state-snapshot" and kind == "append":
            continue  # no state
        d, conninfo = setup(f"{kind}_{point.replace('-', '_')}", kind)
        crashes = 0
        for _ in range(4 * FILES):
            r = subprocess.run(cmd(conninfo), cwd=d, env=env(f"{point}:2"), capture_output=True, text=True,
                               timeout=120)
            if r.returncode == 0:
                break
            assert r.returncode == -signal.SIGKILL, (point, r.returncode, r.stderr)
            crashes += 1
        else:
            raise AssertionError(f"{point}: never finished")
        assert crashes >= 3, f"{point}: {crashes} crashes; last stderr: {r.stderr}; table: {table(kind, conninfo)}"
        got = table(kind, conninfo)
        assert got == expected, f"{kind} {point}: table after {crashes} crashes differs:\n{got}\n---\n{expected}"


def crash_at_random(kind, kills=8):
    files = 30
    d, conninfo = setup(f"{kind}_random", kind, files)
    rnd = random.Random(kind)
    killed = 0
    for _ in range(10):
        for _ in range(200):
            p = subprocess.Popen(cmd(conninfo), cwd=d, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 text=True)
            if killed < kills:
                time.sleep(rnd.uniform(0.005, 0.15))
                if p.poll() is None:
                    p.send_signal(signal.SIGKILL)
                    killed += 1
            _, err = p.communicate(timeout=120)
            if p.returncode == 0:
                break
            assert p.returncode == -signal.SIGKILL, (p.returncode, err)
        else:
            raise AssertionError("never finished")
        if killed >= kills:
            break
        write_inputs(d, 10, first=files)  # the run got through everything: more input
        files += 10
    expected = reference(kind, files, name=f"{kind}_random_ref")
    got = table(kind, conninfo)
    assert got == expected, f"{kind}: after {killed} random kills the table differs:\n{got}\n---\n{expected}"
    assert killed >= kills, killed


def test_update_survives_every_failure_point():
    crash_at_points("update")


def test_append_survives_every_failure_point():
    crash_at_points("append")


def test_random_kill_9():
    crash_at_random("update")
    crash_at_random("append")


# ---------------------------------------------------------------- faults

GEN = """param pg: string = ""
source ticks = generate(rows_per_batch: 50, total_rows: 1500)
stream rows = ticks |> select(value, value % 7 as bucket)
sink rows -> postgres(pg, table: "ticks") checkpoint "chk"
"""


def generated_run(name, conninfo_for_binary=None):
    d = harness.fresh_dir("postgres", name)
    (d / "p.sdl").write_text(GEN)
    c = harness.compile_sdl(d / "p.sdl", d / "p", d)
    assert c.returncode == 0, c.stderr
    conninfo = database(name)
    return d, conninfo


def check_ticks(conninfo):
    got = psql(conninfo, "select count(*), count(distinct value), min(value), max(value) from ticks")
    assert got == "1500|1500|0|1499\n", got


def test_server_restarted_mid_run():
    """A continuous run (batches every 100 ms, so 1,500 rows take about
    three seconds) meets the server going away and coming back mid-run; it
    retries, loses and doubles nothing, and stops cleanly on SIGTERM."""
    d, conninfo = generated_run("server_restart")
    pg = server()
    p = subprocess.Popen(["./p", "--batch", "100ms", "--pg", conninfo], cwd=d, env=env(),
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def rows():
        try:  # the table appears when the binary starts
            return int(psql(conninfo, "select count(*) from ticks"))
        except AssertionError:
            return 0

    try:
        deadline = time.time() + 60
        while time.time() < deadline and p.poll() is None and rows() < 200:  # some batches are in
            time.sleep(0.05)
        # Freeze the binary while the server goes down, so that it meets a
        # lost server mid-run however fast or slow this machine is.
        p.send_signal(signal.SIGSTOP)
        n = rows()
        assert 0 < n < 1500, f"the run was not mid-way when the server went down: {n} rows"
        pg.stop()
        p.send_signal(signal.SIGCONT)
        time.sleep(1.5)
        pg.start()
        deadline = time.time() + 120
        while time.time() < deadline and p.poll() is None and rows() < 1500:
            time.sleep(0.1)
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.send_signal(signal.SIGCONT)
            p.kill()
            p.wait()
    assert p.returncode == 0, err
    assert "retrying" in err, err
    check_ticks(conninfo)


def test_server_down_at_start():
    d, conninfo = generated_run("server_down")
    pg = server()
    pg.stop()
    p = subprocess.Popen(["./p", "--available-now", "--pg", conninfo], cwd=d, env=env(),
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.5)
        assert p.poll() is None, "the binary gave up while the server was down"
        pg.start()
        _, err = p.communicate(timeout=120)
    finally:
        if not pg.running:
            pg.start()
        if p.poll() is None:
            p.kill()
            p.wait()
    assert p.returncode == 0, err
    lines = [l for l in err.splitlines() if "cannot connect" in l]
    assert lines and "retrying" in lines[0], err
    check_ticks(conninfo)


def test_a_table_another_session_creates_meanwhile_is_used():
    """Copies in a group create a missing table at once; PostgreSQL's CREATE
    TABLE IF NOT EXISTS fails for the one that loses (a unique violation in
    the catalog). Here another session holds the table's creation open while
    the binary creates it too, then commits: the binary looks again, finds
    the table, checks its columns and writes its rows."""
    d, conninfo = setup("create_race", "append")
    holder = subprocess.Popen(["/usr/lib/postgresql/15/bin/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d",
                               conninfo],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    p = None
    try:
        holder.stdin.write("BEGIN;\nCREATE TABLE rows (word text NOT NULL, n bigint NOT NULL, twice bigint NOT NULL);\n"
                           "SELECT 'created';\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "created"
        p = subprocess.Popen(cmd(conninfo), cwd=d, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True)
        # The binary's CREATE waits on the open transaction's catalog rows.
        assert wait_until_blocked(conninfo), "the binary did not wait on the other session's CREATE TABLE"
        holder.stdin.write("COMMIT;\n")
        holder.stdin.close()
        assert holder.wait(timeout=60) == 0, holder.stderr.read()
        _, err = p.communicate(timeout=120)
    finally:
        for proc in (holder, p):
            if proc and proc.poll() is None:
                proc.kill()
                proc.wait()
    assert p.returncode == 0, err
    assert table("append", conninfo) == reference("append", name="create_race_ref")


def wait_until_blocked(conninfo, timeout=30):
    """Whether a session of the database waits on a lock within `timeout`."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if psql(conninfo, "select count(*) from pg_stat_activity where datname = current_database() "
                          "and wait_event_type = 'Lock';").strip() != "0":
            return True
        time.sleep(0.1)
    return False


class DropAtCommit:
    """A TCP proxy to the server that breaks the client's connection when
    the client sends COMMIT, once: `forward` decides whether the COMMIT
    reaches the server first (it commits; the client never hears so) or
    not (the server rolls back)."""

    def __init__(self, port, forward):
        self.target = port
        self.forward = forward
        self.dropped = 0
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            cut = threading.Event()  # set: nothing more of this connection reaches the client
            threading.Thread(target=self.pipe, args=(client, upstream, True, cut), daemon=True).start()
            threading.Thread(target=self.pipe, args=(upstream, client, False, cut), daemon=True).start()

    def pipe(self, src, dst, from_client, cut):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if from_client and self.dropped == 0 and b"Q\x00\x00\x00\x0bCOMMIT\x00" in data:
                    self.dropped += 1
                    cut.set()
                    if self.forward:
                        dst.sendall(data)
                        time.sleep(0.5)  # the server commits; its answer is lost
                    for s in (src, dst):
                        s.shutdown(socket.SHUT_RDWR)
                    return
                if not from_client and cut.is_set():
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def close(self):
        self.sock.close()


def commit_lost(name, forward):
    d, conninfo = generated_run(name)
    proxy = DropAtCommit(server().port, forward)
    try:
        via = conninfo.replace(f"port={server().port}", f"port={proxy.port}")
        r = subprocess.run(["./p", "--available-now", "--pg", via], cwd=d, env=env(), capture_output=True, text=True,
                           timeout=120)
    finally:
        proxy.close()
    assert proxy.dropped == 1
    assert r.returncode == 0, r.stderr
    assert "the claim decides whether its COMMIT landed" in r.stderr, r.stderr
    check_ticks(conninfo)


def test_connection_lost_after_commit_reached_the_server():
    commit_lost("commit_landed", True)


def test_connection_lost_before_commit_reached_the_server():
    commit_lost("commit_lost", False)


def test_password_is_never_printed():
    d, conninfo = generated_run("password")
    secret = "hunter2-secret"
    (d / "p.sdl").write_text(GEN.replace("total_rows: 1500", "total_rows: 100"))
    assert harness.compile_sdl(d / "p.sdl", d / "p", d).returncode == 0
    with_password = conninfo + f" password={secret}"  # trust auth ignores it
    r = subprocess.run(["./p", "--once", "--progress", "-", "--pg", with_password], cwd=d, env=env(),
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "PostgresSink[ticks at " in r.stdout, r.stdout
    # and in messages: a table the rows do not fit
    psql(conninfo, "drop table ticks; create table ticks (value text, bucket bigint)")
    uri = f"postgresql://postgres:{secret}@127.0.0.1:{server().port}/" + conninfo.split("dbname=")[1].split()[0]
    r2 = subprocess.run(["./p", "--once", "--pg", uri], cwd=d, env=env(), capture_output=True, text=True, timeout=120)
    assert r2.returncode == 1 and "column value is text" in r2.stderr, r2.stderr
    for text in (r.stdout, r.stderr, r2.stdout, r2.stderr):
        assert secret not in text, text
    for f in (d / "chk").rglob("*"):
        if f.is_file():
            assert secret.encode() not in f.read_bytes(), f


def test_example_postgres_totals():
    """examples/postgres_totals.sdl as the README runs it, twice: the second
    run (same checkpoint, nothing new) changes nothing."""
    d = harness.fresh_dir("postgres", "example")
    shutil.copy(harness.SOURCE_DIR / "examples" / "postgres_totals.sdl", d / "totals.sdl")
    shutil.copytree(harness.SOURCE_DIR / "examples" / "events", d / "events")
    assert harness.compile_sdl(d / "totals.sdl", d / "totals", d).returncode == 0
    conninfo = database("example")
    for _ in range(2):
        r = subprocess.run(["./totals", "--pg", conninfo, "--available-now"], cwd=d, env=env(), capture_output=True,
                           text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        got = psql(conninfo, "select * from country_totals order by country; select count(*) from events;")
        assert got == "de|2|5\nfr|1|5\npt|2|3\n5\n", got


# ---------------------------------------------------------------- main

def names():
    cases = sorted(p.name for p in CASES.iterdir() if (p / "case.sdl").exists())
    tests = sorted(n for n in globals() if n.startswith("test_"))
    return cases, tests


def main():
    cases, tests = names()
    if "--list" in sys.argv:
        print("\n".join(cases + tests))
        return 0
    wanted = [a for a in sys.argv[1:] if not a.startswith("--")]
    failed = passed = 0
    try:
        for name in cases + tests:
            if wanted and name not in wanted:
                continue
            t = time.time()
            try:
                if name in cases:
                    problems = run_case(CASES / name, "--update" in sys.argv)
                else:
                    globals()[name]()
                    problems = []
            except Exception as e:  # noqa: BLE001
                problems = [f"{type(e).__name__}: {e}"]
            harness.case_done(not problems)
            if problems:
                failed += 1
                print(f"FAIL {name}")
                for p in problems:
                    print("  " + p.replace("\n", "\n  "))
            else:
                passed += 1
                print(f"ok   {name} ({time.time() - t:.1f}s)")
    finally:
        if SERVER is not None:
            SERVER.close()
    print(f"postgres: {passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
