"""Network entities (offers, affiliates, advertisers): paged lists, read whole."""

from __future__ import annotations

import typing as t

from singer_sdk.helpers.conform import TypeConformanceLevel

from tap_everflow.client import EverflowStream
from tap_everflow.paging import PAGE_SIZE, Page, PagePaginator, total_count
from tap_everflow.proto3 import record_conformer
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

    def get_new_paginator(self) -> PagePaginator:
        """Page numbers from 1, until a short page or ``paging.total_count``."""
        return PagePaginator()

    def get_url_params(
        self, context: Context | None, next_page_token: int | None
    ) -> dict[str, int]:
        """The page to read, at the API's largest page size."""
        return {"page": next_page_token or 1, "page_size": PAGE_SIZE}

    def read_answer(self, payload: t.Any) -> Page:
        """One page of the list."""
        return Page(self.rows_in(payload), total_count(payload))

    def get_records(self, context: Context | None) -> Iterator[dict]:
        """Every entity read, once: one pushed onto the next page is not repeated.

        An entity deleted while the list is paged could instead pull one back
        onto a page already read; the next sync (full table) reads it.
        """
        conform = record_conformer(self.schema, derived=DERIVED_TIMES.values())
        seen: set[int] = set()
        key = self.primary_keys[0]
        for row in self.request_records(context):
            record = conform(row)
            if record[key] in seen:
                continue
            seen.add(record[key])
            for epoch_field, time_field in DERIVED_TIMES.items():
                epoch = record[epoch_field]
                record[time_field] = utc(epoch).isoformat() if epoch else None
            yield record

    def parse_response(self, response: requests.Response) -> Iterator[dict]:
        """The rows the client already read from the page."""
        page: Page = response.everflow_answer  # type: ignore[attr-defined]
        yield from page.rows
