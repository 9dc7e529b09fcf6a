"""Fetch announced requests ahead, on a few threads, and hand answers out in order."""

from __future__ import annotations

import typing as t
from concurrent.futures import Future, ThreadPoolExecutor

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
    """

    def __init__(self, call: Callable[[K], V], workers: int) -> None:
        """Use up to ``workers`` threads (1: no request runs ahead)."""
        self._call = call
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="everflow")
        self._pending: dict[K, Future[V]] = {}

    def prefetch(self, key: K) -> None:
        """Start fetching ``key`` unless it is already under way."""
        if key not in self._pending:
            self._pending[key] = self._pool.submit(self._call, key)

    def fetch(self, key: K) -> V:
        """The answer for ``key``; an error the request raised is raised here."""
        future = self._pending.pop(key, None)
        if future is None:
            return self._call(key)
        return future.result()

    def __enter__(self) -> Prefetcher[K, V]:
        """Use as a context manager, so threads never outlive the sync."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Drop requests not started yet; wait for those in flight."""
        for future in self._pending.values():
            future.cancel()
        self._pending.clear()
        self._pool.shutdown(wait=True)
