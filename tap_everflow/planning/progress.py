"""One readable progress line per completed window: done, expected, and an ETA.

The ETA is the requests to go (the time goes into requests) at the seconds
per request so far. With counts, the requests to go are the planned ones not
made yet, and the rate is that of all windows since the first (planned
requests are alike). Without, they are the rows to go at the requests per row
of the last few windows, and the rate is the recent one (a walk needs fewer
requests, and faster ones, as it learns the traffic); the rows to go are the
walk's forecast (its sample of the whole range, scaled by the windows it
completed) or, where it has none, the rows so far spread over the rest of the
range. The first window's time is not the rate's: it
holds the request over the whole range (which overflows), counting rows and
planning. The ETA is shown only once it can be right: after
:data:`MIN_WINDOWS` windows and :data:`MIN_SHARE` of the rows expected (of the
time range, where none are), from at least :data:`MIN_RATE_SECONDS` of windows.
"""

from __future__ import annotations

import time
import typing as t
from collections import deque
from dataclasses import dataclass, field

if t.TYPE_CHECKING:
    from collections.abc import Callable

# Windows done, the first included, before an ETA is shown.
MIN_WINDOWS = 4
# Share of the rows expected (or of the time range) done before an ETA.
MIN_SHARE = 0.05
# The rate is measured over at least this many seconds of recent windows...
RATE_SECONDS = 10.0
# ... and this many windows (windows run ahead arrive in bursts).
RATE_WINDOWS = 8
# Recent windows whose requests per row say how many requests the rows to go
# take (a walk's windows need fewer requests as it learns the traffic).
PACE_WINDOWS = 4
# No rate from fewer seconds: the windows fetched at once with the first one
# are emitted at the pace of the tap alone, faster than requests come back.
MIN_RATE_SECONDS = 5.0
# Seconds between progress lines worth a person's attention (INFO); the
# others are detail (DEBUG).
REPORT_EVERY = 10.0


def duration(seconds: float) -> str:
    """``seconds`` for a person: ``45 s``, ``3 min 05 s``, ``2 h 10 min``."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3_600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3_600} h {seconds % 3_600 // 60:02d} min"


class Step(t.NamedTuple):
    """What :meth:`Progress.done` says about a window."""

    text: str  # done so far, expected, and an ETA once it can be right
    due: bool  # whether this line is the one a person should see now
    remaining: float | None  # the ETA in seconds, if shown


@dataclass
class Progress:
    """How far a stream's sync is through its range ``start..end``."""

    start: int
    end: int
    clock: Callable[[], float] = time.monotonic
    began: float = field(init=False)
    rows: int = 0
    requests: int = 0
    windows: int = 0
    # Once known: the rows expected in all (counted, or foreseen by a walk),
    # and the requests planned from counts.
    expected_rows: float | None = None
    planned_requests: int | None = None
    # (time, work done) after each window from the first on: the rate's base.
    _marks: deque[tuple[float, float]] = field(init=False)
    _first: tuple[float, float] = field(init=False)  # after the first window
    _pace: deque[tuple[int, int]] = field(init=False)  # recent (rows, requests)
    _reported: float = field(init=False)

    def __post_init__(self) -> None:
        """Start the clock."""
        self.began = self._reported = self.clock()
        # Enough to reach RATE_SECONDS back, even when windows come fast.
        self._marks = deque(maxlen=16 * RATE_WINDOWS)
        self._pace = deque(maxlen=PACE_WINDOWS)

    def expect(self, rows: float, requests: int) -> None:
        """A plan for the rest of the range: ``rows`` expected in ``requests``."""
        self.expected_rows = self.rows + rows
        self.planned_requests = self.requests + requests

    def done(
        self, through: int, rows: int, requests: int, *, to_come: float | None = None
    ) -> Step:
        """Record a window done up to ``through``; what to log about it.

        ``to_come``: the rows expected after it, where the reader foresees them.
        """
        now = self.clock()
        self.rows += rows
        self.requests += requests
        self.windows += 1
        self._pace.append((rows, requests))
        if to_come is not None and self.planned_requests is None:
            self.expected_rows = self.rows + to_come
        time_share = min(1.0, (through - self.start + 1) / (self.end - self.start + 1))
        if self.expected_rows:
            share = min(1.0, self.rows / self.expected_rows)
            to_go = max(0.0, self.expected_rows - self.rows)
            where = f"{self.rows:,} of ~{round(self.expected_rows):,} rows"
        else:
            share = time_share
            # The rows so far, spread over the rest of the range as over its start.
            to_go = self.rows * (1 - share) / share if share > 0 else 0.0
            where = f"{self.rows:,} rows, {100 * share:.0f}% of the time range"
        work, work_to_go = self._work(to_go)
        if time_share >= 1:  # the last window: nothing is to go, whatever expected
            work_to_go = 0.0
        if not self._marks:
            self._first = (now, work)
        self._marks.append((now, work))
        made = f"{self.requests} requests"
        if self.planned_requests is not None:
            made = f"{self.requests} requests ({self.planned_requests} planned)"
        text = f"{where}; {made}; {duration(now - self.began)} so far"
        remaining = self._remaining(share, work, work_to_go, now)
        if remaining is not None:
            text += f", about {duration(remaining)} to go"
        due = now - self._reported >= REPORT_EVERY
        if due:
            self._reported = now
        return Step(text, due, remaining)

    def _work(self, rows_to_go: float) -> tuple[float, float]:
        """The requests done and to go: the time goes into requests.

        To go: those planned and not made yet; past the plan (rows the counts
        missed), or without one, the rows to go at the requests per row of the
        last :data:`PACE_WINDOWS` windows (a walk needs fewer as it learns the
        traffic: its first windows overflow and are cut).
        """
        planned = (self.planned_requests or 0) - self.requests
        if planned > 0 or not rows_to_go:
            return self.requests, max(0, planned)
        rows = sum(rows for rows, _ in self._pace)
        requests = sum(requests for _, requests in self._pace)
        return self.requests, rows_to_go * requests / rows if rows else 0.0

    def _remaining(
        self, share: float, work: float, to_go: float, now: float
    ) -> float | None:
        """Seconds to go at the rate so far, or None while it cannot be right."""
        if to_go <= 0:
            return 0.0
        if self.windows < MIN_WINDOWS or share < MIN_SHARE:
            return None
        base = self._base(now)
        seconds, done = now - base[0], work - base[1]
        if seconds < MIN_RATE_SECONDS or done <= 0:
            return None
        return to_go * seconds / done

    def _base(self, now: float) -> tuple[float, float]:
        """The mark the rate is measured from.

        The first window's end: its time (the request over the whole range,
        counting, planning) is not the rate's. Planned requests are alike, so
        all of them since say the rate best; a walk's pace changes as it
        learns the traffic (its first windows overflow and are cut), so its
        rate is the recent one: from the latest mark both RATE_WINDOWS windows
        and RATE_SECONDS back, or else the first.
        """
        if self.planned_requests is not None:
            return self._first
        marks = list(self._marks)
        return next(
            (
                mark
                for mark in reversed(marks[:-RATE_WINDOWS])
                if now - mark[0] >= RATE_SECONDS
            ),
            self._first,
        )
