"""A throwaway PostgreSQL 15 server for tests: initdb in a temporary
directory, started on 127.0.0.1 at a free port, stopped and removed
afterwards. As root, initdb and postgres refuse to run, so they run as the
`postgres` user (runuser); the directory is made traversable for it.

    with PostgresServer() as pg:
        pg.sql("create table t (x int)")
        print(pg.conninfo)          # host=127.0.0.1 port=… dbname=postgres user=postgres
"""
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

BIN = Path("/usr/lib/postgresql/15/bin")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(args):
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return list(args)


def _initdb(data):
    r = subprocess.run(_as_postgres([str(BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                                     "--no-sync", "-E", "UTF8", "--locale=C"]),
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError(f"initdb failed: {r.stderr}")


def _template():
    """One initdb per machine (it takes seconds), copied for each server."""
    root = Path(tempfile.gettempdir()) / f"streamc-pg-template-{os.geteuid()}"
    data = root / "data"
    if (data / "PG_VERSION").exists() and (root / "ready").exists():
        return data
    tmp = Path(tempfile.mkdtemp(prefix="streamc-pg-template-"))
    os.chmod(tmp, 0o755)
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres", "postgres")
    _initdb(tmp / "data")
    (tmp / "ready").write_text("")
    try:
        tmp.rename(root)  # atomic; a concurrent test may have won
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
    return data


class PostgresServer:
    def __init__(self, port=None):
        self.port = port or _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="streamc-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.running = False
        os.chmod(self.dir, 0o777)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        template = _template()
        r = subprocess.run(["cp", "-a", str(template), str(self.data)], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"copying the initdb template failed: {r.stderr}")

    @property
    def conninfo(self):
        return f"host=127.0.0.1 port={self.port} dbname=postgres user=postgres"

    def start(self):
        r = subprocess.run(_as_postgres([str(BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o",
                                         f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} "
                                         "-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                                         "-w", "-t", "60", "start"]),
                           capture_output=True, text=True, timeout=90)
        if r.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {r.stderr}{self.log.read_text() if self.log.exists() else ''}")
        self.running = True
        return self

    def stop(self, mode="fast"):
        if not self.running:
            return
        subprocess.run(_as_postgres([str(BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60",
                                     "stop"]), capture_output=True, text=True, timeout=90)
        self.running = False

    def restart(self, down_seconds=0.0):
        self.stop()
        time.sleep(down_seconds)
        self.start()

    def sql(self, text, check=True):
        """Runs SQL with psql; returns its output (unaligned, tuples only, | between columns)."""
        r = subprocess.run([str(BIN / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.conninfo,
                            "-c", text], capture_output=True, text=True, timeout=120)
        if check and r.returncode != 0:
            raise RuntimeError(f"psql failed: {r.stderr}")
        return r.stdout

    def close(self):
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()
