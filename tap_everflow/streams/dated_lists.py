"""Lists of rows dated by a day and asked for by date range (reporting adjustments)."""

from __future__ import annotations

import datetime as dt
import typing as t

from typing_extensions import override

from tap_everflow.planning.window_body import window_body
from tap_everflow.runtime.settings import parse_time
from tap_everflow.streams.entities import EntityStream

if t.TYPE_CHECKING:
    from collections.abc import Generator

    from singer_sdk.helpers.types import Context

# Days per request: Everflow's reporting endpoints take up to a year.
MAX_DAYS = 366
DEFAULT_DAYS_BACK = 365  # without start_date, as far back as the reports keep


class DatedListStream(EntityStream):
    """A paged list whose rows are dated by a day (``replication_key``).

    Read in ranges of UTC days (``from``/``to``, both inclusive, at most
    MAX_DAYS), each paged as any list. The ``complete_through`` state key is
    the last day whose rows were all emitted, and every run re-reads
    ``lookback_days`` before it: rows are made later for days past (an
    adjustment corrects a past day) and change after the fact.
    """

    is_sorted = True  # as incremental entities: the bookmark is complete_through
    activates_versions = False  # read by days, never as a whole list
    check_sorted = False
    # The setting that holds the days re-read before complete_through.
    lookback_days: t.ClassVar[str]

    @override
    def get_records(self, context: Context | None) -> Generator[dict, None, None]:
        """Every row dated in the run's days, range by range."""
        first, last = self._days(context)
        while first <= last:
            end = min(last, first + dt.timedelta(days=MAX_DAYS - 1))
            read = yield from self.read_list(context, window_body(first, end))
            if not read.complete:
                return
            self.mark_complete(context, end.isoformat())
            first = end + dt.timedelta(days=1)

    def _days(self, context: Context | None) -> tuple[dt.date, dt.date]:
        """First and last day to read: the last complete day less the lookback."""
        today = dt.datetime.now(dt.timezone.utc).date()
        last = today
        if end_date := self.config.get("end_date"):
            last = min(today, parse_time(end_date, end_of_day=True).date())
        first = today - dt.timedelta(days=DEFAULT_DAYS_BACK)
        if start_date := self.config.get("start_date"):
            first = parse_time(start_date).date()
        if mark := self.complete_through(context):
            lookback = dt.timedelta(days=int(self.config[self.lookback_days]))
            first = max(first, dt.date.fromisoformat(mark[:10]) - lookback)
        return first, last
