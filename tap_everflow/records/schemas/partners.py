"""Records of affiliates and advertisers, their users, postbacks and invoices."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_everflow.records.schemas.daily_report import ADVERTISER_METRICS
from tap_everflow.records.schemas.fields import (
    BOOLEAN,
    ENTITY_TIMES,
    FREE_FORM,
    ID_LIST,
    INTEGER,
    LABELS,
    NUMBER,
    STRING,
    Record,
    collection,
    field,
    free_form,
    nullable,
    obj,
    record,
    relationship,
    schema,
)

# An affiliate's or advertiser's account manager, as its relationship has it.
ACCOUNT_MANAGER_CONTACT = obj(
    "account_manager",
    field("first_name", STRING),
    field("last_name", STRING),
    field("email", STRING),
    field("work_phone", STRING),
    field("cell_phone", STRING),
    field("instant_messaging_id", INTEGER),
    field("instant_messaging_identifier", STRING),
)

# -- affiliates (docs/api.md#affiliate-record) --------------------------------

AFFILIATE = schema(
    field("network_affiliate_id", INTEGER),
    field("network_id", INTEGER),
    field("name", STRING),
    field("account_status", STRING),
    field("network_employee_id", INTEGER),
    field("internal_notes", STRING),
    field("has_notifications", BOOLEAN),
    field("network_traffic_source_id", INTEGER),
    field("account_executive_id", INTEGER),
    field("adress_id", INTEGER),  # sic: the API spells it with one "d"
    field("default_currency_id", STRING),
    field("is_contact_address_enabled", BOOLEAN),
    field("enable_media_cost_tracking_links", BOOLEAN),
    *ENTITY_TIMES,
    field("referrer_id", INTEGER),
    field("network_affiliate_tier_id", INTEGER),
    obj(
        "contact_address",
        field("address_1", STRING),
        field("address_2", STRING),
        field("city", STRING),
        field("region_code", STRING),
        field("country_code", STRING),
        field("zip_postal_code", STRING),
    ),
    field("labels", th.ArrayType(STRING)),  # docs/api.md#labels
    relationship(
        LABELS,
        collection("users"),
        ACCOUNT_MANAGER_CONTACT,
        field("encoded_value", STRING),
        field("network_affiliate_tier_id", INTEGER),
        collection("ios_app_sources"),
    ),
)

# -- advertisers (docs/api.md#advertiser-record) ------------------------------

ADVERTISER = schema(
    field("network_advertiser_id", INTEGER),
    field("network_id", INTEGER),
    field("name", STRING),
    field("account_status", STRING),
    field("network_employee_id", INTEGER),
    field("internal_notes", STRING),
    field("address_id", INTEGER),
    field("is_contact_address_enabled", BOOLEAN),
    field("sales_manager_id", INTEGER),
    nullable("is_expose_publisher_reporting_data", BOOLEAN),
    field("default_currency_id", STRING),
    field("platform_name", STRING),
    field("platform_url", STRING),
    field("platform_username", STRING),
    field("reporting_timezone_id", INTEGER),
    field("accounting_contact_email", STRING),
    field("verification_token", STRING),
    field("offer_id_macro", STRING),
    field("affiliate_id_macro", STRING),
    *ENTITY_TIMES,
    field("attribution_method", STRING),
    field("email_attribution_method", STRING),
    field("attribution_priority", STRING),
    relationship(
        LABELS,
        ACCOUNT_MANAGER_CONTACT,
        obj("integrations", nullable("advertiser_demand_partner", FREE_FORM)),
        obj("reporting", *ADVERTISER_METRICS),
    ),
)

# -- their users (docs/api.md#other-records) ----------------------------------

USER_CONTACT = (
    field("first_name", STRING),
    field("last_name", STRING),
    field("email", STRING),
    field("title", STRING),
    field("work_phone", STRING),
    field("cell_phone", STRING),
    field("instant_messaging_id", INTEGER),
    field("instant_messaging_identifier", STRING),
    field("language_id", INTEGER),
    field("timezone_id", INTEGER),
    field("currency_id", STRING),
)

# The network-wide list (B) and the per-affiliate one (O/M), whose records
# name the status differently: both names (docs/api.md#status-field-names).
AFFILIATE_USER = schema(
    field("network_affiliate_user_id", INTEGER),
    field("network_id", INTEGER),
    field("network_affiliate_id", INTEGER),
    *USER_CONTACT,
    field("status", STRING),
    field("account_status", STRING),
    field("is_primary", BOOLEAN),
    field("user_roles", ID_LIST),
    *ENTITY_TIMES,
    relationship(field("affiliate_account_status", STRING)),
)

ADVERTISER_USER = schema(
    field("network_advertiser_user_id", INTEGER),
    field("network_id", INTEGER),
    field("network_advertiser_id", INTEGER),
    *USER_CONTACT,
    field("account_status", STRING),
    *ENTITY_TIMES,
    free_form("relationship"),  # {} in the example: logins when asked for
)

# -- postbacks and pixels (docs/api.md#other-entity-lists) --------------------

PIXEL = schema(
    field("network_pixel_id", INTEGER),
    # The fields the list's filters name (docs/api.md#other-entity-lists).
    field("network_offer_id", INTEGER),
    field("network_affiliate_id", INTEGER),
    field("network_offer_payout_revenue_id", INTEGER),
    field("delivery_method", STRING),
    field("pixel_level", STRING),
    field("pixel_status", STRING),
    field("pixel_type", STRING),  # docs/api.md#pixel-types
    field("postback_url", STRING),
    field("html_code", STRING),
    field("description", STRING),
    field("delay_ms", INTEGER),
    nullable("facebook_pixel", FREE_FORM),
    free_form("tiktok_pixel"),
    free_form("snapchat_pixel"),
    free_form("rumble_pixel"),
    *ENTITY_TIMES,
    relationship(
        free_form("affiliate"),
        free_form("offer"),
        free_form("payout_revenue"),
    ),
)

# -- invoices (docs/api.md#other-entity-lists) --------------------------------


def invoice(party: str) -> Record:
    """A partner invoice of the ``invoicestable`` search.

    Everflow documents the affiliate invoice; an advertiser's has "the same
    shape", its fields named for the advertiser (docs/api.md#other-entity-lists).
    """
    return record(
        field(f"network_{party}_invoice_id", INTEGER),
        field(f"network_{party}_id", INTEGER),
        field("timezone_id", INTEGER),
        field(f"network_{party}_name", STRING),
        # The table's name for the status, and the invoice by id's
        # (docs/api.md#status-field-names).
        field(f"{party}_invoice_status", STRING),
        field("status", STRING),
        field("balance", NUMBER),
        field("billed", NUMBER),
        field("paid", NUMBER),
        field("currency_id", STRING),
        # Days (M/B) or text, "Net 30" (O): docs/api.md#payment-terms.
        field("payment_terms", STRING, alt="integer"),
        field(f"is_hidden_{party}", BOOLEAN),
        field("public_notes", STRING),
        field("internal_notes", STRING),
        field("payment_type", STRING),
        field("is_payable", BOOLEAN),
        field("payment_status", STRING),
        field("start_time", STRING),  # "YYYY-MM-DD HH:MM:SS"
        field("end_time", STRING),
        field("paid_date", INTEGER),
        *ENTITY_TIMES,
    )


# The advertisers' stream inherits the affiliates' alternatives.
AFFILIATE_INVOICE, INVOICE_ALTERNATIVES = invoice("affiliate")
ADVERTISER_INVOICE = invoice("advertiser").schema
