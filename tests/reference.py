"""One record of each kind, written from ``../shared/everflow-api-reference.md``.

Transcribed field by field from the reference (its section is named on each),
not from the tap's schemas or the simulator: tests check both against these.
Every value is of the documented type and, where it can be, not the type's
zero value, so that a field the tap drops or zero-fills shows. Money is a
decimal (``12.5``); ids and counts are integers; where sources disagree the
first reading listed in the reference is used here (tests send the other).
"""

from __future__ import annotations

import typing as t

Record = dict[str, t.Any]

T0 = 1_793_491_200  # 2026-11-01T00:00:00Z


def _employee(employee_id: int) -> Record:
    # 1d: account_manager / affiliate_manager
    return {
        "network_employee_id": employee_id,
        "network_id": 77,
        "first_name": "Dana",
        "last_name": "Whitfield",
        "full_name": "Dana Whitfield",
        "account_status": "active",
    }


def _related(prefix: str) -> Record:
    """1d: offer, advertiser, account_manager, affiliate, affiliate_manager."""
    return {
        "offer": {
            "network_offer_id": 883,
            "network_id": 77,
            "network_advertiser_id": 12,
            "network_offer_group_id": 4,
            "name": f"{prefix} offer",
            "offer_status": "active",
            "network_tracking_domain_id": 3,
            "visibility": "public",
            "currency_id": "USD",
        },
        "advertiser": {
            "network_advertiser_id": 12,
            "network_id": 77,
            "name": f"{prefix} advertiser",
            "account_status": "active",
        },
        "account_manager": _employee(2),
        "affiliate": {
            "network_affiliate_id": 7,
            "network_id": 77,
            "name": f"{prefix} affiliate",
            "account_status": "active",
            "network_traffic_source_id": 5,
        },
        "affiliate_manager": _employee(5),
    }


def click(transaction_id: str = "0c1a" * 8, unix_timestamp: int = T0 + 60) -> Record:
    """A network click (reference 1c top level, 1d relationship)."""
    return {
        "transaction_id": transaction_id,
        "is_unique": 1,
        "unix_timestamp": unix_timestamp,
        "tracking_url": "https://trk.example.com/clk?oid=883&affid=7",
        "source_id": "src-1",
        "sub1": "s1",
        "sub2": "s2",
        "sub3": "s3",
        "sub4": "s4",
        "sub5": "s5",
        "payout_type": "cpc",
        "revenue_type": "rpc",
        "payout": 0.35,
        "revenue": 0.5,
        "referer": "https://ref.example.com/",
        "previous_network_offer_id": 881,
        "error_code": 12,
        "project_id": "prj-9",
        "user_ip": "203.0.113.7",
        "error_message": "offer paused",
        "url": "https://landing.example.com/o/883",
        "is_view_through": True,
        "is_async": True,
        "server_side_url": "https://s2s.example.com/",
        "server_side_output": "ok",
        "custom_landing_page_id": 31,
        "is_test_mode": True,
        "idfa": "idfa-1",
        "idfa_md5": "idfa-md5",
        "idfa_sha1": "idfa-sha1",
        "google_ad_id": "gaid-1",
        "google_ad_id_md5": "gaid-md5",
        "google_ad_id_sha1": "gaid-sha1",
        "android_id": "aid-1",
        "android_id_md5": "aid-md5",
        "android_id_sha1": "aid-sha1",
        "error_filter_id": "flt-2",
        "has_conversion": True,
        "is_pass_through": True,
        "creative_id": 88301,
        "coupon_code": "SAVE10",
        "redirect_method": "standard",
        "is_sdk_click": True,
        "category_id": 6,
        "currency_id": "USD",
        "relationship": {
            **_related("click"),
            "geolocation": {
                "country_code": "US",
                "country_name": "United States",
                "region_code": "CA",
                "region_name": "California",
                "city_name": "Los Angeles",
                "dma": 803,
                "dma_name": "Los Angeles",
                "timezone": "America/Los_Angeles",
                "carrier_name": "Verizon Wireless",
                "carrier_code": "310012",
                "organization": "Verizon",
                "isp_name": "Verizon",
                "is_mobile": True,
                "is_proxy": True,
                "postal_code": "90012",
            },
            "device_information": {
                "is_mobile": True,
                "platform_name": "iOS",
                "os_version": "17.4",
                "brand": "Apple",
                "model": "iPhone",
                "is_tablet": True,
                "browser_name": "Safari",
                "browser_version": "17.4",
                "device_type": "mobile",
                "language": "en-US",
                "http_accept_language": "en-US,en;q=0.9",
                "is_robot": True,
                "is_filter": True,
            },
            "http_user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)",
            "http_accept_language": "en-US,en;q=0.9",
            "query_parameters": {"utm_source": "newsletter", "aff_click": "x1"},
            "previous_transaction_id": "f" * 32,
            "redirect_url": "https://trk.example.com/clk?oid=881",
            "forensiq_score": "37",
            "internal_redirect": {
                "previous_transaction_id": "e" * 32,
                "previous_offer_id": 881,
                "is_pay_affiliate": True,
                "is_pass_through": True,
                "network_offer_url_id": 8831,
                "redirect_count": 2,
            },
        },
    }


def conversion(
    conversion_id: str = "ed113548268141de8b4c4ad4a1d812a7",
    conversion_unix_timestamp: int = T0 + 3_600,
) -> Record:
    """A conversion (reference 3b)."""
    return {
        "conversion_id": conversion_id,
        "conversion_unix_timestamp": conversion_unix_timestamp,
        "click_unix_timestamp": conversion_unix_timestamp - 600,
        "transaction_id": "0c1a" * 8,
        "status": "approved",
        "is_event": True,
        "event": "Purchase",
        "payout_type": "cpa",
        "revenue_type": "rpa",
        "payout": 7.5,
        "revenue": 10.3,
        "sale_amount": 99.99,
        "network_offer_payout_revenue_id": 8832,
        "previous_network_offer_id": 881,
        "sub1": "s1",
        "sub2": "s2",
        "sub3": "s3",
        "sub4": "s4",
        "sub5": "s5",
        "source_id": "src-1",
        "adv1": "a1",
        "adv2": "a2",
        "adv3": "a3",
        "adv4": "a4",
        "adv5": "a5",
        "session_user_ip": "203.0.113.7",
        "conversion_user_ip": "203.0.113.8",
        "country": "United States",
        "region": "California",
        "city": "Los Angeles",
        "dma": 803,
        "carrier": "Verizon Wireless",
        "platform": "iOS",
        "os_version": "17.4",
        "device_type": "mobile",
        "device_model": "iPhone",
        "brand": "Apple",
        "browser": "Safari",
        "language": "en-US",
        "isp": "Verizon",
        "http_user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)",
        "notes": "first order",
        "order_id": "ORD-00001234",
        "coupon_code": "SAVE10",
        "url": "https://landing.example.com/thanks",
        "referer": "https://landing.example.com/",
        "app_id": "com.example.app",
        "email": "buyer@example.com",
        "currency_id": "USD",
        "idfa": "idfa-1",
        "idfa_md5": "idfa-md5",
        "idfa_sha1": "idfa-sha1",
        "google_ad_id": "gaid-1",
        "google_ad_id_md5": "gaid-md5",
        "google_ad_id_sha1": "gaid-sha1",
        "android_id": "aid-1",
        "android_id_md5": "aid-md5",
        "android_id_sha1": "aid-sha1",
        "error_code": 3,
        "error_message": "duplicate",
        "is_scrub": True,
        "is_view_through": True,
        "relationship": {
            **_related("conversion"),
            "query_parameters": {"utm_source": "newsletter"},
            "attribution_method": "last_touch",
            "usm_data": {"customer_value": 12},
        },
    }


def offer(network_offer_id: int = 883) -> Record:
    """An offer of ``GET /v1/networks/offers`` (reference 4a)."""
    caps = {}
    for period in ("daily", "weekly", "monthly", "global"):
        caps[f"{period}_conversion_cap"] = 10
        caps[f"{period}_click_cap"] = 1_000
        caps[f"{period}_payout_cap"] = 10.3
        caps[f"{period}_revenue_cap"] = 300.5
    return {
        "network_offer_id": network_offer_id,
        "network_id": 77,
        "network_advertiser_id": 12,
        "network_offer_group_id": 4,
        "name": "Summer Sweepstakes",
        "thumbnail_url": "https://cdn.example.com/t.png",
        "network_category_id": 6,
        "internal_notes": "top performer",
        "destination_url": "https://landing.example.com/o/883?click={transaction_id}",
        "server_side_url": "https://s2s.example.com/",
        "preview_url": "https://landing.example.com/o/883",
        "view_through_destination_url": "https://landing.example.com/vt",
        "is_view_through_enabled": True,
        "offer_status": "active",
        "currency_id": "USD",
        "caps_timezone_id": 67,
        "project_id": "prj-9",
        "date_live_until": "2027-06-30",
        "html_description": "<p>Win</p>",
        "is_description_plain_text": True,
        "is_using_explicit_terms_and_conditions": True,
        "terms_and_conditions": "No incent.",
        "is_force_terms_and_conditions": True,
        "is_caps_enabled": True,
        **caps,
        "is_soft_cap": True,
        "redirect_mode": "single_meta_refresh",
        "is_using_suppression_list": True,
        "suppression_list_id": 9,
        "is_must_approve_conversion": True,
        "is_allow_duplicate_conversion": True,
        "is_duplicate_filter_enabled": True,
        "duplicate_filter_targeting_action": "block",
        "network_tracking_domain_id": 3,
        "is_use_secure_link": True,
        "is_seo_friendly": True,
        "is_allow_deep_link": True,
        "is_session_tracking_enabled": True,
        "session_tracking_start_on": "click",
        "session_tracking_lifespan_hour": 24,
        "session_tracking_minimum_lifespan_second": 5,
        "is_view_through_session_tracking_enabled": True,
        "view_through_session_tracking_lifespan_minute": 60,
        "view_through_session_tracking_minimal_lifespan_second": 2,
        "is_block_already_converted": True,
        "already_converted_action": "fail_traffic",
        "is_fail_traffic_enabled": True,
        "redirect_routing_method": "internal",
        "redirect_internal_routing_type": "priority",
        "visibility": "require_approval",
        "conversion_method": "html_pixel_cookie_based",
        "is_whitelist_check_enabled": True,
        "is_use_scrub_rate": True,
        "scrub_rate_status": "rejected",
        "scrub_rate_percentage": 15,
        "session_definition": "ip_user_agent",
        "session_duration": 48,
        "app_identifier": "com.example.app",
        "is_use_direct_linking": True,
        "is_email_attribution_enabled": True,
        "email_attribution_method": "first_affiliate_attribution",
        "attribution_method": "first_touch",
        "is_email_attribution_window_enabled": True,
        "email_attribution_window_minute": 30,
        "email_attribution_window_type": "minute",
        "time_created": T0 - 86_400,
        "time_saved": T0,
        "labels": ["mobile"],
        "relationship": {
            "category": {
                "network_category_id": 6,
                "network_id": 77,
                "name": "Sweepstakes",
                "status": "active",
                "time_created": T0 - 90 * 86_400,
                "time_saved": T0 - 80 * 86_400,
            },
            "labels": {"total": 1, "entries": ["mobile"]},
            "payout_revenue": {
                "total": 1,
                "entries": [
                    {
                        "network_offer_payout_revenue_id": 8832,
                        "network_id": 77,
                        "network_offer_id": network_offer_id,
                        "entry_name": "Base",
                        "payout_type": "cpa",
                        "payout_amount": 7.5,
                        "payout_percentage": 5,
                        "revenue_type": "rpa",
                        "revenue_amount": 10.3,
                        "revenue_percentage": 7,
                        "is_default": True,
                        "is_private": True,
                        "is_postback_disabled": True,
                        "is_enforce_caps": True,
                        "time_created": T0 - 86_400,
                        "global_advertiser_event_id": 2,
                        "is_must_approve_conversion": True,
                        "is_allow_duplicate_conversion": True,
                        "is_email_attribution_default_event": True,
                        "remote_offer_resource": {
                            "network_offer_id": network_offer_id,
                            "network_id": 77,
                            "resource_type": "offer",
                            "remote_resource_id": "r-1",
                            "resource_id": 4,
                            "last_value_md5": "abc",
                            "json_config": "{}",
                            "json_data": "[]",
                            "time_created": T0 - 86_400,
                            "time_saved": T0,
                        },
                    }
                ],
            },
            "encoded_value": "1A2B",
            "is_locked_currency": True,
            "is_locked_caps_timezone": True,
            "channels": {"total": 1, "entries": [{"network_channel_id": 2}]},
            "meta": {"source": "api"},
            "requirement_kpis": {"total": 1, "entries": [{"kpi": "cr"}]},
            "requirement_tracking_parameters": {
                "total": 1,
                "entries": [{"parameter": "sub1"}],
            },
        },
    }


def _manager_contact() -> Record:
    # 4b/4c relationship.account_manager
    return {
        "first_name": "Dana",
        "last_name": "Whitfield",
        "email": "dana@network.example",
        "work_phone": "+1 555 0101",
        "cell_phone": "+1 555 0199",
        "instant_messaging_id": 2,
        "instant_messaging_identifier": "dana.w",
    }


def affiliate(network_affiliate_id: int = 7) -> Record:
    """An affiliate of ``GET /v1/networks/affiliates`` (reference 4b)."""
    return {
        "network_affiliate_id": network_affiliate_id,
        "network_id": 77,
        "name": "Bluebird Media",
        "account_status": "active",
        "network_employee_id": 5,
        "internal_notes": "pays on time",
        "has_notifications": True,
        "network_traffic_source_id": 5,
        "account_executive_id": 3,
        "adress_id": 1007,
        "default_currency_id": "EUR",
        "is_contact_address_enabled": True,
        "enable_media_cost_tracking_links": True,
        "time_created": T0 - 86_400,
        "time_saved": T0,
        "referrer_id": 2,
        "network_affiliate_tier_id": 1,
        "contact_address": {
            "address_1": "1 Main Street",
            "address_2": "Suite 2",
            "city": "Springfield",
            "region_code": "IL",
            "country_code": "US",
            "zip_postal_code": "62701",
        },
        "labels": ["vip"],
        "relationship": {
            "labels": {"total": 1, "entries": ["vip"]},
            "users": {"total": 1, "entries": [{"network_affiliate_user_id": 70}]},
            "account_manager": _manager_contact(),
            "encoded_value": "3C4D",
            "network_affiliate_tier_id": 1,
            "ios_app_sources": {"total": 1, "entries": [{"app": "x"}]},
        },
    }


def advertiser(network_advertiser_id: int = 12) -> Record:
    """An advertiser of ``GET /v1/networks/advertisers`` (reference 4c)."""
    return {
        "network_advertiser_id": network_advertiser_id,
        "network_id": 77,
        "name": "Acme Retail Inc.",
        "account_status": "active",
        "network_employee_id": 2,
        "internal_notes": "net 30",
        "address_id": 2012,
        "is_contact_address_enabled": True,
        "sales_manager_id": 3,
        "is_expose_publisher_reporting_data": None,  # null in both examples
        "default_currency_id": "USD",
        "platform_name": "Shopify",
        "platform_url": "https://acme.example.com",
        "platform_username": "acme",
        "reporting_timezone_id": 80,
        "accounting_contact_email": "billing@acme.example",
        "verification_token": "vt-0012",
        "offer_id_macro": "oid",
        "affiliate_id_macro": "affid",
        "time_created": T0 - 86_400,
        "time_saved": T0,
        "attribution_method": "last_touch",
        "email_attribution_method": "last_affiliate_attribution",
        "attribution_priority": "coupon_code",
        "relationship": {
            "labels": {"total": 1, "entries": ["updated-label"]},
            "account_manager": _manager_contact(),
            "integrations": {"advertiser_demand_partner": None},
            "reporting": {
                **dict.fromkeys(
                    (
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
                    ),
                    3,
                ),
                **dict.fromkeys(
                    (
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
                    ),
                    1.25,
                ),
            },
        },
    }


def impression(
    transaction_id: str = "0d2b" * 8, unix_timestamp: int = T0 + 30
) -> Record:
    """An impression as the contract shows it (the reference documents none)."""
    return {
        "transaction_id": transaction_id,
        "unix_timestamp": unix_timestamp,
        "tracking_url": "https://trk.example.com/imp?oid=883",
        "source_id": "src-1",
        "sub1": "s1",
        "sub2": "s2",
        "sub3": "s3",
        "sub4": "s4",
        "sub5": "s5",
        "user_ip": "203.0.113.7",
        "referer": "https://ref.example.com/",
        "currency_id": "USD",
        "relationship": {
            "offer": {"network_offer_id": 883, "name": "impression offer"},
            "affiliate": {"network_affiliate_id": 7, "name": "impression affiliate"},
            "advertiser": {"network_advertiser_id": 12, "name": "impression adv"},
            "geolocation": {
                "country_code": "US",
                "region_name": "California",
                "city_name": "Los Angeles",
            },
            "device_information": {
                "platform_name": "iOS",
                "browser_name": "Safari",
                "device_type": "mobile",
            },
        },
    }


# Free-form objects: their keys are Everflow's (or the link's) to choose.
FREE_FORM = frozenset(
    {
        "relationship.query_parameters",
        "relationship.usm_data",
        "relationship.meta",
        "relationship.integrations.advertiser_demand_partner",
    }
)
# Collections whose entries the reference does not describe: kept whole.
UNDESCRIBED_ENTRIES = frozenset(
    {
        "relationship.channels.entries",
        "relationship.requirement_kpis.entries",
        "relationship.requirement_tracking_parameters.entries",
        "relationship.users.entries",
        "relationship.ios_app_sources.entries",
    }
)


def leaves(record: t.Any, path: str = "") -> dict[str, t.Any]:
    """Every documented field of ``record`` by dotted path ("[]": list items)."""
    if path in FREE_FORM or path in UNDESCRIBED_ENTRIES:
        return {path: record}
    if isinstance(record, dict):
        found: dict[str, t.Any] = {}
        for name, value in record.items():
            found.update(leaves(value, f"{path}.{name}" if path else name))
        return found
    if isinstance(record, list) and record and isinstance(record[0], dict):
        return leaves(record[0], f"{path}[]")
    return {path: record}


EXAMPLES: dict[str, t.Callable[[], Record]] = {
    "impressions": impression,
    "clicks": click,
    "conversions": conversion,
    "offers": offer,
    "affiliates": affiliate,
    "advertisers": advertiser,
}
