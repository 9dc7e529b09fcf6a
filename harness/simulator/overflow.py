"""Which rows an overflowing raw answer keeps: every plausible server behaviour.

The API contract leaves it unspecified: of a window holding more rows than one
answer may carry, a server may keep a random sample, the oldest or the newest
rows (Everflow's own UI lists newest first), whole offers in id order, whole
storage shards, or anything else. The simulator offers each as its
``overflow_subset`` setting, so that the tap's efficiency is measured under all
of them, not only under the one its estimator was designed on:

- ``random``: a uniform random sample of the window's rows.
- ``oldest`` / ``newest``: the first or last rows by time.
- ``by-offer``: whole offers in id order (the last one cut), each offer's rows
  oldest first: the answer spreads over the window like a sample, but holds
  only the first offers' traffic.
- ``shards``: rows stored in hourly partitions spread over ``SHARDS`` shards,
  read shard after shard: whole hours here and there, nothing in the others.
- ``even-in-time``: an adversary of any estimator that reads an answer's row
  times: rows as evenly spread in time as the window allows, whatever the
  traffic's shape, so bursts and busy seconds are invisible in it.
- ``busiest``: an adversary of estimators that extrapolate an answer's
  density: the rows of the window's busiest minutes, so the answer looks like
  the whole window is a burst.
"""

from __future__ import annotations

import bisect
import random
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TypeVar

Row = TypeVar("Row")

OVERFLOW_SUBSETS = (
    "random",
    "oldest",
    "newest",
    "by-offer",
    "shards",
    "even-in-time",
    "busiest",
)
SHARDS = 7  # co-prime with 24: a shard holds hours spread over the day


def kept_rows(
    subset: str,
    rows: Sequence[Row],
    count: int,
    rng: random.Random,
    *,
    time_of: Callable[[Row], int],
    offer_of: Callable[[Row], int],
) -> list[Row]:
    """``count`` of one window's ``rows``, as a server of ``subset`` keeps them."""
    if count >= len(rows):
        return list(rows)
    by_time = sorted(rows, key=time_of)
    minutes = Counter(time_of(row) // 60 for row in by_time)
    keep: dict[str, Callable[[], list[Row]]] = {
        "random": lambda: rng.sample(by_time, count),
        "oldest": lambda: by_time[:count],
        "newest": lambda: by_time[len(by_time) - count :],
        "by-offer": lambda: sorted(by_time, key=offer_of)[:count],  # oldest first
        "shards": lambda: sorted(
            by_time, key=lambda row: time_of(row) // 3_600 % SHARDS
        )[:count],
        "even-in-time": lambda: _even_in_time(by_time, count, time_of),
        "busiest": lambda: sorted(
            by_time, key=lambda row: -minutes[time_of(row) // 60]
        )[:count],
    }
    if subset not in keep:
        msg = f"unknown overflow_subset {subset!r}; one of {', '.join(keep)}"
        raise ValueError(msg)
    return keep[subset]()


def _even_in_time(
    by_time: Sequence[Row], count: int, time_of: Callable[[Row], int]
) -> list[Row]:
    """``count`` rows whose times are as evenly spread over the window as can be.

    The row nearest each of ``count`` evenly spaced instants, then the nearest
    rows not yet taken, until ``count`` are taken.
    """
    times = [time_of(row) for row in by_time]
    first, last = times[0], times[-1]
    taken: set[int] = set()
    for i in range(count):
        at = first + (last - first) * (2 * i + 1) / (2 * count)
        index = min(bisect.bisect_left(times, at), len(times) - 1)
        taken.add(index)
    for index in range(len(by_time)):  # the nearest instants shared rows
        if len(taken) >= count:
            break
        taken.add(index)
    return [by_time[i] for i in sorted(taken)][:count]
