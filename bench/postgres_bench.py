#!/usr/bin/env python3
"""The postgres sink against psql's \\copy (DESIGN.md: at least 0.8x).

1 M rows {id, user, qty, price, ts}, made by a generate source, appended
through the postgres sink in one batch (--once: table created, COPY in one
transaction) against `psql -c "\\copy … from rows.csv csv"` of the same
rows into the same table (created empty beforehand); each side's wall time
from process start to exit, best of RUNS alternating runs, against a
throwaway PostgreSQL 15 server (tests/lib/postgres_server.py: fsync off,
for both). The two tables are compared (count, sums, an md5 of the rows)
before any figure is printed. Then 1 M upserts in update mode: a
group_by(id) over the same rows, once into an empty table (all inserts)
and once more over it (every key a conflict, so every row an update).
"""
import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "lib"))
from postgres_server import PostgresServer  # noqa: E402

ROWS = 1_000_000
RUNS = 3
APPEND = f"""param pg: string = ""
source nums = generate(rows_per_batch: {ROWS}, total_rows: {ROWS})
stream rows = nums |> select(value as id, "user" + to_string(value % 1000) as user, value % 7 as qty,
                             to_float(value) / 4.0 as price, from_unixtime(1795000000 + value) as ts)
sink rows -> postgres(pg, table: "bench_rows")
"""
UPSERT = f"""param pg: string = ""
source nums = generate(rows_per_batch: {ROWS}, total_rows: {ROWS})
stream totals = nums |> select(value as id, value % 7 as qty) |> group_by(id) |> aggregate(count() as n, sum(qty) as units)
sink totals -> postgres(pg, table: "bench_totals", key: (id)) mode update
"""
DDL = "create table bench_rows (id bigint not null, \"user\" text not null, qty bigint not null, " \
      "price double precision not null, ts timestamptz not null)"
FINGERPRINT = "select count(*), sum(id), sum(qty), sum(price), md5(string_agg(concat_ws(',', id, \"user\", qty, " \
              "price, ts), ';' order by id)) from bench_rows"


def write_csv(path):
    from datetime import datetime, timezone
    with open(path, "w") as f:
        for i in range(ROWS):
            ts = datetime.fromtimestamp(1795000000 + i, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            f.write(f"{i},user{i % 1000},{i % 7},{i / 4.0!r},{ts}\n")


def timed(cmd, **kw):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kw)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=str(ROOT / "build"))
    args = ap.parse_args()
    build = Path(args.build).resolve()
    work = build / "bench" / "postgres"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = dict(os.environ, STREAMC_CACHE_DIR=str(build / "bench" / "cache"))
    env.pop("STREAMC_TEST_CLOCK", None)
    streamc = str(build / "compiler" / "streamc")
    for name, program in (("append", APPEND), ("upsert", UPSERT)):
        (work / f"{name}.sdl").write_text(program)
        subprocess.run([streamc, str(work / f"{name}.sdl"), "-o", str(work / name)], check=True, env=env)
    csv = work / "rows.csv"
    write_csv(csv)
    with PostgresServer() as pg:
        psql = ["/usr/lib/postgresql/15/bin/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", pg.conninfo]
        best_sink = best_psql = None
        fingerprints = set()
        for _ in range(RUNS):
            pg.sql("drop table if exists bench_rows")
            s = timed([str(work / "append"), "--once", "--pg", pg.conninfo], env=env, cwd=work)
            fingerprints.add(pg.sql(FINGERPRINT))
            pg.sql("drop table bench_rows")
            pg.sql(DDL)
            p = timed(psql + ["-c", f"\\copy bench_rows from '{csv}' csv"])
            fingerprints.add(pg.sql(FINGERPRINT))
            best_sink = s if best_sink is None else min(best_sink, s)
            best_psql = p if best_psql is None else min(best_psql, p)
        assert len(fingerprints) == 1 and fingerprints.pop().startswith(f"{ROWS}|"), "the tables differ"
        pg.sql("drop table if exists bench_totals")
        insert = timed([str(work / "upsert"), "--once", "--pg", pg.conninfo], env=env, cwd=work)
        update = timed([str(work / "upsert"), "--once", "--pg", pg.conninfo], env=env, cwd=work)
        got = pg.sql("select count(*), sum(n), sum(units) from bench_totals").strip()
        assert got == f"{ROWS}|{ROWS}|{sum(i % 7 for i in range(ROWS))}", got
    print(f"postgres bench: {ROWS:,} rows (id, user, qty, price, ts) into a table, best of {RUNS}")
    print(f"  postgres sink (append, COPY)   {best_sink:7.3f} s  {ROWS / best_sink / 1e6:5.2f} M rows/s")
    print(f"  psql \\copy of the same CSV     {best_psql:7.3f} s  {ROWS / best_psql / 1e6:5.2f} M rows/s")
    print(f"  sink vs psql                   {best_psql / best_sink:7.2f}x   (target: at least 0.8x)")
    print(f"  update mode, {ROWS:,} upserts: {insert:.3f} s into an empty table, {update:.3f} s over it "
          f"(every key a conflict: {ROWS / update / 1e6:.2f} M rows/s)")


if __name__ == "__main__":
    main()
