"""Raw report streams: every row of a period, fetched in complete windows."""

from __future__ import annotations

import itertools
import typing as t
from functools import partial
from operator import attrgetter

import msgspec
from singer_sdk.exceptions import RetriableAPIError

from tap_everflow.errors import EverflowAPIError
from tap_everflow.packing import DAY, Chunk, DayCounts, pack_days, read_chunk
from tap_everflow.report_counts import ReportShapeError, report_counts
from tap_everflow.settings import setting
from tap_everflow.traffic import Limits
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
DAY_FORMAT = "%Y-%m-%d"
REPORT_PATH = "/networks/reporting/entity/table"
# Whole days are packed by affiliate: networks have many, so each holds a small
# share of a day, and requests can be filled close to the cap.
COUNTED_BY = "affiliate"
LIMITS = Limits()  # the raw report endpoints' limits


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
    particular order. Whole days are read in requests packed from the
    aggregated report's counts (:mod:`tap_everflow.packing`) where the stream
    has a count there; the rest is walked by time
    (:func:`tap_everflow.windowing.walk`). Up to ``max_concurrent_requests``
    requests run ahead of the emitted rows.
    """

    http_method = "POST"
    primary_keys = ("transaction_id",)
    dimensions: t.ClassVar[tuple[Dimension, ...]] = RAW_DIMENSIONS
    # The aggregated report's count of this stream's rows (taken to count the
    # same rows: a wrong count costs requests, never rows); None: windows are
    # sized by time only.
    report_count: t.ClassVar[str | None] = None
    # The endpoint's row cap and longest window (invalid clicks: 1,000 rows).
    limits: t.ClassVar[Limits] = LIMITS

    @property
    def packs_days(self) -> bool:
        """Whether whole days may be read in requests packed from report counts."""
        return bool(self.report_count and setting(self.config, "pack_by_report_counts"))

    @property
    def check_sorted(self) -> bool:
        """Packed days come request by request, each in time order, not all of them.

        Resuming does not rely on the order: see ``complete_through``.
        """
        return super().check_sorted and not self.packs_days

    def complete_windows(
        self, start: int, end: int, context: Context | None
    ) -> Iterator[CompletedWindow]:
        """Read ``start..end`` in windows that each came back complete.

        The first request is the walk's first window. Only if it overflows is
        the traffic worth counting: a quiet account pays no report request.
        """
        root = self.root_partition()
        workers = int(setting(self.config, "max_concurrent_requests"))
        call = partial(self._request_window, context=context)
        with self.requests_ahead(call, workers) as ahead:  # ~7 MB held per window
            answered: dict[Slice, Answer] = {}

            def fetch(window: Slice) -> Answer:
                return answered.pop(window, None) or ahead.fetch(window)

            first = Slice(start, min(end, start + self.limits.max_span - 1), root)
            answered[first] = ahead.fetch(first)
            chunks: list[Chunk] = []
            if answered[first].overflowed(self.limits):
                chunks = self._packed_days(start, end, root, context)
            if chunks:
                answered.clear()  # no walk starts with that window now
            prefetch = ahead.prefetch if workers > 1 else None
            options = {
                "dimensions": self.dimensions,
                "time_of": attrgetter(self.time_field),
                "prefetch": prefetch,
                "concurrency": workers,
                "limits": self.limits,
            }
            cursor = start
            for chunk, after in itertools.zip_longest(chunks, chunks[1:]):
                if cursor < chunk.start:
                    yield from walk(
                        cursor, chunk.start - 1, fetch, root=root, **options
                    )
                following = after.slices if after else ()
                yield from read_chunk(chunk, fetch, following=following, **options)
                cursor = chunk.end + 1
            if cursor <= end:
                yield from walk(cursor, end, fetch, root=root, **options)

    def root_partition(self) -> Partition:
        """What every request asks for: the configured filters and exclusions."""
        return Partition.from_query(
            setting(self.config, "filters"), setting(self.config, "exclusions")
        )

    def _packed_days(
        self, start: int, end: int, root: Partition, context: Context | None
    ) -> list[Chunk]:
        """Requests for the whole UTC days in ``start..end``, packed from counts.

        None where the stream has no report count, the setting is off, or the
        report cannot be read (then a warning says why).
        """
        first = -(-start // DAY) * DAY
        last = (end + 1) // DAY * DAY - 1
        if not self.packs_days or last - first + 1 < DAY:
            return []
        try:
            days = self._day_counts(first, last, root, context)
        except (EverflowAPIError, RetriableAPIError, ReportShapeError) as error:
            self.logger.warning(
                "%s: cannot count rows by day with the aggregated report (%s); "
                "sizing windows by time instead.",
                self.name,
                error,
            )
            return []
        chunks = pack_days(days, root=root, resource_type=COUNTED_BY)
        self.logger.info(
            "%s: the aggregated report counts %d rows in %s..%s: %d requests "
            "planned for them.",
            self.name,
            sum(chunk.rows for chunk in chunks),
            utc(first).date().isoformat(),
            utc(last).date().isoformat(),
            sum(len(chunk.slices) for chunk in chunks),
        )
        return chunks

    def _day_counts(
        self, first: int, last: int, root: Partition, context: Context | None
    ) -> list[DayCounts]:
        """Rows per day and affiliate from the aggregated report, days ``first..last``.

        A report over its row cap is asked again for each half of its days.
        """
        body = {
            "from": utc(first).strftime(DAY_FORMAT),
            "to": utc(last).strftime(DAY_FORMAT),
            "timezone_id": UTC_TIMEZONE_ID,
            "currency_id": setting(self.config, "daily_report_currency_id"),
            "columns": [{"column": "date"}, {"column": COUNTED_BY}],
            "query": root.query(),
        }
        payload = self.post_json(
            body, context, path=REPORT_PATH, decode=msgspec.json.decode
        )
        counts = report_counts(payload, self.report_count or "", COUNTED_BY)
        if counts is None:
            if last - first < DAY:
                msg = f"the report of {body['from']} holds more than its row cap"
                raise ReportShapeError(msg)
            middle = first + (last - first + 1) // DAY // 2 * DAY
            return self._day_counts(first, middle - 1, root, context) + (
                self._day_counts(middle, last, root, context)
            )
        labels = {day: utc(day).strftime(DAY_FORMAT) for day in range(first, last, DAY)}
        if counts and not counts.keys() & set(labels.values()):
            msg = f"its dates ({min(counts)}, ...) are none of the days asked for"
            raise ReportShapeError(msg)
        return [
            DayCounts(day, day + DAY - 1, counts.get(label, {}))
            for day, label in labels.items()
        ]

    def _request_window(self, window: Slice, context: Context | None) -> Answer:
        body = {
            "from": utc(window.start).strftime(API_TIME_FORMAT),
            "to": utc(window.end).strftime(API_TIME_FORMAT),
            "timezone_id": UTC_TIMEZONE_ID,
            "query": window.partition.query(),
        }
        return self.post_json(body, context)

    def decode_answer(self, content: bytes) -> Answer:
        """Decode the rows straight into typed rows, in C, when they keep the schema.

        msgspec fills omitted fields with zero values; an answer it cannot type
        (nulls, numbers as text, a new field, an error, no rows key) takes the
        general path: decoded, checked and conformed in Python, several times
        slower, and reported once per field (see :mod:`tap_everflow.typed_rows`).
        """
        typed = self.typed_rows
        try:
            answer = msgspec.json.decode(
                content, type=typed.answer_type(self.records_key)
            )
        except msgspec.ValidationError:
            return super().decode_answer(content)
        if isinstance(answer, list):
            return Answer(typed.typed(answer))
        rows = getattr(answer, self.records_key)
        if rows is msgspec.UNSET or answer.error is not msgspec.UNSET:
            return super().decode_answer(content)
        return Answer(typed.typed(rows), incomplete=answer.incomplete_results)

    def read_answer(self, payload: t.Any) -> Answer:
        """Read either answer shape: ``{records_key: [...]}`` or a bare list."""
        if isinstance(payload, list):
            return Answer(self.conform_rows(payload))
        rows = self.rows_in(payload)
        flag = payload.get("incomplete_results")
        return Answer(self.conform_rows(rows), incomplete=flag in (True, "true", 1))
