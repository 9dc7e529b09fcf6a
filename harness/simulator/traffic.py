"""Time profiles of synthetic traffic: the "truth" the Everflow simulator serves.

Every generator is deterministic: the same arguments always give the same rows.
The random stream is seeded from the generator's name *and* all its arguments,
so two calls with the same ``seed`` but different periods (for example an
initial load and a later increment) never repeat an id.

Each profile generates any time-stamped kind (``kind="impressions"``,
``"clicks"`` or ``"conversions"``, see ``records.py`` for their fields); the
time profile applies to the kind's time field.
"""

from __future__ import annotations

import gc
import math
import random
from collections.abc import Iterator
from contextlib import contextmanager
from operator import itemgetter

from harness.simulator.catalog import SOURCE_IDS
from harness.simulator.records import (
    Kind,
    Record,
    check_period,
    kind_of,
    make_record,
    seeded,
)


def _spread(
    rng: random.Random,
    spec: Kind,
    timestamps: list[int],
    offers: int,
    affiliates: int,
) -> list[Record]:
    """Turn timestamps into records with random offers, affiliates and sources."""
    rand = rng.random
    draw = rng.getrandbits
    build, bits = spec.build, spec.bits
    n_sources = len(SOURCE_IDS)
    with _gc_paused():
        return [
            build(
                draw(bits),
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


def _evenly(
    profile: str,
    seed: int,
    start: int,
    end: int,
    count: int,
    *,
    offers: int,
    affiliates: int,
    kind: str,
) -> list[Record]:
    """Rows with uniform times: the ``uniform`` and ``quiet`` profiles."""
    check_period(start, end, count)
    spec = kind_of(kind)
    rng = seeded(
        spec.seed_prefix + profile, seed, start, end, count, offers, affiliates
    )
    timestamps = _uniform_timestamps(rng, start, end, count)
    timestamps.sort()
    return _spread(rng, spec, timestamps, offers, affiliates)


def uniform(
    seed: int,
    start: int,
    end: int,
    count: int,
    *,
    offers: int = 20,
    affiliates: int = 30,
    kind: str = "impressions",
) -> list[Record]:
    """Generate ``count`` records with times uniform in [start, end].

    Args:
        seed: Seed of the generator.
        start: First possible time (inclusive).
        end: Last possible time (inclusive).
        count: Number of rows.
        offers: Offer ids are drawn from 1..offers.
        affiliates: Affiliate ids are drawn from 1..affiliates.
        kind: ``impressions``, ``clicks`` or ``conversions``.

    Returns:
        The rows, sorted by their kind's time field.
    """
    return _evenly(
        "uniform",
        seed,
        start,
        end,
        count,
        offers=offers,
        affiliates=affiliates,
        kind=kind,
    )


def quiet(
    seed: int,
    start: int,
    end: int,
    count: int,
    *,
    offers: int = 3,
    affiliates: int = 4,
    kind: str = "impressions",
) -> list[Record]:
    """Generate a small, sparse account: a few rows over a long period.

    Args:
        seed: Seed of the generator.
        start: First possible time (inclusive).
        end: Last possible time (inclusive).
        count: Number of rows (meant to be small).
        offers: Offer ids are drawn from 1..offers.
        affiliates: Affiliate ids are drawn from 1..affiliates.
        kind: ``impressions``, ``clicks`` or ``conversions``.

    Returns:
        The rows, sorted by their kind's time field.
    """
    return _evenly(
        "quiet",
        seed,
        start,
        end,
        count,
        offers=offers,
        affiliates=affiliates,
        kind=kind,
    )


def _hot_second(
    rng: random.Random,
    ts: int,
    rows: int,
    *,
    single_offer: bool,
    offers: int,
    affiliates: int,
    kind: str,
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
            make_record(
                rng,
                ts,
                kind=kind,
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
            make_record(
                rng,
                ts,
                kind=kind,
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
    kind: str = "impressions",
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
        start: First possible time (inclusive).
        end: Last possible time (inclusive).
        count: Rows outside the hot seconds.
        hot_seconds: Number of distinct overfull seconds.
        rows_per_hot_second: Rows in each hot second.
        offers: Offer ids of background traffic are drawn from 1..offers.
        affiliates: Affiliate ids of background traffic from 1..affiliates.
        kind: ``impressions``, ``clicks`` or ``conversions``.

    Returns:
        ``count + hot_seconds * rows_per_hot_second`` rows (fewer hot seconds
        if the period is shorter), sorted by their kind's time field.
    """
    check_period(start, end, count)
    spec = kind_of(kind)
    rng = seeded(
        spec.seed_prefix + "bursty",
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
    rows = _spread(rng, spec, timestamps, offers, affiliates)

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
                    kind=kind,
                )
            )
    rows.sort(key=itemgetter(spec.time_field))
    return rows


def daily_cycle(
    seed: int,
    start: int,
    end: int,
    count: int,
    *,
    bursts: bool = True,
    offers: int = 20,
    affiliates: int = 30,
    kind: str = "impressions",
) -> list[Record]:
    """Generate a daily cycle, and with ``bursts`` three kinds of burst on top.

    The background rate follows the day: the busiest hour holds four times the
    quietest's rows (afternoon UTC peak). The bursts, at random places: a
    10-minute burst of 2% of the rows, an hour at 20 times the average rate,
    and a single second of 15,000 rows (split over offers and affiliates).

    Args:
        seed: Seed of the generator.
        start: First possible time (inclusive).
        end: Last possible time (inclusive).
        count: Rows in all.
        bursts: Add the bursts (their rows are part of ``count``).
        offers: Offer ids are drawn from 1..offers.
        affiliates: Affiliate ids from 1..affiliates.
        kind: ``impressions``, ``clicks`` or ``conversions``.

    Returns:
        ``count`` rows (fewer burst rows if the period is too short), sorted by
        their kind's time field.
    """
    check_period(start, end, count)
    spec = kind_of(kind)
    rng = seeded(
        spec.seed_prefix + "daily_cycle", seed, start, end, count, bursts, offers
    )
    rand = rng.random
    hot_second = min(15_000, count // 10) if bursts else 0
    hour_rows = round(20 * count * 3_600 / (end - start + 1)) if bursts else 0
    burst_rows = count // 50 if bursts else 0
    background = max(0, count - hot_second - hour_rows - burst_rows)
    timestamps: list[int] = []
    while len(timestamps) < background:  # rejection sampling of the cycle
        ts = start + int(rand() * (end - start + 1))
        phase = math.sin(2 * math.pi * (ts % 86_400 - 6 * 3_600) / 86_400)
        if rand() * 1.6 < 1 + 0.6 * phase:
            timestamps.append(ts)
    for length, rows in ((3_600, hour_rows), (600, burst_rows)):
        if rows:
            at = start + int(rand() * max(1, end - start + 1 - length))
            timestamps += [at + int(rand() * length) for _ in range(rows)]
    timestamps = [min(end, ts) for ts in timestamps]
    timestamps.sort()
    out = _spread(rng, spec, timestamps, offers, affiliates)
    if hot_second:
        ts = start + int(rand() * (end - start + 1))
        with _gc_paused():
            out += _hot_second(
                rng,
                ts,
                hot_second,
                single_offer=False,
                offers=offers,
                affiliates=affiliates,
                kind=kind,
            )
    out.sort(key=itemgetter(spec.time_field))
    return out
