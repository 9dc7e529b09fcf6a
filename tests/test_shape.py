"""Property tests of what overflowing answers and earlier days tell (pure)."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tap_everflow.planning.limits import DAY
from tap_everflow.planning.season import QUARTER, Season
from tap_everflow.planning.shape import MIN_ROWS, Shape, cut_end
from tests.test_walk import PROPERTY_SETTINGS

START = 1_790_000_000 - 1_790_000_000 % DAY


@st.composite
def answers(draw: st.DrawFn) -> tuple[int, int, list[int]]:
    """A window and the times of the rows an overflowing answer returned."""
    seconds = draw(st.integers(2, 200_000))
    start = START + draw(st.integers(0, DAY))
    end = start + seconds - 1
    rng = random.Random(draw(st.integers(0, 2**32)))
    kind = draw(st.sampled_from(["spread", "prefix", "suffix", "pieces", "spike"]))
    count = draw(st.integers(0, 3_000))
    if kind == "spread":
        times = [rng.randint(start, end) for _ in range(count)]
    elif kind == "prefix":
        times = [rng.randint(start, start + seconds // 5) for _ in range(count)]
    elif kind == "suffix":
        times = [rng.randint(end - seconds // 5, end) for _ in range(count)]
    elif kind == "pieces":
        hours = [rng.randint(start, end) for _ in range(3)]
        times = [min(end, rng.choice(hours) + rng.randrange(600)) for _ in range(count)]
    else:
        times = [rng.randint(start, end) for _ in range(count // 2)]
        times += [rng.randint(start, end)] * (count - len(times))
    return start, end, times


@PROPERTY_SETTINGS
@given(answer=answers(), known=st.booleans())
def test_a_shape_holds_every_returned_row_and_adds_up(answer, known):
    start, end, times = answer
    shape = Shape.read(
        start, end, times, lambda a, b: (b - a + 1) / 7 if known else None
    )
    if shape is None:
        assert len(times) < MIN_ROWS
        return
    assert shape.total >= len(times) - 1e-6  # every returned row is a real one
    middle = start + (end - start) // 2
    assert (
        abs(shape.mass(start, middle) + shape.mass(middle + 1, end) - shape.total)
        < 1e-6
    )
    for mass in (0, 1, 10, len(times) / 3, shape.total):
        at = shape.end_at(start, mass)
        assert start <= at <= end
        assert at == start or shape.mass(start, at) <= mass + 1e-6


@PROPERTY_SETTINGS
@given(answer=answers(), fits=st.integers(10, 2_000), nested=st.booleans())
def test_a_cut_leaves_a_shorter_first_part(answer, fits, nested):
    start, end, times = answer
    shape = Shape.read(start, end, times)
    cut = cut_end(start, end, shape, fits=fits, guessed=2 * fits, at_most_half=nested)
    assert start <= cut < end
    busiest = shape.busiest() if shape else (0, 0)
    if (shape is None or nested) and busiest[1] < fits / 4:
        assert cut <= start + (end - start) // 2


def test_a_second_returned_with_many_rows_is_a_part_alone():
    start, end = START, START + 3_599
    times = [start + i for i in range(0, 3_600, 10)] + [start + 1_800] * 5_000
    shape = Shape.read(start, end, times)
    assert cut_end(start, end, shape, fits=9_000, guessed=20_000) == start + 1_799
    assert (
        cut_end(start + 1_800, end, shape, fits=9_000, guessed=20_000) == start + 1_800
    )


def test_a_prefix_is_cut_where_its_rows_reach_one_answer():
    """A server keeping the oldest 10,000 rows showed all rows of their stretch."""
    start, end = START, START + 86_399
    times = sorted(start + i % 8_640 for i in range(10_000))  # a tenth of the day
    shape = Shape.read(start, end, times)
    assert shape is not None
    assert not shape.spread
    cut = cut_end(start, end, shape, fits=9_000, guessed=13_000)
    held = sum(start <= t <= cut for t in times)
    assert 8_000 <= held <= 9_000


def test_counts_bound_what_a_sample_is_taken_to_stand_for():
    """A sample's rows stand for the rows expected where they are, up to the counts.

    100 rows spread over an hour where 300 were expected: 300, unless the
    counts say the hour holds fewer (then those), never fewer than the rows
    returned, and never less than the caller's guess.
    """
    start, end = START, START + 3_599
    times = [start + 36 * i for i in range(100)]
    expected = lambda a, b: 3 * len([x for x in times if a <= x <= b])  # noqa: E731
    near = lambda rows: pytest.approx(rows, rel=0.01)  # noqa: E731 - an end bin
    assert Shape.read(start, end, times, expected).rows(50) == near(300)
    assert Shape.read(start, end, times, expected, ceiling=200).rows(50) == 200
    assert Shape.read(start, end, times, expected, ceiling=40).rows(50) == near(100)
    assert Shape.read(start, end, times, expected, ceiling=200).rows(500) == 500


def _day(rng: random.Random, day: int, burst: bool) -> list[int]:
    """A day's row times: a daily cycle, and with ``burst`` an hour 20 times busier."""
    times = []
    for quarter in range(96):
        rows = 40 + 30 * (quarter >= 48)
        if burst and 40 <= quarter < 44:
            rows *= 20
        first = START + day * DAY + quarter * QUARTER
        times += sorted(rng.randrange(first, first + QUARTER) for _ in range(rows))
    return sorted(times)


def test_days_before_forecast_a_day_and_a_one_off_burst_is_not_expected():
    rng = random.Random(3)
    season = Season()
    for day in range(3):
        times = _day(rng, day, burst=day == 2)  # yesterday
        season.add(START + day * DAY, START + (day + 1) * DAY - 1, times)
    today = _day(rng, 3, burst=False)
    at = START + 3 * DAY
    windows = []
    while (end := season.window_end(at, START + 4 * DAY - 1, 900)) is not None:
        windows.append((at, end))
        held = [t for t in today if at <= t <= end]
        season.add(at, end, held)
        if end == START + 4 * DAY - 1:
            break
        at = end + 1
    for first, last in windows[:-1]:
        held = sum(first <= t <= last for t in today)
        assert 800 <= held <= 1_000, (first - START - 3 * DAY, held)
    assert list(itertools.pairwise(w[0] for w in windows))  # several windows


def test_nothing_is_forecast_before_a_day_is_known():
    season = Season()
    season.add(START, START + 3_600, [START + 5] * 10)
    assert season.window_end(START + 3_601, START + 7_200, 100) is None
    assert not season.known
