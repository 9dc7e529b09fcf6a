"""Request bodies: a range (``from``, ``to``, ``timezone_id``) and the report's.

See docs/api.md#time-zones for how Everflow reads a range.
"""

from __future__ import annotations

import datetime as dt
import time
import typing as t

from tap_everflow.planning.limits import API_TIME_FORMAT, DAY_FORMAT, UTC_TIMEZONE_ID

if t.TYPE_CHECKING:
    from collections.abc import Sequence

    from tap_everflow.planning.slices import Partition


def window_body(
    first: int | dt.date, last: int | dt.date, timezone_id: int = UTC_TIMEZONE_ID
) -> dict[str, str | int]:
    """``from``, ``to`` and ``timezone_id`` of the inclusive range ``first..last``.

    An epoch second is sent as a UTC time (``YYYY-MM-DD HH:MM:SS``), so only
    with UTC's ``timezone_id``; a day as a date (``YYYY-MM-DD``), which
    Everflow reads in ``timezone_id``.
    """
    if isinstance(first, int) and timezone_id != UTC_TIMEZONE_ID:
        msg = f"epoch seconds are UTC times, not times in timezone {timezone_id}"
        raise ValueError(msg)
    return {"from": _bound(first), "to": _bound(last), "timezone_id": timezone_id}


def table_body(
    first: int | dt.date,
    last: int | dt.date,
    *,
    columns: Sequence[str],
    partition: Partition,
    currency_id: str,
    timezone_id: int = UTC_TIMEZONE_ID,
) -> dict[str, t.Any]:
    """The aggregated report's body: a range, its ``columns`` and ``partition``."""
    return {
        **window_body(first, last, timezone_id),
        "currency_id": currency_id,
        "columns": [{"column": column} for column in columns],
        "query": partition.query(),
    }


def _bound(value: int | dt.date) -> str:
    if isinstance(value, int):
        return time.strftime(API_TIME_FORMAT, time.gmtime(value))
    return value.strftime(DAY_FORMAT)
