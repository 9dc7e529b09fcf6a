"""The tap's streams: each declares its endpoint and schema; behaviour is shared.

Schemas (:mod:`tap_everflow.records.schemas`) follow Everflow's records and its
proto3 conventions (docs/api.md#records, docs/api.md#proto3-conventions). Every
declared field is in every record (zero-filled when the API left it out).
Streams are grouped by family, one module each; comments name the documentation
a path or key comes from by the tags of docs/api.md#sources (B, D, M, O, T, Y).
"""

from __future__ import annotations

from tap_everflow.streams.custom import (
    CustomCapSettingsStream,
    CustomCreativeSettingsStream,
    CustomPayoutRevenueSettingsStream,
    CustomScrubRateSettingsStream,
    TrafficControlsStream,
)
from tap_everflow.streams.daily_report import DailyReportStream
from tap_everflow.streams.network import BusinessUnitsStream, EmployeesStream
from tap_everflow.streams.offers import (
    CampaignsStream,
    CategoriesStream,
    CouponCodesStream,
    CreativesStream,
    LabelsStream,
    OfferGroupsStream,
    OffersStream,
    OfferUrlsStream,
)
from tap_everflow.streams.partners import (
    AdvertiserInvoicesStream,
    AdvertisersStream,
    AdvertiserUsersStream,
    AffiliateInvoicesStream,
    AffiliatesStream,
    AffiliateUsersStream,
    PartnerPostbacksStream,
)
from tap_everflow.streams.reports import (
    ClicksStream,
    ConversionsStream,
    ImpressionsStream,
    InvalidClicksStream,
    ReportingAdjustmentsStream,
)

# Every stream, in the order the tap syncs them.
STREAM_TYPES = (
    ImpressionsStream,
    ClicksStream,
    InvalidClicksStream,
    ConversionsStream,
    ReportingAdjustmentsStream,
    OffersStream,
    OfferGroupsStream,
    CreativesStream,
    OfferUrlsStream,
    CampaignsStream,
    CouponCodesStream,
    CategoriesStream,
    LabelsStream,
    CustomCreativeSettingsStream,
    CustomPayoutRevenueSettingsStream,
    CustomCapSettingsStream,
    CustomScrubRateSettingsStream,
    TrafficControlsStream,
    AffiliatesStream,
    AdvertisersStream,
    AffiliateUsersStream,
    AdvertiserUsersStream,
    PartnerPostbacksStream,
    AffiliateInvoicesStream,
    AdvertiserInvoicesStream,
    EmployeesStream,
    BusinessUnitsStream,
    DailyReportStream,
)

__all__ = [
    "STREAM_TYPES",
    "AdvertiserInvoicesStream",
    "AdvertiserUsersStream",
    "AdvertisersStream",
    "AffiliateInvoicesStream",
    "AffiliateUsersStream",
    "AffiliatesStream",
    "BusinessUnitsStream",
    "CampaignsStream",
    "CategoriesStream",
    "ClicksStream",
    "ConversionsStream",
    "CouponCodesStream",
    "CreativesStream",
    "CustomCapSettingsStream",
    "CustomCreativeSettingsStream",
    "CustomPayoutRevenueSettingsStream",
    "CustomScrubRateSettingsStream",
    "DailyReportStream",
    "EmployeesStream",
    "ImpressionsStream",
    "InvalidClicksStream",
    "LabelsStream",
    "OfferGroupsStream",
    "OfferUrlsStream",
    "OffersStream",
    "PartnerPostbacksStream",
    "ReportingAdjustmentsStream",
    "TrafficControlsStream",
]
