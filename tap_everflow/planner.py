"""Raw-report windows planned from the aggregated report's counts (pure).

With rows counted per time bucket, the range is cut into time-contiguous
windows that each hold just under one answer's worth (:func:`pack`): records
then leave in time order, window after window. A bucket that alone holds more
than one answer is a window of its own, read in parts split by a dimension
from that bucket's counts by value (:func:`split_by_counts`). Counts are
hints: a window that overflows anyway is walked
(:func:`tap_everflow.windowing.walk`), so completeness never depends on them.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from tap_everflow.counts import NO_VALUE
from tap_everflow.windowing import CompletedWindow, Slice, walk

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence

    from tap_everflow.counts import Bucket
    from tap_everflow.windowing import Answer, Partition


@dataclass(frozen=True)
class PlannedWindow:
    """A window of ``start..end`` expected to hold ``rows`` rows."""

    start: int
    end: int
    rows: float

    def fits(self, capacity: int) -> bool:
        """Whether one request is expected to answer it whole."""
        return self.rows <= capacity


def pack(
    buckets: Sequence[Bucket], *, capacity: int, max_span: int
) -> list[PlannedWindow]:
    """Windows tiling the ``buckets``' range, each expected to hold ``capacity``.

    ``buckets`` tile a range in time order. A bucket's rows are taken to be
    spread evenly over it, so a window may end inside a bucket: windows are
    then as full as the counts allow, whatever the buckets' size (a wrong
    guess costs a walk, never a row). A bucket holding more than ``capacity``
    is a window alone (read in parts split by value); a window spans at most
    ``max_span`` seconds.
    """
    windows: list[PlannedWindow] = []
    start: int | None = None
    rows = 0.0

    def close(end: int) -> None:
        nonlocal start, rows
        if start is not None and end >= start:
            windows.append(PlannedWindow(start, end, rows))
        start, rows = None, 0.0

    for bucket in buckets:
        at = bucket.start  # the first second of the bucket not yet planned
        seconds = bucket.end - bucket.start + 1
        if bucket.rows > capacity:
            close(at - 1)
            for piece in range(bucket.start, bucket.end + 1, max_span):
                last = min(bucket.end, piece + max_span - 1)
                share = bucket.rows * (last - piece + 1) / seconds
                windows.append(PlannedWindow(piece, last, share))
            continue
        rate = bucket.rows / seconds
        while at <= bucket.end:
            if start is None:
                start = at
            room = capacity - rows
            take = bucket.end - at + 1
            if rate * take > room:
                take = int(room / rate)
            take = min(take, start + max_span - at)
            if take <= 0:
                close(at - 1)
                continue
            rows += rate * take
            at += take
            if at <= bucket.end:  # full (or at its longest): the rest goes on
                close(at - 1)
    close(buckets[-1].end if buckets else -1)
    return windows


def split_by_counts(
    partition: Partition,
    resource_type: str,
    counts: Mapping[str, int],
    *,
    capacity: int,
) -> list[tuple[Partition, int]] | None:
    """Disjoint parts of ``partition`` by ``resource_type``, with their counts.

    Values go, heaviest first, into the first part with room (first fit
    decreasing). Where the partition does not filter ``resource_type``, the
    first part is the rest: rows without a value, values the report did not
    list, and the values packed with them, asked for by exclusion of all the
    others. A value heavier than ``capacity`` is a part alone (it is walked).
    None where the partition cannot be split so (it excludes another type:
    how exclusions of two types combine is not defined).
    """
    included = partition.included(resource_type)
    excluded = partition.excluded(resource_type)
    if included is None and any(k != resource_type for k, _ in partition.exclusions):
        return None
    if included is None:
        listed = (v for v in counts if v != NO_VALUE and v not in excluded)
    else:  # every allowed value, listed or not: none may be left out
        listed = iter(included - excluded)
    weights = {value: counts.get(value, 0) for value in listed}
    ranked = sorted(weights, key=lambda value: (-weights[value], value))
    rest = included is None
    groups: list[set[str]] = [set()] if rest else []
    loads = [counts.get(NO_VALUE, 0)] if rest else []
    for value in ranked:
        room = next(
            (i for i, load in enumerate(loads) if load + weights[value] <= capacity),
            None,
        )
        if room is None:
            groups.append(set())
            loads.append(0)
            room = len(groups) - 1
        groups[room].add(value)
        loads[room] += weights[value]
    parts = [
        (partition.restrict(resource_type, frozenset(group)), load)
        for group, load in zip(groups[rest:], loads[rest:], strict=True)
    ]
    if rest:
        taken = frozenset().union(*groups[1:])
        parts.insert(0, (partition.exclude(resource_type, taken), loads[0]))
    return parts if len(parts) > 1 else None


Plan = list[tuple[PlannedWindow, list[Slice]]]  # windows and their requests


def plan(
    buckets: Sequence[Bucket],
    *,
    root: Partition,
    capacity: int,
    max_span: int,
    by_value: Callable[[Sequence[PlannedWindow]], Mapping[PlannedWindow, Mapping]],
    resource_type: str,
) -> Plan:
    """The windows of :func:`pack` and the requests that read each.

    A window over ``capacity`` is read in parts of ``resource_type`` where
    ``by_value`` (called once, with all such windows) gives its counts by
    value; otherwise in one request, which will overflow and be walked.
    """
    windows = pack(buckets, capacity=capacity, max_span=max_span)
    hot = [window for window in windows if not window.fits(capacity)]
    counts = by_value(hot) if hot else {}
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
    planned: Plan, fetch: Callable[[Slice], Answer], **walk_options: t.Any
) -> Iterator[CompletedWindow]:
    """Read ``planned`` windows in order, each whole before the next.

    A request that overflows anyway (counts are hints) is walked within its
    own window and partition, one request at a time, starting from the
    answer it had; a window's parts come back as one window, so its records
    leave in time order. ``walk_options`` go to :func:`walk`.
    """
    limits = walk_options["limits"]
    options = {**walk_options, "prefetch": None, "concurrency": 1}
    before: Sequence[t.Any] = ()  # the last window's rows
    for window, parts in planned:
        done = CompletedWindow(window.start, window.end, [], 0)
        for part in parts:
            answer = fetch(part)
            if not answer.overflowed(limits):
                done.rows.extend(answer.rows)
                done.requests += 1
                continue
            for walked in walk(
                part.start,
                part.end,
                fetch,
                root=part.partition,
                first=(part, answer),
                # Values to split by, if the answer overflowed without rows.
                seen=[*answer.rows, *done.rows, *before][: limits.max_rows],
                **options,
            ):
                done.rows.extend(walked.rows)
                done.requests += walked.requests
                done.shortfalls.extend(walked.shortfalls)
        yield done
        before = done.rows
