"""Full records of every kind the simulated account holds.

Builders turn one draw of random bits into a record, so the time profiles in
``traffic.py`` can generate any kind at the same speed. Records are full:
every field Everflow's reference documents is present (``../shared/
everflow-api-reference.md``: clicks 1c-1d, conversions 3b, offers 4a,
affiliates 4b, advertisers 4c; impressions as the contract shows them), some
legitimately holding their zero value, documented ``null``s included; fields
whose type the sources disagree on are sent in both readings
(``relationship.geolocation.carrier_code``: a string or an integer). The
simulator decides per response which zero values to omit. ``tests/
reference.py`` holds one example of each kind written from the reference
alone; ``test_simulator`` checks these builders against it. Ids and names come
from ``catalog.py``, so all kinds agree on them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from tests.simulator.catalog import (
    ADV_POOL,
    ADVERTISERS,
    CARRIERS,
    CLICK_ERRORS,
    COUPONS,
    DEVICE_ID_POOL,
    DEVICES,
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
    account_manager_id,
    advertiser_id_for,
    advertiser_name,
    advertiser_status,
    affiliate_manager_id,
    affiliate_name,
    affiliate_status,
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
# The advertiser's relationship.reporting metrics (reference 4c).
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


def _relationship(
    offer_id: int, affiliate_id: int, geo: tuple, device: tuple
) -> Record:
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
    """``relationship.offer`` of a click or conversion (reference 1d)."""
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
    """The related offer, advertiser, affiliate and their managers (1d)."""
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
        A record holding every field of the contract's impression record.
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
    """Generate offers 1..count, as ``GET /v1/networks/offers`` lists them (4a).

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
                # A date string, usually empty (reference 4a, section 8.9).
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
    """Generate affiliates 1..count, as ``GET /v1/networks/affiliates`` lists them (4b).

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
                "adress_id": affiliate_id + 1000,  # sic (reference 4b)
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
    """Generate the five advertisers that own the offers (4c).

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
                # null in both of the reference's examples
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
