"""The API's request rules (docs/api.md): bodies, time ranges, filters, paging.

Each check raises ``Refused`` (usually ``BadRequest``) with the message the
server answers in ``{"error": ...}``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, TypedDict
from zoneinfo import ZoneInfo

from harness.simulator.catalog import country_code_of

Record = dict[str, Any]
Request = dict[str, Any]  # a request's JSON body: an object

DAY = 86_400
MAX_ROWS = 10_000
MAX_SPAN_SECONDS = 14 * DAY
MAX_YEAR_SPAN_SECONDS = 366 * DAY
MAX_PAGE_SIZE = 2_000
DEFAULT_PAGE_SIZE = 50
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"
_SPELLED = {TIME_FORMAT: "YYYY-MM-DD HH:MM:SS", DATE_FORMAT: "YYYY-MM-DD"}


class Timezone(TypedDict):
    """A time zone as ``/meta/timezones`` lists it."""

    timezone_id: int
    timezone_name: str
    timezone: str
    utc_offset: str


TIMEZONES: tuple[Timezone, ...] = (
    {
        "timezone_id": 67,
        "timezone_name": "(GMT+00:00) UTC",
        "timezone": "UTC",
        "utc_offset": "+00:00",
    },
    {
        "timezone_id": 80,
        "timezone_name": "(GMT-05:00) New York",
        "timezone": "America/New_York",
        "utc_offset": "-05:00",
    },
    {
        "timezone_id": 90,
        "timezone_name": "(GMT-08:00) Los Angeles",
        "timezone": "America/Los_Angeles",
        "utc_offset": "-08:00",
    },
)
_ZONES = {tz["timezone_id"]: ZoneInfo(tz["timezone"]) for tz in TIMEZONES}


class Refused(Exception):
    """A refused request: answered with ``status`` and ``{"error": message}``."""

    def __init__(self, status: int, message: str) -> None:
        """Keep the status and the message to answer.

        Args:
            status: The HTTP status.
            message: The ``error`` text.
        """
        super().__init__(message)
        self.status = status
        self.message = message


class BadRequest(Refused):
    """The request breaks the API's rules (docs/api.md): 400."""

    def __init__(self, message: str) -> None:
        """Keep the message to answer.

        Args:
            message: The ``error`` text.
        """
        super().__init__(HTTPStatus.BAD_REQUEST, message)


def parse_json(body: bytes) -> Request:
    """Return the request body, which must be a JSON object.

    Args:
        body: The raw body.

    Returns:
        The parsed object.

    Raises:
        BadRequest: When it is not JSON or not an object.
    """
    try:
        request = json.loads(body or b"null")
    except ValueError as exc:
        msg = f"the body is not valid JSON: {exc}"
        raise BadRequest(msg) from None
    if not isinstance(request, dict):
        msg = "the body must be a JSON object"
        raise BadRequest(msg)
    return request


@dataclass(frozen=True)
class Window:
    """A request's inclusive [start, end] as UTC epochs, and its zone."""

    zone: ZoneInfo
    start: int
    end: int


def raw_window(request: Request) -> Window:
    """The window of a raw stream request: datetimes, at most 14 days.

    Args:
        request: The request body.

    Returns:
        The window.

    Raises:
        BadRequest: On a missing or malformed bound, or a longer window.
    """
    return _window(
        request,
        dates=False,
        datetimes=True,
        max_seconds=MAX_SPAN_SECONDS,
        too_long="the range between from and to must not exceed 14 days",
    )


def year_window(request: Request, *, datetimes: bool) -> Window:
    """The window of a report request: whole days (or datetimes), one year.

    A date as ``from`` starts at midnight and a date as ``to`` ends at the
    end of its day, both in the request's time zone.

    Args:
        request: The request body.
        datetimes: Also accept ``YYYY-MM-DD HH:MM:SS`` bounds.

    Returns:
        The window.

    Raises:
        BadRequest: On a missing or malformed bound, or a longer window.
    """
    return _window(
        request,
        dates=True,
        datetimes=datetimes,
        max_seconds=MAX_YEAR_SPAN_SECONDS,
        too_long="the range between from and to must not exceed one year",
    )


def _window(
    request: Request, *, dates: bool, datetimes: bool, max_seconds: int, too_long: str
) -> Window:
    zone = _zone(request)
    formats = [TIME_FORMAT] * datetimes + [DATE_FORMAT] * dates
    start = _epoch(request, "from", zone, formats)
    end = _epoch(request, "to", zone, formats)
    if end < start:
        msg = "from must be before to"
        raise BadRequest(msg)
    if end - start > max_seconds:
        raise BadRequest(too_long)
    return Window(zone, start, end)


def _zone(request: Request) -> ZoneInfo:
    zone_id = request.get("timezone_id")
    if zone_id is None:
        msg = "timezone_id is required"
        raise BadRequest(msg)
    zone = _ZONES.get(zone_id)
    if zone is None:
        msg = f"unknown timezone_id {zone_id!r}"
        raise BadRequest(msg)
    return zone


def _epoch(request: Request, key: str, zone: ZoneInfo, formats: list[str]) -> int:
    expected = " or ".join(_SPELLED[fmt] for fmt in formats)
    text = request.get(key)
    if not isinstance(text, str):
        msg = f"{key} is required, as {expected}"
        raise BadRequest(msg)
    for fmt in formats:
        try:
            parsed = dt.datetime.strptime(text, fmt)  # naive: wall clock
        except ValueError:
            continue
        if fmt == DATE_FORMAT and key == "to":
            # A date as the end means its whole day: up to the next midnight.
            return local_epoch(parsed + dt.timedelta(days=1), zone) - 1
        return local_epoch(parsed, zone)
    msg = f"{key} {text!r} is not {expected}"
    raise BadRequest(msg)


def local_epoch(wall: dt.datetime, zone: ZoneInfo) -> int:
    """Return the UTC epoch of a naive wall-clock time in ``zone``.

    Args:
        wall: The wall-clock time (no tzinfo).
        zone: Its time zone.

    Returns:
        Epoch seconds.
    """
    if zone.key == "UTC":
        return calendar.timegm(wall.timetuple())
    return int(wall.replace(tzinfo=zone).timestamp())


def _related(entity: str, key: str) -> Callable[[Record], Any]:
    def value(row: Record) -> Any:
        return (row.get("relationship") or {}).get(entity, {}).get(key)

    return value


def _field(key: str) -> Callable[[Record], Any]:
    def value(row: Record) -> Any:
        return row.get(key)

    return value


# What each filter resource type compares against in a record. Types the
# contract allows but no record carries (offer_group, campaign, channel), or
# that a record lacks (an impression has no creative), match nothing, as a
# real server's join would find nothing.
FILTER_FIELDS = {
    "offer": _related("offer", "network_offer_id"),
    "affiliate": _related("affiliate", "network_affiliate_id"),
    "advertiser": _related("advertiser", "network_advertiser_id"),
    "creative": _field("creative_id"),
    "source_id": _field("source_id"),
    "country": country_code_of,
    "region": _related("geolocation", "region_name"),
    "city": _related("geolocation", "city_name"),
    "device_platform": _related("device_information", "platform_name"),
    "device_type": _related("device_information", "device_type"),
    "browser": _related("device_information", "browser_name"),
}
RESOURCE_TYPES = frozenset({*FILTER_FIELDS, "offer_group", "campaign", "channel"})


def _conditions(items: Any, what: str) -> dict[str, set[str]]:
    """Group ``[{resource_type, filter_id_value}]`` by type, values as strings."""
    if items is None:
        return {}
    if not isinstance(items, list):
        msg = f"query.{what} must be a list"
        raise BadRequest(msg)
    grouped: dict[str, set[str]] = {}
    for item in items:
        if not isinstance(item, dict):
            msg = f"query.{what} entries must be objects"
            raise BadRequest(msg)
        kind = item.get("resource_type")
        if kind not in RESOURCE_TYPES:
            msg = f"unknown resource_type {kind!r} in query.{what}"
            raise BadRequest(msg)
        value = item.get("filter_id_value")
        if value is None or value == "":
            msg = f"filter_id_value is required in query.{what}"
            raise BadRequest(msg)
        grouped.setdefault(kind, set()).add(str(value))
    return grouped


def matcher(request: Request) -> Callable[[Record], bool]:
    """The request's ``query``: filters (same type OR, types AND), exclusions.

    Args:
        request: The request body (``query`` is optional).

    Returns:
        A predicate keeping the records the query selects.

    Raises:
        BadRequest: On a malformed query.
    """
    query = request.get("query") or {}
    if not isinstance(query, dict):
        msg = "query must be an object"
        raise BadRequest(msg)
    filters = _conditions(query.get("filters"), "filters")
    exclusions = _conditions(query.get("exclusions"), "exclusions")

    def value(row: Record, kind: str) -> str | None:
        field_of = FILTER_FIELDS.get(kind)
        found = None if field_of is None else field_of(row)
        return None if found is None else str(found)

    def keep(row: Record) -> bool:
        for kind, values in filters.items():
            if value(row, kind) not in values:
                return False
        return not any(
            value(row, kind) in values for kind, values in exclusions.items()
        )

    return keep


def flag(request: Request, key: str) -> bool:
    """Return a boolean option; absent means false (proto3's zero value).

    Args:
        request: The request body.
        key: The option.

    Returns:
        Its value.

    Raises:
        BadRequest: When it is not a boolean.
    """
    value = request.get(key, False)
    if not isinstance(value, bool):
        msg = f"{key} must be a boolean"
        raise BadRequest(msg)
    return value


def paging(query: Mapping[str, str]) -> tuple[int, int]:
    """Return ``(page, page_size)`` from the query string, checked.

    Args:
        query: The parsed query string.

    Returns:
        The 1-based page and its size (defaults 1 and 50).

    Raises:
        BadRequest: On a value that is not a positive integer, or a page
            size over 2,000.
    """
    numbers = []
    for key, default in (("page", 1), ("page_size", DEFAULT_PAGE_SIZE)):
        text = query.get(key, str(default))
        if not text.isdigit() or int(text) < 1:
            msg = f"{key} must be a positive integer, got {text!r}"
            raise BadRequest(msg)
        numbers.append(int(text))
    page, size = numbers
    if size > MAX_PAGE_SIZE:
        msg = f"page_size must not exceed {MAX_PAGE_SIZE}"
        raise BadRequest(msg)
    return page, size


# An entity list's API filter: ``filter=<field><op><epoch>`` (docs/api.md#api-filters).
_LIST_FILTER = re.compile(r"^(time_created|time_saved)([<>=])(\d+)$")
_COMPARE: dict[str, Callable[[int, int], bool]] = {
    ">": operator.gt,
    "<": operator.lt,
    "=": operator.eq,
}


def list_filter(query: Mapping[str, str]) -> Callable[[Record], bool]:
    """Return the ``filter`` of an entity list request as a predicate.

    Args:
        query: The parsed query string.

    Returns:
        A predicate keeping the entities the filter selects (all without one).

    Raises:
        BadRequest: On a filter that is not a time field compared to an epoch.
    """
    text = query.get("filter")
    if text is None:
        return lambda _row: True
    found = _LIST_FILTER.match(text)
    if found is None:
        msg = f"filter {text!r} is not <time_created|time_saved><op><epoch>"
        raise BadRequest(msg)
    name, op, value = found.group(1), _COMPARE[found.group(2)], int(found.group(3))
    return lambda row: op(row.get(name) or 0, value)


def date_range(query: Mapping[str, str]) -> tuple[str, str]:
    """Return the ``from`` and ``to`` days of a dated list request.

    Args:
        query: The parsed query string.

    Returns:
        The days, as ``YYYY-MM-DD`` (they sort as dates).

    Raises:
        BadRequest: On a missing or malformed day, or a range over a year.
    """
    zone = query.get("timezone_id", "67")
    # Checked as a report's days are (both given, in order, at most a year).
    year_window(
        {
            "from": query.get("from"),
            "to": query.get("to"),
            "timezone_id": int(zone) if zone.isdigit() else zone,
        },
        datetimes=False,
    )
    return query["from"], query["to"]
