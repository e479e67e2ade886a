#!/usr/bin/env python3
"""Every JSONTestSuite parsing case (tests/data/json-test-suite) embedded in a
record of a compiled program, in every way a user's data could hold it:

- where: after the field the pipeline reads (`{"id": N, "x": T}`), before it
  (`{"x": T, "id": N}`), nested in an object the pipeline does not read,
  read as a field (`x: string?` under permissive), read nested;
- how framed: a JSON Lines file with a valid line before and after the
  case's line, and a whole-file document spread over several lines;
- on_error: permissive, drop (the kept ids are the output) and fail (one run
  per invalid case, which must stop the binary with status 1).

y_ cases must be kept, n_ cases rejected (their valid neighbours kept), i_
cases may go either way but never crash or hang the binary. Usage:
json_test_suite.py [embedding ...]"""
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))
import harness  # noqa: E402

SUITE = harness.SOURCE_DIR / "tests" / "data" / "json-test-suite" / "test_parsing"
RUN_TIMEOUT = 60

# name -> (schema body, select list, record text with {id} and {t}, modes)
EMBEDDINGS = {
    "after": ("id: int", "id", '{{"id": {id}, "x": {t}}}', ("permissive", "drop", "fail")),
    "before": ("id: int", "id", '{{"x": {t}, "id": {id}}}', ("permissive", "drop", "fail")),
    "nested": ("id: int, n: {a: int}", "id", '{{"id": {id}, "n": {{"a": 1, "x": {t}, "b": [2]}}}}',
               ("permissive", "drop", "fail")),
    "read": ("id: int, x: string?", "id, x", '{{"id": {id}, "x": {t}}}', ("permissive",)),
    "read_nested": ("id: int, n: {x: string?}", "id, n.x as x", '{{"id": {id}, "n": {{"x": {t}}}}}', ("permissive",)),
}


def cases():
    out = []
    for i, path in enumerate(sorted(SUITE.glob("*.json"))):
        out.append((path.name[0], path.name, 1000 + i, path.read_bytes()))
    return out


def neighbour(case_id, k):
    return ('{"id": %d, "x": [%d, {"k": "v"}]}' % (case_id * 10 + k, k)).encode()


def record(template, case_id, text):
    head, tail = template.format(id=case_id, t="\0").split("\0")
    return head.encode() + text + tail.encode()


def write_inputs(work, template, all_cases):
    """in_lines/<case>.json: a valid line, the case's line, a valid line;
    in_doc/<case>.json: one document spread over lines."""
    lines_dir, doc_dir = work / "in_lines", work / "in_doc"
    lines_dir.mkdir()
    doc_dir.mkdir()
    for kind, name, cid, text in all_cases:
        # A valid text holds newlines only as whitespace, so a JSON line can
        # hold it with spaces instead; an invalid one is kept as it is (if
        # it breaks the line, each piece is as invalid as the whole).
        line_text = text.replace(b"\r", b" ").replace(b"\n", b" ") if kind == "y" else text
        (lines_dir / name).write_bytes(b"\n".join([neighbour(cid, 1), record(template, cid, line_text),
                                                  neighbour(cid, 2)]) + b"\n")
        rec = record(template, cid, b"\n" + text + b"\n")
        first = rec.index(b",") + 1 if template.startswith('{{"id"') else rec.index(b":") + 1
        (doc_dir / name).write_bytes(rec[:first] + b"\n  " + rec[first:] + b"\n")


def compile_program(work, schema, select, mode):
    sdl = work / f"p_{mode}.sdl"
    sdl.write_text(f"""param input: string = "in/*.json"
param output: string = "out"
schema Case {{ {schema} }}
source cases = files(input, format: json, schema: Case, on_error: {mode})
stream ids = cases |> select({select})
sink ids -> files(output, format: json)
""")
    c = harness.compile_sdl(sdl, work / f"p_{mode}", work)
    assert c.returncode == 0, c.stderr
    return work / f"p_{mode}"


def run(binary, work, glob, out):
    return subprocess.run([str(binary), "--once", "--input", glob, "--output", out], cwd=work, env=harness.env(),
                          capture_output=True, timeout=RUN_TIMEOUT)


def kept_ids(out_dir):
    ids = []
    for part in sorted(out_dir.glob("part-*.json")):
        ids += [json.loads(line)["id"] for line in part.read_text().splitlines()]
    return ids


def check_embedding(name, all_cases):
    schema, select, template, modes = EMBEDDINGS[name]
    work = harness.fresh_dir("strict", "json_test_suite", name)
    write_inputs(work, template, all_cases)
    problems = []
    for mode in modes:
        binary = compile_program(work, schema, select, mode)
        for layout in ("lines", "doc"):
            where = f"{name}/{mode}/{layout}"
            if mode == "fail":
                # Valid cases all in one run; each invalid case alone must stop it.
                subset = [c for c in all_cases if c[0] == "y"]
                glob = f"in_{layout}/y_*.json"
            else:
                subset = all_cases
                glob = f"in_{layout}/*.json"
            out = f"out_{mode}_{layout}"
            r = run(binary, work, glob, out)
            if r.returncode != 0:
                problems.append(f"{where}: exit {r.returncode}: {r.stderr.decode(errors='replace')[-500:]}")
                continue
            kept = set(kept_ids(work / out))
            for kind, case, cid, _ in subset:
                if layout == "lines":
                    for k in (1, 2):
                        if cid * 10 + k not in kept:
                            problems.append(f"{where}: {case}: a valid neighbour line was not kept")
                if kind == "y" and cid not in kept:
                    problems.append(f"{where}: {case} (valid) was rejected")
                if kind == "n" and cid in kept:
                    problems.append(f"{where}: {case} (invalid) was kept")
            if mode == "fail":
                for kind, case, cid, _ in all_cases:
                    if kind != "n":
                        continue
                    r = run(binary, work, f"in_{layout}/{case}", f"out_fail_{case}")
                    err = r.stderr.decode(errors="replace")
                    if r.returncode != 1 or "error:" not in err:
                        problems.append(f"{where}: {case} (invalid) did not stop the binary: exit {r.returncode} {err[-300:]}")
    return problems


def main(names=None):
    names = names or sys.argv[1:] or list(EMBEDDINGS)
    all_cases = cases()
    assert sum(1 for c in all_cases if c[0] == "y") == 95 and sum(1 for c in all_cases if c[0] == "n") == 188, \
        "JSONTestSuite data incomplete"
    failed = 0
    for name in names:
        problems = check_embedding(name, all_cases)
        for p in problems:
            print("FAIL", p)
        print(f"{'ok  ' if not problems else 'FAIL'} {name}: {len(problems)} problems")
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
