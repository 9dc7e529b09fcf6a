"""Tests of planning whole days from known counts, against an in-memory API."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tap_everflow.packing import (
    DAY,
    NO_VALUE,
    PACKED_FILL,
    DayCounts,
    pack_days,
    read_chunk,
)
from tap_everflow.report_counts import ReportShapeError, report_counts
from tap_everflow.traffic import Limits
from tap_everflow.windowing import Partition, Slice
from tests.test_windowing import TIME_OF, FakeApi, Row

START = 1_790_000_000 // DAY * DAY
LIMITS = Limits(max_rows=100, fill=0.95)


def day_counts(rows: list[Row], days: int) -> list[DayCounts]:
    """What the aggregated report says: rows per day and affiliate."""
    counts = [Counter() for _ in range(days)]
    for row in rows:
        counts[(row.ts - START) // DAY][row.affiliate or NO_VALUE] += 1
    return [
        DayCounts(START + n * DAY, START + (n + 1) * DAY - 1, counts[n])
        for n in range(days)
    ]


def covers(part: Slice, ts: int, affiliate: str) -> bool:
    if not part.start <= ts <= part.end:
        return False
    allowed = part.partition.included("affiliate")
    if allowed is not None and affiliate not in allowed:
        return False
    return affiliate == NO_VALUE or affiliate not in part.partition.excluded(
        "affiliate"
    )


@st.composite
def days_of_traffic(draw: st.DrawFn) -> tuple[list[Row], int]:
    days = draw(st.integers(1, 30))
    rng = random.Random(draw(st.integers(0, 2**32)))
    affiliates = [str(i) for i in range(1, draw(st.integers(1, 12)) + 1)]
    weights = [rng.paretovariate(1.2) for _ in affiliates]
    rows = []
    for _ in range(draw(st.integers(0, 3_000))):
        ts = START + rng.randrange(days * DAY)
        affiliate = rng.choices(affiliates, weights)[0]
        rows.append(Row(len(rows), ts, "1", affiliate))
    for _ in range(draw(st.integers(0, 20))):  # rows without an affiliate
        rows.append(Row(len(rows), START + rng.randrange(days * DAY), "1", ""))
    return rows, days


@given(days_of_traffic())
@settings(max_examples=150, deadline=None)
def test_chunks_cover_every_row_once_in_requests_that_fit(case):
    rows, days = case
    chunks = pack_days(
        day_counts(rows, days),
        root=Partition(),
        resource_type="affiliate",
        limits=LIMITS,
    )
    assert chunks[0].start == START
    assert chunks[-1].end == START + days * DAY - 1
    for before, after in itertools.pairwise(chunks):
        assert after.start == before.end + 1
    for chunk in chunks:
        assert chunk.end - chunk.start < 14 * DAY
        capacity = LIMITS.max_rows * PACKED_FILL
        for part, expected in zip(chunk.slices, chunk.expected, strict=True):
            assert chunk.start <= part.start
            assert part.end <= chunk.end
            inside = [r for r in rows if covers(part, r.ts, r.affiliate)]
            assert len(inside) == expected
            # Only one affiliate's single day may hold more than a request.
            if expected > capacity:
                assert part.end - part.start == DAY - 1
                assert part.partition.included("affiliate") is not None
    # Every row, and an affiliate the report did not list, in exactly one slice.
    slices = [part for chunk in chunks for part in chunk.slices]
    for row in [*rows, Row(-1, START, "1", "unlisted")]:
        assert sum(covers(part, row.ts, row.affiliate) for part in slices) == 1


def test_requests_are_packed_close_to_the_lower_bound():
    """Burst hours at 20 times the background, about two a day (as the benchmark)."""
    rng = random.Random(3)
    days, limits = 14, Limits(max_rows=1_000)
    hours = rng.sample(range(days * 24), 28)
    rows = [
        Row(n, START + rng.randrange(days * DAY), "1", str(rng.randrange(30)))
        for n in range(40_000)
    ]
    rows += [
        Row(n, START + rng.choice(hours) * 3600 + rng.randrange(3600), "1", str(n % 30))
        for n in range(40_000, 100_000)
    ]
    chunks = pack_days(
        day_counts(rows, days),
        root=Partition(),
        resource_type="affiliate",
        limits=limits,
    )
    requests = sum(len(chunk.slices) for chunk in chunks)
    assert requests <= 1.15 * math.ceil(len(rows) / limits.max_rows)


def test_a_user_exclusion_of_another_type_leaves_the_days_to_the_walk():
    rows = [Row(0, START, "1", "7")]
    root = Partition.from_query(
        exclusions=[{"resource_type": "offer", "filter_id_value": "2"}]
    )
    assert not pack_days(day_counts(rows, 1), root=root, resource_type="affiliate")


def test_a_user_filter_is_kept_in_every_request():
    rows = [Row(n, START + n, "1", str(n % 3)) for n in range(300)]
    root = Partition.from_query(
        filters=[{"resource_type": "offer", "filter_id_value": "1"}]
    )
    (chunk,) = pack_days(
        day_counts(rows, 1), root=root, resource_type="affiliate", limits=LIMITS
    )
    assert all(part.partition.included("offer") == {"1"} for part in chunk.slices)


def test_values_the_user_leaves_out_are_never_asked_for():
    """Even when the report lists them (a report that ignored the query)."""
    counts = day_counts([Row(n, START + n, "1", str(n % 6)) for n in range(600)], 1)
    every = ["0", "1", "2", "3", "4", "5", "unlisted", NO_VALUE]
    only_1_2 = [{"resource_type": "affiliate", "filter_id_value": v} for v in "12"]
    not_5 = [{"resource_type": "affiliate", "filter_id_value": "5"}]
    for root, allowed in [
        (Partition.from_query(filters=only_1_2), {"1", "2"}),
        (Partition.from_query(exclusions=not_5), set(every) - {"5"}),
    ]:
        (chunk,) = pack_days(
            counts, root=root, resource_type="affiliate", limits=LIMITS
        )
        for value in every:
            hits = sum(covers(part, START, value) for part in chunk.slices)
            assert hits == (value in allowed), (root, value)


@given(days_of_traffic(), st.floats(0.5, 1.5), st.integers(0, 2**32))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_reading_chunks_gets_every_row_even_when_the_counts_are_wrong(
    case, error, seed
):
    """Counts off by up to 50% either way: overflowing slices are walked."""
    rows, days = case
    rng = random.Random(seed)
    counts = [
        DayCounts(
            day.start,
            day.end,
            {
                key: round(n * error * rng.uniform(0.9, 1.1))
                for key, n in day.rows.items()
            },
        )
        for day in day_counts(rows, days)
    ]
    limits = Limits(max_rows=100, fill=0.95)
    api = FakeApi(rows, limits, modes=("exact", "flag_partial"), seed=seed)
    announced = []
    chunks = pack_days(
        counts, root=Partition(), resource_type="affiliate", limits=limits
    )
    got = []
    for chunk in chunks:
        windows = list(
            read_chunk(
                chunk,
                api.fetch,
                limits=limits,
                prefetch=announced.append,
                time_of=TIME_OF,
            )
        )
        assert [w.complete_through for w in windows] == [
            *(chunk.start - 1 for _ in windows[1:]),
            chunk.end,
        ]
        for window in windows:
            assert all(
                covers(
                    Slice(window.start, window.end, window.partition), r.ts, r.affiliate
                )
                for r in window.rows
            )
            got += window.rows
        assert set(chunk.slices) <= set(announced)
    assert sorted(r.id for r in got) == sorted(r.id for r in rows)


def table_row(day, affiliate, **reporting):
    columns = [{"column_type": "date", "id": day, "label": day}]
    if affiliate is not None:
        columns.append({"column_type": "affiliate", "id": affiliate, "label": "x"})
    return {"columns": columns, "reporting": reporting}


def test_report_counts_read_proto3_zeros_and_rows_without_an_affiliate():
    payload = {
        "table": [
            table_row("2026-11-01", "7", imp=120, total_click=3),
            table_row("2026-11-01", "", imp=4),
            table_row("2026-11-01", None, imp=1),
            table_row("2026-11-02", 0, imp=2),
            table_row("2026-11-02", "8"),  # imp omitted: zero
        ]
    }
    assert report_counts(payload, "imp", "affiliate") == {
        "2026-11-01": {"7": 120, NO_VALUE: 5},
        "2026-11-02": {NO_VALUE: 2, "8": 0},
    }
    assert report_counts({}, "imp", "affiliate") == {}  # proto3: no rows at all


def test_a_report_at_its_cap_gives_no_counts():
    flagged = {
        "table": [table_row("2026-11-01", "7", imp=1)],
        "incomplete_results": True,
    }
    assert report_counts(flagged, "imp", "affiliate") is None
    full = {"table": [table_row("2026-11-01", str(n), imp=1) for n in range(10_000)]}
    assert report_counts(full, "imp", "affiliate") is None


@pytest.mark.parametrize(
    "payload",
    [
        [],
        {"table": {"rows": []}},
        {"table": [{"columns": [], "reporting": {"imp": 3}}]},
        {"table": [table_row("2026-11-01", "7", imp="many")]},
        {"table": [table_row("2026-11-01", "7", imp=-1)]},
        {"table": [{**table_row("2026-11-01", "7"), "reporting": [3]}]},
    ],
)
def test_a_report_in_another_shape_is_refused(payload):
    with pytest.raises(ReportShapeError):
        report_counts(payload, "imp", "affiliate")
