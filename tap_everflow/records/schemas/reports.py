"""Records of the time-based streams: impressions, clicks, conversions, adjustments."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_everflow.records.schemas.fields import (
    BOOLEAN,
    ENTITY_TIMES,
    INTEGER,
    NUMBER,
    STRING,
    Field,
    derived_time,
    field,
    free_form,
    nullable,
    obj,
    record,
    relationship,
    schema,
)

SUBS = tuple(field(f"sub{n}", STRING) for n in range(1, 6))
DEVICE_IDS = tuple(
    field(f"{kind}{suffix}", STRING)
    for kind in ("idfa", "google_ad_id", "android_id")
    for suffix in ("", "_md5", "_sha1")
)

# -- impressions: docs/api.md#impression-record (Everflow documents none) ----

IMPRESSION = schema(
    field("transaction_id", STRING),
    field("unix_timestamp", INTEGER),
    derived_time("occurred_at", "unix_timestamp"),
    field("tracking_url", STRING),
    field("source_id", STRING),
    *SUBS,
    field("user_ip", STRING),
    field("referer", STRING),
    field("currency_id", STRING),
    relationship(
        obj(
            "offer",
            field("network_offer_id", INTEGER),
            field("name", STRING),
        ),
        obj(
            "affiliate",
            field("network_affiliate_id", INTEGER),
            field("name", STRING),
        ),
        obj(
            "advertiser",
            field("network_advertiser_id", INTEGER),
            field("name", STRING),
        ),
        obj(
            "geolocation",
            field("country_code", STRING),
            field("region_name", STRING),
            field("city_name", STRING),
        ),
        obj(
            "device_information",
            field("platform_name", STRING),
            field("browser_name", STRING),
            field("device_type", STRING),
        ),
    ),
)

# -- the parties of a click or conversion (docs/api.md#related-parties) ------


def employee(name: str) -> Field:
    """``account_manager`` / ``affiliate_manager``: a network employee."""
    return obj(
        name,
        field("network_employee_id", INTEGER),
        field("network_id", INTEGER),
        field("first_name", STRING),
        field("last_name", STRING),
        field("full_name", STRING),
        field("account_status", STRING),
    )


PARTIES = (
    obj(
        "offer",
        field("network_offer_id", INTEGER),
        field("network_id", INTEGER),
        field("network_advertiser_id", INTEGER),
        field("network_offer_group_id", INTEGER),
        field("name", STRING),
        field("offer_status", STRING),
        field("network_tracking_domain_id", INTEGER),
        field("visibility", STRING),
        field("currency_id", STRING),
    ),
    obj(
        "advertiser",
        field("network_advertiser_id", INTEGER),
        field("network_id", INTEGER),
        field("name", STRING),
        field("account_status", STRING),
    ),
    employee("account_manager"),
    obj(
        "affiliate",
        field("network_affiliate_id", INTEGER),
        field("network_id", INTEGER),
        field("name", STRING),
        field("account_status", STRING),
        field("network_traffic_source_id", INTEGER),
    ),
    employee("affiliate_manager"),
)

# -- clicks (docs/api.md#click-record); where sources disagree on a field's
# type: docs/api.md#click-field-types -----------------------------------------

CLICK, CLICK_ALTERNATIVES = record(
    field("transaction_id", STRING),
    field("is_unique", INTEGER, alt="boolean"),
    field("unix_timestamp", INTEGER),
    derived_time("occurred_at", "unix_timestamp"),
    field("tracking_url", STRING),
    field("source_id", STRING),
    *SUBS,
    field("payout_type", STRING),
    field("revenue_type", STRING),
    field("payout", NUMBER),
    field("revenue", NUMBER),
    field("referer", STRING),
    field("previous_network_offer_id", INTEGER),
    field("error_code", INTEGER),
    field("project_id", STRING, alt="integer"),
    field("user_ip", STRING),
    field("error_message", STRING),
    field("url", STRING),
    field("is_view_through", BOOLEAN),
    field("is_async", BOOLEAN),
    field("server_side_url", STRING),
    field("server_side_output", STRING),
    field("custom_landing_page_id", INTEGER),
    field("is_test_mode", BOOLEAN),
    *DEVICE_IDS,
    field("error_filter_id", STRING),
    field("has_conversion", BOOLEAN),
    field("is_pass_through", BOOLEAN),
    field("creative_id", INTEGER),
    field("coupon_code", STRING),
    field("redirect_method", STRING),
    field("is_sdk_click", BOOLEAN),
    field("category_id", INTEGER),
    field("currency_id", STRING),
    relationship(
        *PARTIES,
        obj(
            "geolocation",
            field("country_code", STRING),
            field("country_name", STRING),
            field("region_code", STRING),
            field("region_name", STRING),
            field("city_name", STRING),
            field("dma", INTEGER),
            field("dma_name", STRING),
            field("timezone", STRING),
            field("carrier_name", STRING),
            field("carrier_code", STRING, alt="integer"),
            field("organization", STRING),
            field("isp_name", STRING),
            field("is_mobile", BOOLEAN),
            field("is_proxy", BOOLEAN),
            field("postal_code", STRING),
        ),
        obj(
            "device_information",
            field("is_mobile", BOOLEAN),
            field("platform_name", STRING),
            field("os_version", STRING),
            field("brand", STRING),
            field("model", STRING),
            field("is_tablet", BOOLEAN),
            field("browser_name", STRING),
            field("browser_version", STRING),
            field("device_type", STRING),
            field("language", STRING),
            field("http_accept_language", STRING),
            field("is_robot", BOOLEAN),
            field("is_filter", BOOLEAN),
        ),
        field("http_user_agent", STRING),
        field("http_accept_language", STRING),
        free_form("query_parameters"),
        field("previous_transaction_id", STRING),
        field("redirect_url", STRING),
        field("forensiq_score", STRING),
        obj(
            "internal_redirect",
            field("previous_transaction_id", STRING),
            field("previous_offer_id", INTEGER),
            field("is_pay_affiliate", BOOLEAN),
            field("is_pass_through", BOOLEAN),
            field("network_offer_url_id", INTEGER),
            field("redirect_count", INTEGER),
        ),
    ),
)

# -- conversions (docs/api.md#conversion-record) -----------------------------

CONVERSION, CONVERSION_ALTERNATIVES = record(
    field("conversion_id", STRING, alt="integer"),  # docs/api.md#conversion-id
    field("conversion_unix_timestamp", INTEGER),
    derived_time("converted_at", "conversion_unix_timestamp"),
    field("click_unix_timestamp", INTEGER),
    field("transaction_id", STRING),
    field("status", STRING),
    field("is_event", BOOLEAN),
    field("event", STRING),
    field("payout_type", STRING),
    field("revenue_type", STRING),
    field("payout", NUMBER),
    field("revenue", NUMBER),
    field("sale_amount", NUMBER),
    field("network_offer_payout_revenue_id", INTEGER),
    field("previous_network_offer_id", INTEGER),
    *SUBS,
    field("source_id", STRING),
    *(field(f"adv{n}", STRING) for n in range(1, 6)),
    field("session_user_ip", STRING),
    field("conversion_user_ip", STRING),
    field("country", STRING),
    field("region", STRING),
    field("city", STRING),
    field("dma", INTEGER),
    field("carrier", STRING),
    field("platform", STRING),
    field("os_version", STRING),
    field("device_type", STRING),
    field("device_model", STRING),
    field("brand", STRING),
    field("browser", STRING),
    field("language", STRING),
    field("isp", STRING),
    field("http_user_agent", STRING),
    field("notes", STRING),
    field("order_id", STRING),
    field("coupon_code", STRING),
    field("url", STRING),
    field("referer", STRING),
    field("app_id", STRING),
    field("email", STRING),
    field("currency_id", STRING),
    *DEVICE_IDS,
    field("error_code", INTEGER),
    field("error_message", STRING),
    field("is_scrub", BOOLEAN),
    field("is_view_through", BOOLEAN),
    relationship(
        *PARTIES,
        free_form("query_parameters"),
        field("attribution_method", STRING),
        nullable("usm_data", th.CustomType({})),
    ),
)

# -- reporting adjustments (docs/api.md#other-entity-lists) -------------------

ADJUSTMENT = schema(
    field("network_reporting_adjustment_id", INTEGER),
    field("date_adjustment", STRING),  # "YYYY-MM-DD": the day adjusted
    field("network_affiliate_id", INTEGER),
    field("network_offer_id", INTEGER),
    field("network_employee_id", INTEGER),
    field("total_clicks", INTEGER),
    field("unique_clicks", INTEGER),
    field("conversions", INTEGER),
    field("payout", NUMBER),
    field("revenue", NUMBER),
    field("gross_sales", NUMBER),
    field("media_buying_cost", NUMBER),
    field("impressions", INTEGER),
    field("notes", STRING),
    field("currency_id", STRING),
    field("deleted", BOOLEAN),
    *ENTITY_TIMES,
    # The day's numbers when adjusted (event_revenue, snapshot_timestamp,
    # snapshot_date, ...): not all named.
    relationship(free_form("snapshot")),
)
