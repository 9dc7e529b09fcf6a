"""The aggregated report, one request per day, split when a day overflows."""

from __future__ import annotations

import datetime as dt
import typing as t
from http import HTTPStatus
from zoneinfo import ZoneInfo

from typing_extensions import override

from tap_everflow.planning.counts import column_items, filter_value
from tap_everflow.planning.limits import REPORT_PATH, TABLE_CAP, TIMEZONES, Limits
from tap_everflow.planning.progress import Progress
from tap_everflow.planning.slices import Answer, Dimension, Slice, flagged_incomplete
from tap_everflow.planning.sync_range import RangeRule, Unit
from tap_everflow.planning.walk import walk
from tap_everflow.planning.window_body import table_body
from tap_everflow.records.schemas.daily_report import (
    TABLE_ROW_SCHEMA,
    daily_report_schema,
)
from tap_everflow.streams.ranged import RangedStream

if t.TYPE_CHECKING:
    from collections.abc import Iterator

    from singer_sdk.helpers.types import Context

# Columns whose ids are filter resource types, so a day can be split on them.
SPLITTABLE = ("offer", "affiliate", "advertiser", "country", "campaign", "creative")
# walk() cuts the range's positions as it cuts seconds; here a position is a
# day number (Unit.DAY: date.toordinal()), one a request. A day has one row per
# column combination: the table's cap is on those rows.
DAY_LIMITS = Limits(max_rows=TABLE_CAP, max_span=1)


def _day(number: int) -> dt.date:
    """The day of a day number (a position of the range, ``date.toordinal()``)."""
    return dt.date.fromordinal(number)


def _column_id(column: str) -> t.Callable[[t.Any], str | None]:
    """Read the id of ``column`` from a table row, as a filter value."""

    def value_of(row: t.Any) -> str | None:
        return filter_value(column_items(row).get(column, {}).get("id"))

    return value_of


class DailyReportStream(RangedStream):
    """``POST /networks/reporting/entity/table``: one row per day and columns.

    Days are read in the reporting time zone, one request each (:func:`walk`
    over day numbers, see DAY_LIMITS). A day answered with
    ``incomplete_results`` is split by the columns' ids, as raw seconds are.
    Recent days are re-read (``daily_report_lookback_days``): their numbers
    change as conversions arrive and are scrubbed. Today is read as it stands
    (no lag) and read again next run; Everflow keeps the aggregated numbers
    for good, so any start_date is honoured (no retention).
    """

    name = "daily_report"
    path = REPORT_PATH
    http_method = "POST"
    records_key = "table"
    replication_key = "date"
    is_sorted = True
    range_rule = RangeRule(
        Unit.DAY,
        lag=False,
        retention_days=None,
        lookback_days="daily_report_lookback_days",
    )
    # The request is built from settings the user may have mistyped.
    status_advice: t.ClassVar[dict[int, str]] = {
        HTTPStatus.BAD_REQUEST: (
            "Everflow rejected the daily report's request: check that each of "
            "daily_report_columns is a column Everflow's aggregated report knows "
            "(offer, affiliate, advertiser, country, ...) and that "
            "daily_report_currency_id is a currency of the account"
        )
    }

    @property
    def columns(self) -> list[str]:
        """The report's columns besides the date, from the settings."""
        return list(self.config["daily_report_columns"])

    # mypy misses @override on a property with a setter (python/mypy#15900).
    @property  # type: ignore[explicit-override]
    @override
    def primary_keys(self) -> t.Sequence[str]:
        """The day and the id of every column."""
        return ("date", *(f"{column}_id" for column in self.columns))

    @primary_keys.setter
    def primary_keys(self, _value: t.Sequence[str]) -> None:
        """The SDK assigns catalog keys back; they are derived from settings."""

    @property
    @override
    def schema(self) -> dict:
        """Day, column ids and labels, and every metric (zero when omitted)."""
        return daily_report_schema(self.columns)

    @property
    @override
    def check_sorted(self) -> bool:
        """The lookback starts before the bookmark."""
        return False

    @override
    def read_answer(self, payload: t.Any) -> Answer:
        """The day's rows, and whether Everflow cut them at its row cap."""
        return Answer(self.rows_in(payload), incomplete=flagged_incomplete(payload))

    @override
    def range_zone(self) -> ZoneInfo:
        """The reporting time zone, whose days the report counts."""
        zone_id = int(self.config["daily_report_timezone_id"])
        return ZoneInfo(TIMEZONES[zone_id])

    @override
    def get_records(self, context: Context | None) -> Iterator[dict]:
        """Every row of every day, day by day."""
        if (days := self.sync_range()) is None:
            return
        dimensions = [
            Dimension(column, _column_id(column))
            for column in self.columns
            if column in SPLITTABLE
        ]
        conform = self.conformer(TABLE_ROW_SCHEMA)
        workers = int(self.config["max_concurrent_requests"])
        progress = Progress(*days)
        with self.requests_ahead(self._request_day, workers) as ahead:
            for window in walk(
                *days,
                ahead.fetch,
                dimensions=dimensions,
                limits=DAY_LIMITS,
                prefetch=ahead.prefetch if workers > 1 else None,
                concurrency=workers,
            ):
                day = _day(window.start).isoformat()
                for shortfall in window.shortfalls:
                    self.logger.warning(
                        "%s: %s, %s: more rows than Everflow returns in one "
                        "request, and no column left to split on; kept %d rows.",
                        self.name,
                        day,
                        shortfall.partition.describe(),
                        shortfall.rows_returned,
                    )
                step = progress.done(window.end, len(window.rows), window.requests)
                self.log_progress(step, f"{day}: {len(window.rows)} rows")
                for row in window.rows:
                    yield self._record(day, row, conform)
                self.mark_complete(day)

    def _record(self, day: str, row: t.Any, conform: t.Callable) -> dict:
        columns = column_items(row)
        record: dict[str, t.Any] = {"date": day}
        for column in self.columns:
            item = columns.get(column) or {}
            record[f"{column}_id"] = str(item.get("id") or "")
            record[f"{column}_label"] = str(item.get("label") or "")
        record.update(conform(row)["reporting"])
        return record

    def _request_day(self, window: Slice) -> Answer:
        day = _day(window.start)
        body = table_body(
            day,
            day,
            columns=self.columns,
            partition=window.partition,
            currency_id=self.config["daily_report_currency_id"],
            timezone_id=int(self.config["daily_report_timezone_id"]),
        )
        return self.post_json(body)
