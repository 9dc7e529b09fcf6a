"""Raw report streams: every row of a period, fetched in complete windows."""

from __future__ import annotations

import datetime as dt
import time
import typing as t

from singer_sdk.exceptions import RetriableAPIError
from singer_sdk.helpers.conform import TypeConformanceLevel

from tap_everflow.client import EverflowStream
from tap_everflow.errors import EverflowResponseError
from tap_everflow.prefetch import Prefetcher
from tap_everflow.proto3 import record_conformer
from tap_everflow.settings import parse_time, setting
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
# Stream state key: every row up to and including this time has been emitted.
COMPLETE_THROUGH = "complete_through"


def _related_id(entity: str, id_field: str) -> t.Callable[[t.Any], str | None]:
    """Read ``relationship.<entity>.<id_field>`` of a raw row as a filter value."""

    def value_of(row: t.Any) -> str | None:
        related = row.get("relationship") if isinstance(row, dict) else None
        found = related.get(entity) if isinstance(related, dict) else None
        value = found.get(id_field) if isinstance(found, dict) else None
        return str(value) if value not in (None, "", 0, "0") else None

    return value_of


def _source_id(row: t.Any) -> str | None:
    value = row.get("source_id") if isinstance(row, dict) else None
    return value if isinstance(value, str) and value else None


# How an overflowing second is split: by offer, then affiliate, then source id.
# All three are ids the rows themselves carry, so a split can use the values of
# an overflowing answer, and filters on them are exact (no name matching).
RAW_DIMENSIONS = (
    Dimension("offer", _related_id("offer", "network_offer_id")),
    Dimension("affiliate", _related_id("affiliate", "network_affiliate_id")),
    Dimension("source_id", _source_id),
)


def _epoch_of(row: t.Any) -> int:
    """A raw row's epoch second, or 0 when it has none (used for planning only)."""
    value = row.get("unix_timestamp") if isinstance(row, dict) else None
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _foreign(payload: dict, records_key: str) -> bool:
    """Whether an object answer is an error, or rows under another key."""
    if "error" in payload:
        return True
    return records_key not in payload and any(
        isinstance(value, list) and value for value in payload.values()
    )


def _utc(epoch: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc)


class RawReportStream(EverflowStream):
    """A raw report endpoint walked in windows that each come back complete.

    The endpoint answers at most 10,000 rows and 14 days per request, in no
    particular order; :func:`tap_everflow.windowing.walk` plans the requests.
    Each window's rows are emitted sorted by time, so the SDK's bookmark (the
    latest time emitted) is resumable: everything before it has been emitted.
    The ``complete_through`` state key records the end of the last finished
    window, so that the next run starts after it rather than re-reading the
    bookmark's second.
    """

    http_method = "POST"
    primary_keys = ("transaction_id",)
    replication_key = "occurred_at"
    is_sorted = True
    # Records are built field by field from the schema (see proto3.py).
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE
    time_field: t.ClassVar[str] = "unix_timestamp"
    dimensions: t.ClassVar[tuple[Dimension, ...]] = RAW_DIMENSIONS

    def sync_range(self, context: Context | None) -> tuple[int, int] | None:
        """The inclusive epoch range to extract this run, or None if nothing is due.

        Starts at the later of start_date, the bookmark and the end of the last
        complete window; never earlier than the API's raw-data retention. Ends
        at end_date, but never later than now minus lag_minutes.
        """
        now = int(time.time())
        end = now - 60 * int(setting(self.config, "lag_minutes"))
        if self.config.get("end_date"):
            end = min(end, int(parse_time(self.config["end_date"]).timestamp()))
        retention_days = int(setting(self.config, "retention_days"))
        earliest = now - retention_days * 86_400

        starting = self.get_starting_timestamp(context)
        start = int(starting.timestamp()) if starting else None
        complete = self.get_context_state(context).get(COMPLETE_THROUGH)
        if complete:
            after_complete = int(parse_time(complete).timestamp()) + 1
            start = max(start or after_complete, after_complete)
        if start is None:
            start = earliest
            self.logger.info(
                "%s: no start_date; starting %s, the limit of raw-data retention "
                "(%d days).",
                self.name,
                _utc(start).isoformat(),
                retention_days,
            )
        elif start < earliest:
            self.logger.warning(
                "%s: Everflow keeps raw rows for only about %d days; skipping "
                "%s to %s (%.1f days) and starting at %s.",
                self.name,
                retention_days,
                _utc(start).isoformat(),
                _utc(earliest - 1).isoformat(),
                (earliest - start) / 86_400,
                _utc(earliest).isoformat(),
            )
            start = earliest
        if start > end:
            self.logger.info(
                "%s: nothing to extract (next start %s is after the end %s).",
                self.name,
                _utc(start).isoformat(),
                _utc(end).isoformat(),
            )
            return None
        return start, end

    def get_records(self, context: Context | None) -> Iterator[dict]:
        """Emit every row of the sync range, window by window, in time order."""
        span = self.sync_range(context)
        if span is None:
            return
        self.stopping.clear()
        try:
            yield from self._window_by_window(span, context)
        except BaseException:
            self.stopping.set()  # requests still running ahead give up
            raise

    def _window_by_window(
        self, sync_range: tuple[int, int], context: Context | None
    ) -> Iterator[dict]:
        start, end = sync_range
        root = Partition.from_query(
            setting(self.config, "filters"), setting(self.config, "exclusions")
        )
        conform = record_conformer(self.schema, derived=[self.replication_key])
        workers = int(setting(self.config, "max_concurrent_requests"))
        rows_so_far = 0
        requests_so_far = 0
        with (
            self.get_http_request_counter() as counter,
            Prefetcher(lambda w: self._request_window(w, context), workers) as ahead,
        ):
            counter.with_context(context)

            def fetch(window: Slice) -> Answer:
                counter.increment()
                return ahead.fetch(window)

            for window in walk(
                start,
                end,
                fetch,
                root=root,
                dimensions=self.dimensions,
                time_of=_epoch_of,
                prefetch=ahead.prefetch if workers > 1 else None,
                lookahead=workers,
            ):
                records = self._window_records(window, conform)
                rows_so_far += len(records)
                requests_so_far += window.requests
                self._report(
                    window, len(records), sync_range, rows_so_far, requests_so_far
                )
                yield from records
                # Only now, with every record of the window emitted, is it complete.
                self.get_context_state(context)[COMPLETE_THROUGH] = _utc(
                    window.end
                ).isoformat()

    def _request_window(self, window: Slice, context: Context | None) -> Answer:
        body = {
            "from": _utc(window.start).strftime(API_TIME_FORMAT),
            "to": _utc(window.end).strftime(API_TIME_FORMAT),
            "timezone_id": UTC_TIMEZONE_ID,
            "query": window.partition.query(),
        }
        return self.post_json(body, context)

    def read_answer(self, payload: t.Any) -> Answer:
        """Read either answer shape: ``{records_key: [...]}`` or a bare list.

        Proto3 omits empty lists, so an object without the key has no rows,
        unless it carries rows under another key: that is not this endpoint's
        answer (a proxy, a wrong route), and reading it as empty would lose rows.
        """
        if isinstance(payload, list):
            return Answer(payload)
        if isinstance(payload, dict) and not _foreign(payload, self.records_key):
            rows = payload.get(self.records_key) or []
            flag = payload.get("incomplete_results")
            if isinstance(rows, list):
                return Answer(rows, incomplete=flag in (True, "true", 1))
        # An error text or a foreign shape behind a 200: likely a proxy; retry.
        shape = type(payload).__name__
        if isinstance(payload, dict):
            shape += " with keys " + ", ".join(sorted(payload)[:5])
        msg = f"Everflow answered {self.path} with an unexpected JSON shape ({shape})"
        raise RetriableAPIError(msg)

    def _window_records(
        self, window: CompletedWindow, conform: t.Callable[[t.Any], dict]
    ) -> list[dict]:
        """The window's rows as records: conformed, deduplicated, time-ordered."""
        by_id: dict[str, dict] = {}
        outside = 0
        for row in window.rows:
            record = conform(row)
            epoch = record[self.time_field]
            if not window.start <= epoch <= window.end:
                outside += 1
                continue
            key = record["transaction_id"]
            if not key:
                msg = (
                    f"{self.name}: Everflow sent a row without transaction_id at "
                    f"{_utc(record[self.time_field]).isoformat()}; rows cannot be "
                    "told apart. Please report it to Everflow."
                )
                raise EverflowResponseError(msg)
            by_id.setdefault(key, record)
        if outside:
            self.logger.warning(
                "%s: ignored %d rows whose %s lies outside the requested window "
                "%s..%s (the API should not send them).",
                self.name,
                outside,
                self.time_field,
                _utc(window.start).isoformat(),
                _utc(window.end).isoformat(),
            )
        records = sorted(
            by_id.values(), key=lambda r: (r[self.time_field], r["transaction_id"])
        )
        stamp_epoch, stamp = None, ""
        for record in records:  # sorted, so consecutive rows share the string
            if record[self.time_field] != stamp_epoch:
                stamp_epoch = record[self.time_field]
                stamp = _utc(stamp_epoch).isoformat()
            record[self.replication_key] = stamp
        return records

    def _report(
        self,
        window: CompletedWindow,
        rows: int,
        sync_range: tuple[int, int],
        rows_so_far: int,
        requests_so_far: int,
    ) -> None:
        start, end = sync_range
        done = (window.end - start + 1) / (end - start + 1)
        self.logger.info(
            "%s: %s..%s: %d rows in %d requests; %.1f%% of %s..%s, %d rows and "
            "%d requests so far.",
            self.name,
            _utc(window.start).isoformat(),
            _utc(window.end).isoformat(),
            rows,
            window.requests,
            100 * done,
            _utc(start).isoformat(),
            _utc(end).isoformat(),
            rows_so_far,
            requests_so_far,
        )
        for shortfall in window.shortfalls:
            self.logger.warning(
                "%s: at %s, %s still matches more rows than Everflow returns in "
                "one request and cannot be split further: kept the %d rows it "
                "returned; an unknown number more are missing. Narrow that traffic "
                "with filters or exclusions, or use Everflow's report export.",
                self.name,
                _utc(shortfall.second).isoformat(),
                shortfall.partition.describe(),
                shortfall.rows_returned,
            )
