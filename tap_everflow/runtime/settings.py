"""The tap's settings: their schema, and the checks JSON Schema cannot express."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import typing as t
from urllib.parse import urlparse

import pendulum
from singer_sdk import typing as th
from singer_sdk.plugin_base import JSONSchemaValidator

DEFAULT_API_URL = "https://api.eflow.team/v1"

# The contract's allowed resource types for raw-report filters and exclusions.
RESOURCE_TYPES = (
    "offer",
    "affiliate",
    "advertiser",
    "creative",
    "offer_group",
    "country",
    "region",
    "city",
    "device_platform",
    "device_type",
    "browser",
    "campaign",
    "source_id",
    "channel",
)


def _query_items(name: str, what: str, combined: str) -> th.Property:
    return th.Property(
        name,
        th.ArrayType(
            th.ObjectType(
                th.Property(
                    "resource_type",
                    th.StringType,
                    required=True,
                    allowed_values=list(RESOURCE_TYPES),
                    description="What the value identifies, e.g. offer or affiliate.",
                ),
                th.Property(
                    "filter_id_value",
                    th.CustomType({"type": ["string", "integer"]}),
                    required=True,
                    description="The id or value, e.g. an offer id such as 883.",
                ),
                additional_properties=False,
            )
        ),
        default=[],
        description=(
            f"{what} passed to Everflow's raw reports as "
            f"`{{resource_type, filter_id_value}}` items. {combined}"
        ),
    )


API_KEY_CHARACTERS = re.compile("[!-~]+")  # printable ASCII, no spaces
API_KEY_MISSING = "api_key is missing: set TAP_EVERFLOW_API_KEY or api_key."
API_KEY_PROBLEM = (
    "api_key must be your Everflow API key, without spaces or line breaks: set "
    "TAP_EVERFLOW_API_KEY or api_key."
)
# Hosts an http:// api_url may name: the key must not cross a network in clear.
LOOPBACK_HOSTS = re.compile(r"localhost|127(\.\d{1,3}){3}|::1")

CONFIG_SCHEMA = th.PropertiesList(
    th.Property(
        "api_key",
        th.StringType(min_length=1),
        required=True,
        secret=True,
        description="Everflow network API key (sent as the X-Eflow-API-Key header).",
    ),
    th.Property(
        "api_url",
        th.StringType,
        default=DEFAULT_API_URL,
        description=(
            "Base URL of the Everflow API, including /v1. EU-hosted accounts use "
            "https://api-eu.eflow.team/v1."
        ),
    ),
    th.Property(
        "start_date",
        th.DateTimeType,
        description=(
            "Earliest time to extract (ISO 8601, UTC unless an offset is given). "
            "Defaults to, and is clamped to, the raw-data retention window."
        ),
    ),
    th.Property(
        "end_date",
        th.DateTimeType,
        description=(
            "Latest time to extract (ISO 8601, inclusive; a bare date includes "
            "that whole day). Defaults to now minus lag_minutes; a later value is "
            "clamped to that."
        ),
    ),
    th.Property(
        "lag_minutes",
        th.IntegerType(minimum=0),
        default=15,
        description=(
            "Leave the most recent minutes for the next run: Everflow may still be "
            "recording rows for them."
        ),
    ),
    th.Property(
        "retention_days",
        th.IntegerType(minimum=1),
        default=90,
        description=(
            "How many days back Everflow keeps raw rows (about 90). Earlier "
            "start dates are clamped to this, with a warning."
        ),
    ),
    _query_items("filters", "Filters", "Same resource type: OR; different types: AND."),
    _query_items(
        "exclusions",
        "Exclusions",
        "Matching rows are left out. Everflow does not say how different types "
        "combine: keep to one.",
    ),
    th.Property(
        "request_timeout",
        th.IntegerType(minimum=1),
        default=300,
        description="Seconds to wait for one API response before retrying.",
    ),
    th.Property(
        "max_retries",
        th.IntegerType(minimum=0),
        default=8,
        description=(
            "Retries of a failed request (5xx, resets, timeouts, broken bodies) "
            "before the sync stops; a 429 is waited out instead (see "
            "rate_limit_wait_seconds)."
        ),
    ),
    th.Property(
        "retry_wait_seconds",
        th.IntegerType(minimum=0),
        default=2,
        description=(
            "Longest wait before the first retry (full jitter: a random wait up "
            "to it); it doubles on each further retry, up to 60 s."
        ),
    ),
    th.Property(
        "max_concurrent_requests",
        th.IntegerType(minimum=1, maximum=10),
        default=8,
        description=(
            "Report requests in flight at once (Everflow allows 10 per account; "
            "1 fetches windows one after another). Records are emitted in order "
            "whatever this is."
        ),
    ),
    th.Property(
        "plan_from_report_counts",
        th.BooleanType,
        default=True,
        description=(
            "When a raw stream's first request overflows, ask Everflow's "
            "aggregated report (one or two requests) how many rows each "
            "15-minute bucket holds, and plan requests to hold just under "
            "10,000 rows each. Off, or when the key cannot read that report: "
            "windows are sized by time from what earlier answers showed."
        ),
    ),
    th.Property(
        "max_requests_per_second",
        # The SDK annotates minimum as an int; JSON Schema takes any number.
        th.NumberType(minimum=0.1),  # type: ignore[arg-type]
        default=10,
        description=(
            "Most requests this tap starts per second. Everflow's limit (about 20 "
            "to 30 for network keys) is shared by every key of the account."
        ),
    ),
    th.Property(
        "rate_limit_wait_seconds",
        th.IntegerType(minimum=0),
        default=30,
        description=(
            "After a 429 (rate limited), pause every request this long (Everflow's "
            "rate window is 30 s) and try again, up to 10 times per request, "
            "without using up max_retries."
        ),
    ),
    th.Property(
        "conversions_lookback_days",
        th.IntegerType(minimum=0, maximum=365),
        default=14,
        description=(
            "Days of conversions re-read before the bookmark on every run: a "
            "conversion's status and payout can change after the fact, and the "
            "target's upsert replaces the old row."
        ),
    ),
    th.Property(
        "daily_report_columns",
        th.ArrayType(th.StringType(pattern="^[a-z][a-z0-9_]*$")),
        default=["offer", "affiliate"],
        description=(
            "Columns of the daily_report stream besides the day, e.g. offer, "
            "affiliate, advertiser, country; each gives <column>_id and "
            "<column>_label fields."
        ),
    ),
    th.Property(
        "daily_report_timezone_id",
        th.IntegerType,
        allowed_values=[67, 80, 90],
        default=67,
        description=(
            "Everflow time zone whose days daily_report counts: 67 UTC, 80 "
            "America/New_York, 90 America/Los_Angeles."
        ),
    ),
    th.Property(
        "daily_report_currency_id",
        th.StringType(pattern="^[A-Z]{3}$"),
        default="USD",
        description="ISO 4217 currency daily_report's money is reported in.",
    ),
    th.Property(
        "reporting_adjustments_lookback_days",
        th.IntegerType(minimum=0, maximum=365),
        default=60,
        description=(
            "Days of reporting_adjustments re-read before the last complete day "
            "on every run: adjustments correct past days, and are edited or "
            "deleted later."
        ),
    ),
    th.Property(
        "entity_full_refresh",
        th.ArrayType(th.StringType),
        default=["offers"],
        description=(
            "Incremental entity streams read whole on every run instead of only "
            "the entities saved since the last run (and then also mark "
            "deletions). Offers by default: Everflow does not update an offer's "
            "time_saved when only its relationships (payout/revenue entries, "
            "labels, ...) change."
        ),
    ),
    th.Property(
        "emit_activate_version_messages",
        th.BooleanType,
        default=True,
        description=(
            "End every read of a whole entity list with an ACTIVATE_VERSION "
            "message, so that a target that handles it (target-postgres) drops "
            "or flags the entities no longer listed."
        ),
    ),
    th.Property(
        "daily_report_lookback_days",
        th.IntegerType(minimum=0, maximum=365),
        default=7,
        description=(
            "Days of daily_report re-read before the bookmark on every run: a "
            "day's numbers change as conversions arrive or are scrubbed."
        ),
    ),
).to_dict()


def parse_time(value: str | dt.datetime, *, end_of_day: bool = False) -> dt.datetime:
    """Parse an ISO 8601 date or date-time; naive values are UTC.

    A bare date is the first second of that day, or with ``end_of_day`` its
    last: an ``end_date`` of 2026-11-20 includes the whole of that day.
    """
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        found = pendulum.parse(value, tz="UTC", strict=False, exact=True)
        if isinstance(found, dt.datetime):
            parsed = found
        elif isinstance(found, dt.date):
            time_of_day = dt.time(23, 59, 59) if end_of_day else dt.time()
            parsed = dt.datetime.combine(found, time_of_day, tzinfo=dt.timezone.utc)
        else:  # a duration or a time of day
            msg = f"{value!r} is not a date or date-time"
            raise ValueError(msg)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.astimezone(dt.timezone.utc)


def problems(config: t.Mapping[str, t.Any], schema: dict) -> list[str]:
    """Every mistake in ``config``, one line each; empty when it is usable.

    Settings left out get their schema default, in place (the SDK's validator
    does that as it checks). Messages never quote the API key.
    """
    # The schema's check first: it fills in the defaults the others read.
    found = _schema_problems(config, schema)
    return found + _value_problems(config) + _batch_problems(config)


def unknown_settings(config: t.Mapping[str, t.Any], schema: dict) -> list[str]:
    """A line for each setting in ``config`` that ``schema`` does not declare.

    Each names the declared setting nearest to it: most are mistyped.
    """
    known = list(schema["properties"])
    lines = []
    for name in sorted(set(config) - set(known)):
        nearest = difflib.get_close_matches(name, known, n=1)
        hint = (
            f"did you mean {nearest[0]}?"
            if nearest
            else "tap-everflow --about lists the settings."
        )
        lines.append(f"{name} is not a setting of tap-everflow; {hint}")
    return lines


def _schema_problems(config: t.Mapping[str, t.Any], schema: dict) -> list[str]:
    found = []
    for error in JSONSchemaValidator(schema).iter_errors(config):
        where = ".".join(str(p) for p in error.absolute_path)
        missing = error.message.split()[0].strip("'")
        if error.validator == "required" and missing == "api_key":
            found.append(API_KEY_MISSING)
        elif where.startswith("api_key"):
            empty = config["api_key"] == ""
            found.append(API_KEY_MISSING if empty else API_KEY_PROBLEM)
        elif error.validator == "required":
            found.append(f"{where or 'config'}: {missing} is required.")
        elif error.validator == "enum" and where.endswith("resource_type"):
            found.append(
                f"{where}: {error.instance!r} is not a resource type Everflow "
                f"accepts; use one of: {', '.join(RESOURCE_TYPES)}."
            )
        else:
            found.append(f"{where or 'config'}: {error.message}.")
    return found


def _value_problems(config: t.Mapping[str, t.Any]) -> list[str]:
    found = []
    key = config.get("api_key")
    # A key pasted with a line break would fail inside the HTTP library, which
    # quotes it escaped: a form the log mask does not recognise.
    if isinstance(key, str) and key and not API_KEY_CHARACTERS.fullmatch(key):
        found.append(API_KEY_PROBLEM)
    found += _api_url_problems(config.get("api_url", DEFAULT_API_URL))
    dates = {}
    for name in ("start_date", "end_date"):
        if isinstance(config.get(name), str):
            try:
                dates[name] = parse_time(config[name], end_of_day=name == "end_date")
            except (ValueError, TypeError):
                found.append(
                    f"{name}: {config[name]!r} is not an ISO 8601 date or date-time "
                    "(e.g. 2026-11-01 or 2026-11-01T00:00:00Z)."
                )
    if len(dates) == 2 and dates["end_date"] < dates["start_date"]:
        found.append(
            f"end_date {config['end_date']} is before start_date "
            f"{config['start_date']}: swap them or remove end_date."
        )
    columns = config.get("daily_report_columns")
    if isinstance(columns, list):
        if not columns:
            found.append(
                'daily_report_columns must name at least one column, e.g. ["offer"]: '
                "Everflow's aggregated report needs one."
            )
        names = [c for c in columns if isinstance(c, str)]  # others: schema errors
        if repeated := sorted({c for c in names if names.count(c) > 1}):
            found.append(
                f"daily_report_columns names {', '.join(repeated)} more "
                "than once: name each column once."
            )
    for name in ("filters", "exclusions"):
        items = config.get(name)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if (
                isinstance(item, dict)
                and str(item.get("filter_id_value")).strip() == ""
            ):
                found.append(f"{name}.{index}.filter_id_value must not be empty.")
    return found


def _api_url_problems(api_url: object) -> list[str]:
    url = urlparse(str(api_url))
    if url.scheme not in {"http", "https"} or not url.netloc:
        return [
            f"api_url must be an http(s) URL such as {DEFAULT_API_URL}, "
            f"not {api_url!r}."
        ]
    if url.scheme == "http" and not LOOPBACK_HOSTS.fullmatch(url.hostname or ""):
        return [
            f"api_url {api_url} uses http:// to another machine, so the API key "
            "would travel in clear: use https://."
        ]
    return []


def _batch_problems(config: t.Mapping[str, t.Any]) -> list[str]:
    """Lines for a ``batch_config`` whose BATCH messages would mislead a target."""
    batch = config.get("batch_config")
    if not batch or not isinstance(batch, dict):  # off, or the schema's check
        return []
    encoding = batch.get("encoding") or {}
    storage = batch.get("storage") or {}
    if not isinstance(encoding, dict) or not isinstance(storage, dict):
        return []  # the schema's check
    found = []
    if not encoding or not storage.get("root"):
        found.append(
            "batch_config needs encoding and storage.root, e.g. "
            '{"encoding": {"format": "jsonl", "compression": "gzip"}, '
            '"storage": {"root": "file:///tmp/everflow-batches"}}.'
        )
    if encoding.get("format") == "parquet":
        found.append(
            "batch_config.encoding.format parquet is not supported (it needs "
            "pyarrow, and its files are not checked against RECORD messages): "
            "use jsonl."
        )
    maps = config.get("stream_maps") or {}
    for alias, stream_map in maps.items() if isinstance(maps, dict) else ():
        if isinstance(stream_map, dict) and "__source__" in stream_map:
            found.append(
                f"stream_maps.{alias} copies {stream_map['__source__']} "
                "(__source__), which batch_config cannot do: each copy's BATCH "
                "message would name the original's files. Remove the copy or "
                "batch_config."
            )
    return found
