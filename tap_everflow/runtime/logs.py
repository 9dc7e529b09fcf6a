"""What the tap logs for a person: the SDK's detail only at DEBUG, an end per stream.

At INFO a run shows, per stream, the SDK's "Beginning sync" line, the tap's
progress and reconciliation lines, and the end line :class:`StreamEnd` writes;
the SDK's METRIC lines follow the ``metrics_log_level`` setting.
"""

from __future__ import annotations

import logging
import typing as t
from pathlib import Path

import singer_sdk
from singer_sdk import metrics
from typing_extensions import override

from tap_everflow.planning.progress import duration

if t.TYPE_CHECKING:
    from types import TracebackType

SDK_DIRECTORY = str(Path(singer_sdk.__file__).parent)
# The SDK's INFO lines that are detail for a person, by (module, function)
# that logs them, each the only INFO line of its function:
SDK_DETAIL = frozenset(
    {
        # "Skipping parse of env var settings..." (or "Parsing env var ...").
        ("plugin_base", "__init__"),
        # "Skipping deselected stream 'x'.", once per stream: the tap says it in
        # one line (see TapEverflow.sync_all).
        ("tap_base", "sync_all"),
        # "Starting incremental sync of 'x' with bookmark value: ...", after the
        # "Beginning sync of 'x' in incremental mode" line; the progress lines of
        # a time-based stream name the range it reads.
        ("_state", "write_starting_replication_value"),
    }
)


def sdk_detail_at_debug(record: logging.LogRecord) -> bool:
    """A logger filter: the SDK's lines in :data:`SDK_DETAIL` become DEBUG lines.

    Told apart by where they are logged from, not by their text. The record
    is passed, as a DEBUG record, only where its logger logs DEBUG.
    """
    if (
        record.levelno != logging.INFO
        or (record.module, record.funcName) not in SDK_DETAIL
        or not record.pathname.startswith(SDK_DIRECTORY)
    ):
        return True
    record.levelno, record.levelname = (
        logging.DEBUG,
        logging.getLevelName(logging.DEBUG),
    )
    return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)


class RecordTally(metrics.Counter):
    """The SDK's record counter, also keeping the total it resets as it logs."""

    total = 0

    @override
    def increment(self, value: int = 1) -> None:
        """Count ``value`` more records."""
        self.total += value
        super().increment(value)


class StreamEnd(metrics.Timer):
    """The SDK's sync timer, also logging a line when a stream's sync ends well.

    A failure logs its own ERROR line instead.
    """

    def __init__(
        self, timer: metrics.Timer, tally: RecordTally, logger: logging.Logger
    ) -> None:
        """Time as ``timer`` would; at the end, log ``tally``'s total to ``logger``."""
        super().__init__(timer.metric, timer.tags)
        self.tally = tally
        self.stream_logger = logger

    @override
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        super().__exit__(exc_type, exc_val, exc_tb)
        if exc_type is None:
            self.stream_logger.info(
                "%s: done, %s records in %s.",
                self.tags.get(metrics.Tag.STREAM),
                f"{self.tally.total:,}",
                duration(self.elapsed()),
            )
