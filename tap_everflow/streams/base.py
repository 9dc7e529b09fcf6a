"""What every Everflow stream shares: authentication, errors, retries, requests."""

from __future__ import annotations

import itertools
import logging
import re
import sys
import threading
import typing as t
from contextlib import contextmanager
from functools import cached_property
from http import HTTPStatus
from urllib.parse import urlsplit

import backoff
import msgspec
import requests
from singer_sdk import metrics
from singer_sdk.authenticators import APIKeyAuthenticator
from singer_sdk.exceptions import RetriableAPIError
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.streams import RESTStream
from typing_extensions import override
from urllib3.exceptions import NewConnectionError

from tap_everflow.errors import REPORTED, EverflowAPIError, EverflowError
from tap_everflow.records.proto3 import Conformer, Surprises
from tap_everflow.runtime.batch_files import JSONLinesFiles
from tap_everflow.runtime.logs import RecordTally, StreamEnd, sdk_detail_at_debug
from tap_everflow.runtime.prefetch import K, Prefetcher, V
from tap_everflow.runtime.settings import parse_time

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from backoff.types import Details
    from singer_sdk.helpers._batch import BaseBatchFileEncoding, BatchConfig
    from singer_sdk.helpers.types import Context, RequestFunc

    from tap_everflow.runtime.throttle import RequestThrottle

# What a fatal status means for the user, and what to do about it.
FATAL_STATUS_ADVICE: dict[int, str] = {
    HTTPStatus.BAD_REQUEST: (
        "Everflow rejected the request as invalid: check the settings its reason "
        "points to (filters, exclusions, start_date, end_date)"
    ),
    HTTPStatus.UNAUTHORIZED: (
        "Everflow rejected the API key: check api_key (TAP_EVERFLOW_API_KEY) and "
        "that it is a network API key"
    ),
    HTTPStatus.FORBIDDEN: (
        "The API key lacks permission for this report: give the key access in "
        "Everflow (Control Center > Security > API keys)"
    ),
    HTTPStatus.NOT_FOUND: (
        "Everflow has no such endpoint: check api_url (it should end in /v1)"
    ),
}
MAX_RETRY_WAIT = 60  # seconds; Everflow's rate-limit window is 30 s
MAX_RATE_LIMITED_TRIES = 10  # tries answered 429 in a row before a request fails
# Tries of a server that never accepted a connection (refused, unknown host)
# before the sync stops: waiting cannot fix a wrong api_url.
MAX_CONNECT_TRIES = 3
# What the SDK's request_decorator retries (a ConnectionResetError among them).
RETRIED = (
    ConnectionResetError,
    RetriableAPIError,
    requests.exceptions.Timeout,
    requests.exceptions.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)
# The OS's reason inside a requests/urllib3 connection error's long text.
OS_REASON = re.compile(r"\[Errno -?\d+\] ([^'\")]+)")
# Stream state key: every row up to and including this time (or day) was emitted.
COMPLETE_THROUGH = "complete_through"


class EverflowStream(RESTStream):
    """Base stream: one place for how the tap talks to Everflow."""

    records_key: t.ClassVar[str]
    # Records are built field by field from the schema (see proto3.py).
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE
    # Advice for fatal statuses on this stream's endpoint, where more specific
    # than FATAL_STATUS_ADVICE (which settings to check, what to ask for).
    status_advice: t.ClassVar[dict[int, str]] = {}
    # Fields whose type Everflow's sources disagree on: the other JSON types
    # they may arrive as, converted without a warning (see proto3).
    alternatives: t.ClassVar[t.Mapping[str, tuple[str, ...]]] = {}

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Set up the stream; requests share the tap's throttle."""
        super().__init__(*args, **kwargs)
        # Set when the sync stops early, so requests running ahead give up.
        self.stopping = threading.Event()
        # The prefetcher of the sync under way, while requests run ahead.
        self.ahead: Prefetcher[t.Any, t.Any] | None = None
        # Bodies are read by request_json, once there is room for them.
        self.requests_session.stream = True
        self.logger.addFilter(sdk_detail_at_debug)
        self._record_tally: RecordTally | None = None

    @override
    def get_record_counter(
        self,
        *,
        endpoint: str | None = None,
        log_interval: float = metrics.DEFAULT_LOG_INTERVAL,
    ) -> metrics.Counter:
        """The SDK's record counter, which also keeps the total for the end line."""
        counter = super().get_record_counter(
            endpoint=endpoint, log_interval=log_interval
        )
        self._record_tally = RecordTally(
            counter.metric, counter.tags, log_interval=counter.log_interval
        )
        return self._record_tally

    @override
    def get_sync_timer(self) -> metrics.Timer:
        """The SDK's sync timer, which also logs the stream's end line."""
        timer = super().get_sync_timer()
        if self._record_tally is None:  # the SDK asks for the counter first
            return timer
        return StreamEnd(timer, self._record_tally, self.logger)

    @override
    def log(
        self, message: str, *args: t.Any, level: int = logging.INFO, **kwargs: t.Any
    ) -> None:
        """Log a message; at DEBUG the SDK's ERROR line for a failure the tap reports.

        ``Stream.sync`` logs an ERROR line for any failure it passes on. For
        the failures the tap reports (:data:`tap_everflow.errors.REPORTED`),
        the tap's line, naming this stream, the cause and what to do, is the
        only ERROR line.
        """
        if level >= logging.ERROR and isinstance(sys.exc_info()[1], REPORTED):
            level = logging.DEBUG
        super().log(message, *args, level=level, **kwargs)

    @cached_property
    def surprises(self) -> Surprises:
        """What this run's rows held that the schema did not expect."""
        return Surprises(self.name, self.logger)

    def conformer(self, schema: dict, critical: t.Iterable[str] = ()) -> Conformer:
        """Rows of ``schema`` as records; ``critical`` fields must be readable."""
        return Conformer(
            schema, self.surprises, critical=critical, alternatives=self.alternatives
        )

    @property
    def throttle(self) -> RequestThrottle:
        """The tap's throttle: the rate limit is per Everflow account."""
        # The SDK types the tap as a Tap; it is a TapEverflow, whose module
        # streams do not import (it imports them).
        return self._tap.throttle  # type: ignore[attr-defined]

    @property
    @override
    def url_base(self) -> str:
        """The API's base URL, e.g. https://api.eflow.team/v1."""
        return str(self.config["api_url"]).rstrip("/")

    @property
    @override
    def authenticator(self) -> APIKeyAuthenticator:
        """Send the key in the X-Eflow-API-Key header."""
        return APIKeyAuthenticator(
            key="X-Eflow-API-Key", value=self.config["api_key"], location="header"
        )

    @property
    @override
    def timeout(self) -> int:
        """Seconds to wait for a response."""
        return int(self.config["request_timeout"])

    @override
    def backoff_wait_generator(self) -> t.Generator[float, t.Any, None]:
        """Exponential waits from retry_wait_seconds, capped at a minute.

        backoff sends each failure in (as for the SDK's ``backoff_runtime``).
        The waits end, so backoff gives up, when the MAX_CONNECT_TRIES-th try
        or a later one found no server to connect to.
        """
        waits = backoff.expo(
            factor=float(self.config["retry_wait_seconds"]),
            max_value=MAX_RETRY_WAIT,
        )
        error = yield next(waits)  # backoff's first send, before any try
        for tries in itertools.count(1):
            if _never_connected(error) and tries >= MAX_CONNECT_TRIES:
                return
            error = yield next(waits)

    @override
    def backoff_jitter(self, value: float) -> float:
        """Full jitter, so that parallel clients do not retry in lockstep."""
        return backoff.full_jitter(value)

    @override
    def backoff_max_tries(self) -> int:
        """The first try plus max_retries."""
        return int(self.config["max_retries"]) + 1

    @override
    def backoff_handler(self, details: Details) -> None:
        """One short warning per retry, saying why and when (not the SDK's repr)."""
        self.logger.warning(
            "%s: request failed (%s); retry %d of %d in %.1f s.",
            self.name,
            _short_reason(details.get("exception")),
            details["tries"],
            self.backoff_max_tries() - 1,
            details.get("wait") or 0.0,
        )

    def rate_limit_handler(self, _details: Details) -> None:
        """On a 429 (backoff's ``on_backoff``): every request waits, with a warning.

        backoff's wait (``backoff.constant``, no jitter) is the throttle's window.
        """
        self.logger.warning(
            "%s: Everflow answered 429 (rate limited); pausing requests %s s.",
            self.name,
            self.throttle.window,
        )
        self.throttle.pause()

    def giveup_handler(self, details: Details) -> t.NoReturn:
        """On giving up (backoff's ``on_giveup``): fail with :meth:`gave_up`'s line."""
        message = self.gave_up(details.get("exception"), details["tries"])
        raise EverflowAPIError(message) from None

    def gave_up(self, error: object, tries: int) -> str:
        """What to tell the user once a request failed ``tries`` times (``error``)."""
        reason = _short_reason(error)
        if _never_connected(error):
            return (
                f"Cannot connect to api_url {self.url_base}: {reason} ({tries} "
                "tries). Check api_url and the network."
            )
        if isinstance(error, RateLimitedError):
            return (
                f"{self.name}: Everflow kept answering 429 (rate limited), {tries} "
                f"tries {self.throttle.window} s apart: another client is using "
                "up the account's request limit. Lower "
                "max_requests_per_second or run later; the next run resumes from "
                "the saved state."
            )
        return (
            f"{self.name}: Giving up after {tries} tries: {reason}. Everflow is "
            "failing or unreachable; run again later (the sync resumes from its "
            "state)."
        )

    def complete_through(self) -> str | None:
        """The end of the last window whose rows were all emitted, if any.

        Kept in the stream's own state: no Everflow stream is partitioned.
        """
        return self.stream_state.get(COMPLETE_THROUGH)

    def mark_complete(self, through: str) -> None:
        """Record that every row up to ``through`` (ISO date or time) was emitted.

        The mark never moves back: a window re-read by a lookback ends before
        what an earlier run completed, and that stays the mark to resume (and
        look back) from. Else every interrupted run would widen the next re-read.
        """
        state = self.stream_state
        previous = state.get(COMPLETE_THROUGH)
        if not previous or parse_time(previous) < parse_time(through):
            state[COMPLETE_THROUGH] = through

    @contextmanager
    def requests_ahead(
        self, call: Callable[[K], V], workers: int
    ) -> Iterator[Prefetcher[K, V]]:
        """A :class:`Prefetcher` of ``call`` on ``workers`` threads, for one sync.

        While it is open, answers read ahead wait for room (:meth:`make_room`).
        If the sync stops early (an error, or the consumer closing the records),
        requests still running ahead give up at their next try rather than
        retrying on; the prefetcher's threads end before this returns.
        """
        self.stopping.clear()
        self.ahead = Prefetcher(call, workers)
        try:
            with self.ahead:
                try:
                    yield self.ahead
                except BaseException:
                    self.stopping.set()
                    raise
        finally:
            self.ahead = None  # its threads have ended

    def make_room(self) -> None:
        """Called before an answer is read: waits while enough answers are held.

        Room for any answer where nothing runs ahead; else the prefetcher's
        (see :mod:`tap_everflow.runtime.prefetch`).
        """
        if self.ahead is not None:
            self.ahead.make_room()

    @override
    def validate_response(self, response: requests.Response) -> None:
        """Check an answer's status: 429 and 5xx are retried, other 4xx stop the sync.

        A stopping 4xx says what the user can do about it, in this stream's own
        words where the request went to the stream's own endpoint.
        """
        self.throttle.observe(response.headers)
        status = response.status_code
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            msg = f"Everflow answered 429 (rate limited) for {self.path}"
            raise RateLimitedError(msg, response)
        if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            msg = f"Everflow answered {status} {response.reason} for {self.path}"
            raise RetriableAPIError(msg, response)
        if status >= HTTPStatus.BAD_REQUEST:
            own = self.status_advice if self._asked_own_path(response) else {}
            advice = own.get(status) or FATAL_STATUS_ADVICE.get(
                status, "Everflow refused the request"
            )
            detail = _error_message(response)
            msg = f"{self.name}: {advice} (HTTP {status}: {detail})."
            raise EverflowAPIError(msg, status)

    def _asked_own_path(self, response: requests.Response) -> bool:
        """Whether ``response`` answers a request to this stream's own path."""
        asked = urlsplit(response.request.url or "").path
        return asked == urlsplit(f"{self.url_base}{self.path}").path

    def decode_answer(self, content: bytes) -> t.Any:
        """This endpoint's answer from its body; ``msgspec.DecodeError`` if not JSON."""
        return self.read_answer(msgspec.json.decode(content))

    def read_answer(self, payload: t.Any) -> t.Any:
        """This endpoint's answer from its JSON; RetriableAPIError if foreign."""
        return payload

    @override
    def generate_child_contexts(
        self, record: dict, context: Context | None
    ) -> t.Iterable[Context | None]:
        """Child contexts of ``record``: none, as no Everflow stream has children.

        The SDK's default makes a context per record even without child
        streams, and then copies it: a tenth of the CPU spent per record.
        """
        if self.child_streams:
            return super().generate_child_contexts(record, context)
        return ()

    @override
    def get_batches(
        self, batch_config: BatchConfig, context: Context | None = None
    ) -> Iterator[tuple[BaseBatchFileEncoding, list[str]]]:
        """Batch files holding the records RECORD messages would carry.

        The SDK's version batches records as the stream yields them: before the
        selection, type conformance, stream map and flattening that
        :meth:`_generate_record_messages` applies to a RECORD message's record.
        Each stream has one map here (settings refuse a map copying a stream).
        """
        records = (
            message.record
            for record in self._sync_records(context, write_messages=False)
            for message in self._generate_record_messages(record)
        )
        batcher = JSONLinesFiles(self.tap_name, self.name, batch_config)
        for manifest in batcher.get_batches(records):
            yield batch_config.encoding, manifest

    def rows_in(self, payload: t.Any) -> list:
        """The rows of an object answer, under this stream's ``records_key``.

        Proto3 omits empty lists, so an object without the key has no rows,
        unless it carries rows under another key or an error: that is not this
        endpoint's answer (a proxy, a wrong route), and reading it as empty
        would lose rows, so it is retried.
        """
        if isinstance(payload, dict) and "error" not in payload:
            rows = payload.get(self.records_key)
            if isinstance(rows, list):
                return rows
            if rows is None and not any(
                isinstance(value, list) and value for value in payload.values()
            ):
                return []
        shape = type(payload).__name__
        if isinstance(payload, dict):
            shape += " with keys " + ", ".join(sorted(payload)[:5])
        msg = f"Everflow answered {self.path} with an unexpected JSON shape ({shape})"
        raise RetriableAPIError(msg)

    @override
    def request_decorator(self, func: RequestFunc) -> RequestFunc:
        """The SDK's retries (backoff) of ``func``, each try paced by the throttle.

        A 429 pauses every request for the rate window, then the try is made
        again without counting as a retry (MAX_RATE_LIMITED_TRIES times at most).
        Once the sync stops, a request gives up at its next try. A request
        that failed every try raises an EverflowAPIError saying why, in short.
        backoff logs nothing itself: the handlers say it in the tap's words.
        """

        def paced(
            prepared_request: requests.PreparedRequest, context: Context | None
        ) -> requests.Response:
            if self.stopping.is_set():
                msg = f"{self.name}: the sync stopped; request abandoned"
                raise EverflowError(msg)
            self.throttle.wait_turn()
            return func(prepared_request, context)

        rate_limited = backoff.on_exception(
            backoff.constant,
            RateLimitedError,
            interval=self.throttle.window,
            jitter=None,
            max_tries=MAX_RATE_LIMITED_TRIES,
            on_backoff=self.rate_limit_handler,
            on_giveup=self.giveup_handler,
            logger=None,
        )
        retried = backoff.on_exception(
            self.backoff_wait_generator,
            RETRIED,
            jitter=self.backoff_jitter,
            max_tries=self.backoff_max_tries,
            on_backoff=self.backoff_handler,
            on_giveup=self.giveup_handler,
            logger=None,
        )
        return retried(rate_limited(paced))

    def post_json(
        self,
        body: dict,
        params: dict | None = None,
        *,
        path: str | None = None,
        decode: Callable[[bytes], t.Any] | None = None,
    ) -> t.Any:
        """POST ``body`` to this stream's path; return :meth:`decode_answer` of it.

        Another ``path`` (an endpoint the stream consults) needs its ``decode``.
        """
        return self.request_json(
            "POST", body=body, params=params, path=path, decode=decode
        )

    def request_json(
        self,
        method: str,
        *,
        body: dict | None = None,
        params: dict | None = None,
        path: str | None = None,
        decode: Callable[[bytes], t.Any] | None = None,
    ) -> t.Any:
        """Send one request (a GET has no ``body``); return its decoded answer.

        The body is read inside the retried call, once there is room for it
        (:meth:`make_room`): besides what :meth:`validate_response` finds
        transient, and connection resets and timeouts, a 200 answer whose body
        is not complete JSON (truncated, an HTML error page) or not this
        endpoint's shape is retried.
        """
        request = self.build_prepared_request(
            method=method,
            url=f"{self.url_base}{path or self.path}",
            params=params or {},
            json=body,
            headers=self.http_headers,
        )
        read = decode or self.decode_answer

        # One try. It returns the answer, not the Response that RequestFunc
        # names: the SDK's retries hand back whatever the call returns.
        def send_and_read(
            prepared_request: requests.PreparedRequest, context: Context | None
        ) -> t.Any:
            response = self._request(prepared_request, context)
            self.make_room()
            try:
                return read(response.content)
            except msgspec.DecodeError:
                msg = (
                    f"Everflow answered {self.path} with a body that is not "
                    f"complete JSON ({len(response.content)} bytes, "
                    f"{response.headers.get('content-type', 'no content type')})"
                )
                raise RetriableAPIError(msg, response) from None

        # The SDK's partition context: none, as no Everflow stream is partitioned.
        return self.request_decorator(send_and_read)(request, None)


class RateLimitedError(RetriableAPIError):
    """A 429: waited out for the rate window, not counted as a retry."""


def _never_connected(error: object) -> bool:
    """Whether ``error`` is a connection the server refused or could not be found."""
    if not isinstance(error, requests.ConnectionError) or not error.args:
        return False
    return isinstance(getattr(error.args[0], "reason", None), NewConnectionError)


def _short_reason(error: object) -> str:
    """Why a try failed, in a few words rather than urllib3's nested reprs."""
    if error is None:
        return "no answer"
    if isinstance(error, requests.Timeout):
        return "no answer in time (request_timeout)"
    if isinstance(error, requests.ConnectionError):
        found = OS_REASON.search(str(error))
        return found.group(1).strip() if found else type(error).__name__
    return str(error)


def _error_message(response: requests.Response) -> str:
    """The ``error`` text of an Everflow error body, or a short excerpt."""
    try:
        body = msgspec.json.decode(response.content)
    except msgspec.DecodeError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return body["error"]
    return response.text[:200].strip() or response.reason
