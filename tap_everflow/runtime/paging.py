"""Everflow's page-numbered lists: ``{<records_key>: [...], "paging": {...}}``."""

from __future__ import annotations

from dataclasses import dataclass

from tap_everflow.planning.limits import PAGE_SIZE

__all__ = ["MAX_PAGING_ATTEMPTS", "PAGE_SIZE", "Page", "total_count"]

MAX_PAGING_ATTEMPTS = 3  # reads of a list whose total changed while it was paged


@dataclass(frozen=True)
class Page:
    """One page's rows, and the total the API reported (None if it left it out)."""

    rows: list
    total_count: int | None

    def followed_after(self, number: int) -> bool:
        """Whether page ``number`` (1-based, PAGE_SIZE rows asked) has a successor.

        A short page is the last; so is a full one that reaches ``total_count``.
        Proto3 may leave ``paging`` out: then only an empty or short page ends.
        """
        if len(self.rows) < PAGE_SIZE:
            return False
        return self.total_count is None or number * PAGE_SIZE < self.total_count


def total_count(payload: dict) -> int | None:
    """``paging.total_count`` of a page, when present and numeric."""
    paging = payload.get("paging")
    count = paging.get("total_count") if isinstance(paging, dict) else None
    return int(count) if isinstance(count, int | float) and count > 0 else None
