"""Progress lines: an ETA only once it can be right, then right; a line per 10 s."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tap_everflow.planning.progress import (
    MIN_RATE_SECONDS,
    MIN_SHARE,
    MIN_WINDOWS,
    REPORT_EVERY,
    Progress,
    duration,
)

START, END = 0, 14 * 86_400 - 1


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def steady_run(
    windows: list[int], *, rate: float, overhead: float, counted: bool
) -> list[tuple[float | None, float]]:
    """Windows of ``windows`` rows, spread evenly over the range, emitted at
    ``rate`` rows per second after a first window that also took ``overhead``
    seconds (its overflowing request, counting, planning).

    Returns the ETAs given, each with the true time to go.
    """
    clock = Clock()
    progress = Progress(START, END, clock=clock)
    total = sum(windows)
    if counted:
        progress.expect(total, len(windows))
    span = (END - START + 1) / len(windows)
    times, etas = [], []
    for index, rows in enumerate(windows):
        clock.now += rows / rate + (overhead if index == 0 else 0)
        through = START + round(span * (index + 1)) - 1
        if not counted:
            # Rows spread over time as over the range: the same density.
            share = sum(windows[: index + 1]) / total
            through = START + round((END - START + 1) * share) - 1
        step = progress.done(through, rows, 1)
        times.append(clock.now)
        etas.append(step.remaining)
    finished = times[-1]
    return [(eta, finished - at) for eta, at in zip(etas, times, strict=True)]


windows_strategy = st.lists(st.integers(1_000, 10_000), min_size=2, max_size=80)


@given(
    windows=windows_strategy,
    rate=st.floats(500, 200_000),
    overhead=st.floats(0, 3_600),
    counted=st.booleans(),
)
def test_an_eta_comes_after_a_few_windows_and_is_the_time_to_go_at_a_steady_rate(
    windows, rate, overhead, counted
):
    """Only after MIN_WINDOWS windows and MIN_SHARE of the rows; then right,
    whatever the first window took (planning, its overflowing request)."""
    etas = steady_run(windows, rate=rate, overhead=overhead, counted=counted)
    total = sum(windows)
    done = 0
    for index, ((eta, truth), rows) in enumerate(zip(etas, windows, strict=True)):
        done += rows
        if eta is not None:
            assert eta == pytest.approx(truth, rel=0.02, abs=0.5)
        if eta:
            assert index + 1 >= MIN_WINDOWS
            assert done / total >= MIN_SHARE - 1e-5


@given(
    windows=windows_strategy,
    rates=st.lists(st.floats(1_000, 100_000), min_size=80, max_size=80),
)
def test_with_counts_the_eta_stays_within_the_slowest_and_fastest_recent_rates(
    windows, rates
):
    clock = Clock()
    progress = Progress(START, END, clock=clock)
    progress.expect(sum(windows), len(windows))
    done = 0
    for index, rows in enumerate(windows):
        clock.now += rows / rates[index]
        done += rows
        step = progress.done(START + index, rows, 1)
        if step.remaining:
            to_go = sum(windows) - done
            assert to_go / max(rates) - 1e-6 <= step.remaining
            assert step.remaining <= to_go / min(rates) + 1e-6


def test_the_first_lines_give_no_eta_then_one_in_words():
    clock = Clock()
    progress = Progress(START, END, clock=clock)
    progress.expect(100_000, 10)
    clock.now += 120  # the first request overflowed, then the counts came
    first = progress.done(START + 10, 10_000, 2)
    assert first.remaining is None
    assert first.text == (
        "10,000 of ~100,000 rows; 2 requests (10 planned); 2 min 00 s so far"
    )
    for index in range(2, 5):
        clock.now += 10
        step = progress.done(START + 10 * index, 10_000, 1)
    assert step.remaining == pytest.approx(60)
    assert step.text.endswith("2 min 30 s so far, about 1 min 00 s to go")


def test_no_eta_from_windows_that_came_at_once():
    """Windows fetched with the first come back with it: no rate from them."""
    clock = Clock()
    progress = Progress(START, END, clock=clock)
    progress.expect(100_000, 10)
    clock.now += 30
    for index in range(1, 8):
        clock.now += MIN_RATE_SECONDS / 10
        step = progress.done(START + index, 10_000, 1)
        assert step.remaining is None
    clock.now += MIN_RATE_SECONDS
    assert progress.done(START + 8, 10_000, 1).remaining is not None


def test_the_last_window_leaves_nothing_to_go_whatever_was_expected():
    clock = Clock()
    progress = Progress(START, END, clock=clock)
    progress.expect(1_000_000, 3)
    for through in (END // 2, END):
        clock.now += 30
        step = progress.done(through, 5, 1)
    assert step.remaining == 0
    assert step.text.endswith("about 0 s to go")


@given(gaps=st.lists(st.floats(0, 30), min_size=1, max_size=200))
def test_a_line_is_due_every_report_interval_at_most(gaps):
    clock = Clock()
    progress = Progress(START, END, clock=clock)
    last = clock.now
    for index, gap in enumerate(gaps):
        clock.now += gap
        if progress.done(START + index, 1, 1).due:
            assert clock.now - last >= REPORT_EVERY
            last = clock.now
        else:
            assert clock.now - last < REPORT_EVERY


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.4, "0 s"),
        (59.4, "59 s"),
        (59.6, "1 min 00 s"),
        (61, "1 min 01 s"),
        (3_600 * 2 + 61, "2 h 01 min"),
    ],
)
def test_durations_read_as_a_person_says_them(seconds, text):
    assert duration(seconds) == text
