"""Keep the tap's memory flat however many rows it syncs.

A raw report answer of 10,000 rows is 7 MB of JSON (impressions; clicks 29 MB),
decoded into 13 MB of rows (46 MB). glibc's malloc serves a block
that large with mmap and returns it to the system when freed, but the first
such free raises its mmap threshold: later bodies come from the heap (one per
thread), whose freed space stays with the process. Peak RSS then grew with the
rows synced (300 MB at 400,000 rows); with the threshold pinned and few heaps,
it stays near 170 MB. Elsewhere than glibc there is nothing to tune.
"""

from __future__ import annotations

import ctypes

# mallopt(3) parameters.
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
MMAP_THRESHOLD = 1 << 20  # bytes: larger blocks always go back when freed
ARENAS = 2


def return_large_blocks() -> None:
    """Have glibc hand large freed blocks back, from few heaps (before threads)."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc: its allocator, its rules
        return
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    mallopt(M_ARENA_MAX, ARENAS)
