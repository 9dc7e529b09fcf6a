"""Rows per day and value, read from the aggregated report's table."""

from __future__ import annotations

import typing as t

from tap_everflow.packing import NO_VALUE

TABLE_CAP = 10_000  # the report's row cap, as for raw reports


class ReportShapeError(Exception):
    """The aggregated report answered in a shape the contract does not describe."""


def report_counts(
    payload: t.Any, metric: str, column: str
) -> dict[str, dict[str, int]] | None:
    """``metric`` by day (``YYYY-MM-DD``) and ``column`` id, from a table answer.

    Rows without an id for ``column`` (proto3: omitted, ``""`` or ``0``) count
    under ``NO_VALUE``; an omitted metric is zero. Returns None when the table
    hit its row cap (flagged, or exactly at it): its counts are incomplete.
    """
    table = payload.get("table", []) if isinstance(payload, dict) else None
    if not isinstance(table, list):
        msg = f"expected an object with a table list, got {type(payload).__name__}"
        raise ReportShapeError(msg)
    if (
        payload.get("incomplete_results") in (True, "true", 1)
        or len(table) >= TABLE_CAP
    ):
        return None
    counts: dict[str, dict[str, int]] = {}
    for row in table:
        ids = {
            item.get("column_type"): item.get("id")
            for item in (row.get("columns") or () if isinstance(row, dict) else ())
            if isinstance(item, dict)
        }
        day = ids.get("date")
        reporting = row.get("reporting") or {} if isinstance(row, dict) else None
        rows = reporting.get(metric, 0) if isinstance(reporting, dict) else -1
        try:
            rows = int(rows)
        except (TypeError, ValueError):
            rows = -1
        if not isinstance(day, str) or rows < 0:  # a negative count: none found
            msg = f"a table row without a date or a count of {metric}: {row!r:.200}"
            raise ReportShapeError(msg)
        value = ids.get(column)
        key = NO_VALUE if value in (None, "", 0, "0") else str(value)
        by_value = counts.setdefault(day, {})
        by_value[key] = by_value.get(key, 0) + rows
    return counts
