"""Fuzzing the response parsing: a record conforms to its schema, or the sync
stops with a clear error (only for a key or time it cannot read); nothing in
between."""

from __future__ import annotations

import logging

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from singer_sdk.exceptions import RetriableAPIError

from tap_everflow.errors import EverflowResponseError
from tap_everflow.records.proto3 import Conformer, Surprises
from tap_everflow.streams import (
    AdvertisersStream,
    AffiliatesStream,
    ClicksStream,
    ConversionsStream,
    ImpressionsStream,
    OffersStream,
)
from tap_everflow.tap import TapEverflow
from tests.conftest import assert_valid

STREAMS = {
    stream.name: stream
    for stream in (
        ImpressionsStream,
        ClicksStream,
        ConversionsStream,
        OffersStream,
        AffiliatesStream,
        AdvertisersStream,
    )
}
DERIVED = {
    "impressions": ["occurred_at"],
    "clicks": ["occurred_at"],
    "conversions": ["converted_at"],
}
# What must be readable: the key, and the time rows are placed by.
CRITICAL = {
    "impressions": ("transaction_id", "unix_timestamp"),
    "clicks": ("transaction_id", "unix_timestamp"),
    "conversions": ("conversion_id", "conversion_unix_timestamp"),
    "offers": ("network_offer_id",),
    "affiliates": ("network_affiliate_id",),
    "advertisers": ("network_advertiser_id",),
}

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.sampled_from(["", "0", "17", "-3", "2.50", "true", "false"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.text(max_size=6), inner, max_size=4),
    ),
    max_leaves=12,
)


def value_for(schema: dict) -> st.SearchStrategy:
    """Plausible values for a field (often right, sometimes wrong or missing)."""
    kinds = [k for k in schema.get("type", ["string"]) if k != "null"]
    kind = kinds[0] if kinds else "string"
    if kind == "object" and schema.get("properties"):
        return st.one_of(row_for(schema), json_values)
    return json_values


def row_for(schema: dict) -> st.SearchStrategy:
    """A row with each declared field present (random value) or missing."""
    fields = {
        name: st.one_of(st.just(...), value_for(sub))
        for name, sub in schema["properties"].items()
    }
    extras = st.dictionaries(st.text(min_size=1, max_size=6), json_values, max_size=3)
    return st.builds(
        lambda drawn, extra: {
            **extra,
            **{k: v for k, v in drawn.items() if v is not ...},
        },
        st.fixed_dictionaries(fields),
        extras,
    )


FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def source_schema(stream: str) -> dict:
    """The properties the API sends (less what the tap derives)."""
    derived = DERIVED.get(stream, ["created_at", "saved_at"])
    schema = STREAMS[stream].schema
    return {
        "type": "object",
        "properties": {
            k: v for k, v in schema["properties"].items() if k not in derived
        },
    }


def conformer_for(stream: str) -> Conformer:
    return Conformer(
        source_schema(stream),
        Surprises(stream, logging.getLogger("fuzz")),
        critical=CRITICAL[stream],
        alternatives=STREAMS[stream].alternatives,
    )


@pytest.mark.parametrize("stream", sorted(STREAMS))
def test_random_rows_conform_or_fail_clearly(stream):
    source = source_schema(stream)
    conform = conformer_for(stream)
    checked = {**source, "required": list(source["properties"])}

    @FUZZ
    @given(row=st.one_of(row_for(source), json_values))
    def check(row):
        try:
            record, failure = conform(row), ""
        except EverflowResponseError as exc:
            record, failure = None, str(exc)
        if record is None:
            assert "cannot read" in failure
            assert "\n" not in failure
            # Only a key or time field stops the sync.
            assert any(f"{name}=" in failure for name in CRITICAL[stream])
            return
        assert_valid(record, checked)
        assert set(record) == set(source["properties"])

    check()


@FUZZ
@given(payload=json_values)
def test_random_answers_are_read_retried_or_refused(payload):
    stream = TapEverflow(config=CONFIG).streams["impressions"]
    try:
        answer, failure = stream.decode_answer(msgspec.json.encode(payload)), ""
    except (RetriableAPIError, EverflowResponseError) as exc:
        answer, failure = None, str(exc)
    if answer is None:
        assert "unexpected JSON shape" in failure or "cannot read" in failure
        return
    assert isinstance(answer.rows, list)
    if isinstance(payload, dict):
        assert len(answer.rows) == len(payload.get("impressions") or [])
    for row in answer.rows:
        assert set(msgspec.to_builtins(row)) == set(stream.row_schema["properties"])


CONFIG = {"api_key": "fuzz-key-0123456789", "start_date": "2026-11-01"}


def lax_value_for(schema: dict) -> st.SearchStrategy:
    """Mostly values of the declared type, some in forms the API might use."""
    declared = schema.get("type", "string")
    declared = [declared] if isinstance(declared, str) else declared
    kinds = [k for k in declared if k != "null"]
    kind = kinds[0] if kinds else "string"
    odd = st.sampled_from([None, "", "7", "-2", "1.5", "true", 1, 0, 2.0, 2.5])
    if kind == "object" and schema.get("properties"):
        return st.one_of(lax_row_for(schema), st.none())
    if kind == "object":
        return st.dictionaries(st.text(max_size=4), st.text(max_size=4), max_size=2)
    typed = {
        "integer": st.integers(-(2**53), 2**53),
        "number": st.one_of(st.integers(-(10**9), 10**9), st.floats(-1e9, 1e9)),
        "string": st.text(max_size=6),
        "boolean": st.booleans(),
    }[kind]
    return st.one_of(typed, typed, typed, odd)


def lax_row_for(schema: dict) -> st.SearchStrategy:
    """A row as the API sends it: some fields omitted, some extra."""
    fields = {
        name: st.one_of(st.just(...), lax_value_for(sub))
        for name, sub in schema["properties"].items()
    }
    extras = st.dictionaries(st.sampled_from(["new_field", "x"]), json_values)
    return st.builds(
        lambda drawn, extra: {
            **extra,
            **{k: v for k, v in drawn.items() if v is not ...},
        },
        st.fixed_dictionaries(fields),
        extras,
    )


def plain(rows: list) -> list:
    """Rows as records hold them: builtins, without undeclared fields' raw JSON."""

    def strip(value):
        if isinstance(value, dict):
            return {
                k: strip(v) for k, v in value.items() if not isinstance(v, msgspec.Raw)
            }
        return value

    return [
        strip(row) for row in msgspec.to_builtins(rows, builtin_types=(msgspec.Raw,))
    ]


@pytest.mark.parametrize("name", ["impressions", "clicks"])
def test_fast_decoding_gives_what_the_conformer_gives(name):
    """The msgspec path and the Python path agree on every answer."""
    stream = TapEverflow(config=CONFIG).streams[name]
    general = stream.decode_general

    @FUZZ
    @given(
        rows=st.lists(lax_row_for(stream.row_schema), max_size=3),
        bare=st.booleans(),
        flag=st.sampled_from([..., True, False, "true", 1, 0, None, "x"]),
    )
    def check(rows, bare, flag):
        payload = (
            {name: rows} if flag is ... else {name: rows, "incomplete_results": flag}
        )
        body = msgspec.json.encode(rows if bare else payload)
        outcomes = []
        for decode in (stream.decode_answer, general):
            try:
                answer = decode(body)
                outcomes.append((plain(answer.rows), answer.incomplete))
            except EverflowResponseError as exc:
                outcomes.append(str(exc))
        assert outcomes[0] == outcomes[1]

    check()


def test_answers_that_keep_the_schema_take_the_fast_path(monkeypatch):
    stream = TapEverflow(config=CONFIG).streams["impressions"]
    rows = [{"transaction_id": "a", "unix_timestamp": 5, "relationship": {}}]
    body = msgspec.json.encode({"impressions": rows, "incomplete_results": True})

    def general(_self, _content):
        raise AssertionError("took the general path")

    monkeypatch.setattr(type(stream), "decode_general", general)
    answer = stream.decode_answer(body)
    assert answer.incomplete
    (row,) = answer.rows
    record = msgspec.to_builtins(row)
    assert record["transaction_id"] == "a"
    assert record["relationship"]["offer"] == {"network_offer_id": 0, "name": ""}
    assert set(record) == set(stream.row_schema["properties"])


def test_an_unreadable_time_or_key_is_the_only_surprise_that_stops():
    conform = conformer_for("clicks")
    row = {"transaction_id": "a" * 32, "unix_timestamp": 5}
    assert conform({**row, "payout": "lots"})["payout"] == 0
    for bad in (
        {"unix_timestamp": "soon"},
        {"unix_timestamp": None},
        {"transaction_id": []},
    ):
        with pytest.raises(EverflowResponseError, match="cannot read"):
            conform({**row, **bad})
    with pytest.raises(EverflowResponseError, match="unix_timestamp=absent"):
        conform({"transaction_id": "a"})


def test_an_undeclared_field_costs_one_slow_answer_and_stays_out_of_records(
    monkeypatch, caplog
):
    stream = TapEverflow(config=CONFIG).streams["impressions"]
    row = {
        "transaction_id": "a",
        "unix_timestamp": 5,
        "y": [1, 2],
        "relationship": {"offer": {"network_offer_id": 3, "x": {"deep": 1}}},
    }
    body = msgspec.json.encode({"impressions": [row]})
    learned = stream.decode_answer(body)  # the general path: it reports them
    reported = [r.getMessage() for r in caplog.records if "does not declare" in r.msg]
    assert len(reported) == 2

    def general(_self, _content):
        raise AssertionError("took the general path")

    with monkeypatch.context() as patched:
        patched.setattr(type(stream), "decode_general", general)
        fast = stream.decode_answer(body)
    for answer in (learned, fast):
        (record,) = stream._records(answer.rows, as_lines=False)
        assert "y" not in record
        assert record["relationship"]["offer"] == {"network_offer_id": 3, "name": ""}
        assert msgspec.json.decode(msgspec.json.encode(record)) == record
    # Another new field is reported in turn (the general path again).
    stream.decode_answer(msgspec.json.encode({"impressions": [{**row, "z": 1}]}))
    assert any("does not declare: z (" in r.getMessage() for r in caplog.records)
    assert sum("does not declare" in r.msg for r in caplog.records) == 3
