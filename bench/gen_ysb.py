#!/usr/bin/env python3
"""Writes Yahoo Streaming Benchmark input: ads.csv (ad_id -> campaign_id, 10
ads per campaign) and JSON Lines event files, deterministic for a seed.

  gen_ysb.py OUT_DIR --events N [--files F] [--campaigns C] [--seed S]

Events: {"user_id","page_id","ad_id","ad_type","event_type","event_time",
"ip_address"} as in the original benchmark; event_type is view, click or
purchase; event_time is epoch milliseconds, increasing by about spacing/2 ms an
event (--spacing-ms) from 2026-11-24T13:00:00Z.
"""
import argparse
import random
import uuid
from pathlib import Path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--events", type=int, default=10000)
    ap.add_argument("--files", type=int, default=1)
    ap.add_argument("--campaigns", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--spacing-ms", type=int, default=2)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = Path(args.out)
    (out / "events").mkdir(parents=True, exist_ok=True)
    mk = lambda: str(uuid.UUID(int=rng.getrandbits(128)))
    campaigns = [mk() for _ in range(args.campaigns)]
    ads = [(mk(), c) for c in campaigns for _ in range(10)]
    (out / "ads.csv").write_text("ad_id,campaign_id\n" + "".join(f"{a},{c}\n" for a, c in ads))
    users = [mk() for _ in range(100)]
    pages = [mk() for _ in range(100)]
    ad_types = ["banner", "modal", "sponsored-search", "mail", "mobile"]
    kinds = ["view", "click", "purchase"]
    t = 1795525200000  # 2026-11-24T13:00:00Z in ms
    per_file = (args.events + args.files - 1) // args.files
    n = 0
    for f in range(args.files):
        lines = []
        for _ in range(min(per_file, args.events - n)):
            t += rng.randint(0, args.spacing_ms)
            lines.append('{"user_id":"%s","page_id":"%s","ad_id":"%s","ad_type":"%s","event_type":"%s",'
                         '"event_time":%d,"ip_address":"1.2.3.4"}\n'
                         % (rng.choice(users), rng.choice(pages), rng.choice(ads)[0], rng.choice(ad_types),
                            rng.choice(kinds), t))
            n += 1
        (out / "events" / f"events-{f:04d}.json").write_text("".join(lines))


if __name__ == "__main__":
    main()
