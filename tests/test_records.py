"""Records as Everflow documents them (docs/api.md#records), and the surprises a
real API sends, through the real tap CLI against the simulated API."""

from __future__ import annotations

import re

import pytest

from harness.simulator import EverflowSimulator
from tap_everflow.tap import TapEverflow
from tests import reference
from tests.conftest import API_KEY, DAY, TapRunner, assert_valid, iso, now, tap_config
from tests.test_impressions import window_config
from tests.test_streams import records_of

STREAMS = TapEverflow(config={"api_key": "x"}).streams
JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string"}


def declared(schema: dict, path: str) -> dict:
    """The schema of the field at a dotted path ("[]": an array's items)."""
    node = schema
    for part in path.split("."):
        name, items = part.removesuffix("[]"), part.endswith("[]")
        node = node["properties"][name]
        if items:
            node = node["items"]
    return node


def types_of(node: dict) -> set[str]:
    kinds = node.get("type", [])
    return {kinds} if isinstance(kinds, str) else set(kinds)


@pytest.mark.parametrize("stream", sorted(reference.EXAMPLES))
def test_every_documented_field_is_declared_with_its_documented_type(stream):
    schema = STREAMS[stream].schema
    example = reference.EXAMPLES[stream]()
    for path, value in reference.leaves(example, stream).items():
        node = declared(schema, path)
        if value is None:  # documented as null: the schema must allow it
            assert not node.get("type") or "null" in types_of(node), path
        elif isinstance(value, dict):
            assert types_of(node) & {"object"} or not node.get("type"), path
        elif isinstance(value, list):
            assert "array" in types_of(node), path
            items = node["items"]
            item = (
                "object" if isinstance(value[0], dict) else JSON_TYPES[type(value[0])]
            )
            # Untyped items hold either reading of a disputed list
            # (docs/api.md#traffic-control-variables).
            assert item in types_of(items) or not items.get("type"), path
        else:
            assert JSON_TYPES[type(value)] in types_of(node), (path, node)


EXACT = {"omit_rate": 0.0, "null_rate": 0.0, "extra_field_rate": 0.0}
# The examples' date: the simulator's clock is two days later, so that its
# raw-row retention keeps them.
CLOCK = reference.T0 + 2 * DAY
TIME_BASED = ("impressions", "clicks", "invalid_clicks", "conversions")


def example_config(sim) -> dict:
    return tap_config(
        sim,
        start_date=iso(reference.T0 - 2 * DAY),
        end_date=iso(reference.T0 + DAY),
        retention_days=3_650,  # the tap's own clock is later than the examples
    )


def run_example(make_simulator, tap, stream: str, records: list[dict]):
    """Run the tap on a simulator holding ``records`` and sending them whole."""
    rows = {} if stream == "impressions" else {stream: records}
    first = records if stream == "impressions" else []
    sim = make_simulator(first, **rows, **EXACT, now=CLOCK)
    return tap.run(example_config(sim), streams=(stream,))


@pytest.fixture(scope="module")
def examples_run(tmp_path_factory):
    """One run of every stream, each endpoint holding its reference example."""
    examples = {kind: [build()] for kind, build in reference.EXAMPLES.items()}
    with EverflowSimulator(
        impressions=examples.pop("impressions"),
        **examples,
        api_key=API_KEY,
        now=CLOCK,
        **EXACT,
    ) as sim:
        runner = TapRunner(tmp_path_factory.mktemp("examples"))
        run = runner.run(example_config(sim), streams=tuple(reference.EXAMPLES))
    run.assert_key_hidden()
    return run


def test_the_examples_run_without_a_warning(examples_run):
    assert examples_run.returncode == 0, examples_run.stderr[-3000:]
    assert not examples_run.warnings, examples_run.stderr[-2000:]


@pytest.mark.parametrize("stream", sorted(reference.EXAMPLES))
def test_every_documented_field_reaches_the_output_with_its_value(examples_run, stream):
    example = reference.EXAMPLES[stream]()
    (record,) = records_of(examples_run, stream)
    assert_valid(record, STREAMS[stream].schema)
    got = reference.leaves(record, stream)
    for path, value in reference.leaves(example, stream).items():
        assert path in got, f"{stream}: {path} is missing from the output"
        assert got[path] == value, path
        assert type(got[path]) is type(value), path


def surprising_clicks(count: int, **changes) -> list[dict]:
    """``count`` reference clicks, the first three with ``changes`` applied.

    A change's key is a dotted path; its value replaces the field's.
    """
    clicks = []
    for index in range(count):
        click = reference.click(f"{index:032x}", reference.T0 + 60 + index)
        if index < 3:
            for path, value in changes.items():
                *parents, name = path.split(".")
                holder = click
                for parent in parents:
                    holder = holder[parent]
                holder[name] = value
        clicks.append(click)
    return clicks


def warnings_about(run, field: str) -> list[str]:
    return [
        line
        for line in run.stderr.splitlines()
        if "WARNING" in line and f" {field}:" in line
    ]


SURPRISES = {
    # An object where a string was declared: its JSON text is kept.
    "object_in_string": (
        "relationship.http_user_agent",
        {"user_agent": "Mozilla/5.0"},
        '{"user_agent":"Mozilla/5.0"}',
    ),
    # A number sent as text: parsed.
    "number_as_text": ("payout", "0.35", 0.35),
    # Text where a number was declared: cannot be held, zero.
    "text_in_number": ("revenue", "n/a", 0),
    # A null where the schema declares an integer: zero.
    "null": ("error_code", None, 0),
    # A whole float in an integer field: the integer.
    "whole_float_in_integer": ("creative_id", 88301.0, 88301),
}


@pytest.mark.parametrize("surprise", sorted(SURPRISES))
def test_a_type_surprise_keeps_every_row_and_warns_once(make_simulator, tap, surprise):
    path, sent, kept = SURPRISES[surprise]
    truth = surprising_clicks(40, **{path: sent})
    run = run_example(make_simulator, tap, "clicks", truth)
    assert run.returncode == 0, run.stderr[-3000:]
    records = records_of(run, "clicks")
    assert sorted(r["transaction_id"] for r in records) == sorted(
        r["transaction_id"] for r in truth
    )
    by_id = {r["transaction_id"]: r for r in records}
    for index, click in enumerate(truth):
        record = reference.leaves(by_id[click["transaction_id"]], "clicks")
        reference_click = reference.leaves(reference.click(), "clicks")
        expected = kept if index < 3 else reference_click[path]
        assert record[path] == expected
        assert type(record[path]) is type(expected)
        assert_valid(by_id[click["transaction_id"]], STREAMS["clicks"].schema)
    (warning,) = warnings_about(run, path)  # one per field and run
    assert repr(sent)[:20] in warning
    assert "row is kept" in warning


def test_a_documented_other_reading_is_converted_silently(make_simulator, tap):
    truth = surprising_clicks(
        5,
        **{
            "relationship.geolocation.carrier_code": 310012,
            "is_unique": True,
            "project_id": 9,
        },
    )
    run = run_example(make_simulator, tap, "clicks", truth)
    assert run.returncode == 0, run.stderr[-3000:]
    records = records_of(run, "clicks")
    assert len(records) == 5
    for record in records:
        assert record["relationship"]["geolocation"]["carrier_code"] == "310012"
        assert record["is_unique"] == 1
        assert record["project_id"] in ("9", "prj-9")
    assert not run.warnings, run.stderr[-2000:]


def test_an_undeclared_field_is_named_once_without_its_value(make_simulator, tap):
    truth = surprising_clicks(30)
    for click in truth:
        click["fraud_signal"] = "secret-value-1"
        click["relationship"]["geolocation"]["asn"] = 7018
    run = run_example(make_simulator, tap, "clicks", truth)
    assert run.returncode == 0, run.stderr[-3000:]
    records = records_of(run, "clicks")
    assert len(records) == 30
    assert all("fraud_signal" not in r for r in records)
    assert all("asn" not in r["relationship"]["geolocation"] for r in records)
    for field in ("fraud_signal", "relationship.geolocation.asn"):
        (line,) = [
            x
            for x in run.stderr.splitlines()
            if "does not declare" in x
            and x.rstrip().endswith(
                f"{field} (left out of the records; please report it so it can be "
                "added)."
            )
        ]
        assert "WARNING" in line
    assert "secret-value-1" not in run.stderr
    assert "7018" not in run.stderr


@pytest.mark.parametrize(
    ("field", "value"),
    # The simulator keeps rows by time, so the time is one it can sort.
    [("unix_timestamp", reference.T0 + 67.5), ("transaction_id", {"id": 1})],
)
def test_an_unreadable_key_or_time_stops_the_sync_clearly(
    make_simulator, tap, field, value
):
    truth = surprising_clicks(20)
    truth[7][field] = value
    run = run_example(make_simulator, tap, "clicks", truth)
    assert run.returncode == 1
    errors = [line for line in run.stderr.splitlines() if "cannot read" in line]
    assert len(errors) == 1
    assert re.search(rf"\b{field}=", errors[0])
    assert "Traceback" not in run.stderr
    # Nothing of the window was emitted, so the bookmark says nothing of it.
    assert not records_of(run, "clicks")
    for state in run.states:
        assert "complete_through" not in str(state)


def test_an_explicit_end_date_is_honoured_up_to_now(make_simulator, tap):
    from harness.simulator import uniform

    # Rows up to the last second: the default lag (15 min) would cut 5 minutes.
    end = now() - 5 * 60
    start = end - 3_600 + 1
    truth = uniform(71, start, end, 600)
    sim = make_simulator(truth)
    run = tap.run(window_config(sim, start, end))
    assert run.returncode == 0, run.stderr[-3000:]
    assert set(run.ids) == {r["transaction_id"] for r in truth}
    warnings = [x for x in run.stderr.splitlines() if "within lag_minutes" in x]
    assert len(warnings) == 1
    assert "WARNING" in warnings[0]


def test_without_end_date_the_lag_still_leaves_recent_rows_for_later(
    make_simulator, tap
):
    from harness.simulator import uniform

    asked_at = now()
    truth = uniform(72, asked_at - 3_600, asked_at - 60, 600)
    sim = make_simulator(truth)
    run = tap.run(tap_config(sim, start_date=iso(asked_at - 3_600)))
    finished = now()
    assert run.returncode == 0, run.stderr[-3000:]
    lag = 15 * 60
    # The tap reads the clock between asked_at and finished, however slow it is.
    settled = {
        r["transaction_id"] for r in truth if r["unix_timestamp"] <= asked_at - lag
    }
    recent = {
        r["transaction_id"] for r in truth if r["unix_timestamp"] > finished - lag
    }
    assert settled <= set(run.ids)
    assert not recent & set(run.ids)
    assert "within lag_minutes" not in run.stderr
