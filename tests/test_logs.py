"""Logs a person reads: per stream a start, progress and an end; the SDK's detail
at DEBUG; METRIC lines by a setting; JSON logs one object per line, key masked."""

from __future__ import annotations

import json

import yaml

from harness.simulator import Fault, uniform
from tap_everflow.streams import STREAM_TYPES
from tests.conftest import API_KEY
from tests.test_impressions import period, window_config

OTHERS = sorted(s.name for s in STREAM_TYPES if s.name != "impressions")


def lines_with(text: str, stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if text in line]


def test_a_sync_logs_a_start_and_an_end_and_one_line_for_the_streams_left_out(
    make_simulator, tap
):
    start, end = period(1)
    sim = make_simulator(uniform(80, start, end, 700))
    run = tap.run(window_config(sim, start, end))
    assert run.returncode == 0, run.stderr[-3000:]
    assert len(run.records) == 700
    (skipped,) = lines_with("not selected", run.stderr)
    assert f"Skipping {len(OTHERS)} streams not selected: {', '.join(OTHERS)}." in (
        skipped
    )
    assert len(lines_with("Beginning sync of 'impressions'", run.stderr)) == 1
    (done,) = lines_with("impressions: done, 700 records in ", run.stderr)
    assert "| INFO " in done
    # The SDK's detail and its metrics are not at INFO.
    for detail in (
        "Skipping deselected stream",
        "Skipping parse of env var",
        "Starting incremental sync",
        "METRIC",
    ):
        assert not lines_with(detail, run.stderr), detail


def test_at_debug_the_sdks_own_lines_are_there_as_debug_lines(
    make_simulator, tap, monkeypatch
):
    """The SDK's lines are told apart by where they come from: they are all seen."""
    start, end = period(1)
    sim = make_simulator(uniform(81, start, end, 50))
    monkeypatch.setenv("TAP_EVERFLOW_LOGLEVEL", "DEBUG")
    run = tap.run(window_config(sim, start, end))
    assert run.returncode == 0, run.stderr[-3000:]
    skipped = lines_with("Skipping deselected stream", run.stderr)
    assert len(skipped) == len(OTHERS)
    bookmark = lines_with("Starting incremental sync of 'impressions'", run.stderr)
    settings = lines_with("env var settings", run.stderr)
    assert len(bookmark) == 1
    assert settings
    assert all("| DEBUG " in line for line in [*skipped, *bookmark, *settings])


def test_metric_lines_are_logged_when_asked(make_simulator, tap):
    start, end = period(1)
    sim = make_simulator(uniform(82, start, end, 300))
    run = tap.run(window_config(sim, start, end, metrics_log_level="INFO"))
    assert run.returncode == 0, run.stderr[-3000:]
    points = [
        json.loads(line.split("METRIC: ", 1)[1])
        for line in lines_with("METRIC: ", run.stderr)
    ]
    counted = [p for p in points if p["metric"] == "record_count"]
    assert sum(p["value"] for p in counted) == 300
    assert {"http_request_duration", "sync_duration"} <= {p["metric"] for p in points}


# What meltano writes for a plugin that declares structured-logging (and what
# `meltano --log-format=json` reads): the SDK's StructuredFormatter.
STRUCTURED = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "singer_sdk.logging.StructuredFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
}


def test_json_logs_are_one_object_per_line_with_the_key_masked(
    make_simulator, tap, tmp_path, monkeypatch
):
    config = tmp_path / "logging.yaml"
    config.write_text(yaml.safe_dump(STRUCTURED))
    monkeypatch.setenv("SINGER_SDK_LOG_CONFIG", str(config))
    start, end = period(1)
    sim = make_simulator(uniform(83, start, end, 300))
    # A retry (a WARNING), then an error whose text holds the key.
    sim.queue_faults(
        Fault.status(503, f"busy, key {API_KEY}"),
        Fault.status(400, f"bad key {API_KEY} for this request"),
    )
    run = tap.run(window_config(sim, start, end, metrics_log_level="INFO"))
    assert run.returncode == 1
    logged = [json.loads(line) for line in run.stderr.splitlines()]
    assert all(isinstance(entry, dict) for entry in logged)
    messages = [entry["message"] for entry in logged]
    levels = {entry["level"] for entry in logged}
    assert {"info", "warning", "error"} <= levels
    assert any("Beginning sync of 'impressions'" in m for m in messages)
    assert any("bad key *** for this request" in m for m in messages)
    assert any(e["message"] == "METRIC" and e["metric_info"] for e in logged)
    assert API_KEY not in run.stderr
