#!/usr/bin/env python3
"""Recovery: programs with a checkpoint are killed (named failure points via
STREAMC_FAIL_AT, and kill -9 at random instants), restarted with the same
command each time, and their committed output (`streamc read`) must equal
an uninterrupted run's: nothing lost, nothing twice. Damaged checkpoints and
changed plans stop with one clear error. Each test_* function is one case."""
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))
import harness  # noqa: E402

FILES = 36
POINTS = ["after-offsets", "mid-sink-write", "before-commit", "mid-state-snapshot"]

AGG = """schema W { word: string, n: int }
source words = files("in/*.json", format: json, schema: W, max_files_per_batch: 1)
stream counts = words
  |> group_by(word)
  |> aggregate(count() as c, sum(n) as s)
sink counts -> files("out", format: json) mode update checkpoint "chk"
"""

FLAT = """schema Doc { id: int, items: [{k: string, v: int}] }
source docs = files("in/*.json", format: json, schema: Doc, max_files_per_batch: 1)
stream rows = docs
  |> explode(items as it)
  |> select(id, it.k as k, it.v as v)
sink rows -> files("out", format: json) checkpoint "chk"
"""

# Event-time windows: out-of-order events, some later than the watermark
# (dropped), windows emitted once when the watermark passes their end.
WIN = """schema E { user: string, ts: timestamp }
source events = files("in/*.json", format: json, schema: E, max_files_per_batch: 1)
stream counts = events
  |> watermark(ts, 20s)
  |> group_by(window(ts, 30s), user)
  |> aggregate(count() as n)
sink counts -> files("out", format: json) mode append checkpoint "chk"
"""
# A DStream window with an inverse function over the "agg" inputs read as
# text: each batch's word counts, summed over the last 4 batches.
DWIN = """source lines = files("in/*.json", format: text, max_files_per_batch: 1)
stream words = lines |> map(l -> (substr(l, 10, 2), 1))
stream counts = words |> reduce_by_key_and_window((a, b) -> a + b, 4s, 1s, (a, b) -> a - b)
sink counts -> files("out", format: json) checkpoint "chk"
"""

# Impressions and clicks a few minutes apart, one file of each per batch:
# rows of either side wait in the join's state for rows of later batches.
JOIN = """schema Imp { ad: string, imp_time: timestamp }
schema Clk { ad: string, click_time: timestamp }
source imps = files("imp/*.json", format: json, schema: Imp, max_files_per_batch: 1)
source clks = files("clk/*.json", format: json, schema: Clk, max_files_per_batch: 1)
stream joined = imps
  |> watermark(imp_time, 2m)
  |> join(clks |> watermark(click_time, 2m), on: ad, kind: left, within: 5m)
sink joined -> files("out", format: json) checkpoint "chk"
"""
# map_groups_with_state with processing-time timeouts: a word's tally is
# closed (written once more with "closed": true, its state removed) in the
# first batch more than 2.5 s after the last one that had the word. It runs
# under the test clock, where batch N's time depends on N only, so the
# timeouts, like the data, are the same in every run; a restart must bring
# back each word's state and its pending timeout.
GS = """schema W { word: string, n: int }
schema Tally { count: int, total: int }
source words = files("in/*.json", format: json, schema: W, max_files_per_batch: 1)
stream tallies = words
  |> group_by(word)
  |> map_groups_with_state((word, rows, state) ->
       if state.has_timed_out then
         ({word: word, count: state.value.count ?? 0, total: state.value.total ?? 0, closed: true}, remove(state))
       else
         ({word: word, count: (state.value.count ?? 0) + size(rows.n), total: (state.value.total ?? 0) + sum(rows.n),
           closed: false},
          set_timeout_duration(update(state, {count: (state.value.count ?? 0) + size(rows.n),
                                              total: (state.value.total ?? 0) + sum(rows.n)}), 2500ms)),
     state: Tally, timeout: processing_time)
sink tallies -> files("out", format: json) mode update checkpoint "chk"
"""
PROGRAMS = {"agg": AGG, "flat": FLAT, "win": WIN, "dwin": DWIN, "join": JOIN, "gs": GS}
# State objects, each writing a file per batch: a join has two watermarks and two sides.
STATES = {"agg": 1, "flat": 0, "win": 2, "dwin": 1, "join": 4, "gs": 1}
# Programs whose output depends on the batches' processing times run under the test clock.
TEST_CLOCK = {"gs"}
# The aggregation and the flattening read their source a piece at a time
# (--dump-after=plan says so); "…_pieces" runs them with two files a
# batch and every file a piece (STREAMC_TEST_PIECE_BYTES=1), so that a
# crash can come between pieces and a re-run reads a logged batch in pieces.
for kind in ("agg", "flat"):
    PROGRAMS[kind + "_pieces"] = PROGRAMS[kind].replace("max_files_per_batch: 1", "max_files_per_batch: 2")
    STATES[kind + "_pieces"] = STATES[kind]


def write_join_inputs(d: Path, files, first):
    rnd = random.Random(11 + first)
    for side in ("imp", "clk"):
        (d / side).mkdir(exist_ok=True)
    for i in range(first, first + files):
        base = 1_767_225_600 + 60 * i
        imps = [f'{{"ad":"k{rnd.randrange(20)}","imp_time":{base + rnd.randrange(60)}}}' for _ in range(5)]
        clks = [f'{{"ad":"k{rnd.randrange(20)}","click_time":{base - rnd.randrange(300)}}}' for _ in range(3)]
        for side, lines in (("imp", imps), ("clk", clks)):
            p = d / side / f"{i:03d}.json"
            p.write_text("\n".join(lines) + "\n")
            os.utime(p, (1_700_000_000 + i, 1_700_000_000 + i))


def write_inputs(d: Path, kind: str, files=FILES, first=0):
    kind = kind.removesuffix("_pieces")
    if kind == "join":
        write_join_inputs(d, files, first)
        return
    (d / "in").mkdir(exist_ok=True)
    rnd = random.Random(7 + first)
    for i in range(first, first + files):
        p = d / "in" / f"{i:03d}.json"
        lines = []
        for j in range(5):
            if kind in ("agg", "dwin"):
                lines.append(f'{{"word":"w{rnd.randrange(7)}","n":{rnd.randrange(100)}}}')
            elif kind == "gs":  # 3 of 12 words per file: a word is often missing long enough to time out
                if j < 3:
                    lines.append(f'{{"word":"w{rnd.randrange(12)}","n":{rnd.randrange(100)}}}')
            elif kind == "win":  # each file's events depend on its number only
                one = random.Random(i * 100 + j)
                ts = 1_790_000_000 + i * 10 + one.randrange(-35, 6)
                lines.append(f'{{"user":"u{one.randrange(3)}","ts":{ts}}}')
            else:
                items = ",".join(f'{{"k":"k{rnd.randrange(5)}","v":{rnd.randrange(50)}}}' for _ in range(rnd.randrange(4)))
                lines.append(f'{{"id":{i * 10 + j},"items":[{items}]}}')
        p.write_text("\n".join(lines) + "\n")
        os.utime(p, (1_700_000_000 + i, 1_700_000_000 + i))


def setup(name, kind, program=None, files=FILES):
    d = harness.fresh_dir("recovery", name)
    write_inputs(d, kind, files)
    (d / "p.sdl").write_text(program or PROGRAMS[kind])
    if kind in TEST_CLOCK:
        (d / ".test_clock").touch()
    if kind.endswith("_pieces"):
        (d / ".pieces").touch()
    c = harness.compile_sdl(d / "p.sdl", d / "p", d)
    assert c.returncode == 0, c.stderr
    return d


def env(fail=None, d=None):
    """The wall clock, or the test clock for a program set up with it."""
    e = harness.wall_clock_env(fail)
    if d is not None and (d / ".test_clock").exists():
        e["STREAMC_TEST_CLOCK"] = harness.TEST_CLOCK
    if d is not None and (d / ".pieces").exists():
        e["STREAMC_TEST_PIECE_BYTES"] = "1"
    return e


SNAPSHOT_EVERY = 5
CMD = ["./p", "--available-now", "--snapshot-every", str(SNAPSHOT_EVERY)]


def run(d, fail=None, cmd=None):
    return subprocess.run(cmd or CMD, cwd=d, env=env(fail, d), capture_output=True, text=True, timeout=120)


def read_output(d):
    r = subprocess.run([harness.STREAMC, "read", "out"], cwd=d, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


def reference(name, kind, files=FILES):
    d = setup(name + "_ref", kind, files=files)
    r = run(d)
    assert r.returncode == 0, r.stderr
    out = read_output(d)
    assert out.count("\n") > (FILES if kind != "win" else FILES // 2), out
    if kind == "dwin":
        assert '["w' in out, out
    return out


def crash_at_points(name, kind, expected):
    # A program without state never writes a state file.
    for point in POINTS if STATES[kind] else [p for p in POINTS if p != "mid-state-snapshot"]:
        d = setup(f"{name}_{point}", kind)
        crashes = 0
        # Every state writes a file per batch: crash in the third batch of each run.
        hits = 3 * STATES[kind] if point == "mid-state-snapshot" else 3
        for _ in range(4 * FILES):
            r = run(d, fail=f"{point}:{hits}")
            if r.returncode == 0:
                break
            assert r.returncode == -signal.SIGKILL, (point, r.returncode, r.stderr)
            crashes += 1
        else:
            raise AssertionError(f"{point}: never finished")
        assert crashes >= 5, (point, crashes)
        got = read_output(d)
        assert got == expected, f"{point}: output after {crashes} crashes differs:\n{got}\n---\n{expected}"


RANDOM_FILES = 60


def crash_at_random(name, kind, kills=20):
    """kill -9 at random instants until `kills` kills; when the input runs
    out first (a loaded machine lets a run get far), more files arrive.
    Then the committed output must equal an uninterrupted run's over the
    same files."""
    d = setup(name + "_random", kind, files=RANDOM_FILES)
    rnd = random.Random(name)
    killed = 0
    files = RANDOM_FILES
    for _ in range(20):
        for _ in range(200):
            p = subprocess.Popen(CMD, cwd=d, env=env(d=d), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if killed < kills:
                time.sleep(rnd.uniform(0.001, 0.03))
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
        write_inputs(d, kind, 20, first=files)
        files += 20
    ref = harness.fresh_dir("recovery", name + "_random_ref")
    shutil.copytree(d / "in", ref / "in")
    for f in (d / "in").iterdir():
        st = f.stat()
        os.utime(ref / "in" / f.name, (st.st_atime, st.st_mtime))
    (ref / "p.sdl").write_text((d / "p.sdl").read_text())
    if kind in TEST_CLOCK:
        (ref / ".test_clock").touch()
    assert harness.compile_sdl(ref / "p.sdl", ref / "p", ref).returncode == 0
    r = run(ref)
    assert r.returncode == 0, r.stderr
    expected = read_output(ref)
    got = read_output(d)
    assert got == expected, f"random kills ({killed}): output differs:\n{got}\n---\n{expected}"
    return killed


def test_aggregation_survives_every_failure_point():
    crash_at_points("agg", "agg", reference("agg", "agg"))


def test_flattening_survives_every_failure_point():
    crash_at_points("flat", "flat", reference("flat", "flat"))


def test_reading_in_pieces_survives_every_failure_point():
    """Batches of two files read one file at a time, crashed at every
    point: the output equals that of each batch read whole, so a re-run's
    pieces are its logged files, each once."""
    for kind in ("agg_pieces", "flat_pieces"):
        d = setup(kind + "_whole", kind)
        (d / ".pieces").unlink()  # each batch read whole: the reference
        r = run(d)
        assert r.returncode == 0, r.stderr
        expected = read_output(d)
        assert expected.count("\n") > FILES, expected
        crash_at_points(kind, kind, expected)


def test_windows_survive_every_failure_point():
    expected = reference("win", "win")
    assert '"window":{"start":' in expected, expected
    crash_at_points("win", "win", expected)


def test_incremental_dstream_window_survives_every_failure_point():
    crash_at_points("dwin", "dwin", reference("dwin", "dwin"))


def test_windows_continue_across_a_restart():
    """Half the events, a finished run, then the other half and a restart:
    the windows, the watermark and the late-row decisions continue, and the
    committed output equals one run over all the events."""
    expected = reference("win_halves", "win")
    d = setup("win_halves", "win", files=FILES // 2)
    r = run(d)
    assert r.returncode == 0, r.stderr
    first = read_output(d)
    write_inputs(d, "win", FILES - FILES // 2, first=FILES // 2)
    r = run(d)
    assert r.returncode == 0, r.stderr
    got = read_output(d)
    assert got.startswith(first) and len(got) > len(first), (first, got)
    assert got == expected, f"restarted windows differ:\n{got}\n---\n{expected}"


def test_stream_join_survives_every_failure_point():
    crash_at_points("join", "join", reference("join", "join"))


def test_stream_join_restart_keeps_buffered_rows():
    """An impression buffered before a restart meets its click after it; an
    impression without a click is written with a null click once the
    watermark passes it, also after a restart."""
    d = harness.fresh_dir("recovery", "join_restart")
    (d / "p.sdl").write_text(JOIN)
    assert harness.compile_sdl(d / "p.sdl", d / "p", d).returncode == 0
    batches = [
        (['{"ad":"a","imp_time":"2026-11-24T12:00:00Z"}', '{"ad":"b","imp_time":"2026-11-24T12:01:00Z"}'],
         ['{"ad":"z","click_time":"2026-11-24T12:00:00Z"}']),
        (['{"ad":"c","imp_time":"2026-11-24T12:20:00Z"}'], ['{"ad":"a","click_time":"2026-11-24T12:04:00Z"}',
                                                             '{"ad":"y","click_time":"2026-11-24T12:20:00Z"}']),
    ]
    for side in ("imp", "clk"):
        (d / side).mkdir()
    for i, batch in enumerate(batches):
        for side, lines in (("imp", batch[0]), ("clk", batch[1])):
            p = d / side / f"{i}.json"
            p.write_text("\n".join(lines) + "\n")
            os.utime(p, (1_700_000_000 + i, 1_700_000_000 + i))
    r = run(d, cmd=["./p", "--max-batches", "1"])
    assert r.returncode == 0, r.stderr
    assert read_output(d) == "", read_output(d)
    assert (d / "chk" / "state" / "stream_join#0.left").exists()
    r = run(d)
    assert r.returncode == 0, r.stderr
    got = read_output(d).splitlines()
    # Batch 1 matches a (buffered in batch 0) with its click; its watermark
    # is 11:58, so nothing is evicted yet. The final no-data batch has the
    # watermark 12:18 (12:20 - 2m on both sides): b (12:01 + 5m) is evicted
    # without a match and written with a null click; c waits.
    assert got == ['{"ad":"a","imp_time":"2026-11-24T12:00:00Z","click_time":"2026-11-24T12:04:00Z"}',
                   '{"ad":"b","imp_time":"2026-11-24T12:01:00Z","click_time":null}'], got


def test_random_kill_9():
    n = crash_at_random("agg", "agg") + crash_at_random("flat", "flat")
    assert n >= 30, n


def finished(name, kind="agg", program=None):
    d = setup(name, kind, program)
    r = run(d)
    assert r.returncode == 0, r.stderr
    return d


def test_damaged_checkpoint_files_are_named():
    base = finished("damaged_base")
    chk = base / "chk"
    last = max(int(p.name) for p in (chk / "commits").iterdir() if not p.name.startswith("."))
    state = chk / "state" / "aggregate#0" / "0"
    version = last + 1
    assert version % SNAPSHOT_EVERY != 0, version
    # The files source's log: the newest compact file a restart reads and a
    # batch log after it (older batch logs were compacted away).
    compacts = [int(p.name.split(".")[0]) for p in (chk / "sources" / "words").glob("*.compact")]
    newest = max(c for c in compacts if c <= last)
    assert last > newest and not (chk / "sources" / "words" / "3").exists(), (last, newest)
    victims = ["chk/metadata", f"chk/offsets/{last}", f"chk/commits/{last}", f"chk/sources/words/{newest}.compact",
               f"chk/sources/words/{last}",
               f"chk/state/aggregate#0/0/{version}.delta",
               f"chk/state/aggregate#0/0/{version // SNAPSHOT_EVERY * SNAPSHOT_EVERY}.snapshot", f"out/_streamc/{last}"]
    assert (state / f"{version}.delta").exists()
    for i, victim in enumerate(victims):
        for how in ("truncate", "flip"):
            d = harness.fresh_dir("recovery", f"damaged_{i}_{how}")
            shutil.copytree(base, d, dirs_exist_ok=True)
            f = d / victim
            data = f.read_bytes()
            if how == "truncate":
                f.write_bytes(data[: len(data) // 2])
            else:
                f.write_bytes(data[:5] + bytes([data[5] ^ 1]) + data[6:])
            r = run(d)
            assert r.returncode == 1, (victim, how, r.returncode, r.stderr)
            lines = r.stderr.strip().splitlines()
            assert len(lines) == 1 and victim in lines[0] and "damaged" in lines[0], (victim, how, r.stderr)


def test_truncating_any_checkpoint_file():
    """Every file of a finished checkpoint (and of the sink's manifest),
    truncated in turn: the restart either never reads it and finishes with
    the same committed output, or stops with one error naming it."""
    base = finished("truncate_any_base")
    expected = read_output(base)
    files = sorted(p.relative_to(base) for sub in ("chk", "out/_streamc") for p in (base / sub).rglob("*")
                   if p.is_file() and not p.name.startswith("."))
    assert len(files) > 100, files
    named = 0
    for i, victim in enumerate(files):
        d = harness.fresh_dir("recovery", f"truncate_any_{i}")
        shutil.copytree(base, d, dirs_exist_ok=True)
        f = d / victim
        f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
        r = run(d)
        if r.returncode == 0:
            # Not read by a restart; `streamc read` reads every manifest entry.
            r = subprocess.run([harness.STREAMC, "read", "out"], cwd=d, capture_output=True, text=True, timeout=60)
            if r.returncode == 0:
                assert r.stdout == expected, victim
                shutil.rmtree(d)
                continue
        lines = r.stderr.strip().splitlines()
        assert r.returncode == 1 and len(lines) == 1, (str(victim), r.returncode, r.stderr)
        assert str(victim) in lines[0] and "damaged" in lines[0], (str(victim), r.stderr)
        named += 1
        shutil.rmtree(d)
    # metadata, the last offsets and commit, every source log, the state
    # the restart loads and the last manifest entry at least.
    assert named > FILES, named


def test_killed_mid_background_snapshot():
    """A kill half way through a snapshot (written in the background, beside
    the delta of its version): restarts go on from the older snapshot and
    the deltas, and the output equals an uninterrupted run's."""
    for kind in ("agg", "win"):
        expected = reference(f"bgsnap_{kind}", kind)
        d = setup(f"bgsnap_{kind}_killed", kind)
        for n in (1, 2):
            r = run(d, fail=f"mid-background-snapshot:{n}")
            assert r.returncode == -signal.SIGKILL, (kind, n, r.returncode, r.stderr)
            assert list((d / "chk" / "state").rglob(".*.snapshot.tmp")), kind
        r = run(d)
        assert r.returncode == 0, r.stderr
        assert read_output(d) == expected, kind


def test_changed_plan():
    d = finished("changed_plan")
    changed = AGG.replace("group_by(word)", "group_by(n)")
    (d / "p2.sdl").write_text(changed)
    assert harness.compile_sdl(d / "p2.sdl", d / "p2", d).returncode == 0
    r = run(d, cmd=["./p2", "--available-now"])
    assert r.returncode == 1, r.stderr
    assert "keys changed from (word:string) to (n:int)" in r.stderr, r.stderr
    # (Another aggregate: tests/unit/runtime/checkpoint_test.cpp, describe_plan_change.)
    # A filter added (and a sink option) is a plan the state can follow.
    compatible = AGG.replace("  |> group_by(word)", "  |> filter(n >= 0)\n  |> group_by(word)")
    (d / "p4.sdl").write_text(compatible)
    assert harness.compile_sdl(d / "p4.sdl", d / "p4", d).returncode == 0
    p = d / "in" / "999.json"
    p.write_text('{"word":"w1","n":5}\n')
    r = run(d, cmd=["./p4", "--available-now"])
    assert r.returncode == 0, r.stderr
    assert read_output(d).splitlines()[-1].startswith('{"word":"w1","c":'), read_output(d)


def test_restart_continues_batch_ids_and_state():
    d = finished("continues")
    before = read_output(d)
    (d / "in" / "998.json").write_text('{"word":"w0","n":1}\n')
    r = run(d)
    assert r.returncode == 0, r.stderr
    after = read_output(d)
    assert after.startswith(before)
    new = after[len(before):].splitlines()
    assert len(new) == 1 and new[0].startswith('{"word":"w0","c":'), new
    count = sum(1 for l in before.splitlines() if l.startswith('{"word":"w0"'))
    assert count > 0
    assert (d / "out" / f"part-{FILES:05d}.json").exists()


def test_group_state_survives_every_failure_point():
    expected = reference("gs", "gs")
    assert expected.count('"closed":true') >= 10, expected
    crash_at_points("gs", "gs", expected)


def test_group_state_random_kill_9():
    assert crash_at_random("gs", "gs", kills=15) >= 15


def test_group_state_timeouts_pending_across_a_restart():
    """Stopped after 8 batches and restarted: words whose last rows came
    before the stop time out after the restart, from the restored state."""
    expected = reference("gs_restart", "gs")
    d = setup("gs_restart", "gs")
    r = run(d, cmd=["./p", "--available-now", "--max-batches", "8"])
    assert r.returncode == 0, r.stderr
    first = read_output(d)
    r = run(d)
    assert r.returncode == 0, r.stderr
    got = read_output(d)
    assert got.startswith(first) and got == expected, f"restarted:\n{got}\n---\n{expected}"
    open_words = {line.split('"')[3] for line in first.splitlines() if '"closed":false' in line}
    closed_after = {line.split('"')[3] for line in got[len(first):].splitlines() if '"closed":true' in line}
    assert open_words & closed_after, (open_words, closed_after)


def main():
    names = [a for a in sys.argv[1:] if not a.startswith("--")]
    tests = [(n, f) for n, f in sorted(globals().items()) if n.startswith("test_") and (not names or n in names)]
    if "--list" in sys.argv:
        print("\n".join(n for n, _ in tests))
        return 0
    failed = 0
    for name, fn in tests:
        t = time.time()
        try:
            fn()
            print(f"ok   {name} ({time.time() - t:.1f}s)")
            harness.case_done(True)
        except Exception as e:  # noqa: BLE001
            failed += 1
            print(f"FAIL {name}\n  {e}")
            harness.case_done(False)
    print(f"recovery: {len(tests) - failed} passed, {failed} failed")
    return 1 if failed or not tests else 0


if __name__ == "__main__":
    sys.exit(main())
