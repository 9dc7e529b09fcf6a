"""RECORD lines written straight from records are the SDK's, byte for byte."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re

from singer_sdk import Stream
from singer_sdk import singerlib as singer
from singer_sdk.contrib.msgspec import MsgSpecWriter
from typing_extensions import override

from harness.pipeline import iso
from harness.simulator import EverflowSimulator, uniform
from tap_everflow.runtime.record_lines import LineWriter
from tap_everflow.streams import STREAM_TYPES
from tap_everflow.tap import TapEverflow
from tests.conftest import DAY, now, tap_config

# What differs between two runs however alike: when they ran.
WALL_CLOCK = re.compile(rb'"(time_extracted|replication_key_signpost)":"[^"]*"')


def sdk_written(stream_type: type[Stream]) -> type[Stream]:
    """``stream_type`` writing its records as the SDK does, not as the tap does.

    The SDK's steps per record (selection, type conformance, stream maps, a
    RECORD message through the writer) instead of the tap's lines written
    from records it built to the schema (see ``streams/windowed.py``).
    """
    return type(
        stream_type.__name__,
        (stream_type,),
        {
            "_generate_record_messages": Stream._generate_record_messages,
            "_write_record_message": Stream._write_record_message,
        },
    )


class SdkWriterTap(TapEverflow):
    """The tap writing records the SDK's way, with its msgspec writer."""

    message_writer_class = MsgSpecWriter

    @override
    def discover_streams(self) -> list[Stream]:
        return [sdk_written(stream_type)(self) for stream_type in STREAM_TYPES]


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


def test_a_state_written_in_the_middle_of_a_line_follows_whole_lines():
    """The SDK's signal handler writes STATE whenever it runs: even mid-line."""
    writer = LineWriter()
    write = writer.lines("impressions", None, dt.datetime.now(dt.timezone.utc))

    class Interrupting:  # encoded through str(): a handler's moment to run
        def __str__(self) -> str:
            writer.write_message(singer.StateMessage(value={"bookmarks": {}}))
            return "encoded"

    stdout = io.TextIOWrapper(io.BytesIO())
    with contextlib.redirect_stdout(stdout):
        write({"transaction_id": "a"})
        write({"transaction_id": "b", "note": Interrupting()})
        writer.flush()
    stdout.flush()
    messages = [json.loads(line) for line in stdout.buffer.getvalue().splitlines()]
    assert [m["type"] for m in messages] == ["RECORD", "STATE", "RECORD"]
    assert messages[2]["record"] == {"transaction_id": "b", "note": "encoded"}
