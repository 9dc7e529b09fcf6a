"""The request throttle, on a fake clock."""

from __future__ import annotations

import itertools
import threading

import pytest

from tap_everflow.runtime.throttle import RequestThrottle


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def throttle(rate: float = 4, window: float = 30) -> tuple[RequestThrottle, FakeClock]:
    clock = FakeClock()
    return RequestThrottle(rate, window, clock=clock, sleep=clock.sleep), clock


def test_starts_are_spaced_by_the_rate():
    pacer, clock = throttle(rate=4)
    starts = []
    for _ in range(5):
        pacer.wait_turn()
        starts.append(clock.now)
    assert [b - a for a, b in itertools.pairwise(starts)] == pytest.approx([0.25] * 4)


def test_idle_time_is_not_saved_up_for_a_burst():
    pacer, clock = throttle(rate=2)
    pacer.wait_turn()
    clock.now += 60
    assert pacer.wait_turn() == 0
    assert pacer.wait_turn() == 0.5


def test_pause_holds_every_request_for_the_window():
    pacer, _ = throttle(rate=10, window=30)
    pacer.wait_turn()
    pacer.pause()
    assert pacer.wait_turn() == pytest.approx(30)
    assert pacer.wait_turn() == pytest.approx(0.1)


def test_rate_limit_header_at_zero_pauses_and_otherwise_not():
    pacer, _ = throttle(rate=10, window=30)
    pacer.observe({"X-RateLimit-Remaining": "7", "X-RateLimit-Limit": "30"})
    assert pacer.wait_turn() == 0
    pacer.observe({"X-RateLimit-Remaining": "0"})
    assert pacer.wait_turn() == pytest.approx(30)
    pacer.observe({"X-RateLimit-Remaining": "not-a-number"})
    assert pacer.wait_turn() == pytest.approx(0.1)


def test_threads_share_one_schedule():
    # A clock that stands still: each caller's wait is its place in the shared
    # schedule, whatever the order and timing in which the threads run.
    pacer = RequestThrottle(
        rate=100, window=30, clock=lambda: 0.0, sleep=lambda _: None
    )
    waits: list[float] = []
    lock = threading.Lock()
    together = threading.Barrier(20)

    def take() -> None:
        together.wait()
        waited = pacer.wait_turn()
        with lock:
            waits.append(waited)

    threads = [threading.Thread(target=take) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Twenty starts at 100/s: one slot each, 10 ms apart, none shared.
    assert sorted(round(w, 6) for w in waits) == [k / 100 for k in range(20)]
