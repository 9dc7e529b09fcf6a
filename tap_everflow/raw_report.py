"""Raw report streams: every row of a period, fetched in complete windows."""

from __future__ import annotations

import typing as t
from functools import cached_property, partial
from operator import attrgetter

import msgspec

from tap_everflow.settings import setting
from tap_everflow.windowed import WindowedStream, utc
from tap_everflow.windowing import (
    Answer,
    CompletedWindow,
    Dimension,
    Partition,
    Slice,
    walk,
)

if t.TYPE_CHECKING:
    from collections.abc import Iterator

    from singer_sdk.helpers.types import Context

UTC_TIMEZONE_ID = 67  # Everflow's id for UTC: windows are planned in UTC
API_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def _related_id(entity: str, id_field: str) -> t.Callable[[t.Any], str | None]:
    """Read ``relationship.<entity>.<id_field>`` of a row as a filter value."""

    def value_of(row: t.Any) -> str | None:
        value = getattr(getattr(row.relationship, entity), id_field)
        return str(value) if value else None

    return value_of


def _source_id(row: t.Any) -> str | None:
    return row.source_id or None


# How an overflowing second is split: by offer, then affiliate, then source id.
# All three are ids the rows themselves carry, so a split can use the values of
# an overflowing answer, and filters on them are exact (no name matching).
RAW_DIMENSIONS = (
    Dimension("offer", _related_id("offer", "network_offer_id")),
    Dimension("affiliate", _related_id("affiliate", "network_affiliate_id")),
    Dimension("source_id", _source_id),
)


class RawReportStream(WindowedStream):
    """A raw report endpoint walked in windows that each come back complete.

    The endpoint answers at most 10,000 rows and 14 days per request, in no
    particular order; :func:`tap_everflow.windowing.walk` plans the requests,
    and up to ``max_concurrent_requests`` of them run ahead of the emitted rows.
    """

    http_method = "POST"
    primary_keys = ("transaction_id",)
    dimensions: t.ClassVar[tuple[Dimension, ...]] = RAW_DIMENSIONS

    def complete_windows(
        self, start: int, end: int, context: Context | None
    ) -> Iterator[CompletedWindow]:
        """Walk ``start..end`` in windows that each came back complete."""
        root = Partition.from_query(
            setting(self.config, "filters"), setting(self.config, "exclusions")
        )
        workers = int(setting(self.config, "max_concurrent_requests"))
        call = partial(self._request_window, context=context)
        with self.requests_ahead(call, workers) as ahead:  # ~7 MB held per window
            yield from walk(
                start,
                end,
                ahead.fetch,
                root=root,
                dimensions=self.dimensions,
                time_of=attrgetter(self.time_field),
                prefetch=ahead.prefetch if workers > 1 else None,
                concurrency=workers,
            )

    def _request_window(self, window: Slice, context: Context | None) -> Answer:
        body = {
            "from": utc(window.start).strftime(API_TIME_FORMAT),
            "to": utc(window.end).strftime(API_TIME_FORMAT),
            "timezone_id": UTC_TIMEZONE_ID,
            "query": window.partition.query(),
        }
        return self.post_json(body, context)

    @cached_property
    def _answer_type(self) -> t.Any:
        """Either answer shape, rows typed as :attr:`row_type` (proto3)."""
        row = self.row_type
        envelope = msgspec.defstruct(
            f"{self.name}_answer",
            [
                (self.records_key, list[row] | msgspec.UnsetType, msgspec.UNSET),
                ("incomplete_results", bool, False),
                ("error", t.Any, msgspec.UNSET),
            ],
        )
        return list[row] | envelope

    def decode_answer(self, content: bytes) -> Answer:
        """Decode the rows straight into typed rows, in C, when they keep the schema.

        msgspec fills omitted fields with zero values; an answer it cannot type
        (nulls, numbers as text, an error, no rows key) takes the general path:
        decoded, checked and conformed in Python, several times slower.
        """
        try:
            answer = msgspec.json.decode(content, type=self._answer_type, strict=False)
        except msgspec.ValidationError:
            return super().decode_answer(content)
        if isinstance(answer, list):
            return Answer(answer)
        rows = getattr(answer, self.records_key)
        if rows is msgspec.UNSET or answer.error is not msgspec.UNSET:
            return super().decode_answer(content)
        return Answer(rows, incomplete=answer.incomplete_results)

    def read_answer(self, payload: t.Any) -> Answer:
        """Read either answer shape: ``{records_key: [...]}`` or a bare list."""
        if isinstance(payload, list):
            return Answer(self.conform_rows(payload))
        rows = self.rows_in(payload)
        flag = payload.get("incomplete_results")
        return Answer(self.conform_rows(rows), incomplete=flag in (True, "true", 1))
