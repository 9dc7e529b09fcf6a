"""Streams read in consecutive time windows, each emitted whole and in order."""

from __future__ import annotations

import datetime as dt
import time
import typing as t

from singer_sdk.helpers.conform import TypeConformanceLevel

from tap_everflow.client import EverflowStream
from tap_everflow.errors import EverflowResponseError
from tap_everflow.proto3 import record_conformer
from tap_everflow.settings import parse_time, setting

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from singer_sdk.helpers.types import Context

    from tap_everflow.windowing import CompletedWindow

# Stream state key: every row up to and including this time has been emitted.
COMPLETE_THROUGH = "complete_through"


def utc(epoch: int) -> dt.datetime:
    """An epoch second as an aware UTC datetime."""
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc)


class WindowedStream(EverflowStream):
    """A stream read window by window, every window complete before it is emitted.

    Each window's rows are emitted sorted by time, so the SDK's bookmark (the
    latest time emitted) is resumable: everything before it has been emitted.
    The ``complete_through`` state key records the end of the last finished
    window, so that the next run starts after it rather than re-reading the
    bookmark's second. Subclasses say how to fetch the complete windows of a
    range (:meth:`complete_windows`).
    """

    replication_key = "occurred_at"
    is_sorted = True
    # Records are built field by field from the schema (see proto3.py).
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE
    time_field: t.ClassVar[str] = "unix_timestamp"
    # How far back the API keeps rows; a setting name, or a fixed number of days.
    retention_days: t.ClassVar[str | int] = "retention_days"
    # Days re-read before the bookmark on every run: rows that change later.
    lookback_days: t.ClassVar[str | int] = 0

    @property
    def check_sorted(self) -> bool:
        """Windows re-read by the lookback start before the bookmark."""
        return not self.lookback_days

    def complete_windows(
        self, start: int, end: int, context: Context | None
    ) -> Iterator[CompletedWindow]:
        """Consecutive windows covering ``start..end``, each with all its rows."""
        raise NotImplementedError

    def _days(self, value: str | int) -> int:
        return int(setting(self.config, value) if isinstance(value, str) else value)

    def sync_range(self, context: Context | None) -> tuple[int, int] | None:
        """The inclusive epoch range to extract this run, or None if nothing is due.

        Starts at the later of start_date, the bookmark and the end of the last
        complete window, less the stream's lookback; never earlier than the API
        keeps rows. Ends at end_date, but never later than now minus lag_minutes.
        """
        now = int(time.time())
        end = now - 60 * int(setting(self.config, "lag_minutes"))
        if self.config.get("end_date"):
            end = min(end, int(parse_time(self.config["end_date"]).timestamp()))
        retention_days = self._days(self.retention_days)
        earliest = now - retention_days * 86_400

        starting = self.get_starting_timestamp(context)
        start = int(starting.timestamp()) if starting else None
        state = self.get_context_state(context)
        if complete := state.get(COMPLETE_THROUGH):
            after_complete = int(parse_time(complete).timestamp()) + 1
            start = max(start or after_complete, after_complete)
        lookback = self._days(self.lookback_days) * 86_400
        if (
            start is not None
            and lookback
            and (complete or "replication_key_value" in state)
        ):
            start_date = self.config.get("start_date")
            floor = int(parse_time(start_date).timestamp()) if start_date else earliest
            start = max(floor, start - lookback)
        if start is None:
            start = earliest
            self.logger.info(
                "%s: no start_date; starting %s, the limit of raw-data retention "
                "(%d days).",
                self.name,
                utc(start).isoformat(),
                retention_days,
            )
        elif start < earliest:
            self.logger.warning(
                "%s: Everflow keeps raw rows for only about %d days; skipping "
                "%s to %s (%.1f days) and starting at %s.",
                self.name,
                retention_days,
                utc(start).isoformat(),
                utc(earliest - 1).isoformat(),
                (earliest - start) / 86_400,
                utc(earliest).isoformat(),
            )
            start = earliest
        if start > end:
            self.logger.info(
                "%s: nothing to extract (next start %s is after the end %s).",
                self.name,
                utc(start).isoformat(),
                utc(end).isoformat(),
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
        conform = record_conformer(self.schema, derived=[self.replication_key])
        rows_so_far = 0
        requests_so_far = 0
        with self.get_http_request_counter() as counter:
            counter.with_context(context)
            for window in self.complete_windows(*sync_range, context):
                counter.increment(window.requests)
                records = self._window_records(window, conform)
                rows_so_far += len(records)
                requests_so_far += window.requests
                self._report(
                    window, len(records), sync_range, rows_so_far, requests_so_far
                )
                yield from records
                # Only now, with every record of the window emitted, is it complete.
                self.get_context_state(context)[COMPLETE_THROUGH] = utc(
                    window.end
                ).isoformat()

    def _window_records(
        self, window: CompletedWindow, conform: Callable[[t.Any], dict]
    ) -> list[dict]:
        """The window's rows as records: conformed, deduplicated, time-ordered."""
        key_field = self.primary_keys[0]
        by_id: dict[str, dict] = {}
        outside = 0
        for row in window.rows:
            record = conform(row)
            epoch = record[self.time_field]
            if not window.start <= epoch <= window.end:
                outside += 1
                continue
            key = record[key_field]
            if not key:
                msg = (
                    f"{self.name}: Everflow sent a row without {key_field} at "
                    f"{utc(record[self.time_field]).isoformat()}; rows cannot be "
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
                utc(window.start).isoformat(),
                utc(window.end).isoformat(),
            )
        records = sorted(
            by_id.values(), key=lambda r: (r[self.time_field], r[key_field])
        )
        stamp_epoch, stamp = None, ""
        for record in records:  # sorted, so consecutive rows share the string
            if record[self.time_field] != stamp_epoch:
                stamp_epoch = record[self.time_field]
                stamp = utc(stamp_epoch).isoformat()
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
            utc(window.start).isoformat(),
            utc(window.end).isoformat(),
            rows,
            window.requests,
            100 * done,
            utc(start).isoformat(),
            utc(end).isoformat(),
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
                utc(shortfall.second).isoformat(),
                shortfall.partition.describe(),
                shortfall.rows_returned,
            )
