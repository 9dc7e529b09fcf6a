"""The aggregated report (``entity/table``), computed from the simulator's truth.

Impressions count as ``imp``; clicks as ``total_click`` and ``unique_click``
(``is_unique``) and add their payout and revenue; approved conversions count
as ``cv`` (events as ``event``) and add theirs, other conversions are left
out. A group (a row of the table) exists when a record counted in it.
Amounts are summed as they are, whatever their ``currency_id`` (the
simulator converts no currency).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from harness.simulator.catalog import COUNTRY_NAMES, country_code_of
from harness.simulator.records import KINDS
from harness.simulator.rules import (
    BadRequest,
    Record,
    Request,
    Window,
    local_epoch,
    matcher,
)

# (record, time) -> (id, label) of the group the record falls in.
Column = Callable[[Record, int], tuple[str, str]]
# A group of the table: its (id, label) in each of the request's columns.
Group = tuple[tuple[str, str], ...]


def _party(entity: str, key: str) -> Column:
    def value(row: Record, _ts: int) -> tuple[str, str]:
        party = (row.get("relationship") or {}).get(entity) or {}
        found = party.get(key)
        return ("" if found is None else str(found)), party.get("name") or ""

    return value


def _country(row: Record, _ts: int) -> tuple[str, str]:
    code = country_code_of(row)
    return code, COUNTRY_NAMES.get(code, code)


def _days(window: Window) -> Column:
    """Label records with their day in the request's zone."""
    first = dt.datetime.fromtimestamp(window.start, window.zone).date()
    last = dt.datetime.fromtimestamp(window.end, window.zone).date()
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    # Local midnights as epochs: a record's day is found by bisection,
    # which stays right across DST changes.
    midnights = [
        local_epoch(dt.datetime(d.year, d.month, d.day), window.zone) for d in days
    ]
    labels = [d.isoformat() for d in days]

    def value(_row: Record, ts: int) -> tuple[str, str]:
        label = labels[bisect.bisect_right(midnights, ts) - 1]
        return label, label

    return value


# Time columns finer than a day: buckets of this many seconds, from the epoch.
BUCKETS = {"unix_timestamp": 900, "hour": 3_600}
# How a time column's ``id`` is written (docs/api.md#time-columns: open): as
# "YYYY-MM-DD HH:MM:SS" (a day: "YYYY-MM-DD") in the request's zone, or as
# epoch-seconds digits of the bucket's start.
TIME_ID_FORMATS = ("datetime", "epoch")


def _buckets(seconds: int, window: Window, id_format: str) -> Column:
    """Label records with the start of their bucket of ``seconds``."""

    def value(_row: Record, ts: int) -> tuple[str, str]:
        start = ts - ts % seconds
        label = dt.datetime.fromtimestamp(start, window.zone).strftime(
            "%Y-%m-%d %H:%M:%S"
        )
        return (str(start) if id_format == "epoch" else label), label

    return value


def _days_as(window: Window, id_format: str) -> Column:
    days = _days(window)
    if id_format != "epoch":
        return days

    def value(row: Record, ts: int) -> tuple[str, str]:
        label, _ = days(row, ts)
        day = dt.date.fromisoformat(label)
        start = local_epoch(dt.datetime(day.year, day.month, day.day), window.zone)
        return str(start), label

    return value


_COLUMNS: dict[str, Column] = {
    "offer": _party("offer", "network_offer_id"),
    "affiliate": _party("affiliate", "network_affiliate_id"),
    "advertiser": _party("advertiser", "network_advertiser_id"),
    "country": _country,
}
TIME_COLUMNS = ("date", *BUCKETS)
COLUMN_TYPES = (*_COLUMNS, *TIME_COLUMNS)


@dataclass(frozen=True)
class ReportOptions:
    """How a server's aggregated report differs from the truth.

    Attributes:
        time_columns: The time columns it accepts (others: 400).
        time_ids: How time columns' ids are written (``TIME_ID_FORMATS``).
        count_noise: Each group's counts are off by up to this share, either
            way (deterministic per group).
        uncounted: This share of rows is not counted (yet) at all.
    """

    time_columns: tuple[str, ...] = TIME_COLUMNS
    time_ids: str = "datetime"
    count_noise: float = 0.0
    uncounted: float = 0.0


def _cents(amount: Any) -> int:
    return round((amount or 0) * 100)


@dataclass
class _Totals:
    imp: int = 0
    total_click: int = 0
    unique_click: int = 0
    cv: int = 0
    event: int = 0
    payout_cents: int = 0
    revenue_cents: int = 0

    def add_impression(self, _row: Record) -> None:
        self.imp += 1

    def add_click(self, row: Record) -> None:
        self.total_click += 1
        self.unique_click += int(row.get("is_unique") or 0)
        self.payout_cents += _cents(row.get("payout"))
        self.revenue_cents += _cents(row.get("revenue"))

    def add_conversion(self, row: Record) -> None:
        if row.get("is_event"):
            self.event += 1
        else:
            self.cv += 1
        self.payout_cents += _cents(row.get("payout"))
        self.revenue_cents += _cents(row.get("revenue"))

    def reporting(self, counted: Callable[[int], int] = int) -> Record:
        """The metrics; ``counted`` is how the report counts raw rows."""
        cvr = round(self.cv / self.total_click * 100, 4) if self.total_click else 0.0
        return {
            "imp": counted(self.imp),
            "total_click": counted(self.total_click),
            "unique_click": self.unique_click,
            "cv": self.cv,
            "cvr": cvr,
            "event": self.event,
            "revenue": self.revenue_cents / 100,
            "payout": self.payout_cents / 100,
            "profit": (self.revenue_cents - self.payout_cents) / 100,
        }


_ADD = {
    "impressions": _Totals.add_impression,
    "clicks": _Totals.add_click,
    "conversions": _Totals.add_conversion,
}


def _counted(kind: str, row: Record) -> bool:
    # Conversions that are not approved neither count nor form a group.
    return kind != "conversions" or row.get("status") == "approved"


def _columns(
    request: Request, window: Window, options: ReportOptions
) -> list[tuple[str, Column]]:
    asked = request.get("columns")
    if not isinstance(asked, list) or not asked or len(asked) > 10:
        msg = 'columns is required: 1 to 10 of [{"column": "offer"}, ...]'
        raise BadRequest(msg)
    known = (*_COLUMNS, *options.time_columns)
    names: list[str] = []
    for item in asked:
        name = item.get("column") if isinstance(item, dict) else None
        if not isinstance(name, str) or name not in known:
            msg = f"unknown column {name!r}, expected one of {list(known)}"
            raise BadRequest(msg)
        names.append(name)
    if len(set(names)) < len(names):
        msg = "columns must not repeat"
        raise BadRequest(msg)
    if sum(name in TIME_COLUMNS for name in names) > 1:
        msg = "only one time column (unix_timestamp, hour, date) per request"
        raise BadRequest(msg)

    def column(name: str) -> Column:
        if name == "date":
            return _days_as(window, options.time_ids)
        if name in BUCKETS:
            return _buckets(BUCKETS[name], window, options.time_ids)
        return _COLUMNS[name]

    return [(name, column(name)) for name in names]


def _noisy(count: int, key: Group, options: ReportOptions) -> int:
    """A group's count as a report that lags or estimates would give it."""
    if not (options.count_noise or options.uncounted):
        return count
    draw = random.Random(repr(key)).uniform(-1, 1)  # the same for every request
    share = (1 - options.uncounted) * (1 + options.count_noise * draw)
    return max(0, round(count * share))


def entity_table(
    request: Request,
    window: Window,
    rows: Mapping[str, list[Record]],
    options: ReportOptions = ReportOptions(),
) -> tuple[list[Record], Record]:
    """Aggregate the truth in ``window`` by the request's columns.

    Args:
        request: The request body (``columns``, ``currency_id``, ``query``).
        window: The checked ``from``/``to`` window.
        rows: The rows of each kind (impressions, clicks, conversions)
            whose time lies in the window.
        options: How the report's columns and counts differ from the truth.

    Returns:
        The table rows, one per group, sorted by their columns, and the
        summary over all of them.

    Raises:
        BadRequest: On bad columns, currency or query.
    """
    columns = _columns(request, window, options)
    currency = request.get("currency_id")
    if currency is not None and not (isinstance(currency, str) and len(currency) == 3):
        msg = "currency_id must be an ISO 4217 code"
        raise BadRequest(msg)
    keep = matcher(request)
    groups: dict[Group, _Totals] = {}
    summary = _Totals()
    for kind, add in _ADD.items():
        time_field = KINDS[kind].time_field
        for row in rows[kind]:
            if not (_counted(kind, row) and keep(row)):
                continue
            ts = row[time_field]
            key = tuple(column(row, ts) for _, column in columns)
            totals = groups.get(key)
            if totals is None:
                totals = groups[key] = _Totals()
            add(totals, row)
            add(summary, row)
    table = [
        {
            "columns": [
                {"column_type": name, "id": id_, "label": label}
                for (name, _), (id_, label) in zip(columns, key, strict=True)
            ],
            "reporting": groups[key].reporting(
                functools.partial(_noisy, key=key, options=options)
            ),
        }
        for key in sorted(groups)
    ]
    return table, summary.reporting()
