"""Which requests cover a time range that nothing counts the rows of (pure).

Everflow's raw report endpoints answer at most ``max_rows`` rows and 14 days
per request. :func:`walk` covers a range in consecutive windows, each sized
by what earlier answers showed (:class:`Pace`): the rate of the last complete
window, or, inside an overflowing answer whose scale complete windows have
measured, its :class:`~tap_everflow.planning.shape.Shape` (a sampled burst
then ends a window sooner). An overflowing window is cut where its own rows
say one answer's worth ends, whichever rows the server kept; an overflowing
single second is split by dimension (:mod:`tap_everflow.planning.split`).
Where an answer kept the newest rows (a run at the window's end), the window
is read back from its end, so that each answer's rows say where the next
window starts, as the oldest rows do walked forward.

Nothing here does I/O: the caller passes ``fetch``, which performs one
request. All times are epoch seconds (UTC); both ends of a window inclusive.
"""

from __future__ import annotations

import bisect
import math
import typing as t
from collections import deque
from dataclasses import dataclass, field, replace

from tap_everflow.planning.limits import RAW_LIMITS, Limits
from tap_everflow.planning.season import Season, near
from tap_everflow.planning.shape import Shape, cut_end, fitting_points
from tap_everflow.planning.slices import CompletedWindow, Partition, Slice
from tap_everflow.planning.split import remember, split_second

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from tap_everflow.planning.slices import Answer, Dimension, Row

FILL = 0.9  # windows aim at this share of the row cap: rates vary a little
MAX_GROWTH = 2  # a window after a sparse one is at most this many times longer
STEADY = 0.1  # windows are planned ahead while rates change less than this
# An overflowing window is guessed to hold this many times the row cap: a
# little more where it was sized by a measured rate, unknown otherwise.
OVER_MEASURED, OVER_UNKNOWN = 1.3, 2.0
OVER_FIRST = 8.0  # the first window of a walk: nothing known at all
FINE = 200  # returned rows a window must hold for a shape to size it
MISSES = 2  # windows a measured shape may misjudge before it sizes no more


def next_span(seconds: int, rows: int, limits: Limits) -> int:
    """The length of the window after a complete one of ``seconds`` and ``rows``."""
    target = FILL * limits.max_rows
    growth = MAX_GROWTH if rows == 0 else min(MAX_GROWTH, target / rows)
    return max(1, min(limits.max_span, int(seconds * growth)))


@dataclass
class Pace:
    """Window lengths for a walk, learnt from its answers.

    A window is sized by the finest overflowing answer's shape whose scale
    complete windows measured (a sample shows the day's shape and bursts),
    else by the traffic a day earlier (:class:`Season`), else by the rate of
    the last complete window. Windows ahead are requested by a forecast only
    as far as it held behind (:meth:`window_end`).
    """

    limits: Limits
    span: int = 0  # by the last complete window's rate; 0: none yet
    rows: int = 0  # of the last complete window
    rate: float = 0.0  # of the last complete window, rows per second
    rate_at: int | None = None  # the second after it
    trend: float = 1.0  # its rate over the one before's (if they touch)
    held_since: int = 0  # the start of the windows that came back as forecast
    shapes: list[Shape] = field(default_factory=list)  # nested: outer first
    season: Season = field(default_factory=Season)

    def completed(self, start: int, end: int, times: Sequence[int]) -> None:
        """A window ``start..end`` came back complete, its rows at ``times``.

        By rate, the next lasts as long as its rate says, corrected by a
        change of rate since the window before that is beyond noise, by at
        most a factor of two. A second holding more than an answer (read in
        parts) is no rate: the windows around it are sized as before it.
        """
        seconds, rows = end - start + 1, len(times)
        for shape in self.shapes:
            shape.measure(start, end, rows)
        self.season.add(start, end, times)
        if seconds == 1 and rows >= self.limits.max_rows:
            self.rate_at = end + 1
            return
        self.rows, rate = rows, rows / seconds
        self.trend = 1.0
        if self.rate and rate and start == self.rate_at:
            self.trend = min(2.0, max(0.5, rate / self.rate))
        span = next_span(seconds, self.rows, self.limits)
        if not self.steady():
            span = int(span / self.trend)
        self.span = max(1, min(self.limits.max_span, span))
        by_day = self.season.ratio is not None
        held = not self.season.surprised if by_day else self.steady()
        if start != self.rate_at or not held:
            self.held_since = start
        self.rate, self.rate_at = rate, end + 1

    def overflowed(self, start: int, end: int, shape: Shape | None) -> None:
        """``start..end`` overflowed: keep its shape; drop those behind or wrong.

        A measured shape that expected it to fit misjudged it; one that
        misjudged ``MISSES`` windows sizes no more.
        """
        cap = self.limits.max_rows
        for s in self.shapes:
            if (scale := s.scale) is not None and scale * s.mass(start, end) < cap:
                s.misses += 1
        self.shapes = [
            s
            for s in self.shapes
            if s.start <= start and end <= s.end and s.misses < MISSES
        ]
        if shape is not None:
            self.shapes.append(shape)

    def measured_shape(self, second: int) -> Shape | None:
        """The finest shape holding ``second`` whose scale is measured."""
        for shape in reversed(self.shapes):
            if shape.start <= second <= shape.end and shape.scale is not None:
                return shape
        return None

    def steady(self) -> bool:
        """Whether the last two windows' rates agree."""
        return abs(self.trend - 1) < STEADY

    def window_end(self, start: int, bound: int) -> tuple[int, bool]:
        """The end of a window from ``start`` (at most ``bound``), and if foreseen.

        Foreseen (windows after it may be requested at once): sized by a
        measured shape, or by a day earlier or a rate that fills windows, as
        far ahead as that forecast has held behind (:meth:`_within_run`).
        """
        if self.limits.max_span == 1:  # windows that cannot be shorter
            return start, True
        fill = FILL * self.limits.max_rows
        bound = min(
            bound, start + self.limits.max_span - 1, self._before_known(start, fill)
        )
        by_rate = min(bound, start + (self.span or self.limits.max_span) - 1)
        end = self._by_shapes(start, self.limits.max_rows - 1)
        shaped = end is not None
        if end is None:
            end = self.season.window_end(start, bound, fill)
        if end is None:
            return by_rate, self._foreseen_by_rate(by_rate)
        end = min(end, bound)
        if self.span and self.season.surprised:
            # A burst now, or one a day earlier and not today: the rate leads.
            return (min if self.season.surge else max)(end, by_rate), False
        return end, shaped or self._foreseen_by_day(start, end)

    def _foreseen_by_rate(self, end: int) -> bool:
        """Whether a window the rate sized, to ``end``, may be requested ahead.

        While no day is known, the rate is steady and fills windows.
        """
        filled = self.rows * MAX_GROWTH >= FILL * self.limits.max_rows
        known = self.season.known
        return filled and not known and self.steady() and self._within_run(end)

    def _foreseen_by_day(self, start: int, end: int) -> bool:
        """Whether a window a day earlier sized may be requested ahead."""
        return self._within_run(end) and self._near_rate(start, end)

    def _within_run(self, end: int) -> bool:
        """Whether ``end`` is no further ahead than the forecast has held behind.

        A forecast (a rate, or a day earlier) that the windows of the last T
        seconds bore out is trusted for the next T seconds: windows ahead are
        requested by it that far, no further.
        """
        measured_to = self.rate_at or 0
        return end - measured_to < measured_to - self.held_since

    def _near_rate(self, start: int, end: int) -> bool:
        """Whether a window sized by a day earlier is near the rate measured last.

        Where a day earlier says traffic jumps or drops (a burst that day, or
        today), the window is read before any after it is sized.
        """
        rate = FILL * self.limits.max_rows / (end - start + 1)
        return bool(self.rate) and near(rate / self.rate)

    def _by_shapes(self, start: int, rows: float) -> int | None:
        """Where measured shapes say a window from ``start`` holds ``rows``.

        From the finest shape holding ``start`` on into the ones around it,
        so that a window does not stop where an inner shape ends.
        """
        end = None
        for shape in reversed(self.shapes):
            scale = shape.scale
            if scale is None or not shape.start <= start <= shape.end:
                continue
            if rows / scale < FINE:  # too coarse: its noise costs more than it shows
                continue
            # Measured on few rows, the scale itself is off by as much.
            scale *= 1 + 2 / math.sqrt(shape.measured_mass)
            mass = min(fitting_points(rows, scale), FILL * rows / scale)
            end = shape.end_at(start, mass)
            if end < shape.end:
                return end
            rows -= scale * shape.mass(start, end)
            start = end + 1
        return end

    def _before_known(self, start: int, rows: float) -> int:
        """The last second before overflowing answers returned ``rows`` rows.

        Those rows exist, whatever the server kept: no window holds more.
        """
        end = self.limits.max_span + start
        for shape in self.shapes:
            first = bisect.bisect_left(shape.times, start)
            if first + int(rows) < len(shape.times):
                end = min(end, max(start, shape.times[first + int(rows)] - 1))
        return end

    def forecast(self, start: int, end: int) -> float | None:
        """The rows expected in ``start..end``: as a day earlier, or a rate."""
        by_day = self.season.rows(start, end)
        if by_day is None and self.span:
            return self.rate * (end - start + 1)
        return by_day

    def rows_to_come(self, start: int, end: int) -> float | None:
        """The rows in ``start..end`` the outermost measured shape holding it sees."""
        for shape in self.shapes:  # outer first
            if shape.start <= start and end <= shape.end and shape.scale is not None:
                return shape.scale * shape.mass(start, end)
        return None

    def expected_rows(self, second: int) -> float | None:
        """The rows of one ``second`` as a measured shape has them, if one does."""
        shape = self.measured_shape(second)
        if shape is None or shape.scale is None:
            return None
        return shape.scale * shape.mass(second, second)

    def guessed_rows(self, *, nested: bool) -> float:
        """The rows an overflowing window is guessed to hold, at least."""
        if nested:
            return OVER_UNKNOWN * self.limits.max_rows
        return (OVER_MEASURED if self.span else OVER_FIRST) * self.limits.max_rows


def walk(
    start: int,
    end: int,
    fetch: Callable[[Slice], Answer],
    *,
    root: Partition = Partition(),
    dimensions: Sequence[Dimension] = (),
    limits: Limits = RAW_LIMITS,
    time_of: Callable[[Row], int] | None = None,
    prefetch: Callable[[Slice], None] | None = None,
    concurrency: int = 1,
    first: tuple[Slice, Answer] | None = None,
) -> Iterator[CompletedWindow]:
    """Yield consecutive complete windows covering ``start..end`` in time order.

    Windows never overlap, leave no gap, and never exceed ``limits.max_span``.
    The caller may stop iterating at any point; everything before the start of
    the window it has not yet received is complete.

    ``time_of`` (a row's epoch second) lets overflowing answers shape cuts.
    ``prefetch`` announces a slice that ``fetch`` will be asked for later, so
    that the caller can request it ahead: while windows are foreseen, up to
    ``concurrency - 1`` after the one in hand. A window announced is never
    re-planned (it is cut if it overflows), so nothing announced is wasted.
    ``first``: a slice and its answer, already fetched.
    """
    walker = _Walker(start, end, fetch, root, dimensions, limits, time_of)
    walker.prefetch, walker.concurrency = prefetch, concurrency
    if first:
        walker.answered[first[0]] = first[1]
    yield from walker.windows()


@dataclass
class _Walker:
    """The state of one walk (see :func:`walk`)."""

    start: int
    end: int
    fetch: Callable[[Slice], Answer]
    root: Partition
    dimensions: Sequence[Dimension]
    limits: Limits
    time_of: Callable[[Row], int] | None
    prefetch: Callable[[Slice], None] | None = None
    concurrency: int = 1
    answered: dict[Slice, Answer] = field(default_factory=dict)
    planned: deque[Slice] = field(default_factory=deque)  # announced, in order
    ahead: deque[CompletedWindow] = field(default_factory=deque)  # read back, waiting
    rows_seen: Sequence[Row] = ()  # recent rows: values to split a second by

    def __post_init__(self) -> None:
        """Nothing learnt yet."""
        self.pace = Pace(self.limits)

    def windows(self) -> Iterator[CompletedWindow]:
        cursor = self.start
        while cursor <= self.end:
            if self.ahead and self.ahead[0].start == cursor:  # see _walk_back
                done: CompletedWindow | None = self.ahead.popleft()
            else:
                done = self._complete(self._next_window(cursor))
            if done is None:  # the window's end was read back: its start is next
                continue
            times = [self.time_of(row) for row in done.rows] if self.time_of else []
            self.pace.completed(done.start, done.end, times)
            done.rows_to_come = self.pace.rows_to_come(done.end + 1, self.end)
            self._plan_ahead(done.end)
            yield done
            self.rows_seen = remember(done.rows, self.rows_seen, self.limits)
            cursor = done.end + 1

    def _next_window(self, cursor: int) -> Slice:
        """The window from ``cursor``: announced already, else sized now."""
        if self.planned and self.planned[0].start == cursor:
            window = self.planned.popleft()
        else:  # up to the windows read or under way, if any
            after = self.ahead or self.planned
            bound = after[0].start - 1 if after else self.end
            window = self._slice(cursor, self.pace.window_end(cursor, bound)[0])
        self._plan_ahead(window.end)
        return window

    def _slice(self, start: int, end: int) -> Slice:
        return Slice(start, end, self.root)

    def _announce(self, window: Slice) -> None:
        if self.prefetch:
            self.prefetch(window)

    def _get(self, window: Slice) -> Answer:
        answer = self.answered.pop(window, None)
        return self.fetch(window) if answer is None else answer

    def _plan_ahead(self, after: int) -> None:
        """Announce the foreseen windows after ``after`` (and those under way)."""
        if self.planned or self.ahead:
            after = (self.planned or self.ahead)[-1].end
        while len(self.planned) < self.concurrency - 1 and after < self.end:
            window_end, foreseen = self.pace.window_end(after + 1, self.end)
            if not foreseen:
                return
            window = self._slice(after + 1, window_end)
            self.planned.append(window)
            self._announce(window)
            after = window.end

    def _may_walk_back(self) -> bool:
        """Whether a rate is known and the windows read back hold room for more.

        They are held until the walk reaches them: as many windows' rows as
        requests may be in flight, and the window that reached that (a busy
        second read whole may hold several answers' worth; memory:
        docs/performance.md).
        """
        held = sum(len(window.rows) for window in self.ahead)
        room = self.concurrency * FILL * self.limits.max_rows
        return bool(self.pace.span) and held < room

    def _walk_back(
        self,
        window: Slice,
        answer: Answer,
        time_of: Callable[[Row], int],
        *,
        made: int,
    ) -> None:
        """Read the end of ``window``, whose answer kept its newest rows.

        Walked from its end back (in mirrored time), an answer keeping the
        newest rows is one keeping the oldest, which a walk cuts where its
        certain rows end. Back to where a window comes back far from full
        (the burst behind the overflow began: the days before and the rate
        size the rest better), or the windows held have no more room. The
        windows read go to :attr:`ahead`, in time order; ``made``:
        requests made for ``window`` before ``answer``.
        """
        pivot = window.start + window.end

        def mirrored(part: Slice) -> Slice:
            return Slice(pivot - part.end, pivot - part.start, part.partition)

        back = _Walker(
            window.start,
            window.end,
            lambda part: self.fetch(mirrored(part)),
            self.root,
            self.dimensions,
            self.limits,
            lambda row: pivot - time_of(row),
            answered={window: answer},
            planned=deque([window]),  # mirrored, the same window: answered
        )
        back.pace.span, back.pace.rate = self.pace.span, self.pace.rate
        for done in back.windows():
            self.ahead.appendleft(
                CompletedWindow(
                    pivot - done.end,
                    pivot - done.start,
                    done.rows,
                    done.requests,
                    [replace(s, second=pivot - s.second) for s in done.shortfalls],
                )
            )
            began = len(done.rows) < FILL * self.limits.max_rows / 2  # the burst
            if (began or not self._may_walk_back()) and not back.ahead:
                break  # (windows it read back in turn are handed out first)
        self.ahead[0] = replace(self.ahead[0], requests=self.ahead[0].requests + made)

    def _complete(self, window: Slice) -> CompletedWindow | None:
        """All rows of a first part of ``window``: cut while it overflows.

        None where its end was read back instead (:meth:`_walk_back`).
        """
        answer, requests, nested = self._get(window), 1, False
        while answer.overflowed(self.limits) and window.seconds > 1:
            self.rows_seen = remember(answer.rows, self.rows_seen, self.limits)
            times = map(self.time_of, answer.rows) if self.time_of else ()
            shape = Shape.read(window.start, window.end, times, self.pace.forecast)
            self.pace.overflowed(window.start, window.end, shape)
            if shape and shape.suffix and self._may_walk_back() and self.time_of:
                self._walk_back(window, answer, self.time_of, made=requests - 1)
                return None
            cut = cut_end(
                window.start,
                window.end,
                shape,
                fits=FILL * self.limits.max_rows,
                guessed=self.pace.guessed_rows(nested=nested),
                at_most_half=nested,
            )
            window = self._slice(window.start, cut)
            answer, requests, nested = self._get(window), requests + 1, True
        if not answer.overflowed(self.limits):
            return CompletedWindow(
                window.start, window.end, list(answer.rows), requests
            )
        return split_second(
            window.start,
            answer,
            root=self.root,
            fetch=self.fetch,
            prefetch=self.prefetch,
            dimensions=self.dimensions,
            limits=self.limits,
            sample=self.rows_seen,
            expected_rows=self.pace.expected_rows(window.start),
            made=requests,
        )
