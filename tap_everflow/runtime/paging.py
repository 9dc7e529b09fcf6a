"""Everflow's page-numbered lists, and the one rule for reading one whole.

A list answers ``{<records_key>: [...], "paging": {"total_count": ...}}``, or a
bare array, page by page (docs/api.md#paging). While it is paged, entities are
created and deleted and conversions arrive: rows move from one page to
another, so asking for pages 1, 2, ... can miss a row or send one twice. Every
paged list, entities and paged reports alike, is read by one rule:

- Pages are asked for in order from 1 (:class:`ListPaginator`). A page with
  rows is followed by the next while fewer rows came than the page's
  ``total_count``, whatever page size the server used; without a total, or
  once more rows came than it said, while pages are full. An empty page ends.
- Each row is kept once, by its key: a row pushed onto the next page is not
  sent twice.
- A read whose pages reported different totals is read again, keeping the
  rows already kept: a row may have moved onto a page already read. After
  MAX_PAGING_ATTEMPTS reads the list was not read whole.
- A page that repeats the one before (a server ignoring page numbers) ends
  the read, not read whole: reading again would repeat it again.
- Totals are hints: a steady read that ends short of its total is taken as
  the whole list, with a warning naming both numbers.

What not reading a list whole means is the caller's: an entity list warns and
marks no deletions; a report window stops the sync.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from singer_sdk.pagination import PageNumberPaginator
from typing_extensions import override

from tap_everflow.planning.limits import PAGE_SIZE

if t.TYPE_CHECKING:
    import logging
    from collections.abc import Callable, Hashable, Iterator

__all__ = [
    "MAX_PAGING_ATTEMPTS",
    "PAGE_SIZE",
    "ListPaginator",
    "Page",
    "PagedRead",
    "total_count",
]

MAX_PAGING_ATTEMPTS = 3  # reads of a list whose total changed while it was paged


@dataclass(frozen=True)
class Page:
    """One page's rows, and the total the API reported (None if it left it out)."""

    rows: list
    total_count: int | None


def total_count(payload: dict) -> int | None:
    """``paging.total_count`` of a page, when present and numeric."""
    paging = payload.get("paging")
    count = paging.get("total_count") if isinstance(paging, dict) else None
    return int(count) if isinstance(count, int | float) and count > 0 else None


def page_params(number: int) -> dict[str, int]:
    """The query string asking for page ``number`` of the largest size."""
    return {"page": number, "page_size": PAGE_SIZE}


class ListPaginator(PageNumberPaginator):
    """The page numbers of one read of a list, from 1, and what its pages said.

    The SDK's paginators are handed a ``requests.Response``; the tap reads an
    answer's body inside the retried request (a truncated body is retried), so
    this one is handed the decoded :class:`Page`.
    """

    def __init__(self, key_of: Callable[[t.Any], Hashable]) -> None:
        """Start at page 1; ``key_of`` tells rows apart."""
        super().__init__(1)
        self._key_of = key_of
        self.keys: list[Hashable] = []  # of the last page's rows, in order
        self.received = 0  # rows, counted as the pages sent them
        self.totals: list[int] = []  # reported by the pages that had one
        self.repeated = False  # the last page repeated the one before

    @property
    def steady(self) -> bool:
        """Whether every page that reported a total reported the same."""
        return len(set(self.totals)) <= 1

    @override
    def has_more(self, response: Page) -> bool:  # type: ignore[override]
        """Whether a page follows ``response`` (see the module); notes what it said."""
        page = response
        keys = [self._key_of(row) for row in page.rows]
        self.repeated = bool(keys) and keys == self.keys
        self.keys = keys
        self.received += len(keys)
        if page.total_count is not None:
            self.totals.append(page.total_count)
        if self.repeated or not keys:
            return False
        total = page.total_count
        if total is not None and self.received <= total:
            return self.received < total
        return len(keys) >= PAGE_SIZE


class PagedRead:
    """One list, read by the rule of this module.

    Iterating yields its rows, each once; then :attr:`problem` says, in one
    line, why it was not read whole (None if it was), and :attr:`requests`
    how many pages were asked for.
    """

    def __init__(
        self,
        fetch: Callable[[dict[str, int]], Page],
        key_of: Callable[[t.Any], Hashable],
        label: str,
        logger: logging.Logger,
    ) -> None:
        """A read of the list ``fetch`` answers, given a page's query string.

        ``label`` names the list in log lines (the stream, and its window).
        """
        self._fetch = fetch
        self._key_of = key_of
        self.label = label
        self._log = logger
        self.problem: str | None = None
        self.requests = 0

    def __iter__(self) -> Iterator[t.Any]:
        """Every row of the list, once (see the module for the rule)."""
        seen: set[Hashable] = set()
        for _ in range(MAX_PAGING_ATTEMPTS):
            paginator = ListPaginator(self._key_of)
            while not paginator.finished:
                page = self._fetch(page_params(paginator.current_value))
                self.requests += 1
                paginator.advance(page)  # type: ignore[arg-type]
                for key, row in zip(paginator.keys, page.rows, strict=True):
                    if key not in seen:
                        seen.add(key)
                        yield row
            if paginator.repeated:
                self.problem = self._repeated(paginator, len(seen))
                return
            if paginator.steady:
                self._check_count(paginator)
                return
            self._log.info(
                "%s: the list changed while it was paged (totals by page: %s); "
                "reading it again for rows moved onto pages already read.",
                self.label,
                ", ".join(map(str, paginator.totals)),
            )
        self.problem = (
            f"{self.label}: the list kept changing while it was paged "
            f"({MAX_PAGING_ATTEMPTS} reads)"
        )

    def _repeated(self, paginator: ListPaginator, rows: int) -> str:
        number = paginator.current_value
        total = paginator.totals[-1] if paginator.totals else "an unknown total"
        return (
            f"{self.label}: Everflow answered page {number} with the rows of page "
            f"{number - 1} again ({rows} rows read of {total})"
        )

    def _check_count(self, paginator: ListPaginator) -> None:
        """Warn when a steady read ended short of the total its pages reported."""
        if paginator.totals and paginator.received < paginator.totals[-1]:
            self._log.warning(
                "%s: Everflow reported %d rows but sent %d (its last page was "
                "empty); taking what it sent as the whole list.",
                self.label,
                paginator.totals[-1],
                paginator.received,
            )
