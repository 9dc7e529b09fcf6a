"""The Everflow tap: settings, streams, and how a failed sync ends."""

from __future__ import annotations

import sys
import typing as t

import requests
from singer_sdk import Tap
from singer_sdk.exceptions import ConfigValidationError, RetriableAPIError

from tap_everflow.errors import EverflowError
from tap_everflow.runtime.memory import return_large_blocks
from tap_everflow.runtime.record_lines import LineWriter
from tap_everflow.runtime.redact import MASK, redact_logs
from tap_everflow.runtime.settings import CONFIG_SCHEMA, problems, setting
from tap_everflow.runtime.throttle import RequestThrottle
from tap_everflow.streams import STREAM_TYPES
from tap_everflow.streams.entities import IncrementalEntityStream

if t.TYPE_CHECKING:
    from singer_sdk.streams import Stream

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

    def __init__(
        self,
        *args: t.Any,
        validate_config: bool = True,
        **kwargs: t.Any,
    ) -> None:
        """Check every setting before anything runs, and hide the key in logs.

        The SDK's own validation quotes offending values, which could print the
        key; this tap's validation reports each mistake in one line without it.
        """
        super().__init__(*args, validate_config=False, **kwargs)
        redact_logs(self.config.get("api_key") if self._secret_is_text else None)
        found = problems(self.config, self.config_jsonschema)
        found += _full_refresh_problems(self.config)
        if validate_config and found:
            raise ConfigValidationError(
                "Config validation failed", errors=found, schema=self.config_jsonschema
            )
        self.throttle = RequestThrottle(
            rate=float(setting(self.config, "max_requests_per_second")),
            window=float(setting(self.config, "rate_limit_wait_seconds")),
        )

    @property
    def _secret_is_text(self) -> bool:
        return isinstance(self.config.get("api_key"), str)

    def discover_streams(self) -> list[Stream]:
        """One instance of each stream."""
        return [stream_type(self) for stream_type in STREAM_TYPES]

    # The SDK marks sync_all final (for type checkers): this wraps it, unchanged,
    # as the one place that holds both every stream's failure and the tap's
    # state; overriding invoke instead would copy the SDK's CLI setup.
    def sync_all(self) -> None:  # type: ignore[misc]
        """Sync, ending a failure with one line and exit code 1, never a traceback.

        What was emitted before the failure stays valid, and a last STATE
        message says so: STATE messages only ever cover rows already written.
        Records still held in the writer (see :mod:`tap_everflow.runtime.record_lines`)
        are written either way.
        """
        return_large_blocks()
        try:
            super().sync_all()
        except (EverflowError, RetriableAPIError, requests.RequestException) as exc:
            # Bookmarks only ever cover records already written (held ones are
            # written first): saving them spares the next run re-reading those.
            self.state_writer.write_state(self.state)
            message = str(exc)
            if isinstance(exc, RetriableAPIError | requests.RequestException):
                message = (
                    f"Giving up after retries: {message}. Everflow is failing or "
                    "unreachable; run again later (the sync resumes from its state)."
                )
            if self._secret_is_text:
                message = message.replace(self.config["api_key"], MASK)
            self.logger.error("%s", message)
            sys.exit(1)
        finally:
            if isinstance(self.message_writer, LineWriter):
                self.message_writer.flush()  # records held, even if the sync failed


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
