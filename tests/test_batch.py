"""BATCH messages (``batch_config``): their files hold what RECORD messages would."""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from urllib.parse import urlparse

import pytest

from harness.simulator import Fault, network, uniform
from tap_everflow.streams import STREAM_TYPES
from tests.conftest import (
    DAY,
    catalog,
    iso,
    now,
    tap_config,
)

NOW = now()
END = NOW - NOW % DAY - 1
START = END - 2 * DAY + 1


def batch_config(tmp_path, batch_size: int, compression: str | None = "gzip") -> dict:
    encoding = {"format": "jsonl"}
    if compression:
        encoding["compression"] = compression
    return {
        "encoding": encoding,
        "storage": {"root": (tmp_path / "batches").as_uri()},
        "batch_size": batch_size,
    }


def account() -> dict:
    """A simulated account with rows in every stream (the same on every call)."""
    return {
        "rows": uniform(31, START, END, 1_200),
        "clicks": uniform(32, START, END, 400, kind="clicks"),
        "conversions": uniform(33, START, END, 150, kind="conversions"),
        "invalid_clicks": uniform(34, START, END, 150, kind="invalid_clicks"),
        **network(35, START, END, 100, 30),
    }


def sync_config(sim, **settings) -> dict:
    # One request at a time: the simulator draws its random omissions and extra
    # fields in the order requests arrive, so two runs get the same answers.
    return tap_config(
        sim,
        start_date=iso(START),
        end_date=iso(END),
        max_concurrent_requests=1,
        emit_activate_version_messages=False,
        **settings,
    )


def recorded(run) -> dict[str, list[dict]]:
    """The records of a run's RECORD messages, by stream."""
    by_stream = defaultdict(list)
    for message in run.messages:
        if message["type"] == "RECORD":
            by_stream[message["stream"]].append(message["record"])
    return dict(by_stream)


def batched(run) -> dict[str, list[dict]]:
    """The records in the files a run's BATCH messages name, by stream."""
    by_stream = defaultdict(list)
    for message in run.messages:
        if message["type"] != "BATCH":
            continue
        assert message["encoding"]["format"] == "jsonl"
        # As a target reads them: gzipped only if the message says so.
        gzipped = message["encoding"].get("compression") == "gzip"
        for url in message["manifest"]:
            with (gzip.open if gzipped else open)(urlparse(url).path, "rb") as file:
                by_stream[message["stream"]] += [json.loads(line) for line in file]
    return dict(by_stream)


def bookmarks(run) -> dict[str, str | None]:
    """Each stream's bookmark in the run's last STATE message.

    (Not the whole state: an entity list's ``complete_through`` is the time
    its run started.)
    """
    return {
        stream: state.get("replication_key_value")
        for stream, state in run.states[-1]["bookmarks"].items()
    }


@pytest.mark.parametrize("compression", ["gzip", "none", None])
def test_batch_files_hold_the_records_of_a_record_run(
    make_simulator, tap, tmp_path, compression
):
    # Two servers with the same rows and seed: each run gets the same answers.
    record_run = tap.run(
        sync_config(make_simulator(now=NOW, **account())), streams=None
    )
    batch_run = tap.run(
        sync_config(
            make_simulator(now=NOW, **account()),
            batch_config=batch_config(tmp_path, 100, compression),
        ),
        streams=None,
    )
    assert record_run.returncode == 0, record_run.stderr[-2000:]
    assert batch_run.returncode == 0, batch_run.stderr[-2000:]
    expected = recorded(record_run)
    assert set(expected) == {stream.name for stream in STREAM_TYPES}
    assert all(expected.values())
    assert not recorded(batch_run)
    files = [m for m in batch_run.messages if m["type"] == "BATCH"]
    assert len(files) > len(expected)  # the larger streams take several files
    assert batched(batch_run) == expected
    assert bookmarks(batch_run) == bookmarks(record_run)


def test_selection_stream_maps_and_flattening_apply_to_batch_rows(
    make_simulator, tap, tmp_path
):
    streams = ("impressions", "offers")
    deselected = {"impressions": "user_ip", "offers": "internal_notes"}
    settings = {
        "stream_maps": {
            "impressions": {
                "__alias__": "impression_rows",
                "__filter__": "currency_id != 'EUR'",
                "transaction_id": "md5(transaction_id)",
            },
            "offers": {"name": "name.upper()"},
        },
        "flattening_enabled": True,
        "flattening_max_depth": 1,
    }
    runs = []
    for extra in ({}, {"batch_config": batch_config(tmp_path, 100)}):
        config = sync_config(make_simulator(now=NOW, **account()), **settings, **extra)
        chosen = catalog(config, streams)
        for entry in chosen["streams"]:
            for item in entry["metadata"]:
                if item["breadcrumb"] == [
                    "properties",
                    deselected.get(entry["stream"]),
                ]:
                    item["metadata"]["selected"] = False
        path = tmp_path / f"catalog-{len(runs)}.json"
        path.write_text(json.dumps(chosen))
        runs.append(tap.run(config, None, "--catalog", str(path), streams=None))
    record_run, batch_run = runs
    assert record_run.returncode == 0, record_run.stderr[-2000:]
    assert batch_run.returncode == 0, batch_run.stderr[-2000:]
    rows = batched(batch_run)
    assert rows == recorded(record_run)
    assert set(rows) == {"impression_rows", "offers"}
    impressions = rows["impression_rows"]
    assert impressions
    assert all(row["currency_id"] != "EUR" for row in impressions)
    assert all(len(row["transaction_id"]) == 32 for row in impressions)
    assert all("relationship" not in row for row in impressions)
    assert all("relationship__offer" in row for row in impressions)
    assert all(row["name"] == row["name"].upper() for row in rows["offers"])
    assert not any("user_ip" in row for row in impressions)
    assert not any("internal_notes" in row for row in rows["offers"])
    # The SCHEMA messages announce what the batch files hold.
    schemas = {
        m["stream"]: m["schema"] for m in batch_run.messages if m["type"] == "SCHEMA"
    }
    for stream, records in rows.items():
        assert {key for row in records for key in row} <= set(
            schemas[stream]["properties"]
        )


def test_a_failed_batch_sync_resumes_without_losing_rows(make_simulator, tap, tmp_path):
    truth = uniform(36, START, END, 12_000)
    sim = make_simulator(truth, now=NOW)
    # The second window's request (after the count and the first window's two)
    # fails: the first window's 9,700 rows fill six files of 1,500, and the
    # last 700 are gathered for a seventh that is never written.
    sim.after_requests(3, lambda: sim.queue_faults(Fault.status(400)))
    config = sync_config(sim, batch_config=batch_config(tmp_path, 1_500))
    failed = tap.run(config)
    assert failed.returncode == 1
    first = batched(failed)["impressions"]
    assert 0 < len(first) < len(truth)
    assert len(first) % 1_500 == 0
    resumed = tap.run(config, failed.states[-1])
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    delivered = {row["transaction_id"] for row in first}
    delivered |= {row["transaction_id"] for row in batched(resumed)["impressions"]}
    assert delivered == {row["transaction_id"] for row in truth}


# Streams that never send ACTIVATE_VERSION: all of them go in batch files.
UNVERSIONED = (
    "impressions",
    "clicks",
    "invalid_clicks",
    "conversions",
    "daily_report",
    "reporting_adjustments",
)
ENTITY_LISTS = ("offers", "advertisers", "affiliates")
BATCH_MODE_LINE = "batch_config: entity lists go as RECORD messages"


@pytest.mark.parametrize(
    ("streams", "in_files"),
    [(UNVERSIONED, UNVERSIONED), (UNVERSIONED[:2] + ENTITY_LISTS, UNVERSIONED[:2])],
    ids=["no entity lists", "entity lists"],
)
def test_batch_config_needs_no_other_setting(
    make_simulator, tap, tmp_path, streams, in_files
):
    """With deletions marked (the default), entity lists go as RECORD messages."""
    runs = []
    for extra in ({}, {"batch_config": batch_config(tmp_path, 100)}):
        config = sync_config(make_simulator(now=NOW, **account()), **extra)
        del config["emit_activate_version_messages"]  # its default: true
        runs.append(tap.run(config, streams=streams))
    record_run, batch_run = runs
    assert record_run.returncode == 0, record_run.stderr[-2000:]
    assert batch_run.returncode == 0, batch_run.stderr[-2000:]
    files, records = batched(batch_run), recorded(batch_run)
    assert set(files) == set(in_files)
    assert set(records) == set(streams) - set(in_files)
    assert {**files, **records} == recorded(record_run)

    lists = [m for m in batch_run.messages if m.get("stream") in ENTITY_LISTS]
    activated = {
        m["stream"]: m["version"] for m in lists if m["type"] == "ACTIVATE_VERSION"
    }
    assert set(activated) == set(records)
    assert all(
        m["version"] == activated[m["stream"]] for m in lists if m["type"] == "RECORD"
    )
    said = [line for line in batch_run.stderr.splitlines() if BATCH_MODE_LINE in line]
    assert len(said) == (1 if records else 0)
    assert all("INFO" in line for line in said)


GZIPPED_LINES = {"format": "jsonl", "compression": "gzip"}
SOMEWHERE = {"root": "file:///tmp/tap-everflow-batches"}


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            {"batch_config": {"encoding": GZIPPED_LINES}},
            "batch_config needs encoding and storage.root",
        ),
        (
            {"batch_config": {"encoding": {"format": "parquet"}, "storage": SOMEWHERE}},
            "batch_config.encoding.format parquet is not supported",
        ),
        (
            {
                "batch_config": {"encoding": GZIPPED_LINES, "storage": SOMEWHERE},
                "stream_maps": {"copy": {"__source__": "impressions"}},
            },
            "stream_maps.copy copies impressions (__source__)",
        ),
    ],
)
def test_batch_configs_that_would_mislead_a_target_are_refused(tap, settings, expected):
    config = {
        "api_key": "sim-key-0123456789abcdef",
        "emit_activate_version_messages": False,
        **settings,
    }
    run = tap.run(config, streams=None)
    assert run.returncode == 1
    errors = [line for line in run.stderr.splitlines() if "ERROR" in line]
    assert len(errors) == 1, run.stderr
    assert expected in errors[0]
    assert "Traceback" not in run.stderr
    assert not run.messages
