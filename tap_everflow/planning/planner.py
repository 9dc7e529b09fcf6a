"""Raw-report windows planned from the aggregated report's counts (pure).

With rows counted per time bucket, the range is cut into time-contiguous
windows that each hold just under one answer's worth (:func:`pack`): records
then leave in time order, window after window. A bucket that alone holds more
than one answer is a window of its own, read in parts split by a dimension
from that bucket's counts by value (:func:`split_by_counts`). Counts are
hints: a window that overflows anyway is walked
(:func:`tap_everflow.planning.walk.walk`), so completeness never depends on them.
"""

from __future__ import annotations

import bisect
import typing as t
from collections import Counter
from dataclasses import dataclass

from tap_everflow.planning.counts import NO_VALUE, Bucket
from tap_everflow.planning.walk import CompletedWindow, Slice, first_fit, walk

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

    from tap_everflow.planning.walk import Answer, Partition


# Sampled rows of a bucket before the sample is taken to show where they are.
MIN_SAMPLED = 10


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
    guess costs a walk, never a row). A single second holding more than
    ``capacity`` is a window alone (read in parts split by value); a window
    spans at most ``max_span`` seconds.
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
        if bucket.rows > capacity and seconds == 1:
            close(at - 1)
            windows.append(PlannedWindow(bucket.start, bucket.end, bucket.rows))
            continue
        rate = bucket.rows / seconds
        while at <= bucket.end:
            if start is None:
                start = at
            take = min(bucket.end - at + 1, start + max_span - at)
            fit = int((capacity - rows) / rate) if rate else take
            if fit < take:
                # A second holding more than capacity is a window alone.
                take = 1 if fit <= 0 and start == at else fit
            if take <= 0:
                close(at - 1)
                continue
            rows += rate * take
            at += take
            if at <= bucket.end or rows > capacity:  # full, or at its longest
                close(at - 1)
    close(buckets[-1].end if buckets else -1)
    return windows


def busy_seconds(
    buckets: Sequence[Bucket], times: Sequence[int], *, capacity: int
) -> dict[int, float]:
    """Seconds a sample shows holding most of a bucket over ``capacity``.

    ``times`` are the row times of an overflowing answer, a sample of its
    traffic: where one second holds most of the sampled rows of a bucket that
    holds more than one answer, that second holds its share of the bucket's
    count (estimated), and is read on its own, split by value.
    """
    found: dict[int, float] = {}
    ordered = sorted(times)
    for bucket in buckets:
        if bucket.rows <= capacity:
            continue
        inside = ordered[
            bisect.bisect_left(ordered, bucket.start) : bisect.bisect_right(
                ordered, bucket.end
            )
        ]
        if len(inside) < MIN_SAMPLED:
            continue
        second, points = Counter(inside).most_common(1)[0]
        if points >= len(inside) / 2:
            found[second] = bucket.rows * points / len(inside)
    return found


def isolate(buckets: Sequence[Bucket], seconds: Mapping[int, float]) -> list[Bucket]:
    """``buckets`` with each of ``seconds`` a bucket of its own.

    ``seconds`` maps a second to the rows it is estimated to hold (a burst
    within one second: spreading its bucket's rows evenly would be wrong);
    the rest of its bucket's rows stay spread over the rest of the bucket.
    """
    out: list[Bucket] = []
    for bucket in buckets:
        inside = sorted(s for s in seconds if bucket.start <= s <= bucket.end)
        if not inside:
            out.append(bucket)
            continue
        hot = {s: min(seconds[s], bucket.rows) for s in inside}
        rest = max(0.0, bucket.rows - sum(hot.values()))
        rate = rest / max(1, bucket.end - bucket.start + 1 - len(inside))
        at = bucket.start
        for second in inside:
            if at < second:
                out.append(Bucket(at, second - 1, rate * (second - at)))
            out.append(Bucket(second, second, hot[second]))
            at = second + 1
        if at <= bucket.end:
            out.append(Bucket(at, bucket.end, rate * (bucket.end - at + 1)))
    return out


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
    others. A value heavier than ``capacity`` is a part alone (it is walked).
    None where the partition cannot be split so (it excludes another type:
    how exclusions of two types combine is not defined).
    """
    included = partition.included(resource_type)
    excluded = partition.excluded(resource_type)
    if included is None and any(k != resource_type for k, _ in partition.exclusions):
        return None
    if included is None:
        listed: Iterable[str] = (
            v for v in counts if v != NO_VALUE and v not in excluded
        )
    else:  # every allowed value, listed or not: none may be left out
        listed = included - excluded
    weights = {value: counts.get(value, 0) for value in listed}
    ranked = sorted(weights, key=lambda value: (-weights[value], value))
    rest = included is None
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


Plan = list[tuple[PlannedWindow, list[Slice]]]  # windows and their requests


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

    ``sampled``: row times of an overflowing answer, to find busy seconds
    (:func:`busy_seconds`). A window over ``capacity`` (a busy second) is read
    in parts of ``resource_type`` where ``by_value`` (called once, with all
    such windows) gives its counts by value; otherwise in one request, which
    will overflow and be walked.
    """
    busy = busy_seconds(buckets, sampled, capacity=capacity)
    windows = pack(isolate(buckets, busy), capacity=capacity, max_span=max_span)
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
                rate=window.rows / len(parts) / (window.end - window.start + 1),
                **options,
            ):
                done.rows.extend(walked.rows)
                done.requests += walked.requests
                done.shortfalls.extend(walked.shortfalls)
        yield done
        before = done.rows
