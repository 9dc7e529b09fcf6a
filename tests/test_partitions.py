"""Backfills as day partitions run in parallel (docs/production.md).

Bare-date start_date/end_date make consecutive days tile exactly, and runs at once
share the account's limits by splitting max_concurrent_requests.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections import Counter

from harness.simulator import uniform
from tests.conftest import DAY, TapRun, now, parse_messages, tap_config

PARTITIONS = 3
# Everflow allows 10 reporting requests at once per account: each of the three
# runs gets a third, and the pace is split alike.
CONCURRENT_EACH = 10 // PARTITIONS
RATE_EACH = 10 / PARTITIONS
STREAMS = {"impressions": "transaction_id", "clicks": "transaction_id"}
STREAMS["conversions"] = "conversion_id"


def at(epoch: int, kind: str, seed: int, count: int) -> list[dict]:
    """``count`` rows of ``kind`` in the one second ``epoch``."""
    return uniform(seed, epoch, epoch, count, kind=kind)


def test_three_day_partitions_at_once_deliver_every_row_once(make_simulator, tap):
    first = now() - now() % DAY - 4 * DAY  # three whole days, well past the lag
    days = [first + n * DAY for n in range(PARTITIONS)]
    last = days[-1] + DAY - 1
    # Rows in each day's first and last second: where partitions meet.
    edges = [second for day in days for second in (day, day + DAY - 1)]
    truth = {
        # 15,000 a day: more than one request holds, so each run plans or walks.
        "impressions": uniform(21, first, last, 45_000)
        + [row for n, e in enumerate(edges) for row in at(e, "impressions", n, 40)],
        "clicks": uniform(22, first, last, 3_000, kind="clicks")
        + [row for n, e in enumerate(edges) for row in at(e, "clicks", n, 5)],
        "conversions": uniform(23, first, last, 600, kind="conversions")
        + [row for n, e in enumerate(edges) for row in at(e, "conversions", n, 3)],
    }
    sim = make_simulator(
        truth["impressions"],
        clicks=truth["clicks"],
        conversions=truth["conversions"],
    )
    procs = []
    for day in days:
        date = dt.datetime.fromtimestamp(day, dt.timezone.utc).date().isoformat()
        config = tap_config(
            sim,
            start_date=date,
            end_date=date,
            max_concurrent_requests=CONCURRENT_EACH,
            max_requests_per_second=RATE_EACH,
        )
        command = tap.command(config, None, streams=tuple(STREAMS))
        procs.append(
            subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
        )
    runs = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=240)
        runs.append(TapRun(proc.returncode, parse_messages(stdout), stderr, stdout))
    tap.runs.extend(runs)

    for run in runs:
        assert run.returncode == 0, run.stderr[-3000:]
    for stream, key in STREAMS.items():
        delivered = Counter(
            m["record"][key]
            for run in runs
            for m in run.messages
            if m["type"] == "RECORD" and m["stream"] == stream
        )
        twice = [k for k, n in delivered.items() if n > 1]
        assert not twice, f"{stream}: {len(twice)} rows in more than one partition"
        assert set(delivered) == {row[key] for row in truth[stream]}, stream
    # Each run kept to its own day, edges included.
    for day, run in zip(days, runs, strict=True):
        times = [
            m["record"].get("occurred_at") or m["record"]["converted_at"]
            for m in run.messages
            if m["type"] == "RECORD"
        ]
        start = dt.datetime.fromtimestamp(day, dt.timezone.utc)
        end = start + dt.timedelta(seconds=DAY - 1)
        assert min(map(dt.datetime.fromisoformat, times)) == start
        assert max(map(dt.datetime.fromisoformat, times)) == end
    assert sim.most_in_flight <= PARTITIONS * CONCURRENT_EACH
