"""Full records of every kind the simulated account holds.

Builders turn one draw of random bits into a record, so the time profiles in
``traffic.py`` can generate any kind at the same speed. Records are full:
every field Everflow's documentation gives is present (``docs/api.md#records``:
clicks, conversions, offers, affiliates, advertisers; impressions as
``docs/api.md#impression-record`` shows them), some
legitimately holding their zero value, documented ``null``s included; fields
whose type the sources disagree on are sent in both readings
(``relationship.geolocation.carrier_code``: a string or an integer). The
simulator decides per response which zero values to omit. ``tests/
reference.py`` holds one example of each kind written from the documentation
alone; ``test_simulator`` checks these builders against it. Ids and names come
from ``catalog.py``, so all kinds agree on them.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, TypedDict

from harness.simulator.catalog import (
    ADV_POOL,
    ADVERTISERS,
    BUSINESS_UNITS,
    CARRIERS,
    CLICK_ERRORS,
    COUPONS,
    DEVICE_ID_POOL,
    DEVICES,
    EMPLOYEES,
    EVENTS,
    GEOS,
    IP_POOL,
    ISPS,
    LANGUAGES,
    NETWORK_ID,
    NO_DEVICE_IDS,
    NOTES,
    QUERY_PARAMETERS,
    STATUSES,
    SUB_POOL,
    Device,
    Geo,
    account_manager_id,
    advertiser_id_for,
    advertiser_name,
    advertiser_status,
    affiliate_manager_id,
    affiliate_name,
    affiliate_status,
    business_unit_of,
    currency_for,
    employee,
    employee_email,
    offer_category_id,
    offer_group_id,
    offer_name,
    offer_status,
    offer_terms,
    offer_visibility,
    traffic_source_id,
)

Record = dict[str, Any]
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
Builder = Callable[[int, int, int, int, str], Record]

_MASK_128 = (1 << 128) - 1
_MINUTE, _HOUR, _DAY = 60, 3_600, 86_400


@cache
def _tracking_prefix(link: str, offer_id: int, affiliate_id: int) -> str:
    return f"https://www.trk-example.com/{link}?oid={offer_id}&affid={affiliate_id}"


def _impression(
    bits: int,
    ts: int,
    offer_id: int,
    affiliate_id: int,
    source_id: str,
    *,
    link: str = "imp",
) -> Record:
    # Hot path (millions of calls): one random draw feeds every choice, and
    # names and small-field combinations come from precomputed tables.
    # Bits: 0-127 transaction id, then sub pool, geo, device, IP (to 168).
    sub1, sub2, sub3, sub4, sub5, referer = SUB_POOL[(bits >> 128) & 4095]
    geo = GEOS[((bits >> 140) & 255) % len(GEOS)]
    device = DEVICES[((bits >> 148) & 255) % len(DEVICES)]
    tracking_url = _tracking_prefix(link, offer_id, affiliate_id)
    if sub1:
        tracking_url = f"{tracking_url}&sub1={sub1}"
    return {
        "transaction_id": f"{bits & _MASK_128:032x}",
        "unix_timestamp": ts,
        "tracking_url": tracking_url,
        "source_id": source_id,
        "sub1": sub1,
        "sub2": sub2,
        "sub3": sub3,
        "sub4": sub4,
        "sub5": sub5,
        "user_ip": IP_POOL[(bits >> 156) & 4095],
        "referer": referer,
        "currency_id": "EUR" if offer_id % 4 == 0 else "USD",  # currency_for()
        "relationship": _relationship(offer_id, affiliate_id, geo, device),
    }


def _relationship(offer_id: int, affiliate_id: int, geo: Geo, device: Device) -> Record:
    """An impression's (or a conversion's) ``relationship`` object."""
    advertiser_id = offer_id % 5 + 1  # advertiser_id_for(), inlined: hot path
    return {
        "offer": {"network_offer_id": offer_id, "name": offer_name(offer_id)},
        "affiliate": {
            "network_affiliate_id": affiliate_id,
            "name": affiliate_name(affiliate_id),
        },
        "advertiser": {
            "network_advertiser_id": advertiser_id,
            "name": ADVERTISERS[advertiser_id - 1],
        },
        "geolocation": {
            "country_code": geo[0],
            "region_name": geo[3],
            "city_name": geo[4],
        },
        "device_information": {
            "platform_name": device[0],
            "browser_name": device[1],
            "device_type": device[2],
        },
    }


@cache
def _related_offer(offer_id: int) -> tuple[tuple[str, object], ...]:
    """``relationship.offer`` of a click or conversion (docs/api.md#related-parties)."""
    return (
        ("network_offer_id", offer_id),
        ("network_id", NETWORK_ID),
        ("network_advertiser_id", advertiser_id_for(offer_id)),
        ("network_offer_group_id", offer_group_id(offer_id)),
        ("name", offer_name(offer_id)),
        ("offer_status", offer_status(offer_id)),
        ("network_tracking_domain_id", TRACKING_DOMAIN_ID),
        ("visibility", offer_visibility(offer_id)),
        ("currency_id", currency_for(offer_id)),
    )


@cache
def _related_affiliate(affiliate_id: int) -> tuple[tuple[str, object], ...]:
    return (
        ("network_affiliate_id", affiliate_id),
        ("network_id", NETWORK_ID),
        ("name", affiliate_name(affiliate_id)),
        ("account_status", affiliate_status(affiliate_id)),
        ("network_traffic_source_id", traffic_source_id(affiliate_id)),
    )


@cache
def _related_advertiser(advertiser_id: int) -> tuple[tuple[str, object], ...]:
    return (
        ("network_advertiser_id", advertiser_id),
        ("network_id", NETWORK_ID),
        ("name", advertiser_name(advertiser_id)),
        ("account_status", advertiser_status(advertiser_id)),
    )


def _parties(offer_id: int, affiliate_id: int) -> Record:
    """The related offer, advertiser, affiliate and their managers.

    See docs/api.md#related-parties.
    """
    advertiser_id = advertiser_id_for(offer_id)
    return {
        "offer": dict(_related_offer(offer_id)),
        "advertiser": dict(_related_advertiser(advertiser_id)),
        "account_manager": dict(employee(account_manager_id(advertiser_id))),
        "affiliate": dict(_related_affiliate(affiliate_id)),
        "affiliate_manager": dict(employee(affiliate_manager_id(affiliate_id))),
    }


TRACKING_DOMAIN_ID = 3


def _click(
    bits: int, ts: int, offer_id: int, affiliate_id: int, source_id: str
) -> Record:
    # The impression's fields (bits 0-167, same choices), then click fields.
    row = _impression(bits, ts, offer_id, affiliate_id, source_id, link="clk")
    geo = GEOS[((bits >> 140) & 255) % len(GEOS)]
    device = DEVICES[((bits >> 148) & 255) % len(DEVICES)]
    extra = bits >> 168
    is_unique = (extra & 255) < 205  # about 80 %
    error_code, error_message = CLICK_ERRORS[(extra >> 8) & 31]
    terms = offer_terms(offer_id)
    paid = terms.per_click and is_unique and not error_code
    platform = device[0]
    is_mobile = device[2] in ("mobile", "tablet")
    ids = DEVICE_ID_POOL[(extra >> 40) & 4095]
    # Each platform shares only its own kind of advertising id.
    if platform in ("iOS", "iPadOS"):
        ids = ids[:3] + NO_DEVICE_IDS[3:]
    elif platform == "Android":
        ids = NO_DEVICE_IDS[:3] + ids[3:]
    else:
        ids = NO_DEVICE_IDS
    creative_slot = (extra >> 36) & 3  # 0: the offer's default, no creative
    language = LANGUAGES[((extra >> 56) & 255) % len(LANGUAGES)]
    redirected = (extra >> 92) & 15 == 0  # a sixteenth come through a redirect
    carrier = (extra >> 72) & 255
    carrier_name = CARRIERS[carrier % len(CARRIERS)] if is_mobile and geo[0] else ""
    # The sources disagree on carrier_code's type: both readings are sent.
    carrier_code: object = ""
    if carrier_name:
        carrier_code = 310_000 + carrier if carrier & 1 else str(310_000 + carrier)
    transaction_id = row["transaction_id"]
    row.update(
        {
            "is_unique": int(is_unique),
            "payout_type": terms.payout_type,
            "revenue_type": terms.revenue_type,
            "payout": terms.payout_cents / 100 if paid else 0.0,
            "revenue": terms.revenue_cents / 100 if paid else 0.0,
            "previous_network_offer_id": (offer_id % 7 + 1) if redirected else 0,
            "error_code": error_code,
            "project_id": f"prj-{offer_id % 9}" if offer_id % 5 == 0 else "",
            "error_message": error_message,
            "url": f"https://landing.example.com/o/{offer_id}?click={transaction_id}",
            "is_view_through": False,
            "is_async": False,
            "server_side_url": "",
            "server_side_output": "",
            "custom_landing_page_id": offer_id * 10 + 1 if creative_slot == 3 else 0,
            "is_test_mode": (extra >> 24) & 255 < 3,
            "idfa": ids[0],
            "idfa_md5": ids[1],
            "idfa_sha1": ids[2],
            "google_ad_id": ids[3],
            "google_ad_id_md5": ids[4],
            "google_ad_id_sha1": ids[5],
            "android_id": ids[6],
            "android_id_md5": ids[7],
            "android_id_sha1": ids[8],
            "error_filter_id": f"flt-{error_code}" if error_code else "",
            "has_conversion": not error_code and (extra >> 16) & 255 < 10,
            "is_pass_through": False,
            "creative_id": offer_id * 100 + creative_slot if creative_slot else 0,
            "coupon_code": COUPONS[(extra >> 32) & 15],
            "redirect_method": "standard",
            "is_sdk_click": False,
            "category_id": offer_category_id(offer_id),
        }
    )
    row["relationship"] = {
        **_parties(offer_id, affiliate_id),
        "geolocation": {
            "country_code": geo[0],
            "country_name": geo[1],
            "region_code": geo[2],
            "region_name": geo[3],
            "city_name": geo[4],
            "dma": geo[5],
            "dma_name": geo[6],
            "timezone": geo[7],
            "carrier_name": carrier_name,
            "carrier_code": carrier_code,
            "organization": ISPS[((extra >> 64) & 255) % len(ISPS)] if geo[0] else "",
            "isp_name": ISPS[((extra >> 64) & 255) % len(ISPS)] if geo[0] else "",
            "is_mobile": is_mobile,
            "is_proxy": (extra >> 80) & 255 < 5,
            "postal_code": geo[8],
        },
        "device_information": {
            "is_mobile": is_mobile,
            "platform_name": platform,
            "os_version": device[3],
            "brand": device[4],
            "model": device[5],
            "is_tablet": device[2] == "tablet",
            "browser_name": device[1],
            "browser_version": device[6],
            "device_type": device[2],
            "language": language,
            "http_accept_language": language,
            # An unrecognised agent is a script; a few browsers are bots.
            "is_robot": not platform or (extra >> 88) & 255 < 3,
            "is_filter": False,
        },
        "http_user_agent": device[7],
        "http_accept_language": language,
        "query_parameters": dict(QUERY_PARAMETERS[(extra >> 52) & 7]),
        "previous_transaction_id": f"{transaction_id[::-1]}" if redirected else "",
        "redirect_url": (
            f"https://www.trk-example.com/clk?oid={offer_id}" if redirected else ""
        ),
        "forensiq_score": str((extra >> 96) % 100) if (extra >> 96) & 1 else "",
        "internal_redirect": {
            "previous_transaction_id": transaction_id[::-1] if redirected else "",
            "previous_offer_id": (offer_id % 7 + 1) if redirected else 0,
            "is_pay_affiliate": redirected,
            "is_pass_through": False,
            "network_offer_url_id": offer_id * 10 + 2 if redirected else 0,
            "redirect_count": int(redirected),
        },
    }
    return row


# Why Everflow refuses a click (docs/api.md#invalid-clicks).
INVALID_REASONS = (
    (3, "Duplicate click"),
    (6, "Offer cap reached"),
    (8, "Blocked by a traffic control"),
    (10, "Visitor is outside the offer's targeted geography"),
    (14, "Affiliate is not approved for the offer"),
)


def _invalid_click(
    bits: int, ts: int, offer_id: int, affiliate_id: int, source_id: str
) -> Record:
    # A click's fields (bits 0-271), then why it was refused; it pays nothing.
    row = _click(bits, ts, offer_id, affiliate_id, source_id)
    code, message = INVALID_REASONS[((bits >> 272) & 255) % len(INVALID_REASONS)]
    row.update(
        {
            "error_code": code,
            "error_message": message,
            "error_filter_id": f"flt-{code}",
            "has_conversion": False,
            "payout": 0.0,
            "revenue": 0.0,
        }
    )
    return row


def _conversion(
    bits: int, ts: int, offer_id: int, affiliate_id: int, source_id: str
) -> Record:
    # Bits: 0-127 conversion id, 128-255 the click's transaction id, then
    # one field of bits per choice.
    extra = bits >> 256
    sub1, sub2, sub3, sub4, sub5, _referer = SUB_POOL[extra & 4095]
    geo = GEOS[((extra >> 12) & 255) % len(GEOS)]
    device = DEVICES[((extra >> 20) & 255) % len(DEVICES)]
    adv1, adv2, adv3, adv4, adv5 = ADV_POOL[(extra >> 40) & 4095]
    status = STATUSES[((extra >> 52) & 255) % len(STATUSES)]
    event = EVENTS[((extra >> 60) & 255) % len(EVENTS)]
    unit = (_MINUTE, _HOUR, _DAY)[((extra >> 68) & 255) % 3]
    delay = unit * (1 + ((extra >> 76) & 255) % 30)
    terms = offer_terms(offer_id)
    sale_cents = 0
    if terms.percentage or event == "Purchase":
        sale_cents = 1_000 + ((extra >> 84) & 0xFFFF) % 29_000  # 10.00 to 299.99
    payout_cents = revenue_cents = 0
    # Rejected and invalid conversions pay nothing; nor do conversions of
    # offers that pay per click.
    if status in ("approved", "pending") and not terms.per_click:
        if terms.percentage:
            payout_cents = round(sale_cents * terms.payout_percentage / 100)
            revenue_cents = round(sale_cents * terms.revenue_percentage / 100)
        else:
            payout_cents, revenue_cents = terms.payout_cents, terms.revenue_cents
    order = (extra >> 104) & 0xFFFFFF
    ids = DEVICE_ID_POOL[(extra >> 128) & 4095]
    if device[0] not in ("iOS", "iPadOS", "Android"):
        ids = NO_DEVICE_IDS
    language = LANGUAGES[((extra >> 140) & 255) % len(LANGUAGES)]
    is_mobile = device[2] in ("mobile", "tablet")
    ip = IP_POOL[(extra >> 28) & 4095]
    transaction_id = f"{(bits >> 128) & _MASK_128:032x}"
    return {
        "conversion_id": f"{bits & _MASK_128:032x}",
        "conversion_unix_timestamp": ts,
        "click_unix_timestamp": ts - delay,
        "transaction_id": transaction_id,
        "status": status,
        "is_event": bool(event),
        "event": event or "Base",
        "payout_type": terms.payout_type,
        "revenue_type": terms.revenue_type,
        "payout": payout_cents / 100,
        "revenue": revenue_cents / 100,
        "sale_amount": sale_cents / 100,
        "network_offer_payout_revenue_id": (
            offer_id * 10 + EVENTS.index(event) if event else 0
        ),
        "previous_network_offer_id": 0,
        "sub1": sub1,
        "sub2": sub2,
        "sub3": sub3,
        "sub4": sub4,
        "sub5": sub5,
        "source_id": source_id,
        "adv1": adv1,
        "adv2": adv2,
        "adv3": adv3,
        "adv4": adv4,
        "adv5": adv5,
        "session_user_ip": ip,
        "conversion_user_ip": ip
        if (extra >> 148) & 3
        else IP_POOL[(extra >> 150) & 4095],
        "country": geo[1],
        "region": geo[3],
        "city": geo[4],
        "dma": geo[5],
        "carrier": CARRIERS[((extra >> 162) & 255) % len(CARRIERS)]
        if is_mobile
        else "",
        "platform": device[0],
        "os_version": device[3],
        "device_type": device[2],
        "device_model": device[5],
        "brand": device[4],
        "browser": device[1],
        "language": language,
        "isp": ISPS[((extra >> 170) & 255) % len(ISPS)] if geo[0] else "",
        "http_user_agent": device[7],
        "notes": NOTES[status],
        "order_id": f"ORD-{order:08d}" if sale_cents else "",
        "coupon_code": COUPONS[(extra >> 100) & 15],
        "url": f"https://landing.example.com/o/{offer_id}?click={transaction_id}",
        "referer": "",
        "app_id": "",
        "email": "",
        "currency_id": currency_for(offer_id),
        "idfa": ids[0],
        "idfa_md5": ids[1],
        "idfa_sha1": ids[2],
        "google_ad_id": ids[3],
        "google_ad_id_md5": ids[4],
        "google_ad_id_sha1": ids[5],
        "android_id": ids[6],
        "android_id_md5": ids[7],
        "android_id_sha1": ids[8],
        "error_code": 0,
        "error_message": "",
        "is_scrub": status == "rejected" and (extra >> 178) & 1 == 1,
        "is_view_through": False,
        "relationship": {
            **_parties(offer_id, affiliate_id),
            "query_parameters": dict(QUERY_PARAMETERS[(extra >> 180) & 7]),
            "attribution_method": "last_touch",
            "usm_data": {},
        },
    }


def seeded(name: str, *args: object) -> random.Random:
    """Return a random stream named by a generator's name and arguments.

    Args:
        name: The generator's name.
        *args: Every argument that shapes its output.

    Returns:
        A generator seeded from a string, which is hashed deterministically
        (not with ``PYTHONHASHSEED``).
    """
    return random.Random("/".join([name, *map(str, args)]))


def check_period(start: int, end: int, count: int) -> None:
    """Refuse a period that ends before it starts, or a negative count.

    Args:
        start: First epoch second.
        end: Last epoch second.
        count: Number of records asked for.

    Raises:
        ValueError: On either mistake.
    """
    if end < start:
        msg = f"end ({end}) is before start ({start})"
        raise ValueError(msg)
    if count < 0:
        msg = f"count must not be negative, got {count}"
        raise ValueError(msg)


@dataclass(frozen=True)
class Kind:
    """A kind of time-stamped record the generators can produce.

    Attributes:
        name: ``impressions``, ``clicks`` or ``conversions``.
        time_field: The field holding the record's time.
        bits: Random bits one record consumes.
        build: Makes a record from (bits, time, offer, affiliate, source id).
        seed_prefix: Prepended to a generator's seed name, so each kind gets
            its own random stream (impressions keep the original, bare names,
            so their truths did not change when other kinds were added).
    """

    name: str
    time_field: str
    bits: int
    build: Builder
    seed_prefix: str


KINDS = {
    "impressions": Kind("impressions", "unix_timestamp", 168, _impression, ""),
    "clicks": Kind("clicks", "unix_timestamp", 272, _click, "clicks:"),
    "invalid_clicks": Kind(
        "invalid_clicks", "unix_timestamp", 280, _invalid_click, "invalid_clicks:"
    ),
    "conversions": Kind(
        "conversions", "conversion_unix_timestamp", 448, _conversion, "conversions:"
    ),
}


def kind_of(name: str) -> Kind:
    """Return the kind called ``name``.

    Args:
        name: ``impressions``, ``clicks`` or ``conversions``.

    Returns:
        The kind.

    Raises:
        ValueError: For any other name.
    """
    try:
        return KINDS[name]
    except KeyError:
        msg = f"unknown kind {name!r}, expected one of {sorted(KINDS)}"
        raise ValueError(msg) from None


def make_record(
    rng: random.Random,
    ts: int,
    *,
    kind: str = "impressions",
    offer_id: int,
    affiliate_id: int,
    source_id: str = "",
) -> Record:
    """Build one full record of any kind.

    Args:
        rng: Source of randomness (the ids and the varying fields).
        ts: The record's time (UTC epoch seconds), in its kind's time field.
        kind: ``impressions``, ``clicks`` or ``conversions``.
        offer_id: ``relationship.offer.network_offer_id``.
        affiliate_id: ``relationship.affiliate.network_affiliate_id``.
        source_id: The affiliate's source id (often empty).

    Returns:
        A record holding every field of its kind (see the module docstring).
    """
    spec = kind_of(kind)
    return spec.build(rng.getrandbits(spec.bits), ts, offer_id, affiliate_id, source_id)


def make_impression(
    rng: random.Random,
    ts: int,
    *,
    offer_id: int,
    affiliate_id: int,
    source_id: str = "",
) -> Record:
    """Build one full impression record (``make_record`` for impressions).

    Args:
        rng: Source of randomness (the transaction id and the varying fields).
        ts: The impression's ``unix_timestamp`` (UTC epoch seconds).
        offer_id: ``relationship.offer.network_offer_id``.
        affiliate_id: ``relationship.affiliate.network_affiliate_id``.
        source_id: The affiliate's source id (often empty).

    Returns:
        A record holding every field of docs/api.md#impression-record.
    """
    return make_record(
        rng, ts, offer_id=offer_id, affiliate_id=affiliate_id, source_id=source_id
    )


# -- entities ---------------------------------------------------------------


def _times(rng: random.Random, start: int, end: int) -> Record:
    created = start + int(rng.random() * (end - start + 1))
    saved = created + int(rng.random() * (end - created + 1))
    return {"time_created": created, "time_saved": saved}


def _caps(rng: random.Random) -> Record:
    """The 16 cap fields of an offer: most offers are uncapped (zeros)."""
    capped = rng.random() < 0.3
    caps: Record = {}
    for period, scale in (
        ("daily", 1),
        ("weekly", 7),
        ("monthly", 30),
        ("global", 365),
    ):
        for what in ("conversion", "click"):
            caps[f"{period}_{what}_cap"] = 100 * scale if capped else 0
        for what in ("payout", "revenue"):
            caps[f"{period}_{what}_cap"] = round(10.3 * scale, 2) if capped else 0
    return {
        "is_caps_enabled": capped,
        **caps,
        "is_soft_cap": capped and rng.random() < 0.5,
    }


def _payout_revenue(offer_id: int, terms: Any, times: Record) -> Record:
    """The offer's base payout/revenue entry (``relationship.payout_revenue``)."""
    entry = {
        "network_offer_payout_revenue_id": offer_id * 10,
        "network_id": NETWORK_ID,
        "network_offer_id": offer_id,
        "entry_name": "Base",
        "payout_type": terms.payout_type,
        "payout_amount": terms.payout_cents / 100,
        "payout_percentage": int(terms.payout_percentage),
        "revenue_type": terms.revenue_type,
        "revenue_amount": terms.revenue_cents / 100,
        "revenue_percentage": int(terms.revenue_percentage),
        "is_default": True,
        "is_private": False,
        "is_postback_disabled": False,
        "is_enforce_caps": False,
        "time_created": times["time_created"],
        "global_advertiser_event_id": 0,
        "is_must_approve_conversion": False,
        "is_allow_duplicate_conversion": False,
        "is_email_attribution_default_event": False,
        "remote_offer_resource": {
            "network_offer_id": 0,
            "network_id": 0,
            "resource_type": "",
            "remote_resource_id": "",
            "resource_id": 0,
            "last_value_md5": "",
            "json_config": "",
            "json_data": "",
            "time_created": 0,
            "time_saved": 0,
        },
    }
    return {"total": 1, "entries": [entry]}


def offer_entities(seed: int, start: int, end: int, count: int) -> list[Record]:
    """Generate offers 1..count, as ``GET /v1/networks/offers`` lists them.

    See docs/api.md#offer-record.

    Args:
        seed: Seed of the varying fields (caps, notes, times).
        start: Earliest ``time_created``.
        end: Latest ``time_created`` and ``time_saved``.
        count: Number of offers (ids 1..count, matching the traffic's).

    Returns:
        The offers, by id.
    """
    check_period(start, end, count)
    out = []
    for offer_id in range(1, count + 1):
        # One stream per entity: it is the same whatever the count.
        rng = seeded("offer", seed, start, end, offer_id)
        terms = offer_terms(offer_id)
        times = _times(rng, start, end)
        labels = ["mobile", "q4"][: rng.randrange(3)]
        category = offer_category_id(offer_id)
        out.append(
            {
                "network_offer_id": offer_id,
                "network_id": NETWORK_ID,
                "network_advertiser_id": advertiser_id_for(offer_id),
                "network_offer_group_id": offer_group_id(offer_id),
                "name": offer_name(offer_id),
                "thumbnail_url": "",
                "network_category_id": category,
                "internal_notes": rng.choice(
                    ("", "", "Top performer", "Paused by adv")
                ),
                "destination_url": (
                    f"https://landing.example.com/o/{offer_id}?click={{transaction_id}}"
                ),
                "server_side_url": "",
                "preview_url": f"https://landing.example.com/o/{offer_id}",
                "view_through_destination_url": "",
                "is_view_through_enabled": False,
                "offer_status": offer_status(offer_id),
                "currency_id": currency_for(offer_id),
                "caps_timezone_id": 67,
                "project_id": f"prj-{offer_id % 9}" if offer_id % 5 == 0 else "",
                # A date string, usually empty (docs/api.md#date-like-strings).
                "date_live_until": "2027-06-30" if offer_id % 11 == 0 else "",
                "html_description": f"<p>{offer_name(offer_id)}</p>",
                "is_description_plain_text": False,
                "is_using_explicit_terms_and_conditions": False,
                "terms_and_conditions": "",
                "is_force_terms_and_conditions": False,
                **_caps(rng),
                "redirect_mode": "standard",
                "is_using_suppression_list": False,
                "suppression_list_id": 0,
                "is_must_approve_conversion": False,
                "is_allow_duplicate_conversion": True,
                "is_duplicate_filter_enabled": False,
                "duplicate_filter_targeting_action": "unknown",
                "network_tracking_domain_id": TRACKING_DOMAIN_ID,
                "is_use_secure_link": True,
                "is_seo_friendly": False,
                "is_allow_deep_link": False,
                "is_session_tracking_enabled": False,
                "session_tracking_start_on": "click",
                "session_tracking_lifespan_hour": 0,
                "session_tracking_minimum_lifespan_second": 0,
                "is_view_through_session_tracking_enabled": False,
                "view_through_session_tracking_lifespan_minute": 0,
                "view_through_session_tracking_minimal_lifespan_second": 0,
                "is_block_already_converted": False,
                "already_converted_action": "",
                "is_fail_traffic_enabled": False,
                "redirect_routing_method": "internal",
                "redirect_internal_routing_type": "priority",
                "visibility": offer_visibility(offer_id),
                "conversion_method": "server_postback",
                "is_whitelist_check_enabled": False,
                "is_use_scrub_rate": False,
                "scrub_rate_status": "",
                "scrub_rate_percentage": 0,
                "session_definition": "cookie",
                "session_duration": 24,
                "app_identifier": "",
                "is_use_direct_linking": False,
                "is_email_attribution_enabled": False,
                "email_attribution_method": "",
                "attribution_method": "last_touch",
                "is_email_attribution_window_enabled": False,
                "email_attribution_window_minute": 0,
                "email_attribution_window_type": "",
                **times,
                "labels": labels,
                "relationship": {
                    "category": {
                        "network_category_id": category,
                        "network_id": NETWORK_ID,
                        "name": f"Category {category}",
                        "status": "active",
                        "time_created": start,
                        "time_saved": start,
                    },
                    "labels": {"total": len(labels), "entries": labels},
                    "payout_revenue": _payout_revenue(offer_id, terms, times),
                    "encoded_value": f"{offer_id * 7919:X}",
                    "is_locked_currency": False,
                    "is_locked_caps_timezone": False,
                    "channels": {"total": 0, "entries": []},
                    "meta": {},
                    "requirement_kpis": {"total": 0, "entries": []},
                    "requirement_tracking_parameters": {"total": 0, "entries": []},
                },
            }
        )
    return out


def _account_manager_contact(employee_id: int) -> Record:
    first, last = (dict(employee(employee_id))[k] for k in ("first_name", "last_name"))
    return {
        "first_name": first,
        "last_name": last,
        "email": employee_email(employee_id),
        "work_phone": f"+1 555 010{employee_id}" if employee_id else "",
        "cell_phone": "",
        "instant_messaging_id": 0,
        "instant_messaging_identifier": "",
    }


def affiliate_entities(seed: int, start: int, end: int, count: int) -> list[Record]:
    """Generate affiliates 1..count, as ``GET /v1/networks/affiliates`` lists them.

    See docs/api.md#affiliate-record.

    Args:
        seed: Seed of the varying fields (notes, currency, times).
        start: Earliest ``time_created``.
        end: Latest ``time_created`` and ``time_saved``.
        count: Number of affiliates (ids 1..count, matching the traffic's).

    Returns:
        The affiliates, by id.
    """
    check_period(start, end, count)
    out = []
    for affiliate_id in range(1, count + 1):
        # One stream per entity: it is the same whatever the count.
        rng = seeded("affiliate", seed, start, end, affiliate_id)
        manager = affiliate_manager_id(affiliate_id)
        labels = ["vip"] if affiliate_id % 7 == 0 else []
        tier = affiliate_id % 3
        out.append(
            {
                "network_affiliate_id": affiliate_id,
                "network_id": NETWORK_ID,
                "name": affiliate_name(affiliate_id),
                "account_status": affiliate_status(affiliate_id),
                "network_employee_id": manager,
                "internal_notes": rng.choice(("", "", "Pays on time")),
                "has_notifications": True,
                "network_traffic_source_id": traffic_source_id(affiliate_id),
                "account_executive_id": 0,
                "adress_id": affiliate_id + 1000,  # sic (docs/api.md#spelling)
                "default_currency_id": rng.choice(("USD", "USD", "EUR")),
                "is_contact_address_enabled": True,
                "enable_media_cost_tracking_links": False,
                **_times(rng, start, end),
                "referrer_id": 0,
                "network_affiliate_tier_id": tier,
                "contact_address": {
                    "address_1": f"{affiliate_id} Main Street",
                    "address_2": "",
                    "city": "Springfield",
                    "region_code": "IL",
                    "country_code": "US",
                    "zip_postal_code": "62701",
                },
                "labels": labels,
                "relationship": {
                    "labels": {"total": len(labels), "entries": labels},
                    "users": {"total": 0, "entries": []},
                    "account_manager": _account_manager_contact(manager),
                    "encoded_value": f"{affiliate_id * 104729:X}",
                    "network_affiliate_tier_id": tier,
                    "ios_app_sources": {"total": 0, "entries": []},
                },
            }
        )
    return out


def advertiser_entities(seed: int, start: int, end: int) -> list[Record]:
    """Generate the five advertisers that own the offers.

    See docs/api.md#advertiser-record.

    Args:
        seed: Seed of the varying fields (notes, times).
        start: Earliest ``time_created``.
        end: Latest ``time_created`` and ``time_saved``.

    Returns:
        The advertisers, by id (1 to 5).
    """
    check_period(start, end, 0)
    out = []
    for advertiser_id in range(1, len(ADVERTISERS) + 1):
        # One stream per entity: it is the same whatever the count.
        rng = seeded("advertiser", seed, start, end, advertiser_id)
        manager = account_manager_id(advertiser_id)
        out.append(
            {
                "network_advertiser_id": advertiser_id,
                "network_id": NETWORK_ID,
                "name": advertiser_name(advertiser_id),
                "account_status": advertiser_status(advertiser_id),
                "network_employee_id": manager,
                "internal_notes": rng.choice(("", "Net 30")),
                "address_id": advertiser_id + 2000,
                "is_contact_address_enabled": False,
                "sales_manager_id": manager,
                # null in both documented examples (docs/api.md#nulls-despite-proto3)
                "is_expose_publisher_reporting_data": None,
                "default_currency_id": "EUR" if advertiser_id == 5 else "USD",
                "platform_name": "",
                "platform_url": "",
                "platform_username": "",
                "reporting_timezone_id": 67,
                "accounting_contact_email": f"billing@adv{advertiser_id}.example",
                "verification_token": f"vt-{advertiser_id:04d}",
                "offer_id_macro": "oid",
                "affiliate_id_macro": "affid",
                **_times(rng, start, end),
                "attribution_method": "last_touch",
                "email_attribution_method": "last_affiliate_attribution",
                "attribution_priority": "click",
                "relationship": {
                    "labels": {"total": 0, "entries": []},
                    "account_manager": _account_manager_contact(manager),
                    "integrations": {"advertiser_demand_partner": None},
                    "reporting": {
                        **dict.fromkeys(REPORTING_COUNTS, 0),
                        **dict.fromkeys(REPORTING_AMOUNTS, 0.0),
                    },
                },
            }
        )
    return out


# -- the other entity lists (docs/api.md#other-entity-lists) -----------------
#
# Ids follow the traffic's: creative ``offer * 100 + 1..3`` (a click's
# creative_id), offer URL ``offer * 10 + 1`` (its custom_landing_page_id) and
# ``+ 2`` (internal_redirect.network_offer_url_id), categories 1-6, offer groups
# 1-4, employees 1-6, the offers' base payout entry ``offer * 10``.

CREATIVE_SLOTS = (1, 2, 3)
OFFER_GROUPS = 4
CATEGORIES = 6
CAMPAIGNS = 10
TRAFFIC_CONTROLS = 5


def _caps_without(rng: random.Random, left_out: str) -> Record:
    """An offer's caps, less a flag the list does not document."""
    caps = _caps(rng)
    del caps[left_out]
    return caps


def offer_group_entities(seed: int, start: int, end: int, offers: int) -> list[Record]:
    """Generate offer groups 1-4 and the offers (1..``offers``) in each."""
    check_period(start, end, offers)
    out = []
    for group_id in range(1, OFFER_GROUPS + 1):
        rng = seeded("offer_group", seed, start, end, group_id)
        advertiser_id = group_id % len(ADVERTISERS) + 1
        caps = _caps_without(rng, "is_soft_cap")
        out.append(
            {
                "network_offer_group_id": group_id,
                "network_advertiser_id": advertiser_id,
                "name": f"Group {group_id}",
                "internal_notes": rng.choice(("", "shared caps")),
                "offer_group_status": "active",
                **caps,
                **_times(rng, start, end),
                "relationship": {
                    "advertiser": dict(_related_advertiser(advertiser_id)),
                    "labels": {"total": 0, "entries": []},
                    "network_offer_ids": [
                        o for o in range(1, offers + 1) if offer_group_id(o) == group_id
                    ],
                    # -1000: uncapped (docs/api.md#other-entity-lists)
                    "remaining_caps": {
                        "remaining_daily_conversion_cap": (
                            caps["daily_conversion_cap"] or -1000
                        )
                    },
                },
            }
        )
    return out


def creative_entities(seed: int, start: int, end: int, offers: int) -> list[Record]:
    """Generate three creatives per offer, the ids clicks carry."""
    check_period(start, end, offers)
    out = []
    kinds = ("image", "html", "link")
    for offer_id in range(1, offers + 1):
        for slot in CREATIVE_SLOTS:
            rng = seeded("creative", seed, start, end, offer_id, slot)
            kind = kinds[slot - 1]
            image = kind == "image"
            out.append(
                {
                    "network_offer_creative_id": offer_id * 100 + slot,
                    "network_offer_id": offer_id,
                    "name": f"{kind.title()} {slot} of offer {offer_id}",
                    "creative_type": kind,
                    "is_private": slot == 3,
                    "creative_status": "active" if rng.random() < 0.9 else "paused",
                    "resource_url": (
                        f"https://cdn.example.com/{offer_id}/{slot}.png"
                        if image
                        else ""
                    ),
                    "html_code": f"<a href=o/{offer_id}>Go</a>"
                    if kind == "html"
                    else "",
                    "width": 300 if image else 0,
                    "height": 250 if image else 0,
                    "email_from": "",
                    "email_subject": "",
                    "additional_offer_ids": None,  # null, as documented
                    "is_apply_specific_affiliates": False,
                    **_times(rng, start, end),
                    "relationship": {
                        "offer": {
                            "network_offer_id": offer_id,
                            "name": offer_name(offer_id),
                        },
                        "resource_asset": {
                            "network_asset_id": (offer_id * 100 + slot) if image else 0,
                            "content_type": "image/png" if image else "",
                            "filename": f"{slot}.png" if image else "",
                            "url": (
                                f"https://cdn.example.com/{offer_id}/{slot}.png"
                                if image
                                else ""
                            ),
                            "file_size": 20_480 if image else 0,
                            "image_width": 300 if image else 0,
                            "image_height": 250 if image else 0,
                        },
                    },
                }
            )
    return out


def offer_url_entities(seed: int, start: int, end: int, offers: int) -> list[Record]:
    """Generate two URLs per offer: a landing page and a redirect target."""
    check_period(start, end, offers)
    out = []
    for offer_id in range(1, offers + 1):
        for slot, name in ((1, "Landing page"), (2, "Redirect")):
            rng = seeded("offer_url", seed, start, end, offer_id, slot)
            url = f"https://landing.example.com/o/{offer_id}/{slot}"
            out.append(
                {
                    "network_offer_url_id": offer_id * 10 + slot,
                    "network_offer_id": offer_id,
                    "name": name,
                    "destination_url": f"{url}?click={{transaction_id}}",
                    "preview_url": url,
                    "url_status": "active",
                    "network_affiliate_ids": [],
                    "is_apply_specific_affiliates": False,
                    "is_hidden_affiliate": False,
                    "remote_offer_resource": {},
                    **_times(rng, start, end),
                }
            )
    return out


def campaign_entities(seed: int, start: int, end: int, offers: int) -> list[Record]:
    """Generate smart links 1-10, each routing to two offers."""
    check_period(start, end, offers)
    out = []
    for campaign_id in range(1, CAMPAIGNS + 1):
        rng = seeded("campaign", seed, start, end, campaign_id)
        targets = [(campaign_id * 7 + k) % offers + 1 for k in (0, 1)]
        out.append(
            {
                "network_campaign_id": campaign_id,
                "campaign_name": f"Smart link {campaign_id}",
                "campaign_status": "active",
                "network_tracking_domain_id": TRACKING_DOMAIN_ID,
                "is_use_secure_link": True,
                "redirect_routing_type": "weight",
                "catch_all_network_offer_id": targets[0],
                "is_open_to_affiliates": campaign_id % 2 == 0,
                "run_frequency": "unknown",
                "metric": "",
                "optimization_goal": 0,
                "data_lookback_window": "",
                "data_collection_threshold": 0,
                **_times(rng, start, end),
                "relationship": {
                    "redirects": {
                        "total": len(targets),
                        "entries": [
                            {
                                "network_campaign_redirect_id": campaign_id * 10 + k,
                                "network_campaign_id": campaign_id,
                                "redirect_network_offer_id": target,
                                "redirect_network_offer_url_id": target * 10 + 1,
                                "routing_value": 50,
                                "ruleset": {},
                            }
                            for k, target in enumerate(targets)
                        ],
                    },
                    "labels": {"total": 0, "entries": []},
                },
            }
        )
    return out


@dataclass(frozen=True)
class _OfferSetting:
    """A setting of an offer for one affiliate (a coupon, a custom payout, ...)."""

    number: int  # its id: 1, 2, ...
    offer_id: int
    affiliate_id: int
    rng: random.Random
    times: Record


def _offer_settings(
    name: str, seed: int, period: tuple[int, int], counts: tuple[int, int], step: int
) -> list[_OfferSetting]:
    """One setting on every ``step``-th of ``counts`` = (offers, affiliates)."""
    start, end = period
    offers, affiliates = counts
    check_period(start, end, offers)
    found = []
    for number, offer_id in enumerate(range(step, offers + 1, step), start=1):
        rng = seeded(name, seed, start, end, number)
        affiliate_id = offer_id % affiliates + 1
        found.append(
            _OfferSetting(number, offer_id, affiliate_id, rng, _times(rng, start, end))
        )
    return found


def coupon_code_entities(
    seed: int, start: int, end: int, offers: int, affiliates: int
) -> list[Record]:
    """Generate a coupon code for every 25th offer, each for one affiliate."""
    out = []
    for it in _offer_settings(
        "coupon_code", seed, (start, end), (offers, affiliates), 25
    ):
        deleted = it.number % 9 == 0
        out.append(
            {
                "network_coupon_code_id": it.number,
                "coupon_code": f"SAVE{it.offer_id}",
                "coupon_status": "paused" if deleted else "active",
                "network_offer_id": it.offer_id,
                "network_affiliate_id": it.affiliate_id,
                "start_date": "",
                "end_date": "",
                **it.times,
                "time_deleted": it.times["time_saved"] if deleted else 0,
            }
        )
    return out


def category_entities(start: int) -> list[Record]:
    """Generate the six categories offers are in (as their relationship shows)."""
    return [
        {
            "network_category_id": category,
            "network_id": NETWORK_ID,
            "name": f"Category {category}",
            "status": "active",
            "time_created": start,
            "time_saved": start,
        }
        for category in range(1, CATEGORIES + 1)
    ]


def label_entities(lists: Mapping[str, list[Record]]) -> list[Record]:
    """Generate the labels the given offers, affiliates and campaigns carry."""
    # By kind: the list, its id, and the labels of one of its rows.
    holders: dict[str, tuple[str, str, Callable[[Record], list[str]]]] = {
        "offer": ("offers", "network_offer_id", lambda r: r["labels"]),
        "affiliate": ("affiliates", "network_affiliate_id", lambda r: r["labels"]),
        "campaign": (
            "campaigns",
            "network_campaign_id",
            lambda r: r["relationship"]["labels"]["entries"],
        ),
    }
    found: dict[str, dict[str, list[int]]] = {}
    for kind, (name, key, labels_of) in holders.items():
        for row in lists.get(name, []):
            for label in labels_of(row):
                found.setdefault(label, {}).setdefault(kind, []).append(row[key])
    out = []
    for label, ids in sorted(found.items()):
        related = {
            f"{kind}s": [{f"network_{kind}_id": i} for i in ids.get(kind, [])]
            for kind in ("advertiser", "affiliate", "campaign", "offer", "offer_group")
        }
        out.append(
            {
                "label": label,
                **{
                    f"{kind}_ids": ids.get(kind, [])
                    for kind in (
                        "advertiser",
                        "affiliate",
                        "campaign",
                        "offer",
                        "offer_group",
                    )
                },
                "relationship": related,
            }
        )
    return out


def custom_creative_setting_entities(
    seed: int, start: int, end: int, offers: int, affiliates: int
) -> list[Record]:
    """Generate a private creative's setting for every 50th offer."""
    return [
        {
            "network_custom_creative_setting_id": it.number,
            "network_offer_creative_ids": [it.offer_id * 100 + 3],
            "network_affiliate_ids": [it.affiliate_id],
            "name": f"Private creative of offer {it.offer_id}",
            "custom_setting_status": "active",
            **it.times,
        }
        for it in _offer_settings(
            "custom_creative", seed, (start, end), (offers, affiliates), 50
        )
    ]


def custom_payout_revenue_setting_entities(
    seed: int, start: int, end: int, offers: int, affiliates: int
) -> list[Record]:
    """Generate a custom payout on every 10th offer's base entry."""
    out = []
    for it in _offer_settings(
        "custom_payout", seed, (start, end), (offers, affiliates), 10
    ):
        terms = offer_terms(it.offer_id)
        out.append(
            {
                "network_custom_payout_revenue_setting_id": it.number,
                "is_apply_all_affiliates": False,
                "network_affiliate_ids": None,  # null, as documented
                "network_offer_id": it.offer_id,
                "name": f"Bonus for affiliate {it.affiliate_id}",
                "network_offer_payout_revenue_id": it.offer_id * 10,
                "description": "",
                "public_description": "",
                "custom_setting_status": "active",
                "is_custom_payout_enabled": True,
                "payout_amount": round(terms.payout_cents * 1.1) / 100,
                "payout_percentage": int(terms.payout_percentage),
                "payout_type": terms.payout_type,
                "is_custom_revenue_enabled": False,
                "revenue_amount": 0.0,
                "revenue_percentage": 0,
                "revenue_type": "",
                "is_postback_disabled": False,
                "is_apply_specific_offer_urls": False,
                "currency_id": currency_for(it.offer_id),
                "network_offer_url_ids": [],
                "date_valid_from": "",
                "date_valid_to": "",
                **it.times,
                "relationship": {
                    "affiliates": {
                        "total": 1,
                        "entries": [dict(_related_affiliate(it.affiliate_id))],
                    },
                    "offer": dict(_related_offer(it.offer_id)),
                    "payout_revenue": {
                        "network_offer_payout_revenue_id": it.offer_id * 10
                    },
                },
            }
        )
    return out


def custom_cap_setting_entities(
    seed: int, start: int, end: int, offers: int, affiliates: int
) -> list[Record]:
    """Generate a cap for one affiliate on every 25th offer."""
    return [
        {
            "network_custom_cap_setting_id": it.number,
            "network_affiliate_id": it.affiliate_id,
            "network_offer_id": it.offer_id,
            "name": f"Cap for affiliate {it.affiliate_id}",
            **_caps_without(it.rng, "is_caps_enabled"),
            **it.times,
            "relationship": {
                "affiliate": dict(_related_affiliate(it.affiliate_id)),
                "offer": dict(_related_offer(it.offer_id)),
                "currency_id": currency_for(it.offer_id),
            },
        }
        for it in _offer_settings(
            "custom_cap", seed, (start, end), (offers, affiliates), 25
        )
    ]


def custom_scrub_rate_setting_entities(
    seed: int, start: int, end: int, offers: int, affiliates: int
) -> list[Record]:
    """Generate a throttle for one affiliate on every 50th offer."""
    return [
        {
            "network_custom_scrub_rate_setting_id": it.number,
            "network_affiliate_id": it.affiliate_id,
            "network_offer_id": it.offer_id,
            "custom_setting_status": "active",
            "name": f"Throttle {5 + it.number % 20}%",
            "scrub_rate_status": "rejected",
            # The same rate under both names (docs/api.md#scrub-rate).
            "scrub_rate_percentage": 5 + it.number % 20,
            "scrub_rate": float(5 + it.number % 20),
            **it.times,
        }
        for it in _offer_settings(
            "custom_scrub_rate", seed, (start, end), (offers, affiliates), 50
        )
    ]


def traffic_control_entities(seed: int, start: int, end: int) -> list[Record]:
    """Generate five traffic controls; their variables in both readings."""
    check_period(start, end, 0)
    out = []
    for control_id in range(1, TRAFFIC_CONTROLS + 1):
        rng = seeded("traffic_control", seed, start, end, control_id)
        names = ["source_id", "sub3"][: 1 + control_id % 2]
        # Sources disagree (docs/api.md#traffic-control-variables): names, or objects.
        variables: list[str] | list[dict[str, str]] = (
            names if control_id % 2 else [{"variable": name} for name in names]
        )
        out.append(
            {
                "network_traffic_control_id": control_id,
                "name": f"Block list {control_id}",
                "status": "active",
                "control_type": "blacklist",
                "targeting_action": "block" if control_id % 3 else "fail_traffic",
                "is_apply_all_offers": True,
                "is_apply_all_affiliates": True,
                "comparison_method": "exact_match",
                "date_valid_from": "",
                "date_valid_to": "",
                "variables": variables,
                **_times(rng, start, end),
                "relationship": {
                    "network_offer_ids": None,  # null, as documented
                    "network_affiliate_ids": None,
                    "network_advertiser_ids": None,
                    "values": [f"pop-{control_id}"],
                },
            }
        )
    return out


def _user_contact(first: str, last: str, user_id: int, domain: str) -> Record:
    return {
        "first_name": first,
        "last_name": last,
        "email": f"{first}.{last}@{domain}".lower(),
        "title": "Owner" if user_id % 10 == 1 else "Analyst",
        "work_phone": f"+1 555 {user_id % 10_000:04d}",
        "cell_phone": "",
        "instant_messaging_id": 0,
        "instant_messaging_identifier": "",
        "language_id": 1,
        "timezone_id": 67,
        "currency_id": "USD",
    }


def affiliate_user_entities(
    seed: int, start: int, end: int, affiliates: int
) -> list[Record]:
    """Generate each affiliate's users (two for every fifth), ids ``aff * 10 + k``."""
    check_period(start, end, affiliates)
    out = []
    for affiliate_id in range(1, affiliates + 1):
        for k in range(1, 3 if affiliate_id % 5 == 0 else 2):
            user_id = affiliate_id * 10 + k
            rng = seeded("affiliate_user", seed, start, end, user_id)
            status = affiliate_status(affiliate_id)
            first = ("Sam", "Alex", "Kim")[user_id % 3]
            out.append(
                {
                    "network_affiliate_user_id": user_id,
                    "network_id": NETWORK_ID,
                    "network_affiliate_id": affiliate_id,
                    **_user_contact(first, "User", user_id, "partner.example"),
                    "status": "active" if status == "active" else "inactive",
                    "account_status": "active" if status == "active" else "inactive",
                    "is_primary": k == 1,
                    "user_roles": [1] if k == 1 else [2],
                    **_times(rng, start, end),
                    "relationship": {"affiliate_account_status": status},
                }
            )
    return out


def advertiser_user_entities(seed: int, start: int, end: int) -> list[Record]:
    """Generate one user per advertiser, ids ``adv * 10 + 1``."""
    check_period(start, end, 0)
    out = []
    for advertiser_id in range(1, len(ADVERTISERS) + 1):
        user_id = advertiser_id * 10 + 1
        rng = seeded("advertiser_user", seed, start, end, user_id)
        out.append(
            {
                "network_advertiser_user_id": user_id,
                "network_id": NETWORK_ID,
                "network_advertiser_id": advertiser_id,
                **_user_contact("Pat", "Buyer", user_id, f"adv{advertiser_id}.example"),
                "account_status": advertiser_status(advertiser_id),
                **_times(rng, start, end),
                "relationship": {},
            }
        )
    return out


def pixel_entities(
    seed: int, start: int, end: int, offers: int, affiliates: int
) -> list[Record]:
    """Generate a global postback for every other affiliate."""
    check_period(start, end, offers)
    out = []
    for affiliate_id in range(2, affiliates + 1, 2):
        rng = seeded("pixel", seed, start, end, affiliate_id)
        out.append(
            {
                "network_pixel_id": affiliate_id // 2,
                "network_offer_id": 0,
                "network_affiliate_id": affiliate_id,
                "network_offer_payout_revenue_id": 0,
                "delivery_method": "postback",
                "pixel_level": "global",
                "pixel_status": "active",
                "pixel_type": rng.choice(("conversion", "conversion", "event")),
                "postback_url": (
                    f"https://aff{affiliate_id}.example/pb?click={{transaction_id}}"
                ),
                "html_code": "",
                "description": "",
                "delay_ms": 0,
                "facebook_pixel": None,  # null, as documented
                "tiktok_pixel": {},
                "snapchat_pixel": {},
                "rumble_pixel": {},
                **_times(rng, start, end),
                "relationship": {
                    "affiliate": dict(_related_affiliate(affiliate_id)),
                    "offer": {},
                    "payout_revenue": {},
                },
            }
        )
    return out


def _invoices(
    party: str,
    seed: int,
    start: int,
    end: int,
    *,
    ids: range,
    name: Callable[[int], str],
) -> list[Record]:
    out = []
    for party_id in ids:
        rng = seeded(f"{party}_invoice", seed, start, end, party_id)
        billed = round(100 + rng.random() * 900, 2)
        paid = billed if party_id % 3 else 0.0
        times = _times(rng, start, end)
        out.append(
            {
                f"network_{party}_invoice_id": party_id,
                f"network_{party}_id": party_id,
                "timezone_id": 67,
                f"network_{party}_name": name(party_id),
                f"{party}_invoice_status": "paid" if paid else "unpaid",
                "status": "paid" if paid else "unpaid",
                "balance": round(billed - paid, 2),
                "billed": billed,
                "paid": paid,
                "currency_id": "USD",
                # Sources disagree (docs/api.md#payment-terms): days, or text.
                "payment_terms": 30 if party_id % 2 else "Net 30",
                f"is_hidden_{party}": False,
                "public_notes": "",
                "internal_notes": "",
                "payment_type": "wire",
                "is_payable": True,
                "payment_status": "completed" if paid else "pending",
                "start_time": "2026-10-01 00:00:00",
                "end_time": "2026-10-31 23:59:59",
                "paid_date": times["time_saved"] if paid else 0,
                **times,
            }
        )
    return out


def affiliate_invoice_entities(
    seed: int, start: int, end: int, affiliates: int
) -> list[Record]:
    """Generate one invoice per affiliate (the invoice id is the affiliate's)."""
    check_period(start, end, affiliates)
    return _invoices(
        "affiliate",
        seed,
        start,
        end,
        ids=range(1, affiliates + 1),
        name=affiliate_name,
    )


def advertiser_invoice_entities(seed: int, start: int, end: int) -> list[Record]:
    """Generate one invoice per advertiser (the invoice id is the advertiser's)."""
    check_period(start, end, 0)
    return _invoices(
        "advertiser",
        seed,
        start,
        end,
        ids=range(1, len(ADVERTISERS) + 1),
        name=advertiser_name,
    )


def employee_entities(seed: int, start: int, end: int) -> list[Record]:
    """Generate the six employees who manage advertisers (1-3) and affiliates."""
    check_period(start, end, 0)
    out = []
    for employee_id in range(1, EMPLOYEES + 1):
        rng = seeded("employee", seed, start, end, employee_id)
        person = dict(employee(employee_id))
        advertisers = employee_id <= 3
        out.append(
            {
                "network_employee_id": employee_id,
                "employee_id": employee_id,
                "network_business_unit_id": business_unit_of(employee_id),
                "first_name": person["first_name"],
                "last_name": person["last_name"],
                "full_name": person["full_name"],
                "email": employee_email(employee_id),
                "is_admin": employee_id == 1,
                "is_affiliate_manager": not advertisers,
                "is_limited_affiliate_scope": False,
                "is_advertiser_manager": advertisers,
                "work_phone": f"+1 555 010{employee_id}",
                "cell_phone": "",
                "title": "Account manager",
                "network_role_id": 1 if employee_id == 1 else 2,
                "instant_messaging_id": 0,
                "instant_messaging_identifier": "",
                "language_id": 1,
                "timezone_id": 80,
                "currency_id": "USD",
                "picture_url": "",
                "is_using_email_notification": True,
                "is_receiving_newsletter": False,
                "internal_notes": "",
                "city": "New York",
                "country_id": 840,
                "country_code": "US",
                "region_code": "NY",
                "account_status": person["account_status"],
                "status": person["account_status"],
                "roles": [1 if employee_id == 1 else 2],
                **_times(rng, start, end),
            }
        )
    return out


def business_unit_entities(seed: int, start: int, end: int) -> list[Record]:
    """Generate the business units employees belong to."""
    check_period(start, end, 0)
    return [
        {
            "network_business_unit_id": unit_id,
            "network_id": NETWORK_ID,
            "name": name,
            **_times(seeded("business_unit", seed, start, end, unit_id), start, end),
        }
        for unit_id, name in enumerate(BUSINESS_UNITS, start=1)
    ]


def adjustment_entities(
    seed: int, start: int, end: int, offers: int, affiliates: int, *, count: int
) -> list[Record]:
    """Generate ``count`` reporting adjustments, dated in ``start..end`` (UTC).

    Each is created up to a week after the day it adjusts, but not after ``end``
    (the present, where the period ends now); a tenth are deleted.
    """
    check_period(start, end, count)
    out = []
    for number in range(1, count + 1):
        rng = seeded("adjustment", seed, start, end, number)
        day = start + int(rng.random() * (end - start + 1))
        offer_id = rng.randrange(offers) + 1
        created = min(end, day + int(rng.random() * 7 * _DAY))
        out.append(
            {
                "network_reporting_adjustment_id": number,
                "date_adjustment": time.strftime("%Y-%m-%d", time.gmtime(day)),
                "network_affiliate_id": rng.randrange(affiliates) + 1,
                "network_offer_id": offer_id,
                "network_employee_id": account_manager_id(advertiser_id_for(offer_id)),
                "total_clicks": rng.randrange(100),
                "unique_clicks": 0,
                "conversions": rng.randrange(5),
                "payout": round(rng.random() * 50, 2),
                "revenue": round(rng.random() * 80, 2),
                "gross_sales": 0.0,
                "media_buying_cost": 0.0,
                "impressions": 0,
                "notes": rng.choice(("", "late postbacks", "fraud refund")),
                "currency_id": currency_for(offer_id),
                "deleted": number % 10 == 0,
                "time_created": created,
                "time_saved": created,
                "relationship": {"snapshot": {}},
            }
        )
    return out


class Network(TypedDict):
    """Every entity list of a network, by stream (``EverflowSimulator``'s lists)."""

    offers: list[Record]
    affiliates: list[Record]
    advertisers: list[Record]
    offer_groups: list[Record]
    creatives: list[Record]
    offer_urls: list[Record]
    campaigns: list[Record]
    coupon_codes: list[Record]
    categories: list[Record]
    custom_creative_settings: list[Record]
    custom_payout_revenue_settings: list[Record]
    custom_cap_settings: list[Record]
    custom_scrub_rate_settings: list[Record]
    traffic_controls: list[Record]
    affiliate_users: list[Record]
    advertiser_users: list[Record]
    partner_postbacks: list[Record]
    affiliate_invoices: list[Record]
    advertiser_invoices: list[Record]
    employees: list[Record]
    business_units: list[Record]
    reporting_adjustments: list[Record]
    labels: list[Record]


def network(seed: int, start: int, end: int, offers: int, affiliates: int) -> Network:
    """Every entity list of a network of ``offers`` and ``affiliates``, by stream.

    Entities are created and saved in ``start..end``; reporting adjustments
    (one a day) are dated then too.
    """
    lists: Network = {
        "offers": offer_entities(seed, start, end, offers),
        "affiliates": affiliate_entities(seed, start, end, affiliates),
        "advertisers": advertiser_entities(seed, start, end),
        "offer_groups": offer_group_entities(seed, start, end, offers),
        "creatives": creative_entities(seed, start, end, offers),
        "offer_urls": offer_url_entities(seed, start, end, offers),
        "campaigns": campaign_entities(seed, start, end, offers),
        "coupon_codes": coupon_code_entities(seed, start, end, offers, affiliates),
        "categories": category_entities(start),
        "custom_creative_settings": custom_creative_setting_entities(
            seed, start, end, offers, affiliates
        ),
        "custom_payout_revenue_settings": custom_payout_revenue_setting_entities(
            seed, start, end, offers, affiliates
        ),
        "custom_cap_settings": custom_cap_setting_entities(
            seed, start, end, offers, affiliates
        ),
        "custom_scrub_rate_settings": custom_scrub_rate_setting_entities(
            seed, start, end, offers, affiliates
        ),
        "traffic_controls": traffic_control_entities(seed, start, end),
        "affiliate_users": affiliate_user_entities(seed, start, end, affiliates),
        "advertiser_users": advertiser_user_entities(seed, start, end),
        "partner_postbacks": pixel_entities(seed, start, end, offers, affiliates),
        "affiliate_invoices": affiliate_invoice_entities(seed, start, end, affiliates),
        "advertiser_invoices": advertiser_invoice_entities(seed, start, end),
        "employees": employee_entities(seed, start, end),
        "business_units": business_unit_entities(seed, start, end),
        "reporting_adjustments": adjustment_entities(
            seed, start, end, offers, affiliates, count=max(1, (end - start) // _DAY)
        ),
        "labels": [],  # those the offers, affiliates and campaigns carry: below
    }
    lists["labels"] = label_entities(
        {
            "offers": lists["offers"],
            "affiliates": lists["affiliates"],
            "campaigns": lists["campaigns"],
        }
    )
    return lists
