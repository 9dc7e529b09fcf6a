"""Paged reports (conversions): read in time windows, re-read over a lookback."""

from __future__ import annotations

import typing as t
from functools import partial
from operator import attrgetter

from typing_extensions import override

from tap_everflow.errors import EverflowResponseError
from tap_everflow.planning.limits import DAY, PAGE_SIZE, Limits
from tap_everflow.planning.slices import CompletedWindow
from tap_everflow.planning.sync_range import utc
from tap_everflow.planning.walk import next_span
from tap_everflow.planning.window_body import window_body
from tap_everflow.runtime.paging import Page, PagedRead, total_count
from tap_everflow.streams.windowed import WindowedStream

if t.TYPE_CHECKING:
    from collections.abc import Generator

# Windows hold about this many rows (a few pages) and span at most 30 days:
# a window is sorted in memory before it is emitted.
WINDOW_LIMITS = Limits(max_rows=5 * PAGE_SIZE, max_span=30 * DAY)
FIRST_WINDOW = DAY


class PagedReportStream(WindowedStream):
    """A report paged with ``page``/``page_size``, read window by window.

    Each window is read page by page (:mod:`tap_everflow.runtime.paging`):
    if the reported total changes while paging (rows arriving or going),
    rows may have shifted between pages, so the window is read again; one
    that cannot be read whole stops the sync, as its rows would be marked
    complete. Window sizes follow the row density.
    """

    http_method = "POST"

    def request_body(self, start: int, end: int) -> dict:
        """The report request for the inclusive window ``start..end``."""
        return window_body(start, end)

    @override
    def read_answer(self, payload: t.Any) -> Page:
        """One page of the report."""
        rows = self.typed_rows.from_json(self.rows_in(payload))
        return Page(rows, total_count(payload))

    @override
    def complete_windows(
        self, start: int, end: int
    ) -> Generator[CompletedWindow, None, None]:
        """Consecutive windows, each read to its last page."""
        span = FIRST_WINDOW
        while start <= end:
            window_end = min(end, start + span - 1)
            window = self._read_window(start, window_end)
            yield window
            span = next_span(window_end - start + 1, len(window.rows), WINDOW_LIMITS)
            start = window_end + 1

    def _read_window(self, start: int, end: int) -> CompletedWindow:
        """Every row of ``start..end``, paged by :mod:`tap_everflow.runtime.paging`."""
        body = self.request_body(start, end)
        read = PagedRead(
            partial(self.post_json, body),
            attrgetter(self.primary_keys[0]),
            f"{self.name}: {utc(start).isoformat()}..{utc(end).isoformat()}",
            self.logger,
        )
        rows = list(read)
        if read.problem:
            msg = f"{read.problem}; run the sync again later."
            raise EverflowResponseError(msg)
        return CompletedWindow(start, end, rows, read.requests)
