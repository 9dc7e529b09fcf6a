"""The tap's streams: each declares its endpoint and schema; behaviour is shared.

Schemas follow the contract (``../shared/everflow-api.md``) and Everflow's
proto3 conventions: epoch integers, integer ids, ``number`` money, ISO currency
strings, lowercase enum strings, nested objects with declared properties. Every
declared field is in every record (zero-filled when the API left it out).
"""

from __future__ import annotations

import typing as t
from http import HTTPStatus

from singer_sdk import typing as th

from tap_everflow.entities import EntityStream
from tap_everflow.paged_report import PagedReportStream
from tap_everflow.raw_report import RawReportStream


def field(name: str, kind: th.JSONTypeHelper | type[th.JSONTypeHelper]) -> th.Property:
    """A field the API always has a value for (proto3: zero when omitted)."""
    return th.Property(name, kind, required=True)


def strings(*names: str) -> list[th.Property]:
    """Several string fields."""
    return [field(name, th.StringType) for name in names]


def obj(name: str, *fields: th.Property) -> th.Property:
    """A nested object with declared properties."""
    return field(name, th.ObjectType(*fields, additional_properties=False))


def party(entity: str) -> th.Property:
    """``relationship.<entity>``: the related offer, affiliate or advertiser."""
    return obj(
        entity,
        field(f"network_{entity}_id", th.IntegerType),
        field("name", th.StringType),
    )


def relationship(*fields: th.Property) -> th.Property:
    """The nested ``relationship`` object.

    Always present too, but not listed as required: with flattening on, the
    SDK replaces it by relationship__* columns and keeps the top-level
    ``required`` list as is, so targets would reject every record.
    """
    return th.Property(
        "relationship", th.ObjectType(*fields, additional_properties=False)
    )


def occurred_at(name: str, source: str) -> th.Property:
    """The UTC date-time derived from an epoch field: the replication key."""
    return th.Property(
        name, th.DateTimeType, required=True, description=f"{source} as a UTC time."
    )


SUBS = strings("sub1", "sub2", "sub3", "sub4", "sub5")
PARTIES = (party("offer"), party("affiliate"), party("advertiser"))
SHORT_GEOLOCATION = obj(
    "geolocation", *strings("country_code", "region_name", "city_name")
)
SHORT_DEVICE = obj(
    "device_information", *strings("platform_name", "browser_name", "device_type")
)


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
    schema = th.PropertiesList(
        field("transaction_id", th.StringType),
        field("unix_timestamp", th.IntegerType),
        occurred_at("occurred_at", "unix_timestamp"),
        *strings("tracking_url", "source_id"),
        *SUBS,
        *strings("user_ip", "referer", "currency_id"),
        relationship(*PARTIES, SHORT_GEOLOCATION, SHORT_DEVICE),
    ).to_dict()


def manager(name: str) -> th.Property:
    """An account or affiliate manager (a network employee)."""
    return obj(
        name,
        field("network_employee_id", th.IntegerType),
        *strings("first_name", "last_name", "email"),
    )


class ClicksStream(RawReportStream):
    """Raw clicks: one record per click, with payout and revenue."""

    name = "clicks"
    path = "/networks/reporting/clicks/stream"
    records_key = "clicks"
    # No report_count: the contract does not say which of the report's click
    # counts (total, unique, gross) the raw rows match; a count short of them
    # would make every packed request overflow and be walked again.
    schema = th.PropertiesList(
        field("transaction_id", th.StringType),
        field("unix_timestamp", th.IntegerType),
        occurred_at("occurred_at", "unix_timestamp"),
        field("is_unique", th.IntegerType),
        field("payout", th.NumberType),
        field("revenue", th.NumberType),
        *strings("payout_type", "revenue_type"),
        field("error_code", th.IntegerType),
        field("error_message", th.StringType),
        field("has_conversion", th.BooleanType),
        field("is_test_mode", th.BooleanType),
        field("coupon_code", th.StringType),
        field("creative_id", th.IntegerType),
        *strings(
            "idfa",
            "idfa_md5",
            "idfa_sha1",
            "google_ad_id",
            "google_ad_id_md5",
            "google_ad_id_sha1",
            "android_id",
            "android_id_md5",
            "android_id_sha1",
        ),
        *strings("tracking_url", "source_id"),
        *SUBS,
        *strings("user_ip", "referer", "currency_id"),
        relationship(
            *PARTIES,
            manager("account_manager"),
            manager("affiliate_manager"),
            # Free-form: whatever parameters the click's URL carried.
            field(
                "query_parameters",
                th.ObjectType(additional_properties=th.StringType),
            ),
            obj("http_user_agent", field("user_agent", th.StringType)),
            obj(
                "geolocation",
                *strings(
                    "country_code",
                    "country_name",
                    "region_code",
                    "region_name",
                    "city_name",
                ),
                field("dma", th.IntegerType),
                *strings("dma_name", "timezone", "carrier_name", "isp_name"),
                field("is_mobile", th.BooleanType),
                field("is_proxy", th.BooleanType),
                field("postal_code", th.StringType),
            ),
            obj(
                "device_information",
                *strings("platform_name", "os_version", "brand", "model"),
                field("is_tablet", th.BooleanType),
                *strings("browser_name", "browser_version", "device_type", "language"),
                field("is_robot", th.BooleanType),
            ),
        ),
    ).to_dict()


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
    schema = th.PropertiesList(
        field("conversion_id", th.StringType),
        field("conversion_unix_timestamp", th.IntegerType),
        occurred_at("converted_at", "conversion_unix_timestamp"),
        field("click_unix_timestamp", th.IntegerType),
        field("transaction_id", th.StringType),
        *strings("status", "event"),
        field("is_event", th.BooleanType),
        *strings("payout_type", "revenue_type"),
        field("payout", th.NumberType),
        field("revenue", th.NumberType),
        field("sale_amount", th.NumberType),
        *strings("currency_id", "order_id", "coupon_code", "notes", "source_id"),
        *SUBS,
        *strings("adv1", "adv2", "adv3", "adv4", "adv5", "conversion_user_ip"),
        relationship(*PARTIES, SHORT_GEOLOCATION, SHORT_DEVICE),
    ).to_dict()

    def request_body(self, start: int, end: int) -> dict:
        """Conversions and post-conversion events of the window."""
        return {
            **super().request_body(start, end),
            "show_conversions": True,
            "show_events": True,
        }


def entity_times() -> list[th.Property]:
    """Creation and last-save times: epoch integers, and as UTC date-times."""
    return [
        field("time_created", th.IntegerType),
        field("time_saved", th.IntegerType),
        th.Property("created_at", th.DateTimeType, description="time_created, UTC."),
        th.Property("saved_at", th.DateTimeType, description="time_saved, UTC."),
    ]


class OffersStream(EntityStream):
    """The network's offers."""

    name = "offers"
    path = "/networks/offers"
    records_key = "offers"
    primary_keys = ("network_offer_id",)
    schema = th.PropertiesList(
        field("network_offer_id", th.IntegerType),
        field("network_advertiser_id", th.IntegerType),
        *strings("name", "offer_status", "visibility", "currency_id"),
        *strings("payout_type", "revenue_type", "destination_url"),
        field("payout_amount", th.NumberType),
        field("revenue_amount", th.NumberType),
        field("payout_percentage", th.NumberType),
        field("revenue_percentage", th.NumberType),
        *entity_times(),
    ).to_dict()


class AffiliatesStream(EntityStream):
    """The network's affiliates (publishers)."""

    name = "affiliates"
    path = "/networks/affiliates"
    records_key = "affiliates"
    primary_keys = ("network_affiliate_id",)
    schema = th.PropertiesList(
        field("network_affiliate_id", th.IntegerType),
        *strings("name", "account_status"),
        field("network_employee_id", th.IntegerType),
        field("default_currency_id", th.StringType),
        *entity_times(),
    ).to_dict()


class AdvertisersStream(EntityStream):
    """The network's advertisers."""

    name = "advertisers"
    path = "/networks/advertisers"
    records_key = "advertisers"
    primary_keys = ("network_advertiser_id",)
    schema = th.PropertiesList(
        field("network_advertiser_id", th.IntegerType),
        *strings("name", "account_status"),
        field("network_employee_id", th.IntegerType),
        field("default_currency_id", th.StringType),
        *entity_times(),
    ).to_dict()
