"""Records of an offer's custom settings and traffic controls.

Their fields and sources: docs/api.md#other-records.
"""

from __future__ import annotations

from singer_sdk import typing as th

from tap_everflow.records.schemas.fields import (
    BOOLEAN,
    ENTITY_TIMES,
    ID_LIST,
    INTEGER,
    NUMBER,
    STRING,
    collection,
    field,
    free_form,
    nullable,
    relationship,
    schema,
)
from tap_everflow.records.schemas.offers import CAPS

CUSTOM_CREATIVE_SETTING = schema(
    field("network_custom_creative_setting_id", INTEGER),
    field("network_offer_creative_ids", ID_LIST),
    field("network_affiliate_ids", ID_LIST),
    field("name", STRING),
    field("custom_setting_status", STRING),
    *ENTITY_TIMES,
)

CUSTOM_PAYOUT_REVENUE_SETTING = schema(
    field("network_custom_payout_revenue_setting_id", INTEGER),
    field("is_apply_all_affiliates", BOOLEAN),
    nullable("network_affiliate_ids", ID_LIST),  # null (O)
    field("network_offer_id", INTEGER),
    field("name", STRING),
    field("network_offer_payout_revenue_id", INTEGER),  # 0: the base entry
    field("description", STRING),
    field("public_description", STRING),
    field("custom_setting_status", STRING),
    field("is_custom_payout_enabled", BOOLEAN),
    field("payout_amount", NUMBER),
    field("payout_percentage", INTEGER),
    field("payout_type", STRING),
    field("is_custom_revenue_enabled", BOOLEAN),
    field("revenue_amount", NUMBER),
    field("revenue_percentage", INTEGER),
    field("revenue_type", STRING),
    field("is_postback_disabled", BOOLEAN),
    field("is_apply_specific_offer_urls", BOOLEAN),
    field("currency_id", STRING),
    field("network_offer_url_ids", ID_LIST),
    field("date_valid_from", STRING),  # "" when unset
    field("date_valid_to", STRING),
    *ENTITY_TIMES,
    relationship(
        collection("affiliates"),
        free_form("offer"),
        free_form("payout_revenue"),
    ),
)

CUSTOM_CAP_SETTING = schema(
    field("network_custom_cap_setting_id", INTEGER),
    field("network_affiliate_id", INTEGER),
    field("network_offer_id", INTEGER),
    field("name", STRING),
    *CAPS,
    field("is_soft_cap", BOOLEAN),
    *ENTITY_TIMES,
    relationship(
        free_form("affiliate"),
        free_form("offer"),
        field("currency_id", STRING),
    ),
)

CUSTOM_SCRUB_RATE_SETTING = schema(
    field("network_custom_scrub_rate_setting_id", INTEGER),
    field("network_affiliate_id", INTEGER),
    field("network_offer_id", INTEGER),
    field("custom_setting_status", STRING),
    field("name", STRING),
    field("scrub_rate_status", STRING),
    # The same rate under two names: an integer in M, a number in B
    # (docs/api.md#scrub-rate).
    field("scrub_rate_percentage", INTEGER),
    field("scrub_rate", NUMBER),
    *ENTITY_TIMES,
)

TRAFFIC_CONTROL = schema(
    field("network_traffic_control_id", INTEGER),
    field("name", STRING),
    field("status", STRING),
    field("control_type", STRING),
    field("targeting_action", STRING),
    field("is_apply_all_offers", BOOLEAN),
    field("is_apply_all_affiliates", BOOLEAN),
    field("comparison_method", STRING),
    field("date_valid_from", STRING),
    field("date_valid_to", STRING),
    # Click-variable names in one source, objects in another: both
    # (docs/api.md#traffic-control-variables).
    field("variables", th.ArrayType(th.CustomType({}))),
    *ENTITY_TIMES,
    relationship(
        # null in the example (docs/api.md#nulls-despite-proto3).
        nullable("network_offer_ids", ID_LIST),
        nullable("network_affiliate_ids", ID_LIST),
        nullable("network_advertiser_ids", ID_LIST),
        field("values", th.ArrayType(STRING)),
    ),
)
