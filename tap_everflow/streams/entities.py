"""Network entities (offers, creatives, users, ...): paged lists Everflow keeps.

A stream of this module is a declaration: its path, the key its rows come
under, its primary key and schema. What every list shares lives here: the
paging (tolerant of servers that page otherwise than asked), decoding, the
derived ``created_at``/``saved_at``, incremental reads by ``time_saved``, and
deletions (``ACTIVATE_VERSION`` after every read of a whole list).
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter

from typing_extensions import override

from tap_everflow.planning.sync_range import utc
from tap_everflow.records.schemas.fields import DERIVED_TIMES, without
from tap_everflow.runtime.paging import Page, PagedRead, total_count
from tap_everflow.runtime.settings import parse_time
from tap_everflow.streams.base import EverflowStream

if t.TYPE_CHECKING:
    from collections.abc import Generator

    from singer_sdk.helpers._batch import BatchConfig
    from singer_sdk.helpers.types import Context

    from tap_everflow.records.proto3 import Conformer

# Saves this close before a read began are asked for again next run: Everflow's
# clock and this machine's may differ, and a save re-read costs one row.
SAVE_MARGIN_SECONDS = 300


@dataclass(frozen=True)
class ListRead:
    """How a read of a list ended.

    Attributes:
        complete: Every entity the request matched was read (no page lost to a
            server that repeats pages, no list that kept changing).
        filter_ignored: The server sent entities its ``time_saved`` filter
            excludes: it ignored the filter and sent the whole list.
    """

    complete: bool
    filter_ignored: bool = False


class EntityStream(EverflowStream):
    """A paged list read whole on every run: a full-table stream.

    Entity lists are small (thousands of rows). Every record carries this run's
    table version, and a read of the whole list ends with ``ACTIVATE_VERSION``
    (setting ``emit_activate_version_messages``): a target that handles it
    (target-postgres: ``hard_delete``, or its ``_sdc_deleted_at`` column) drops
    or flags the entities this read no longer found.
    """

    # Other keys the rows may come under (docs/api.md#wrapper-keys-and-bare-arrays).
    other_records_keys: t.ClassVar[tuple[str, ...]] = ()
    # The primary key's name in sources that spell it otherwise
    # (docs/api.md#status-field-names).
    key_alias: t.ClassVar[str | None] = None
    # The body of a ``POST .../table`` search (http_method POST); None for GET.
    search_body: t.ClassVar[dict | None] = None
    # Whether get_records ends a read of the whole list with ACTIVATE_VERSION
    # (if emit_activate_version_messages is on).
    activates_versions: t.ClassVar[bool] = True

    @property
    def marks_deletions(self) -> bool:
        """Whether a read of the whole list ends with ``ACTIVATE_VERSION``."""
        return self.activates_versions and bool(
            self.config["emit_activate_version_messages"]
        )

    @override
    def get_batch_config(self, config: t.Mapping) -> BatchConfig | None:
        """No batch files while the list marks deletions: RECORD messages instead.

        Batch files carry no table version, so a target would take the
        ``ACTIVATE_VERSION`` after them to mark every entity they hold deleted.
        """
        return None if self.marks_deletions else super().get_batch_config(config)

    @property
    @override
    def emit_activate_version_messages(self) -> bool:
        """Never at the start of the sync, as the SDK would write it.

        A target applies ACTIVATE_VERSION when it arrives: before the first
        record, it drops every row of the table until the read brings them
        back (all of them, if the read then fails). :meth:`get_records`
        writes the message after the last record of a whole list instead.
        """
        return False

    @cached_property
    def row_schema(self) -> dict:
        """The schema of the rows the API sends: the stream's, less derived times."""
        return without(self.schema, DERIVED_TIMES.values())

    @cached_property
    def derived_times(self) -> dict[str, str]:
        """The epoch fields this stream has, and the date-time derived from each."""
        declared = self.schema["properties"]
        return {
            epoch: time for epoch, time in DERIVED_TIMES.items() if epoch in declared
        }

    def saved_since(self) -> int | None:
        """Read only entities saved after this epoch second; None: the whole list."""
        return None

    def read_complete(self) -> None:
        """Called once every entity the run asked for was emitted."""

    @override
    def get_records(self, context: Context | None) -> Generator[dict, None, None]:
        """Every entity asked for, once; then ``ACTIVATE_VERSION`` if it is all."""
        # Every record carries the run's version, so that a later read of the
        # whole list keeps what this one read (the SDK's own number).
        self._stream_version = self._initialized_at // 1000
        since = self.saved_since()
        params = {} if since is None else {"filter": f"time_saved>{since}"}
        read = yield from self.read_list(params, since=since)
        if not read.complete:
            return
        self.read_complete()
        whole = since is None or read.filter_ignored
        if whole and self.marks_deletions:
            self._write_activate_version_message(self._stream_version)

    def read_list(
        self, params: dict, *, since: int | None = None
    ) -> Generator[dict, None, ListRead]:
        """Emit every entity the list holds for ``params``, once each.

        Paged by the rule of :mod:`tap_everflow.runtime.paging`: an entity
        created or deleted while the list is paged moves others between pages,
        the total changes, and the list is read again for those not seen yet.
        (A deletion and a creation between the same pages keep the total; the
        next sync reads what they hid.) With ``since``, an entity saved no
        later than it shows that the server ignored the filter.
        """
        conform = self.conformer(self.row_schema, critical=self.primary_keys)
        ignored = False
        with self.get_http_request_counter() as counter:

            def fetch(paging: dict[str, int]) -> Page:
                nonlocal ignored
                counter.increment()
                page = self._page({**paging, **params}, conform)
                if since is not None and not ignored:
                    ignored = any(self._ignores_filter(r, since) for r in page.rows)
                return page

            read = PagedRead(
                fetch, itemgetter(self.primary_keys[0]), self.name, self.logger
            )
            yield from read
        if read.problem:
            self.logger.warning(
                "%s: entities it moved or did not send may be missing until the "
                "next sync, and none is marked deleted.",
                read.problem,
            )
        return ListRead(complete=read.problem is None, filter_ignored=ignored)

    def _page(self, params: dict, conform: Conformer) -> Page:
        """The page ``params`` ask for, in the query string (as every list takes it).

        Sources disagree whether a ``POST .../table`` search takes its paging
        in the body or the query (docs/api.md#paging-placement): the query, and
        the paging is read from what comes back, whatever page size the server
        used. Its rows come back as records.
        """
        page: Page = self.request_json(
            self.http_method, body=self.search_body, params=params
        )
        return Page([self._record(row, conform) for row in page.rows], page.total_count)

    def _record(self, row: t.Any, conform: Conformer) -> dict:
        """A row as a record: conformed, its key found, its times derived."""
        alias = self.key_alias
        if alias and isinstance(row, dict) and not row.get(self.primary_keys[0]):
            row = {**row, self.primary_keys[0]: row.get(alias)}
        record = conform(row)
        for epoch_field, time_field in self.derived_times.items():
            epoch = record[epoch_field]
            record[time_field] = utc(epoch).isoformat() if epoch else None
        return record

    def _ignores_filter(self, record: dict, since: int) -> bool:
        saved = record.get("time_saved") or 0
        if saved > since:
            return False
        self.logger.info(
            "%s: Everflow ignored the filter time_saved>%d (it sent an entity "
            "saved %s): reading the whole list.",
            self.name,
            since,
            utc(saved).isoformat(),
        )
        return True

    @override
    def read_answer(self, payload: t.Any) -> Page:
        """One page of the list: ``{records_key: [...], "paging": ...}`` or a bare list.

        Sources disagree on the wrapper (docs/api.md#wrapper-keys-and-bare-arrays):
        a bare list has no total, so paging ends at its first short page.
        """
        if isinstance(payload, list):
            return Page(payload, None)
        return Page(self.rows_in(payload), total_count(payload))

    @override
    def rows_in(self, payload: t.Any) -> list:
        """The rows under ``records_key``, or under a key other sources name."""
        if isinstance(payload, dict) and self.records_key not in payload:
            for key in self.other_records_keys:
                if isinstance(payload.get(key), list):
                    return payload[key]
        return super().rows_in(payload)


class IncrementalEntityStream(EntityStream):
    """A list Everflow filters by ``time_saved``: only entities saved since.

    Incremental on ``saved_at``. The ``complete_through`` state key is when
    the last complete read began; the next asks for ``time_saved`` after it
    (less a margin for clocks). The SDK's bookmark (the last record's
    ``saved_at``) is not used: records are in the list's order, not by time.
    A run with no mark, a stream named in ``entity_full_refresh``, or a server
    that ignores the filter reads the whole list (and marks deletions).
    """

    replication_key = "saved_at"
    # Not sorted by time: this keeps the SDK from warning, once per stream and
    # run, that an unsorted stream's bookmark is not resumable; the bookmark
    # here is complete_through, which only moves after a complete read.
    is_sorted = True
    check_sorted = False

    @override
    def saved_since(self) -> int | None:
        """The epoch second whose later saves are asked for; None: all."""
        if self.name in self.config["entity_full_refresh"]:
            return None
        if mark := self.complete_through():
            return int(parse_time(mark).timestamp()) - SAVE_MARGIN_SECONDS
        return None

    @override
    def read_complete(self) -> None:
        """Every save before the run began has been read."""
        self.mark_complete(utc(self._initialized_at // 1000).isoformat())
