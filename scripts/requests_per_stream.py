"""Requests each stream makes per run, on a simulated network (docs/streams.md).

    .venv/bin/python -m scripts.requests_per_stream [--offers 2500] [--affiliates 1000]

Runs the real tap CLI, every stream selected, twice against the simulator: a
first run (no state: the period's traffic and every entity list) and the next
run (from the first run's state, nothing new since). Prints the requests by
stream, read from the simulator's request log.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from harness.simulator import EverflowSimulator, network, uniform
from harness.simulator.server import ENTITIES, RequestLog
from tap_everflow.runtime.settings import CONFIG_SCHEMA

DAY = 86_400
DAILY_COLUMNS = CONFIG_SCHEMA["properties"]["daily_report_columns"]["default"]
KEY = "requests-key"
# Raw reports, whose counts the aggregated report may be asked for.
RAW = {
    "/v1/networks/reporting/impressions/stream": "impressions",
    "/v1/networks/reporting/clicks/stream": "clicks",
    "/v1/networks/reporting/invalidclicks": "invalid_clicks",
}
STREAM_OF = {
    **RAW,
    "/v1/networks/reporting/conversions": "conversions",
    **{entity.path: kind for kind, entity in ENTITIES.items()},
}


def by_stream(requests: list[RequestLog]) -> Counter[str]:
    """Requests by the stream they were made for, from the simulator's log.

    The aggregated report is asked for by the daily report (a day a request, its
    columns the setting's, here the default) and for a raw stream's counts (a
    time column, perhaps a split's): those count for the raw stream requested
    just before.
    """
    counts: Counter[str] = Counter()
    last_raw = "impressions"
    for request in requests:
        if request.path.endswith("/entity/table"):
            if request.body is None:  # never: the tap sends its columns
                msg = f"a report request without a body: {request}"
                raise ValueError(msg)
            columns = [c["column"] for c in request.body["columns"]]
            daily = columns == DAILY_COLUMNS
            counts["daily_report" if daily else last_raw] += 1
            continue
        stream = STREAM_OF[request.path]
        if request.path in RAW:
            last_raw = stream
        counts[stream] += 1
    return counts


def run_tap(
    config: dict[str, Any], state: dict[str, Any] | None, folder: Path
) -> dict[str, Any]:
    """Run the tap once; return its last state."""
    config_file = folder / "config.json"
    config_file.write_text(json.dumps(config))
    command = [sys.executable, "-m", "tap_everflow", "--config", str(config_file)]
    if state is not None:
        state_file = folder / "state.json"
        state_file.write_text(json.dumps(state))
        command += ["--state", str(state_file)]
    # Our own interpreter and arguments.
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    messages = [json.loads(line) for line in done.stdout.splitlines() if line]
    states: list[dict[str, Any]] = [
        m["value"] for m in messages if m["type"] == "STATE"
    ]
    return states[-1]


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=2_500)
    parser.add_argument("--affiliates", type=int, default=1_000)
    parser.add_argument("--days", type=int, default=1, help="days of traffic")
    args = parser.parse_args()

    now = int(time.time())
    end = now - now % DAY - 1
    start = end - args.days * DAY + 1
    lists = network(1, start - 365 * DAY, start, args.offers, args.affiliates)
    # Adjustments of the synced days, like the traffic.
    lists["reporting_adjustments"] = [
        {**row, "date_adjustment": time.strftime("%Y-%m-%d", time.gmtime(end))}
        for row in lists["reporting_adjustments"][:20]
    ]
    traffic = {
        kind: uniform(2, start, end, count * args.days, kind=kind)
        for kind, count in (
            ("impressions", 50_000),
            ("clicks", 5_000),
            ("invalid_clicks", 2_000),
            ("conversions", 500),
        )
    }
    with (
        EverflowSimulator(
            traffic["impressions"],
            clicks=traffic["clicks"],
            conversions=traffic["conversions"],
            invalid_clicks=traffic["invalid_clicks"],
            api_key=KEY,
            now=now,
            **lists,
        ) as sim,
        tempfile.TemporaryDirectory() as folder,
    ):
        config = {
            "api_key": KEY,
            "api_url": sim.url,
            "start_date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start)),
        }
        counts = []
        state = None
        for _ in range(2):
            sim.reset_log()
            state = run_tap(config, state, Path(folder))
            counts.append(by_stream(sim.requests))
    held = {kind: len(rows) for kind, rows in traffic.items()}
    # The rows of ``lists``, as the simulator holds them (its values are typed
    # apart, as a TypedDict's are, so they are read back from the simulator).
    held |= {kind: len(sim.entities(kind)) for kind in ENTITIES}
    print(f"{args.offers:,} offers, {args.affiliates:,} affiliates, {args.days} day(s)")
    print("| stream | rows | requests, first run | requests, next run |")
    print("|---|---:|---:|---:|")
    for stream in sorted(set(counts[0]) | set(counts[1])):
        rows = f"{held[stream]:,}" if stream in held else ""
        print(f"| `{stream}` | {rows} | {counts[0][stream]} | {counts[1][stream]} |")
    print(f"| all | | {sum(counts[0].values())} | {sum(counts[1].values())} |")


if __name__ == "__main__":
    main()
