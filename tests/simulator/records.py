"""Full records of every kind the simulated account holds.

Builders turn one draw of random bits into a record, so the time profiles in
``traffic.py`` can generate any kind at the same speed. Records are full:
every field below is present, some legitimately holding their zero value;
the simulator decides per response which zero values to omit or send as null.
Ids and names come from ``catalog.py``, so all kinds agree on them.

Impression (``unix_timestamp`` is the time field)::

    transaction_id: str (32 hex)      unix_timestamp: int (UTC epoch seconds)
    tracking_url, source_id, sub1, sub2, sub3, sub4, sub5, user_ip, referer,
    currency_id: str
    relationship:
      offer: {network_offer_id: int, name: str}
      affiliate: {network_affiliate_id: int, name: str}
      advertiser: {network_advertiser_id: int, name: str}
      geolocation: {country_code, region_name, city_name: str}
      device_information: {platform_name, browser_name, device_type: str}

Click (``unix_timestamp``): every impression field, and::

    is_unique: int (0/1)              payout, revenue: float (2 decimals)
    payout_type, revenue_type: str (cpa, cpc, cps, rev_share)
    error_code: int                   error_message: str
    has_conversion, is_test_mode: bool
    coupon_code: str                  creative_id: int (0: none)
    idfa, idfa_md5, idfa_sha1, google_ad_id, google_ad_id_md5,
    google_ad_id_sha1, android_id, android_id_md5, android_id_sha1: str
    relationship (adds to / widens the impression's):
      account_manager, affiliate_manager: {network_employee_id: int,
                                           first_name, last_name, email: str}
      query_parameters: {str: str}
      http_user_agent: {user_agent: str}
      geolocation: {country_code, country_name, region_code, region_name,
                    city_name: str, dma: int, dma_name, timezone,
                    carrier_name, isp_name: str, is_mobile, is_proxy: bool,
                    postal_code: str}
      device_information: {platform_name, os_version, brand, model: str,
                           is_tablet: bool, browser_name, browser_version,
                           device_type, language: str, is_robot: bool}

Conversion (``conversion_unix_timestamp``; keyed by ``conversion_id``)::

    conversion_id: str (32 hex)       transaction_id: str (32 hex)
    conversion_unix_timestamp, click_unix_timestamp: int (the click is
                                      1 minute to 30 days earlier)
    status: str (approved, pending, rejected, invalid)
    event: str ("" or Purchase, Registration, Deposit, Install)
    is_event: bool (event != "")
    payout_type, revenue_type: str    payout, revenue, sale_amount: float
    currency_id, order_id, coupon_code, notes, source_id: str
    sub1, sub2, sub3, sub4, sub5, adv1, adv2, adv3, adv4, adv5: str
    conversion_user_ip: str
    relationship: offer, affiliate, advertiser, geolocation and
                  device_information, shaped as in an impression

Offer (``offer_entities``)::

    network_offer_id, network_advertiser_id: int      name: str
    offer_status: str (active, paused, pending, deleted)
    visibility: str (public, require_approval, private)
    currency_id, payout_type, revenue_type, destination_url: str
    payout_amount, revenue_amount: float (0 for percentage types)
    payout_percentage, revenue_percentage: float (0 for fixed types)
    time_created, time_saved: int

Affiliate (``affiliate_entities``)::

    network_affiliate_id: int         name: str
    account_status: str (active, inactive, pending, suspended)
    network_employee_id: int (affiliate manager, 0: none)
    default_currency_id: str          time_created, time_saved: int

Advertiser (``advertiser_entities``)::

    network_advertiser_id: int        name: str
    account_status: str (active, inactive)
    network_employee_id: int (account manager)
    default_currency_id: str          time_created, time_saved: int
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
    NO_DEVICE_IDS,
    NOTES,
    QUERY_PARAMETERS,
    STATUSES,
    SUB_POOL,
    account_manager_id,
    advertiser_id_for,
    advertiser_name,
    affiliate_manager_id,
    affiliate_name,
    currency_for,
    employee,
    offer_name,
    offer_terms,
)

Record = dict[str, Any]
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
    advertiser_id = advertiser_id_for(offer_id)
    row.update(
        {
            "is_unique": int(is_unique),
            "payout": terms.payout_cents / 100 if paid else 0.0,
            "revenue": terms.revenue_cents / 100 if paid else 0.0,
            "payout_type": terms.payout_type,
            "revenue_type": terms.revenue_type,
            "error_code": error_code,
            "error_message": error_message,
            "has_conversion": not error_code and (extra >> 16) & 255 < 10,
            "is_test_mode": (extra >> 24) & 255 < 3,
            "coupon_code": COUPONS[(extra >> 32) & 15],
            "creative_id": offer_id * 100 + creative_slot if creative_slot else 0,
            "idfa": ids[0],
            "idfa_md5": ids[1],
            "idfa_sha1": ids[2],
            "google_ad_id": ids[3],
            "google_ad_id_md5": ids[4],
            "google_ad_id_sha1": ids[5],
            "android_id": ids[6],
            "android_id_md5": ids[7],
            "android_id_sha1": ids[8],
        }
    )
    relationship = row["relationship"]
    relationship.update(
        {
            "account_manager": dict(employee(account_manager_id(advertiser_id))),
            "affiliate_manager": dict(employee(affiliate_manager_id(affiliate_id))),
            "query_parameters": dict(QUERY_PARAMETERS[(extra >> 52) & 7]),
            "http_user_agent": {"user_agent": device[7]},
            "geolocation": {
                "country_code": geo[0],
                "country_name": geo[1],
                "region_code": geo[2],
                "region_name": geo[3],
                "city_name": geo[4],
                "dma": geo[5],
                "dma_name": geo[6],
                "timezone": geo[7],
                "carrier_name": (
                    CARRIERS[((extra >> 72) & 255) % len(CARRIERS)]
                    if is_mobile and geo[0]
                    else ""
                ),
                "isp_name": ISPS[((extra >> 64) & 255) % len(ISPS)] if geo[0] else "",
                "is_mobile": is_mobile,
                "is_proxy": (extra >> 80) & 255 < 5,
                "postal_code": geo[8],
            },
            "device_information": {
                "platform_name": platform,
                "os_version": device[3],
                "brand": device[4],
                "model": device[5],
                "is_tablet": device[2] == "tablet",
                "browser_name": device[1],
                "browser_version": device[6],
                "device_type": device[2],
                "language": LANGUAGES[((extra >> 56) & 255) % len(LANGUAGES)],
                # An unrecognised agent is a script; a few browsers are bots.
                "is_robot": not platform or (extra >> 88) & 255 < 3,
            },
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
    return {
        "conversion_id": f"{bits & _MASK_128:032x}",
        "conversion_unix_timestamp": ts,
        "click_unix_timestamp": ts - delay,
        "transaction_id": f"{(bits >> 128) & _MASK_128:032x}",
        "status": status,
        "event": event,
        "is_event": bool(event),
        "payout_type": terms.payout_type,
        "revenue_type": terms.revenue_type,
        "payout": payout_cents / 100,
        "revenue": revenue_cents / 100,
        "sale_amount": sale_cents / 100,
        "currency_id": currency_for(offer_id),
        "order_id": f"ORD-{order:08d}" if sale_cents else "",
        "coupon_code": COUPONS[(extra >> 100) & 15],
        "notes": NOTES[status],
        "source_id": source_id,
        "sub1": sub1,
        "sub2": sub2,
        "sub3": sub3,
        "sub4": sub4,
        "sub5": sub5,
        "adv1": adv1,
        "adv2": adv2,
        "adv3": adv3,
        "adv4": adv4,
        "adv5": adv5,
        "conversion_user_ip": IP_POOL[(extra >> 28) & 4095],
        "relationship": _relationship(offer_id, affiliate_id, geo, device),
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
    "clicks": Kind("clicks", "unix_timestamp", 264, _click, "clicks:"),
    "conversions": Kind(
        "conversions", "conversion_unix_timestamp", 384, _conversion, "conversions:"
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


def offer_entities(seed: int, start: int, end: int, count: int) -> list[Record]:
    """Generate offers 1..count, as ``GET /v1/networks/offers`` lists them.

    Args:
        seed: Seed of the varying fields (status, visibility, times).
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
        out.append(
            {
                "network_offer_id": offer_id,
                "network_advertiser_id": advertiser_id_for(offer_id),
                "name": offer_name(offer_id),
                "offer_status": rng.choice(
                    ("active",) * 7 + ("paused", "pending", "deleted")
                ),
                "visibility": rng.choice(
                    ("public", "public", "require_approval", "private")
                ),
                "currency_id": currency_for(offer_id),
                "payout_type": terms.payout_type,
                "payout_amount": terms.payout_cents / 100,
                "payout_percentage": terms.payout_percentage,
                "revenue_type": terms.revenue_type,
                "revenue_amount": terms.revenue_cents / 100,
                "revenue_percentage": terms.revenue_percentage,
                "destination_url": (
                    f"https://landing.example.com/o/{offer_id}?click={{transaction_id}}"
                ),
                **_times(rng, start, end),
            }
        )
    return out


def affiliate_entities(seed: int, start: int, end: int, count: int) -> list[Record]:
    """Generate affiliates 1..count, as ``GET /v1/networks/affiliates`` lists them.

    Args:
        seed: Seed of the varying fields (status, times).
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
        out.append(
            {
                "network_affiliate_id": affiliate_id,
                "name": affiliate_name(affiliate_id),
                "account_status": rng.choice(
                    ("active",) * 8 + ("inactive", "pending", "suspended")
                ),
                "network_employee_id": affiliate_manager_id(affiliate_id),
                "default_currency_id": rng.choice(("USD", "USD", "EUR")),
                **_times(rng, start, end),
            }
        )
    return out


def advertiser_entities(seed: int, start: int, end: int) -> list[Record]:
    """Generate the five advertisers that own the offers.

    Args:
        seed: Seed of the varying fields (status, times).
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
        out.append(
            {
                "network_advertiser_id": advertiser_id,
                "name": advertiser_name(advertiser_id),
                "account_status": rng.choice(("active",) * 4 + ("inactive",)),
                "network_employee_id": account_manager_id(advertiser_id),
                "default_currency_id": "EUR" if advertiser_id == 5 else "USD",
                **_times(rng, start, end),
            }
        )
    return out
