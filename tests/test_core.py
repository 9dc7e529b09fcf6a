"""The SDK's built-in tap tests, run against the simulated Everflow API."""

from __future__ import annotations

import atexit

from singer_sdk.testing import SuiteConfig, get_tap_test_class

from tap_everflow.tap import TapEverflow
from tests.conftest import API_KEY, DAY, iso, now
from tests.simulator import (
    EverflowSimulator,
    advertiser_entities,
    affiliate_entities,
    offer_entities,
    uniform,
)

_END = now() - now() % DAY - 1
_START = _END - 2 * DAY + 1

# The test class needs its config when the module is imported, so the
# simulator starts here and stops when the test process exits.
SIMULATOR = EverflowSimulator(
    impressions=uniform(21, _START, _END, 3_000),
    clicks=uniform(22, _START, _END, 1_000, kind="clicks"),
    conversions=uniform(23, _START, _END, 300, kind="conversions"),
    offers=offer_entities(24, _START - 100 * DAY, _START, 20),
    affiliates=affiliate_entities(25, _START - 100 * DAY, _START, 30),
    advertisers=advertiser_entities(26, _START - 100 * DAY, _START),
    api_key=API_KEY,
    now=now(),
)
SIMULATOR.start()
atexit.register(SIMULATOR.stop)

TestTapEverflow = get_tap_test_class(
    tap_class=TapEverflow,
    config={
        "api_key": API_KEY,
        "api_url": SIMULATOR.url,
        "start_date": iso(_START),
        "end_date": iso(_END),
        "retry_wait_seconds": 0,
    },
    suite_config=SuiteConfig(max_records_limit=None),
)
