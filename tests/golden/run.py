#!/usr/bin/env python3
"""Golden end-to-end tests. Each folder under tests/golden/ is one case:

  case.sdl           the program
  input/…            files the program reads (copied into the case's scratch dir)
  socket.txt         if present: served by a local line server; --port is passed
  kafka.txt          if present: a test broker (tests/kafka/test_broker) is started
                     and --brokers is passed. Lines: "topic NAME PARTITIONS" creates a
                     topic; "NAME/PARTITION<TAB>VALUE" or "NAME/PARTITION<TAB>KEY<TAB>VALUE"
                     produces a message there (kcat), in file order
  mtimes             "path epoch-seconds" lines: modification times to set on input
                     files (git does not keep them); other files get times in name order
  args               extra flags for the binary (one line; default: --once)
  run_for            if present: seconds to let a continuous run go on before it is
                     stopped with SIGINT (for output that must not depend on how long
                     a job runs, e.g. no batches without new data)
  streamc_args       extra flags for streamc (one line, e.g. --link udf/geo.cpp;
                     {source} is the repository root)
  env                NAME=VALUE lines: environment of the binary's run (test knobs
                     such as STREAMC_TEST_PIECE_BYTES)
  expected/stdout    what the binary prints (exact)
  expected/<path>    any other file: must exist in the scratch dir with this content
                     (files sinks); a directory listing is compared too
  expected/status    exit status if not 0
  expected/stderr    stderr lines that must appear (each line a substring)
  expected/progress  if present: the binary runs with --progress; one JSON object per
                     batch, each the subset of that batch's progress record it must hold
                     (objects: listed keys; lists: element-wise); the batch count must match

The case is compiled with the real streamc, run with a test clock, and
diffed. `run.py --update [CASE…]` rewrites expected/stdout from a run;
`run.py CASE…` runs those cases only, `run.py --list` names every case.
"""
import difflib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))
import harness  # noqa: E402
import kafka_broker  # noqa: E402

HERE = Path(__file__).resolve().parent


def set_mtimes(case: Path, work: Path):
    base = 1767225600  # 2026-01-01T00:00:00Z
    files = sorted(p for p in work.rglob("*") if p.is_file())
    for i, p in enumerate(files):
        os.utime(p, (base + i, base + i))
    if (case / "mtimes").exists():
        for line in (case / "mtimes").read_text().splitlines():
            if line.strip():
                path, t = line.split()
                os.utime(work / path, (int(t), int(t)))


def start_kafka(spec: Path):
    """A test broker with the topics and messages of a kafka.txt."""
    topics, messages = {}, []
    for line in spec.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("topic "):
            _, name, parts = line.split()
            topics[name] = int(parts)
            continue
        where, *rest = line.split("\t")
        name, part = where.split("/")
        messages.append((name, int(part), rest[0] if len(rest) == 2 else None, rest[-1]))
    broker = kafka_broker.TestBroker(topics)
    group = []
    for m in messages + [None]:  # runs of messages to one partition, keyed or not, go to kcat together
        if group and (m is None or m[:2] != group[0][:2] or (m[2] is None) != (group[0][2] is None)):
            keyed = group[0][2] is not None
            lines = [f"{k}\t{v}" if keyed else v for _, _, k, v in group]
            broker.produce(group[0][0], lines, key_sep="\t" if keyed else None, partition=group[0][1])
            group = []
        if m is not None:
            group.append(m)
    return broker


def holds(want, got) -> bool:
    """Whether `got` (a progress record) holds everything `want` lists."""
    if isinstance(want, dict):
        return isinstance(got, dict) and all(k in got and holds(v, got[k]) for k, v in want.items())
    if isinstance(want, list):
        return isinstance(got, list) and len(want) == len(got) and all(holds(w, g) for w, g in zip(want, got))
    return want == got


def progress_problems(want_file: Path, got_file: Path):
    want = [json.loads(line) for line in want_file.read_text().splitlines() if line.strip()]
    got = [json.loads(line) for line in got_file.read_text().splitlines()] if got_file.exists() else []
    if len(want) != len(got):
        return [f"{len(got)} progress records (batches), expected {len(want)}:\n" + "\n".join(map(json.dumps, got))]
    return [f"progress of batch {i} lacks {json.dumps(w)}:\n{json.dumps(g)}" for i, (w, g) in enumerate(zip(want, got))
            if not holds(w, g)]


def run_case(case: Path, update: bool):
    work = harness.fresh_dir("golden", case.name)
    for item in case.iterdir():
        if item.name in ("expected",):
            continue
        dest = work / item.name
        if item.is_dir():
            shutil.copytree(item, dest)
        else:
            shutil.copy2(item, dest)
    set_mtimes(case, work)
    extra = []
    if (case / "streamc_args").exists():
        extra = (case / "streamc_args").read_text().replace("{source}", str(harness.SOURCE_DIR)).split()
    c = harness.compile_sdl("case.sdl", "prog", work, extra)
    if c.returncode != 0:
        return [f"compile failed ({c.returncode}):\n{c.stderr}"]
    run_env = harness.env()
    if (case / "env").exists():
        run_env.update(line.split("=", 1) for line in (case / "env").read_text().splitlines() if line.strip())
    args = ["--once"]
    if (case / "args").exists():
        args = (case / "args").read_text().split()
    server = broker = None
    if (case / "socket.txt").exists():
        server = harness.LineServer((case / "socket.txt").read_bytes())
        args += ["--port", str(server.port)]
    if (case / "expected" / "progress").exists():
        args += ["--progress", "progress.jsonl"]
    try:
        if (case / "kafka.txt").exists():
            broker = start_kafka(case / "kafka.txt")
            args += ["--brokers", broker.bootstrap]
        if (case / "run_for").exists():
            p = subprocess.Popen(["./prog", *args], cwd=work, env=run_env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
            try:
                out, err = p.communicate(timeout=float((case / "run_for").read_text()))
            except subprocess.TimeoutExpired:
                p.send_signal(signal.SIGINT)
                try:
                    out, err = p.communicate(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
                    out, err = p.communicate()
            r = subprocess.CompletedProcess(p.args, p.returncode, out, err)
        else:
            r = subprocess.run(["./prog", *args], cwd=work, env=run_env, capture_output=True, text=True,
                               timeout=60)
    finally:
        if server:
            server.close()
        if broker:
            broker.close()
    problems = []
    expected = case / "expected"
    want_status = int((expected / "status").read_text()) if (expected / "status").exists() else 0
    if r.returncode != want_status:
        problems.append(f"exit status {r.returncode}, expected {want_status}; stderr:\n{r.stderr}")
    if update:
        expected.mkdir(exist_ok=True)
        (expected / "stdout").write_text(r.stdout)
    stdout_file = expected / "stdout"
    if stdout_file.exists() and r.stdout != stdout_file.read_text():
        diff = difflib.unified_diff(stdout_file.read_text().splitlines(True), r.stdout.splitlines(True),
                                    "expected/stdout", "actual stdout")
        problems.append("stdout differs:\n" + "".join(diff))
    if (expected / "stderr").exists():
        for line in (expected / "stderr").read_text().splitlines():
            if line and line not in r.stderr:
                problems.append(f"stderr lacks {line!r}; stderr was:\n{r.stderr}")
    for want in sorted(expected.rglob("*")):
        rel = want.relative_to(expected)
        if str(rel) == "progress":
            problems += progress_problems(want, work / "progress.jsonl")
            continue
        if str(rel) in ("stdout", "stderr", "status"):
            continue
        got = work / rel
        if want.is_dir():
            if not got.is_dir():
                problems.append(f"missing directory {rel}")
                continue
            names = sorted(p.name for p in want.iterdir())
            # _streamc: a files sink's manifest under a checkpoint (random query ids; tests/recovery checks it)
            got_names = sorted(p.name for p in got.iterdir() if not p.name.startswith(".") and p.name != "_streamc")
            if names != got_names:
                problems.append(f"{rel}: files {got_names}, expected {names}")
        elif not got.exists():
            problems.append(f"missing file {rel}")
        elif got.read_bytes() != want.read_bytes():
            diff = difflib.unified_diff(want.read_text().splitlines(True), got.read_text().splitlines(True),
                                        f"expected/{rel}", str(rel))
            problems.append(f"{rel} differs:\n" + "".join(diff))
    return problems


def main():
    update = "--update" in sys.argv
    names = [a for a in sys.argv[1:] if not a.startswith("--")]
    cases = sorted(p for p in HERE.iterdir() if (p / "case.sdl").exists() and (not names or p.name in names))
    if "--list" in sys.argv:
        print("\n".join(p.name for p in cases))
        return 0
    passed = failed = 0
    for case in cases:
        problems = run_case(case, update)
        harness.case_done(not problems)
        if problems:
            failed += 1
            print(f"FAIL {case.name}")
            for p in problems:
                print("  " + p.replace("\n", "\n  "))
        else:
            passed += 1
            print(f"ok   {case.name}")
    print(f"golden: {passed} passed, {failed} failed")
    return 1 if failed or not cases else 0


if __name__ == "__main__":
    sys.exit(main())
