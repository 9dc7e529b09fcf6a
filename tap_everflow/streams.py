"""The tap's streams: each declares its endpoint and schema; behaviour is shared.

Schemas (:mod:`tap_everflow.schemas`) follow Everflow's reference and its
proto3 conventions. Every declared field is in every record (zero-filled when
the API left it out).
"""

from __future__ import annotations

import typing as t
from http import HTTPStatus

from tap_everflow import schemas
from tap_everflow.entities import EntityStream
from tap_everflow.paged_report import PagedReportStream
from tap_everflow.raw_report import RawReportStream


class ImpressionsStream(RawReportStream):
    """Raw impressions: one record per impression."""

    name = "impressions"
    path = "/networks/reporting/impressions/stream"
    records_key = "impressions"
    report_count = "imp"
    status_advice: t.ClassVar[dict[HTTPStatus, str]] = {
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
    # Valid clicks, unique and duplicate: what the raw stream returns (the
    # contract; gross_click adds invalid clicks, which it does not).
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
    retention_days = 365  # the contract: only the last 365 days
    lookback_days = "conversions_lookback_days"
    schema = schemas.CONVERSION
    alternatives = schemas.CONVERSION_ALTERNATIVES

    def request_body(self, start: int, end: int) -> dict:
        """Conversions and post-conversion events of the window."""
        return {
            **super().request_body(start, end),
            "show_conversions": True,
            "show_events": True,
        }


class OffersStream(EntityStream):
    """The network's offers."""

    name = "offers"
    path = "/networks/offers"
    records_key = "offers"
    primary_keys = ("network_offer_id",)
    schema = schemas.OFFER
    alternatives = schemas.OFFER_ALTERNATIVES


class AffiliatesStream(EntityStream):
    """The network's affiliates (publishers)."""

    name = "affiliates"
    path = "/networks/affiliates"
    records_key = "affiliates"
    primary_keys = ("network_affiliate_id",)
    schema = schemas.AFFILIATE


class AdvertisersStream(EntityStream):
    """The network's advertisers."""

    name = "advertisers"
    path = "/networks/advertisers"
    records_key = "advertisers"
    primary_keys = ("network_advertiser_id",)
    schema = schemas.ADVERTISER
