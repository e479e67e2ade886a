#!/usr/bin/env python3
"""Generate Seoul bus-position JSON like the seed's `…Bus100100073.json` files.

Each document is one response of the Seoul bus API's getBusPosByRtid call,
saved once a minute by a collector: ServiceResult.{comMsgHeader, msgHeader,
msgBody.itemList[vehicle…]}. The buses of one route move along it from
snapshot to snapshot, so positions, sections and stations change plausibly.

  gen_bus.py OUT_DIR [--mib 200] [--layout files|lines] [--seed 1]

  --layout files  one pretty-printed document per file (~15 KB each), named
                  YYYYmmddHHMMSSBus100100073.json, one minute apart: what the
                  bus example (`files("in/*100100073.json", format: json)`) reads
  --layout lines  one file OUT_DIR/Bus100100073.jsonl, one compact document per line

Deterministic: the same seed and size give the same bytes. About 1 in 50
vehicles lacks "congetion" (as in examples/samples/bus.json, where it is
optional). `--selfcheck` parses a few generated documents back with the json
module and compares them with the data they were made from.

Speed (this machine, 2 cores): 200 MiB in about 5 s with either layout
(string templates, no json.dumps per document).
"""

import argparse
import datetime
import json
import math
import os
import random
import sys

ROUTE_ID = "100100073"
HEADER_MSG = "정상적으로 처리되었습니다."
PLATE_LETTERS = "사아바자"

# The pretty layout is exactly json.dumps(doc, indent=2, ensure_ascii=False).
PRETTY_HEAD = (
    '{\n'
    '  "ServiceResult": {\n'
    '    "comMsgHeader": {\n'
    '      "errMsg": null,\n'
    '      "responseTime": null,\n'
    '      "requestMsgID": null,\n'
    '      "responseMsgID": null,\n'
    '      "successYN": null,\n'
    '      "returnCode": null\n'
    '    },\n'
    '    "msgHeader": {\n'
    '      "headerCd": "0",\n'
    '      "headerMsg": "' + HEADER_MSG + '",\n'
    '      "itemCount": 0\n'
    '    },\n'
    '    "msgBody": {\n'
    '      "itemList": [\n'
)
PRETTY_TAIL = '\n      ]\n    }\n  }\n}\n'
PRETTY_SEP = ',\n'

COMPACT_HEAD = (
    '{"ServiceResult": {"comMsgHeader": {"errMsg": null, "responseTime": null, "requestMsgID": null, '
    '"responseMsgID": null, "successYN": null, "returnCode": null}, "msgHeader": {"headerCd": "0", '
    '"headerMsg": "' + HEADER_MSG + '", "itemCount": 0}, "msgBody": {"itemList": ['
)
COMPACT_TAIL = ']}}}\n'
COMPACT_SEP = ', '

# Field order follows the real API's responses.
FIELDS = [
    ("busType", "i"), ("congetion", "i"), ("dataTm", "s"), ("fullSectDist", "f"), ("gpsX", "f"),
    ("gpsY", "f"), ("isFullFlag", "i"), ("islastyn", "i"), ("isrunyn", "i"), ("lastStTm", "i"),
    ("lastStnId", "s"), ("nextStId", "s"), ("nextStTm", "i"), ("plainNo", "s"), ("posX", "f"),
    ("posY", "f"), ("rtDist", "f"), ("sectDist", "f"), ("sectOrd", "i"), ("sectionId", "s"),
    ("stopFlag", "i"), ("trnstnid", "s"), ("vehId", "s"),
]


def make_template(pretty, with_congetion):
    parts = []
    for name, kind in FIELDS:
        if name == "congetion" and not with_congetion:
            continue
        value = '"%s"' if kind == "s" else "%s"
        parts.append('"%s": %s' % (name, value))
    if pretty:
        pad = " " * 10
        return " " * 8 + "{\n" + ",\n".join(pad + p for p in parts) + "\n" + " " * 8 + "}"
    return "{" + ", ".join(parts) + "}"


class Route:
    """A bus route: stations along a curve through Seoul, and its buses."""

    def __init__(self, rng):
        self.rng = rng
        n = 72
        self.stations = ["%09d" % (100000100 + 3 * i + rng.randrange(3)) for i in range(n)]
        self.sections = ["%09d" % (124000300 + 2 * i + rng.randrange(2)) for i in range(n)]
        self.lengths = [round(rng.uniform(0.25, 0.95), 3) for _ in range(n)]  # km per section
        self.cum = [0.0]
        for length in self.lengths:
            self.cum.append(self.cum[-1] + length)
        self.total = self.cum[-1]
        self.turn = self.stations[n // 2]  # trnstnid: where the route turns around
        self.buses = []
        for k in range(21):
            plate = "서울%02d%s%04d" % (rng.choice([70, 71, 74, 75]), rng.choice(PLATE_LETTERS), rng.randrange(1000, 10000))
            self.buses.append({
                "vehId": "1110%05d" % rng.randrange(100000),
                "plainNo": plate,
                "busType": rng.choice([0, 1, 1, 1]),
                "dist": self.total * k / 21 + rng.uniform(0, 0.3),  # km from the first station
                "speed": rng.uniform(0.2, 0.45),                    # km per minute
            })

    def point(self, dist):
        """gps (lon, lat) and TM (x, y) for a distance along the route."""
        a = 2 * math.pi * dist / self.total
        lon = 126.978 + 0.045 * math.cos(a) + 0.004 * math.sin(3 * a)
        lat = 37.5665 + 0.028 * math.sin(a)
        x = 198000.0 + (lon - 126.978) * 88000.0
        y = 451900.0 + (lat - 37.5665) * 111000.0
        return lon, lat, x, y

    def snapshot(self, when):
        """One vehicle-record value tuple per running bus (FIELDS order)."""
        rng = self.rng
        rows = []
        for bus in self.buses:
            bus["dist"] = (bus["dist"] + bus["speed"] * rng.uniform(0.6, 1.4)) % self.total
            d = bus["dist"]
            lo, hi = 0, len(self.lengths) - 1
            while lo < hi:  # the section d is in
                mid = (lo + hi + 1) // 2
                if self.cum[mid] <= d:
                    lo = mid
                else:
                    hi = mid - 1
            sect = lo
            into = d - self.cum[sect]
            lon, lat, x, y = self.point(d)
            seen = when - datetime.timedelta(seconds=rng.randrange(2, 40))
            stop = 1 if into < 0.02 else 0
            rows.append((
                bus["busType"],
                rng.choice([0, 3, 3, 4, 4, 5, 6]),
                seen.strftime("%Y%m%d%H%M%S"),
                self.lengths[sect],
                round(lon, 6),
                round(lat, 6),
                1 if rng.random() < 0.01 else 0,
                1 if rng.random() < 0.02 else 0,
                1,
                rng.randrange(0, 600),
                self.stations[sect],
                self.stations[(sect + 1) % len(self.stations)],
                rng.randrange(0, 600),
                bus["plainNo"],
                round(x, 3),
                round(y, 3),
                round(d, 3),
                round(into, 3),
                sect + 1,
                self.sections[sect],
                stop,
                self.turn,
                bus["vehId"],
            ))
        return rows


def fmt(v):
    if isinstance(v, float):
        return repr(v)
    return str(v)


CONG = [i for i, (n, _) in enumerate(FIELDS) if n == "congetion"][0]


def render(rows, pretty, rng, templates):
    sep = PRETTY_SEP if pretty else COMPACT_SEP
    items = []
    for row in rows:
        if rng.random() < 0.02:
            items.append(templates[False] % tuple(fmt(v) for i, v in enumerate(row) if i != CONG))
        else:
            items.append(templates[True] % tuple(fmt(v) for v in row))
    head, tail = (PRETTY_HEAD, PRETTY_TAIL) if pretty else (COMPACT_HEAD, COMPACT_TAIL)
    return head + sep.join(items) + tail


def generate(out_dir, mib, layout, seed, selfcheck=False):
    rng = random.Random(seed)
    route = Route(rng)
    pretty = layout == "files"
    templates = {True: make_template(pretty, True), False: make_template(pretty, False)}
    when = datetime.datetime(2021, 8, 13, 14, 25, 2)
    target = int(mib * 1024 * 1024)
    written = 0
    os.makedirs(out_dir, exist_ok=True)
    lines_file = None
    if layout == "lines":
        lines_file = open(os.path.join(out_dir, "Bus%s.jsonl" % ROUTE_ID), "w", encoding="utf-8", newline="\n")
    checked = 0
    try:
        while written < target:
            rows = route.snapshot(when)
            doc = render(rows, pretty, rng, templates)
            if selfcheck and checked < 20:
                check(doc, rows, pretty)
                checked += 1
            data = doc.encode("utf-8")
            if lines_file:
                lines_file.write(doc)
            else:
                name = "%sBus%s.json" % (when.strftime("%Y%m%d%H%M%S"), ROUTE_ID)
                with open(os.path.join(out_dir, name), "wb") as f:
                    f.write(data)
            written += len(data)
            when += datetime.timedelta(minutes=1)
    finally:
        if lines_file:
            lines_file.close()
    return written


def check(doc, rows, pretty):
    parsed = json.loads(doc)
    items = parsed["ServiceResult"]["msgBody"]["itemList"]
    assert len(items) == len(rows), "item count"
    for item, row in zip(items, rows):
        expect = {name: v for (name, _), v in zip(FIELDS, row)}
        if "congetion" not in item:
            del expect["congetion"]
        assert item == expect, (item, expect)
    if pretty:
        assert doc == json.dumps(parsed, indent=2, ensure_ascii=False) + "\n", "pretty layout differs from json.dumps"
    else:
        assert "\n" not in doc[:-1], "a compact document spans lines"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--mib", type=float, default=200, help="total size to write (MiB), default 200")
    ap.add_argument("--layout", choices=["files", "lines"], default="files")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--selfcheck", action="store_true", help="verify the first documents against json")
    args = ap.parse_args()
    written = generate(args.out_dir, args.mib, args.layout, args.seed, args.selfcheck)
    print("wrote %.1f MiB to %s" % (written / 1048576, args.out_dir), file=sys.stderr)


if __name__ == "__main__":
    main()
