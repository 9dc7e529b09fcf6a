"""The Everflow API's limits and formats, each defined once (see docs/api.md)."""

from __future__ import annotations

from dataclasses import dataclass

DAY = 86_400
UTC_TIMEZONE_ID = 67  # Everflow's id for UTC: windows are planned in UTC
# Everflow's reporting time zones the tap knows by IANA name (GET
# /v1/meta/timezones lists them all; these are those docs/api.md#time-zones names).
TIMEZONES = {UTC_TIMEZONE_ID: "UTC", 80: "America/New_York", 90: "America/Los_Angeles"}
API_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # request bounds, in timezone_id
DAY_FORMAT = "%Y-%m-%d"
REPORT_PATH = "/networks/reporting/entity/table"  # the aggregated report
TABLE_CAP = 10_000  # rows of the aggregated report's table, at most
PAGE_SIZE = 2_000  # the largest page of paged lists and reports


@dataclass(frozen=True)
class Limits:
    """What one request may cover.

    ``max_span`` is the longest window in seconds: ``to - from`` may be at most
    14 days, and with both ends inclusive a window of ``14 * 86400`` seconds has
    ``to - from`` one second under that. ``max_parts_per_second`` bounds the
    parts an overflowing second is split into (a pathological second stops).
    """

    max_rows: int = 10_000
    max_span: int = 14 * DAY
    max_parts_per_second: int = 1_000


RAW_LIMITS = Limits()  # the raw report endpoints' (impressions, clicks)
