"""Which requests to make so that every raw-report answer used is complete.

Everflow's raw report endpoints answer at most ``max_rows`` rows per request (the
rest are silently dropped) and cover at most 14 days per request. :func:`walk`
plans the requests for a time range: windows adapt to the traffic (they shrink
when an answer overflows and grow when answers are sparse), an overflowing window
is re-requested in halves, and an overflowing single second is split by dimension
(offer, then affiliate, ...) into disjoint parts that together cover it.

Nothing here does I/O: the caller passes ``fetch``, which performs one request.
All times are epoch seconds (UTC); both ends of a window are inclusive.
"""

from __future__ import annotations

import typing as t
from bisect import bisect_left, bisect_right
from collections import Counter, deque
from dataclasses import dataclass, field

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

Row = t.Any  # a record as the API returned it; only ``Dimension.value_of`` reads it
Constraint = tuple[tuple[str, frozenset[str]], ...]  # resource type -> values


def _with(constraint: Constraint, key: str, values: frozenset[str]) -> Constraint:
    """Return ``constraint`` with ``key`` set to ``values`` (removed if empty)."""
    kept = {k: v for k, v in constraint if k != key}
    if values:
        kept[key] = values
    return tuple(sorted(kept.items()))


@dataclass(frozen=True)
class Partition:
    """Which rows a request asks for.

    ``filters`` keep rows whose value for a resource type is one of the listed
    values (same type: OR; different types: AND), as the API defines them.
    ``exclusions`` remove rows whose value is one of the listed values.

    The API contract does not say how exclusions of *different* resource types
    combine, so a split never adds exclusions of a type other than those already
    present: every request the tap adds exclusions to has them on one type only.
    """

    filters: Constraint = ()
    exclusions: Constraint = ()

    @classmethod
    def from_query(
        cls,
        filters: Iterable[Mapping[str, t.Any]] = (),
        exclusions: Iterable[Mapping[str, t.Any]] = (),
    ) -> Partition:
        """Build a partition from the API's filter and exclusion lists."""

        def group(items: Iterable[Mapping[str, t.Any]]) -> Constraint:
            grouped: dict[str, set[str]] = {}
            for item in items:
                grouped.setdefault(item["resource_type"], set()).add(
                    str(item["filter_id_value"])
                )
            return tuple(sorted((k, frozenset(v)) for k, v in grouped.items()))

        partition = cls(group(filters), group(exclusions))
        for key, values in partition.filters:
            # An exclusion on a filtered type only narrows the filter; folding it
            # in leaves exclusions free for splitting (see the class docstring).
            if values - partition.excluded(key):
                partition = partition.restrict(key, values)
        return partition

    def query(self) -> dict[str, list[dict[str, str]]]:
        """Return the API's ``query`` object for this partition."""

        def flatten(constraint: Constraint) -> list[dict[str, str]]:
            return [
                {"resource_type": key, "filter_id_value": value}
                for key, values in constraint
                for value in sorted(values)
            ]

        return {
            "filters": flatten(self.filters),
            "exclusions": flatten(self.exclusions),
        }

    def included(self, resource_type: str) -> frozenset[str] | None:
        """Values the filters allow for ``resource_type``; None if unfiltered."""
        return dict(self.filters).get(resource_type)

    def excluded(self, resource_type: str) -> frozenset[str]:
        """Values the exclusions remove for ``resource_type``."""
        return dict(self.exclusions).get(resource_type, frozenset())

    def restrict(self, resource_type: str, values: frozenset[str]) -> Partition:
        """Keep only rows whose ``resource_type`` value is in ``values``.

        The exclusions on that type become redundant and are dropped, which keeps
        the exclusions of a narrowed part on as few types as possible.
        """
        allowed = values - self.excluded(resource_type)
        return Partition(
            _with(self.filters, resource_type, allowed),
            _with(self.exclusions, resource_type, frozenset()),
        )

    def exclude(self, resource_type: str, values: frozenset[str]) -> Partition:
        """Also remove rows whose ``resource_type`` value is in ``values``."""
        merged = self.excluded(resource_type) | values
        return Partition(self.filters, _with(self.exclusions, resource_type, merged))

    def describe(self) -> str:
        """Human-readable form for logs, e.g. ``offer=1|2 affiliate!=7``."""
        parts = [f"{k}={'|'.join(sorted(v))}" for k, v in self.filters]
        parts += [f"{k}!={'|'.join(sorted(v))}" for k, v in self.exclusions]
        return " ".join(parts) or "all traffic"


@dataclass(frozen=True)
class Dimension:
    """A resource type that a second's traffic can be split by.

    ``value_of`` returns the ``filter_id_value`` a row has for this resource type,
    or None when the row has no usable value (such rows stay in the remainder).
    """

    resource_type: str
    value_of: Callable[[Row], str | None]


@dataclass(frozen=True)
class Slice:
    """One request: an inclusive window of epoch seconds and a partition."""

    start: int
    end: int
    partition: Partition = Partition()

    @property
    def seconds(self) -> int:
        """Number of seconds covered (both ends inclusive)."""
        return self.end - self.start + 1


@dataclass(frozen=True)
class Answer:
    """What one request returned: rows, and whether the API flagged them incomplete."""

    rows: Sequence[Row]
    incomplete: bool = False


@dataclass(frozen=True)
class Shortfall:
    """Part of a second that overflowed and could not be split any further."""

    second: int
    partition: Partition
    rows_returned: int


@dataclass
class CompletedWindow:
    """A window whose rows are all known (except for any ``shortfalls``)."""

    start: int
    end: int
    rows: list[Row]
    requests: int
    shortfalls: list[Shortfall] = field(default_factory=list)


@dataclass(frozen=True)
class Limits:
    """The API's limits and how boldly windows grow.

    ``max_span`` is the longest window in seconds: ``to - from`` may be at most
    14 days, and with both ends inclusive a window of ``14 * 86400`` seconds has
    ``to - from`` one second under that.
    """

    max_rows: int = 10_000
    max_span: int = 14 * 86_400
    fill: float = 0.9  # aim windows at this share of max_rows
    max_growth: float = 4.0  # a sparse window lets the next one grow this much
    max_requests_per_second: int = 1_000  # stop splitting a pathological second

    def overflowed(self, answer: Answer) -> bool:
        """Whether an answer must not be trusted as complete."""
        return answer.incomplete or len(answer.rows) >= self.max_rows


def next_span(seconds: int, rows: int, limits: Limits) -> int:
    """Size the next window from the density of a completed one."""
    target = limits.fill * limits.max_rows
    growth = limits.max_growth if rows == 0 else min(limits.max_growth, target / rows)
    return max(1, min(limits.max_span, int(seconds * growth)))


def walk(
    start: int,
    end: int,
    fetch: Callable[[Slice], Answer],
    *,
    root: Partition = Partition(),
    dimensions: Sequence[Dimension] = (),
    limits: Limits = Limits(),
    initial_span: int | None = None,
    time_of: Callable[[Row], int] | None = None,
    prefetch: Callable[[Slice], None] | None = None,
    lookahead: int = 1,
) -> Iterator[CompletedWindow]:
    """Yield consecutive complete windows covering ``start..end`` in time order.

    Windows never overlap, leave no gap, and never exceed ``limits.max_span``.
    The caller may stop iterating at any point; everything before the start of
    the window it has not yet received is complete.

    ``time_of`` reads a row's epoch second. With it, the rows of an overflowing
    answer serve as a sample of the traffic: the window is cut where they split
    in half, and the following windows are sized from the sample (see
    :class:`TrafficSample`), which keeps bursty traffic to few requests.

    ``prefetch`` announces a slice that ``fetch`` will be asked for later, so
    that the caller can request it ahead (concurrently). Once the traffic is
    known well enough, up to ``lookahead`` windows are planned and announced
    ahead; a planned window is never re-planned, so nothing announced is wasted.
    Parts of an overflowing second are announced as soon as they are known.
    """
    span = min(initial_span or limits.max_span, limits.max_span)
    cursor = start
    planned: deque[Slice] = deque()  # announced windows, contiguous, after cursor
    # Recent rows of earlier answers: the values to split on when an answer
    # overflows without rows. Kept across windows, so that the values of a
    # quiet stretch before a burst are still known.
    rows_seen: Sequence[Row] = ()
    traffic: TrafficSample | None = None
    dense = False  # the last window's density, not the growth cap, sized ``span``

    def sized(first: int, bound: int) -> Slice:
        last = min(bound, first + limits.max_span - 1)
        planned_end = traffic.window_end(first, limits) if traffic else None
        return Slice(first, min(last, planned_end or first + span - 1), root)

    def plan_ahead(first_unplanned: int) -> None:
        # Speculate only on known traffic: a calibrated sample, or a dense window.
        confident = dense or (traffic is not None and traffic.rows_per_sample > 0)
        while confident and len(planned) < lookahead and first_unplanned <= end:
            window = sized(first_unplanned, end)
            planned.append(window)
            if prefetch:
                prefetch(window)
            first_unplanned = window.end + 1

    while cursor <= end:
        if planned and planned[0].start == cursor:
            window = planned.popleft()
        else:  # nothing announced from here: size a window up to what was
            window = sized(cursor, planned[0].start - 1 if planned else end)
        plan_ahead(planned[-1].end + 1 if planned else window.end + 1)
        answer = fetch(window)
        requests = 1
        while limits.overflowed(answer) and window.seconds > 1:
            rows_seen = _remember(answer.rows, rows_seen, limits)
            if time_of and answer.rows and requests == 1:
                # The widest answer's rows cover the most traffic to plan with.
                traffic = TrafficSample(window, [time_of(r) for r in answer.rows])
            # The second half is left unplanned: re-sized once the first is known.
            window = Slice(cursor, _halfway(window, traffic), root)
            answer = fetch(window)
            requests += 1
        if limits.overflowed(answer):
            done = _split_second(
                cursor,
                answer,
                root=root,
                fetch=fetch,
                prefetch=prefetch,
                dimensions=dimensions,
                limits=limits,
                sample=rows_seen,
            )
            done.requests += requests - 1
        else:
            done = CompletedWindow(
                window.start, window.end, list(answer.rows), requests
            )
        yield done
        rows_seen = _remember(done.rows, rows_seen, limits)
        span = next_span(window.seconds, len(done.rows), limits)
        dense = len(done.rows) * limits.max_growth >= limits.fill * limits.max_rows
        if traffic:
            traffic = traffic.calibrated(window, len(done.rows))
        cursor = window.end + 1


def _remember(
    rows: Sequence[Row], seen: Sequence[Row], limits: Limits
) -> Sequence[Row]:
    """The newest rows first, then older ones, up to twice the row cap."""
    if not rows:
        return seen
    keep = 2 * limits.max_rows
    return [*rows[:keep], *seen[: max(0, keep - len(rows))]]


class TrafficSample:
    """Row times from an overflowing answer, used to plan the windows it covers.

    When a server returns a random subset of an overflowing window's rows, their
    times show where the traffic is. Once a window inside the sampled range has
    been fetched completely, its true row count calibrates the sample (rows per
    sampled row), and later windows are cut to hold about ``fill * max_rows``
    rows each. A server that returns some other subset only makes the plan less
    accurate: overflowing windows are still split, so completeness never
    depends on the sample.
    """

    MIN_CALIBRATION = 20  # sampled rows needed in a window to trust its ratio

    def __init__(
        self, window: Slice, times: Iterable[int], rows_per_sample: float = 0.0
    ) -> None:
        """Keep the sorted ``times`` sampled from ``window``."""
        self.start = window.start
        self.end = window.end
        self.times = sorted(times)
        self.rows_per_sample = rows_per_sample

    def count(self, start: int, end: int) -> int:
        """Sampled rows between ``start`` and ``end``, inclusive."""
        return bisect_right(self.times, end) - bisect_left(self.times, start)

    def calibrated(self, window: Slice, rows: int) -> TrafficSample | None:
        """This sample, scaled by a completed window's true row count.

        Returns None once the walk has passed the sampled range.
        """
        if window.end >= self.end:
            return None
        sampled = self.count(window.start, window.end)
        if sampled < self.MIN_CALIBRATION:
            return self
        return TrafficSample(Slice(self.start, self.end), self.times, rows / sampled)

    def window_end(self, cursor: int, limits: Limits) -> int | None:
        """Last second of a window from ``cursor`` holding about the target rows.

        None when the sample is not calibrated yet or not ahead of ``cursor``.
        """
        if not self.rows_per_sample or not self.start <= cursor <= self.end:
            return None
        wanted = int(limits.fill * limits.max_rows / self.rows_per_sample)
        index = bisect_left(self.times, cursor) + wanted
        if index >= len(self.times):
            return self.end
        return max(cursor, self.times[index] - 1)


def _halfway(window: Slice, traffic: TrafficSample | None) -> int:
    """Last second of the first half of an overflowing window.

    The median time of the sampled rows inside the window splits its traffic
    in half; without enough of them, the midpoint does.
    """
    if traffic and traffic.start <= window.start:
        first = bisect_left(traffic.times, window.start)
        inside = traffic.count(window.start, window.end)
        if inside >= TrafficSample.MIN_CALIBRATION:
            median = traffic.times[first + (inside - 1) // 2]
            if median < window.end:
                return median
    return window.start + window.seconds // 2 - 1


def _split_second(
    second: int,
    answer: Answer,
    *,
    root: Partition,
    fetch: Callable[[Slice], Answer],
    prefetch: Callable[[Slice], None] | None,
    dimensions: Sequence[Dimension],
    limits: Limits,
    sample: Sequence[Row],
) -> CompletedWindow:
    """Collect an overflowing second by splitting it into disjoint parts.

    An overflowing answer's rows show which values to split on. Some servers
    flag an overflow without returning rows; then the latest rows seen (from
    neighbouring windows) stand in as the sample.
    """
    done = CompletedWindow(second, second, [], requests=1)
    pending: list[tuple[Partition, Answer | None]] = [(root, answer)]
    while pending:
        part, known = pending.pop()
        if known is None:
            known = fetch(Slice(second, second, part))
            done.requests += 1
        if not limits.overflowed(known):
            done.rows.extend(known.rows)
            continue
        sample = known.rows or sample
        parts = split_partition(part, sample, dimensions)
        budget_left = limits.max_requests_per_second - done.requests - len(pending)
        if not parts or len(parts) > budget_left:
            # Keep what the API did return: real rows, though not all of them.
            done.rows.extend(known.rows)
            done.shortfalls.append(Shortfall(second, part, len(known.rows)))
            continue
        pending.extend((p, None) for p in reversed(parts))
        if prefetch:
            for p in parts:
                prefetch(Slice(second, second, p))
    return done


def split_partition(
    partition: Partition,
    rows: Sequence[Row],
    dimensions: Sequence[Dimension],
) -> list[Partition] | None:
    """Split a partition into disjoint parts that together cover it.

    ``rows`` is a sample of the partition's traffic (an overflowing answer), used
    to pick a split that halves the traffic. Returns None when no dimension can
    split it further.
    """
    for dimension in dimensions:
        key = dimension.resource_type
        included = partition.included(key)
        if included is not None and len(included) == 1:
            continue  # exhausted: split the next dimension within this value
        excluded = partition.excluded(key)
        counts = Counter(
            value
            for row in rows
            if (value := dimension.value_of(row)) is not None and value not in excluded
        )
        if included is not None:
            first = _heavier_half(sorted(included - excluded), counts)
            parts = [
                partition.restrict(key, first),
                partition.restrict(key, included - first),
            ]
            return [p for p in parts if p.included(key)]
        if not counts or any(k != key for k, _ in partition.exclusions):
            continue
        first = _heavier_half(sorted(counts), counts)
        return [partition.restrict(key, first), partition.exclude(key, first)]
    return None


def _heavier_half(values: Sequence[str], counts: Counter[str]) -> frozenset[str]:
    """The most frequent values, up to about half of the observed rows.

    Always at least one value, and never all of several values, so that both
    halves of a split are non-empty when there is more than one value.
    """
    ranked = sorted(values, key=lambda v: (-counts[v], v))
    half = sum(counts[v] for v in ranked) / 2
    if not half:  # nothing observed: split the values evenly
        return frozenset(ranked[: max(1, len(ranked) // 2)])
    chosen: list[str] = []
    taken = 0
    for value in ranked[: max(1, len(ranked) - 1)]:
        if chosen and taken + counts[value] > half:
            break
        chosen.append(value)
        taken += counts[value]
    return frozenset(chosen)
