"""Whole days read in requests whose row counts are known before they are made.

Everflow's aggregated report says, in one request, how many rows each day holds
for each value of a resource type (the tap asks for affiliates). A raw-report
request for a run of whole days and a set of those values then holds a known
number of rows, so windows can be packed to just under the answer cap wherever
the traffic's bursts lie inside the days: :func:`pack_days` plans them.
:func:`read_chunk` reads one chunk of days; a request that overflows anyway
(the report and the raw rows disagree, or one value holds more rows in a day
than one answer can carry) is walked by time with :func:`walk`.

Nothing here does I/O: the caller passes ``fetch`` (and ``prefetch``).
"""

from __future__ import annotations

import bisect
import math
import typing as t
from collections import Counter
from dataclasses import dataclass, replace

from tap_everflow.traffic import Limits
from tap_everflow.windowing import CompletedWindow, Partition, Slice, walk

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

    from tap_everflow.windowing import Answer

DAY = 86_400
NO_VALUE = ""  # the report's id for rows without a value of the resource type
# Counts are known, so requests are packed fuller than walked windows: the
# margin is for rows the report and the raw rows disagree on.
PACKED_FILL = 0.99


@dataclass(frozen=True)
class DayCounts:
    """Rows per value of the resource type on one day (``start..end``, inclusive).

    ``NO_VALUE`` counts the rows that have no value for it.
    """

    start: int
    end: int
    rows: Mapping[str, int]


@dataclass(frozen=True)
class Chunk:
    """Consecutive days, read in requests that each hold about ``expected`` rows.

    The slices cover every row of the days exactly once: each is a run of the
    days and a set of values, and one of them also takes the rows without a
    value and any value the report did not list (by exclusions).
    """

    start: int
    end: int
    slices: tuple[Slice, ...]
    expected: tuple[int, ...]

    @property
    def rows(self) -> int:
        """The rows the report counted in these days."""
        return sum(self.expected)


def pack_days(
    days: Sequence[DayCounts],
    *,
    root: Partition,
    resource_type: str,
    limits: Limits = Limits(),
) -> list[Chunk]:
    """Plan requests for consecutive whole ``days``, in chunks of days.

    Chunks (at most ``limits.max_span`` long) are chosen for the fewest
    requests over all the days (dynamic programming over where chunks end).
    Returns no chunks when a day is longer than a request may be, or when the
    rows of unlisted values could not be reached without exclusions on a second
    resource type, which the API contract does not define (``root`` excludes
    values of another type).
    """
    if limits.max_span < DAY or any(k != resource_type for k, _ in root.exclusions):
        return []
    capacity = int(limits.max_rows * PACKED_FILL)
    longest = limits.max_span // DAY
    # fewest[j]: (requests, chunks) to read days[:j]; last[j]: its final chunk.
    fewest: list[tuple[float, int]] = [(0.0, 0)]
    last: dict[int, Chunk] = {}
    for end in range(1, len(days) + 1):
        options = []
        for first in range(max(0, end - longest), end):
            chunk = _chunk(days[first:end], root, resource_type, capacity)
            cost, count = fewest[first]
            options.append(((cost + _cost(chunk, capacity), count + 1), chunk))
        best, chunk = min(options, key=lambda option: option[0])
        fewest.append(best)
        last[end] = chunk
    chunks: list[Chunk] = []
    end = len(days)
    while end:
        chunk = last[end]
        chunks.append(chunk)
        end -= (chunk.end - chunk.start + 1) // DAY
    return chunks[::-1]


def _cost(chunk: Chunk, capacity: int) -> float:
    """Requests the chunk will take: a slice over the capacity is walked by time."""
    return sum(
        1 if rows <= capacity else math.ceil(rows / capacity) + 1
        for rows in chunk.expected
    )


def _chunk(
    days: Sequence[DayCounts], root: Partition, resource_type: str, capacity: int
) -> Chunk:
    start, end = days[0].start, days[-1].end
    totals: Counter[str] = Counter()
    for day in days:
        totals.update(day.rows)
    unlisted = totals.pop(NO_VALUE, 0)
    # Values the user's own query leaves out are not asked for, whatever the
    # report listed: a filter on them would replace the user's.
    allowed, excluded = root.included(resource_type), root.excluded(resource_type)
    for value in list(totals):
        if value in excluded or (allowed is not None and value not in allowed):
            del totals[value]
    known = frozenset(totals)
    planned: list[tuple[Slice, int]] = []
    small: dict[str, int] = {}
    for value, rows in sorted(totals.items()):
        if rows <= capacity:
            small[value] = rows
            continue
        # Too many rows for one request over all the days: runs of its days.
        part = root.restrict(resource_type, frozenset({value}))
        for run_start, run_end, run_rows in _runs(days, value, capacity):
            planned.append((Slice(run_start, run_end, part), run_rows))
    bins = _best_fit_decreasing(small, capacity)
    # The rest (no value, or one the report missed) joins the emptiest set.
    emptiest = min(bins, default=None)
    if emptiest is not None and emptiest[0] + unlisted <= capacity:
        bins.remove(emptiest)
        rest_values, rest_rows = emptiest[1], emptiest[0] + unlisted
    else:
        rest_values, rest_rows = frozenset(), unlisted
    for rows, values in bins:
        planned.append((Slice(start, end, root.restrict(resource_type, values)), rows))
    rest = root.exclude(resource_type, known - rest_values)
    planned.append((Slice(start, end, rest), rest_rows))
    return Chunk(
        start,
        end,
        tuple(part for part, _ in planned),
        tuple(rows for _, rows in planned),
    )


def _runs(
    days: Sequence[DayCounts], value: str, capacity: int
) -> Iterator[tuple[int, int, int]]:
    """Consecutive runs of ``days`` holding up to ``capacity`` rows of ``value``.

    A day that alone holds more is a run of its own (walked by time when read).
    """
    run_start, run_end, run_rows = days[0].start, days[0].end, 0
    for day in days:
        rows = day.rows.get(value, 0)
        if run_rows and run_rows + rows > capacity:
            yield run_start, run_end, run_rows
            run_start, run_rows = day.start, 0
        run_end, run_rows = day.end, run_rows + rows
    yield run_start, run_end, run_rows


def _best_fit_decreasing(
    counts: Mapping[str, int], capacity: int
) -> list[tuple[int, frozenset[str]]]:
    """Sets of values holding up to ``capacity`` rows each, few and full.

    Largest first, each into the fullest set it still fits in.
    """
    # Sets by room left, ascending; bisect finds the fullest one that fits.
    rooms: list[tuple[int, int]] = []  # (room, set index)
    members: list[list[str]] = []
    for value, rows in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        at = bisect.bisect_left(rooms, (rows, -1))
        if at < len(rooms):
            room, index = rooms.pop(at)
        else:
            room, index = capacity, len(members)
            members.append([])
        members[index].append(value)
        bisect.insort(rooms, (room - rows, index))
    return [
        (sum(counts[value] for value in values), frozenset(values))
        for values in members
    ]


def read_chunk(
    chunk: Chunk,
    fetch: Callable[[Slice], Answer],
    *,
    limits: Limits = Limits(),
    prefetch: Callable[[Slice], None] | None = None,
    following: Sequence[Slice] = (),
    **walk_options: t.Any,
) -> Iterator[CompletedWindow]:
    """Read every row of ``chunk``: one complete window per slice, or more.

    All its slices are announced at once (``prefetch``), then ``following``
    (the next chunk's, to run once these are under way). A slice that overflows
    is walked by time within its partition (``walk_options`` go to
    :func:`walk`), starting from the answer it already has. Every window but
    the chunk's last is complete through the chunk's start only: rows of other
    slices in its days may still follow.
    """
    if prefetch:
        for part in (*chunk.slices, *following):
            prefetch(part)
    last = chunk.slices[-1]
    for part in chunk.slices:
        answer = fetch(part)
        if not answer.overflowed(limits):
            found: Iterable[CompletedWindow] = [
                CompletedWindow(part.start, part.end, list(answer.rows), 1)
            ]
        else:
            first = {part: answer}

            def fetch_again(window: Slice, first: dict = first) -> Answer:
                return first.pop(window, None) or fetch(window)

            found = walk(
                part.start,
                part.end,
                fetch_again,
                root=part.partition,
                limits=limits,
                prefetch=prefetch,
                **walk_options,
            )
        for window in found:
            ends_chunk = part is last and window.end == part.end
            yield replace(
                window,
                partition=part.partition,
                complete_through=chunk.end if ends_chunk else chunk.start - 1,
            )
