"""Serve a simulated Everflow account, to try the tap by hand.

    python -m harness.simulator --profile bursty --days 3 --rows 50000

then point the tap at the printed api_url with the printed api_key. The
account holds impressions, clicks and invalid clicks in the chosen profile,
conversions spread evenly over the same days, and every entity list of a
network of the offers and affiliates all of them refer to.
"""

from __future__ import annotations

import argparse
import time

from harness.simulator.records import network
from harness.simulator.server import EverflowSimulator
from harness.simulator.traffic import bursty, quiet, uniform

DAY = 86_400
PROFILES = {"uniform": uniform, "quiet": quiet, "bursty": bursty}
# Every profile draws offer and affiliate ids from at most these ranges.
OFFERS, AFFILIATES = 20, 30
# The network's offers: more than the traffic's, so that every list has some
# (coupons, custom caps and scrub rates are on every 25th or 50th offer).
NETWORK_OFFERS = 100


def main() -> None:
    """Start the simulator with the command line's account and serve until Ctrl-C."""
    parser = argparse.ArgumentParser(
        prog="python -m harness.simulator",
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument(
        "--profile", choices=sorted(PROFILES), default="bursty", help="traffic shape"
    )
    parser.add_argument("--days", type=float, default=3, help="days of traffic")
    parser.add_argument(
        "--rows",
        type=int,
        default=50_000,
        help="impressions; bursty adds 2 hot seconds of 25,000 (and clicks likewise)",
    )
    parser.add_argument(
        "--clicks", type=int, help="clicks (default: rows / 10)%(default).0s"
    )
    parser.add_argument(
        "--conversions", type=int, help="conversions (default: rows / 250)%(default).0s"
    )
    parser.add_argument("--seed", type=int, default=1, help="same seed, same rows")
    parser.add_argument(
        "--api-key", default="simulator-key", help="the key the tap must send"
    )
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds added to every answer"
    )
    parser.add_argument(
        "--fault-rate",
        type=float,
        default=0.0,
        help="share of requests answered with a fault (5xx, 429, reset, broken body)",
    )
    args = parser.parse_args()

    now = int(time.time())
    end = now - now % DAY - 1
    start = end - int(args.days * DAY) + 1
    profile = PROFILES[args.profile]
    clicks = args.rows // 10 if args.clicks is None else args.clicks
    conversions = args.rows // 250 if args.conversions is None else args.conversions
    truth = {
        "impressions": profile(args.seed, start, end, args.rows),
        "clicks": profile(args.seed, start, end, clicks, kind="clicks"),
        "conversions": uniform(args.seed, start, end, conversions, kind="conversions"),
        "invalid_clicks": uniform(
            args.seed, start, end, clicks // 10, kind="invalid_clicks"
        ),
    }
    # Entities were created and edited during the year before the traffic.
    since = start - 365 * DAY
    simulator = EverflowSimulator(
        truth["impressions"],
        clicks=truth["clicks"],
        conversions=truth["conversions"],
        invalid_clicks=truth["invalid_clicks"],
        **network(args.seed, since, end, NETWORK_OFFERS, AFFILIATES),
        api_key=args.api_key,
        now=now,
        latency=args.latency,
        fault_rate=args.fault_rate,
    )
    simulator.start(args.port)
    start_date = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start))
    end_date = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(end))
    held = ", ".join(f"{len(rows):,} {kind}" for kind, rows in truth.items())
    print(f"{args.profile}: {held} from {start_date} to {end_date}")
    print(
        f"every entity list: {NETWORK_OFFERS} offers (traffic on {OFFERS}), "
        f"{AFFILIATES} affiliates, 5 advertisers"
    )
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
