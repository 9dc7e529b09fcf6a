"""Fetch announced requests ahead, on a few threads, and hand answers out in order."""

from __future__ import annotations

import itertools
import threading
import typing as t
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor

if t.TYPE_CHECKING:
    from collections.abc import Callable, Hashable

K = t.TypeVar("K", bound="Hashable")
V = t.TypeVar("V")


class Prefetcher(t.Generic[K, V]):
    """Run ``call(key)`` for announced keys in the background.

    :meth:`prefetch` starts a request; :meth:`fetch` returns its answer (waiting
    if needed), or makes the request then and there if it was not announced.
    The consumer stays single-threaded and decides the order in which answers
    are used, so records are emitted in order whatever order requests finish.

    Requests run ahead to hide the API's latency, but an answer read ahead of
    its use is held in memory (a raw window's rows: see docs/performance.md). So a call
    running ahead calls :meth:`make_room` before it reads its answer, and only
    the answers of the next ``held`` keys (in the order announced) and of the
    key the consumer waits for are read: a fast API then waits, its answer
    unread, instead of piling answers up.
    """

    def __init__(self, call: Callable[[K], V], workers: int, held: int = 2) -> None:
        """Use up to ``workers`` threads (1: no request runs ahead)."""
        self._call = call
        self._held = held
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="everflow")
        self._pending: dict[K, Future[V]] = {}  # in the order announced
        self._room = threading.Condition()  # guards the three below
        self._running_ahead = threading.local()  # .key: the key a worker fetches
        self._wanted: K | None = None  # the key the consumer waits for
        self._closing = False

    def prefetch(self, key: K) -> None:
        """Start fetching ``key`` unless it is already under way."""
        with self._room:
            if key not in self._pending:
                self._pending[key] = self._pool.submit(self._call_ahead, key)

    def _call_ahead(self, key: K) -> V:
        self._running_ahead.key = key
        try:
            return self._call(key)
        finally:
            self._running_ahead.key = None

    def make_room(self) -> None:
        """Wait until the answer of the calling request may be read into memory.

        Returns at once for a request that does not run ahead. Raises
        CancelledError once the prefetcher is closing.
        """
        key = getattr(self._running_ahead, "key", None)
        if key is None:
            return
        with self._room:
            self._room.wait_for(lambda: self._may_read(key))
            if self._closing:
                raise CancelledError

    def _may_read(self, key: K) -> bool:
        next_keys = itertools.islice(self._pending, self._held)
        return key == self._wanted or key in next_keys or self._closing

    def fetch(self, key: K) -> V:
        """The answer for ``key``; an error the request raised is raised here."""
        with self._room:
            future = self._pending.pop(key, None)
            self._wanted = key
            self._room.notify_all()  # the next keys moved up, or this one is due
        if future is None or future.cancel():  # not announced, or not started
            return self._call(key)
        return future.result()

    def __enter__(self) -> Prefetcher[K, V]:
        """Use as a context manager, so threads never outlive the sync."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Drop requests not started yet; wait for those in flight."""
        with self._room:
            for future in self._pending.values():
                future.cancel()
            self._pending.clear()
            self._closing = True
            self._room.notify_all()
        self._pool.shutdown(wait=True)
