"""The records Everflow sends, field by field, as JSON schemas.

Each follows Everflow's documentation as ``docs/api.md#records`` gathers it
(the section is named on each schema): every documented field under its API
name and documented type, ids
integer except the documented string ids, money ``number``, epoch times
integer. A field whose type sources disagree on is declared with the type that
holds both readings, and its other reading is listed in the stream's
``ALTERNATIVES`` (converted without a warning, see :mod:`tap_everflow.records.proto3`
and ``docs/api.md#where-sources-disagree``). Fields are required (proto3: zero
when omitted) unless documented as null. Comments name the documentation a
reading comes from by the tags B, D, M, O, T and Y, defined in
``docs/api.md#sources``.
"""

from __future__ import annotations

import typing as t

from singer_sdk import typing as th

Properties = list[th.Property]


def field(name: str, kind: th.JSONTypeHelper | type[th.JSONTypeHelper]) -> th.Property:
    """A field the API always has a value for (proto3: zero when omitted)."""
    return th.Property(name, kind, required=True)


def nullable(
    name: str, kind: th.JSONTypeHelper | type[th.JSONTypeHelper]
) -> th.Property:
    """A field documented as sometimes ``null``: null is kept.

    See docs/api.md#nulls-despite-proto3.
    """
    return th.Property(name, kind)


def strings(*names: str) -> Properties:
    """String fields."""
    return [field(name, th.StringType) for name in names]


def integers(*names: str) -> Properties:
    """Integer fields (ids, counts, epoch seconds)."""
    return [field(name, th.IntegerType) for name in names]


def numbers(*names: str) -> Properties:
    """Decimal fields (money in full currency units, rates)."""
    return [field(name, th.NumberType) for name in names]


def booleans(*names: str) -> Properties:
    """Boolean fields."""
    return [field(name, th.BooleanType) for name in names]


def id_lists(*names: str) -> Properties:
    """Lists of ids (``network_offer_ids``, ...): integer arrays."""
    return [field(name, th.ArrayType(th.IntegerType)) for name in names]


def obj(name: str, *fields: th.Property | Properties) -> th.Property:
    """A nested object with declared properties.

    Always present (zero-filled), but not listed as required: with flattening
    on, the SDK replaces a top-level object by <name>__* columns and keeps the
    ``required`` list as is, so targets would reject every record.
    """
    return th.Property(name, th.ObjectType(*_flat(fields), additional_properties=False))


def free_form(name: str) -> th.Property:
    """An object whose keys the API chooses (a URL's parameters, settings)."""
    return field(name, th.ObjectType(additional_properties=True))


def collection(
    name: str, entries: th.JSONTypeHelper | type[th.JSONTypeHelper] | None = None
) -> th.Property:
    """A related collection: ``{total, entries}`` (free-form entries by default)."""
    entry = entries or th.ObjectType(additional_properties=True)
    return obj(
        name, field("total", th.IntegerType), field("entries", th.ArrayType(entry))
    )


def relationship(*fields: th.Property | Properties) -> th.Property:
    """The nested ``relationship`` object: the related entities."""
    return obj("relationship", *fields)


def derived_time(name: str, source: str) -> th.Property:
    """The UTC date-time the tap derives from an epoch field."""
    return th.Property(
        name, th.DateTimeType, required=True, description=f"{source} as a UTC time."
    )


def _flat(fields: tuple[th.Property | Properties, ...]) -> Properties:
    flat: Properties = []
    for item in fields:
        flat.extend(item if isinstance(item, list) else [item])
    return flat


def schema(*fields: th.Property | Properties) -> dict:
    """A stream's JSON schema.

    No top-level object is listed as required (a free-form one included): with
    flattening on, the SDK replaces it by ``<name>__*`` columns (see :func:`obj`).
    """
    built = th.PropertiesList(*_flat(fields)).to_dict()
    objects = set()
    for name, prop in built["properties"].items():
        kind = prop.get("type")
        if "object" in ([kind] if isinstance(kind, str) else kind or []):
            objects.add(name)
    built["required"] = [name for name in built["required"] if name not in objects]
    return built


def without(stream_schema: dict, names: t.Iterable[str]) -> dict:
    """``stream_schema`` less the properties ``names`` (those the tap derives)."""
    left_out = set(names)
    properties = stream_schema["properties"].items()
    return {
        **stream_schema,
        "properties": {k: v for k, v in properties if k not in left_out},
    }


SUBS = strings("sub1", "sub2", "sub3", "sub4", "sub5")
DEVICE_IDS = strings(
    *(
        f"{kind}{suffix}"
        for kind in ("idfa", "google_ad_id", "android_id")
        for suffix in ("", "_md5", "_sha1")
    )
)

# -- impressions: docs/api.md#impression-record (Everflow documents none) ----

IMPRESSION = schema(
    strings("transaction_id"),
    integers("unix_timestamp"),
    derived_time("occurred_at", "unix_timestamp"),
    strings("tracking_url", "source_id"),
    SUBS,
    strings("user_ip", "referer", "currency_id"),
    relationship(
        obj("offer", integers("network_offer_id"), strings("name")),
        obj("affiliate", integers("network_affiliate_id"), strings("name")),
        obj("advertiser", integers("network_advertiser_id"), strings("name")),
        obj("geolocation", strings("country_code", "region_name", "city_name")),
        obj(
            "device_information",
            strings("platform_name", "browser_name", "device_type"),
        ),
    ),
)

# -- shared parts of clicks and conversions (docs/api.md#related-parties) -----


def employee(name: str) -> th.Property:
    """``account_manager`` / ``affiliate_manager``: a network employee."""
    return obj(
        name,
        integers("network_employee_id", "network_id"),
        strings("first_name", "last_name", "full_name", "account_status"),
    )


RELATED_OFFER = obj(
    "offer",
    integers(
        "network_offer_id",
        "network_id",
        "network_advertiser_id",
        "network_offer_group_id",
    ),
    strings("name", "offer_status"),
    integers("network_tracking_domain_id"),
    strings("visibility", "currency_id"),
)
RELATED_ADVERTISER = obj(
    "advertiser",
    integers("network_advertiser_id", "network_id"),
    strings("name", "account_status"),
)
RELATED_AFFILIATE = obj(
    "affiliate",
    integers("network_affiliate_id", "network_id"),
    strings("name", "account_status"),
    integers("network_traffic_source_id"),
)
PARTIES = [
    RELATED_OFFER,
    RELATED_ADVERTISER,
    employee("account_manager"),
    RELATED_AFFILIATE,
    employee("affiliate_manager"),
]

# -- clicks (docs/api.md#click-record) ----------------------------------------

CLICK = schema(
    strings("transaction_id"),
    integers("is_unique", "unix_timestamp"),
    derived_time("occurred_at", "unix_timestamp"),
    strings("tracking_url", "source_id"),
    SUBS,
    strings("payout_type", "revenue_type"),
    numbers("payout", "revenue"),
    strings("referer"),
    integers("previous_network_offer_id", "error_code"),
    strings("project_id", "user_ip", "error_message", "url"),
    booleans("is_view_through", "is_async"),
    strings("server_side_url", "server_side_output"),
    integers("custom_landing_page_id"),
    booleans("is_test_mode"),
    DEVICE_IDS,
    strings("error_filter_id"),
    booleans("has_conversion", "is_pass_through"),
    integers("creative_id"),
    strings("coupon_code", "redirect_method"),
    booleans("is_sdk_click"),
    integers("category_id"),
    strings("currency_id"),
    relationship(
        PARTIES,
        obj(
            "geolocation",
            strings("country_code", "country_name", "region_code", "region_name"),
            strings("city_name"),
            integers("dma"),
            strings("dma_name", "timezone", "carrier_name", "carrier_code"),
            strings("organization", "isp_name"),
            booleans("is_mobile", "is_proxy"),
            strings("postal_code"),
        ),
        obj(
            "device_information",
            booleans("is_mobile"),
            strings("platform_name", "os_version", "brand", "model"),
            booleans("is_tablet"),
            strings("browser_name", "browser_version", "device_type", "language"),
            strings("http_accept_language"),
            booleans("is_robot", "is_filter"),
        ),
        strings("http_user_agent", "http_accept_language"),
        free_form("query_parameters"),
        strings("previous_transaction_id", "redirect_url", "forensiq_score"),
        obj(
            "internal_redirect",
            strings("previous_transaction_id"),
            integers("previous_offer_id"),
            booleans("is_pay_affiliate", "is_pass_through"),
            integers("network_offer_url_id", "redirect_count"),
        ),
    ),
)
# docs/api.md#click-field-types: where sources disagree on a click field's type.
CLICK_ALTERNATIVES = {
    "is_unique": ("boolean",),
    "project_id": ("integer",),
    "relationship.geolocation.carrier_code": ("integer",),
}

# -- conversions (docs/api.md#conversion-record) -----------------------------

CONVERSION = schema(
    strings("conversion_id"),
    integers("conversion_unix_timestamp"),
    derived_time("converted_at", "conversion_unix_timestamp"),
    integers("click_unix_timestamp"),
    strings("transaction_id", "status"),
    booleans("is_event"),
    strings("event", "payout_type", "revenue_type"),
    numbers("payout", "revenue", "sale_amount"),
    integers("network_offer_payout_revenue_id", "previous_network_offer_id"),
    SUBS,
    strings("source_id", "adv1", "adv2", "adv3", "adv4", "adv5"),
    strings("session_user_ip", "conversion_user_ip", "country", "region", "city"),
    integers("dma"),
    strings("carrier", "platform", "os_version", "device_type", "device_model"),
    strings("brand", "browser", "language", "isp", "http_user_agent"),
    strings("notes", "order_id", "coupon_code", "url", "referer", "app_id"),
    strings("email", "currency_id"),
    DEVICE_IDS,
    integers("error_code"),
    strings("error_message"),
    booleans("is_scrub", "is_view_through"),
    relationship(
        PARTIES,
        free_form("query_parameters"),
        strings("attribution_method"),
        nullable("usm_data", th.CustomType({})),
    ),
)
CONVERSION_ALTERNATIVES = {"conversion_id": ("integer",)}  # docs/api.md#conversion-id

# -- entities (docs/api.md#offer-record, #affiliate-record, #advertiser-record) --


def entity_times() -> Properties:
    """Creation and last-save times: epoch integers, and as UTC date-times."""
    return [
        *integers("time_created", "time_saved"),
        th.Property("created_at", th.DateTimeType, description="time_created, UTC."),
        th.Property("saved_at", th.DateTimeType, description="time_saved, UTC."),
    ]


LABELS = collection("labels", th.StringType)
# An offer's category (its relationship.category), and the categories list.
CATEGORY_FIELDS = [
    *integers("network_category_id", "network_id"),
    *strings("name", "status"),
]
CAPS = [
    *integers(
        *(
            f"{period}_{what}_cap"
            for period in ("daily", "weekly", "monthly", "global")
            for what in ("conversion", "click")
        )
    ),
    *numbers(
        *(
            f"{period}_{what}_cap"
            for period in ("daily", "weekly", "monthly", "global")
            for what in ("payout", "revenue")
        )
    ),
]
REMOTE_OFFER_RESOURCE = obj(
    "remote_offer_resource",
    integers("network_offer_id", "network_id"),
    strings("resource_type", "remote_resource_id"),
    integers("resource_id"),
    strings("last_value_md5", "json_config", "json_data"),
    integers("time_created", "time_saved"),
)
PAYOUT_REVENUE_ENTRY = th.ObjectType(
    *integers("network_offer_payout_revenue_id", "network_id", "network_offer_id"),
    *strings("entry_name", "payout_type"),
    *numbers("payout_amount"),
    *integers("payout_percentage"),
    *strings("revenue_type"),
    *numbers("revenue_amount"),
    *integers("revenue_percentage"),
    *booleans("is_default", "is_private", "is_postback_disabled", "is_enforce_caps"),
    *integers("time_created", "global_advertiser_event_id"),
    *booleans(
        "is_must_approve_conversion",
        "is_allow_duplicate_conversion",
        "is_email_attribution_default_event",
    ),
    REMOTE_OFFER_RESOURCE,
    additional_properties=False,
)

OFFER = schema(
    integers(
        "network_offer_id",
        "network_id",
        "network_advertiser_id",
        "network_offer_group_id",
    ),
    strings("name", "thumbnail_url"),
    integers("network_category_id"),
    strings("internal_notes", "destination_url", "server_side_url", "preview_url"),
    strings("view_through_destination_url"),
    booleans("is_view_through_enabled"),
    strings("offer_status", "currency_id"),
    integers("caps_timezone_id"),
    strings("project_id", "date_live_until", "html_description"),
    booleans(
        "is_description_plain_text",
        "is_using_explicit_terms_and_conditions",
    ),
    strings("terms_and_conditions"),
    booleans("is_force_terms_and_conditions", "is_caps_enabled"),
    CAPS,
    booleans("is_soft_cap"),
    strings("redirect_mode"),
    booleans("is_using_suppression_list"),
    integers("suppression_list_id"),
    booleans(
        "is_must_approve_conversion",
        "is_allow_duplicate_conversion",
        "is_duplicate_filter_enabled",
    ),
    strings("duplicate_filter_targeting_action"),
    integers("network_tracking_domain_id"),
    booleans(
        "is_use_secure_link",
        "is_seo_friendly",
        "is_allow_deep_link",
        "is_session_tracking_enabled",
    ),
    strings("session_tracking_start_on"),
    integers(
        "session_tracking_lifespan_hour", "session_tracking_minimum_lifespan_second"
    ),
    booleans("is_view_through_session_tracking_enabled"),
    integers(
        "view_through_session_tracking_lifespan_minute",
        "view_through_session_tracking_minimal_lifespan_second",
    ),
    booleans("is_block_already_converted"),
    strings("already_converted_action"),
    booleans("is_fail_traffic_enabled"),
    strings("redirect_routing_method", "redirect_internal_routing_type"),
    strings("visibility", "conversion_method"),
    booleans("is_whitelist_check_enabled", "is_use_scrub_rate"),
    strings("scrub_rate_status"),
    integers("scrub_rate_percentage"),
    strings("session_definition"),
    integers("session_duration"),
    strings("app_identifier"),
    booleans("is_use_direct_linking", "is_email_attribution_enabled"),
    strings("email_attribution_method", "attribution_method"),
    booleans("is_email_attribution_window_enabled"),
    integers("email_attribution_window_minute"),
    strings("email_attribution_window_type"),
    entity_times(),
    # Top-level on B's generated pages; relationship.labels in real examples
    # (docs/api.md#labels).
    field("labels", th.ArrayType(th.StringType)),
    relationship(
        obj("category", CATEGORY_FIELDS, integers("time_created", "time_saved")),
        LABELS,
        collection("payout_revenue", PAYOUT_REVENUE_ENTRY),
        strings("encoded_value"),
        booleans("is_locked_currency", "is_locked_caps_timezone"),
        collection("channels"),
        free_form("meta"),
        collection("requirement_kpis"),
        collection("requirement_tracking_parameters"),
    ),
)
# T declares channels both as a bare array and as {total, entries}
# (docs/api.md#channels).
OFFER_ALTERNATIVES = {"relationship.channels": ("array",)}

CONTACT_ADDRESS = obj(
    "contact_address",
    strings("address_1", "address_2", "city", "region_code", "country_code"),
    strings("zip_postal_code"),
)
ACCOUNT_MANAGER_CONTACT = obj(
    "account_manager",
    strings("first_name", "last_name", "email", "work_phone", "cell_phone"),
    integers("instant_messaging_id"),
    strings("instant_messaging_identifier"),
)

AFFILIATE = schema(
    integers("network_affiliate_id", "network_id"),
    strings("name", "account_status"),
    integers("network_employee_id"),
    strings("internal_notes"),
    booleans("has_notifications"),
    integers("network_traffic_source_id", "account_executive_id"),
    integers("adress_id"),  # sic: the API spells it with one "d"
    strings("default_currency_id"),
    booleans("is_contact_address_enabled", "enable_media_cost_tracking_links"),
    entity_times(),
    integers("referrer_id", "network_affiliate_tier_id"),
    CONTACT_ADDRESS,
    field("labels", th.ArrayType(th.StringType)),
    relationship(
        LABELS,
        collection("users"),
        ACCOUNT_MANAGER_CONTACT,
        strings("encoded_value"),
        integers("network_affiliate_tier_id"),
        collection("ios_app_sources"),
    ),
)

# The advertiser's relationship.reporting metrics (docs/api.md#advertiser-record).
REPORTING_COUNTS = (
    "imp",
    "total_click",
    "unique_click",
    "invalid_click",
    "duplicate_click",
    "gross_click",
    "cv",
    "invalid_cv_scrub",
    "view_through_cv",
    "total_cv",
    "event",
)
REPORTING_AMOUNTS = (
    "ctr",
    "cvr",
    "evr",
    "cpc",
    "cpm",
    "cpa",
    "epc",
    "rpc",
    "rpa",
    "rpm",
    "payout",
    "revenue",
    "event_revenue",
    "gross_sales",
    "profit",
    "margin",
    "roas",
    "avg_sale_value",
    "media_buying_cost",
    "on_hold_potential_revenue",
    "on_hold_potential_payout",
)

ADVERTISER = schema(
    integers("network_advertiser_id", "network_id"),
    strings("name", "account_status"),
    integers("network_employee_id"),
    strings("internal_notes"),
    integers("address_id"),
    booleans("is_contact_address_enabled"),
    integers("sales_manager_id"),
    nullable("is_expose_publisher_reporting_data", th.BooleanType),
    strings("default_currency_id", "platform_name", "platform_url"),
    strings("platform_username"),
    integers("reporting_timezone_id"),
    strings("accounting_contact_email", "verification_token"),
    strings("offer_id_macro", "affiliate_id_macro"),
    entity_times(),
    strings("attribution_method", "email_attribution_method", "attribution_priority"),
    relationship(
        LABELS,
        ACCOUNT_MANAGER_CONTACT,
        obj(
            "integrations",
            nullable(
                "advertiser_demand_partner", th.ObjectType(additional_properties=True)
            ),
        ),
        obj(
            "reporting",
            integers(*REPORTING_COUNTS),
            numbers(*REPORTING_AMOUNTS),
        ),
    ),
)

# -- offers' family: groups, creatives, URLs, smart links, coupons ----------
# (docs/api.md#other-entity-lists)

OFFER_GROUP = schema(
    integers("network_offer_group_id", "network_advertiser_id"),
    strings("name", "internal_notes", "offer_group_status"),
    booleans("is_caps_enabled"),
    CAPS,
    entity_times(),
    relationship(
        free_form("advertiser"),
        LABELS,
        id_lists("network_offer_ids"),
        # remaining_* caps, -1000 meaning uncapped: names not all documented.
        free_form("remaining_caps"),
    ),
)

CREATIVE = schema(
    integers("network_offer_creative_id", "network_offer_id"),
    strings("name", "creative_type"),
    booleans("is_private"),
    strings("creative_status", "resource_url", "html_code"),
    integers("width", "height"),
    strings("email_from", "email_subject"),
    nullable("additional_offer_ids", th.ArrayType(th.IntegerType)),  # null (O)
    booleans("is_apply_specific_affiliates"),
    entity_times(),
    relationship(
        free_form("offer"),
        obj(
            "resource_asset",
            integers("network_asset_id"),
            strings("content_type", "filename", "url"),
            integers("file_size", "image_width", "image_height"),
        ),
    ),
)

OFFER_URL = schema(
    integers("network_offer_url_id", "network_offer_id"),
    strings("name", "destination_url", "preview_url", "url_status"),
    id_lists("network_affiliate_ids"),
    booleans("is_apply_specific_affiliates", "is_hidden_affiliate"),
    free_form("remote_offer_resource"),  # M only, its fields not listed
    entity_times(),
)

CAMPAIGN = schema(
    integers("network_campaign_id"),
    strings("campaign_name", "campaign_status"),
    integers("network_tracking_domain_id"),
    booleans("is_use_secure_link"),
    strings("redirect_routing_type"),
    integers("catch_all_network_offer_id"),
    booleans("is_open_to_affiliates"),
    strings("run_frequency", "metric"),
    # "numeric" and untyped in the documentation: numbers hold integers too.
    numbers("optimization_goal"),
    strings("data_lookback_window"),
    numbers("data_collection_threshold"),
    entity_times(),
    relationship(
        collection(
            "redirects",
            th.ObjectType(
                *integers(
                    "network_campaign_redirect_id",
                    "network_campaign_id",
                    "redirect_network_offer_id",
                    "redirect_network_offer_url_id",
                ),
                *numbers("routing_value"),  # a priority or a weight
                free_form("ruleset"),
                additional_properties=False,
            ),
        ),
        LABELS,
    ),
)
# B (older) sends redirects and labels as plain arrays, O/M as {total, entries}
# (docs/api.md#campaign-collections).
CAMPAIGN_ALTERNATIVES = {
    "relationship.redirects": ("array",),
    "relationship.labels": ("array",),
}

COUPON_CODE = schema(
    integers("network_coupon_code_id"),
    # The fields the list's filters name (docs/api.md#other-entity-lists).
    strings("coupon_code", "coupon_status"),
    integers("network_offer_id", "network_affiliate_id"),
    strings("start_date", "end_date"),  # "YYYY-MM-DD" or ""
    entity_times(),
    integers("time_deleted"),  # 0 if not deleted
)

CATEGORY = schema(CATEGORY_FIELDS, entity_times())

LABEL = schema(
    strings("label"),  # the key: labels are named, not numbered
    id_lists(
        "advertiser_ids",
        "affiliate_ids",
        "campaign_ids",
        "offer_ids",
        "offer_group_ids",
    ),
    relationship(
        # Plain arrays of the labelled entities; offer_groups add offer_count.
        *(
            field(name, th.ArrayType(th.ObjectType(additional_properties=True)))
            for name in ("advertisers", "affiliates", "campaigns", "offers")
        ),
        field("offer_groups", th.ArrayType(th.ObjectType(additional_properties=True))),
    ),
)

# -- an offer's custom settings and traffic controls (docs/api.md#other-records)

CUSTOM_CREATIVE_SETTING = schema(
    integers("network_custom_creative_setting_id"),
    id_lists("network_offer_creative_ids", "network_affiliate_ids"),
    strings("name", "custom_setting_status"),
    entity_times(),
)

CUSTOM_PAYOUT_REVENUE_SETTING = schema(
    integers("network_custom_payout_revenue_setting_id"),
    booleans("is_apply_all_affiliates"),
    nullable("network_affiliate_ids", th.ArrayType(th.IntegerType)),  # null (O)
    integers("network_offer_id"),
    strings("name"),
    integers("network_offer_payout_revenue_id"),  # 0: the base entry
    strings("description", "public_description", "custom_setting_status"),
    booleans("is_custom_payout_enabled"),
    numbers("payout_amount"),
    integers("payout_percentage"),
    strings("payout_type"),
    booleans("is_custom_revenue_enabled"),
    numbers("revenue_amount"),
    integers("revenue_percentage"),
    strings("revenue_type"),
    booleans("is_postback_disabled", "is_apply_specific_offer_urls"),
    strings("currency_id"),
    id_lists("network_offer_url_ids"),
    strings("date_valid_from", "date_valid_to"),  # "" when unset
    entity_times(),
    relationship(
        collection("affiliates"),
        free_form("offer"),
        free_form("payout_revenue"),
    ),
)

CUSTOM_CAP_SETTING = schema(
    integers("network_custom_cap_setting_id", "network_affiliate_id"),
    integers("network_offer_id"),
    strings("name"),
    CAPS,
    booleans("is_soft_cap"),
    entity_times(),
    relationship(free_form("affiliate"), free_form("offer"), strings("currency_id")),
)

CUSTOM_SCRUB_RATE_SETTING = schema(
    integers("network_custom_scrub_rate_setting_id", "network_affiliate_id"),
    integers("network_offer_id"),
    strings("custom_setting_status", "name", "scrub_rate_status"),
    # The same rate under two names: an integer in M, a number in B
    # (docs/api.md#scrub-rate).
    integers("scrub_rate_percentage"),
    numbers("scrub_rate"),
    entity_times(),
)

TRAFFIC_CONTROL = schema(
    integers("network_traffic_control_id"),
    strings("name", "status", "control_type", "targeting_action"),
    booleans("is_apply_all_offers", "is_apply_all_affiliates"),
    strings("comparison_method", "date_valid_from", "date_valid_to"),
    # Click-variable names in one source, objects in another: both
    # (docs/api.md#traffic-control-variables).
    field("variables", th.ArrayType(th.CustomType({}))),
    entity_times(),
    relationship(
        *(
            nullable(name, th.ArrayType(th.IntegerType))  # null in the example
            for name in (
                "network_offer_ids",
                "network_affiliate_ids",
                "network_advertiser_ids",
            )
        ),
        field("values", th.ArrayType(th.StringType)),
    ),
)

# -- partners: their users, postbacks and invoices (docs/api.md#other-records)

USER_CONTACT = [
    *strings("first_name", "last_name", "email", "title"),
    *strings("work_phone", "cell_phone"),
    *integers("instant_messaging_id"),
    *strings("instant_messaging_identifier"),
    *integers("language_id", "timezone_id"),
    *strings("currency_id"),
]

# The network-wide list (B) and the per-affiliate one (O/M), whose records
# name the status differently: both names (docs/api.md#status-field-names).
AFFILIATE_USER = schema(
    integers("network_affiliate_user_id", "network_id", "network_affiliate_id"),
    USER_CONTACT,
    strings("status", "account_status"),
    booleans("is_primary"),
    id_lists("user_roles"),
    entity_times(),
    relationship(strings("affiliate_account_status")),
)

ADVERTISER_USER = schema(
    integers("network_advertiser_user_id", "network_id", "network_advertiser_id"),
    USER_CONTACT,
    strings("account_status"),
    entity_times(),
    free_form("relationship"),  # {} in the example: logins when asked for
)

PIXEL = schema(
    integers("network_pixel_id"),
    # The fields the list's filters name (docs/api.md#other-entity-lists).
    integers("network_offer_id", "network_affiliate_id"),
    integers("network_offer_payout_revenue_id"),
    strings("delivery_method", "pixel_level", "pixel_status"),
    strings("pixel_type"),  # conversion|cpc|event (M), post_conversion (O)
    strings("postback_url", "html_code", "description"),
    integers("delay_ms"),
    nullable("facebook_pixel", th.ObjectType(additional_properties=True)),
    free_form("tiktok_pixel"),
    free_form("snapchat_pixel"),
    free_form("rumble_pixel"),
    entity_times(),
    relationship(
        free_form("affiliate"), free_form("offer"), free_form("payout_revenue")
    ),
)


def invoice(party: str) -> dict:
    """A partner invoice of the ``invoicestable`` search.

    Everflow documents the affiliate invoice; an advertiser's has "the same
    shape", its fields named for the advertiser (docs/api.md#other-entity-lists).
    """
    return schema(
        integers(f"network_{party}_invoice_id", f"network_{party}_id", "timezone_id"),
        strings(f"network_{party}_name"),
        # The table's name for the status, and the invoice by id's
        # (docs/api.md#status-field-names).
        strings(f"{party}_invoice_status", "status"),
        numbers("balance", "billed", "paid"),
        strings("currency_id"),
        # Days (M/B) or text, "Net 30" (O): docs/api.md#payment-terms.
        strings("payment_terms"),
        booleans(f"is_hidden_{party}"),
        strings("public_notes", "internal_notes", "payment_type"),
        booleans("is_payable"),
        strings("payment_status"),
        strings("start_time", "end_time"),  # "YYYY-MM-DD HH:MM:SS"
        integers("paid_date"),
        entity_times(),
    )


AFFILIATE_INVOICE = invoice("affiliate")
ADVERTISER_INVOICE = invoice("advertiser")
INVOICE_ALTERNATIVES = {"payment_terms": ("integer",)}

# -- the network: employees and business units (docs/api.md#other-records) ---

EMPLOYEE = schema(
    # D names the id and the status one way, B another: both names
    # (docs/api.md#status-field-names).
    integers("network_employee_id", "employee_id", "network_business_unit_id"),
    strings("first_name", "last_name", "full_name", "email"),
    booleans(
        "is_admin",
        "is_affiliate_manager",
        "is_limited_affiliate_scope",
        "is_advertiser_manager",
    ),
    strings("work_phone", "cell_phone", "title"),
    integers("network_role_id", "instant_messaging_id"),
    strings("instant_messaging_identifier"),
    integers("language_id", "timezone_id"),
    strings("currency_id", "picture_url"),
    booleans("is_using_email_notification", "is_receiving_newsletter"),
    strings("internal_notes", "city"),
    integers("country_id"),
    strings("country_code", "region_code", "account_status", "status"),
    id_lists("roles"),
    entity_times(),
)

BUSINESS_UNIT = schema(
    integers("network_business_unit_id", "network_id"),
    strings("name"),
    entity_times(),
)

# -- reporting adjustments (docs/api.md#other-entity-lists) -------------------

ADJUSTMENT = schema(
    integers("network_reporting_adjustment_id"),
    strings("date_adjustment"),  # "YYYY-MM-DD": the day adjusted
    integers("network_affiliate_id", "network_offer_id", "network_employee_id"),
    integers("total_clicks", "unique_clicks", "conversions"),
    numbers("payout", "revenue", "gross_sales", "media_buying_cost"),
    integers("impressions"),
    strings("notes", "currency_id"),
    booleans("deleted"),
    entity_times(),
    # The day's numbers when adjusted (event_revenue, snapshot_timestamp,
    # snapshot_date, ...): not all named.
    relationship(free_form("snapshot")),
)

# -- the aggregated report's metrics (docs/api.md#daily-report-record) -------

DAILY_REPORT_COUNTS = (
    *REPORTING_COUNTS,
    "total_event",
    "view_through_event",
)
DAILY_REPORT_AMOUNTS = (
    *REPORTING_AMOUNTS,
    "redirect_traffic_revenue",
    "view_through_gross_sales",
)
