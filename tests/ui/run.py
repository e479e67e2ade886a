#!/usr/bin/env python3
"""Watching a running binary (--ui, the terminal progress line) and
`streamc graph`, as a user sees them: real HTTP on 127.0.0.1 against compiled
examples, promtool on /metrics, the page in headless Chromium, the progress
line under a pseudo-terminal (`script`). Each test_* function is one case
(ctest: ui/test_<name>)."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))
import harness  # noqa: E402

ROOT = harness.SOURCE_DIR
EXAMPLES = ROOT / "examples"


def promtool():
    """promtool as scripts/install-deps.sh unpacks it (Debian's prometheus package)."""
    tools = os.environ.get("STREAMC_TOOLS") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "streamc-tools")
    path = Path(tools) / "prometheus" / "usr" / "bin" / "promtool"
    assert path.exists(), f"{path} is missing: run scripts/install-deps.sh"
    return str(path)


def get(port, path, timeout=10):
    """(status, content type, body) of GET http://127.0.0.1:port/path."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode()


def wait_for(what, check, timeout=60):
    """Polls check() until it returns something true; bounded."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = check()
            if last:
                return last
        except (OSError, ValueError) as e:  # not listening yet, half-written JSON
            last = e
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}; last: {last!r}")


def compiled(name, sdl_path, work):
    binary = work / name
    r = harness.compile_sdl(sdl_path, binary, work)
    assert r.returncode == 0, r.stderr
    return binary


class Running:
    """A compiled program running in the background; stopped (SIGTERM, then
    SIGKILL) on exit, with a bounded wait."""

    def __init__(self, args, cwd):
        self.proc = subprocess.Popen([str(a) for a in args], cwd=cwd, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=ui_env())

    def __enter__(self):
        return self

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        out, err = self.proc.communicate(timeout=10)
        return self.proc.returncode, out, err

    def __exit__(self, *exc):
        self.stop()


def ui_env():
    e = harness.env()
    e.pop("STREAMC_TEST_CLOCK", None)  # a live page: real batch times
    return e


def metric(text, name, **labels):
    """The value of one sample of the text format, or None."""
    for line in text.splitlines():
        m = re.match(r"([a-z_]+)(?:\{(.*)\})? (\S+)$", line)
        if not m or m.group(1) != name:
            continue
        got = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2) or ""))
        if all(got.get(k) == v for k, v in labels.items()):
            return float(m.group(3))
    return None


def wordcount_running(work, port, extra=()):
    """examples/wordcount_files.sdl, continuous, --ui on `port`, one input file."""
    binary = compiled("wordcount_files", EXAMPLES / "wordcount_files.sdl", work)
    (work / "in").mkdir()
    shutil.copy(EXAMPLES / "data" / "sonnet18.txt", work / "in" / "a.txt")
    return Running([binary, "--batch", "100ms", "--ui", f"127.0.0.1:{port}", *extra], work)


def test_endpoints():
    work = harness.fresh_dir("ui", "endpoints")
    port = harness.free_port()
    with wordcount_running(work, port) as run:
        status, ctype, body = wait_for("/healthz", lambda: get(port, "/healthz"))
        assert (status, ctype, body) == (200, "text/plain; charset=utf-8", "ok\n"), (status, ctype, body)
        text = wait_for("the first file counted", lambda: (lambda m: metric(m[2], "streamc_input_rows_total",
                                                                            source="lines") and m[2])(
            get(port, "/metrics")))
        status, ctype, _ = get(port, "/metrics")
        assert status == 200 and ctype == "text/plain; version=0.0.4; charset=utf-8", (status, ctype)
        first_rows = metric(text, "streamc_input_rows_total", query="wordcount_files", source="lines")
        assert first_rows == 14, text  # the sonnet's lines
        assert metric(text, "streamc_output_rows_total", sink="counts") > 0, text
        assert metric(text, "streamc_source_lag", source="lines", unit="files") == 0, text
        lint = subprocess.run([promtool(), "check", "metrics"], input=text, capture_output=True, text=True,
                              timeout=60)
        assert lint.returncode == 0 and lint.stdout == "" and lint.stderr == "", (lint.stdout, lint.stderr)

        # Counters grow: a second file, and batches keep coming.
        batches = metric(text, "streamc_batches_total")
        shutil.copy(EXAMPLES / "data" / "sonnet18.txt", work / "in" / "b.txt")
        text = wait_for("the second file counted", lambda: (lambda m: metric(m, "streamc_input_rows_total",
                                                                             source="lines") == 28 and m)(
            get(port, "/metrics")[2]))
        assert metric(text, "streamc_batches_total") > batches, text

        status, ctype, body = get(port, "/progress")
        assert status == 200 and ctype == "application/json", (status, ctype)
        records = json.loads(body)
        assert isinstance(records, list) and 2 <= len(records) <= 100, len(records)
        ids = [r["batchId"] for r in records]
        assert ids == sorted(ids) and ids == list(range(ids[0], ids[0] + len(ids))), ids  # newest last
        assert sum(r["numInputRows"] for r in records) == 28 or ids[0] > 0, records
        assert set(records[-1]["durationMs"]) >= {"getBatch", "addBatch", "triggerExecution"}, records[-1]

        status, ctype, body = get(port, "/status")
        st = json.loads(body)
        assert st["program"] == "wordcount_files" and st["status"] == "running", st
        assert st["params"] == {"input": "in/*.txt", "output": "out/counts"}, st

        status, ctype, body = get(port, "/")
        assert status == 200 and ctype == "text/html; charset=utf-8" and "<svg" not in body[:100], ctype
        assert len(body) < 16384, len(body)  # one small page
        assert get(port, "/nope")[0] == 404
        code, out, err = run.stop()
        assert code == 0, err


def test_rejected_records_by_reason():
    work = harness.fresh_dir("ui", "rejected")
    (work / "in").mkdir()
    (work / "in" / "a.json").write_text('{"word": "a", "n": 1}\n{"word": "b", "n": "x"}\nnot json\n{"word": "c"}\n'
                                        '{"word": "d", "n": 3}\n')
    sdl = work / "rejects.sdl"
    port = harness.free_port()
    sdl.write_text(f"""schema W {{ word: string, n: int }}
config {{ batch: 100ms, ui: {port} }}
source words = files("in/*.json", format: json, schema: W, on_error: drop)
stream big = words |> filter(n > 1)
sink big -> files("out", format: json)
""")
    binary = compiled("rejects", sdl, work)
    with Running([binary], work):  # config { ui: PORT } alone turns the server on
        text = wait_for("rejections counted", lambda: (lambda m: metric(m, "streamc_rejected_records_total",
                                                                        reason="wrong_type") and m)(
            get(port, "/metrics")[2]))
        assert metric(text, "streamc_rejected_records_total", source="words", reason="wrong_type") == 1, text
        assert metric(text, "streamc_rejected_records_total", source="words", reason="malformed_json") == 1, text
        assert metric(text, "streamc_rejected_records_total", source="words", reason="missing_field") == 1, text
        assert metric(text, "streamc_input_rows_total", source="words") == 5, text
        assert metric(text, "streamc_output_rows_total", sink="big") == 1, text
        lint = subprocess.run([promtool(), "check", "metrics"], input=text, capture_output=True, text=True,
                              timeout=60)
        assert lint.returncode == 0 and lint.stdout == "" and lint.stderr == "", (lint.stdout, lint.stderr)


def chromium(url, *args):
    home = tempfile.mkdtemp(prefix="streamc-chromium-")
    try:
        r = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                            "--disable-component-update", "--disable-sync", "--no-first-run",
                            f"--user-data-dir={home}/profile", "--virtual-time-budget=5000", *args, url],
                           capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": home})
        return r
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_page_in_chromium():
    work = harness.fresh_dir("ui", "page")
    port = harness.free_port()
    with wordcount_running(work, port):
        wait_for("a few batches", lambda: len(json.loads(get(port, "/progress")[2])) >= 3)
        r = chromium(f"http://127.0.0.1:{port}/", "--dump-dom")
        assert r.returncode == 0, r.stderr[-2000:]
        dom = r.stdout
        charts = re.findall(r'<svg class="chart" data-chart="([a-z-]+)" data-points="(\d+)"[^>]*>(.*?)</svg>', dom,
                            re.S)
        assert len(charts) == 6, dom[:3000]
        drawn = [name for name, points, inner in charts
                 if int(points) >= 2 and re.search(r'<path class="series" d="M[\d.]+,[\d.]+L|<rect class="bar"', inner)]
        assert len(drawn) >= 3, (drawn, [(n, p) for n, p, _ in charts])
        assert {"rates", "input-rows", "duration"} <= set(drawn), drawn
        assert '<h1 id="program">wordcount_files</h1>' in dom, dom[:2000]
        assert re.search(r'<span id="status" class="running">running</span>', dom), dom[:2000]
        assert re.search(r'<span id="batch">batch \d+</span>', dom), dom[:2000]


def test_ui_errors():
    work = harness.fresh_dir("ui", "errors")
    binary = compiled("wordcount_files", EXAMPLES / "wordcount_files.sdl", work)
    r = subprocess.run([binary, "--ui", "localhost"], cwd=work, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and r.stderr.startswith(
        "wordcount_files: error: invalid value for --ui: 'localhost' (expected [HOST:]PORT"), r.stderr
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    try:
        r = subprocess.run([binary, "--once", "--ui", str(port)], cwd=work, capture_output=True, text=True, timeout=60)
    finally:
        taken.close()
    assert r.returncode == 1, r
    assert r.stderr == f"wordcount_files: error: --ui: cannot listen on 127.0.0.1:{port}: Address already in use\n", \
        r.stderr
    bad = work / "bad.sdl"
    bad.write_text('config { ui: "host:99999" }\nsource s = socket("localhost", 9)\nsink s -> console()\n')
    r = subprocess.run([harness.STREAMC, "check", str(bad)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "bad.sdl:1:14: error: the ui port must be from 1 to 65535" in r.stderr, r.stderr


def test_terminal_progress_line():
    work = harness.fresh_dir("ui", "terminal")
    binary = compiled("wordcount_files", EXAMPLES / "wordcount_files.sdl", work)
    (work / "in").mkdir()
    text = (EXAMPLES / "data" / "sonnet18.txt").read_text()
    for i in range(20):
        (work / "in" / f"f{i:02}.txt").write_text(text * 50)
    # Under a pseudo-terminal (script): the line is drawn and erased at the end.
    r = subprocess.run(["script", "-q", "-e", "-c", f"{binary} --once 2>&1 >/dev/null", "/dev/null"], cwd=work,
                       capture_output=True, timeout=120, env=ui_env())
    assert r.returncode == 0, r
    tty = r.stdout.decode()  # bytes: text mode would turn each \r into \n
    frames = [f for f in tty.split("\r\x1b[K") if f]
    assert frames, repr(tty)
    assert all(re.fullmatch(r"lines \d+/\d+ files · .* elapsed.*", f) for f in frames), frames
    # The last frame, drawn after the batch, has the final figures.
    assert re.fullmatch(r"lines 20/20 files · 14k rows · \S+ rows/s · 0:\d\d elapsed", frames[-1]), frames
    assert tty.endswith("\r\x1b[K"), repr(tty[-200:])  # erased
    # Not a terminal: nothing on stderr at all.
    shutil.rmtree(work / "out")
    r = subprocess.run([binary, "--once"], cwd=work, capture_output=True, text=True, timeout=120, env=ui_env())
    assert r.returncode == 0 and r.stderr == "", r.stderr
    rows = subprocess.run([harness.STREAMC, "read", str(work / "out" / "counts")], capture_output=True, text=True,
                          timeout=60)
    assert '["shall",' in rows.stdout or '"shall"' in rows.stdout, rows.stdout[:500]


def test_graph_every_example():
    work = harness.fresh_dir("ui", "graph")
    examples = sorted(EXAMPLES.glob("*.sdl"))
    assert len(examples) >= 5, examples
    for sdl in examples:
        out = work / (sdl.stem + ".svg")
        r = subprocess.run([harness.STREAMC, "graph", sdl.name, "-o", str(out)], cwd=EXAMPLES, capture_output=True,
                           text=True, timeout=120, env=harness.env())
        assert r.returncode == 0, (sdl, r.stderr)
        svg = out.read_text()
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg, svg[:200]
        assert "stage 0" in svg and "sink " in svg, (sdl, svg[:2000])
        for name in re.findall(r"^source (\w+)", sdl.read_text(), re.M):
            assert f"source {name}" in svg, (sdl, name)
    dot = work / "windowed.dot"
    r = subprocess.run([harness.STREAMC, "graph", str(EXAMPLES / "windowed_counts.sdl"), "--format", "dot", "-o",
                        str(dot)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    text = dot.read_text()
    assert text.startswith('digraph "windowed_counts" {') and "shape=box3d" in text and "aggregate" in text, text
    assert re.search(r'label="\{window: \{start: timestamp, end: timestamp\}, word: string', text), text
    r = subprocess.run([harness.STREAMC, "graph", str(EXAMPLES / "bus.sdl"), "--format", "png"], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 2 and "--format is dot or svg, not 'png'" in r.stderr, r.stderr
    bad = work / "bad.sdl"
    bad.write_text('source s = socket("localhost", 9)\nstream t = s |> mapp(x -> x)\nsink t -> console()\n')
    r = subprocess.run([harness.STREAMC, "graph", str(bad)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "bad.sdl:2:" in r.stderr and "error:" in r.stderr, r.stderr


def main():
    return harness.run_tests("ui", globals())


if __name__ == "__main__":
    sys.exit(main())
