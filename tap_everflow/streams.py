"""The tap's streams: each declares its endpoint and schema; behaviour is shared."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_everflow.raw_report import RawReportStream


def field(name: str, kind: th.JSONTypeHelper | type[th.JSONTypeHelper]) -> th.Property:
    """A field the API always has a value for (proto3: zero when omitted)."""
    return th.Property(name, kind, required=True)


def related(entity: str, *fields: th.Property) -> th.Property:
    """A ``relationship`` entry: a nested object with declared properties."""
    return field(entity, th.ObjectType(*fields, additional_properties=False))


class ImpressionsStream(RawReportStream):
    """Raw impressions: one record per impression."""

    name = "impressions"
    path = "/networks/reporting/impressions/stream"
    records_key = "impressions"
    forbidden_advice = (
        "Everflow refused raw impressions: the account needs Everflow's impression "
        "package (ask your Everflow account manager), or deselect the impressions "
        "stream"
    )
    schema = th.PropertiesList(
        field("transaction_id", th.StringType),
        field("unix_timestamp", th.IntegerType),
        field("occurred_at", th.DateTimeType),
        field("tracking_url", th.StringType),
        field("source_id", th.StringType),
        field("sub1", th.StringType),
        field("sub2", th.StringType),
        field("sub3", th.StringType),
        field("sub4", th.StringType),
        field("sub5", th.StringType),
        field("user_ip", th.StringType),
        field("referer", th.StringType),
        field("currency_id", th.StringType),
        # Always present too, but not listed as required: with flattening on,
        # the SDK replaces it by relationship__* columns and keeps the top-level
        # ``required`` list as is, so targets would reject every record.
        th.Property(
            "relationship",
            th.ObjectType(
                related(
                    "offer",
                    field("network_offer_id", th.IntegerType),
                    field("name", th.StringType),
                ),
                related(
                    "affiliate",
                    field("network_affiliate_id", th.IntegerType),
                    field("name", th.StringType),
                ),
                related(
                    "advertiser",
                    field("network_advertiser_id", th.IntegerType),
                    field("name", th.StringType),
                ),
                related(
                    "geolocation",
                    field("country_code", th.StringType),
                    field("region_name", th.StringType),
                    field("city_name", th.StringType),
                ),
                related(
                    "device_information",
                    field("platform_name", th.StringType),
                    field("browser_name", th.StringType),
                    field("device_type", th.StringType),
                ),
                additional_properties=False,
            ),
        ),
    ).to_dict()
