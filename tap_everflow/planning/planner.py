"""Raw-report windows planned from the aggregated report's counts (pure).

With rows counted per time bucket, the range is cut into time-contiguous
windows that each hold just under one answer's worth (:func:`pack`): records
then leave in time order, window after window. Within a bucket the rows are
taken to be spread evenly, unless the rows of the range's overflowing first
answer show otherwise (:func:`shape`); a bucket far denser than a neighbour
(a burst's edge, a busy second) is not cut where it fits in one window. A
single second that alone holds more than one answer, and such a dense bucket
that the first answer did not show, is read in parts split by a dimension
from its counts by value (:func:`split_by_counts`). Counts
are hints: a request that overflows anyway is cut where its own rows say,
whichever rows the server kept (:func:`read`), so completeness never depends
on them.
"""

from __future__ import annotations

import bisect
import itertools
import math
import typing as t
from collections import Counter
from dataclasses import dataclass, field
from functools import partial

from tap_everflow.planning.counts import NO_VALUE, Bucket
from tap_everflow.planning.shape import Shape, cut_end
from tap_everflow.planning.slices import CompletedWindow, Slice
from tap_everflow.planning.split import first_fit, split_second
from tap_everflow.planning.walk import OVER_MEASURED, OVER_UNKNOWN

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

    from tap_everflow.planning.limits import Limits
    from tap_everflow.planning.slices import Answer, Dimension, Partition, Row

# Kolmogorov-Smirnov's critical value at the 1% level: a bucket whose returned
# rows depart further from an even spread is shaped by them (see shape).
UNEVEN = 1.63
# A bucket this many times denser than a neighbour holds a burst's edge or a
# busy second somewhere in it: a window holds it whole or not at all, and one
# that holds more than a window is read alone, in parts split by value.
LUMPY = 1.5
# Windows over capacity read in parts from their counts by value, at most:
# each costs a report request. Past that, lumpy buckets are cut in time.
MAX_SPLITS = 8
# A bucket holding this share of what a sample of the range would put in it
# is shown by the range's first answer.
SHOWN = 0.5


@dataclass(frozen=True)
class PlannedWindow:
    """A window of ``start..end`` expected to hold ``rows`` rows."""

    start: int
    end: int
    rows: float

    def fits(self, capacity: int) -> bool:
        """Whether one request is expected to answer it whole."""
        return self.rows <= capacity


@dataclass
class _Filling:
    """Windows filled in time order up to ``capacity`` (see :func:`_greedy`).

    Rows estimated from a sample may be more than estimated: a window keeps
    two standard errors of its estimate as room.
    """

    capacity: float
    max_span: int
    windows: list[PlannedWindow] = field(default_factory=list)
    start: int | None = None  # of the window being filled, if any
    rows: float = 0.0
    variance: float = 0.0

    def room(self, variance: float = 0.0) -> float:
        """Rows the window being filled still takes, with ``variance`` more."""
        return self.capacity - self.rows - 2 * math.sqrt(self.variance + variance)

    def close(self, end: int) -> None:
        """End the window being filled (if any) at ``end``."""
        if self.start is not None and end >= self.start:
            self.windows.append(PlannedWindow(self.start, end, self.rows))
        self.start, self.rows, self.variance = None, 0.0, 0.0

    def add(self, bucket: Bucket, *, lumpy: bool, alone: bool) -> None:
        """Fill windows with ``bucket``'s rows, taken to be spread evenly.

        A ``lumpy`` bucket's rows may be anywhere in it: it is not cut
        where it fits in one window. One that may be read ``alone`` (a
        second, a burst's bucket) is a window alone where it does not.
        """
        over = bucket.rows + 2 * math.sqrt(bucket.variance) > self.capacity
        if over and alone:
            self.close(bucket.start - 1)
            self.windows.append(PlannedWindow(bucket.start, bucket.end, bucket.rows))
            return
        whole = bucket.variance or (lumpy and bucket.rows <= self.capacity)
        if (
            self.start is not None
            and whole
            and self.room(bucket.variance) < bucket.rows
        ):
            self.close(bucket.start - 1)  # whole or not at all
        at = bucket.start  # the first second of the bucket not yet planned
        while at <= bucket.end:
            at = self._take(bucket, at)

    def _take(self, bucket: Bucket, at: int) -> int:
        """Put what fits of ``bucket`` from ``at`` on; the next second to plan."""
        if self.start is None:
            self.start = at
        take = min(bucket.end - at + 1, self.start + self.max_span - at)
        rate = bucket.rows / bucket.seconds
        fit = int(self.room() / rate) if rate else take
        if fit < take:
            # A second holding more than capacity is a window alone.
            take = 1 if fit <= 0 and self.start == at else fit
        if take <= 0:
            self.close(at - 1)
            return at
        self.rows += rate * take
        self.variance += bucket.variance * take / bucket.seconds
        at += take
        if at <= bucket.end or self.rows > self.capacity:  # full, or at its longest
            self.close(at - 1)
        return at


def _lumpy(bucket: Bucket, before: Bucket | None, after: Bucket | None) -> bool:
    """Whether ``bucket`` is far denser than a neighbour: a burst's edge or spike."""
    rate = bucket.rows / bucket.seconds
    return any(
        rate > LUMPY * other.rows / other.seconds
        for other in (before, after)
        if other is not None
    )


def _greedy(
    buckets: Sequence[Bucket],
    lumpy: Sequence[bool],
    alone: Sequence[bool],
    capacity: float,
    max_span: int,
) -> list[PlannedWindow]:
    """Windows filled in time order up to ``capacity`` (the fewest there are)."""
    filling = _Filling(capacity, max_span)
    for bucket, is_lumpy, is_alone in zip(buckets, lumpy, alone, strict=True):
        filling.add(bucket, lumpy=is_lumpy, alone=is_alone)
    filling.close(buckets[-1].end if buckets else -1)
    return filling.windows


def _always(_bucket: Bucket) -> bool:
    return True


def _never(_bucket: Bucket) -> bool:
    return False


def pack(
    buckets: Sequence[Bucket],
    *,
    capacity: int,
    max_span: int,
    apart: Callable[[Bucket], bool] = _always,
) -> list[PlannedWindow]:
    """The fewest windows tiling the ``buckets``' range, holding equal shares.

    ``buckets`` tile a range in time order; a bucket's rows are taken to be
    spread evenly over it, so a window may end inside a bucket. Filling
    windows up to ``capacity`` in time order gives the fewest windows; the
    least capacity that gives no more is then used, so that every window
    keeps the same room for counts that fall a little short, rather than
    the last one all of it. A single second holding more than ``capacity``
    is a window alone (read in parts split by value), and so is a bucket far
    denser than a neighbour that holds more, where ``apart`` says so (a
    burst: where its rows are in it is not known); a window spans at most
    ``max_span`` seconds.
    """
    lumpy = [
        _lumpy(bucket, before, after)
        for before, bucket, after in zip(
            [None, *buckets[:-1]], buckets, [*buckets[1:], None], strict=True
        )
    ]
    alone = [
        bucket.seconds == 1
        or (is_lumpy and bucket.seconds <= max_span and apart(bucket))
        for bucket, is_lumpy in zip(buckets, lumpy, strict=True)
    ]
    fill = partial(_greedy, buckets, lumpy, alone, max_span=max_span)
    fewest = len(fill(capacity))
    low, high = 1, capacity  # the least capacity that needs no more windows
    while low < high:
        middle = (low + high) // 2
        if len(fill(middle)) <= fewest:
            high = middle
        else:
            low = middle + 1
    return fill(low)


def _uneven(times: Sequence[int], bucket: Bucket) -> bool:
    """Whether sampled ``times`` in ``bucket`` are not spread evenly over it."""
    seconds = bucket.end - bucket.start + 1
    n = len(times)
    farthest = 0.0
    for at in sorted(set(times)):
        below = bisect.bisect_left(times, at) / n  # sampled before ``at``
        through = bisect.bisect_right(times, at) / n
        even_before = (at - bucket.start) / seconds
        farthest = max(
            farthest,
            abs(below - even_before),
            abs(through - even_before - 1 / seconds),
        )
    return farthest * math.sqrt(n) > UNEVEN


def shape(buckets: Sequence[Bucket], sampled: Sequence[int]) -> list[Bucket]:
    """``buckets``, each uneven one replaced by the seconds the sample shows.

    ``sampled`` are the row times of an overflowing answer: a sample of the
    range's rows, if the server picks them at random. Where a bucket's
    sampled rows are not spread evenly over it beyond sampling noise (the
    edge of a burst, a busy second), each sampled second holds its share of
    the bucket's count and the seconds between hold none: windows then end
    between sampled seconds, and a second holding more than one answer is a
    window alone. A wrong guess costs requests, never rows.
    """
    ordered = sorted(sampled)
    shaped: list[Bucket] = []
    for bucket in buckets:
        times = ordered[
            bisect.bisect_left(ordered, bucket.start) : bisect.bisect_right(
                ordered, bucket.end
            )
        ]
        if not times or not _uneven(times, bucket):
            shaped.append(bucket)
            continue
        scale = bucket.rows / len(times)  # rows a sampled row stands for, ± as many
        at = bucket.start
        for second, share in sorted(Counter(times).items()):
            if at < second:
                shaped.append(Bucket(at, second - 1, 0))
            shaped.append(Bucket(second, second, scale * share, scale**2 * share))
            at = second + 1
        if at <= bucket.end:
            shaped.append(Bucket(at, bucket.end, 0))
    return shaped


def split_by_counts(
    partition: Partition,
    resource_type: str,
    counts: Mapping[str, int],
    *,
    capacity: int,
) -> list[tuple[Partition, float]] | None:
    """Disjoint parts of ``partition`` by ``resource_type``, with their counts.

    Values go, heaviest first, into the first part with room (first fit
    decreasing). Where the partition does not filter ``resource_type``, the
    first part is the rest: rows without a value, values the report did not
    list, and the values packed with them, asked for by exclusion of all the
    others. A value heavier than ``capacity`` is a part alone (it overflows
    and is split by its own rows). None where the partition cannot be split
    so (it excludes another type: how exclusions of two types combine is not
    defined).
    """
    rest = partition.included(resource_type) is None
    if rest and any(k != resource_type for k, _ in partition.exclusions):
        return None
    weights = {
        value: counts.get(value, 0)
        for value in _values_to_split(partition, resource_type, counts)
    }
    ranked = sorted(weights, key=lambda value: (-weights[value], value))
    groups, loads = first_fit(
        ranked, weights, capacity, rest=counts.get(NO_VALUE, 0) if rest else None
    )
    parts = [
        (partition.restrict(resource_type, frozenset(group)), load)
        for group, load in zip(groups[rest:], loads[rest:], strict=True)
    ]
    if rest:
        taken = frozenset().union(*groups[1:])
        parts.insert(0, (partition.exclude(resource_type, taken), loads[0]))
    return parts if len(parts) > 1 else None


def _values_to_split(
    partition: Partition, resource_type: str, counts: Mapping[str, int]
) -> Iterable[str]:
    """The values of ``resource_type`` to place in parts of ``partition``.

    Where the partition filters the type, every allowed value, listed or not:
    none may be left out; else the values the report listed.
    """
    included = partition.included(resource_type)
    excluded = partition.excluded(resource_type)
    if included is not None:
        return included - excluded
    return (v for v in counts if v != NO_VALUE and v not in excluded)


Plan = list[tuple[PlannedWindow, list[Slice]]]  # windows and their requests


def _unseen(
    buckets: Sequence[Bucket], sampled: Sequence[int]
) -> Callable[[Bucket], bool]:
    """Whether a bucket's rows are not shown by ``sampled`` (a first answer's).

    Where the answer was a sample of the range, a bucket holds its share of
    it, and the shaping placed a burst in it (or found it even); elsewhere
    (the server kept other rows) nothing shows where the burst is. A bucket
    the answer covers only in part is taken as shown: the seconds it shows
    then hold its count, which may cost requests, never rows.
    """
    times = sorted(sampled)
    total = sum(bucket.rows for bucket in buckets)

    def unseen(bucket: Bucket) -> bool:
        held = bisect.bisect_right(times, bucket.end) - bisect.bisect_left(
            times, bucket.start
        )
        return held < max(1, SHOWN * bucket.rows * len(times) / max(1, total))

    return unseen


def plan(
    buckets: Sequence[Bucket],
    *,
    root: Partition,
    capacity: int,
    max_span: int,
    by_value: Callable[
        [Sequence[PlannedWindow]], Mapping[PlannedWindow, Mapping[str, int]]
    ],
    resource_type: str,
    sampled: Sequence[int] = (),
) -> Plan:
    """The windows of :func:`pack` and the requests that read each.

    ``sampled``: row times of an overflowing answer, which shape uneven
    buckets (:func:`shape`). A window over ``capacity`` (a busy second, a
    burst's bucket the first answer did not show) is read in parts of
    ``resource_type`` where ``by_value`` (called at most once, with at most
    :data:`MAX_SPLITS` such windows) gives its counts by value; otherwise in
    one request, which overflows and is split by its own rows. With more
    such windows than that, bursts are cut in time, as an even spread says.
    """
    shaped = shape(buckets, sampled)
    windows = pack(
        shaped, capacity=capacity, max_span=max_span, apart=_unseen(buckets, sampled)
    )
    hot = [window for window in windows if not window.fits(capacity)]
    if len(hot) > MAX_SPLITS:  # too many to count: bursts are cut in time
        windows = pack(shaped, capacity=capacity, max_span=max_span, apart=_never)
        hot = [window for window in windows if not window.fits(capacity)]
    counts = by_value(hot[:MAX_SPLITS]) if hot else {}
    planned: Plan = []
    for window in windows:
        split = None
        if window in counts:
            split = split_by_counts(
                root, resource_type, counts[window], capacity=capacity
            )
        parts = [part for part, _ in split] if split else [root]
        planned.append((window, [Slice(window.start, window.end, p) for p in parts]))
    return planned


def read(
    planned: Plan,
    fetch: Callable[[Slice], Answer],
    *,
    capacity: int,
    limits: Limits,
    dimensions: Sequence[Dimension],
    time_of: Callable[[Row], int],
    prefetch: Callable[[Slice], None] | None = None,
    counted: Sequence[Bucket] = (),
    made: int = 0,
) -> Iterator[CompletedWindow]:
    """Read ``planned`` windows in order, each whole before the next.

    ``counted``: the buckets the plan came from, the rows expected where an
    overflowing answer shows none. ``made``: requests made before the plan
    (its range's first, overflowing answer), counted with the first window.

    A request that overflows anyway (counts are hints) is cut into parts its
    own rows say hold ``capacity`` each (:func:`pieces`), and those are read
    alike; a single second is split by dimension. A window's parts come back
    as one window, so its records leave in time order.
    """
    reader = _PlanReader(
        fetch, capacity, limits, dimensions, time_of, prefetch, _Counted(counted)
    )
    for window, parts in planned:
        done = CompletedWindow(window.start, window.end, [], made)
        made = 0
        for part in parts:
            reader.collect(part, window.rows / len(parts), done)
        yield done
        reader.before = done.rows


class _Counted:
    """The rows the report counted, asked for by any stretch of time."""

    def __init__(self, buckets: Sequence[Bucket]) -> None:
        """Counts of ``buckets``, which tile a range in time order."""
        self.buckets = buckets
        self.starts = [bucket.start for bucket in buckets]

    def rows(self, start: int, end: int) -> float | None:
        """The rows counted in ``start..end`` (a bucket's spread evenly)."""
        if not self.buckets:
            return None
        first = max(0, bisect.bisect_right(self.starts, start) - 1)
        last = bisect.bisect_right(self.starts, end)
        return sum(
            b.rows * max(0, min(end, b.end) - max(start, b.start) + 1) / b.seconds
            for b in self.buckets[first:last]
        )

    def left(self, start: int, end: int, known: Iterable[int]) -> float | None:
        """The most rows ``start..end`` may hold, as the counts have it.

        The buckets it touches, whole, less the ``known`` row times in them
        but outside it (rows read already); None without counts.
        """
        if not self.buckets:
            return None
        first = max(0, bisect.bisect_right(self.starts, start) - 1)
        touched = self.buckets[first : bisect.bisect_right(self.starts, end)]
        low, high = touched[0].start, touched[-1].end
        outside = sum(low <= at <= high and not start <= at <= end for at in known)
        return sum(b.rows for b in touched) - outside


@dataclass
class _PlanReader:
    """What :func:`read` needs to read a planned window part by part."""

    fetch: Callable[[Slice], Answer]
    capacity: int
    limits: Limits
    dimensions: Sequence[Dimension]
    time_of: Callable[[Row], int]
    prefetch: Callable[[Slice], None] | None
    counted: _Counted
    before: Sequence[Row] = ()  # the last window's rows

    def collect(
        self,
        part: Slice,
        expected: float,
        done: CompletedWindow,
        *,
        nested: bool = False,
    ) -> None:
        """Add ``part``'s rows and requests to ``done``, cutting it if it overflows."""
        answer = self.fetch(part)
        done.requests += 1
        if not answer.overflowed(self.limits):
            done.rows.extend(answer.rows)
            return
        rows, most = self._bounded(part, expected, done, nested=nested)
        if part.seconds == 1:
            self._split(part, answer, rows, done)
            return
        shape = Shape.read(
            part.start,
            part.end,
            map(self.time_of, answer.rows),
            self.counted.rows,
            ceiling=math.inf if most is None else most,
        )
        alone = shape.spike() if shape else None
        if alone is not None and shape is not None and shape.prior_scale is not None:
            rows = self.limits.max_rows  # the busy second explains the overflow
        slices = pieces(
            part, shape, capacity=self.capacity, rows=rows, nested=nested, alone=alone
        )
        if self.prefetch:
            for piece in slices:
                self.prefetch(piece)
        for piece in slices:
            self.collect(piece, self.capacity, done, nested=True)

    def _bounded(
        self, part: Slice, expected: float, done: CompletedWindow, *, nested: bool
    ) -> tuple[float, float | None]:
        """The rows guessed in ``part`` (which overflowed), and the most it holds.

        More than fit, at least; no more than the counts leave it beside the
        rows read already (the most, None without counts).
        """
        over = OVER_UNKNOWN if nested else OVER_MEASURED
        rows = over * max(expected, self.limits.max_rows)
        known = map(self.time_of, itertools.chain(done.rows, self.before))
        most = self.counted.left(part.start, part.end, known)
        if most is not None:
            rows = max(self.limits.max_rows, min(rows, most))
        return rows, most

    def _split(
        self, part: Slice, answer: Answer, rows: float, done: CompletedWindow
    ) -> None:
        """Add the rows of an overflowing second, read in parts split by value."""
        second = split_second(
            part.start,
            answer,
            root=part.partition,
            fetch=self.fetch,
            prefetch=self.prefetch,
            dimensions=self.dimensions,
            limits=self.limits,
            # Values to split by, if the answer overflowed without rows.
            sample=answer.rows or [*done.rows, *self.before][: self.limits.max_rows],
            expected_rows=rows,
            made=0,  # this answer: counted already
        )
        done.rows.extend(second.rows)
        done.requests += second.requests
        done.shortfalls.extend(second.shortfalls)


def pieces(
    part: Slice,
    shape: Shape | None,
    *,
    capacity: float,
    rows: float,
    nested: bool,
    alone: int | None = None,
) -> list[Slice]:
    """``part`` (which overflowed) in consecutive slices of ``capacity`` rows each.

    As its ``shape`` has them if ``part`` holds ``rows`` (or what the shape
    shows, if more); where the shape is unknown, or ``nested`` (a slice of a
    part cut so, which overflowed too), in two, the first at most half.
    The second ``alone`` (a busy one), if any, is a slice of its own.
    """
    first = cut_end(
        part.start,
        part.end,
        shape,
        fits=capacity,
        guessed=rows,
        at_most_half=nested,
    )
    ends = [first]
    if alone is not None and first >= alone - 1:
        ends = _around(alone, part, part.start - 1)
    if shape is not None and not nested:
        mass = capacity * shape.total / shape.rows(rows)
        ends = _chained(ends, part, shape, mass, alone)
    elif alone is not None:
        ends += _around(alone, part, ends[-1])
    starts = [part.start, *(end + 1 for end in ends)]
    return [
        Slice(first, last, part.partition)
        for first, last in zip(starts, [*ends, part.end], strict=True)
    ]


def _chained(
    ends: list[int], part: Slice, shape: Shape, mass: float, alone: int | None
) -> list[int]:
    """``ends`` of slices of ``part`` and the next ones, each of ``mass``.

    Up to ``part``'s end, and the second ``alone``, if any, a slice of its own.
    """
    while (end := shape.end_at(ends[-1] + 1, mass)) < part.end or (
        alone is not None and ends[-1] < alone - 1
    ):
        if alone is not None and ends[-1] < alone <= end:
            ends += _around(alone, part, ends[-1])
        else:
            ends.append(end)
    return ends


def _around(alone: int, part: Slice, after: int) -> list[int]:
    """The ends of the slice before ``alone`` and of ``alone``: those past ``after``.

    Inside ``part``, and not its end (which ends its last slice).
    """
    return [end for end in (alone - 1, alone) if after < end < part.end]
