"""An offer's custom settings per affiliate, and traffic controls."""

from __future__ import annotations

import typing as t

from tap_everflow.records.schemas import custom as schemas
from tap_everflow.streams.entities import EntityStream, IncrementalEntityStream


class CustomCreativeSettingsStream(EntityStream):
    """Creatives shown only to some affiliates."""

    name = "custom_creative_settings"
    path = "/networks/custom/creative"
    records_key = "custom_creative_settings"
    primary_keys = ("network_custom_creative_setting_id",)
    schema = schemas.CUSTOM_CREATIVE_SETTING


class CustomPayoutRevenueSettingsStream(IncrementalEntityStream):
    """Payouts and revenues that differ from the offer's, per affiliate."""

    name = "custom_payout_revenue_settings"
    path = "/networks/custom/payoutrevenue"
    records_key = "custom_payout_revenue_settings"
    primary_keys = ("network_custom_payout_revenue_setting_id",)
    schema = schemas.CUSTOM_PAYOUT_REVENUE_SETTING


class CustomCapSettingsStream(IncrementalEntityStream):
    """Caps that differ from the offer's, per affiliate."""

    name = "custom_cap_settings"
    path = "/networks/custom/caps"
    records_key = "custom_cap_settings"
    primary_keys = ("network_custom_cap_setting_id",)
    schema = schemas.CUSTOM_CAP_SETTING


class CustomScrubRateSettingsStream(EntityStream):
    """Throttles: shares of conversions scrubbed, per offer and affiliate."""

    name = "custom_scrub_rate_settings"
    path = "/networks/custom/scrubratetable"  # the list is a search only
    http_method = "POST"
    search_body: t.ClassVar[dict] = {}  # no filters: every setting
    records_key = "custom_scrub_rate_settings"
    primary_keys = ("network_custom_scrub_rate_setting_id",)
    schema = schemas.CUSTOM_SCRUB_RATE_SETTING


class TrafficControlsStream(EntityStream):
    """Rules that block or fail clicks by their variables."""

    name = "traffic_controls"
    path = "/networks/trafficcontrols"
    records_key = "traffic_controls"  # documented as a bare list (B)
    primary_keys = ("network_traffic_control_id",)
    schema = schemas.TRAFFIC_CONTROL
