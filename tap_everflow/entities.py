"""Network entities (offers, affiliates, advertisers): paged lists, read whole."""

from __future__ import annotations

import itertools
import typing as t

from singer_sdk.helpers.conform import TypeConformanceLevel

from tap_everflow.client import EverflowStream
from tap_everflow.paging import (
    MAX_PAGING_ATTEMPTS,
    PAGE_SIZE,
    Page,
    PagePaginator,
    total_count,
)
from tap_everflow.schemas import without
from tap_everflow.windowed import utc

if t.TYPE_CHECKING:
    from collections.abc import Iterator

    import requests
    from singer_sdk.helpers.types import Context

# Epoch fields and the UTC date-time field derived from each.
DERIVED_TIMES = {"time_created": "created_at", "time_saved": "saved_at"}


class EntityStream(EverflowStream):
    """``GET /networks/<entities>``, every page, as a full-table stream.

    Entity lists are small (thousands of rows), and a changed entity keeps its
    ``time_created``, so re-reading the whole list is the only way to see every
    change; the target's upsert on the id keeps one row per entity.
    """

    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE
    # The totals the pages of the list being read reported, in page order.
    _totals: list[int]

    def get_new_paginator(self) -> PagePaginator:
        """Page numbers from 1, until a short page or ``paging.total_count``."""
        return PagePaginator()

    def get_url_params(
        self, context: Context | None, next_page_token: int | None
    ) -> dict[str, int]:
        """The page to read, at the API's largest page size."""
        return {"page": next_page_token or 1, "page_size": PAGE_SIZE}

    def read_answer(self, payload: t.Any) -> Page:
        """One page of the list: ``{records_key: [...], "paging": ...}`` or a bare list.

        Sources disagree on the wrapper (the reference's section 8): a bare
        list has no total, so paging ends at its first short page.
        """
        if isinstance(payload, list):
            return Page(payload, None)
        return Page(self.rows_in(payload), total_count(payload))

    def get_records(self, context: Context | None) -> Iterator[dict]:
        """Every entity, once, even when the list changes while it is paged.

        An entity created while the list is paged pushes another onto the next
        page: it is not emitted twice. One deleted pulls another back onto a
        page already read: the total falls, so the list is read again and the
        entities not seen yet are emitted. (A deletion and a creation between
        the same pages keep the total; the next sync reads what they hid.)
        """
        source = without(self.schema, DERIVED_TIMES.values())
        conform = self.conformer(source, critical=self.primary_keys)
        seen: set[int] = set()
        key = self.primary_keys[0]
        for _ in range(MAX_PAGING_ATTEMPTS):
            self._totals = []
            for row in self.request_records(context):
                record = conform(row)
                if record[key] in seen:
                    continue
                seen.add(record[key])
                for epoch_field, time_field in DERIVED_TIMES.items():
                    epoch = record[epoch_field]
                    record[time_field] = utc(epoch).isoformat() if epoch else None
                yield record
            if all(a <= b for a, b in itertools.pairwise(self._totals)):
                return
            self.logger.info(
                "%s: the list shrank while it was paged (totals by page: %s); "
                "reading it again for entities moved onto pages already read.",
                self.name,
                ", ".join(map(str, self._totals)),
            )
        self.logger.warning(
            "%s: the list kept shrinking while it was paged (%d reads); entities "
            "it moved may be missing until the next sync.",
            self.name,
            MAX_PAGING_ATTEMPTS,
        )

    def parse_response(self, response: requests.Response) -> Iterator[dict]:
        """The rows the client already read from the page, noting its total."""
        page: Page = response.everflow_answer  # type: ignore[attr-defined]
        if page.total_count is not None:  # proto3 may leave paging out
            self._totals.append(page.total_count)
        yield from page.rows
