"""What an overflowing answer's rows show of its window's traffic (pure).

Which rows an overflowing answer keeps is unspecified: a random sample, the
oldest or the newest, whole offers or storage shards, or anything else. Two
things its rows show whatever the server does: each stretch of the window
holds at least the rows returned in it, and where those are. A
:class:`Shape` reads them two ways at once, each right for some servers:

- where returned rows are, the traffic is spread like them (a sample, at a
  scale not yet known, or every row of that stretch);
- a stretch with none (a bin of ``1/BINS`` of the window: the rest of a
  prefix or a suffix, shards not read) holds what was expected there before
  (a rate, a day earlier), or else as many rows per second as the stretches
  that have some.

Its mass counts returned rows; how many rows one stands for (its scale) is
at least one, and is measured by the complete windows inside it. A wrong
reading costs requests, never rows: a window that overflows is cut again.
"""

from __future__ import annotations

import bisect
import math
import statistics
import sys
import typing as t
from collections import Counter
from dataclasses import dataclass

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

BINS = 64  # empty stretches are seen at this resolution
SPREAD = 0.1  # at most this share of a sample's window is empty stretches
MIN_ROWS = 32  # fewer returned rows show too little to shape anything
MIN_MEASURED = 20  # returned rows inside complete windows before a scale counts
MIN_BINS = 4  # bins with expected rows before they scale a shape
ALONE = 0.25  # a second returned with this share of a part's rows is one alone
SPIKE = 0.01  # a second holding this share of the returned rows is a busy one


def fitting_points(rows: float, rows_per_point: float) -> int:
    """Sampled rows a stretch may hold so that it holds under ``rows``.

    ``k`` sampled rows stand for ``rows_per_point * k`` rows, give or take
    ``rows_per_point * sqrt(k)``: the most ``k`` with two deviations to spare,
    ``k + 2 sqrt(k) <= rows / rows_per_point``.
    """
    if rows_per_point <= 0:  # none measured: any number fits
        return sys.maxsize
    return max(0, int((math.sqrt(1 + rows / rows_per_point) - 1) ** 2))


@dataclass
class Shape:
    """The traffic of the window ``start..end`` as an overflowing answer shows it.

    ``times``: the returned rows' times, sorted; ``gaps``: the stretches
    without any, each with the mass it is taken to hold.
    """

    start: int
    end: int
    times: list[int]
    gaps: tuple[tuple[int, int, float], ...]
    measured_rows: int = 0  # rows of complete windows inside it
    measured_mass: float = 0.0  # its mass inside those windows
    misses: int = 0  # windows it expected to fit that overflowed
    # Rows per returned row where rows were expected before asking (the
    # median over bins: a burst does not move it); None if nothing was.
    prior_scale: float | None = None
    # The most rows the window may hold (counts of its buckets), if known.
    ceiling: float = math.inf

    @classmethod
    def read(
        cls,
        start: int,
        end: int,
        times: Iterable[int],
        prior: Callable[[int, int], float | None] = lambda _s, _e: None,
        *,
        ceiling: float = math.inf,
    ) -> Shape | None:
        """The shape of ``times`` in ``start..end``; None if too few to tell.

        A gap of a sample holds as many rows per second as the stretches
        with rows; others hold what ``prior`` (rows expected in a stretch, if
        known) says, or else that density too. ``ceiling``: the most rows
        the window may hold, if known (see :meth:`rows`).
        """
        inside = sorted(x for x in times if start <= x <= end)
        if len(inside) < MIN_ROWS:
            return None
        width = -(-(end - start + 1) // BINS)
        empty = _empty_stretches(start, end, inside, width)
        empty_seconds = sum(last - first + 1 for first, last in empty)
        covered = end - start + 1 - empty_seconds
        # A busy second is rows of its own, not a density to extrapolate.
        busy = _busy(len(inside))
        density = sum(n for n in Counter(inside).values() if n < busy) / covered
        spread = _spread(empty_seconds, end - start + 1)
        gaps = []
        for first, last in empty:
            # A sample's mass counts returned rows: a gap in it is at its density.
            expected = None if spread else prior(first, last)
            held = density * (last - first + 1) if expected is None else expected
            gaps.append((first, last, held))
        shape = cls(start, end, inside, tuple(gaps), ceiling=ceiling)
        shape.prior_scale = _prior_scale(inside, start, end, width, prior)
        return shape

    def mass(self, start: int, end: int) -> float:
        """The returned rows of ``start..end``, and the fill of its gaps."""
        points = bisect.bisect_right(self.times, end)
        points -= bisect.bisect_left(self.times, start)
        return points + sum(
            held * max(0, min(end, last) - max(start, first) + 1) / (last - first + 1)
            for first, last, held in self.gaps
        )

    @property
    def total(self) -> float:
        """The mass of the whole window."""
        return self.mass(self.start, self.end)

    @property
    def spread(self) -> bool:
        """Whether the rows cover the window, as a sample of it would."""
        empty = sum(last - first + 1 for first, last, _ in self.gaps)
        return _spread(empty, self.end - self.start + 1)

    @property
    def suffix(self) -> bool:
        """Whether the rows are a run at the window's end, as the newest would be."""
        return not self.spread and all(last < self.times[0] for _, last, _ in self.gaps)

    @property
    def scale(self) -> float | None:
        """Rows per unit of mass, once complete windows measured it (samples only)."""
        if not self.spread or self.measured_mass < MIN_MEASURED:
            return None
        return self.measured_rows / self.measured_mass

    def rows(self, guessed: float) -> float:
        """The rows of the window: ``guessed``, or more if the shape shows more.

        A sample shows only a lower bound, scaled by the rows expected where
        it has rows (at most the ``ceiling``); a prefix, a suffix or shards
        show the whole window.
        """
        scaled = self.total * max(1.0, self.prior_scale or 1.0)
        # A returned row stands for one row at least, whatever the ceiling.
        return max(min(scaled, max(self.ceiling, self.total)), guessed)

    def busiest(self) -> tuple[int, int]:
        """The second holding the most returned rows, and how many."""
        second, held = Counter(self.times).most_common(1)[0]
        return second, held

    def spike(self) -> int | None:
        """The busiest second, if it holds a busy one's share of the returned rows."""
        second, held = self.busiest()
        return second if held >= _busy(len(self.times)) else None

    def measure(self, start: int, end: int, rows: int) -> None:
        """The window ``start..end`` inside the shape came back with ``rows``."""
        points = bisect.bisect_right(self.times, end)
        points -= bisect.bisect_left(self.times, start)
        if points and self.start <= start and end <= self.end:
            self.measured_rows += rows
            self.measured_mass += self.mass(start, end)

    def end_at(self, start: int, mass: float) -> int:
        """The last second from ``start`` up to which the mass is at most ``mass``.

        At least ``start``, at most the shape's end.
        """
        low, high = start, self.end
        while low < high:
            middle = (low + high + 1) // 2
            if self.mass(start, middle) <= mass:
                low = middle
            else:
                high = middle - 1
        return low


def _busy(returned: int) -> float:
    """Returned rows of one second that make it a busy one, of ``returned``."""
    return max(MIN_ROWS, SPIKE * returned)


def _empty_stretches(
    start: int, end: int, inside: Sequence[int], width: int
) -> list[tuple[int, int]]:
    """The stretches of ``start..end`` whose bins of ``width`` hold no time."""
    occupied = {(x - start) // width for x in inside}
    empty: list[tuple[int, int]] = []
    for first in range(start, end + 1, width):
        if (first - start) // width in occupied:
            continue
        last = min(end, first + width - 1)
        if empty and empty[-1][1] == first - 1:
            empty[-1] = (empty[-1][0], last)
        else:
            empty.append((first, last))
    return empty


def _spread(empty: int, seconds: int) -> bool:
    """Whether ``empty`` of a window's ``seconds`` without rows leave it a sample."""
    return empty <= SPREAD * seconds


def _prior_scale(
    times: list[int],
    start: int,
    end: int,
    width: int,
    prior: Callable[[int, int], float | None],
) -> float | None:
    """The median over bins holding returned rows of rows expected per row."""
    ratios = []
    for first in range(start, end + 1, width):
        last = min(end, first + width - 1)
        points = bisect.bisect_right(times, last) - bisect.bisect_left(times, first)
        if points and (expected := prior(first, last)) is not None:
            ratios.append(expected / points)
    return statistics.median(ratios) if len(ratios) >= MIN_BINS else None


def cut_end(
    start: int,
    end: int,
    shape: Shape | None,
    *,
    fits: float,
    guessed: float,
    at_most_half: bool = False,
) -> int:
    """The end of the first part of the overflowing window ``start..end``.

    The part holds ``fits`` of the rows the shape says the window holds
    (:meth:`Shape.rows`); a second returned with many rows is a part alone
    (they are certain). Without a shape, or
    with ``at_most_half`` (a part cut so before overflowed too: a bound on
    the worst case), the part is at most half the window.
    """
    middle = start + (end - start) // 2
    if shape is None:
        return middle
    busy, held = shape.busiest()
    if held >= fits * ALONE:  # certain rows: that second is a part alone
        return busy if busy == start else busy - 1
    part = shape.end_at(start, fits * shape.total / shape.rows(guessed))
    return min(part, middle if at_most_half else end - 1)
