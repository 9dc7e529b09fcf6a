"""Shared fixtures: the simulated Everflow API and a runner for the real tap CLI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import msgspec
import pytest

from harness.pipeline import iso
from harness.simulator import EverflowSimulator

__all__ = ["iso"]

API_KEY = "sim-key-0123456789abcdef"
HOUR = 3_600
DAY = 86_400


# Validators by schema: building one checks the schema against its metaschema,
# which costs more than validating a thousand records.
_VALIDATORS: dict[int, tuple[dict, jsonschema.protocols.Validator]] = {}


def assert_valid(record: dict, schema: dict) -> None:
    """Fail unless ``record`` is valid under the JSON schema ``schema``."""
    if id(schema) not in _VALIDATORS:
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        _VALIDATORS[id(schema)] = (schema, cls(schema))
    _VALIDATORS[id(schema)][1].validate(record)


def now() -> int:
    return int(time.time())


PYTHON_END_OF_LIFE = re.compile(r"Python 3\.\d+ (reached|will reach) its end of life")


@dataclass
class TapRun:
    """What one run of the tap printed, parsed."""

    returncode: int
    messages: list[dict]
    stderr: str
    stdout: str = field(repr=False, default="")

    @property
    def records(self) -> list[dict]:
        return [m["record"] for m in self.messages if m["type"] == "RECORD"]

    @property
    def states(self) -> list[dict]:
        return [m["value"] for m in self.messages if m["type"] == "STATE"]

    @property
    def ids(self) -> list[str]:
        return [r["transaction_id"] for r in self.records]

    @property
    def warnings(self) -> list[str]:
        """The WARNING lines of the log, but for the SDK's end-of-life notice.

        That one is about the interpreter running the tests (Python 3.10 is
        past its end of life since 2026-10), not about the tap.
        """
        return [
            line
            for line in self.stderr.splitlines()
            if "WARNING" in line and not PYTHON_END_OF_LIFE.search(line)
        ]

    def assert_key_hidden(self) -> None:
        assert API_KEY not in self.stdout
        assert API_KEY not in self.stderr


def parse_messages(stdout: str) -> list[dict]:
    # msgspec: a tenth of json.loads's time on the hundreds of thousands of lines
    # the planner's tests read.
    decode = msgspec.json.Decoder().decode
    return [decode(line) for line in stdout.splitlines() if line.strip()]


class TapRunner:
    """Runs ``python -m tap_everflow`` as a user would, against a simulator."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.runs: list[TapRun] = []
        self.count = 0

    def write(self, name: str, content: dict) -> Path:
        self.count += 1
        path = self.tmp_path / f"{self.count}-{name}.json"
        path.write_text(json.dumps(content))
        return path

    def command(
        self,
        config: dict,
        state: dict | None = None,
        *extra: str,
        streams: tuple[str, ...] | None = None,
    ) -> list[str]:
        cmd = [sys.executable, "-m", "tap_everflow", "--config"]
        cmd.append(str(self.write("config", config)))
        if state is not None:
            cmd += ["--state", str(self.write("state", state))]
        if streams is not None:
            cmd += ["--catalog", str(self.write("catalog", catalog(config, streams)))]
        return [*cmd, *extra]

    def run(
        self,
        config: dict,
        state: dict | None = None,
        *extra: str,
        streams: tuple[str, ...] | None = ("impressions",),
        timeout: int = 240,
    ) -> TapRun:
        """Run the tap; by default only impressions is selected (None: all)."""
        proc = subprocess.run(
            self.command(config, state, *extra, streams=streams),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env={**os.environ, "PYTHONWARNINGS": "error::DeprecationWarning"},
        )
        run = TapRun(
            proc.returncode, parse_messages(proc.stdout), proc.stderr, proc.stdout
        )
        self.runs.append(run)
        return run


_DISCOVERED: dict[str, dict] = {}


def catalog(config: dict, streams: tuple[str, ...]) -> dict:
    """The tap's discovered catalog with only ``streams`` selected."""
    if "catalog" not in _DISCOVERED:
        with tempfile.NamedTemporaryFile("w", suffix=".json") as file:
            json.dump({"api_key": config["api_key"]}, file)
            file.flush()
            proc = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "tap_everflow",
                    "--discover",
                    "--config",
                    file.name,
                ],
                capture_output=True,
                text=True,
                check=True,
            )
        _DISCOVERED["catalog"] = json.loads(proc.stdout)
    chosen = json.loads(json.dumps(_DISCOVERED["catalog"]))
    for entry in chosen["streams"]:
        for item in entry["metadata"]:
            if not item["breadcrumb"]:
                item["metadata"]["selected"] = entry["tap_stream_id"] in streams
    return chosen


@pytest.fixture
def tap(tmp_path: Path) -> TapRunner:
    """Run the tap; afterwards, check that no run printed the API key."""
    runner = TapRunner(tmp_path)
    yield runner
    for run in runner.runs:
        run.assert_key_hidden()


@pytest.fixture
def make_simulator():
    """Start simulators on demand; stop them all at the end of the test."""
    started: list[EverflowSimulator] = []

    def start(rows: list[dict], **options) -> EverflowSimulator:
        options.setdefault("now", now())
        options.setdefault("api_key", API_KEY)
        sim = EverflowSimulator(impressions=rows, **options)
        sim.start()
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()


def tap_config(sim: EverflowSimulator, **settings) -> dict:
    """A config pointing at ``sim`` with fast retries and short 429 pauses."""
    return {
        "api_key": API_KEY,
        "api_url": sim.url,
        "retry_wait_seconds": 0,
        "rate_limit_wait_seconds": 1,
        **settings,
    }
