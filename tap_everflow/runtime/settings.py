"""The tap's settings: their schema, and the checks JSON Schema cannot express."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import typing as t
from urllib.parse import urlparse

import pendulum
from singer_sdk import typing as th
from singer_sdk.helpers.capabilities import (
    BATCH_CONFIG,
    FLATTENING_CONFIG,
    STREAM_MAPS_CONFIG,
)
from singer_sdk.plugin_base import JSONSchemaValidator

from tap_everflow.planning.limits import TIMEZONES, UTC_TIMEZONE_ID

if t.TYPE_CHECKING:
    # No stubs in the dev tools: the type names what is passed.
    from jsonschema import ValidationError  # type: ignore[import-untyped]

DEFAULT_API_URL = "https://api.eflow.team/v1"

# Resource types raw-report filters and exclusions take
# (docs/api.md#filters-and-exclusions).
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


def _query_items(name: str, title: str, what: str) -> th.Property:
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
                    # A string has a character besides white space.
                    th.CustomType({"type": ["string", "integer"], "pattern": r"\S"}),
                    required=True,
                    description="The id or value, e.g. an offer id such as 883.",
                ),
                additional_properties=False,
            )
        ),
        default=[],
        title=title,
        description=what,
    )


# The SDK's own settings, as its capabilities declare them.
SDK_SETTINGS = {
    **STREAM_MAPS_CONFIG["properties"],
    **FLATTENING_CONFIG["properties"],
    **BATCH_CONFIG["properties"],
}


def _sdk_setting(name: str, title: str, description: str) -> dict[str, t.Any]:
    """One of the SDK's own settings: its schema, with a title and text of ours.

    In the tap's schema, it keeps the SDK from adding its own text (e.g.
    "Configuration for BATCH message capabilities."): ``--about``, meltano.yml
    and the README say what the setting does for this tap.
    """
    return {**SDK_SETTINGS[name], "title": title, "description": description}


# Printable ASCII, no spaces. A key pasted with a line break would fail inside
# the HTTP library, which quotes it escaped: a form the log mask does not
# recognise. (?!\n): in Python, $ also matches before a last line break.
API_KEY_PATTERN = r"^[!-~]*$(?!\n)"
API_KEY_MISSING = "api_key is missing: set TAP_EVERFLOW_API_KEY or api_key."
API_KEY_PROBLEM = (
    "api_key must be your Everflow API key, without spaces or line breaks: set "
    "TAP_EVERFLOW_API_KEY or api_key."
)
# Hosts an http:// api_url may name: the key must not cross a network in clear.
LOOPBACK_HOSTS = re.compile(r"localhost|127(\.\d{1,3}){3}|::1")

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# Every setting's text, in the order users read them. It is the one source of
# meltano.yml's settings, the README's table and docs/meltano-hub.yml:
# `python -m scripts.settings_docs --write` regenerates them after a change.
CONFIG_SCHEMA = th.PropertiesList(
    th.Property(
        "api_key",
        th.StringType(min_length=1, pattern=API_KEY_PATTERN),
        required=True,
        secret=True,
        title="API key",
        description=(
            "Everflow network API key, sent as the X-Eflow-API-Key header "
            "(printable characters, no spaces or line breaks). Keep it out of "
            "files: set TAP_EVERFLOW_API_KEY."
        ),
    ),
    th.Property(
        "api_url",
        th.StringType,
        default=DEFAULT_API_URL,
        title="API URL",
        description=(
            "Base URL of Everflow's API, including /v1. EU-hosted accounts use "
            "https://api-eu.eflow.team/v1. http:// is refused for another "
            "machine, since the key would travel in clear."
        ),
    ),
    th.Property(
        "start_date",
        th.DateTimeType,
        title="Start date",
        description=(
            "Earliest time the time-based streams extract: ISO 8601, UTC unless "
            "an offset is given; a bare date starts at its 00:00:00. Default: as "
            "far back as Everflow keeps rows (retention_days for raw streams, "
            "365 days for conversions), 365 days for daily_report and "
            "reporting_adjustments. Raw streams and conversions never start "
            "earlier, and say in a WARNING what was skipped. A run with saved "
            "state continues from it. Entity lists do not use it: a first run "
            "reads them whole."
        ),
    ),
    th.Property(
        "end_date",
        th.DateTimeType,
        title="End date",
        description=(
            "Latest time the time-based streams extract, inclusive: ISO 8601; a "
            "bare date includes that whole day, to 23:59:59. Honoured up to now; "
            "an end within lag_minutes of now gets a WARNING that rows Everflow "
            "is still recording may arrive after the run. Default: now less "
            "lag_minutes for raw streams and conversions, today for daily_report "
            "and reporting_adjustments."
        ),
    ),
    th.Property(
        "lag_minutes",
        th.IntegerType(minimum=0),
        default=15,
        title="Lag (minutes)",
        description=(
            "Without end_date, impressions, clicks, invalid_clicks and "
            "conversions stop this many minutes before now: Everflow may still "
            "be recording rows for them, and the next run reads them."
        ),
    ),
    th.Property(
        "retention_days",
        th.IntegerType(minimum=1),
        default=90,
        title="Raw retention (days)",
        description=(
            "How many days back Everflow keeps raw rows (impressions, clicks, "
            "invalid_clicks). An earlier start_date is moved up to it, with a "
            "WARNING."
        ),
    ),
    _query_items(
        "filters",
        "Filters",
        "Impressions and clicks: only rows matching these {resource_type, "
        'filter_id_value} items, e.g. {"resource_type": "offer", '
        '"filter_id_value": 883}. Items of one type: any of them; of different '
        f"types: all. Types: {', '.join(RESOURCE_TYPES)}.",
    ),
    _query_items(
        "exclusions",
        "Exclusions",
        "Impressions and clicks: leave out rows matching any of these items "
        "(the shape of filters). Everflow does not say how exclusions of "
        "different types combine: keep to one type.",
    ),
    th.Property(
        "conversions_lookback_days",
        th.IntegerType(minimum=0, maximum=365),
        default=14,
        title="Conversions lookback (days)",
        description=(
            "Days of conversions re-read before where the previous run ended, "
            "on every run: a conversion's status and payout change after the "
            "fact, and the target's upsert replaces the old row."
        ),
    ),
    th.Property(
        "daily_report_columns",
        th.ArrayType(th.StringType(pattern="^[a-z][a-z0-9_]*$")),
        minItems=1,
        uniqueItems=True,
        default=["offer", "affiliate"],
        title="Daily report columns",
        description=(
            "Columns of daily_report besides the day, e.g. offer, affiliate, "
            "advertiser, country: at least one, each once. Each gives "
            "<column>_id and <column>_label fields."
        ),
    ),
    th.Property(
        "daily_report_timezone_id",
        th.IntegerType,
        allowed_values=list(TIMEZONES),
        default=UTC_TIMEZONE_ID,
        title="Daily report time zone",
        description=(
            "Everflow time zone whose days daily_report counts: 67 UTC, 80 "
            "America/New_York, 90 America/Los_Angeles."
        ),
    ),
    th.Property(
        "daily_report_currency_id",
        th.StringType(pattern="^[A-Z]{3}$"),
        default="USD",
        title="Daily report currency",
        description="ISO 4217 currency of daily_report's money.",
    ),
    th.Property(
        "daily_report_lookback_days",
        th.IntegerType(minimum=0, maximum=365),
        default=7,
        title="Daily report lookback (days)",
        description=(
            "Days of daily_report re-read before the last day the previous run "
            "read (that day too), on every run: a day's numbers change as "
            "conversions arrive or are scrubbed."
        ),
    ),
    th.Property(
        "reporting_adjustments_lookback_days",
        th.IntegerType(minimum=0, maximum=365),
        default=60,
        title="Reporting adjustments lookback (days)",
        description=(
            "Days of reporting_adjustments re-read before the last day the "
            "previous run read (that day too), on every run: adjustments correct "
            "past days, and are edited or deleted later."
        ),
    ),
    th.Property(
        "entity_full_refresh",
        th.ArrayType(th.StringType),
        default=["offers"],
        title="Entity lists read whole",
        description=(
            "Incremental entity lists to read whole on every run instead of only "
            "what was saved since the last run; a whole read also marks "
            "deletions. Offers by default: Everflow does not change an offer's "
            "time_saved when only its relationships (payout/revenue entries, "
            "labels, ...) change. Only incremental lists may be named."
        ),
    ),
    th.Property(
        "emit_activate_version_messages",
        th.BooleanType,
        default=True,
        title="Mark deletions (ACTIVATE_VERSION)",
        description=(
            "End every read of a whole entity list with ACTIVATE_VERSION, so "
            "that a target that supports it (target-postgres with "
            "activate_version) removes or flags the entities no longer listed. "
            "With batch_config, these lists go as RECORD messages."
        ),
    ),
    th.Property(
        "max_concurrent_requests",
        th.IntegerType(minimum=1, maximum=10),
        default=8,
        title="Max concurrent requests",
        description=(
            "Requests in flight at once for impressions, clicks, invalid_clicks "
            "and daily_report; 1 is one after another. Records come out in the "
            "same order either way. Everflow allows 10 at once per account: "
            "runs in parallel share them."
        ),
    ),
    th.Property(
        "plan_from_report_counts",
        th.BooleanType,
        default=True,
        title="Plan from report counts",
        description=(
            "Impressions and clicks: when a stretch's first request overflows, "
            "count its rows per 15-minute bucket with Everflow's aggregated "
            "report (one or two requests) and plan requests just under the "
            "10,000-row cap. Off, or when the key cannot read that report: "
            "windows are sized by time from what earlier answers showed."
        ),
    ),
    th.Property(
        "max_requests_per_second",
        # The SDK annotates minimum as an int; JSON Schema takes any number.
        th.NumberType(minimum=0.1),  # type: ignore[arg-type]
        default=10,
        title="Max requests per second",
        description=(
            "Most requests the tap starts per second. Everflow's limit (about 20 "
            "to 30 a second) is shared by every key and run of the account."
        ),
    ),
    th.Property(
        "rate_limit_wait_seconds",
        th.IntegerType(minimum=0),
        default=30,
        title="Rate-limit pause (seconds)",
        description=(
            "After a 429 or X-RateLimit-Remaining: 0, every request pauses this "
            "long (Everflow's rate window is 30 s), then tries again without "
            "using up max_retries. A request answered 429 ten times in a row "
            "stops the sync."
        ),
    ),
    th.Property(
        "metrics_log_level",
        th.StringType,
        default="WARNING",
        allowed_values=list(LOG_LEVELS),
        title="Metrics log level",
        description=(
            "Level of the Singer SDK's metrics logger, whose METRIC lines "
            "(several per stream and per request) are logged at INFO: INFO or "
            "DEBUG logs them, WARNING leaves them out. See docs/logging.md."
        ),
    ),
    th.Property(
        "request_timeout",
        th.IntegerType(minimum=1),
        default=300,
        title="Request timeout (seconds)",
        description="Seconds to wait for one response before retrying.",
    ),
    th.Property(
        "max_retries",
        th.IntegerType(minimum=0),
        default=8,
        title="Max retries",
        description=(
            "Retries of a failed request (5xx, connection resets, timeouts, "
            "truncated, non-JSON or wrong-shape bodies) before the sync stops. "
            "With the defaults the waits add up to at most about 4 minutes, plus "
            "request_timeout per try of a server that hangs. A 429 is no retry: "
            "see rate_limit_wait_seconds."
        ),
    ),
    th.Property(
        "retry_wait_seconds",
        th.IntegerType(minimum=0),
        default=2,
        title="First retry wait (seconds)",
        description=(
            "Longest wait before the first retry (full jitter: a random wait up "
            "to it); it doubles on each further retry, up to 60 s."
        ),
    ),
).to_dict()
CONFIG_SCHEMA["properties"] |= {
    "batch_config": _sdk_setting(
        "batch_config",
        "BATCH messages",
        "Send BATCH messages naming JSON Lines files instead of RECORD "
        'messages: {"encoding": {"format": "jsonl", "compression": "gzip"}, '
        '"storage": {"root": "file:///path/to/dir"}}; optional batch_size '
        "(records a file, default 10,000). gzip is written at its fastest "
        'level (about a seventh of the JSON), "none" writes plain files. An '
        "s3:// root needs the s3 extra. The target does not delete the files "
        "it loaded. Entity lists that mark deletions "
        "(emit_activate_version_messages) go as RECORD messages still.",
    ),
    "stream_maps": _sdk_setting(
        "stream_maps",
        "Stream maps",
        "The SDK's stream maps: rename, filter, hash or drop fields and streams "
        "(https://sdk.meltano.com/en/latest/stream_maps.html).",
    ),
    "stream_map_config": _sdk_setting(
        "stream_map_config",
        "Stream map config",
        "Values that stream map expressions can read (as config).",
    ),
    "faker_config": _sdk_setting(
        "faker_config",
        "Faker config",
        "Seed and locale of the Faker instance (fake) that stream map "
        "expressions can use, once the faker package is installed beside the "
        "tap.",
    ),
    "flattening_enabled": _sdk_setting(
        "flattening_enabled",
        "Flatten nested objects",
        "Flatten nested objects into columns, e.g. relationship.offer."
        "network_offer_id into relationship__offer__network_offer_id.",
    ),
    "flattening_max_depth": _sdk_setting(
        "flattening_max_depth",
        "Flattening depth",
        "How many levels of nesting to flatten.",
    ),
    "flattening_max_key_length": _sdk_setting(
        "flattening_max_key_length",
        "Flattened name length",
        "Longest flattened column name; longer names are shortened.",
    ),
    "flattening_separator": _sdk_setting(
        "flattening_separator",
        "Flattening separator",
        "Separator between the parts of a flattened column name (default __).",
    ),
}


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
    found = [
        _schema_line(error, config)
        for error in JSONSchemaValidator(schema).iter_errors(config)
    ]
    found += _date_problems(config)
    found += _api_url_problems(config.get("api_url", DEFAULT_API_URL))
    return found + _batch_problems(config)


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


def _schema_line(error: ValidationError, config: t.Mapping[str, t.Any]) -> str:
    """One line for one of the schema's errors: the setting, and what to do."""
    where = ".".join(str(p) for p in error.absolute_path)
    missing = error.message.split()[0].strip("'")  # of a "required" error
    if where == "api_key" or (error.validator == "required" and missing == "api_key"):
        return API_KEY_MISSING if config.get("api_key", "") == "" else API_KEY_PROBLEM
    explain = EXPLAINED.get((where.rpartition(".")[2], str(error.validator)))
    if explain:
        return explain(where, error.instance)
    if error.validator == "required":
        return f"{where or 'config'}: {missing} is required."
    return f"{where or 'config'}: {error.message}."


def _not_a_resource_type(where: str, value: object) -> str:
    return (
        f"{where}: {value!r} is not a resource type Everflow accepts; use one "
        f"of: {', '.join(RESOURCE_TYPES)}."
    )


def _no_columns(_where: str, _columns: object) -> str:
    return (
        'daily_report_columns must name at least one column, e.g. ["offer"]: '
        "Everflow's aggregated report needs one."
    )


def _repeated_columns(_where: str, columns: t.Any) -> str:
    repeated = sorted({str(c) for c in columns if columns.count(c) > 1})
    return (
        f"daily_report_columns names {', '.join(repeated)} more than once: name "
        "each column once."
    )


# The schema's errors its own message says badly, by the setting's (or the
# item's) name and the keyword that failed: a line each, from where it failed
# and the value there.
EXPLAINED: dict[tuple[str, str], t.Callable[[str, t.Any], str]] = {
    ("resource_type", "enum"): _not_a_resource_type,
    ("filter_id_value", "pattern"): lambda where, _: f"{where} must not be empty.",
    ("daily_report_columns", "minItems"): _no_columns,
    ("daily_report_columns", "uniqueItems"): _repeated_columns,
}


def _date_problems(config: t.Mapping[str, t.Any]) -> list[str]:
    """Lines for a start_date or end_date that is no date, or for their order."""
    found = []
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


def _batch_parts(config: t.Mapping[str, t.Any]) -> tuple[dict, dict] | None:
    """``batch_config``'s encoding and storage: None if off or not objects.

    Not objects: the schema's check reports them.
    """
    batch = config.get("batch_config")
    if not batch or not isinstance(batch, dict):
        return None
    encoding = batch.get("encoding") or {}
    storage = batch.get("storage") or {}
    if not isinstance(encoding, dict) or not isinstance(storage, dict):
        return None
    return encoding, storage


def _batch_problems(config: t.Mapping[str, t.Any]) -> list[str]:
    """Lines for a ``batch_config`` whose BATCH messages would mislead a target."""
    if (parts := _batch_parts(config)) is None:
        return []
    encoding, storage = parts
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
    return found + _copies(maps if isinstance(maps, dict) else {})


def _copies(stream_maps: dict) -> list[str]:
    """Lines for stream maps that copy a stream, which BATCH messages cannot."""
    return [
        f"stream_maps.{alias} copies {stream_map['__source__']} (__source__), "
        "which batch_config cannot do: each copy's BATCH message would name the "
        "original's files. Remove the copy or batch_config."
        for alias, stream_map in stream_maps.items()
        if isinstance(stream_map, dict) and "__source__" in stream_map
    ]
