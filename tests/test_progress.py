"""Progress lines: an ETA only once it can be right, then right; a line per 10 s.

Property tests drive :class:`Progress` alone (it is pure: the clock is passed
in) with runs of windows: each window's rows, requests and the seconds it
took, after a first window that also took an ``overhead`` (the request over
the whole range that overflows, counting the rows, planning).
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from itertools import pairwise

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
# How the reader knows the rows to come: counted and planned (requests known),
# foreseen by a walk after each window, or not at all (the range's share).
KNOWN = ("planned", "foreseen", "range")


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@dataclass(frozen=True)
class Window:
    """A window of a run: what it held and how long it took."""

    rows: int
    requests: int
    seconds: float


class Eta(t.NamedTuple):
    """A window's ETA (None: not shown), the truth, and how far the run was."""

    eta: float | None
    truth: float
    windows: int
    share: float  # of the rows, or of the range where nothing foresees them


def run(windows: list[Window], known: str, overhead: float = 0.0) -> list[Eta]:
    """Feed ``windows`` to a Progress; each window's ETA against the truth.

    Windows cover the range in proportion to their rows, except where a walk
    foresees the rows (then in equal steps: the walk knows the traffic's shape).
    """
    clock = Clock()
    progress = Progress(START, END, clock=clock)
    rows = sum(w.rows for w in windows)
    if known == "planned":
        progress.expect(rows, sum(w.requests for w in windows))
    done, times, steps = 0, [], []
    for index, window in enumerate(windows):
        clock.now += window.seconds + (overhead if index == 0 else 0)
        done += window.rows
        covered = (index + 1) / len(windows) if known == "foreseen" else done / rows
        through = START + round((END - START + 1) * covered) - 1
        if index == len(windows) - 1:
            through = END
        to_come = rows - done if known == "foreseen" else None
        step = progress.done(through, window.rows, window.requests, to_come=to_come)
        share = done / rows if known != "range" else covered
        times.append(clock.now)
        steps.append((step.remaining, index + 1, share))
    return [
        Eta(eta, times[-1] - at, count, share)
        for (eta, count, share), at in zip(steps, times, strict=True)
    ]


@st.composite
def uniform_runs(draw: st.DrawFn) -> tuple[str, list[Window], float]:
    """How the rows to come are known; windows whose requests take the same
    seconds each, and (unless planned) hold the same rows each; the first
    window's overhead."""
    known = draw(st.sampled_from(KNOWN))
    count = draw(st.integers(2, 60))
    requests = draw(st.lists(st.integers(1, 5), min_size=count, max_size=count))
    rows = draw(st.lists(st.integers(1, 10_000), min_size=count, max_size=count))
    if known != "planned":  # the requests per row the same all along
        per_request = draw(st.integers(1, 2_000))
        rows = [q * per_request for q in requests]
    seconds = draw(st.floats(0.05, 5.0))
    windows = [Window(r, q, q * seconds) for r, q in zip(rows, requests, strict=True)]
    return known, windows, draw(st.floats(0, 3_600))


@given(uniform_runs())
def test_no_eta_before_a_few_windows_and_a_share_of_the_rows(case):
    known, windows, overhead = case
    for eta in run(windows, known, overhead):
        if eta.eta:  # None, or 0 once nothing is to go
            assert eta.windows >= MIN_WINDOWS
            assert eta.share >= MIN_SHARE - 1e-9


@given(uniform_runs())
def test_the_eta_is_exact_when_work_is_uniform(case):
    """Seconds per request the same all along (and, unplanned, rows per
    request): every ETA shown is the time to go, whatever the first took."""
    known, windows, overhead = case
    for eta in run(windows, known, overhead):
        if eta.eta is not None:
            # (within the rounding of window ends to whole seconds)
            assert eta.eta == pytest.approx(eta.truth, rel=1e-3, abs=1e-3)


@given(uniform_runs())
def test_at_a_steady_pace_the_eta_only_falls(case):
    known, windows, overhead = case
    shown = [eta.eta for eta in run(windows, known, overhead) if eta.eta is not None]
    assert all(later <= earlier + 1e-6 for earlier, later in pairwise(shown))


@given(uniform_runs(), st.floats(1.0, 10.0))
def test_slower_windows_give_a_proportionally_longer_eta(case, factor):
    known, windows, overhead = case
    slower = [Window(w.rows, w.requests, w.seconds * factor) for w in windows]
    etas = run(windows, known, overhead)
    slower_etas = run(slower, known, overhead * factor)
    for eta, slow in zip(etas, slower_etas, strict=True):
        if eta.eta is not None and slow.eta is not None:
            assert slow.eta == pytest.approx(eta.eta * factor, rel=1e-6, abs=1e-6)


@given(
    rows=st.lists(st.integers(1_000, 10_000), min_size=MIN_WINDOWS, max_size=40),
    more=st.integers(0, 1_000_000),
)
def test_more_rows_to_come_never_shorten_the_eta(rows, more):
    def etas(extra: int) -> list[float | None]:
        clock = Clock()
        progress = Progress(START, END, clock=clock)
        total = sum(rows) + extra
        steps = []
        for index, count in enumerate(rows):
            clock.now += 10
            to_come = total - sum(rows[: index + 1])
            steps.append(progress.done(START + index, count, 1, to_come=to_come))
        return [step.remaining for step in steps]

    for fewer, larger in zip(etas(0), etas(more), strict=True):
        if fewer is not None and larger is not None:
            assert larger >= fewer - 1e-6


@pytest.mark.parametrize("known", KNOWN)
def test_every_reader_shows_an_eta_once_it_can_be_right(known):
    """Planned, foreseen by a walk, or from the range's share: an ETA from the
    MIN_WINDOWS-th window on, each one the time to go."""
    windows = [Window(5_000, 1, 10.0)] * 20
    etas = run(windows, known, overhead=100.0)
    shown = [eta for eta in etas[:-1] if eta.eta is not None]
    assert [eta.windows for eta in shown] == list(range(MIN_WINDOWS, len(windows)))
    for eta in shown:
        assert eta.eta == pytest.approx(eta.truth, rel=1e-3)


@pytest.mark.parametrize("known", ["foreseen", "range"])
def test_a_walk_that_runs_ahead_then_stalls_gets_a_steady_eta(known):
    """Windows requested eight at a time, then one through a burst: the ETA
    follows the whole run's pace, not the last windows' (from those, 0.6 to
    1.8 times the time really left). Judged from the third cycle to the third
    last: with less to go, one stall more or less is most of it."""
    cycle = [Window(9_000, 1, 0.2)] * 8 + [Window(9_000, 4, 6.0)]
    etas = run(cycle * 12, known, overhead=5.0)
    judged = [
        eta for eta in etas[2 * len(cycle) : -3 * len(cycle)] if eta.eta is not None
    ]
    assert judged
    for eta in judged:
        assert 1 / 1.5 <= eta.eta / eta.truth <= 1.5


def test_rows_past_the_count_leave_the_range_to_tell_the_time_to_go():
    """Counts short of the rows, the plan done: not "0 s to go" with half to go."""
    clock = Clock()
    progress = Progress(START, END, clock=clock)
    progress.expect(40_000, 4)
    for index in range(1, 9):
        clock.now += 10
        through = START + (END - START + 1) * index // 16 - 1
        step = progress.done(through, 10_000, 1)
    # 80,000 rows in half the range: as many to go, at 70,000 in 70 s.
    assert step.remaining == pytest.approx(80_000 * 70 / 70_000)
    assert step.text.startswith("80,000 rows, 50% of the time range;")


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
    # 5 of 10 requests done; 3 took 30 s: 5 more take 50 s.
    assert step.remaining == pytest.approx(50)
    assert step.text.endswith("2 min 30 s so far, about 50 s to go")


def test_a_walk_that_foresees_the_rows_says_how_many():
    clock = Clock()
    progress = Progress(START, END, clock=clock)
    clock.now += 30
    step = progress.done(START + 10, 10_000, 2, to_come=90_000)
    assert step.text.startswith("10,000 of ~100,000 rows; 2 requests;")


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


def test_past_the_plan_the_rows_to_go_set_the_eta():
    """Counts short of the rows: more windows than planned, and still an ETA."""
    clock = Clock()
    progress = Progress(START, END, clock=clock)
    progress.expect(50_000, 5)
    for index in range(6):
        clock.now += 10
        progress.done(START + index, 9_000, 1)
    progress.expect(20_000, 0)  # a noisy count: rows left, no request planned
    clock.now += 10
    step = progress.done(START + 7, 10_000, 1)
    # 10,000 rows to go at the 55,000 rows in 60 s since the first window.
    assert step.remaining == pytest.approx(10_000 * 60 / 55_000)


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
