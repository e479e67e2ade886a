#!/usr/bin/env python3
"""Records longer than max_record_bytes (default 16 MiB): rejected under the
source's on_error with their size and position, their bytes skipped as they
arrive, and the source goes on. Usage: bounded_records.py [test_name ...]"""
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))
import harness  # noqa: E402

WORDS = """param port: int = 9999
source lines = socket("127.0.0.1", port, on_error: {mode}, errors: "errors"{extra})
stream counts = lines
  |> flat_map(l -> split(l, " "))
  |> map(w -> (w, 1))
  |> reduce_by_key((a, b) -> a + b)
sink counts -> files("out", format: json)
"""


class Peer:
    """Accepts one client on 127.0.0.1 and sends `pieces` (bytes, or a
    (byte, count) pair sent in 1 MiB chunks), then closes."""

    def __init__(self, pieces):
        self.pieces = pieces
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.sock.settimeout(30)
        self.port = self.sock.getsockname()[1]
        self.error = None
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            conn, _ = self.sock.accept()
            with conn:
                for p in self.pieces:
                    if isinstance(p, tuple):
                        chunk = p[0] * (1 << 20)
                        for _ in range(p[1] >> 20):
                            conn.sendall(chunk)
                        conn.sendall(p[0] * (p[1] & ((1 << 20) - 1)))
                    else:
                        conn.sendall(p)
        except OSError as e:  # the binary went away: its exit status tells
            self.error = e
        finally:
            self.sock.close()


def run_measured(cmd, cwd, timeout):
    """Runs cmd; returns (exit status, peak resident KiB, stdout, stderr)."""
    out, err = cwd / "stdout.txt", cwd / "stderr.txt"
    with open(out, "wb") as o, open(err, "wb") as e:
        proc = subprocess.Popen(cmd, cwd=cwd, env=harness.env(), stdout=o, stderr=e)
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss, out.read_text(), err.read_text()


def counts(out_dir):
    got = {}
    for part in sorted(out_dir.glob("part-*.json")):
        for line in part.read_text().splitlines():
            w, n = json.loads(line)
            got[w] = got.get(w, 0) + n
    return got


def errors(work):
    return [json.loads(line) for p in sorted((work / "errors").glob("part-*.json")) for line in p.read_text().splitlines()]


def test_socket_line_of_512_mib():
    """A peer sends one 512 MiB line between short ones: the binary stays
    under 256 MiB resident, rejects that line with its size and position,
    and counts the lines after it."""
    work = harness.fresh_dir("strict", "socket_512_mib")
    (work / "wc.sdl").write_text(WORDS.format(mode="drop", extra=""))
    c = harness.compile_sdl(work / "wc.sdl", work / "wc", work)
    assert c.returncode == 0, c.stderr
    big = 512 << 20
    peer = Peer([b"alpha beta\n", (b"x", big), b"\ngamma alpha\n", b"delta\n"])
    status, rss_kib, _, err = run_measured(["./wc", "--once", "--port", str(peer.port)], work, 300)
    assert status == 0, err
    assert counts(work / "out") == {"alpha": 2, "beta": 1, "gamma": 1, "delta": 1}, counts(work / "out")
    rejected = errors(work)
    assert len(rejected) == 1, rejected
    reason = rejected[0]["reason"]
    assert f"record of {big} bytes is longer than max_record_bytes (16777216)" in reason, reason
    assert f"line 2 from 127.0.0.1:{peer.port}" in reason, reason
    assert rss_kib < 256 * 1024, f"peak resident {rss_kib} KiB"
    print(f"  peak resident {rss_kib // 1024} MiB with a {big >> 20} MiB line")


def test_socket_oversized_line_under_fail():
    """on_error: fail stops the binary at a line over the limit, naming it."""
    work = harness.fresh_dir("strict", "socket_oversized_fail")
    (work / "wc.sdl").write_text(WORDS.format(mode="fail", extra=", max_record_bytes: 1000"))
    c = harness.compile_sdl(work / "wc.sdl", work / "wc", work)
    assert c.returncode == 0, c.stderr
    peer = Peer([b"alpha\n", b"y" * 5000 + b"\n", b"beta\n"])
    status, _, _, err = run_measured(["./wc", "--once", "--port", str(peer.port)], work, 60)
    assert status == 1, err
    assert "record of 5000 bytes is longer than max_record_bytes (1000)" in err, err
    assert f"(line 2 from 127.0.0.1:{peer.port})" in err, err
    assert err.count("\n") <= 3, err  # one clear line (plus the rejected-records summary)


def test_files_oversized_records():
    """A JSON line or a whole-file document over config's max_record_bytes is
    rejected with its file and line; the records around it are kept."""
    work = harness.fresh_dir("strict", "files_oversized")
    (work / "in").mkdir()
    small = lambda i: json.dumps({"id": i, "s": "v"})
    long_line = json.dumps({"id": 2, "s": "z" * 300})
    (work / "in" / "a.json").write_text("\n".join([small(1), long_line, small(3)]) + "\n")
    (work / "in" / "b.json").write_text('{\n  "id": 4,\n  "s": "' + "w" * 400 + '"\n}\n')
    (work / "in" / "c.json").write_text('{\n  "id": 5,\n  "s": "short"\n}\n')
    (work / "p.sdl").write_text("""config { max_record_bytes: 200 }
schema R { id: int, s: string }
source rs = files("in/*.json", format: json, schema: R, on_error: permissive, errors: "errors")
stream ids = rs |> select(id)
sink ids -> files("out", format: json)
""")
    c = harness.compile_sdl(work / "p.sdl", work / "p", work)
    assert c.returncode == 0, c.stderr
    r = subprocess.run(["./p", "--once"], cwd=work, env=harness.env(), capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    ids = sorted(json.loads(line)["id"] for p in (work / "out").glob("part-*.json") for line in p.read_text().splitlines())
    assert ids == [1, 3, 5], ids
    reasons = sorted(e["reason"] for e in errors(work))
    assert len(reasons) == 2, reasons
    assert f"record of {len(long_line)} bytes is longer than max_record_bytes (200) (in in/a.json, line 2)" in reasons[0], reasons
    assert "(in in/b.json, line 1)" in reasons[1], reasons
    assert "rs: 2 records rejected" in r.stderr, r.stderr


def tests():
    return {n: f for n, f in sorted(globals().items()) if n.startswith("test_") and callable(f)}


def main(names=None):
    tests_by_name = tests()
    names = names or sys.argv[1:] or list(tests_by_name)
    failed = 0
    for name in names:
        t0 = time.time()
        try:
            tests_by_name[name]()
            print(f"ok   {name} ({time.time() - t0:.1f}s)")
        except Exception as e:  # noqa: BLE001
            failed += 1
            print(f"FAIL {name}: {e}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
