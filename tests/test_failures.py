"""Every failure: one ERROR line naming the stream, the cause and what to do; exit 1."""

from __future__ import annotations

import pytest

from harness.simulator import Fault, uniform
from tests.conftest import API_KEY
from tests.test_impressions import period, window_config

START, END = period(1)
WRONG_KEY = "wrong-key-0123456789abcdef"


def refused(status: int):
    return lambda sim: sim.queue_faults(Fault.status(status, f"refused: {status}"))


def every_try(fault: Fault):
    """``fault`` on each of the three tries (max_retries 2) of the first request."""
    return lambda sim: sim.queue_faults(*[fault] * 3)


# Each failure: how the simulator or the settings cause it, and what the line says.
FAILURES = {
    "401 bad key": (None, {"api_key": WRONG_KEY}, "Everflow rejected the API key"),
    "403 no permission": (refused(403), {}, "impression package"),
    "400 bad parameters": (refused(400), {}, "check the settings its reason"),
    "5xx on every try": (every_try(Fault.status(503)), {}, "Giving up after 3 tries"),
    "connection refused": (None, {"api_url": "http://127.0.0.1:9/v1"}, "Check api_url"),
    "unknown host": (
        None,
        {"api_url": "https://no-such-host.invalid/v1"},
        "Check api_url",
    ),
    "HTML instead of JSON": (every_try(Fault.html()), {}, "Giving up after 3 tries"),
    # Zero-filled by the fast decoder or absent for the general one: either way.
    "row without its key": ("no key", {}, "transaction_id"),
    "bad setting": (None, {"lag_minutes": "soon"}, "lag_minutes"),
}


@pytest.mark.parametrize(
    ("cause", "settings", "says"), FAILURES.values(), ids=FAILURES.keys()
)
def test_a_failure_is_one_error_line_and_exit_code_1(
    make_simulator, tap, cause, settings, says
):
    truth = uniform(41, START, END, 300)
    if cause == "no key":
        del truth[150]["transaction_id"]
    sim = make_simulator(truth)
    if callable(cause):
        cause(sim)
    config = window_config(sim, START, END, max_retries=2, **settings)
    run = tap.run(config)
    assert run.returncode == 1
    errors = [line for line in run.stderr.splitlines() if "ERROR" in line]
    assert len(errors) == 1, run.stderr[-3000:]
    assert says in errors[0]
    if "lag_minutes" not in settings:
        assert "| impressions: " in errors[0]
    assert "Traceback" not in run.stderr
    assert WRONG_KEY not in run.stderr + run.stdout
    assert API_KEY not in run.stderr + run.stdout
