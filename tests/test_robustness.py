"""Syncs under a random mix of faults, against the simulated API: nothing lost."""

from __future__ import annotations

import re
import subprocess
from collections import Counter

import pytest

from harness.simulator import Fault, bursty, uniform
from tests.conftest import API_KEY
from tests.test_impressions import assert_complete, period, window_config


@pytest.mark.parametrize(
    ("seed", "overflow_mode"),
    [(1, "exact_flagged"), (2, "flag_partial"), (3, "flag_empty")],
)
def test_random_faults_lose_nothing(make_simulator, tap, seed, overflow_mode):
    start, end = period(2)
    truth = bursty(
        60 + seed, start, end, 30_000, hot_seconds=1, rows_per_hot_second=12_000
    )
    # A small row cap, always flagged (the tap knows the real cap is 10,000),
    # makes many windows; one request in four fails: 429, 5xx, connection
    # resets, truncated bodies, HTML error pages.
    sim = make_simulator(
        truth,
        fault_rate=0.25,
        seed=seed,
        max_rows=2_000,
        overflow_mode=overflow_mode,
    )
    sim.queue_faults(Fault.wrong_shape(), Fault.delay(3))
    run = tap.run(
        window_config(
            sim,
            start,
            end,
            max_retries=10,
            rate_limit_wait_seconds=0,
            request_timeout=2,
        )
    )
    assert_complete(run, truth)
    faults = Counter(r.fault.split()[0] for r in sim.requests if r.fault)
    assert sum(faults.values()) >= 8, faults


def test_no_setting_or_output_reveals_the_key(make_simulator, tap):
    start, end = period(1)
    sim = make_simulator(uniform(70, start, end, 500))
    config = window_config(sim, start, end)
    for extra in (["--about", "--format=json"], ["--discover"]):
        shown = subprocess.run(
            tap.command(config, None, *extra),
            capture_output=True,
            text=True,
            check=True,
        )
        assert API_KEY not in shown.stdout + shown.stderr
    # The key in an error from the API itself is masked too.
    sim.queue_faults(Fault.status(400, f"bad key {API_KEY} for this request"))
    failed = tap.run(config)
    assert failed.returncode == 1
    assert "bad key *** for this request" in failed.stderr


@pytest.mark.parametrize(
    ("api_url", "reason"),
    [
        ("http://127.0.0.1:9/v1", "Connection refused"),
        ("https://no-such-host.invalid/v1", ""),
    ],
)
def test_an_api_url_nobody_answers_stops_after_three_quick_tries(tap, api_url, reason):
    run = tap.run({"api_key": API_KEY, "api_url": api_url}, streams=("offers",))
    assert run.returncode == 1
    errors = [line for line in run.stderr.splitlines() if "Cannot connect" in line]
    assert len(errors) == 1
    assert f"Cannot connect to api_url {api_url}: {reason}" in errors[0]
    assert "(3 tries)" in errors[0]
    retries = [line for line in run.stderr.splitlines() if "retry" in line]
    assert len(retries) == 2
    assert all(len(line) < 200 for line in retries)
    # Quick: the waits the tap chose (not the time the machine took to start
    # it and resolve names), at most retry_wait_seconds (2) doubled once.
    waits = [float(re.search(r" in ([\d.]+) s", line)[1]) for line in retries]
    assert sum(waits) <= 2 + 4
    assert "Traceback" not in run.stderr
