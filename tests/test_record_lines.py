"""RECORD lines written straight from records are the SDK writer's, byte for byte."""

from __future__ import annotations

import contextlib
import io
import re

from singer_sdk.contrib.msgspec import MsgSpecWriter

from tap_everflow.tap import TapEverflow
from tests.conftest import DAY, now, tap_config
from tests.pipeline import iso
from tests.simulator import EverflowSimulator, uniform

# What differs between two runs however alike: when they ran.
WALL_CLOCK = re.compile(rb'"(time_extracted|replication_key_signpost)":"[^"]*"')


class SdkWriterTap(TapEverflow):
    """The tap with the SDK's own msgspec writer: every record as a message."""

    message_writer_class = MsgSpecWriter


def output(tap_class: type[TapEverflow]) -> bytes:
    """What a sync of impressions and clicks by ``tap_class`` writes to stdout.

    Each run gets a fresh simulator and makes its requests one at a time, so
    that both runs get the same answers (nulls, omitted fields and all).
    """
    end = now() - now() % DAY - 1
    start = end - DAY + 1
    sim = EverflowSimulator(
        impressions=uniform(31, start, end, 12_000),
        clicks=uniform(32, start, end, 3_000, kind="clicks"),
        now=now(),
        overflow_mode="mixed",
        null_rate=0.05,
        extra_field_rate=0.3,
    )
    sim.start()
    config = tap_config(
        sim, start_date=iso(start), end_date=iso(end), max_concurrent_requests=1
    )
    tap = tap_class(config={**config, "api_key": sim.api_key})
    for name, stream in tap.streams.items():
        stream.selected = name in ("impressions", "clicks")
    stdout = io.TextIOWrapper(io.BytesIO())
    try:
        with contextlib.redirect_stdout(stdout):
            tap.sync_all()
    finally:
        sim.stop()
    stdout.flush()
    return WALL_CLOCK.sub(rb'"\1":"T"', stdout.buffer.getvalue())


def test_lines_are_what_the_sdk_writer_writes():
    """Same records, STATE messages and order, with nulls and omitted fields."""
    lines = output(TapEverflow)
    assert lines.count(b'{"type":"RECORD"') > 12_000
    assert lines.count(b'{"type":"STATE"') > 2
    assert lines == output(SdkWriterTap)
