"""How long the next walked window should be, from what answers showed (pure).

Two facts, both by-products of requests already made: the rate of the last
complete window, and the row times of overflowing answers (a server that
answers an overflowing window with some of its rows shows where its traffic
is, bursts included). Inside a sampled window, a window ends where the sample
says one request's worth ends, once complete windows inside it measured how
many rows a sampled row stands for (until then, a deep first cut measures
it); elsewhere a window lasts as long as the last rate says. A wrong guess
only costs a request: an overflowing window is split.
"""

from __future__ import annotations

import bisect
import math
import sys
import typing as t
from dataclasses import dataclass

from tap_everflow.planning.limits import Limits

if t.TYPE_CHECKING:
    from collections.abc import Sequence

FILL = 0.9  # windows sized by rate aim at this share of the row cap
MAX_GROWTH = 2  # a window after a sparse one is at most this many times longer
# Until complete windows measured how many rows a sampled row stands for,
# a cut keeps this share of the sample: one small window calibrates it.
BLIND_CUT = 1 / 8
MIN_POINTS = 20  # sampled rows inside complete windows before a scale counts
# Windows are planned ahead only while the rate changes by less than this share
# from one window to the next.
STEADY = 0.1
# An overflowing window an outer sample says should fit holds at least this
# many times the row cap, guessed until complete windows measure it.
OVERFLOW_GUESS = 1.2


def fitting_points(rows: float, rows_per_point: float) -> int:
    """Sampled rows a stretch may hold so that it holds under ``rows``.

    ``k`` sampled rows stand for ``rows_per_point * k`` rows, give or take
    ``rows_per_point * sqrt(k)``: the most ``k`` with two deviations to spare,
    ``k + 2 sqrt(k) <= rows / rows_per_point``.
    """
    if rows_per_point <= 0:  # none measured: any number fits
        return sys.maxsize
    return max(0, int((math.sqrt(1 + rows / rows_per_point) - 1) ** 2))


def next_span(seconds: int, rows: int, limits: Limits) -> int:
    """The length of the window after a complete one of ``seconds`` and ``rows``."""
    target = FILL * limits.max_rows
    growth = MAX_GROWTH if rows == 0 else min(MAX_GROWTH, target / rows)
    return max(1, min(limits.max_span, int(seconds * growth)))


@dataclass
class Sample:
    """The sorted row times of an overflowing answer for ``start..end``."""

    start: int
    end: int
    times: list[int]
    measured_rows: int = 0  # rows of complete windows inside it
    measured_points: int = 0  # its rows inside those windows
    prior: float | None = None  # rows per sampled row, from an outer sample

    def points(self, start: int, end: int) -> int:
        """Sampled rows in ``start..end``."""
        return bisect.bisect_right(self.times, end) - bisect.bisect_left(
            self.times, start
        )

    @property
    def rows_per_point(self) -> float | None:
        """How many rows one sampled row stands for, once measured."""
        if self.measured_points < MIN_POINTS:
            return self.prior
        return self.measured_rows / self.measured_points


class Pace:
    """Window lengths for a walk, learnt from its answers."""

    def __init__(self, limits: Limits) -> None:
        """Start knowing nothing: the first window is as long as allowed."""
        self.limits = limits
        self.span = limits.max_span  # by the last complete window's rate
        self.rate = 0.0  # of the last complete window, rows per second
        self.rate_at: int | None = None  # the second after it
        self.trend = 1.0  # its rate over the one before's (if they touch)
        self.samples: list[Sample] = []  # nested: outer first

    def overflowed(self, start: int, end: int, times: Sequence[int]) -> None:
        """An answer for ``start..end`` overflowed; ``times`` are its rows' times."""
        inside = sorted(x for x in times if start <= x <= end)
        self.samples = [s for s in self.samples if s.start <= start and end <= s.end]
        if not inside:
            return
        sample = Sample(start, end, inside)
        # How many rows the window holds, as a calibrated outer sample has it;
        # at least more than fit, as it overflowed.
        outer = self._sample_at(start)
        if outer is not None and outer.rows_per_point is not None:
            rows = outer.rows_per_point * outer.points(start, end)
            guess = max(rows, OVERFLOW_GUESS * self.limits.max_rows)
            sample.prior = guess / len(inside)
        self.samples.append(sample)

    def completed(self, start: int, end: int, rows: int) -> None:
        """A window ``start..end`` came back complete with ``rows`` rows.

        The next window lasts as long as its rate says, corrected by a change
        of rate since the window before that is beyond noise (a daily cycle's
        rise or fall goes on for a while), by at most a factor of two.
        """
        seconds = end - start + 1
        rate = rows / seconds
        self.trend = 1.0
        if self.rate and rate and self.rate_at is not None and start == self.rate_at:
            self.trend = min(2.0, max(0.5, rate / self.rate))
        span = next_span(seconds, rows, self.limits)
        if not self.steady():  # a change beyond noise goes on for a while
            span = int(span / self.trend)
        self.span = max(1, min(self.limits.max_span, span))
        self.rate, self.rate_at = rate, end + 1
        for sample in self.samples:
            if sample.start <= start and end <= sample.end:
                sample.measured_rows += rows
                sample.measured_points += sample.points(start, end)

    def _sample_at(self, second: int) -> Sample | None:
        """The finest calibrated sample holding ``second``, else the finest one."""
        holding = [s for s in self.samples if s.start <= second <= s.end]
        calibrated = [s for s in holding if s.rows_per_point is not None]
        found = calibrated or holding
        return found[-1] if found else None

    def expected_rows(self, second: int) -> float | None:
        """The rows of one ``second``, as a measured sample has them (not a guess).

        A second of many times the cap is then packed into few parts at once,
        not halved again and again.
        """
        sample = self._sample_at(second)
        if sample is None or sample.measured_points < MIN_POINTS:
            return None
        return (
            sample.measured_rows
            / sample.measured_points
            * sample.points(second, second)
        )

    def steady(self) -> bool:
        """Whether windows may be planned ahead.

        While the last two windows' rates agree; always for windows that
        cannot be shorter (a day of the daily report).
        """
        return self.limits.max_span == 1 or abs(self.trend - 1) < STEADY

    def window_end(self, start: int, bound: int, *, overflowed: bool = False) -> int:
        """The end of a window from ``start``, at most ``bound``.

        By the last rate, unless a calibrated sample of the stretch shows more
        rows ahead than the rate expects (a burst: the window ends sooner,
        where the sample says) or fewer (it may end later, where it says).
        ``overflowed``: the window ``start..bound`` just overflowed, so the
        result is shorter than it.
        """
        end = by_rate = min(bound, start + self.span - 1)
        sample = self._sample_at(start)
        if sample is not None:
            by_sample = self._by_sample(sample, start, bound)
            scale = sample.rows_per_point
            change = self._change(sample, start, by_rate, scale) if scale else 0
            if scale is None:
                end = by_sample  # a deep cut, to measure the scale
            elif change > 0:  # a burst ahead
                end = min(by_rate, by_sample)
            elif change < 0:  # quieter ahead (after a burst)
                end = max(by_rate, by_sample)
        if overflowed and end >= bound:
            end = start + (bound - start) // 2  # nothing better known: halve
        return end

    def _change(self, sample: Sample, start: int, end: int, scale: float) -> int:
        """How ``sample`` compares with the rate in ``start..end``.

        1 (-1): it holds more (fewer) rows there than the rate expects, beyond
        sampling noise; 0: it agrees.
        """
        expected = self.rate * (end - start + 1) / scale
        points = sample.points(start, end)
        noise = 2 * math.sqrt(expected) + 1
        return (points > expected + noise) - (points < expected - noise)

    def _by_sample(self, sample: Sample, start: int, bound: int) -> int:
        """Where ``sample`` says a window from ``start`` holds one answer's worth."""
        first = bisect.bisect_left(sample.times, start)
        left = len(sample.times) - first
        scale = sample.rows_per_point
        if scale is None:
            share = max(1, int(left * BLIND_CUT))
        else:
            share = max(1, fitting_points(self.limits.max_rows - 1, scale))
        if share >= left:
            return min(bound, sample.end)
        # Just before the first sampled row that would not fit.
        return max(start, min(bound, sample.times[first + share] - 1))
