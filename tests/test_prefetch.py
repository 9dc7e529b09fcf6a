"""Requests run ahead concurrently; answers read ahead of their use stay few."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from typing_extensions import override

from tap_everflow.runtime.prefetch import Prefetcher
from tap_everflow.streams.base import EverflowStream

WAIT = 10  # seconds: far longer than any step needs; reaching it means a hang


class FakeRequests:
    """Calls that wait for the API (a barrier), then read their answer.

    It watches each request ahead either read its answer or find no room
    (:class:`WatchedPrefetcher`): one that found none waits until the consumer
    uses an answer or closes the prefetcher, so the reads settle without a
    sleep.
    """

    def __init__(self, in_flight: int) -> None:
        self.prefetcher: Prefetcher[int, int]
        self.all_in_flight = threading.Barrier(in_flight, timeout=WAIT)
        self.changed = threading.Condition()  # guards the four below
        self.read: set[int] = set()
        self.waiting: set[int] = set()  # found no room for their answers
        self.used: set[int] = set()
        self.most_read_ahead = 0

    def call(self, key: int) -> int:
        if threading.current_thread() is not threading.main_thread():
            self.all_in_flight.wait()  # every announced request is at the API
        self.prefetcher.make_room()
        with self.changed:
            self.read.add(key)
            self.most_read_ahead = max(self.most_read_ahead, len(self.read - self.used))
            self.changed.notify_all()
        return key * 10

    def found_room(self, key: int, room: bool) -> None:
        with self.changed:
            if room:
                self.waiting.discard(key)
            else:
                self.waiting.add(key)
            self.changed.notify_all()

    def announce(self, prefetcher: Prefetcher[int, int], keys: range) -> None:
        self.prefetcher = prefetcher
        for key in keys:
            prefetcher.prefetch(key)

    def use(self, key: int) -> int:
        answer = self.prefetcher.fetch(key)
        with self.changed:
            self.used.add(key)
        return answer

    def reads_settled(self, count: int) -> None:
        """Wait until ``count`` answers were read and every other request waits."""
        others = self.all_in_flight.parties - count
        with self.changed:
            settled = self.changed.wait_for(
                lambda: len(self.read) >= count and len(self.waiting) == others,
                WAIT,
            )
            assert settled, f"{len(self.read)} read, {len(self.waiting)} waiting"


class WatchedPrefetcher(Prefetcher[int, int]):
    """A prefetcher telling ``api`` whether each request ahead found room."""

    def __init__(self, api: FakeRequests, workers: int, held: int) -> None:
        super().__init__(api.call, workers, held)
        self.api = api

    @override
    def _may_read(self, key: int) -> bool:
        room = super()._may_read(key)
        self.api.found_room(key, room)
        return room


def test_requests_run_at_once_but_few_answers_are_read_ahead():
    api = FakeRequests(in_flight=6)
    with WatchedPrefetcher(api, workers=6, held=2) as ahead:
        api.announce(ahead, range(6))
        api.reads_settled(2)
        assert api.read == {0, 1}  # the other four wait, unread, for room
        assert [api.use(key) for key in range(6)] == [0, 10, 20, 30, 40, 50]
    assert api.most_read_ahead <= 2 + 1  # the held ones and the one waited for


def test_the_answer_waited_for_is_read_even_when_room_is_full():
    """Parts of an overflowing window are announced after later windows."""
    api = FakeRequests(in_flight=5)
    with WatchedPrefetcher(api, workers=5, held=2) as ahead:
        api.announce(ahead, range(5))
        api.reads_settled(2)
        last = max(api.waiting)
        got: list[int] = []
        consumer = threading.Thread(target=lambda: got.append(api.use(last)))
        consumer.start()
        consumer.join(WAIT)
        assert got == [10 * last], "the consumer waits for an answer left unread"
        rest = [key for key in range(5) if key != last]
        assert [api.use(key) for key in rest] == [10 * key for key in rest]


def test_an_answer_not_announced_is_fetched_on_the_spot():
    api = FakeRequests(in_flight=1)
    with WatchedPrefetcher(api, workers=2, held=1) as ahead:
        api.prefetcher = ahead
        assert api.use(7) == 70


def test_closing_releases_requests_waiting_for_room():
    api = FakeRequests(in_flight=4)
    closed = threading.Event()

    def sync_that_stops_early() -> None:
        with WatchedPrefetcher(api, workers=4, held=1) as ahead:
            api.announce(ahead, range(4))
            api.reads_settled(1)
        closed.set()

    worker = threading.Thread(target=sync_that_stops_early)
    worker.start()
    worker.join(WAIT)
    assert closed.is_set(), "threads waiting for room kept the prefetcher open"


@pytest.mark.parametrize("ending", ["error", "closed"])
def test_a_sync_that_ends_early_stops_its_requests_ahead(ending):
    """The stream's stopping flag is set before the threads are waited for."""
    stream = SimpleNamespace(stopping=threading.Event(), ahead=None)
    all_in_flight = threading.Barrier(3, timeout=WAIT)
    outcomes: list[str] = []

    def call(_key: int) -> None:  # a request retrying until the sync stops
        all_in_flight.wait()
        stopped = stream.stopping.wait(WAIT)
        outcomes.append("abandoned" if stopped else "ran on")

    def records():
        with EverflowStream.requests_ahead(stream, call, 2) as ahead:
            assert stream.ahead is ahead  # the stream's make_room waits on it
            ahead.prefetch(1)
            ahead.prefetch(2)
            all_in_flight.wait()
            yield "a record"
            msg = "Everflow failed"
            raise RuntimeError(msg)

    sync = records()
    assert next(sync) == "a record"
    if ending == "error":
        with pytest.raises(RuntimeError):
            next(sync)
    else:
        sync.close()
    assert outcomes == ["abandoned", "abandoned"]  # both ended before it returned
    assert stream.ahead is None  # nothing runs ahead any more
