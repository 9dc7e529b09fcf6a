"""Property tests of planning from counts: counts are hints, rows are the truth."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.simulator.overflow import OVERFLOW_SUBSETS
from tap_everflow.planning.counts import (
    NO_VALUE,
    Bucket,
    CountsUnavailable,
    bucket_start,
    buckets_of,
    read_counts,
)
from tap_everflow.planning.limits import Limits
from tap_everflow.planning.planner import (
    MAX_SPLITS,
    Plan,
    PlannedWindow,
    pack,
    pieces,
    plan,
    read,
    split_by_counts,
)
from tap_everflow.planning.shape import Shape
from tap_everflow.planning.slices import Partition, Slice
from tests.test_walk import (
    DIMENSIONS,
    PROPERTY_SETTINGS,
    TIME_OF,
    FakeApi,
    Row,
    _cells_fit,
    _check_announced,
    _check_windows,
    traffic,
)


@st.composite
def buckets(draw: st.DrawFn) -> tuple[list[Bucket], int, int]:
    seconds = draw(st.sampled_from([1, 7, 900]))
    count = draw(st.integers(1, 60))
    rows = draw(st.lists(st.integers(0, 40), min_size=count, max_size=count))
    first = 1_790_000_000 - 1_790_000_000 % seconds
    # Ranges that start and end inside a bucket, as the tap's do.
    start = first + draw(st.integers(0, seconds - 1))
    end = max(start, first + count * seconds - 1 - draw(st.integers(0, seconds - 1)))
    counts = {first + i * seconds: n for i, n in enumerate(rows)}
    return buckets_of(counts, seconds, start, end), start, end


@PROPERTY_SETTINGS
@given(data=buckets(), capacity=st.integers(1, 50), max_span=st.integers(1, 5_000))
def test_packed_windows_tile_the_range_and_hold_what_was_counted(
    data, capacity, max_span
):
    tiles, start, end = data
    windows = pack(tiles, capacity=capacity, max_span=max_span)
    assert windows[0].start == start
    assert windows[-1].end == end
    for before, after in itertools.pairwise(windows):
        assert after.start == before.end + 1
    hot = [b for b in tiles if b.rows > capacity]
    for window in windows:
        assert window.end - window.start + 1 <= max_span
        # Over capacity only as (a piece of) a bucket that alone is.
        assert window.rows <= capacity + 1e-6 or any(
            b.start <= window.start and window.end <= b.end for b in hot
        )
    assert sum(w.rows for w in windows) == pytest.approx(sum(b.rows for b in tiles))


def test_even_counts_are_packed_into_the_fewest_windows():
    tiles = [Bucket(i * 900, i * 900 + 899, 350) for i in range(1_344)]  # 14 days
    windows = pack(tiles, capacity=9_500, max_span=14 * 86_400)
    assert len(windows) == -(-350 * 1_344 // 9_500)


def test_a_bucket_far_denser_than_a_neighbour_is_not_cut():
    """Its rows may be anywhere in it (a burst's edge, a busy second): kept whole.

    Cut where an even spread says one answer ends, a window held the burst
    and overflowed, and the next came back nearly empty.
    """
    rates = [3_000, 3_000, 6_000, 3_000, 3_000]  # rows per 15 minutes
    tiles = [Bucket(i * 900, i * 900 + 899, rows) for i, rows in enumerate(rates)]
    windows = pack(tiles, capacity=9_700, max_span=14 * 86_400)
    dense = tiles[2]
    assert not any(dense.start <= w.end < dense.end for w in windows)
    # One window more than cutting it would plan, for none that overflows.
    assert len(windows) == 3


def _bursts_planned(
    bursts: int, *, sampled: bool = False
) -> tuple[Plan, list[PlannedWindow]]:
    """A plan of quiet quarter hours with ``bursts`` of 15,000 rows among them.

    ``sampled``: the range's first answer a sample of it (1 row in 100, even).
    """
    rates = [3_000, 3_000] + [15_000, 3_000, 3_000] * bursts
    tiles = [Bucket(i * 900, i * 900 + 899, rows) for i, rows in enumerate(rates)]
    asked: list[PlannedWindow] = []

    def by_value(hot: list[PlannedWindow]) -> dict[PlannedWindow, dict[str, int]]:
        asked.extend(hot)
        return {window: {"7": 8_000, "9": 7_000} for window in hot}

    planned = plan(
        tiles,
        root=Partition(),
        capacity=9_700,
        max_span=14 * 86_400,
        by_value=by_value,
        resource_type="affiliate",
        sampled=[
            tile.start + k * 900 // (tile.rows // 100)
            for tile in tiles
            for k in range(tile.rows // 100 if sampled else 0)
        ],
    )
    return planned, asked


def test_a_burst_over_a_window_is_read_alone_in_parts_by_value():
    """Where in its quarter hour a burst's rows lie is unknown: its counts split it.

    Cut in time where an even spread says, each part of it overflowed
    whenever the burst did not fill its quarter hour evenly.
    """
    planned, asked = _bursts_planned(2)
    burst = [(w, parts) for w, parts in planned if w.rows == 15_000]
    assert [w.end - w.start + 1 for w, _ in burst] == [900, 900]
    assert asked == [w for w, _ in burst]
    for window, parts in burst:  # the two affiliates apart, each within a window
        assert len(parts) == 2
        assert {(p.start, p.end) for p in parts} == {(window.start, window.end)}


def test_a_burst_a_sample_shows_is_cut_in_time():
    """Where the first answer was a sample, it showed how the burst is spread."""
    planned, asked = _bursts_planned(2, sampled=True)
    assert asked == []
    assert all(window.fits(9_700) for window, _ in planned)


def test_as_many_bursts_as_reports_are_each_read_by_value():
    planned, asked = _bursts_planned(MAX_SPLITS)
    assert len(asked) == MAX_SPLITS
    assert all(len(parts) == 2 for window, parts in planned if window in asked)


def test_more_bursts_than_reports_are_cut_in_time():
    """Each burst's counts by value cost a report: past MAX_SPLITS, none is asked."""
    planned, asked = _bursts_planned(MAX_SPLITS + 1)
    assert asked == []
    assert all(window.fits(9_700) for window, _ in planned)
    assert all(len(parts) == 1 for _, parts in planned)


@PROPERTY_SETTINGS
@given(
    seed=st.integers(0, 10_000),
    root_kind=st.sampled_from(["all", "filter", "exclusion", "other_exclusion"]),
    noise=st.floats(0, 2),
    capacity=st.integers(1, 40),
)
def test_parts_by_counts_cover_the_partition_exactly_once(
    seed, root_kind, noise, capacity
):
    rng = random.Random(seed)
    values = [str(i) for i in range(1, rng.randint(1, 12))]
    rows = [rng.choice([*values, None]) for _ in range(rng.randint(0, 200))]
    root = {
        "all": Partition(),
        "filter": Partition().restrict("affiliate", frozenset(values[::2])),
        "exclusion": Partition().exclude("affiliate", frozenset(values[:1])),
        "other_exclusion": Partition().exclude("offer", frozenset({"9"})),
    }[root_kind]
    # Counts off by up to ``noise`` either way, some values not listed at all.
    counts = {
        (value or NO_VALUE): round(n * rng.uniform(max(0, 1 - noise), 1 + noise))
        for value, n in Counter(rows).items()
        if rng.random() < 0.8
    }
    parts = split_by_counts(root, "affiliate", counts, capacity=capacity)
    if root_kind == "other_exclusion":
        assert parts is None  # two exclusion types would be undefined
        return
    if parts is None:
        return  # nothing to split: the window is read whole and walked
    api = FakeApi([], Limits(), modes=("exact",), seed=0)
    for value in rows:
        row = Row(0, 0, "1", value)
        in_root = api.matches(row, root)
        hits = [part for part, _ in parts if api.matches(row, part)]
        assert len(hits) == (1 if in_root else 0)
    for part, _ in parts:
        assert len(part.exclusions) <= 1


def _distort(counts: Counter, how: str, rng: random.Random, cap: int) -> Counter:
    """Counts as a server might give them: exact, noisy, missing, inflated."""
    if how == "exact":
        return counts
    distorted = Counter()
    for key, n in counts.items():
        if how == "noisy":
            distorted[key] = max(0, round(n * rng.uniform(0.5, 1.5)))
        elif how == "missing" and rng.random() < 0.3:
            continue
        elif how == "over_cap" and rng.random() < 0.2:
            distorted[key] = n + 3 * cap
        else:
            distorted[key] = n
    return distorted


@PROPERTY_SETTINGS
@given(
    data=traffic(),
    how=st.sampled_from(["exact", "noisy", "missing", "over_cap"]),
    seconds=st.sampled_from([1, 60, 900]),
    seed=st.integers(0, 1_000),
    modes=st.sampled_from([("exact",), ("exact_flagged",), ("flag_partial",)]),
    picked=st.sampled_from(["at random", "earliest", "none"]),
    subset=st.sampled_from(OVERFLOW_SUBSETS),
)
def test_any_counts_against_any_traffic_give_exactly_the_truth(  # noqa: PLR0917
    data, how, seconds, seed, modes, picked, subset
):
    rows, start, end, limits = data
    rng = random.Random(seed)
    api = FakeApi(rows, limits, modes=modes, seed=seed, subset=subset)
    by_bucket = Counter(r.ts - r.ts % seconds for r in rows)
    by_value = Counter((r.ts - r.ts % seconds, r.affiliate) for r in rows)
    counted = _distort(by_bucket, how, rng, limits.max_rows)
    valued = _distort(by_value, how, rng, limits.max_rows)
    capacity = max(1, limits.max_rows - 1)
    cap = limits.max_rows

    def hot_counts(hot):
        return {
            w: {
                value: n
                for (at, value), n in valued.items()
                if w.start - seconds < at <= w.end
            }
            for w in hot
        }

    planned = plan(
        buckets_of(counted, seconds, start, end),
        root=Partition(),
        capacity=capacity,
        max_span=limits.max_span,
        by_value=hot_counts,
        resource_type="affiliate",
        # The rows an overflowing first answer returned: which ones is the server's
        # choice.
        sampled={
            "at random": [r.ts for r in rng.sample(rows, min(len(rows), cap))],
            "earliest": sorted(r.ts for r in rows)[:cap],
            "none": [],
        }[picked],
    )
    announced: list[Slice] = []
    windows = list(
        read(
            planned,
            api.fetch,
            capacity=capacity,
            dimensions=DIMENSIONS,
            limits=limits,
            time_of=TIME_OF,
            prefetch=announced.append,
        )
    )
    _check_announced(announced, api.slices)
    _check_windows(windows, start, end, limits)
    got = [r.id for w in windows for r in w.rows]
    assert len(got) == len(set(got))
    if _cells_fit(rows, limits) and modes != ("flag_partial",):
        assert sorted(got) == sorted(r.id for r in rows)
    else:  # a row missing is a second reported short, never silently lost
        short = {s.second for w in windows for s in w.shortfalls}
        assert {r.ts for r in rows if r.id not in set(got)} <= short


@pytest.mark.parametrize(
    ("text", "seconds", "epoch"),
    [
        ("2026-11-01 00:15:00", 900, 1_793_492_100),
        ("1793492100", 900, 1_793_492_100),
        ("2026-11-01 13:00:00", 3_600, 1_793_538_000),
        ("2026-11-01", 86_400, 1_793_491_200),
        ("1793491200", 86_400, 1_793_491_200),
    ],
)
def test_time_ids_are_read_in_each_format_the_contract_allows(text, seconds, epoch):
    assert bucket_start(text, seconds) == epoch


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("2026-11-01 00:07:00", 900), ("Nov 1", 900), ("", 3_600), (None, 86_400)],
)
def test_other_time_ids_make_the_counts_unavailable(text, seconds):
    with pytest.raises(CountsUnavailable):
        bucket_start(text, seconds)


def test_a_capped_or_foreign_table_gives_no_counts():
    capped = {"table": [], "incomplete_results": True}
    assert read_counts(capped, "imp", "hour") is None
    for foreign in ([], {"table": {}}, {"table": [5]}):
        with pytest.raises(CountsUnavailable):
            read_counts(foreign, "imp", "hour")
    row = {"columns": [{"column_type": "hour", "id": "1793538000"}]}
    assert read_counts({"table": [row]}, "imp", "hour") == {1_793_538_000: 0}
    bad = {"table": [{**row, "reporting": {"imp": "many"}}]}
    with pytest.raises(CountsUnavailable):
        read_counts(bad, "imp", "hour")


@PROPERTY_SETTINGS
@given(
    start=st.integers(0, 1_000),
    seconds=st.integers(1, 5_000),
    times=st.lists(st.integers(0, 6_000), max_size=60),
    parts=st.integers(2, 9),
    busy=st.integers(0, 6_000),
)
def test_an_overflowing_part_is_tiled_in_shorter_slices(
    start, seconds, times, parts, busy
):
    window = Slice(start, start + seconds - 1)
    if seconds == 1:
        return  # a second is split by dimension, not cut
    inside = sorted(start + t % seconds for t in times)
    shape = Shape.read(window.start, window.end, inside)
    alone = start + busy % seconds
    for nested, spike in itertools.product((False, True), (None, alone)):
        slices = pieces(
            window, shape, capacity=10, rows=10 * parts, nested=nested, alone=spike
        )
        if spike is not None:  # a busy second is a slice of its own
            assert Slice(spike, spike) in slices
        assert len(slices) >= 2
        assert slices[0].start == window.start
        assert slices[-1].end == window.end
        for before, after in itertools.pairwise(slices):
            assert after.start == before.end + 1
        assert all(s.start <= s.end for s in slices)
        if nested or shape is None:
            assert slices[0].seconds <= (window.seconds + 1) // 2


@pytest.mark.parametrize("subset", ["oldest", "newest", "by-offer"])
def test_a_busy_second_the_plan_did_not_foresee_is_read_alone(
    subset,
):
    """A 15,000-row second hidden in an evenly counted bucket (no sample
    showed it to the plan) is a slice of its own once an answer shows it busy,
    whichever rows the server kept, and every row comes back once."""
    rng = random.Random(5)
    start, end, busy = 0, 2 * 3_600 - 1, 4_321
    rows = [
        Row(i, rng.randrange(start, end + 1), str(i % 20), str(i % 30))
        for i in range(6_000)
    ]
    rows += [Row(len(rows) + i, busy, str(i % 20), str(i % 30)) for i in range(15_000)]
    limits = Limits()
    api = FakeApi(rows, limits, modes=("exact",), seed=1, subset=subset)
    counted = Counter(r.ts // 900 * 900 for r in rows)
    planned = plan(
        buckets_of(counted, 900, start, end),
        root=Partition(),
        capacity=9_700,
        max_span=limits.max_span,
        by_value=lambda _hot: {},
        resource_type="affiliate",
    )
    windows = list(
        read(
            planned,
            api.fetch,
            capacity=9_700,
            dimensions=DIMENSIONS,
            limits=limits,
            time_of=TIME_OF,
        )
    )
    assert sorted(r.id for w in windows for r in w.rows) == [r.id for r in rows]
    assert Slice(busy, busy) in api.slices
