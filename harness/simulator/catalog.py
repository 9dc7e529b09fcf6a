"""The simulated network's fixed world: names, ids, places, devices, terms.

Everything here is a pure function of ids or a precomputed table, so raw
traffic, conversions, entities and the aggregated report all agree on who
offer 12 or affiliate 7 is. Record builders pick from these tables by index.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

_ADJECTIVES = (
    "Summer",
    "Premium",
    "Global",
    "Smart",
    "Rapid",
    "Green",
    "Golden",
    "Urban",
    "Bright",
    "Prime",
    "Nordic",
    "Lucky",
)
_PRODUCTS = (
    "Sweepstakes",
    "VPN Trial",
    "Meal Kit",
    "Credit Card",
    "Fitness App",
    "Dating",
    "Insurance Quote",
    "Mobile Game",
    "Solar Panels",
    "Language Course",
)
_PUBLISHER_KINDS = ("Media", "Ads", "Traffic", "Network", "Digital", "Partners")
_PUBLISHER_NAMES = (
    "Bluebird",
    "Northwind",
    "Pinnacle",
    "Redwood",
    "Silverline",
    "Tidewater",
    "Quantum",
    "Evergreen",
    "Harbor",
    "Summit",
    "Lighthouse",
)
ADVERTISERS = (
    "Acme Retail Inc.",
    "Globex Finance",
    "Initech Software",
    "Umbrella Health",
    "Stark Mobile GmbH",
)
# Network employees: ids 1-3 manage advertisers, 4-6 manage affiliates.
_EMPLOYEES = (
    ("Dana", "Whitfield"),
    ("Marco", "Rossi"),
    ("Aiko", "Tanaka"),
    ("Lena", "Schmidt"),
    ("Omar", "Haddad"),
    ("Grace", "Okafor"),
)

EMPLOYEES = len(_EMPLOYEES)
# Business units: employees 1-3 (advertisers' managers) are in the first.
BUSINESS_UNITS = ("Advertisers", "Publishers")


def business_unit_of(employee_id: int) -> int:
    """Return an employee's business unit (1: advertiser managers, else 2)."""
    return 1 if employee_id <= 3 else 2


# (country_code, country_name, region_code, region_name, city_name, dma,
# dma_name, timezone, postal_code). Impressions carry only the country code,
# region name and city name. Repeated countries skew the mix towards the US,
# as real traffic would be. The order is fixed: records pick by index.
Geo = tuple[str, str, str, str, str, int, str, str, str]
GEOS: tuple[Geo, ...] = (
    ("US", "United States", "CA", "California", "Los Angeles", 803, "Los Angeles",
     "America/Los_Angeles", "90012"),
    ("US", "United States", "CA", "California", "San Francisco", 807,
     "San Francisco-Oakland-San Jose", "America/Los_Angeles", "94103"),
    ("US", "United States", "NY", "New York", "New York", 501, "New York",
     "America/New_York", "10001"),
    ("US", "United States", "TX", "Texas", "Austin", 635, "Austin",
     "America/Chicago", "78701"),
    ("US", "United States", "FL", "Florida", "Miami", 528, "Miami-Ft. Lauderdale",
     "America/New_York", "33101"),
    # City not resolved: its DMA and postal code are unknown too.
    ("US", "United States", "VA", "Virginia", "", 0, "", "America/New_York", ""),
    ("CA", "Canada", "ON", "Ontario", "Toronto", 0, "", "America/Toronto", "M5H"),
    ("CA", "Canada", "QC", "Quebec", "Montréal", 0, "", "America/Toronto", "H2Y"),
    ("GB", "United Kingdom", "ENG", "England", "London", 0, "", "Europe/London",
     "EC1A"),
    ("DE", "Germany", "BY", "Bavaria", "München", 0, "", "Europe/Berlin", "80331"),
    ("FR", "France", "IDF", "Île-de-France", "Paris", 0, "", "Europe/Paris",
     "75001"),
    ("BR", "Brazil", "SP", "São Paulo", "São Paulo", 0, "", "America/Sao_Paulo",
     "01000-000"),
    ("JP", "Japan", "13", "Tokyo", "Tokyo", 0, "", "Asia/Tokyo", "100-0001"),
    ("AU", "Australia", "NSW", "New South Wales", "Sydney", 0, "",
     "Australia/Sydney", "2000"),
    ("IN", "India", "MH", "Maharashtra", "Mumbai", 0, "", "Asia/Kolkata", "400001"),
    ("", "", "", "", "", 0, "", "", ""),  # IP not geolocated: all zero values
)  # fmt: skip
COUNTRY_NAMES = {geo[0]: geo[1] for geo in GEOS}
COUNTRY_CODES = {name: code for code, name in COUNTRY_NAMES.items()}


def country_code_of(row: dict[str, Any]) -> str:
    """A record's country code: a click's geolocation, or a conversion's country."""
    geo = (row.get("relationship") or {}).get("geolocation") or {}
    return geo.get("country_code") or COUNTRY_CODES.get(row.get("country") or "", "")


# (platform_name, browser_name, device_type, os_version, brand, model,
# browser_version, user_agent). Impressions carry only the first three.
Device = tuple[str, str, str, str, str, str, str, str]
DEVICES: tuple[Device, ...] = (
    ("iOS", "Safari", "mobile", "17.4", "Apple", "iPhone", "17.4",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15"
     " (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"),
    ("iOS", "Chrome", "mobile", "17.4", "Apple", "iPhone", "123.0.6312.52",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15"
     " (KHTML, like Gecko) CriOS/123.0.6312.52 Mobile/15E148 Safari/604.1"),
    ("Android", "Chrome", "mobile", "14", "Samsung", "Galaxy S23", "123.0.6312.40",
     "Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36"
     " (KHTML, like Gecko) Chrome/123.0.6312.40 Mobile Safari/537.36"),
    ("Android", "Samsung Internet", "mobile", "13", "Samsung", "Galaxy A54", "24.0",
     "Mozilla/5.0 (Linux; Android 13; SM-A546B) AppleWebKit/537.36"
     " (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile"
     " Safari/537.36"),
    ("Windows", "Chrome", "desktop", "10", "", "", "123.0.6312.59",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"
     " (KHTML, like Gecko) Chrome/123.0.6312.59 Safari/537.36"),
    ("Windows", "Edge", "desktop", "11", "", "", "123.0.2420.53",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"
     " (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36 Edg/123.0.2420.53"),
    ("macOS", "Safari", "desktop", "14.4", "Apple", "Macintosh", "17.4",
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15"
     " (KHTML, like Gecko) Version/17.4 Safari/605.1.15"),
    ("macOS", "Chrome", "desktop", "14.4", "Apple", "Macintosh", "123.0.6312.58",
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36"
     " (KHTML, like Gecko) Chrome/123.0.6312.58 Safari/537.36"),
    ("Linux", "Firefox", "desktop", "", "", "", "124.0",
     "Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0"),
    ("iPadOS", "Safari", "tablet", "17.4", "Apple", "iPad", "17.4",
     "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15"
     " (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"),
    ("Android", "Chrome", "tablet", "14", "Google", "Pixel Tablet", "123.0.6312.40",
     "Mozilla/5.0 (Linux; Android 14; Pixel Tablet) AppleWebKit/537.36"
     " (KHTML, like Gecko) Chrome/123.0.6312.40 Safari/537.36"),
    # User agent not recognised: often a script.
    ("", "", "", "", "", "", "", "python-requests/2.31.0"),
)  # fmt: skip

_SUB1 = ("", "", "", "spring_sale", "retargeting", "newsletter", "kw-shoes", "kw-run")
_SUB2 = ("", "", "", "", "banner_300x250", "banner_728x90", "native", "video")
_SUB3 = ("", "", "", "", "", "", "", "a", "b")
_SUB4 = ("", "", "", "", "", "", "", "", "", "c-1001", "c-1002")
_SUB5 = ("", "", "", "", "", "", "", "", "", "", "", "", "x")
_REFERERS = (
    "",
    "",
    "",
    "",
    "",
    "",
    "https://news.example.com/article/123",
    "https://blog.example.org/",
    "https://www.example.net/search?q=shoes",
)
SOURCE_IDS = ("", "", "", "", "src-email", "src-social", "push-01", "pop-17")
_IP_FIRST_OCTETS = (23, 31, 45, 62, 81, 98, 104, 151, 176, 185, 203, 212)

# Click-only choices. Repeats weight the common cases.
LANGUAGES = ("en-US", "en-US", "en-US", "en-GB", "de-DE", "fr-FR", "pt-BR", "ja-JP", "")
ISPS = ("Comcast", "Charter", "Deutsche Telekom", "Orange", "BT", "NTT", "Telstra")
CARRIERS = ("", "", "Verizon Wireless", "T-Mobile", "AT&T Mobility", "Vodafone")
COUPONS = ("",) * 13 + ("SAVE10", "WELCOME", "FREESHIP")
# (error_code, error_message): most clicks are fine.
CLICK_ERRORS = ((0, ""),) * 29 + (
    (6, "Offer cap reached"),
    (10, "Visitor is outside the offer's targeted geography"),
    (14, "Affiliate is not approved for the offer"),
)
QUERY_PARAMETERS: tuple[dict[str, str], ...] = (
    {},
    {},
    {},
    {"utm_source": "newsletter", "utm_medium": "email"},
    {"utm_campaign": "spring_sale"},
    {"gclid": "Cj0KCQjw-EXAMPLE"},
    {"fbclid": "IwAR2-EXAMPLE", "utm_source": "facebook"},
    {"kw": "running shoes"},
)

# Conversion-only choices.
STATUSES = ("approved",) * 14 + ("pending",) * 3 + ("rejected",) * 2 + ("invalid",)
NOTES = {
    "approved": "",
    "pending": "",
    "rejected": "Duplicate order",
    "invalid": "Click not found",
}
EVENTS = ("",) * 6 + ("Purchase", "Registration", "Deposit", "Install")

POOL_SIZE = 4096  # must stay a power of two: indexes are taken with a mask


def _build_pools() -> tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]:
    """Precompute combinations of the small fields, picked by index per row."""
    rng = random.Random("everflow-simulator-pools")
    subs = tuple(
        (
            rng.choice(_SUB1),
            rng.choice(_SUB2),
            rng.choice(_SUB3),
            rng.choice(_SUB4),
            rng.choice(_SUB5),
            rng.choice(_REFERERS),
        )
        for _ in range(POOL_SIZE)
    )
    ips = tuple(
        f"{rng.choice(_IP_FIRST_OCTETS)}.{rng.randrange(256)}"
        f".{rng.randrange(256)}.{rng.randrange(1, 255)}"
        for _ in range(POOL_SIZE)
    )
    return subs, ips


SUB_POOL, IP_POOL = _build_pools()


def _hashed(value: str) -> tuple[str, str, str]:
    if not value:
        return "", "", ""
    md5 = hashlib.md5(value.encode(), usedforsecurity=False).hexdigest()
    sha1 = hashlib.sha1(value.encode(), usedforsecurity=False).hexdigest()
    return value, md5, sha1


def _build_device_ids() -> tuple[tuple[str, ...], ...]:
    """Advertising ids per pool slot: (idfa, google_ad_id, android_id) + hashes.

    Each id comes with its ``_md5`` and ``_sha1`` forms, all ``""`` when the
    device did not share it (as about half of them do not).
    """
    rng = random.Random("everflow-simulator-device-ids")

    def maybe(make: str) -> str:
        if rng.random() < 0.5:
            return ""
        raw = uuid.UUID(int=rng.getrandbits(128), version=4)
        return {"idfa": str(raw).upper(), "gaid": str(raw), "android": raw.hex[:16]}[
            make
        ]

    return tuple(
        (*_hashed(maybe("idfa")), *_hashed(maybe("gaid")), *_hashed(maybe("android")))
        for _ in range(POOL_SIZE)
    )


DEVICE_ID_POOL = _build_device_ids()
NO_DEVICE_IDS = ("",) * 9


def _build_adv_pool() -> tuple[tuple[str, ...], ...]:
    """Advertiser-side sub values ``adv1``..``adv5``, mostly empty."""
    rng = random.Random("everflow-simulator-adv")
    values = ("", "", "", "", "sku-1042", "sku-2210", "cart-3", "new", "returning")
    return tuple(
        tuple(rng.choice(values) if k < 2 else "" for k in range(5))
        for _ in range(POOL_SIZE)
    )


ADV_POOL = _build_adv_pool()


@cache
def offer_name(offer_id: int) -> str:
    """Return the deterministic display name of an offer.

    Args:
        offer_id: The network offer id.

    Returns:
        The offer's name.
    """
    adjective = _ADJECTIVES[offer_id % len(_ADJECTIVES)]
    product = _PRODUCTS[(offer_id // len(_ADJECTIVES)) % len(_PRODUCTS)]
    return f"{adjective} {product} - CPM #{offer_id}"


@cache
def affiliate_name(affiliate_id: int) -> str:
    """Return the deterministic display name of an affiliate.

    Args:
        affiliate_id: The network affiliate id.

    Returns:
        The affiliate's name.
    """
    first = _PUBLISHER_NAMES[affiliate_id % len(_PUBLISHER_NAMES)]
    kind = _PUBLISHER_KINDS[(affiliate_id // 3) % len(_PUBLISHER_KINDS)]
    return f"{first} {kind} {affiliate_id}"


def advertiser_id_for(offer_id: int) -> int:
    """Return the advertiser that owns an offer (fixed by the offer id).

    Args:
        offer_id: The network offer id.

    Returns:
        The network advertiser id, 1 to 5.
    """
    return offer_id % len(ADVERTISERS) + 1


def advertiser_name(advertiser_id: int) -> str:
    """Return the name of an advertiser.

    Args:
        advertiser_id: The network advertiser id, 1 to 5.

    Returns:
        The advertiser's name.
    """
    return ADVERTISERS[advertiser_id - 1]


def currency_for(offer_id: int) -> str:
    """Return the currency an offer's traffic is reported in.

    Args:
        offer_id: The network offer id.

    Returns:
        An ISO 4217 code.
    """
    return "EUR" if offer_id % 4 == 0 else "USD"


def account_manager_id(advertiser_id: int) -> int:
    """Return the employee managing an advertiser (ids 1 to 3).

    Args:
        advertiser_id: The network advertiser id.

    Returns:
        The network employee id.
    """
    return (advertiser_id - 1) % 3 + 1


def affiliate_manager_id(affiliate_id: int) -> int:
    """Return the employee managing an affiliate (ids 4 to 6, or 0: none).

    Args:
        affiliate_id: The network affiliate id.

    Returns:
        The network employee id, 0 for every tenth affiliate (unmanaged).
    """
    return 0 if affiliate_id % 10 == 0 else 4 + affiliate_id % 3


@cache
def employee(employee_id: int) -> tuple[tuple[str, object], ...]:
    """Return an employee as ``relationship`` items (copy them into a dict).

    Args:
        employee_id: The network employee id; 0 gives all zero values.

    Returns:
        Pairs for ``network_employee_id``, ``network_id``, ``first_name``,
        ``last_name``, ``full_name`` and ``account_status``
        (docs/api.md#related-parties).
    """
    first, last = _EMPLOYEES[employee_id - 1] if employee_id else ("", "")
    return (
        ("network_employee_id", employee_id),
        ("network_id", NETWORK_ID if employee_id else 0),
        ("first_name", first),
        ("last_name", last),
        ("full_name", f"{first} {last}" if employee_id else ""),
        ("account_status", "active" if employee_id else ""),
    )


def employee_email(employee_id: int) -> str:
    """Return an employee's work e-mail address ("" for none)."""
    if not employee_id:
        return ""
    first, last = _EMPLOYEES[employee_id - 1]
    return f"{first}.{last}@network.example".lower()


NETWORK_ID = 1234  # the simulated network's id, in every record that names it
_OFFER_STATUSES = ("active",) * 7 + ("paused", "pending", "deleted")
_VISIBILITIES = ("public", "public", "require_approval", "private")
_ACCOUNT_STATUSES = ("active",) * 8 + ("inactive", "pending", "suspended")


def offer_status(offer_id: int) -> str:
    """Return an offer's status (active, paused, pending or deleted)."""
    return _OFFER_STATUSES[offer_id * 7 % len(_OFFER_STATUSES)]


def offer_visibility(offer_id: int) -> str:
    """Return an offer's visibility (public, require_approval or private)."""
    return _VISIBILITIES[offer_id * 3 % len(_VISIBILITIES)]


def offer_category_id(offer_id: int) -> int:
    """Return an offer's category (ids 1 to 6)."""
    return offer_id % 6 + 1


def offer_group_id(offer_id: int) -> int:
    """Return an offer's group (0: none, else 1 to 4)."""
    return 0 if offer_id % 3 else offer_id % 4 + 1


def affiliate_status(affiliate_id: int) -> str:
    """Return an affiliate's account status."""
    return _ACCOUNT_STATUSES[affiliate_id * 5 % len(_ACCOUNT_STATUSES)]


def advertiser_status(advertiser_id: int) -> str:
    """Return an advertiser's account status (the fifth is inactive)."""
    return "inactive" if advertiser_id == 5 else "active"


def traffic_source_id(affiliate_id: int) -> int:
    """Return an affiliate's traffic source (0: none, else 1 to 3)."""
    return affiliate_id % 4


@dataclass(frozen=True)
class Terms:
    """What an offer pays the affiliate (payout) and earns (revenue).

    Fixed types (``cpa`` per conversion, ``cpc`` per unique click) pay
    amounts in cents; percentage types (``cps``, ``rev_share``) pay a share
    of the conversion's sale amount.
    """

    payout_type: str
    revenue_type: str
    payout_cents: int = 0
    revenue_cents: int = 0
    payout_percentage: float = 0.0
    revenue_percentage: float = 0.0

    @property
    def per_click(self) -> bool:
        """Whether clicks, not conversions, carry the money."""
        return self.payout_type == "cpc"

    @property
    def percentage(self) -> bool:
        """Whether conversions pay a share of their sale amount."""
        return self.payout_type in ("cps", "rev_share")


_TERM_TYPES = ("cpa", "cpc", "cpa", "rev_share", "cps", "cpa", "cpc")


@cache
def offer_terms(offer_id: int) -> Terms:
    """Return an offer's payout and revenue terms (fixed by the offer id).

    Args:
        offer_id: The network offer id.

    Returns:
        The offer's terms.
    """
    kind = _TERM_TYPES[offer_id % len(_TERM_TYPES)]
    if kind == "cpc":
        revenue = 10 + offer_id * 37 % 190  # 0.10 to 1.99 a click
        return Terms(kind, kind, revenue * 7 // 10, revenue)
    if kind == "cpa":
        revenue = 500 + offer_id * 731 % 4500  # 5.00 to 49.99 a conversion
        return Terms(kind, kind, revenue * 7 // 10, revenue)
    revenue_share = float(10 + offer_id % 21)  # 10 % to 30 % of the sale
    return Terms(
        kind,
        kind,
        payout_percentage=round(revenue_share * 0.7, 1),
        revenue_percentage=revenue_share,
    )
