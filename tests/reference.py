"""One record of each kind, written from Everflow's documentation (docs/api.md).

Transcribed field by field from it (the section is named on each),
not from the tap's schemas or the simulator: tests check both against these.
Every value is of the documented type and, where it can be, not the type's
zero value, so that a field the tap drops or zero-fills shows. Money is a
decimal (``12.5``); ids and counts are integers; where sources disagree the
first reading docs/api.md lists is used here (tests send the other).
"""

from __future__ import annotations

import typing as t

Record = dict[str, t.Any]

T0 = 1_793_491_200  # 2026-11-01T00:00:00Z


def _employee(employee_id: int) -> Record:
    # account_manager / affiliate_manager (docs/api.md#related-parties)
    return {
        "network_employee_id": employee_id,
        "network_id": 77,
        "first_name": "Dana",
        "last_name": "Whitfield",
        "full_name": "Dana Whitfield",
        "account_status": "active",
    }


def _related(prefix: str) -> Record:
    """Offer, advertiser, account_manager, affiliate, affiliate_manager.

    See docs/api.md#related-parties.
    """
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
    """A network click (docs/api.md#click-record)."""
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
    """A conversion (docs/api.md#conversion-record)."""
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


def _caps() -> Record:
    """The offer's 16 caps; those of money are decimals (O: daily_payout_cap 10.3)."""
    caps = {}
    for period in ("daily", "weekly", "monthly", "global"):
        caps[f"{period}_conversion_cap"] = 10
        caps[f"{period}_click_cap"] = 1_000
        caps[f"{period}_payout_cap"] = 10.3
        caps[f"{period}_revenue_cap"] = 300.5
    return caps


def offer(network_offer_id: int = 883) -> Record:
    """An offer of ``GET /v1/networks/offers`` (docs/api.md#offer-record)."""
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
        **_caps(),
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
    # relationship.account_manager of docs/api.md#affiliate-record, #advertiser-record
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
    """An affiliate of ``GET /v1/networks/affiliates``: docs/api.md#affiliate-record."""
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
    """An advertiser of ``GET /v1/networks/advertisers``.

    See docs/api.md#advertiser-record.
    """
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
    """An impression as docs/api.md#impression-record shows it."""
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


# -- other network entities (docs/api.md#other-records) ----------------------


def _times() -> Record:
    return {"time_created": T0 - 86_400, "time_saved": T0}


def offer_group() -> Record:
    """An offer group of ``GET /v1/networks/offergroups``."""
    return {
        "network_offer_group_id": 4,
        "network_advertiser_id": 12,
        "name": "Sweepstakes bundle",
        "internal_notes": "shared caps",
        "offer_group_status": "active",
        "is_caps_enabled": True,
        **_caps(),
        **_times(),
        "relationship": {
            "advertiser": {"network_advertiser_id": 12, "name": "Acme Retail Inc."},
            "labels": {"total": 1, "entries": ["q4"]},
            "network_offer_ids": [883, 884],
            "remaining_caps": {"remaining_daily_conversion_cap": -1000},
        },
    }


def creative() -> Record:
    """A creative of ``GET /v1/networks/creatives``."""
    return {
        "network_offer_creative_id": 88301,
        "network_offer_id": 883,
        "name": "Banner 300x250",
        "creative_type": "image",
        "is_private": True,
        "creative_status": "active",
        "resource_url": "https://cdn.example.com/b.png",
        "html_code": "<img src=b.png>",
        "width": 300,
        "height": 250,
        "email_from": "deals@example.com",
        "email_subject": "Win big",
        "additional_offer_ids": None,  # null in O's example
        "is_apply_specific_affiliates": True,
        **_times(),
        "relationship": {
            "offer": {"network_offer_id": 883, "name": "Summer Sweepstakes"},
            "resource_asset": {
                "network_asset_id": 51,
                "content_type": "image/png",
                "filename": "b.png",
                "url": "https://cdn.example.com/b.png",
                "file_size": 20_480,
                "image_width": 300,
                "image_height": 250,
            },
        },
    }


def custom_creative_setting() -> Record:
    """A setting of ``GET /v1/networks/custom/creative``."""
    return {
        "network_custom_creative_setting_id": 31,
        "network_offer_creative_ids": [88301],
        "network_affiliate_ids": [7],
        "name": "Banner for Bluebird",
        "custom_setting_status": "active",
        **_times(),
    }


def campaign() -> Record:
    """A smart link of ``GET /v1/networks/campaigns``."""
    return {
        "network_campaign_id": 21,
        "campaign_name": "Sweeps rotator",
        "campaign_status": "active",
        "network_tracking_domain_id": 3,
        "is_use_secure_link": True,
        "redirect_routing_type": "weight",
        "catch_all_network_offer_id": 884,
        "is_open_to_affiliates": True,
        "run_frequency": "12_hours",
        "metric": "epc",
        "optimization_goal": 1.5,
        "data_lookback_window": "7_days",
        "data_collection_threshold": 100.0,  # untyped: a number
        **_times(),
        "relationship": {
            "redirects": {
                "total": 1,
                "entries": [
                    {
                        "network_campaign_redirect_id": 211,
                        "network_campaign_id": 21,
                        "redirect_network_offer_id": 883,
                        "redirect_network_offer_url_id": 8832,
                        "routing_value": 60.0,  # untyped: a number
                        "ruleset": {"platforms": ["iOS"]},
                    }
                ],
            },
            "labels": {"total": 1, "entries": ["rotator"]},
        },
    }


def coupon_code() -> Record:
    """A coupon code of ``GET /v1/networks/couponcodes``."""
    return {
        "network_coupon_code_id": 41,
        "coupon_code": "SAVE10",
        "coupon_status": "active",
        "network_offer_id": 883,
        "network_affiliate_id": 7,
        "start_date": "2026-11-01",
        "end_date": "2026-12-31",
        **_times(),
        "time_deleted": T0 + 60,
    }


def custom_payout_revenue_setting() -> Record:
    """A setting of ``GET /v1/networks/custom/payoutrevenue``."""
    return {
        "network_custom_payout_revenue_setting_id": 61,
        "is_apply_all_affiliates": True,
        "network_affiliate_ids": None,  # null in the example
        "network_offer_id": 883,
        "name": "Bluebird bonus",
        "network_offer_payout_revenue_id": 8832,
        "description": "bonus payout",
        "public_description": "Bonus",
        "custom_setting_status": "active",
        "is_custom_payout_enabled": True,
        "payout_amount": 7.5,
        "payout_percentage": 5,
        "payout_type": "cpa",
        "is_custom_revenue_enabled": True,
        "revenue_amount": 10.3,
        "revenue_percentage": 7,
        "revenue_type": "rpa",
        "is_postback_disabled": True,
        "is_apply_specific_offer_urls": True,
        "currency_id": "USD",
        "network_offer_url_ids": [8832],
        "date_valid_from": "2026-11-01",
        "date_valid_to": "2026-11-30",
        **_times(),
        "relationship": {
            "affiliates": {"total": 1, "entries": [{"network_affiliate_id": 7}]},
            "offer": {"network_offer_id": 883},
            "payout_revenue": {"network_offer_payout_revenue_id": 8832},
        },
    }


def custom_cap_setting() -> Record:
    """A setting of ``GET /v1/networks/custom/caps``."""
    return {
        "network_custom_cap_setting_id": 71,
        "network_affiliate_id": 7,
        "network_offer_id": 883,
        "name": "Bluebird cap",
        **_caps(),
        "is_soft_cap": True,
        **_times(),
        "relationship": {
            "affiliate": {"network_affiliate_id": 7},
            "offer": {"network_offer_id": 883},
            "currency_id": "USD",
        },
    }


def custom_scrub_rate_setting() -> Record:
    """A setting of ``POST /v1/networks/custom/scrubratetable``."""
    return {
        "network_custom_scrub_rate_setting_id": 81,
        "network_affiliate_id": 7,
        "network_offer_id": 883,
        "custom_setting_status": "active",
        "name": "Throttle Bluebird",
        "scrub_rate_status": "rejected",
        "scrub_rate_percentage": 20,  # M
        "scrub_rate": 20.5,  # B, the same rate as a number
        **_times(),
    }


def traffic_control() -> Record:
    """A control of ``GET /v1/networks/trafficcontrols``."""
    return {
        "network_traffic_control_id": 91,
        "name": "Block bad sources",
        "status": "active",
        "control_type": "blacklist",
        "targeting_action": "block",
        "is_apply_all_offers": True,
        "is_apply_all_affiliates": True,
        "comparison_method": "exact_match",
        "date_valid_from": "2026-11-01",
        "date_valid_to": "2026-12-31",
        "variables": ["source_id", "sub3"],  # the by-id example's reading
        **_times(),
        "relationship": {
            "network_offer_ids": None,  # null in the example
            "network_affiliate_ids": None,
            "network_advertiser_ids": None,
            "values": ["bad-src"],
        },
    }


def offer_url() -> Record:
    """An offer URL of ``GET /v1/networks/offerurls``."""
    return {
        "network_offer_url_id": 8832,
        "network_offer_id": 883,
        "name": "Mobile landing",
        "destination_url": "https://landing.example.com/m?click={transaction_id}",
        "preview_url": "https://landing.example.com/m",
        "url_status": "active",
        "network_affiliate_ids": [7],
        "is_apply_specific_affiliates": True,
        "is_hidden_affiliate": True,
        "remote_offer_resource": {"resource_type": "url"},
        **_times(),
    }


def partner_postback() -> Record:
    """A pixel of ``GET /v1/networks/pixels``."""
    return {
        "network_pixel_id": 101,
        "network_offer_id": 883,
        "network_affiliate_id": 7,
        "network_offer_payout_revenue_id": 8832,
        "delivery_method": "postback",
        "pixel_level": "specific",
        "pixel_status": "active",
        "pixel_type": "conversion",
        "postback_url": "https://bluebird.example/pb?click={transaction_id}",
        "html_code": "<img src=pb>",
        "description": "Bluebird S2S",
        "delay_ms": 250,
        "facebook_pixel": None,  # null in O's example
        "tiktok_pixel": {"pixel_id": "tt-1"},
        "snapchat_pixel": {"pixel_id": "sc-1"},
        "rumble_pixel": {"pixel_id": "ru-1"},
        **_times(),
        "relationship": {
            "affiliate": {"network_affiliate_id": 7},
            "offer": {"network_offer_id": 883},
            "payout_revenue": {"network_offer_payout_revenue_id": 8832},
        },
    }


def business_unit() -> Record:
    """A unit of ``GET /v1/networks/businessunits``."""
    return {
        "network_business_unit_id": 2,
        "network_id": 77,
        "name": "EMEA",
        **_times(),
    }


def category() -> Record:
    """A category of ``GET /v1/networks/categories``."""
    return {
        "network_category_id": 6,
        "network_id": 77,
        "name": "Sweepstakes",
        "status": "active",
        **_times(),
    }


def label() -> Record:
    """A label of ``GET /v1/networks/labels`` (no timestamps)."""
    return {
        "label": "q4",
        "advertiser_ids": [12],
        "affiliate_ids": [7],
        "campaign_ids": [21],
        "offer_ids": [883],
        "offer_group_ids": [4],
        "relationship": {
            "advertisers": [{"network_advertiser_id": 12}],
            "affiliates": [{"network_affiliate_id": 7}],
            "campaigns": [{"network_campaign_id": 21}],
            "offers": [{"network_offer_id": 883}],
            "offer_groups": [{"network_offer_group_id": 4, "offer_count": 2}],
        },
    }


def employee() -> Record:
    """An employee of ``GET /v1/networks/employees`` (D's fields, and B's names)."""
    return {
        "network_employee_id": 2,
        "employee_id": 2,  # B
        "network_business_unit_id": 2,
        "first_name": "Dana",
        "last_name": "Whitfield",
        "full_name": "Dana Whitfield",
        "email": "dana@network.example",
        "is_admin": True,
        "is_affiliate_manager": True,
        "is_limited_affiliate_scope": True,
        "is_advertiser_manager": True,
        "work_phone": "+1 555 0101",
        "cell_phone": "+1 555 0199",
        "title": "Account manager",
        "network_role_id": 3,
        "instant_messaging_id": 2,
        "instant_messaging_identifier": "dana.w",
        "language_id": 1,
        "timezone_id": 80,
        "currency_id": "USD",
        "picture_url": "https://cdn.example.com/dana.png",
        "is_using_email_notification": True,
        "is_receiving_newsletter": True,
        "internal_notes": "team lead",
        "city": "New York",
        "country_id": 840,
        "country_code": "US",
        "region_code": "NY",
        "account_status": "active",
        "status": "active",  # B
        "roles": [3],  # B
        **_times(),
    }


def _user() -> Record:
    return {
        "first_name": "Sam",
        "last_name": "Lee",
        "email": "sam@partner.example",
        "title": "Owner",
        "work_phone": "+1 555 0110",
        "cell_phone": "+1 555 0111",
        "instant_messaging_id": 4,
        "instant_messaging_identifier": "sam.lee",
        "language_id": 1,
        "timezone_id": 80,
        "currency_id": "USD",
    }


def affiliate_user() -> Record:
    """A user of ``GET /v1/networks/affiliates/users`` (B), with O/M's fields."""
    return {
        "network_affiliate_user_id": 70,
        "network_id": 77,
        "network_affiliate_id": 7,
        **_user(),
        "status": "active",  # B
        "account_status": "active",  # O/M
        "is_primary": True,
        "user_roles": [1],
        **_times(),
        "relationship": {"affiliate_account_status": "active"},
    }


def advertiser_user() -> Record:
    """A user of ``GET /v1/networks/advertisers/users`` (B), with M's fields."""
    return {
        "network_advertiser_user_id": 120,
        "network_id": 77,
        "network_advertiser_id": 12,
        **_user(),
        "account_status": "active",
        **_times(),
        "relationship": {"logins": {"total": 1}},
    }


def _invoice(party: str, invoice_id: int, party_id: int) -> Record:
    return {
        f"network_{party}_invoice_id": invoice_id,
        f"network_{party}_id": party_id,
        "timezone_id": 67,
        f"network_{party}_name": f"{party} {party_id}",
        f"{party}_invoice_status": "unpaid",  # the table's name
        "status": "unpaid",  # the invoice by id's
        "balance": 120.5,
        "billed": 120.5,
        "paid": 10.25,
        "currency_id": "USD",
        "payment_terms": "Net 30",  # O; M/B send days (30)
        f"is_hidden_{party}": True,
        "public_notes": "October",
        "internal_notes": "check volume",
        "payment_type": "wire",
        "is_payable": True,
        "payment_status": "pending",
        "start_time": "2026-10-01 00:00:00",
        "end_time": "2026-10-31 23:59:59",
        "paid_date": T0 + 86_400,
        **_times(),
    }


def affiliate_invoice() -> Record:
    """An invoice of ``POST /v1/networks/billings/affiliates/invoicestable``."""
    return _invoice("affiliate", 131, 7)


def advertiser_invoice() -> Record:
    """An advertiser invoice: the affiliate invoice's shape (B)."""
    return _invoice("advertiser", 141, 12)


def reporting_adjustment() -> Record:
    """An adjustment of ``GET /v1/networks/reportingadjustments``."""
    return {
        "network_reporting_adjustment_id": 151,
        "date_adjustment": "2026-11-01",
        "network_affiliate_id": 7,
        "network_offer_id": 883,
        "network_employee_id": 2,
        "total_clicks": 40,
        "unique_clicks": 30,
        "conversions": 3,
        "payout": 7.5,
        "revenue": 10.3,
        "gross_sales": 99.99,
        "media_buying_cost": 2.5,
        "impressions": 400,
        "notes": "late postbacks",
        "currency_id": "USD",
        "deleted": True,
        **_times(),
        "relationship": {
            "snapshot": {
                "event_revenue": 1.5,
                "snapshot_timestamp": T0,
                "snapshot_date": "2026-11-01",
            }
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
# Collections whose entries Everflow's documentation does not describe: kept whole.
UNDESCRIBED_ENTRIES = frozenset(
    {
        "relationship.channels.entries",
        "relationship.requirement_kpis.entries",
        "relationship.requirement_tracking_parameters.entries",
        "relationship.users.entries",
        "relationship.ios_app_sources.entries",
    }
)


# The same, in one kind's records only (elsewhere the path has fields).
OPAQUE_BY_KIND: dict[str, frozenset[str]] = {
    "offer_groups": frozenset(
        {"relationship.advertiser", "relationship.remaining_caps"}
    ),
    "creatives": frozenset({"relationship.offer"}),
    "campaigns": frozenset({"relationship.redirects.entries[].ruleset"}),
    "custom_payout_revenue_settings": frozenset(
        {
            "relationship.affiliates.entries",
            "relationship.offer",
            "relationship.payout_revenue",
        }
    ),
    "custom_cap_settings": frozenset({"relationship.affiliate", "relationship.offer"}),
    "offer_urls": frozenset({"remote_offer_resource"}),
    "partner_postbacks": frozenset(
        {
            "tiktok_pixel",
            "snapchat_pixel",
            "rumble_pixel",
            "relationship.affiliate",
            "relationship.offer",
            "relationship.payout_revenue",
        }
    ),
    "labels": frozenset(
        f"relationship.{name}"
        for name in ("advertisers", "affiliates", "campaigns", "offers", "offer_groups")
    ),
    "advertiser_users": frozenset({"relationship"}),
    # Names in one source, objects in another (docs/api.md#traffic-control-variables).
    "traffic_controls": frozenset({"variables"}),
    "reporting_adjustments": frozenset({"relationship.snapshot"}),
}


def leaves(record: t.Any, kind: str, path: str = "") -> dict[str, t.Any]:
    """Every documented field of a ``kind`` record by dotted path ("[]": list items)."""
    opaque = OPAQUE_BY_KIND.get(kind, frozenset())
    if path in FREE_FORM or path in UNDESCRIBED_ENTRIES or path in opaque:
        return {path: record}
    if isinstance(record, dict):
        found: dict[str, t.Any] = {}
        for name, value in record.items():
            found.update(leaves(value, kind, f"{path}.{name}" if path else name))
        return found
    if isinstance(record, list) and record and isinstance(record[0], dict):
        return leaves(record[0], kind, f"{path}[]")
    return {path: record}


EXAMPLES: dict[str, t.Callable[[], Record]] = {
    "impressions": impression,
    "clicks": click,
    "invalid_clicks": lambda: click("0e3c" * 8, T0 + 90),
    "conversions": conversion,
    "reporting_adjustments": reporting_adjustment,
    "offers": offer,
    "offer_groups": offer_group,
    "creatives": creative,
    "offer_urls": offer_url,
    "campaigns": campaign,
    "coupon_codes": coupon_code,
    "categories": category,
    "labels": label,
    "custom_creative_settings": custom_creative_setting,
    "custom_payout_revenue_settings": custom_payout_revenue_setting,
    "custom_cap_settings": custom_cap_setting,
    "custom_scrub_rate_settings": custom_scrub_rate_setting,
    "traffic_controls": traffic_control,
    "affiliates": affiliate,
    "advertisers": advertiser,
    "affiliate_users": affiliate_user,
    "advertiser_users": advertiser_user,
    "partner_postbacks": partner_postback,
    "affiliate_invoices": affiliate_invoice,
    "advertiser_invoices": advertiser_invoice,
    "employees": employee,
    "business_units": business_unit,
}
