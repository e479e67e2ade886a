#!/usr/bin/env python3
"""Bad input never passes and never crashes (issue 13). Cases:
json_test_suite_<embedding> (every JSONTestSuite case in one embedding,
json_test_suite.py) and the records-over-max_record_bytes tests
(bounded_records.py). `run.py --list` names them; `run.py CASE…` runs them."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bounded_records  # noqa: E402
import json_test_suite  # noqa: E402


def cases():
    out = {f"json_test_suite_{e}": (lambda e=e: json_test_suite.main([e])) for e in json_test_suite.EMBEDDINGS}
    for name in bounded_records.tests():
        out[name[len("test_"):]] = (lambda name=name: bounded_records.main([name]))
    return out


def main():
    all_cases = cases()
    if sys.argv[1:] == ["--list"]:
        print("\n".join(all_cases))
        return 0
    names = sys.argv[1:] or list(all_cases)
    unknown = [n for n in names if n not in all_cases]
    if unknown:
        print(f"unknown case(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    return 1 if any(all_cases[n]() for n in names) else 0


if __name__ == "__main__":
    sys.exit(main())
