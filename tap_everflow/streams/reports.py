"""Time-based streams: raw reports, conversions, adjustments, by when they happened."""

from __future__ import annotations

import typing as t
from http import HTTPStatus

from typing_extensions import override

from tap_everflow.planning.limits import Limits
from tap_everflow.planning.slices import Dimension, Partition
from tap_everflow.planning.sync_range import RangeRule, Unit
from tap_everflow.records.schemas import reports as schemas
from tap_everflow.streams.dated_lists import DatedListStream
from tap_everflow.streams.paged_report import PagedReportStream
from tap_everflow.streams.raw_report import RAW_DIMENSIONS, RawReportStream


class ImpressionsStream(RawReportStream):
    """Raw impressions: one record per impression."""

    name = "impressions"
    path = "/networks/reporting/impressions/stream"
    records_key = "impressions"
    report_count = "imp"
    status_advice: t.ClassVar[dict[int, str]] = {
        HTTPStatus.FORBIDDEN: (
            "Everflow refused raw impressions: the account needs Everflow's "
            "impression package (ask your Everflow account manager), or deselect "
            "the impressions stream"
        )
    }
    schema = schemas.IMPRESSION


class ClicksStream(RawReportStream):
    """Raw clicks: one record per click, with payout and revenue."""

    name = "clicks"
    path = "/networks/reporting/clicks/stream"
    records_key = "clicks"
    # Valid clicks, unique and duplicate: what the raw stream returns
    # (docs/api.md#counts-are-hints; gross_click adds invalid clicks, which it
    # does not).
    report_count = "total_click"
    schema = schemas.CLICK
    alternatives = schemas.CLICK_ALTERNATIVES


class ConversionsStream(PagedReportStream):
    """Conversions and events; recent days are re-read, as they change later."""

    name = "conversions"
    path = "/networks/reporting/conversions"
    records_key = "conversions"
    primary_keys = ("conversion_id",)
    replication_key = "converted_at"
    time_field = "conversion_unix_timestamp"
    # Only the last 365 days (docs/api.md#conversions); statuses change later.
    range_rule = RangeRule(
        Unit.SECOND,
        lag=True,
        retention_days=365,
        lookback_days="conversions_lookback_days",
    )
    schema = schemas.CONVERSION
    alternatives = schemas.CONVERSION_ALTERNATIVES

    @override
    def request_body(self, start: int, end: int) -> dict:
        """Conversions and post-conversion events of the window."""
        return {
            **super().request_body(start, end),
            "show_conversions": True,
            "show_events": True,
        }


def _creative_id(row: t.Any) -> str | None:
    return str(row.creative_id) if row.creative_id else None


class InvalidClicksStream(RawReportStream):
    """Clicks Everflow refused (error codes), in the click record's shape."""

    name = "invalid_clicks"
    path = "/networks/reporting/invalidclicks"
    records_key = "clicks"  # D; B shows a bare list, which is read as well
    limits = Limits(max_rows=1_000)  # the endpoint's cap (docs/api.md#invalid-clicks)
    # Split by the filters the endpoint documents, on ids the rows carry.
    dimensions = (RAW_DIMENSIONS[0], Dimension("creative", _creative_id))
    schema = schemas.CLICK
    alternatives = schemas.CLICK_ALTERNATIVES

    @override
    def root_partition(self) -> Partition:
        """The whole network: the endpoint's filter types are not the raw reports'.

        Its documented types (``affilate_id``, ``transction_id``, ...) differ
        from those ``filters`` and ``exclusions`` take, so neither applies.
        """
        return Partition()


class ReportingAdjustmentsStream(DatedListStream):
    """Manual corrections of a day's clicks, conversions and money."""

    name = "reporting_adjustments"
    path = "/networks/reportingadjustments"
    records_key = "adjustments"
    primary_keys = ("network_reporting_adjustment_id",)
    replication_key = "date_adjustment"
    # Adjustments correct past days: no lag; Everflow documents no retention.
    range_rule = RangeRule(
        Unit.DAY,
        lag=False,
        retention_days=None,
        lookback_days="reporting_adjustments_lookback_days",
        bookmark=False,  # rows come in list order, not by day
    )
    schema = schemas.ADJUSTMENT
