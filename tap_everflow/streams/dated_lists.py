"""Lists of rows dated by a day and asked for by date range (reporting adjustments)."""

from __future__ import annotations

import datetime as dt
import typing as t

from typing_extensions import override

from tap_everflow.planning.window_body import window_body
from tap_everflow.streams.entities import EntityStream
from tap_everflow.streams.ranged import RangedStream

if t.TYPE_CHECKING:
    from collections.abc import Generator

    from singer_sdk.helpers.types import Context

# Days per request: Everflow's reporting endpoints take up to a year.
MAX_DAYS = 366


class DatedListStream(EntityStream, RangedStream):
    """A paged list whose rows are dated by a day (``replication_key``).

    Read in ranges of UTC days (``from``/``to``, both inclusive, at most
    MAX_DAYS), each paged as any list. The ``complete_through`` state key is
    the last day whose rows were all emitted, and every run re-reads the
    rule's lookback before it: rows are made later for days past (an
    adjustment corrects a past day) and change after the fact. Rows come in
    list order, so the SDK's bookmark says nothing (``bookmark=False``).
    """

    is_sorted = True  # as incremental entities: the bookmark is complete_through
    activates_versions = False  # read by days, never as a whole list
    check_sorted = False

    @override
    def get_records(self, context: Context | None) -> Generator[dict, None, None]:
        """Every row dated in the run's days, range by range."""
        if (days := self.sync_range()) is None:
            return
        first, last = days
        while first <= last:
            end = min(last, first + MAX_DAYS - 1)
            # A GET: the range goes as the query string.
            params = window_body(dt.date.fromordinal(first), dt.date.fromordinal(end))
            read = yield from self.read_list(params)
            if not read.complete:
                return
            self.mark_complete(_day(end))
            first = end + 1


def _day(number: int) -> str:
    """A day number (``date.toordinal()``) as the API and the state write it."""
    return dt.date.fromordinal(number).isoformat()
