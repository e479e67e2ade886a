"""Shared helpers for the end-to-end suites: where streamc is, a scratch
directory per case, a compile cache shared by the run, and a line server."""
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

SOURCE_DIR = Path(os.environ.get("STREAMC_SOURCE_DIR", Path(__file__).resolve().parents[2]))
STREAMC = os.environ.get("STREAMC", str(SOURCE_DIR / "build" / "compiler" / "streamc"))
WORK = Path(os.environ.get("STREAMC_TEST_WORK", SOURCE_DIR / "build" / "test-work"))
# Batch times come from this clock, so printed times never depend on the wall clock.
TEST_CLOCK = "1795000000"  # 2026-11-18 11:06:40 UTC


def env():
    e = dict(os.environ)
    e["STREAMC_CACHE_DIR"] = str(WORK / "cache")
    e["STREAMC_TEST_CLOCK"] = TEST_CLOCK
    e.pop("NO_COLOR", None)
    return e


def wall_clock_env(fail=None):
    """env() for a binary on the wall clock (no test clock), for suites that
    kill and restart it; `fail` sets STREAMC_FAIL_AT (e.g. "before-commit:3")."""
    e = env()
    e.pop("STREAMC_TEST_CLOCK", None)
    if fail:
        e["STREAMC_FAIL_AT"] = fail
    return e


# The directories the running case made (fresh_dir): removed when it
# passes, so a whole run's scratch space stays small (CI machines may have
# little disk); a failing case keeps them to look at, and
# STREAMC_KEEP_TEST_WORK=1 keeps every case's.
_made = []


def case_done(ok):
    """After each case: a passing case's directories are removed."""
    if ok and not os.environ.get("STREAMC_KEEP_TEST_WORK"):
        for d in _made:
            shutil.rmtree(d, ignore_errors=True)
    _made.clear()


def run_tests(suite, namespace):
    """The main of a suite whose cases are its module's test_* functions:
    `run.py --list` names them, `run.py NAME ...` runs those, no name runs
    all. Returns the exit status (1 when one failed or none ran)."""
    tests = [(n, f) for n, f in sorted(namespace.items()) if n.startswith("test_") and callable(f)]
    only = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--list" in sys.argv:
        print("\n".join(n for n, _ in tests))
        return 0
    passed = failed = 0
    for name, fn in tests:
        if only and name not in only:
            continue
        try:
            fn()
            passed += 1
            print(f"ok   {name}")
            case_done(True)
        except Exception as e:  # noqa: BLE001
            failed += 1
            print(f"FAIL {name}: {e}")
            case_done(False)
    print(f"{suite}: {passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


def run_cases(suite, names, check):
    """The main of a suite whose cases are files: `names` are all the case
    names, `check(name)` runs one and returns its problems (none: passed).
    `run.py --list` names them, `run.py NAME ...` runs those, no name runs
    all. Returns the exit status (1 when one failed or none ran)."""
    only = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--list" in sys.argv:
        print("\n".join(names))
        return 0
    passed = failed = 0
    for name in names:
        if only and name not in only:
            continue
        problems = check(name)
        case_done(not problems)
        if problems:
            failed += 1
            print(f"FAIL {name}")
            for p in problems:
                print("  " + p.replace("\n", "\n  "))
        else:
            passed += 1
            print(f"ok   {name}")
    print(f"{suite}: {passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def fresh_dir(*parts):
    d = WORK.joinpath(*parts)
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    _made.append(d)
    return d


def compile_sdl(sdl, output, cwd, extra=()):
    # A .sdl inside cwd is named relative to it, as a user names it: its
    # path is in the generated code (--help: "Compiled by streamc from …"),
    # so a program that many cases compile, each in a directory of its own,
    # is the same code for all of them and the run's cache builds it once.
    sdl = Path(sdl)
    if sdl.is_absolute() and sdl.is_relative_to(Path(cwd).absolute()):
        sdl = sdl.relative_to(Path(cwd).absolute())
    return subprocess.run([STREAMC, str(sdl), "-o", str(output), *extra], cwd=cwd, env=env(),
                          capture_output=True, text=True, timeout=300)


class LineServer:
    """A TCP server on 127.0.0.1 that sends `payload` to each client in
    small pieces (so lines cross packet boundaries), then closes."""

    def __init__(self, payload: bytes, chunk=7, keep_open=False):
        self.payload = payload
        self.chunk = chunk
        self.keep_open = keep_open
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.clients = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        self.clients += 1
        with conn:
            for i in range(0, len(self.payload), self.chunk):
                conn.sendall(self.payload[i:i + self.chunk])

    def close(self):
        self.sock.close()
