#!/usr/bin/env python3
"""Makes the README's pictures from the code as it is, so they stay true:

  docs/images/ui-page.png    the --ui page of examples/ysb.sdl while event
                             files arrive (headless Chromium --screenshot)
  docs/images/ysb-plan.svg   `streamc graph examples/ysb.sdl`

usage: scripts/ui_pictures.py [--build build]
"""
import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "lib"))
import harness  # noqa: E402  (free_port)
IMAGES = ROOT / "docs" / "images"


def write_events(path, ads, start_ms, n, rng):
    """n YSB events from start_ms on, some late (behind the watermark), a few malformed."""
    lines = []
    for i in range(n):
        t = start_ms + i * 250 // n
        if rng.random() < 0.03:
            t -= 30_000  # late
        lines.append(json.dumps({"user_id": "u%d" % rng.randrange(100), "page_id": "p", "ad_id": rng.choice(ads),
                                 "ad_type": "banner", "event_type": rng.choice(["view", "view", "click"]),
                                 "event_time": t, "ip_address": "1.2.3.4"}))
        if rng.random() < 0.01:
            lines.append('{"user_id": "broken"')
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    os.rename(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    args = ap.parse_args()
    build = (ROOT / args.build).resolve()
    streamc = str(build / "compiler" / "streamc")
    work = build / "pictures"
    shutil.rmtree(work, ignore_errors=True)
    (work / "events").mkdir(parents=True)
    IMAGES.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, STREAMC_CACHE_DIR=str(build / "pictures-cache"))

    subprocess.run([streamc, "graph", str(ROOT / "examples" / "ysb.sdl"), "-o", str(IMAGES / "ysb-plan.svg")],
                   check=True)

    subprocess.run([streamc, str(ROOT / "examples" / "ysb.sdl"), "-o", str(work / "ysb")], check=True, env=env)
    shutil.copy(ROOT / "examples" / "ysb" / "ads.csv", work / "ads.csv")
    ads = [l.split(",")[0] for l in (work / "ads.csv").read_text().splitlines()[1:]]
    rng = random.Random(7)
    port = harness.free_port()
    proc = subprocess.Popen([str(work / "ysb"), "--events_path", "events/*.json", "--ads_path", "ads.csv",
                             "--output", "out", "--batch", "250ms", "--ui", str(port)], cwd=work,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        start = int(time.time() * 1000) - 5000  # event time a little behind the wall clock
        for i in range(40):  # a file of a quarter second of events every quarter second
            write_events(work / "events" / f"e{i:03}.json", ads, start + i * 250, rng.randrange(2000, 6000), rng)
            time.sleep(0.25)
        urllib.request.urlopen(f"http://127.0.0.1:{port}/progress", timeout=10).read()
        home = tempfile.mkdtemp(prefix="streamc-chromium-")
        try:
            subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                            "--disable-component-update", "--disable-sync", "--no-first-run",
                            f"--user-data-dir={home}/profile", "--hide-scrollbars", "--window-size=1300,740",
                            "--virtual-time-budget=3000", f"--screenshot={IMAGES / 'ui-page.png'}",
                            f"http://127.0.0.1:{port}/"], check=True, capture_output=True, timeout=120,
                           env=dict(os.environ, HOME=home))
        finally:
            shutil.rmtree(home, ignore_errors=True)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    print(f"wrote {IMAGES / 'ui-page.png'} and {IMAGES / 'ysb-plan.svg'}")


if __name__ == "__main__":
    main()
