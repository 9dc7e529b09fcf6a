"""Pace requests under Everflow's per-account rate limit, shared by all threads."""

from __future__ import annotations

import threading
import time
import typing as t

if t.TYPE_CHECKING:
    from collections.abc import Callable, Mapping

RATE_REMAINING_HEADER = "X-RateLimit-Remaining"


class RequestThrottle:
    """Space request starts ``1 / rate`` seconds apart; pause all after a 429.

    Everflow limits requests per account (every key and client of it share the
    limit) over 30-second windows and promises no ``Retry-After``. So the tap
    paces itself below the limit, and when told it is over (a 429, or
    ``X-RateLimit-Remaining: 0``) it stops every thread for ``window`` seconds,
    rather than letting each retry on its own and make things worse.
    """

    def __init__(
        self,
        rate: float,
        window: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Allow ``rate`` request starts per second; pause ``window`` when told."""
        self.interval = 1.0 / rate
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_start = 0.0

    def wait_turn(self) -> float:
        """Block until this caller may start a request; return the time waited."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next_start)
            self._next_start = start + self.interval
        waited = start - now
        if waited > 0:
            self._sleep(waited)
        return waited

    def pause(self) -> None:
        """Start no request for one rate window from now."""
        with self._lock:
            until = self._clock() + self.window
            self._next_start = max(self._next_start, until)

    def observe(self, headers: Mapping[str, str]) -> None:
        """Pause when the API says this window's requests are used up."""
        remaining = headers.get(RATE_REMAINING_HEADER)
        if remaining is not None and remaining.strip().isdigit() and not int(remaining):
            self.pause()
