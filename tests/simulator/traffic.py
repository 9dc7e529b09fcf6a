"""Synthetic raw impressions: the "truth" the Everflow simulator serves.

Every generator is deterministic: the same arguments always give the same rows.
The random stream is seeded from the generator's name *and* all its arguments,
so two calls with the same ``seed`` but different periods (for example an
initial load and a later increment) never repeat a ``transaction_id``.

Records are full: every field of the contract's impression record is present,
some of them legitimately holding their zero value (``""``). The simulator
decides per response which zero-valued fields to omit or send as null.
"""

from __future__ import annotations

import gc
import math
import random
from collections.abc import Iterator
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

Record = dict[str, Any]

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
_ADVERTISERS = (
    "Acme Retail Inc.",
    "Globex Finance",
    "Initech Software",
    "Umbrella Health",
    "Stark Mobile GmbH",
)
# Repeated entries skew the mix towards the US, as real traffic would be.
_GEOS: tuple[tuple[str, str, str], ...] = (
    ("US", "California", "Los Angeles"),
    ("US", "California", "San Francisco"),
    ("US", "New York", "New York"),
    ("US", "Texas", "Austin"),
    ("US", "Florida", "Miami"),
    ("US", "Virginia", ""),  # city not resolved
    ("CA", "Ontario", "Toronto"),
    ("CA", "Quebec", "Montréal"),
    ("GB", "England", "London"),
    ("DE", "Bavaria", "München"),
    ("FR", "Île-de-France", "Paris"),
    ("BR", "São Paulo", "São Paulo"),
    ("JP", "Tokyo", "Tokyo"),
    ("AU", "New South Wales", "Sydney"),
    ("IN", "Maharashtra", "Mumbai"),
    ("", "", ""),  # IP not geolocated: a wholly zero-valued object
)
_DEVICES: tuple[tuple[str, str, str], ...] = (
    ("iOS", "Safari", "mobile"),
    ("iOS", "Chrome", "mobile"),
    ("Android", "Chrome", "mobile"),
    ("Android", "Samsung Internet", "mobile"),
    ("Windows", "Chrome", "desktop"),
    ("Windows", "Edge", "desktop"),
    ("macOS", "Safari", "desktop"),
    ("macOS", "Chrome", "desktop"),
    ("Linux", "Firefox", "desktop"),
    ("iPadOS", "Safari", "tablet"),
    ("Android", "Chrome", "tablet"),
    ("", "", ""),  # user agent not recognised
)
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

_TID_MASK = (1 << 128) - 1
_BITS = 168  # 128 for the transaction id, 40 for the field choices

_offer_names: dict[int, str] = {}
_affiliate_names: dict[int, str] = {}
_tracking_prefixes: dict[tuple[int, int], str] = {}


def offer_name(offer_id: int) -> str:
    """Return the deterministic display name of an offer.

    Args:
        offer_id: The network offer id.

    Returns:
        The offer's name.
    """
    name = _offer_names.get(offer_id)
    if name is None:
        adjective = _ADJECTIVES[offer_id % len(_ADJECTIVES)]
        product = _PRODUCTS[(offer_id // len(_ADJECTIVES)) % len(_PRODUCTS)]
        name = f"{adjective} {product} - CPM #{offer_id}"
        _offer_names[offer_id] = name
    return name


def affiliate_name(affiliate_id: int) -> str:
    """Return the deterministic display name of an affiliate.

    Args:
        affiliate_id: The network affiliate id.

    Returns:
        The affiliate's name.
    """
    name = _affiliate_names.get(affiliate_id)
    if name is None:
        first = _PUBLISHER_NAMES[affiliate_id % len(_PUBLISHER_NAMES)]
        kind = _PUBLISHER_KINDS[(affiliate_id // 3) % len(_PUBLISHER_KINDS)]
        name = f"{first} {kind} {affiliate_id}"
        _affiliate_names[affiliate_id] = name
    return name


def advertiser_id_for(offer_id: int) -> int:
    """Return the advertiser that owns an offer (fixed by the offer id).

    Args:
        offer_id: The network offer id.

    Returns:
        The network advertiser id, 1 to 5.
    """
    return offer_id % len(_ADVERTISERS) + 1


def _tracking_prefix(offer_id: int, affiliate_id: int) -> str:
    prefix = _tracking_prefixes.get((offer_id, affiliate_id))
    if prefix is None:
        prefix = f"https://www.trk-example.com/imp?oid={offer_id}&affid={affiliate_id}"
        _tracking_prefixes[(offer_id, affiliate_id)] = prefix
    return prefix


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
        for _ in range(_POOL_SIZE)
    )
    ips = tuple(
        f"{rng.choice(_IP_FIRST_OCTETS)}.{rng.randrange(256)}"
        f".{rng.randrange(256)}.{rng.randrange(1, 255)}"
        for _ in range(_POOL_SIZE)
    )
    return subs, ips


_POOL_SIZE = 4096  # must stay a power of two: indexes are taken with a mask
_SUB_POOL, _IP_POOL = _build_pools()


def make_impression(
    rng: random.Random,
    ts: int,
    *,
    offer_id: int,
    affiliate_id: int,
    source_id: str = "",
) -> Record:
    """Build one full impression record.

    Args:
        rng: Source of randomness (the transaction id and the varying fields).
        ts: The impression's ``unix_timestamp`` (UTC epoch seconds).
        offer_id: ``relationship.offer.network_offer_id``.
        affiliate_id: ``relationship.affiliate.network_affiliate_id``.
        source_id: The affiliate's source id (often empty).

    Returns:
        A record holding every field of the contract's impression record.
    """
    return _build(rng.getrandbits(_BITS), ts, offer_id, affiliate_id, source_id)


def _build(
    bits: int, ts: int, offer_id: int, affiliate_id: int, source_id: str
) -> Record:
    # Hot path (millions of calls): one random draw feeds every choice, and
    # names and small-field combinations come from precomputed tables.
    sub1, sub2, sub3, sub4, sub5, referer = _SUB_POOL[(bits >> 128) & 4095]
    geo = _GEOS[((bits >> 140) & 255) % len(_GEOS)]
    device = _DEVICES[((bits >> 148) & 255) % len(_DEVICES)]
    advertiser_id = offer_id % 5 + 1  # advertiser_id_for(), inlined
    tracking_url = _tracking_prefixes.get((offer_id, affiliate_id))
    if tracking_url is None:
        tracking_url = _tracking_prefix(offer_id, affiliate_id)
    if sub1:
        tracking_url = f"{tracking_url}&sub1={sub1}"
    return {
        "transaction_id": f"{bits & _TID_MASK:032x}",
        "unix_timestamp": ts,
        "tracking_url": tracking_url,
        "source_id": source_id,
        "sub1": sub1,
        "sub2": sub2,
        "sub3": sub3,
        "sub4": sub4,
        "sub5": sub5,
        "user_ip": _IP_POOL[(bits >> 156) & 4095],
        "referer": referer,
        "currency_id": "EUR" if offer_id % 4 == 0 else "USD",
        "relationship": {
            "offer": {
                "network_offer_id": offer_id,
                "name": _offer_names.get(offer_id) or offer_name(offer_id),
            },
            "affiliate": {
                "network_affiliate_id": affiliate_id,
                "name": _affiliate_names.get(affiliate_id)
                or affiliate_name(affiliate_id),
            },
            "advertiser": {
                "network_advertiser_id": advertiser_id,
                "name": _ADVERTISERS[advertiser_id - 1],
            },
            "geolocation": {
                "country_code": geo[0],
                "region_name": geo[1],
                "city_name": geo[2],
            },
            "device_information": {
                "platform_name": device[0],
                "browser_name": device[1],
                "device_type": device[2],
            },
        },
    }


def _check_period(start: int, end: int, count: int) -> None:
    if end < start:
        msg = f"end ({end}) is before start ({start})"
        raise ValueError(msg)
    if count < 0:
        msg = f"count must not be negative, got {count}"
        raise ValueError(msg)


def _rng(name: str, *args: object) -> random.Random:
    # A string seed is hashed deterministically (not with PYTHONHASHSEED).
    return random.Random("/".join([name, *map(str, args)]))


def _spread(
    rng: random.Random,
    timestamps: list[int],
    offers: int,
    affiliates: int,
) -> list[Record]:
    """Turn timestamps into records with random offers, affiliates and sources."""
    rand = rng.random
    draw = rng.getrandbits
    n_sources = len(SOURCE_IDS)
    with _gc_paused():
        return [
            _build(
                draw(_BITS),
                ts,
                1 + int(rand() * offers),
                1 + int(rand() * affiliates),
                SOURCE_IDS[int(rand() * n_sources)],
            )
            for ts in timestamps
        ]


@contextmanager
def _gc_paused() -> Iterator[None]:
    # Millions of new long-lived dicts would trigger many useless full
    # collections: building 1,000,000 rows is about twice as fast without.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _uniform_timestamps(
    rng: random.Random, start: int, end: int, count: int
) -> list[int]:
    rand = rng.random
    width = end - start + 1
    return [start + int(rand() * width) for _ in range(count)]


def uniform(
    seed: int,
    start: int,
    end: int,
    count: int,
    *,
    offers: int = 20,
    affiliates: int = 30,
) -> list[Record]:
    """Generate ``count`` impressions with timestamps uniform in [start, end].

    Args:
        seed: Seed of the generator.
        start: First possible ``unix_timestamp`` (inclusive).
        end: Last possible ``unix_timestamp`` (inclusive).
        count: Number of rows.
        offers: Offer ids are drawn from 1..offers.
        affiliates: Affiliate ids are drawn from 1..affiliates.

    Returns:
        The rows, sorted by ``unix_timestamp``.
    """
    _check_period(start, end, count)
    rng = _rng("uniform", seed, start, end, count, offers, affiliates)
    timestamps = _uniform_timestamps(rng, start, end, count)
    timestamps.sort()
    return _spread(rng, timestamps, offers, affiliates)


def quiet(
    seed: int,
    start: int,
    end: int,
    count: int,
    *,
    offers: int = 3,
    affiliates: int = 4,
) -> list[Record]:
    """Generate a small, sparse account: a few rows over a long period.

    Args:
        seed: Seed of the generator.
        start: First possible ``unix_timestamp`` (inclusive).
        end: Last possible ``unix_timestamp`` (inclusive).
        count: Number of rows (meant to be small).
        offers: Offer ids are drawn from 1..offers.
        affiliates: Affiliate ids are drawn from 1..affiliates.

    Returns:
        The rows, sorted by ``unix_timestamp``.
    """
    _check_period(start, end, count)
    rng = _rng("quiet", seed, start, end, count, offers, affiliates)
    timestamps = _uniform_timestamps(rng, start, end, count)
    timestamps.sort()
    return _spread(rng, timestamps, offers, affiliates)


def _hot_second(
    rng: random.Random,
    ts: int,
    rows: int,
    *,
    single_offer: bool,
    offers: int,
    affiliates: int,
) -> list[Record]:
    """Rows all sharing one timestamp, spread so partitioning can split them.

    Assignment is round-robin, not random, so that every (offer, affiliate)
    cell is guaranteed to stay far below 10,000 rows.
    """
    out: list[Record] = []
    rest = rows
    taken: set[int] = set()
    if single_offer:
        # One offer alone overflows this second: only affiliates can split it.
        hot_rows = min(rows, max(10_001, rows * 3 // 5))
        hot_offer = 1 + rng.randrange(offers)
        taken.add(hot_offer)
        n_aff = max(5, math.ceil(hot_rows / 4_000))
        hot_affiliates = rng.sample(range(1, max(affiliates, n_aff) + 1), n_aff)
        out.extend(
            make_impression(
                rng,
                ts,
                offer_id=hot_offer,
                affiliate_id=hot_affiliates[i % n_aff],
                source_id=SOURCE_IDS[i % len(SOURCE_IDS)],
            )
            for i in range(hot_rows)
        )
        rest -= hot_rows
    if rest > 0:
        n_offers = max(8, math.ceil(rest / 4_000))
        pool = [o for o in range(1, max(offers, n_offers + 1) + 1) if o not in taken]
        chosen = rng.sample(pool, min(n_offers, len(pool)))
        out.extend(
            make_impression(
                rng,
                ts,
                offer_id=chosen[i % len(chosen)],
                affiliate_id=1 + (i // len(chosen)) % affiliates,
                source_id=SOURCE_IDS[i % len(SOURCE_IDS)],
            )
            for i in range(rest)
        )
    return out


def bursty(
    seed: int,
    start: int,
    end: int,
    count: int,
    *,
    hot_seconds: int = 2,
    rows_per_hot_second: int = 25_000,
    offers: int = 20,
    affiliates: int = 30,
) -> list[Record]:
    """Generate traffic with burst hours and single seconds over the row cap.

    ``count`` rows form the background (uniform) plus a few burst hours
    (about two a day, each at 20 times the background rate). On top of them
    come ``hot_seconds`` single seconds holding ``rows_per_hot_second`` rows
    each. In the first hot second a single offer holds more than 10,000 rows
    (when ``rows_per_hot_second`` allows it), spread over several affiliates,
    so a tap must partition by offer and then by affiliate; the other hot
    seconds are split by offer alone.

    Args:
        seed: Seed of the generator.
        start: First possible ``unix_timestamp`` (inclusive).
        end: Last possible ``unix_timestamp`` (inclusive).
        count: Rows outside the hot seconds.
        hot_seconds: Number of distinct overfull seconds.
        rows_per_hot_second: Rows in each hot second.
        offers: Offer ids of background traffic are drawn from 1..offers.
        affiliates: Affiliate ids of background traffic from 1..affiliates.

    Returns:
        ``count + hot_seconds * rows_per_hot_second`` rows (fewer hot seconds
        if the period is shorter), sorted by ``unix_timestamp``.
    """
    _check_period(start, end, count)
    rng = _rng(
        "bursty",
        seed,
        start,
        end,
        count,
        hot_seconds,
        rows_per_hot_second,
        offers,
        affiliates,
    )
    rand = rng.random
    hours = list(range(start - start % 3600, end + 1, 3600))
    n_burst_hours = min(len(hours), max(1, len(hours) // 12))
    burst_hours = rng.sample(hours, n_burst_hours)
    # Background also covers burst hours: 1 + 19 = 20 times the rate there.
    burst_rows = round(count * 19 * n_burst_hours / (len(hours) + 19 * n_burst_hours))
    timestamps = _uniform_timestamps(rng, start, end, count - burst_rows)
    for _ in range(burst_rows):
        hour = burst_hours[int(rand() * n_burst_hours)]
        lo, hi = max(start, hour), min(end, hour + 3599)
        timestamps.append(lo + int(rand() * (hi - lo + 1)))
    timestamps.sort()
    rows = _spread(rng, timestamps, offers, affiliates)

    n_hot = min(hot_seconds, end - start + 1)
    hot = sorted(rng.sample(range(start, end + 1), n_hot))
    with _gc_paused():
        for index, ts in enumerate(hot):
            rows.extend(
                _hot_second(
                    rng,
                    ts,
                    rows_per_hot_second,
                    single_offer=index == 0,
                    offers=offers,
                    affiliates=affiliates,
                )
            )
    rows.sort(key=itemgetter("unix_timestamp"))
    return rows
