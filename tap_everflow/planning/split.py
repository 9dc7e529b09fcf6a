"""Reading one overflowing second in disjoint parts, split by dimension (pure).

A single second can hold more rows than one answer carries; it cannot be cut
shorter, so it is split by the values of a dimension (offer, then affiliate,
...) into parts that together cover it: the rows an overflowing answer
returned show which values to split on, and, where the second's rows are
estimated, how to pack the values into as few parts as fit.
"""

from __future__ import annotations

import typing as t
from collections import Counter

from tap_everflow.planning.shape import fitting_points
from tap_everflow.planning.slices import CompletedWindow, Shortfall, Slice

if t.TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from tap_everflow.planning.limits import Limits
    from tap_everflow.planning.slices import Answer, Dimension, Partition, Row

# Rows of earlier answers kept to split by when an overflow comes without rows.
REMEMBERED_ROWS = 2_000


def remember(rows: Sequence[Row], seen: Sequence[Row], limits: Limits) -> Sequence[Row]:
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
    made: int,
) -> CompletedWindow:
    """Collect an overflowing second by splitting it into disjoint parts.

    The overflowing answers' rows of this second that fall in a part show
    which values to split it on: some servers flag an overflow with few rows
    or none, and the two rows of a part's own answer may show no value to
    split by where its parent's answer showed several. Where this second
    showed no rows yet, the latest rows seen (from neighbouring windows)
    stand in as the sample. ``expected_rows`` (the second's rows as counts or
    a measured sample have it, if known) lets the first split pack the second
    into as few parts as it takes; a part that overflows anyway is halved.
    Its requests are its parts' and ``made``, those the caller has not counted
    yet (the one that got ``answer``, say).
    """
    done = CompletedWindow(second, second, [], requests=made)
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
        seen_here = remember(known.rows, seen_here, limits)
        here = _admitted(part, seen_here, dimensions)
        parts = split_partition(
            part,
            here or sample,
            dimensions,
            expected_rows=expected_rows,
            part_rows=limits.max_rows - 1,  # a full answer counts as overflowing
        )
        expected_rows = None  # known for the whole second only
        asked = done.requests - made  # parts requested so far
        budget_left = limits.max_parts_per_second - 1 - asked - len(pending)
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
    part_rows: float,
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
    if not rows or (expected_rows is not None and expected_rows <= part_rows):
        expected_rows = None  # nothing to pack by, or it fits one part
    for dimension in dimensions:
        parts = _split_by(
            dimension,
            partition,
            rows,
            dimensions,
            expected_rows=expected_rows,
            part_rows=part_rows,
        )
        if parts is not None:
            return parts
    return None


def _split_by(
    dimension: Dimension,
    partition: Partition,
    rows: Sequence[Row],
    dimensions: Sequence[Dimension],
    *,
    expected_rows: float | None,
    part_rows: float,
) -> list[Partition] | None:
    """Parts of ``partition`` by ``dimension``'s values; None if it cannot split.

    A dimension cannot split a partition already down to one of its values,
    nor one it does not filter where the sample shows none of its values or
    another dimension's values are already excluded. With ``expected_rows``
    (more than ``part_rows``) values are packed into parts, else halved.
    """
    key = dimension.resource_type
    included = partition.included(key)
    if included is not None and len(included) == 1:
        return None  # exhausted: split the next dimension within this value
    rows_of = _rows_by_value(dimension, partition, rows)
    if included is None and (
        not rows_of or any(k != key for k, _ in partition.exclusions)
    ):
        return None
    values = sorted(rows_of if included is None else included - partition.excluded(key))
    if expected_rows is not None:
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
    return _halves(partition, key, _heavier_half(values, counts))


def _rows_by_value(
    dimension: Dimension, partition: Partition, rows: Sequence[Row]
) -> dict[str, list[Row]]:
    """The sampled ``rows`` by their value of ``dimension``, less excluded values."""
    excluded = partition.excluded(dimension.resource_type)
    rows_of: dict[str, list[Row]] = {}
    for row in rows:
        value = dimension.value_of(row)
        if value is not None and value not in excluded:
            rows_of.setdefault(value, []).append(row)
    return rows_of


def _halves(partition: Partition, key: str, first: frozenset[str]) -> list[Partition]:
    """``partition`` split into ``first`` of ``key``'s values and the others."""
    included = partition.included(key)
    if included is None:
        return [partition.restrict(key, first), partition.exclude(key, first)]
    halves = [partition.restrict(key, first), partition.restrict(key, included - first)]
    return [p for p in halves if p.included(key)]


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
