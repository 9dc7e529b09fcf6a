"""Rows per time bucket (and per value), read from the aggregated report (pure).

The report (``entity/table``) groups Everflow's counts by up to ten columns, at
most one of them a time column. Its ids are strings, and the contract does not
say how a time column's id is written: ``YYYY-MM-DD``, ``YYYY-MM-DD HH:MM:SS``
(the bucket's start, in the request's time zone: the tap asks in UTC) and
epoch-seconds digits are read; anything else makes the counts unavailable.
"""

from __future__ import annotations

import calendar
import time
import typing as t
from dataclasses import dataclass

from tap_everflow.planning.limits import API_TIME_FORMAT, DAY, DAY_FORMAT, TABLE_CAP
from tap_everflow.planning.slices import flagged_incomplete

# The report's time columns, finest first, and the seconds of their buckets.
TIME_COLUMNS = {"unix_timestamp": 900, "hour": 3_600, "date": DAY}
NO_VALUE = ""  # the id of rows without a value for a column


class CountsUnavailable(Exception):
    """The report's answer cannot be read as counts; the message says why."""


@dataclass(frozen=True)
class Bucket:
    """Rows counted in ``start..end`` (inclusive epoch seconds).

    ``variance``: of ``rows``, where they are estimated from a sample.
    """

    start: int
    end: int
    rows: float
    variance: float = 0.0

    @property
    def seconds(self) -> int:
        """Its length in seconds (both ends inclusive)."""
        return self.end - self.start + 1


def bucket_start(text: t.Any, seconds: int) -> int:
    """The epoch start of the bucket a time column's ``id`` names."""
    if isinstance(text, str) and text.isdigit():
        epoch = int(text)
    else:
        epoch = -1
        for layout in (API_TIME_FORMAT, DAY_FORMAT):
            try:
                epoch = calendar.timegm(time.strptime(str(text), layout))
                break
            except ValueError:
                continue
    if epoch < 0 or epoch % seconds:
        msg = f"a time id the tap cannot read as a {seconds} s bucket: {text!r:.40}"
        raise CountsUnavailable(msg)
    return epoch


def table_rows(
    payload: t.Any,
) -> list[tuple[dict[str | None, t.Any], t.Any]] | None:
    """(ids by column, reporting) of each row; None when the table was capped."""
    table = payload.get("table", []) if isinstance(payload, dict) else None
    if not isinstance(table, list):
        msg = f"not a table (an answer of type {type(payload).__name__})"
        raise CountsUnavailable(msg)
    if flagged_incomplete(payload) or len(table) >= TABLE_CAP:
        return None
    rows = []
    for row in table:
        if not isinstance(row, dict):
            msg = f"a table row that is not an object: {row!r:.80}"
            raise CountsUnavailable(msg)
        ids = {column: item.get("id") for column, item in column_items(row).items()}
        rows.append((ids, row.get("reporting")))
    return rows


def column_items(row: t.Any) -> dict[str | None, dict[str, t.Any]]:
    """A table row's column items (``id``, ``label``, ...) by ``column_type``."""
    items = row.get("columns") if isinstance(row, dict) else None
    return {
        item.get("column_type"): item for item in items or () if isinstance(item, dict)
    }


def filter_value(column_id: t.Any) -> str | None:
    """A column's id as a filter value; None where the row has no value."""
    return None if column_id in (None, "", 0, "0") else str(column_id)


def count_of(reporting: t.Any, metric: str) -> int:
    """A row's count of ``metric`` (proto3: omitted is zero)."""
    if reporting is None:  # proto3: all of them zero
        return 0
    value = reporting.get(metric, 0) if isinstance(reporting, dict) else None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        msg = f"a count of {metric} that is not a whole number: {value!r:.40}"
        raise CountsUnavailable(msg)
    return value


def read_counts(payload: t.Any, metric: str, column: str) -> dict[int, int] | None:
    """``metric`` by bucket start of the time ``column``; None if capped."""
    rows = table_rows(payload)
    if rows is None:
        return None
    seconds = TIME_COLUMNS[column]
    counts: dict[int, int] = {}
    for ids, reporting in rows:
        start = bucket_start(ids.get(column), seconds)
        counts[start] = counts.get(start, 0) + count_of(reporting, metric)
    return counts


def read_by(payload: t.Any, metric: str, column: str) -> dict[str, int] | None:
    """``metric`` by value of ``column`` from a table answer; None if capped."""
    rows = table_rows(payload)
    if rows is None:
        return None
    counts: dict[str, int] = {}
    for ids, reporting in rows:
        key = filter_value(ids.get(column)) or NO_VALUE
        counts[key] = counts.get(key, 0) + count_of(reporting, metric)
    return counts


def buckets_of(
    totals: t.Mapping[int, int], seconds: int, start: int, end: int
) -> list[Bucket]:
    """Every bucket of ``seconds`` overlapping ``start..end``, clipped to it.

    A bucket the report does not list holds nothing. A clipped bucket keeps its
    whole count: the report may count whole buckets, so it is an upper bound.
    """
    first = start - start % seconds
    return [
        Bucket(max(start, at), min(end, at + seconds - 1), totals.get(at, 0))
        for at in range(first, end + 1, seconds)
    ]
