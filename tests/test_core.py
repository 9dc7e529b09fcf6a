"""The SDK's built-in tap tests, run against the simulated Everflow API."""

from __future__ import annotations

import atexit

import pytest
from singer_sdk.testing import SuiteConfig, get_tap_test_class
from singer_sdk.testing.templates import AttributeTestTemplate

from harness.simulator import EverflowSimulator, network, uniform
from tap_everflow.tap import TapEverflow
from tests.conftest import API_KEY, DAY, iso, now

_END = now() - now() % DAY - 1
_START = _END - 2 * DAY + 1

# The test class needs its config when the module is imported, so the
# simulator starts here and stops when the test process exits.
SIMULATOR = EverflowSimulator(
    impressions=uniform(21, _START, _END, 3_000),
    clicks=uniform(22, _START, _END, 1_000, kind="clicks"),
    conversions=uniform(23, _START, _END, 300, kind="conversions"),
    invalid_clicks=uniform(24, _START, _END, 300, kind="invalid_clicks"),
    # Every entity list; reporting adjustments dated in the synced days.
    **network(25, _START - 100 * DAY, _END, 100, 30),
    api_key=API_KEY,
    now=now(),
)
SIMULATOR.start()
atexit.register(SIMULATOR.stop)

# The SDK's tests share one sync per class (a class-scoped runner): a shuffled
# suite (--random-order) keeps them together, or every test not next to one of
# its class runs the whole sync again (hundreds of syncs, gigabytes per worker).
pytestmark = pytest.mark.random_order(disabled=True)

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


# Fields the simulator sends only as null, as in the reference's examples: the
# SDK's test of their values has none to check (and warns, an error here).
ALWAYS_NULL = {
    "advertisers.is_expose_publisher_reporting_data",
    "partner_postbacks.facebook_pixel",
}


@pytest.fixture(autouse=True)
def _each_attribute_test_reads_its_own_values(request: pytest.FixtureRequest) -> None:
    """Every attribute test checks the values of its own attribute.

    The SDK makes one instance per kind of attribute test (is_boolean, ...) and
    caches the values it checks on it (a cached_property): each test after the
    first checked the first one's attribute, and which that was depended on the
    order the tests ran in.
    """
    template = getattr(request.function, "__self__", None)
    if not isinstance(template, AttributeTestTemplate):
        return
    template.__dict__.pop("non_null_attribute_values", None)
    if request.node.callspec.id in ALWAYS_NULL:
        pytest.skip("the simulator sends this field only as null: no value to check")
