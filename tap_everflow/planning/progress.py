"""One readable progress line per completed window: done, expected, and an ETA."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


def duration(seconds: float) -> str:
    """``seconds`` for a person: ``45 s``, ``3 min 05 s``, ``2 h 10 min``."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3_600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3_600} h {seconds % 3_600 // 60:02d} min"


@dataclass
class Progress:
    """How far a stream's sync is through its range ``start..end``."""

    start: int
    end: int
    began: float = field(default_factory=time.monotonic)
    rows: int = 0
    requests: int = 0
    # Once a plan is known: the rows expected in all, and the requests.
    expected_rows: float | None = None
    planned_requests: int | None = None

    def expect(self, rows: float, requests: int) -> None:
        """A plan for the rest of the range: ``rows`` expected in ``requests``."""
        self.expected_rows = self.rows + rows
        self.planned_requests = self.requests + requests

    def done(self, through: int, rows: int, requests: int) -> str:
        """Record a window done up to ``through``; the line to log about it."""
        self.rows += rows
        self.requests += requests
        elapsed = time.monotonic() - self.began
        if self.expected_rows:
            share = min(1.0, self.rows / self.expected_rows)
            where = f"{self.rows:,} of ~{round(self.expected_rows):,} rows"
        else:
            share = (through - self.start + 1) / (self.end - self.start + 1)
            where = f"{self.rows:,} rows, {100 * share:.0f}% of the time range"
        made = f"{self.requests} requests"
        if self.planned_requests is not None:
            made = f"{self.requests} requests ({self.planned_requests} planned)"
        eta = duration(elapsed * (1 - share) / share) if share > 0 else "unknown"
        return f"{where}; {made}; {duration(elapsed)} so far, about {eta} to go"
