"""Serve simulated Everflow traffic, to try the tap by hand.

    python -m tests.simulator --profile bursty --days 3 --rows 50000

then point the tap at the printed api_url with the printed api_key.
"""

from __future__ import annotations

import argparse
import time

from tests.simulator.server import EverflowSimulator
from tests.simulator.traffic import bursty, quiet, uniform

DAY = 86_400
PROFILES = {"uniform": uniform, "quiet": quiet, "bursty": bursty}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="bursty")
    parser.add_argument("--days", type=float, default=3, help="days of traffic")
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--api-key", default="simulator-key")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds")
    parser.add_argument("--fault-rate", type=float, default=0.0)
    args = parser.parse_args()

    now = int(time.time())
    end = now - now % DAY - 1
    start = end - int(args.days * DAY) + 1
    rows = PROFILES[args.profile](args.seed, start, end, args.rows)
    simulator = EverflowSimulator(
        impressions=rows,
        api_key=args.api_key,
        now=now,
        latency=args.latency,
        fault_rate=args.fault_rate,
    )
    simulator.start(args.port)
    start_date = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start))
    end_date = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(end))
    print(f"{len(rows):,} {args.profile} impressions from {start_date} to {end_date}")
    print(f"api_url: {simulator.url}")
    print(f"api_key: {args.api_key}")
    print("Ctrl-C to stop.")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        simulator.stop()


if __name__ == "__main__":
    main()
