"""Records of offers and their family: groups, creatives, URLs, smart links, ..."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_everflow.records.schemas.fields import (
    BOOLEAN,
    ENTITY_TIMES,
    FREE_FORM,
    ID_LIST,
    INTEGER,
    LABELS,
    NUMBER,
    STRING,
    collection,
    field,
    free_form,
    nullable,
    obj,
    record,
    relationship,
    schema,
)

PERIODS = ("daily", "weekly", "monthly", "global")
# An offer's caps (its group's and its custom cap settings' too): counts are
# integers, money numbers (docs/api.md#money-types).
CAPS = (
    *(
        field(f"{period}_{what}_cap", INTEGER)
        for period in PERIODS
        for what in ("conversion", "click")
    ),
    *(
        field(f"{period}_{what}_cap", NUMBER)
        for period in PERIODS
        for what in ("payout", "revenue")
    ),
)
# An offer's category (its relationship.category), and the categories list.
CATEGORY_FIELDS = (
    field("network_category_id", INTEGER),
    field("network_id", INTEGER),
    field("name", STRING),
    field("status", STRING),
)

# -- offers (docs/api.md#offer-record) ----------------------------------------

# One of an offer's payout/revenue entries (its relationship.payout_revenue).
PAYOUT_REVENUE_ENTRY = th.ObjectType(
    field("network_offer_payout_revenue_id", INTEGER),
    field("network_id", INTEGER),
    field("network_offer_id", INTEGER),
    field("entry_name", STRING),
    field("payout_type", STRING),
    field("payout_amount", NUMBER),
    field("payout_percentage", INTEGER),
    field("revenue_type", STRING),
    field("revenue_amount", NUMBER),
    field("revenue_percentage", INTEGER),
    field("is_default", BOOLEAN),
    field("is_private", BOOLEAN),
    field("is_postback_disabled", BOOLEAN),
    field("is_enforce_caps", BOOLEAN),
    field("time_created", INTEGER),
    field("global_advertiser_event_id", INTEGER),
    field("is_must_approve_conversion", BOOLEAN),
    field("is_allow_duplicate_conversion", BOOLEAN),
    field("is_email_attribution_default_event", BOOLEAN),
    obj(
        "remote_offer_resource",
        field("network_offer_id", INTEGER),
        field("network_id", INTEGER),
        field("resource_type", STRING),
        field("remote_resource_id", STRING),
        field("resource_id", INTEGER),
        field("last_value_md5", STRING),
        field("json_config", STRING),
        field("json_data", STRING),
        field("time_created", INTEGER),
        field("time_saved", INTEGER),
    ),
    additional_properties=False,
)

OFFER, OFFER_ALTERNATIVES = record(
    field("network_offer_id", INTEGER),
    field("network_id", INTEGER),
    field("network_advertiser_id", INTEGER),
    field("network_offer_group_id", INTEGER),
    field("name", STRING),
    field("thumbnail_url", STRING),
    field("network_category_id", INTEGER),
    field("internal_notes", STRING),
    field("destination_url", STRING),
    field("server_side_url", STRING),
    field("preview_url", STRING),
    field("view_through_destination_url", STRING),
    field("is_view_through_enabled", BOOLEAN),
    field("offer_status", STRING),
    field("currency_id", STRING),
    field("caps_timezone_id", INTEGER),
    field("project_id", STRING),
    field("date_live_until", STRING),  # docs/api.md#date-like-strings
    field("html_description", STRING),
    field("is_description_plain_text", BOOLEAN),
    field("is_using_explicit_terms_and_conditions", BOOLEAN),
    field("terms_and_conditions", STRING),
    field("is_force_terms_and_conditions", BOOLEAN),
    field("is_caps_enabled", BOOLEAN),
    *CAPS,
    field("is_soft_cap", BOOLEAN),
    field("redirect_mode", STRING),
    field("is_using_suppression_list", BOOLEAN),
    field("suppression_list_id", INTEGER),
    field("is_must_approve_conversion", BOOLEAN),
    field("is_allow_duplicate_conversion", BOOLEAN),
    field("is_duplicate_filter_enabled", BOOLEAN),
    field("duplicate_filter_targeting_action", STRING),
    field("network_tracking_domain_id", INTEGER),
    field("is_use_secure_link", BOOLEAN),
    field("is_seo_friendly", BOOLEAN),
    field("is_allow_deep_link", BOOLEAN),
    field("is_session_tracking_enabled", BOOLEAN),
    field("session_tracking_start_on", STRING),
    field("session_tracking_lifespan_hour", INTEGER),
    field("session_tracking_minimum_lifespan_second", INTEGER),
    field("is_view_through_session_tracking_enabled", BOOLEAN),
    field("view_through_session_tracking_lifespan_minute", INTEGER),
    field("view_through_session_tracking_minimal_lifespan_second", INTEGER),
    field("is_block_already_converted", BOOLEAN),
    field("already_converted_action", STRING),
    field("is_fail_traffic_enabled", BOOLEAN),
    field("redirect_routing_method", STRING),
    field("redirect_internal_routing_type", STRING),
    field("visibility", STRING),
    field("conversion_method", STRING),
    field("is_whitelist_check_enabled", BOOLEAN),
    field("is_use_scrub_rate", BOOLEAN),
    field("scrub_rate_status", STRING),
    field("scrub_rate_percentage", INTEGER),
    field("session_definition", STRING),
    field("session_duration", INTEGER),
    field("app_identifier", STRING),
    field("is_use_direct_linking", BOOLEAN),
    field("is_email_attribution_enabled", BOOLEAN),
    field("email_attribution_method", STRING),
    field("attribution_method", STRING),
    field("is_email_attribution_window_enabled", BOOLEAN),
    field("email_attribution_window_minute", INTEGER),
    field("email_attribution_window_type", STRING),
    *ENTITY_TIMES,
    # Top-level on B's generated pages; relationship.labels in real examples
    # (docs/api.md#labels).
    field("labels", th.ArrayType(STRING)),
    relationship(
        obj(
            "category",
            *CATEGORY_FIELDS,
            field("time_created", INTEGER),
            field("time_saved", INTEGER),
        ),
        LABELS,
        collection("payout_revenue", PAYOUT_REVENUE_ENTRY),
        field("encoded_value", STRING),
        field("is_locked_currency", BOOLEAN),
        field("is_locked_caps_timezone", BOOLEAN),
        # T declares channels both as a bare array and as {total, entries}
        # (docs/api.md#channels).
        collection("channels", alt="array"),
        free_form("meta"),
        collection("requirement_kpis"),
        collection("requirement_tracking_parameters"),
    ),
)

# -- the offers' family (docs/api.md#other-entity-lists) ----------------------

OFFER_GROUP = schema(
    field("network_offer_group_id", INTEGER),
    field("network_advertiser_id", INTEGER),
    field("name", STRING),
    field("internal_notes", STRING),
    field("offer_group_status", STRING),
    field("is_caps_enabled", BOOLEAN),
    *CAPS,
    *ENTITY_TIMES,
    relationship(
        free_form("advertiser"),
        LABELS,
        field("network_offer_ids", ID_LIST),
        # remaining_* caps, -1000 meaning uncapped: names not all documented.
        free_form("remaining_caps"),
    ),
)

CREATIVE = schema(
    field("network_offer_creative_id", INTEGER),
    field("network_offer_id", INTEGER),
    field("name", STRING),
    field("creative_type", STRING),
    field("is_private", BOOLEAN),
    field("creative_status", STRING),
    field("resource_url", STRING),
    field("html_code", STRING),
    field("width", INTEGER),
    field("height", INTEGER),
    field("email_from", STRING),
    field("email_subject", STRING),
    nullable("additional_offer_ids", ID_LIST),  # null (O)
    field("is_apply_specific_affiliates", BOOLEAN),
    *ENTITY_TIMES,
    relationship(
        free_form("offer"),
        obj(
            "resource_asset",
            field("network_asset_id", INTEGER),
            field("content_type", STRING),
            field("filename", STRING),
            field("url", STRING),
            field("file_size", INTEGER),
            field("image_width", INTEGER),
            field("image_height", INTEGER),
        ),
    ),
)

OFFER_URL = schema(
    field("network_offer_url_id", INTEGER),
    field("network_offer_id", INTEGER),
    field("name", STRING),
    field("destination_url", STRING),
    field("preview_url", STRING),
    field("url_status", STRING),
    field("network_affiliate_ids", ID_LIST),
    field("is_apply_specific_affiliates", BOOLEAN),
    field("is_hidden_affiliate", BOOLEAN),
    free_form("remote_offer_resource"),  # M only, its fields not listed
    *ENTITY_TIMES,
)

# Smart links. B (older) sends redirects and labels as plain arrays, O/M as
# {total, entries} (docs/api.md#campaign-collections).
CAMPAIGN, CAMPAIGN_ALTERNATIVES = record(
    field("network_campaign_id", INTEGER),
    field("campaign_name", STRING),
    field("campaign_status", STRING),
    field("network_tracking_domain_id", INTEGER),
    field("is_use_secure_link", BOOLEAN),
    field("redirect_routing_type", STRING),
    field("catch_all_network_offer_id", INTEGER),
    field("is_open_to_affiliates", BOOLEAN),
    field("run_frequency", STRING),
    field("metric", STRING),
    # "numeric" and untyped in the documentation: numbers hold integers too.
    field("optimization_goal", NUMBER),
    field("data_lookback_window", STRING),
    field("data_collection_threshold", NUMBER),
    *ENTITY_TIMES,
    relationship(
        collection(
            "redirects",
            th.ObjectType(
                field("network_campaign_redirect_id", INTEGER),
                field("network_campaign_id", INTEGER),
                field("redirect_network_offer_id", INTEGER),
                field("redirect_network_offer_url_id", INTEGER),
                field("routing_value", NUMBER),  # a priority or a weight
                free_form("ruleset"),
                additional_properties=False,
            ),
            alt="array",
        ),
        collection("labels", STRING, alt="array"),
    ),
)

COUPON_CODE = schema(
    field("network_coupon_code_id", INTEGER),
    # The fields the list's filters name (docs/api.md#other-entity-lists).
    field("coupon_code", STRING),
    field("coupon_status", STRING),
    field("network_offer_id", INTEGER),
    field("network_affiliate_id", INTEGER),
    field("start_date", STRING),  # "YYYY-MM-DD" or ""
    field("end_date", STRING),
    *ENTITY_TIMES,
    field("time_deleted", INTEGER),  # 0 if not deleted
)

CATEGORY = schema(*CATEGORY_FIELDS, *ENTITY_TIMES)

LABEL = schema(
    field("label", STRING),  # the key: labels are named, not numbered
    field("advertiser_ids", ID_LIST),
    field("affiliate_ids", ID_LIST),
    field("campaign_ids", ID_LIST),
    field("offer_ids", ID_LIST),
    field("offer_group_ids", ID_LIST),
    relationship(
        # Plain arrays of the labelled entities; offer_groups add offer_count.
        field("advertisers", th.ArrayType(FREE_FORM)),
        field("affiliates", th.ArrayType(FREE_FORM)),
        field("campaigns", th.ArrayType(FREE_FORM)),
        field("offers", th.ArrayType(FREE_FORM)),
        field("offer_groups", th.ArrayType(FREE_FORM)),
    ),
)
