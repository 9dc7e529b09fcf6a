"""The floor client: the least work any tap must do per raw impression.

It POSTs the given request bodies to the impressions endpoint one after
another, decodes each answer with msgspec and writes every row to stdout as a
Singer RECORD line, encoded with msgspec. No schema, no conforming, no
deduplication, no state: what is left is HTTP, JSON in and JSON out, which is
the floor the tap's per-record CPU is compared with (see ``benchmark.py``).

Usage::

    FLOOR_API_KEY=... python -m scripts.floor_client --api-url URL --windows FILE

``FILE`` is a JSON list of request bodies (``{"from", "to", "timezone_id",
"query"}``), e.g. the windows a tap run kept.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

import msgspec
import requests

IMPRESSIONS_PATH = "/networks/reporting/impressions/stream"
API_KEY_ENV = "FLOOR_API_KEY"  # not an argument: it would show in `ps`
STREAM = "impressions"


def rows_of(payload: object) -> list[dict[str, Any]]:
    """The rows of an impressions answer, in either shape the API uses.

    Args:
        payload: The decoded answer: ``{"impressions": [...]}`` or a bare list.

    Returns:
        The rows (empty when the object omits the key, as proto3 does).
    """
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict):
        return payload.get(STREAM) or []
    msg = f"unexpected answer: {type(payload).__name__}"
    raise TypeError(msg)


def fetch_all(api_url: str, api_key: str, windows: list[dict[str, Any]]) -> int:
    """Fetch every window and write its rows as RECORD lines to stdout.

    Args:
        api_url: Base URL of the API, including ``/v1``.
        api_key: The ``X-Eflow-API-Key`` to send.
        windows: Request bodies, fetched sequentially in this order.

    Returns:
        The number of records written.
    """
    url = api_url.rstrip("/") + IMPRESSIONS_PATH
    encoder = msgspec.json.Encoder()
    decode = msgspec.json.decode
    out = sys.stdout.buffer
    written = 0
    with requests.Session() as session:  # keep-alive, as any real client
        session.headers.update(
            {"X-Eflow-API-Key": api_key, "Content-Type": "application/json"}
        )
        for body in windows:
            response = session.post(url, data=encoder.encode(body), timeout=300)
            response.raise_for_status()
            rows = rows_of(decode(response.content))
            # One encode call per window: the cheapest way to write one line per
            # row, and still one complete RECORD message per line.
            out.write(
                encoder.encode_lines(
                    [{"type": "RECORD", "stream": STREAM, "record": r} for r in rows]
                )
            )
            written += len(rows)
    out.flush()
    return written


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and fetch the windows.

    Args:
        argv: Command-line arguments (default: ``sys.argv[1:]``).

    Returns:
        The process exit code.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api-url", required=True, help="API base URL with /v1")
    parser.add_argument(
        "--windows", required=True, type=Path, help="JSON list of request bodies"
    )
    args = parser.parse_args(argv)
    api_key = os.environ.get(API_KEY_ENV)
    if not api_key:
        parser.error(f"set {API_KEY_ENV} to the API key")
    windows = msgspec.json.decode(args.windows.read_bytes())
    written = fetch_all(args.api_url, api_key, windows)
    print(
        f"floor client: {written} records from {len(windows)} requests", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
