"""The Everflow tap: settings, streams, and how a failed sync ends."""

from __future__ import annotations

import signal
import sys
import traceback
import typing as t

from singer_sdk import Stream, Tap
from typing_extensions import override

from tap_everflow.errors import REPORTED
from tap_everflow.runtime.logs import sdk_detail_at_debug
from tap_everflow.runtime.memory import return_large_blocks
from tap_everflow.runtime.record_lines import LineWriter
from tap_everflow.runtime.redact import MASK, redact_logs
from tap_everflow.runtime.settings import CONFIG_SCHEMA, problems, unknown_settings
from tap_everflow.runtime.throttle import RequestThrottle
from tap_everflow.streams import STREAM_TYPES
from tap_everflow.streams.entities import IncrementalEntityStream

if t.TYPE_CHECKING:
    from types import FrameType


# The streams entity_full_refresh may name: those read by time_saved.
INCREMENTAL_LISTS = tuple(
    stream.name
    for stream in STREAM_TYPES
    if issubclass(stream, IncrementalEntityStream)
)


class TapEverflow(Tap):
    """Singer tap for Everflow's network API."""

    name = "tap-everflow"
    package_name = "tap-everflow"
    config_jsonschema = CONFIG_SCHEMA
    message_writer_class = LineWriter

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Check every setting before anything runs, and hide the key in logs."""
        # Before the SDK's first line: it is one of the details left to DEBUG.
        self.logger.addFilter(sdk_detail_at_debug)
        super().__init__(*args, **kwargs)
        redact_logs(self.config.get("api_key") if self._secret_is_text else None)
        # The SDK sets its metrics logger to the tap's log level: METRIC lines,
        # several per stream and request, would bury the lines a person reads.
        self.metrics_logger.setLevel(self.config["metrics_log_level"])
        self.throttle = RequestThrottle(
            rate=float(self.config["max_requests_per_second"]),
            window=float(self.config["rate_limit_wait_seconds"]),
        )

    @override  # a private SDK method: see sdk_private.py
    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        """Fill defaults from the schema; on a mistake, one ERROR line each, exit 1.

        A setting the schema (with the SDK's built-in settings) does not
        declare gets one WARNING line, and the sync goes on without it.
        Replaces the SDK's check, whose messages quote offending values (which
        could print the key) and which logs each failure three times.
        """
        self.append_builtin_config(self.config_jsonschema)
        if raise_errors:
            for line in unknown_settings(self._config, self.config_jsonschema):
                self.logger.warning("%s", line)
        # A setting given as null is one left out: it gets its default.
        for name in [name for name, value in self._config.items() if value is None]:
            del self._config[name]
        found = problems(self._config, self.config_jsonschema)
        found += _full_refresh_problems(self._config)
        if raise_errors and found:
            for line in found:
                self.logger.error("%s", line)
            sys.exit(1)
        return found

    @property
    def _secret_is_text(self) -> bool:
        return isinstance(self.config.get("api_key"), str)

    @override
    def discover_streams(self) -> list[Stream]:
        """One instance of each stream."""
        return [stream_type(self) for stream_type in STREAM_TYPES]

    # The SDK marks sync_all final; why the tap wraps it: see sdk_private.py.
    @override  # type: ignore[misc]
    def sync_all(self) -> None:
        """Sync, ending a failure with one line and exit code 1, never a traceback.

        What was emitted before the failure stays valid, and the last STATE
        message says so: STATE messages only ever cover rows already written
        (to stdout, or with ``batch_config`` to batch files).
        Records still held in the writer (see :mod:`tap_everflow.runtime.record_lines`)
        are written either way. With ``batch_config``, one line says if
        streams go as RECORD messages still (entity lists marking deletions).
        """
        return_large_blocks()
        self._log_selection()
        try:
            super().sync_all()
        except REPORTED as exc:
            self._fail(exc)
        finally:
            if isinstance(self.message_writer, LineWriter):
                self.message_writer.flush()  # records held, even if the sync failed

    def _log_selection(self) -> None:
        """One line for the streams not selected; one if some skip batch_config."""
        skipped = [
            stream.name
            for stream in self.streams.values()
            if not stream.selected and not stream.has_selected_descendents
        ]
        if skipped:  # instead of the SDK's line per stream (see runtime/logs.py)
            self.logger.info(
                "Skipping %d streams not selected: %s.",
                len(skipped),
                ", ".join(skipped),
            )
        if self.config.get("batch_config") and any(
            stream.selected and stream.get_batch_config(self.config) is None
            for stream in self.streams.values()
        ):
            self.logger.info(
                "batch_config: entity lists go as RECORD messages, so that a target "
                "flags deleted entities (emit_activate_version_messages false "
                "batches them too)."
            )

    def _fail(self, exc: BaseException) -> t.NoReturn:
        """End the sync that raised ``exc``: a last STATE, one ERROR line, exit 1."""
        # Bookmarks only ever cover records already written (held ones are
        # written first): saving them spares the next run re-reading those.
        # Not with batch_config: bookmarks then also cover the records
        # gathered for a batch file not yet written, and the STATE after
        # the last BATCH message is already the one to resume from.
        if not self.config.get("batch_config"):
            self.state_writer.write_state(self.state)
        message = str(exc)
        stream = _failed_stream(exc)
        if stream and not message.startswith(f"{stream}: "):
            message = f"{stream}: {message}"
        if self._secret_is_text:
            message = message.replace(self.config["api_key"], MASK)
        # The only ERROR line: streams log the SDK's own at DEBUG.
        self.logger.error("%s", message)
        sys.exit(1)

    @override
    def _handle_termination(self, signum: int, frame: FrameType | None) -> None:
        """Stop on SIGTERM or SIGINT: a last STATE if it is true, and a failure's code.

        The SDK's handlers exit 0, which an orchestrator counts as a finished
        sync; this one exits 128 plus the signal's number (130 for SIGINT, 143
        for SIGTERM), as a shell reports a process the signal ended.
        The SDK's Tap handler writes the tap's state. With ``batch_config`` that
        state covers the records gathered for a batch file not yet written, and
        a resume from it would skip them; the STATE after the last BATCH
        message is already the one to resume from.
        """
        if not self.config.get("batch_config"):
            self.state_writer.write_state(self.state)
        self.logger.warning(
            "Stopped by %s before the sync finished; the next run resumes from "
            "the last STATE message.",
            signal.Signals(signum).name,
        )
        sys.exit(128 + signum)


def _failed_stream(exc: BaseException) -> str | None:
    """The name of the stream whose sync raised ``exc``, if a stream's did."""
    for frame, _ in traceback.walk_tb(exc.__traceback__):
        if frame.f_code is Stream.sync.__code__:
            return str(frame.f_locals["self"].name)
    return None


def _full_refresh_problems(config: t.Mapping[str, t.Any]) -> list[str]:
    """A line for names in entity_full_refresh that are no incremental list."""
    names = config.get("entity_full_refresh")
    if not isinstance(names, list):  # the schema's check reports it
        return []
    unknown = sorted({n for n in names if isinstance(n, str)} - set(INCREMENTAL_LISTS))
    if not unknown:
        return []
    return [
        f"entity_full_refresh names {', '.join(unknown)}: only streams read "
        f"incrementally can be read whole instead ({', '.join(INCREMENTAL_LISTS)})."
    ]


if __name__ == "__main__":
    TapEverflow.cli()
