"""One readable progress line per completed window: done, expected, and an ETA.

The ETA is the work to go at the rate of the work done since the first window
(the first window's time is not the rate's: it holds the request over the
whole range, which overflows, counting rows and planning). With counts, the
work is requests: the planned ones not made yet, alike. Without (a walk, or
past the plan), it is rows: those the walk foresees (its sample of the whole
range, scaled by the windows it completed) or, where it has none or more
came than expected, the rows so far spread over the rest of the range. A
rate over the whole run, not the last windows: a walk's windows run ahead
several at a time and then stall on a burst, and a recent rate swings with
them (replayed against the time really left, 0.3 s latency, 1,000,000 rows,
every overflow policy: 87% of estimates within a factor of 1.5, against 65%
from the last windows). The ETA is shown only once it can be right: after
:data:`MIN_WINDOWS` windows and :data:`MIN_SHARE` of the rows expected (of
the time range, where none are), from at least :data:`MIN_RATE_SECONDS` of
windows.
"""

from __future__ import annotations

import time
import typing as t
from dataclasses import dataclass, field

if t.TYPE_CHECKING:
    from collections.abc import Callable

# Windows done, the first included, before an ETA is shown.
MIN_WINDOWS = 4
# Share of the rows expected (or of the time range) done before an ETA.
MIN_SHARE = 0.05
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
    # (time, rows, requests) after the first window: the rate's base.
    _first: tuple[float, int, int] | None = field(init=False, default=None)
    _reported: float = field(init=False)

    def __post_init__(self) -> None:
        """Start the clock."""
        self.began = self._reported = self.clock()

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
        if to_come is not None and self.planned_requests is None:
            self.expected_rows = self.rows + to_come
        time_share = min(1.0, (through - self.start + 1) / (self.end - self.start + 1))
        expected = self.expected_rows
        if expected and (self.rows < expected or time_share >= 1):
            share = min(1.0, self.rows / expected)
            to_go = max(0.0, expected - self.rows)
            where = f"{self.rows:,} of ~{round(expected):,} rows"
        else:  # none expected, or more came than were: the range tells
            share = time_share
            # The rows so far, spread over the rest of the range as over its start.
            to_go = self.rows * (1 - share) / share if share > 0 else 0.0
            where = f"{self.rows:,} rows, {100 * share:.0f}% of the time range"
        made = f"{self.requests} requests"
        if self.planned_requests is not None:
            made = f"{self.requests} requests ({self.planned_requests} planned)"
        text = f"{where}; {made}; {duration(now - self.began)} so far"
        # The last window: nothing is to go, whatever was expected.
        remaining = 0.0 if time_share >= 1 else self._remaining(share, to_go, now)
        if self._first is None:
            self._first = (now, self.rows, self.requests)
        if remaining is not None:
            text += f", about {duration(remaining)} to go"
        due = now - self._reported >= REPORT_EVERY
        if due:
            self._reported = now
        return Step(text, due, remaining)

    def _remaining(self, share: float, rows_to_go: float, now: float) -> float | None:
        """Seconds to go at the rate since the first window, or None while unsure.

        The work is the planned requests not made yet, else (no plan, or past
        it: rows the counts missed) the rows to go.
        """
        planned = (self.planned_requests or 0) - self.requests
        if rows_to_go <= 0 and planned <= 0:
            return 0.0
        if self._first is None or self.windows < MIN_WINDOWS or share < MIN_SHARE:
            return None
        at, rows, requests = self._first
        if planned > 0:
            done, to_go = self.requests - requests, float(planned)
        else:
            done, to_go = self.rows - rows, rows_to_go
        seconds = now - at
        if seconds < MIN_RATE_SECONDS or done <= 0:
            return None
        return to_go * seconds / done
