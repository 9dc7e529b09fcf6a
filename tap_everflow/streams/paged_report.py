"""Paged reports (conversions): read in time windows, re-read over a lookback."""

from __future__ import annotations

import typing as t

from typing_extensions import override

from tap_everflow.errors import EverflowResponseError
from tap_everflow.planning.limits import API_TIME_FORMAT, UTC_TIMEZONE_ID, Limits
from tap_everflow.planning.slices import CompletedWindow
from tap_everflow.planning.walk import next_span
from tap_everflow.runtime.paging import (
    MAX_PAGING_ATTEMPTS,
    PAGE_SIZE,
    Page,
    total_count,
)
from tap_everflow.streams.windowed import WindowedStream, utc

if t.TYPE_CHECKING:
    from collections.abc import Generator

    from singer_sdk.helpers.types import Context

# Windows hold about this many rows (a few pages) and span at most 30 days:
# a window is sorted in memory before it is emitted.
WINDOW_LIMITS = Limits(max_rows=5 * PAGE_SIZE, max_span=30 * 86_400)
FIRST_WINDOW = 86_400


class PagedReportStream(WindowedStream):
    """A report paged with ``page``/``page_size``, read window by window.

    Each window is read page by page; if the reported total changes while
    paging (rows arriving or changing), rows may have shifted between pages,
    so the window is read again. Window sizes follow the row density.
    """

    http_method = "POST"

    def request_body(self, start: int, end: int) -> dict:
        """The report request for the inclusive window ``start..end``."""
        return {
            "from": utc(start).strftime(API_TIME_FORMAT),
            "to": utc(end).strftime(API_TIME_FORMAT),
            "timezone_id": UTC_TIMEZONE_ID,
        }

    @override
    def read_answer(self, payload: t.Any) -> Page:
        """One page of the report."""
        return Page(self.conform_rows(self.rows_in(payload)), total_count(payload))

    @override
    def complete_windows(
        self, start: int, end: int, context: Context | None
    ) -> Generator[CompletedWindow, None, None]:
        """Consecutive windows, each read to its last page."""
        span = FIRST_WINDOW
        while start <= end:
            window_end = min(end, start + span - 1)
            window = self._read_window(start, window_end, context)
            yield window
            span = next_span(window_end - start + 1, len(window.rows), WINDOW_LIMITS)
            start = window_end + 1

    def _read_window(
        self, start: int, end: int, context: Context | None
    ) -> CompletedWindow:
        body = self.request_body(start, end)
        requests = 0
        for _ in range(MAX_PAGING_ATTEMPTS):
            rows: list = []
            totals: set[int | None] = set()
            number = 1
            while True:
                page: Page = self.post_json(
                    body, context, params={"page": number, "page_size": PAGE_SIZE}
                )
                requests += 1
                rows.extend(page.rows)
                totals.add(page.total_count)
                if not page.followed_after(number):
                    break
                number += 1
            if len(totals) == 1:
                return CompletedWindow(start, end, rows, requests)
            self.logger.info(
                "%s: %s..%s changed while paging (totals %s); reading it again.",
                self.name,
                utc(start).isoformat(),
                utc(end).isoformat(),
                sorted(t for t in totals if t is not None),
            )
        msg = (
            f"{self.name}: {utc(start).isoformat()}..{utc(end).isoformat()} kept "
            f"changing while it was paged ({MAX_PAGING_ATTEMPTS} attempts); run the "
            "sync again later."
        )
        raise EverflowResponseError(msg)
