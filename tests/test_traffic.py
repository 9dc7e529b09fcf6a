"""Unit and property tests of the pure traffic estimate that sizes windows."""

from __future__ import annotations

import itertools
import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tap_everflow.traffic import (
    NOISE_Z,
    Density,
    Limits,
    TrafficEstimate,
    TrafficSample,
    blocks_of,
    next_span,
    sample_points,
)

START = 1_790_000_000
DAY = 86_400


@pytest.mark.parametrize(
    ("seconds", "rows", "expected"),
    [(100, 0, 400), (100, 9_300, 100), (100, 18_600, 50), (100, 100, 400)],
)
def test_next_span_tracks_density(seconds, rows, expected):
    assert next_span(seconds, rows, Limits()) == expected


def test_next_span_never_exceeds_fourteen_days():
    assert next_span(10 * DAY, 0, Limits()) == 14 * DAY


def test_steady_window_has_a_flat_density():
    rng = random.Random(1)
    times = [rng.randint(START, START + 9_999) for _ in range(5_000)]
    density = Density.of(START, START + 9_999, 5_000, times)
    assert density.slope == 0
    assert density.rate == pytest.approx(0.5)
    assert density.rows(START + 10_000, START + 19_999) == pytest.approx(5_000)


def test_rising_traffic_is_extrapolated():
    """Rows whose rate grows linearly: the next window is expected denser."""
    rng = random.Random(2)
    # Density proportional to (t - START + 1000): sample by inverse transform.
    times = [
        START + int(1_000 * (math.sqrt(1 + rng.random() * 120) - 1))
        for _ in range(6_000)
    ]
    end = START + 9_999
    density = Density.of(START, end, 6_000, times)
    assert density.slope > 0
    assert density.rate > 6_000 / 10_000 * 1.3  # above the window's average
    assert density.rows(end + 1, end + 10_000) > 6_000 * 1.3


def test_falling_trend_stops_at_a_floor():
    density = Density(START, rate=1.0, slope=-0.01, horizon=10_000)
    late = density.rows(START + 5_000, START + 5_999)
    assert late == pytest.approx(250)  # a quarter of the rate, not zero


@given(
    rate=st.floats(0.001, 50),
    slope=st.floats(-0.01, 0.01),
    horizon=st.integers(0, 100_000),
    offset=st.integers(0, 50_000),
    rows=st.floats(1, 20_000),
    length=st.integers(1, 200_000),
)
def test_end_for_is_the_longest_window_under_the_rows(  # noqa: PLR0917
    rate, slope, horizon, offset, rows, length
):
    density = Density(START, rate, slope, horizon)
    start = START + offset
    last = start + length - 1
    end = density.end_for(start, rows, last)
    assert start <= end <= last
    assert end == start or density.rows(start, end) <= rows + 1e-6
    assert end == last or density.rows(start, end + 1) > rows - 1e-6


@given(
    ratio=st.floats(1.0, 500.0),
    rows=st.floats(1, 10_000),
    error=st.sampled_from([0.0, 0.01, 0.1, 0.5]),
)
def test_sample_points_keep_a_noise_margin(ratio, rows, error):
    def deviations_high(k: int) -> float:
        return ratio * (k + NOISE_Z * math.sqrt(k + (error * k) ** 2))

    k = sample_points(rows, ratio, error)
    assert k == 0 or deviations_high(k) <= rows + 1e-6
    assert deviations_high(k + 1) > rows - 1e-6
    assert k <= sample_points(rows, ratio)  # an unsure ratio only shrinks it


def test_a_ratio_from_few_rows_does_not_fake_a_change():
    """A ratio learned from 50 sampled rows is off by ~14%, all along the way.

    Here it is 20% low, as after a first small window: the sample seems to
    hold a fifth more than the density says everywhere, which is no change.
    """
    end = START + 14 * DAY - 1
    density = Density(START, rate=250_000 / (14 * DAY))
    rng = random.Random(5)
    times = [rng.randint(START, end) for _ in range(10_000)]
    sample = TrafficSample(START, end, times)
    sample.known_rows, sample.known_points = 20 * 50, 50  # the truth: 25 per row
    windows = range(START, START + 13 * DAY, 45_000)  # ~370 sampled rows each
    alarms = sum(sample.change(w, w + 44_999, density) is not None for w in windows)
    assert alarms <= len(windows) // 4  # as often as on steady traffic
    sample.known_rows, sample.known_points = 20 * 5_000, 5_000  # as sure as wrong
    alarms = sum(sample.change(w, w + 44_999, density) is not None for w in windows)
    assert alarms >= len(windows) // 2


def _calibrated_sample(times: list[int], start: int, end: int, ratio: float):
    sample = TrafficSample(start, end, times)
    sample.known_rows, sample.known_points = int(ratio * 1_000), 1_000
    return sample


def test_steady_sample_rarely_shows_a_change():
    """False alarms on steady traffic stay rare (each costs some fill)."""
    end = START + 14 * DAY - 1
    density = Density(START, rate=10_000 * 100 / (14 * DAY))
    alarms = tests = 0
    for seed in range(10):
        rng = random.Random(seed)
        times = [rng.randint(START, end) for _ in range(10_000)]
        sample = _calibrated_sample(times, START, end, 100.0)
        for first in range(START, START + 13 * DAY, 11_250):  # ~93 sampled rows
            tests += 1
            alarms += sample.change(first, first + 11_249, density) is not None
    assert alarms / tests < 0.25


def test_burst_is_found_where_it_starts():
    rng = random.Random(4)
    end = START + 14 * DAY - 1
    burst = START + 100_000
    times = [rng.randint(START, end) for _ in range(10_000)]
    times += [rng.randint(burst, burst + 3_600) for _ in range(300)]
    sample = _calibrated_sample(times, START, end, 100.0)
    density = Density(START, rate=10_000 * 100 / (14 * DAY))
    change = sample.change(burst - 20_000, burst + 20_000, density)
    assert change is not None
    # Never after the burst's first minutes: those rows are not expected.
    assert burst - 20_000 <= change <= burst + 300


def test_blocks_split_a_sample_where_its_rate_changes():
    rng = random.Random(4)
    end = START + 14 * DAY - 1
    burst = START + 100_000  # one hour at 20 times the rate
    times = [rng.randint(START, end) for _ in range(5_000)]
    times += [rng.randint(burst, burst + 3_599) for _ in range(180)]
    blocks = blocks_of(sorted(times), START, end)
    assert blocks[0].start == START
    assert blocks[-1].end == end
    assert all(a.end + 1 == b.start for a, b in itertools.pairwise(blocks))
    assert sum(block.points for block in blocks) == len(times)
    hot = max(blocks, key=lambda block: block.points / (block.end - block.start + 1))
    assert abs(hot.start - burst) <= 60
    assert abs(hot.end - (burst + 3_599)) <= 60


def test_a_sample_ignores_rows_outside_its_window():
    times = [0, START - 1, START + 10, START + 20, START + DAY]
    sample = TrafficSample(START, START + 99, times)
    assert sample.times == [START + 10, START + 20]
    assert [(b.start, b.end, b.points) for b in sample.blocks] == [
        (START, START + 99, 2)
    ]


@given(
    st.lists(st.integers(START, START + 999), max_size=300),
    st.integers(0, 20),
    st.integers(1, 20),
)
def test_blocks_tile_their_window(times, spike_rows, spike_at):
    """Blocks cover the window once, in order, holding every sampled row."""
    times = sorted([*times, *[START + spike_at] * spike_rows])
    blocks = blocks_of(times, START, START + 999)
    assert blocks[0].start == START
    assert blocks[-1].end == START + 999
    assert all(a.end + 1 == b.start for a, b in itertools.pairwise(blocks))
    assert all(b.points == sum(b.start <= x <= b.end for x in times) for b in blocks)


@pytest.mark.parametrize("second", [START, START + 500, START + 999])
def test_a_lone_busy_second_is_a_block_of_its_own(second):
    """Rows all in one second, even at an edge: the quiet rest holds none."""
    blocks = blocks_of([second] * 500, START, START + 999)
    assert [(b.start, b.end, b.points) for b in blocks if b.points] == [
        (second, second, 500)
    ]


def test_blocks_learn_rates_from_rows_inside_the_window_and_from_empty_windows():
    """Rows whose time was missing (0) do not dilute a block; an empty window
    counts its seconds."""
    end = START + 999
    sample = _calibrated_sample(list(range(START, end + 1)), START, end, 10.0)
    (block,) = sample.blocks
    sample.calibrate(START, START + 99, 0)
    sample.calibrate(START + 100, START + 199, 300, [0] * 100 + [START + 150] * 100)
    assert (block.rows, block.seconds) == (300, 200)


@pytest.mark.parametrize("points", [100, 1_000, 10_000])
def test_steady_samples_are_rarely_split(points):
    """A false boundary costs a window some fill, never a row."""
    end = START + 14 * DAY - 1
    split = 0
    for seed in range(20):
        rng = random.Random(seed)
        times = sorted(rng.randint(START, end) for _ in range(points))
        split += len(blocks_of(times, START, end)) > 1
    assert split <= 2


def test_a_block_measured_by_complete_windows_sizes_by_its_rate():
    """One complete window tells a block's rate: the rest of it fills up.

    Sized from the block's ~1,250 sampled rows, a window keeps a margin of two
    deviations of that estimate (~8%); measured, of the ~1,700 rows counted (~5%).
    """
    rng = random.Random(6)
    end = START + DAY - 1
    burst = START + 40_000  # three hours at 20 times the rate
    sampled = [rng.randint(START, end) for _ in range(400)]
    sampled += [rng.randint(burst, burst + 10_799) for _ in range(1_200)]
    sample = _calibrated_sample(sampled, START, end, 25.0)
    rate = 25 * (1_200 / 10_800 + 400 / DAY)  # rows per second in the burst
    by_sample = sample.end_for(burst + 600, 9_300, end)
    measured = range(burst, burst + 600)  # a complete window, a row a second
    sample.calibrate(measured[0], measured[-1], round(rate * 600), list(measured))
    by_rate = sample.end_for(burst + 600, 9_300, end)
    assert by_rate <= burst + 10_799  # inside the burst's block
    assert by_sample < by_rate
    assert 0.93 < rate * (by_rate - burst - 599) / 9_300 < 1.0


def test_quantile_end_always_shrinks_the_window():
    sample = TrafficSample(START, START + 99, [START + 5] * 50 + [START + 90] * 50)
    assert sample.quantile_end(START, START + 99, 0.5) == START + 89
    assert sample.quantile_end(START + 5, START + 99, 0.1) == START + 5
    assert sample.quantile_end(START + 91, START + 99, 0.5) is None


HOT = START + 200_000
END = START + 14 * DAY - 1


def _sampled_spike() -> TrafficEstimate:
    """14 days sampled at 1 row in 100, with 200 sampled rows in second ``HOT``."""
    rng = random.Random(5)
    times = [rng.randint(START, END) for _ in range(9_800)] + [HOT] * 200
    estimate = TrafficEstimate(Limits())
    estimate.overflowed(START, END, times)
    return estimate


def _calibrate(estimate: TrafficEstimate, end: int) -> None:
    """Complete ``START..end`` at 100 rows per sampled row."""
    estimate.completed(START, end, 100 * estimate.samples[0].count(START, end))


def test_estimate_isolates_a_second_that_overflows_alone():
    """A second sampled as holding more than the cap gets a window of its own."""
    estimate = _sampled_spike()
    _calibrate(estimate, START + 50_000)
    assert estimate.window_end(HOT - 30_000, END) < HOT
    assert estimate.window_end(HOT, END) == HOT


def test_a_spike_second_is_estimated_but_sizes_no_window_after_it():
    """A lone overfull second: its rows are foreseen, its rate is not the traffic."""
    estimate = _sampled_spike()
    _calibrate(estimate, HOT - 1)
    assert estimate.expected_rows(HOT, HOT) == pytest.approx(20_000, rel=0.01)
    estimate.completed(HOT, HOT, 20_000)
    # 9,800 background rows sampled of 980,000 in 14 days: ~0.8 a second.
    assert estimate.density is not None
    assert estimate.density.rate == pytest.approx(0.8, rel=0.1)
    assert estimate.window_end(HOT + 1, END) - HOT > 3_600


def test_blind_overflow_is_cut_deep_and_planned_overflow_just_short():
    limits = Limits()
    end = START + 14 * DAY - 1
    times = list(range(START, end, 121))  # ~10,000 evenly spread rows
    estimate = TrafficEstimate(limits)
    estimate.overflowed(START, end, times)
    blind = estimate.cut(START, end, attempt=1)
    assert (blind - START) / (end - START) == pytest.approx(1 / 16, abs=0.01)


@given(
    times=st.lists(st.integers(0, 5_000), max_size=300),
    completed=st.lists(
        st.tuples(st.integers(0, 5_000), st.integers(0, 400), st.integers(0, 2_000)),
        max_size=6,
    ),
    cursor=st.integers(0, 5_000),
    length=st.integers(1, 5_000),
    attempt=st.integers(1, 4),
)
def test_plans_and_cuts_stay_inside_their_windows(
    times, completed, cursor, length, attempt
):
    """Whatever the estimate saw, windows fit their bounds and cuts shrink."""
    limits = Limits(max_rows=100, max_span=3_000)
    estimate = TrafficEstimate(limits)
    estimate.overflowed(START, START + 5_000, [START + x for x in times])
    for first, seconds, rows in completed:
        timed = sorted(
            START + first + (i * seconds) // max(rows, 1) for i in range(rows)
        )
        estimate.completed(START + first, START + first + seconds, rows, timed)
    start = START + cursor
    bound = start + length - 1
    end = estimate.window_end(start, bound)
    assert start <= end <= min(bound, start + limits.max_span - 1)
    planned = estimate.planned_end(start, bound)
    assert planned is None or start <= planned <= bound
    if length > 1:
        assert start <= estimate.cut(start, bound, attempt) < bound
