"""Where the rows are: sizing raw-report windows from what answers showed.

Two sources of knowledge, both by-products of requests already made:

- the last complete window (:class:`Density`): its rate, exact, and its trend,
  followed for a while (daily cycles); it cannot see a burst coming;
- the row times of an overflowing answer (:class:`TrafficSample`): when a server
  returns a random subset of an overflowing window's rows, they show the shape
  of its traffic, bursts included, up to sampling noise, and in relative terms
  until complete windows inside it calibrate the scale. The sample is cut into
  blocks of steady traffic (:func:`blocks_of`); a block's rate comes from all
  its sampled rows (not only those of one window), or from the complete
  windows inside it once they counted enough rows.

:class:`TrafficEstimate` sizes the next window by density while the sample
agrees with it. Where the sample shows the traffic changing (a CUSUM test), the
window holds the density's rows up to the change and the blocks' rows after it,
with a margin for sampling noise. A server that returns some other subset only
makes the plan less accurate: overflowing windows are still split, so
completeness never depends on the estimate. Pure (no I/O); times are inclusive
epoch seconds.
"""

from __future__ import annotations

import math
import typing as t
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

# Sampled rows a sample needs inside complete windows before its scale is trusted.
MIN_CALIBRATION = 20
# Windows are planned ahead without a fine sample's support only this many
# measured windows' lengths beyond the last complete one.
FORESIGHT = 3
# A sample supports planning ahead if a window holds this many of its rows.
MIN_SAMPLE_POINTS = 50
# A boundary between blocks of steady traffic must raise the sample's
# log-likelihood by this much (a Poisson rate on each side versus one).
SEGMENT_PENALTY = 8.0
# A block's rate is measured, not sampled, once complete windows held this many
# of its rows (a 7% standard error).
MIN_MEASURED_ROWS = 200
# Standard deviations of sampling noise kept as a margin when sizing by a sample.
NOISE_Z = 2.0
# How many standard deviations of sampling noise a change in traffic must show.
CHANGE_Z = 3.0
# A trend needs this many rows, and halves differing by this many deviations.
MIN_TREND_ROWS = 200
TREND_Z = 3.0
# A falling trend is not extrapolated below this share of the measured rate.
MIN_RATE_SHARE = 0.25
# Where the first overflow of unknown scale is cut: at this quantile of its
# rows. Deep, because one small complete window then calibrates everything.
BLIND_CUT = 1 / 16
# An overflowing window planned to hold less is guessed to hold this many times
# the row cap when it is cut.
OVERFLOW_GUESS = 1.2
# A window planned from the estimate overflowed anyway: cut again at most here.
RETRY_CUT = 1 / 4


@dataclass(frozen=True)
class Limits:
    """The API's limits and how boldly windows grow.

    ``max_span`` is the longest window in seconds: ``to - from`` may be at most
    14 days, and with both ends inclusive a window of ``14 * 86400`` seconds has
    ``to - from`` one second under that.
    """

    max_rows: int = 10_000
    max_span: int = 14 * 86_400
    fill: float = 0.93  # aim windows at this share of max_rows
    max_growth: float = 4.0  # a sparse window lets the next one grow this much
    max_requests_per_second: int = 1_000  # stop splitting a pathological second

    @property
    def target_rows(self) -> float:
        """Rows a window is planned to hold."""
        return self.fill * self.max_rows


def next_span(seconds: int, rows: int, limits: Limits) -> int:
    """Size the next window from the density of a completed one."""
    target = limits.target_rows
    growth = limits.max_growth if rows == 0 else min(limits.max_growth, target / rows)
    return max(1, min(limits.max_span, int(seconds * growth)))


@dataclass(frozen=True)
class Density:
    """The traffic where the last complete window ended, and its trend.

    ``rate`` is rows per second at second ``origin`` (just after the window),
    ``slope`` how fast the rate changes (rows per second, per second): daily
    cycles make the next windows denser or sparser than the last, and a
    linear trend follows them, for as long as the window it was measured in
    (a cycle turns: extrapolating further would be a guess), and a falling rate
    not below ``MIN_RATE_SHARE`` of the measured one.
    """

    origin: int
    rate: float
    slope: float = 0.0
    horizon: int = 0  # seconds measured, and followed after ``origin``

    @classmethod
    def of(
        cls, start: int, end: int, rows: int, times: Sequence[int] | None
    ) -> Density:
        """Measure a complete window ``start..end`` of ``rows`` rows.

        ``times`` are the times of all its rows or of an even share of them.
        Without times (or with too few to tell) the trend is flat; a trend
        counts only when the window's halves differ beyond chance.
        """
        seconds = end - start + 1
        flat = cls(end + 1, rows / seconds, horizon=seconds)
        if not times or len(times) < MIN_TREND_ROWS or seconds < 2:
            return flat
        middle = start + seconds // 2
        early = sum(1 for second in times if second < middle)
        late = len(times) - early
        if abs(late - early) <= TREND_Z * math.sqrt(len(times)):
            return flat
        scale = rows / len(times)
        early_rate = scale * early / (middle - start)
        late_rate = scale * late / (end - middle + 1)
        # The rates hold at the middles of the halves, ``seconds / 2`` apart.
        slope = (late_rate - early_rate) / (seconds / 2)
        rate = max(0.0, late_rate + slope * (end - middle + 1) / 2)
        return cls(end + 1, rate, slope, horizon=seconds)

    def _cumulative(self, seconds: float) -> float:
        """Rows expected in the first ``seconds`` after ``origin``."""
        trend = min(seconds, self.horizon)
        if self.slope < 0:  # the rate falls to its floor, then stays there
            floor = MIN_RATE_SHARE * self.rate
            trend = min(trend, (self.rate - floor) / -self.slope)
        rows = self.rate * trend + self.slope * trend * trend / 2
        return rows + (self.rate + self.slope * trend) * (seconds - trend)

    def rows(self, start: int, end: int) -> float:
        """Rows expected in ``start..end`` (not before ``origin``)."""
        before = self._cumulative(start - self.origin)
        return self._cumulative(end + 1 - self.origin) - before

    def end_for(self, start: int, rows: float, last: int) -> int:
        """The last second, from ``start`` up to ``last``, keeping under ``rows``."""
        return last_fitting(start, last, lambda end: self.rows(start, end) <= rows)


def last_fitting(start: int, last: int, fits: Callable[[int], bool]) -> int:
    """The last end from ``start`` up to ``last`` that ``fits`` (growing ends fit less).

    ``start`` itself if none does: a window is one second at least.
    """
    if fits(last):
        return last
    low, high = start, last
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


@dataclass
class Block:
    """A stretch ``start..end`` where a sample's rows come at a steady rate.

    ``rows`` and ``seconds`` are what complete windows measured inside it: once
    they are enough, the block's rate is measured, not sampled.
    """

    start: int
    end: int
    points: int  # sampled rows in it
    rows: float = 0.0
    seconds: int = 0

    @property
    def measured(self) -> bool:
        """Whether complete windows counted enough of its rows to tell its rate."""
        return self.rows >= MIN_MEASURED_ROWS

    def rows_in(self, seconds: int, ratio: float) -> tuple[float, float]:
        """Rows expected in ``seconds`` of the block, and their variance."""
        share = seconds / (self.end - self.start + 1)
        if self.measured:
            rate = self.rows / self.seconds
            return rate * seconds, (rate * seconds) ** 2 / self.rows
        # A block without sampled rows may still hold a few: one, as noise.
        return ratio * self.points * share, ratio**2 * max(self.points, 1) * share**2


def blocks_of(times: Sequence[int], start: int, end: int) -> list[Block]:
    """Split ``start..end`` where the rate of the sorted ``times`` changes.

    Binary segmentation: a block is cut where a rate on each side explains its
    rows better than one rate, by more than :data:`SEGMENT_PENALTY`.
    """

    def fit(points: int, seconds: int) -> float:
        return points * math.log(points / seconds) if points else 0.0

    blocks = []
    pending = [(0, len(times), start, end)]
    while pending:
        low, high, first, last = pending.pop()
        whole = fit(high - low, last - first + 1)
        best_gain, best = SEGMENT_PENALTY, None
        for index in range(low, high + 1):
            if low < index < high and times[index] == times[index - 1]:
                continue  # no second between rows of one second
            before = index - low
            # Cut just before this row, or just after the one before it; before
            # the first row or after the last, a quiet edge is cut off.
            cuts = set()
            if index < high and times[index] > first:
                cuts.add(times[index])
            if index > low and times[index - 1] < last:
                cuts.add(times[index - 1] + 1)
            for cut in cuts:
                gain = (
                    fit(before, cut - first) + fit(high - index, last - cut + 1) - whole
                )
                if gain > best_gain:
                    best_gain, best = gain, (index, cut)
        if best is None:
            blocks.append(Block(first, last, high - low))
            continue
        index, cut = best
        pending.append((low, index, first, cut - 1))
        pending.append((index, high, cut, last))
    return sorted(blocks, key=lambda block: block.start)


class TrafficSample:
    """The row times of one overflowing answer, sorted, and their blocks.

    Its scale (true rows per sampled row) is learned from the complete windows
    that fall inside its range: their true row counts over their sampled rows.
    """

    def __init__(self, start: int, end: int, times: Iterable[int]) -> None:
        """Keep the sorted ``times`` of rows sampled from ``start..end``."""
        self.start = start
        self.end = end
        # A row outside the window (a server's mistake, a missing time read as
        # 0) says nothing about the window's traffic.
        self.times = sorted(second for second in times if start <= second <= end)
        self.known_rows = 0  # rows of the complete windows inside the range
        self.known_points = 0  # sampled rows in those windows
        self.blocks = blocks_of(self.times, start, end)
        self._block_starts = [block.start for block in self.blocks]

    def covers(self, start: int, end: int) -> bool:
        """Whether ``start..end`` lies inside the sampled range."""
        return self.start <= start and end <= self.end

    def count(self, start: int, end: int) -> int:
        """Sampled rows between ``start`` and ``end``, inclusive."""
        return bisect_right(self.times, end) - bisect_left(self.times, start)

    def calibrate(
        self, start: int, end: int, rows: int, times: Sequence[int] = ()
    ) -> None:
        """Learn from a complete window of ``rows`` rows.

        The scale learns from windows inside the sampled range only; the
        blocks from any overlap. ``times`` (sorted) are those of all its rows
        or of an even share: they tell how many of its rows fell in each block.
        """
        if self.covers(start, end):
            self.known_rows += rows
            self.known_points += self.count(start, end)
        timed = bisect_right(times, end) - bisect_left(times, start)
        if rows and not timed:
            return  # rows at unknown times: their blocks cannot be told
        for block in self._blocks_in(start, end):
            first, last = max(start, block.start), min(end, block.end)
            if rows:
                inside = bisect_right(times, last) - bisect_left(times, first)
                block.rows += rows * inside / timed
            block.seconds += last - first + 1

    def _blocks_in(self, start: int, end: int) -> list[Block]:
        """The blocks overlapping ``start..end``."""
        if start > self.end or end < self.start:
            return []
        first = max(0, bisect_right(self._block_starts, start) - 1)
        last = bisect_right(self._block_starts, end)
        return self.blocks[first:last]

    def end_for(self, start: int, rows: float, last: int) -> int:
        """The last second, from ``start`` up to ``last``, keeping under ``rows``.

        ``start`` lies in the sampled range, at most ``last``. Rows are
        expected block by block, by each block's measured rate or its sampled
        rows, and kept :data:`NOISE_Z` deviations of that estimate under
        ``rows`` (the window's own Poisson noise is what ``fill`` leaves room for).
        """
        ratio, error = t.cast("float", self.ratio), self.ratio_error

        def fits(end: int) -> bool:
            expected = variance = sampled = 0.0
            for block in self._blocks_in(start, end):
                seconds = min(end, block.end) - max(start, block.start) + 1
                mean, spread = block.rows_in(seconds, ratio)
                expected += mean
                variance += spread
                if not block.measured:
                    sampled += mean
            variance += (error * sampled) ** 2
            return expected + NOISE_Z * math.sqrt(variance) <= rows

        return last_fitting(start, min(last, self.end), fits)

    @property
    def ratio(self) -> float | None:
        """True rows per sampled row, once enough complete windows tell."""
        if self.known_points < MIN_CALIBRATION or not self.known_rows:
            return None  # too little known; or rows not the server's (no scale)
        return self.known_rows / self.known_points

    @property
    def ratio_error(self) -> float:
        """Relative standard error of :attr:`ratio`: its sampled rows' noise."""
        return 1 / math.sqrt(max(self.known_points, 1))

    def change(self, start: int, end: int, density: Density) -> int | None:
        """The first second of ``start..end`` where the traffic leaves ``density``.

        A CUSUM test: once the sampled rows since the lowest (highest) point of
        their running surplus over what ``density`` predicts exceed (fall short
        of) it by more than sampling noise, the traffic changed at that point.
        The noise includes that of the calibrated ratio: a ratio learned from
        few sampled rows is off by more, and all along the stretch. None when
        the sample agrees with the density up to ``end``.
        """
        ratio, error = t.cast("float", self.ratio), self.ratio_error
        lowest = highest = 0.0  # the running surplus at its extremes
        low_at = high_at = start  # ...and the seconds where they were reached
        low_expected = high_expected = 0.0  # sampled rows expected by then
        index = bisect_left(self.times, start)
        stop = bisect_right(self.times, end)
        for seen, second in enumerate([*self.times[index:stop], end + 1]):
            expected = density.rows(start, second - 1) / ratio
            surplus = seen - expected  # just before ``second``
            if surplus < lowest:
                lowest, low_at, low_expected = surplus, second, expected
            if surplus - lowest > _noise(expected - low_expected, error):
                return low_at  # a burst began where the surplus was lowest
            if highest - surplus > _noise(expected - high_expected, error):
                return high_at  # a lull began where it was highest
            if surplus + 1 > highest:
                highest, high_at, high_expected = surplus + 1, second + 1, expected
        return None

    def quantile_end(self, start: int, end: int, share: float) -> int | None:
        """Last second of the first ``share`` of the rows sampled in a window.

        None when the sample holds no row there. Always before ``end``, so the
        window really shrinks; a second holding that share alone is the window.
        """
        first = bisect_left(self.times, start)
        inside = bisect_right(self.times, end) - first
        if not inside:
            return None
        cut = self.times[first + int(share * inside)] - 1
        return min(end - 1, max(start, cut))


def sample_points(rows: float, ratio: float, ratio_error: float = 0.0) -> int:
    """Sampled rows a stretch may hold so it holds under ``rows``, noise allowed.

    A stretch holding ``k`` sampled rows holds about ``ratio * k`` rows, give or
    take ``ratio * sqrt(k + (ratio_error * k) ** 2)`` (its own sampling noise and
    the ratio's): the largest ``k`` keeping that many deviations under ``rows``.
    """
    low, high = 0, max(0, int(rows / ratio))
    while low < high:
        k = (low + high + 1) // 2
        if ratio * (k + NOISE_Z * math.sqrt(k + (ratio_error * k) ** 2)) <= rows:
            low = k
        else:
            high = k - 1
    return low


def _noise(points: float, ratio_error: float) -> float:
    """A deviation from ``points`` expected sampled rows beyond chance."""
    variance = max(points, 1.0) + (ratio_error * points) ** 2
    return CHANGE_Z * math.sqrt(variance) + 1


class TrafficEstimate:
    """What the walk knows about the traffic ahead of its cursor."""

    def __init__(self, limits: Limits) -> None:
        """Start knowing nothing: windows as long as the limits allow."""
        self.limits = limits
        self.density: Density | None = None  # of the last complete window
        self.longest = limits.max_span  # a window may grow to this many seconds
        self.dense = False  # the density, not the growth cap, sizes windows
        self.samples: list[TrafficSample] = []  # oldest first
        # Windows (by start) planned with a change of traffic inside, and where.
        self._changes: dict[int, int] = {}

    def overflowed(self, start: int, end: int, times: Iterable[int]) -> None:
        """An answer for ``start..end`` overflowed; its rows were at ``times``."""
        sample = TrafficSample(start, end, times)
        if sample.times:
            self.samples.append(sample)

    def completed(
        self, start: int, end: int, rows: int, times: Sequence[int] | None = None
    ) -> None:
        """A window came back complete with ``rows`` rows.

        ``times`` are the times of all its rows or of an even share of them.

        Where the window was planned with a change of traffic inside, only the
        part after the change tells the density the traffic changed to. A
        second that overflowed alone is a spike, not a rate to plan the next
        windows by: the density stays that of the window before it.
        """
        ordered = sorted(times) if times else []
        for sample in self.samples:
            sample.calibrate(start, end, rows, ordered)
        self.samples = [s for s in self.samples if s.end > end]
        change = self._changes.pop(start, None)
        if start == end and rows >= self.limits.max_rows:
            return
        measured_from = start
        if times and change is not None and start < change <= end:
            after = [second for second in times if second >= change]
            if len(after) >= MIN_TREND_ROWS:  # else too few rows to tell
                rows = round(rows * len(after) / len(times))
                measured_from, times = change, after
        self.density = Density.of(measured_from, end, rows, times)
        self.longest = int(self.limits.max_growth * (end - start + 1))
        self.dense = self.density.rows(end + 1, end + self.longest) >= (
            self.limits.target_rows
        )

    def _calibrated(self, start: int, end: int) -> TrafficSample | None:
        """The newest (finest) calibrated sample covering ``start..end``."""
        for sample in reversed(self.samples):
            if sample.ratio is not None and sample.covers(start, end):
                return sample
        return None

    def expected_rows(self, start: int, end: int) -> float | None:
        """Rows in ``start..end`` by the finest calibrated sample, if any."""
        sample = self._calibrated(start, end)
        if sample is None:
            return None
        return t.cast("float", sample.ratio) * sample.count(start, end)

    def window_end(self, cursor: int, bound: int) -> int:
        """Last second of the next window from ``cursor`` (at most ``bound``)."""
        return self._plan(cursor, bound)[0]

    def planned_end(self, cursor: int, bound: int) -> int | None:
        """Last second of a window planned ahead from ``cursor``, if foreseeable.

        A window is planned ahead (and fetched before the windows before it
        are complete) where a fine enough sample sized it or agrees with the
        density, or where the density sized it close to where it was measured,
        or where it can only be one second long (a day, for the daily report).
        Elsewhere the window waits for its predecessor's count.
        """
        end, foreseeable = self._plan(cursor, bound)
        return end if foreseeable else None

    def _plan(self, cursor: int, bound: int) -> tuple[int, bool]:
        last = min(bound, cursor + self.limits.max_span - 1)
        target = self.limits.target_rows
        self._changes.pop(cursor, None)
        if last == cursor:  # no shorter window exists: nothing to wait for
            return last, True
        if self.density is None:
            by_density = last
        else:
            longest = min(last, cursor + self.longest - 1)
            by_density = self.density.end_for(cursor, target, longest)
        sample = self._calibrated(cursor, by_density) or self._calibrated(
            cursor, cursor
        )
        if sample is None:
            return by_density, self._foreseeable(by_density, informed=False)
        if self.density is None:
            return sample.end_for(cursor, target, last), False
        ratio = t.cast("float", sample.ratio)
        informed = target / ratio >= MIN_SAMPLE_POINTS  # a fine enough sample
        overlap_end = min(by_density, sample.end)
        change = sample.change(cursor, overlap_end, self.density)
        if change is None:  # the sample sees what the density says
            return by_density, self._foreseeable(by_density, informed=informed)
        # Rows at the known density up to the change, the blocks' rows after it.
        rows_before = self.density.rows(cursor, change - 1)
        if rows_before >= target:
            return min(last, change - 1), informed
        self._changes[cursor] = change
        return sample.end_for(change, target - rows_before, last), informed

    def _foreseeable(self, end: int, *, informed: bool) -> bool:
        """Whether a window sized by density, ending at ``end``, can be planned.

        The density must have sized it (not the growth cap), and either a
        fine enough sample agrees with it or it lies close to where the
        density was measured: far ahead, a trend may have turned.
        """
        if not self.dense or self.density is None:
            return False
        return informed or end < self.density.origin + FORESIGHT * self.density.horizon

    def cut(self, start: int, end: int, attempt: int) -> int:
        """Last second of the first part of an overflowing window.

        The newest sample (this answer's rows, when it had any) says where the
        rows are; a calibrated sample says how many there are, so the part is
        cut to hold the target. Without a scale, or when a planned window
        overflowed more than once, the part is cut deep.
        """
        share = BLIND_CUT
        calibrated = self._calibrated(start, end) or self._calibrated(start, start)
        if calibrated is not None:
            rows = t.cast("float", calibrated.ratio) * calibrated.count(start, end)
            # It overflowed, so it holds more than estimated, by how much is
            # unknown: a part cut short only costs fill; one cut long, a request.
            share = self.limits.target_rows / max(
                rows, OVERFLOW_GUESS * self.limits.max_rows
            )
        if attempt > 1:
            share = min(share, RETRY_CUT ** (attempt - 1))
        newest = self.samples[-1] if self.samples else None
        if newest is not None and newest.covers(start, end):
            cut = newest.quantile_end(start, end, share)
            if cut is not None:
                return cut
        return start + max(0, int(share * (end - start + 1)) - 1)
