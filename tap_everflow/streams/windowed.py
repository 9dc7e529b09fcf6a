"""Streams read in consecutive time windows, each emitted whole and in order."""

from __future__ import annotations

import datetime as dt
import typing as t
from contextlib import closing
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter

import msgspec
from msgspec.structs import asdict
from singer_sdk import singerlib as singer
from singer_sdk.mapper import SameRecordTransform
from typing_extensions import override

from tap_everflow.errors import EverflowResponseError
from tap_everflow.planning.progress import Progress
from tap_everflow.planning.sync_range import RangeRule, Span, Unit, utc
from tap_everflow.records.proto3 import deselected_paths
from tap_everflow.records.schemas.fields import without
from tap_everflow.records.typed_rows import TypedRows
from tap_everflow.runtime.record_lines import LineWriter
from tap_everflow.streams.ranged import RangedStream

if t.TYPE_CHECKING:
    from collections.abc import Generator, Iterator

    from singer_sdk.helpers.types import Context

    from tap_everflow.planning.slices import CompletedWindow

# The end of an ISO 8601 UTC time, by second of the hour: "MM:SS+00:00".
MINUTES_SECONDS = tuple(f"{s // 60:02d}:{s % 60:02d}+00:00" for s in range(3600))


@dataclass(slots=True)
class RangeSync:
    """The sync of one range in progress: what the stream's hooks need of it.

    The SDK calls its per-record hooks with the record alone, so the stream
    holds this for the range; the window fields change as each window is emitted.
    """

    progress: Progress  # how far the range is (see progress.py)
    # When the window being emitted was complete: its records' time_extracted.
    extracted_at: dt.datetime | None = None
    # Writes the window's records as lines, where no stream map alters them.
    write_line: t.Callable[[dict], None] | None = None


class WindowedStream(RangedStream):
    """A stream read window by window, every window complete before it is emitted.

    Windows are consecutive and each one's rows are emitted sorted by time, so
    the SDK's bookmark (the latest ``replication_key`` emitted) never moves
    back, and the next run starts at its second: rows of that second are read
    again, and the target's upsert by key absorbs those it already received.
    A stream that re-reads a lookback before the bookmark (whose bookmark
    then moves back) also keeps ``complete_through``, the end of the last
    finished window, and resumes after it. Subclasses say how to fetch the
    complete windows of a
    range (:meth:`complete_windows`); their rows arrive typed
    (:attr:`typed_rows`), and records are built from the selected properties only.
    """

    replication_key = "occurred_at"
    is_sorted = True
    time_field: t.ClassVar[str] = "unix_timestamp"
    # Raw rows: kept retention_days, no lookback (they do not change).
    range_rule = RangeRule(Unit.SECOND, lag=True, retention_days="retention_days")
    # The sync of the range being read: set as it starts (_window_by_window).
    range_sync: RangeSync

    @property
    @override
    def check_sorted(self) -> bool:
        """Windows re-read by the lookback start before the bookmark."""
        return not self.lookback_days()

    def complete_windows(
        self, start: int, end: int
    ) -> Generator[CompletedWindow, None, None]:
        """Consecutive windows covering ``start..end``, each with all its records.

        A generator: closing it stops the requests it runs ahead.
        """
        raise NotImplementedError

    @cached_property
    def row_schema(self) -> dict:
        """The schema of the rows the API sends: the stream's, less derived fields.

        All of it, selected or not: splitting a window reads ids from rows.
        """
        return without(self.schema, [self.replication_key])

    @cached_property
    def typed_rows(self) -> TypedRows:
        """Rows as msgspec Structs: compact, typed, zero-filled (see proto3).

        The key and the time must be readable: rows are placed and told apart
        by them.
        """
        return TypedRows(
            self.row_schema,
            self.surprises,
            name=self.name,
            critical=(*self.primary_keys, self.time_field),
            alternatives=self.alternatives,
        )

    @cached_property
    def _deselected(self) -> list[tuple[str, ...]]:
        """Paths of the properties the catalog leaves out, parents first."""
        return deselected_paths(self.schema, self.mask.__getitem__)

    @cached_property
    def _line_writer(self) -> LineWriter | None:
        """The tap's writer where records go out as built: RECORD lines, unmapped.

        Only stream maps and flattening change records after :meth:`_records`.
        With ``batch_config`` records go through the SDK's record steps to the
        batch files instead (:meth:`get_batches`): they must be plain builtins.
        """
        writer = self._tap.message_writer
        stream_map, *others = self.stream_maps
        unmapped = (
            not others
            and type(stream_map) is SameRecordTransform
            and not stream_map.flattening_enabled
        )
        as_lines = unmapped and self.get_batch_config(self.config) is None
        return writer if as_lines and isinstance(writer, LineWriter) else None

    @override  # a private SDK method: see tap_everflow/sdk_private.py
    def _generate_record_messages(
        self, record: dict
    ) -> Generator[singer.RecordMessage, None, None]:
        """RECORD messages through the stream maps, as the SDK writes them.

        The SDK's version first walks every record against the selection mask
        and the schema's types; records here are built with the declared types
        and the deselected properties already removed (:meth:`_records`), so
        that walk, a third of the tap's time per record, is skipped.
        """
        extracted = self.range_sync.extracted_at
        for stream_map in self.stream_maps:
            mapped = stream_map.transform(record)
            if mapped is not None:
                yield singer.RecordMessage(
                    stream=stream_map.stream_alias,
                    record=mapped,
                    version=self._stream_version,
                    time_extracted=extracted,
                )

    @override  # a private SDK method: see tap_everflow/sdk_private.py
    def _write_record_message(self, record: dict) -> None:
        """Write a RECORD message; straight as a line where no map alters records.

        The SDK's version builds a message object per record and hands it
        through its writer's layers (see :mod:`tap_everflow.runtime.record_lines`);
        the line written is the same.
        """
        write_line = self.range_sync.write_line
        if write_line is None:
            super()._write_record_message(record)
            return
        write_line(record)
        self.state_manager.is_flushed = False

    @override
    def get_records(self, context: Context | None) -> Iterator[dict]:
        """Emit every row of the sync range, window by window, in time order."""
        span = self.sync_range()
        if span is not None:
            yield from self._window_by_window(span)

    def _window_by_window(self, sync_range: Span) -> Iterator[dict]:
        sync = self.range_sync = RangeSync(Progress(*sync_range))
        # Closed explicitly, so that an error here, while windows are fetched
        # ahead, stops those requests at once (see requests_ahead).
        with (
            self.get_http_request_counter() as counter,
            closing(self.complete_windows(*sync_range)) as windows,
        ):
            for window in windows:
                counter.increment(window.requests)
                sync.extracted_at = dt.datetime.now(dt.timezone.utc)
                if writer := self._line_writer:
                    sync.write_line = writer.lines(
                        self.name, self._stream_version, sync.extracted_at
                    )
                rows = self._window_rows(window)
                self._report(window, len(rows))
                yield from self._records(rows, as_lines=writer is not None)
                if writer:
                    writer.flush()  # the window's records, before a slow next one
                if self.lookback_days():
                    # Only now, with every record of the window emitted, is it
                    # complete: the mark to resume from, as the bookmark moves
                    # back while the lookback is re-read.
                    self.mark_complete(utc(window.end).isoformat())

    def _window_rows(self, window: CompletedWindow) -> list[msgspec.Struct]:
        """The window's rows, deduplicated and in time order."""
        key_field = self.primary_keys[0]
        time_of, key_of = attrgetter(self.time_field), attrgetter(key_field)
        by_id: dict[str, msgspec.Struct] = {}
        outside = 0
        for row in window.rows:
            epoch = time_of(row)
            if not epoch:
                msg = (
                    f"{self.name}: Everflow sent a row without {self.time_field} "
                    f"(key {key_of(row)!r}); the row cannot be placed in time. "
                    "Please report it to Everflow."
                )
                raise EverflowResponseError(msg)
            if not window.start <= epoch <= window.end:
                outside += 1
                continue
            key = key_of(row)
            if not key:
                msg = (
                    f"{self.name}: Everflow sent a row without {key_field} at "
                    f"{utc(epoch).isoformat()}; rows cannot be told apart. Please "
                    "report it to Everflow."
                )
                raise EverflowResponseError(msg)
            by_id.setdefault(key, row)
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
        # By key, then (stable) by time: as by (time, key), with cheaper compares.
        rows = sorted(by_id.values(), key=key_of)
        rows.sort(key=time_of)
        return rows

    def _records(self, rows: list[msgspec.Struct], *, as_lines: bool) -> Iterator[dict]:
        """Sorted rows as records, one at a time: each lives only while emitted.

        Written straight as lines (``as_lines``: :attr:`RangeSync.write_line`),
        a record may keep its nested objects as Structs, which encode the
        same: only a stream map reads them.
        """
        deselected = self._deselected
        shallow = as_lines and all(len(p) == 1 for p in deselected)
        to_record = asdict if shallow else msgspec.to_builtins
        # Undeclared fields already reported, held as raw JSON: blanked, so
        # that nested Structs encode without them, and left out at the top.
        undeclared = self.typed_rows.undeclared_fields()
        dropped: list[tuple[str, ...]] = [
            (name,) for parents, name in undeclared if not parents
        ]
        dropped += deselected
        time_of, replication_key = attrgetter(self.time_field), self.replication_key
        stamp_epoch, stamp, hour, hour_prefix = None, "", None, ""
        for row in rows:
            epoch = time_of(row)  # from the row: the time field may be deselected
            if undeclared:
                _blank(row, undeclared)
            record = to_record(row)
            if dropped:
                _drop(record, dropped)
            if epoch != stamp_epoch:  # sorted: consecutive rows share the string
                if epoch // 3600 != hour:
                    hour = epoch // 3600
                    hour_prefix = utc(hour * 3600).strftime("%Y-%m-%dT%H:")
                stamp_epoch, stamp = epoch, hour_prefix + MINUTES_SECONDS[epoch % 3600]
            record[replication_key] = stamp
            yield record

    def _report(self, window: CompletedWindow, rows: int) -> None:
        step = self.range_sync.progress.done(
            window.end, rows, window.requests, to_come=window.rows_to_come
        )
        self.log_progress(
            step,
            f"{utc(window.start).isoformat()}..{utc(window.end).isoformat()}: "
            f"{rows} rows in {window.requests} requests",
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


def _blank(row: msgspec.Struct, fields: list[tuple[tuple[str, ...], str]]) -> None:
    """Unset a row's ``fields`` (parent names, attribute), where its type has them."""
    holder: t.Any  # a (nested) Struct
    for parents, name in fields:
        holder = row
        for parent in parents:
            holder = getattr(holder, parent)
        # Not contextlib.suppress: a context per row and field is slow.
        try:  # noqa: SIM105
            setattr(holder, name, msgspec.UNSET)
        except AttributeError:  # a row typed before the field was seen
            pass


def _drop(record: dict, paths: list[tuple[str, ...]]) -> None:
    """Remove the properties at ``paths`` (parents first) from a record."""
    holder: t.Any  # a (nested) dict
    for *parents, name in paths:
        holder = record
        for parent in parents:
            holder = holder.get(parent) or {}
        holder.pop(name, None)
