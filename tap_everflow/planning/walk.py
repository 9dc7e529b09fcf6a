"""Which requests to make so that every raw-report answer used is complete.

Everflow's raw report endpoints answer at most ``max_rows`` rows per request (the
rest are silently dropped) and cover at most 14 days per request. :func:`walk`
plans the requests for a time range where nothing says how many rows it holds:
windows are sized from what answers showed (:mod:`tap_everflow.planning.pace`), an
overflowing window is cut shorter until it fits, and an overflowing single
second is split by dimension (offer, then affiliate, ...) into disjoint parts
that together cover it. Where the aggregated report counts the rows,
:mod:`tap_everflow.planning.planner` plans the windows instead, and splits
seconds that overflow anyway with :func:`split_second`.

Nothing here does I/O: the caller passes ``fetch``, which performs one request.
All times are epoch seconds (UTC); both ends of a window are inclusive.
"""

from __future__ import annotations

import typing as t
from collections import Counter, deque
from dataclasses import dataclass, field

from tap_everflow.planning.limits import RAW_LIMITS, Limits
from tap_everflow.planning.pace import Pace, fitting_points

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

Row = t.Any  # a record as the API returned it; only ``Dimension.value_of`` reads it
Constraint = tuple[tuple[str, frozenset[str]], ...]  # resource type -> values
# Rows of earlier answers kept to split by when an overflow comes without rows.
REMEMBERED_ROWS = 2_000


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

    def overflowed(self, limits: Limits) -> bool:
        """Whether the answer must not be trusted as complete."""
        return self.incomplete or len(self.rows) >= limits.max_rows


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


def walk(  # noqa: PLR0915 - one loop whose steps share the walk's state
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

    Windows are sized by :class:`~tap_everflow.planning.pace.Pace`: with ``time_of``
    (a row's epoch second), the rows of an overflowing answer serve as a
    sample of its traffic. An overflowing window is cut shorter until it
    fits, and an overflowing single second is split by dimension.

    ``prefetch`` announces a slice that ``fetch`` will be asked for later, so
    that the caller can request it ahead (concurrently): after a window that
    fitted at once, up to ``concurrency - 1`` windows after it are planned and
    announced; a planned window is never re-planned (it is split if it
    overflows), so nothing announced is wasted. ``first``: a window starting
    at ``start`` and its answer, already fetched.
    """
    pace = Pace(limits)
    cursor = start
    planned: deque[Slice] = deque()  # announced windows, contiguous, after cursor
    answered = dict([first]) if first else {}
    # Recent rows of earlier answers: the values to split on when an answer
    # overflows without rows.
    rows_seen: Sequence[Row] = ()

    def get(window: Slice) -> Answer:
        answer = answered.pop(window, None)
        return fetch(window) if answer is None else answer

    foreseeable = False  # the last window fitted at once, at a steady rate

    def plan_ahead(after: int) -> None:
        """Size the next windows by what the last one measured; request them."""
        while foreseeable and len(planned) < concurrency - 1 and after < end:
            window = Slice(after + 1, pace.window_end(after + 1, end), root)
            planned.append(window)
            if prefetch:
                prefetch(window)
            after = window.end

    def next_window() -> Slice:
        if planned and planned[0].start == cursor:
            window = planned.popleft()
        elif first and first[0].start == cursor:
            window = first[0]
        else:
            bound = planned[0].start - 1 if planned else end
            window = Slice(cursor, pace.window_end(cursor, bound), root)
        plan_ahead(planned[-1].end if planned else window.end)  # meanwhile
        return window

    while cursor <= end:
        window = next_window()
        answer = get(window)
        requests = 1
        while answer.overflowed(limits) and window.seconds > 1:
            rows_seen = _remember(answer.rows, rows_seen, limits)
            if time_of:
                times = [time_of(row) for row in answer.rows]
                pace.overflowed(window.start, window.end, times)
            cut = pace.window_end(window.start, window.end, overflowed=True)
            if planned and planned[0].start == window.end + 1:
                # Windows after it are under way: the rest must be a window of
                # its own, so it is requested now, not after the first part.
                planned.appendleft(Slice(cut + 1, window.end, root))
                if prefetch:
                    prefetch(planned[0])
            window = Slice(cursor, cut, root)
            answer = get(window)
            requests += 1
        if answer.overflowed(limits):
            done = split_second(
                cursor,
                answer,
                root=root,
                fetch=fetch,
                prefetch=prefetch,
                dimensions=dimensions,
                limits=limits,
                sample=rows_seen,
                expected_rows=pace.expected_rows(cursor),
            )
            done.requests += requests - 1
        else:
            done = CompletedWindow(
                window.start, window.end, list(answer.rows), requests
            )
        pace.completed(window.start, window.end, len(done.rows))
        foreseeable = requests == 1 and pace.steady()
        plan_ahead(planned[-1].end if planned else window.end)
        yield done
        rows_seen = _remember(done.rows, rows_seen, limits)
        cursor = window.end + 1


def _remember(
    rows: Sequence[Row], seen: Sequence[Row], limits: Limits
) -> Sequence[Row]:
    """The newest rows first, then older ones: a bounded sample to split with.

    Every ``step``-th row only, so that few rows of old windows stay in memory.
    """
    if not rows:
        return seen
    keep = min(2 * limits.max_rows, REMEMBERED_ROWS)
    step = -(-len(rows) // keep)  # ceiling division
    newest = rows[::step] if step > 1 else rows
    return [*newest, *seen[: max(0, keep - len(newest))]]


def split_second(
    second: int,
    answer: Answer,
    *,
    root: Partition,
    fetch: Callable[[Slice], Answer],
    prefetch: Callable[[Slice], None] | None,
    dimensions: Sequence[Dimension],
    limits: Limits,
    sample: Sequence[Row],
    expected_rows: float | None,
) -> CompletedWindow:
    """Collect an overflowing second by splitting it into disjoint parts.

    The overflowing answers' rows of this second that fall in a part show
    which values to split it on: some servers flag an overflow with few rows
    or none, and the two rows of a part's own answer may show no value to
    split by where its parent's answer showed several. Where this second
    showed no rows yet, the latest rows seen (from neighbouring windows)
    stand in as the sample. ``expected_rows`` (the
    second's rows as counts or a measured sample have it, if known) lets the first
    split pack the second into as few parts as it takes; a part that
    overflows anyway is halved.
    """
    done = CompletedWindow(second, second, [], requests=1)
    pending: list[tuple[Partition, Answer | None]] = [(root, answer)]
    seen_here: Sequence[Row] = []
    while pending:
        part, known = pending.pop()
        if known is None:
            known = fetch(Slice(second, second, part))
            done.requests += 1
        if not known.overflowed(limits):
            done.rows.extend(known.rows)
            continue
        # This second's earlier answers add to a sample of few rows or none.
        seen_here = _remember(known.rows, seen_here, limits)
        here = _admitted(part, seen_here, dimensions)
        parts = split_partition(
            part,
            here or sample,
            dimensions,
            expected_rows=expected_rows,
            part_rows=limits.max_rows - 1,  # a full answer counts as overflowing
        )
        expected_rows = None  # known for the whole second only
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


def _admitted(
    part: Partition, rows: Sequence[Row], dimensions: Sequence[Dimension]
) -> list[Row]:
    """The ``rows`` that ``part`` asks for, as far as ``dimensions`` tell."""
    checks = [
        (d.value_of, part.included(d.resource_type), part.excluded(d.resource_type))
        for d in dimensions
    ]
    return [
        row
        for row in rows
        if all(
            (value := value_of(row)) not in excluded
            and (included is None or value in included)
            for value_of, included, excluded in checks
        )
    ]


def split_partition(
    partition: Partition,
    rows: Sequence[Row],
    dimensions: Sequence[Dimension],
    *,
    expected_rows: float | None = None,
    part_rows: float = RAW_LIMITS.max_rows - 1,
) -> list[Partition] | None:
    """Split a partition into disjoint parts that together cover it.

    ``rows`` is a sample of the partition's traffic (an overflowing answer), used
    to weigh its values. An overflow only says the partition holds more rows than
    fit: then the split halves the sampled traffic. With ``expected_rows`` (how
    many it holds, estimated), values are packed into as few parts as hold
    ``part_rows`` each, and a value holding more than that on its own is split
    by the next dimension at once rather than requested first. Returns None when
    no dimension can split it further.
    """
    for dimension in dimensions:
        key = dimension.resource_type
        included = partition.included(key)
        if included is not None and len(included) == 1:
            continue  # exhausted: split the next dimension within this value
        excluded = partition.excluded(key)
        rows_of: dict[str, list[Row]] = {}
        for row in rows:
            value = dimension.value_of(row)
            if value is not None and value not in excluded:
                rows_of.setdefault(value, []).append(row)
        if included is None and (
            not rows_of or any(k != key for k, _ in partition.exclusions)
        ):
            continue
        values = sorted(rows_of if included is None else included - excluded)
        if expected_rows is not None and expected_rows > part_rows and rows:
            parts = _packed(
                partition,
                key,
                values,
                rows_of,
                dimensions,
                sampled=len(rows),
                expected_rows=expected_rows,
                part_rows=part_rows,
            )
            if len(parts) > 1:
                return parts
        counts = Counter({value: len(found) for value, found in rows_of.items()})
        first = _heavier_half(values, counts)
        if included is not None:
            halves = [
                partition.restrict(key, first),
                partition.restrict(key, included - first),
            ]
            return [p for p in halves if p.included(key)]
        return [partition.restrict(key, first), partition.exclude(key, first)]
    return None


def _packed(
    partition: Partition,
    key: str,
    values: Sequence[str],
    rows_of: Mapping[str, Sequence[Row]],
    dimensions: Sequence[Dimension],
    *,
    sampled: int,
    expected_rows: float,
    part_rows: float,
) -> list[Partition]:
    """Parts of ``partition`` by ``key``, each expected to hold ``part_rows``.

    Values go, heaviest first, into the first part with room for them (first
    fit decreasing: few parts, each nearly full). Where the partition does not
    filter ``key``, the first part is the remainder: the rows of no value taken
    by the other parts (values not sampled included), asked for by exclusion.
    A value heavier than a part is split by the next dimension. ``sampled``
    rows (``rows_of`` and rows of no value) stand for ``expected_rows``; a
    part's sampled rows are noisy, so parts keep a margin (as windows do).
    """
    rows_per_sampled = expected_rows / sampled
    # Sampled rows a part may hold: its share of the sample is noisy too.
    capacity = fitting_points(part_rows, rows_per_sampled)
    weight = {value: len(rows_of.get(value, ())) for value in values}
    ranked = sorted(values, key=lambda value: (-weight[value], value))
    heavy = [value for value in ranked if weight[value] > capacity]
    remainder = partition.included(key) is None
    groups, _ = first_fit(
        ranked[len(heavy) :],
        weight,
        capacity,
        rest=sampled - sum(weight.values()) if remainder else None,
    )
    parts: list[Partition] = []
    for value in heavy:
        alone = partition.restrict(key, frozenset({value}))
        parts += split_partition(
            alone,
            rows_of[value],
            dimensions,
            expected_rows=rows_per_sampled * weight[value],
            part_rows=part_rows,
        ) or [alone]
    if remainder:
        taken = frozenset(heavy).union(*groups[1:])
        parts.append(partition.exclude(key, taken))
        groups = groups[1:]
    return parts + [partition.restrict(key, frozenset(group)) for group in groups]


def first_fit(
    ranked: Sequence[str],
    weight: Mapping[str, float],
    capacity: float,
    *,
    rest: float | None = None,
) -> tuple[list[set[str]], list[float]]:
    """Values (heaviest first) in groups of up to ``capacity``, and their loads.

    Each value goes into the first group with room (first fit decreasing: few
    groups, each nearly full). With ``rest``, the first group starts with that
    load: the rows of no listed value, asked for by exclusion.
    """
    groups: list[set[str]] = [set()] if rest is not None else []
    loads: list[float] = [rest] if rest is not None else []
    for value in ranked:
        room = next(
            (i for i, load in enumerate(loads) if load + weight[value] <= capacity),
            None,
        )
        if room is None:
            groups.append(set())
            loads.append(0)
            room = len(groups) - 1
        groups[room].add(value)
        loads[room] += weight[value]
    return groups, loads


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
