"""Raw requests per lower bound of the tap's planning, under every overflow policy.

The tap's own planning code (:func:`~tap_everflow.planning.walk.walk`, and
:func:`~tap_everflow.planning.planner.plan` with
:func:`~tap_everflow.planning.planner.read` where counts exist) runs against an
in-memory server that keeps the API's rules (10,000 rows and 14 days a
request; 1,000 rows for invalid clicks) and answers an overflowing window as
the simulator's ``overflow_subset`` says (:mod:`harness.simulator.overflow`).
Only HTTP and decoding are left out, so a profile takes seconds: every policy,
shape and counts path is measured, and every row is checked to come back
exactly once. The whole tap against the HTTP simulator: ``scripts/benchmark.py``.

Usage: ``python -m scripts.planning_benchmark [--rows N] [--only TEXT ...]``
"""

from __future__ import annotations

import argparse
import bisect
import math
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from harness.simulator import daily_cycle
from harness.simulator.overflow import OVERFLOW_SUBSETS, kept_rows
from tap_everflow.planning.counts import Bucket, buckets_of
from tap_everflow.planning.limits import RAW_LIMITS, Limits
from tap_everflow.planning.planner import PlannedWindow, plan, read
from tap_everflow.planning.slices import (
    Answer,
    CompletedWindow,
    Dimension,
    Partition,
    Slice,
)
from tap_everflow.planning.walk import walk

DAY = 86_400
BUCKET = 900  # the report's finest time column (15 minutes)
CAPACITY = 9_700  # the raw stream's planned windows (PLANNED_FILL of the cap)
CONCURRENCY = 8
INVALID_CLICKS = Limits(max_rows=1_000)


@dataclass(frozen=True)
class Row:
    """A raw row as planning sees it: its time and the ids it is split by."""

    id: int
    ts: int
    offer: str
    affiliate: str


TIME_OF = attrgetter("ts")
DIMENSIONS = (
    Dimension("offer", attrgetter("offer")),
    Dimension("affiliate", attrgetter("affiliate")),
)


@dataclass(frozen=True)
class Shape:
    """A dataset: traffic profile, kind, rows and days."""

    traffic: str  # "cycle" (bursty) or "smooth"
    kind: str  # impressions, clicks or invalid_clicks
    rows: int
    days: int

    def generate(self) -> tuple[list[Row], int, int]:
        """The rows (sorted by time) and the inclusive period, mid-hour at both ends."""
        end = 1_790_000_000 // DAY * DAY - 2_121
        start = end - self.days * DAY + 5 * 3_600 + 3_355
        kind = "clicks" if self.kind != "impressions" else "impressions"
        records = daily_cycle(
            3, start, end, self.rows, bursts=self.traffic == "cycle", kind=kind
        )
        rows = [
            Row(
                i,
                r["unix_timestamp"],
                str(r["relationship"]["offer"]["network_offer_id"]),
                str(r["relationship"]["affiliate"]["network_affiliate_id"]),
            )
            for i, r in enumerate(records)
        ]
        return rows, start, end


class Server:
    """The raw endpoint's rules over ``rows``, answering overflows per ``subset``."""

    def __init__(self, rows: list[Row], limits: Limits, subset: str) -> None:
        """Serve ``rows`` (sorted by time) under ``limits``."""
        self.rows, self.limits, self.subset = rows, limits, subset
        self.times = [row.ts for row in rows]
        self.rng = random.Random(7)  # noqa: S311 - reproducible, not secret
        self.requests = 0

    def fetch(self, request: Slice) -> Answer:
        """One request's answer."""
        if request.end - request.start >= 14 * DAY:
            msg = f"a window over 14 days: {request}"
            raise ValueError(msg)
        self.requests += 1
        first = bisect.bisect_left(self.times, request.start)
        last = bisect.bisect_right(self.times, request.end)
        filters = dict(request.partition.filters)
        exclusions = dict(request.partition.exclusions)
        hits = [
            row
            for row in self.rows[first:last]
            if all(getattr(row, k) in v for k, v in filters.items())
            and not any(getattr(row, k) in v for k, v in exclusions.items())
        ]
        cap = self.limits.max_rows
        if len(hits) < cap:
            return Answer(hits)
        kept = kept_rows(
            self.subset, hits, cap, self.rng, time_of=TIME_OF, offer_of=_offer
        )
        return Answer(kept, incomplete=True)


def _offer(row: Row) -> int:
    return int(row.offer)


@dataclass(frozen=True)
class Counts:
    """The aggregated report's counts: exact, or off by ``noise`` with some left out."""

    noise: float = 0.0
    uncounted: float = 0.0

    def buckets(self, rows: list[Row], start: int, end: int) -> list[Bucket]:
        """Rows per 15-minute bucket of ``start..end``, as the report counts them."""
        rng = random.Random(11)  # noqa: S311 - reproducible, not secret
        totals = Counter(
            row.ts // BUCKET * BUCKET
            for row in rows
            if start <= row.ts <= end and rng.random() >= self.uncounted
        )
        noisy = {
            at: max(0, round(n * (1 + rng.uniform(-self.noise, self.noise))))
            for at, n in totals.items()
        }
        return buckets_of(noisy, BUCKET, start, end)

    def by_affiliate(
        self, rows: list[Row], windows: Any
    ) -> dict[PlannedWindow, dict[str, int]]:
        """Counts by affiliate of each window (a busy second)."""
        return {
            w: dict(Counter(r.affiliate for r in rows if w.start <= r.ts <= w.end))
            for w in windows
        }


def run(
    rows: list[Row],
    period: tuple[int, int],
    limits: Limits,
    counts: Counts | None,
    server: Server,
) -> list[CompletedWindow]:
    """The raw stream's flow: a first request per 14 days; counts, else the walk."""
    out: list[CompletedWindow] = []
    cursor, end = period
    while cursor <= end:
        first = Slice(cursor, min(end, cursor + limits.max_span - 1))
        answer = server.fetch(first)
        if not answer.overflowed(limits):
            out.append(CompletedWindow(first.start, first.end, list(answer.rows), 1))
            cursor = first.end + 1
            continue
        if counts is not None:
            buckets = counts.buckets(rows, cursor, end)
            planned = plan(
                buckets,
                root=Partition(),
                capacity=CAPACITY,
                max_span=limits.max_span,
                by_value=lambda hot: counts.by_affiliate(rows, hot),
                resource_type="affiliate",
                sampled=[row.ts for row in answer.rows],
            )
            out += read(
                planned,
                server.fetch,
                capacity=CAPACITY,
                limits=limits,
                dimensions=DIMENSIONS,
                time_of=TIME_OF,
                counted=buckets,
            )
            return out
        out += walk(
            cursor,
            end,
            server.fetch,
            dimensions=DIMENSIONS,
            limits=limits,
            time_of=TIME_OF,
            concurrency=CONCURRENCY,
            prefetch=lambda _: None,
            first=(first, answer),
        )
        return out
    return out


PATHS = {
    "no counts": None,
    "counts exact": Counts(),
    "counts noisy": Counts(0.05, 0.01),
}


def main() -> None:
    """Print requests / lower bound per shape, path and overflow policy."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--only", nargs="*", default=[""], help="substrings of rows")
    parser.add_argument("--policies", nargs="*", default=list(OVERFLOW_SUBSETS))
    args = parser.parse_args()
    shapes = [
        Shape("cycle", "impressions", args.rows, 14),
        Shape("smooth", "impressions", args.rows, 30),
        Shape("cycle", "clicks", args.rows, 30),
        Shape("smooth", "invalid_clicks", args.rows // 10, 14),
        # A daily or a weekend's sync: no day before to forecast from.
        Shape("smooth", "impressions", args.rows * 7 // 100, 1),
        Shape("cycle", "impressions", args.rows * 3 // 10, 3),
    ]
    print("| shape | path | " + " | ".join(args.policies) + " |")
    print("|---|---|" + "---:|" * len(args.policies))
    ok = True
    for shape in shapes:
        name = f"{shape.kind} {shape.traffic} {shape.days} d, {shape.rows:,} rows"
        if not any(s in name for s in args.only):
            continue
        rows, start, end = shape.generate()
        limits = INVALID_CLICKS if shape.kind == "invalid_clicks" else RAW_LIMITS
        bound = max(math.ceil(len(rows) / limits.max_rows), math.ceil(shape.days / 14))
        for path, counts in PATHS.items():
            if counts is not None and shape.kind == "invalid_clicks":
                continue  # never counted
            cells = []
            for policy in args.policies:
                server = Server(rows, limits, policy)
                began = time.process_time()
                windows = run(rows, (start, end), limits, counts, server)
                got = sorted(r.id for w in windows for r in w.rows)
                exact = got == list(range(len(rows)))
                ok &= exact
                seconds = time.process_time() - began
                cells.append(
                    f"{server.requests / bound:.2f}" + ("" if exact else " LOST")
                )
                print(
                    f"  {name} {path} {policy}: {server.requests} requests "
                    f"(bound {bound}), {seconds:.1f} s",
                    file=sys.stderr,
                )
            print(f"| {name} | {path} | " + " | ".join(cells) + " |", flush=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
