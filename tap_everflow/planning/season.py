"""The traffic of the days before as a forecast of today's (pure).

Ad traffic follows the day: the same hours are busy every day, by a level
that drifts. A walk keeps the rows per quarter hour of the windows it has
completed (every row of them: certain, whichever rows overflowing answers
kept); a day later, a window is sized by them. A quarter hour's forecast is
the median, over the last few days known, of each day's median of the
quarter hours around it (a burst of one day is not expected again, one every
day is), scaled by how the last complete windows compared with their
forecasts (the median of the last few: one burst does not move it). A
window far above its forecast is a burst today; far below, a burst the day
before that today does not repeat: either way the rate leads for a while.
"""

from __future__ import annotations

import statistics
import typing as t
from collections import Counter, deque
from dataclasses import dataclass, field

from tap_everflow.planning.limits import DAY

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

QUARTER = 900
AROUND = 1  # quarter hours on each side whose median forecasts one
DAYS = 3  # days before whose median forecasts a quarter hour
SURGE = 1.5  # a window holding this many times its forecast is a burst


def near(ratio: float) -> bool:
    """Whether ``ratio`` (measured over forecast) is within a factor of SURGE."""
    return 1 / SURGE <= ratio <= SURGE


LEVELS = 5  # the last windows whose actual / forecast ratios scale forecasts


@dataclass
class Season:
    """Rows per quarter hour of the complete windows of a walk, in time order."""

    counts: Counter[int] = field(default_factory=Counter)  # by quarter start
    first: int | None = None  # the first whole quarter hour covered
    through: int = -1  # the last second covered
    ratios: deque[float] = field(default_factory=lambda: deque(maxlen=LEVELS))
    ratio: float | None = None  # the last window's rows over its forecast, if any

    def add(self, start: int, end: int, times: Iterable[int]) -> None:
        """The window ``start..end``, next after the last, held rows at ``times``."""
        forecast = self._forecast(start, end)
        rows = 0
        for second in times:
            self.counts[second - second % QUARTER] += 1
            rows += 1
        if self.first is None:
            self.first = -(-start // QUARTER) * QUARTER
        self.through = end
        self.ratio = rows / forecast if forecast else None
        if self.ratio is not None and not self.surge:  # a burst says nothing of it
            self.ratios.append(self.ratio)

    @property
    def surge(self) -> bool:
        """Whether the last window held far more than forecast: a burst."""
        return self.ratio is not None and self.ratio > SURGE

    @property
    def surprised(self) -> bool:
        """Whether it held far more or far fewer (a burst the day before, not today)."""
        return self.ratio is not None and not near(self.ratio)

    @property
    def known(self) -> bool:
        """Whether a whole day is known: windows then wait for its forecasts."""
        return self.first is not None and self.through - self.first >= DAY

    @property
    def level(self) -> float:
        """How today's traffic compares with a day earlier's (1 if not known yet)."""
        return min(2.0, max(0.5, statistics.median(self.ratios))) if self.ratios else 1

    def rows(self, start: int, end: int) -> float | None:
        """The rows forecast in ``start..end``, if a day earlier is known there."""
        forecast = self._forecast(start, end)
        return None if forecast is None else forecast * self.level

    def _rate(self, quarter: int) -> float | None:
        """Rows per second on the days before around the quarter hour at ``quarter``.

        Per day, the median of the quarter hours around it; over the last
        ``DAYS`` days known, the median of those: a burst one day is not
        expected again, one every day is. A window longer than what is known
        a day before is forecast from two days before.
        """
        per_day: list[float] = []
        for days in range(1, DAYS + 2):  # a day further back, beyond what is known
            first = quarter - days * DAY - AROUND * QUARTER
            last = quarter - days * DAY + (AROUND + 1) * QUARTER - 1
            if self.first is None or first < self.first or len(per_day) == DAYS:
                break
            if last > self.through:
                continue
            held = [
                self.counts[quarter - days * DAY + k * QUARTER]
                for k in range(-AROUND, AROUND + 1)
            ]
            per_day.append(statistics.median(held))
        return statistics.median(per_day) / QUARTER if per_day else None

    def _stretches(
        self, start: int, end: int
    ) -> Iterator[tuple[int, int, float | None]]:
        """``start..end`` by quarter hour: each piece's ends and forecast rate."""
        at = start
        while at <= end:
            quarter = at - at % QUARTER
            last = min(end, quarter + QUARTER - 1)
            yield at, last, self._rate(quarter)
            at = last + 1

    def _forecast(self, start: int, end: int) -> float | None:
        """Rows in ``start..end`` a day earlier's rates say, unscaled."""
        rows = 0.0
        for first, last, rate in self._stretches(start, end):
            if rate is None:
                return None
            rows += rate * (last - first + 1)
        return rows

    def window_end(self, start: int, bound: int, rows: float) -> int | None:
        """Where a window from ``start`` (to ``bound`` at most) holds ``rows``.

        None if a day earlier is not known that far yet.
        """
        held = 0.0
        for first, last, rate in self._stretches(start, bound):
            if rate is None:  # not known that far yet
                return None
            scaled = rate * self.level
            if scaled and held + scaled * (last - first + 1) > rows:
                return max(start, first + int((rows - held) / scaled) - 1)
            held += scaled * (last - first + 1)
        return bound
