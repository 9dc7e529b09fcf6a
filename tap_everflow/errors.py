"""Errors that end a sync with one line telling the user what to do."""

from __future__ import annotations

import requests
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError


class EverflowError(Exception):
    """A problem the user can act on; its message is the whole story."""


class EverflowAPIError(EverflowError, FatalAPIError):
    """The API refused a request in a way that retrying cannot fix."""

    def __init__(self, message: str, status: int | None = None) -> None:
        """The message, and the HTTP status that refused it (if any)."""
        super().__init__(message)
        self.status = status


class EverflowResponseError(EverflowError):
    """The API answered with something docs/api.md does not allow."""


# The failures that end a sync with one line saying what to do (see
# TapEverflow.sync_all): the tap's own, and requests that failed every try.
REPORTED = (EverflowError, RetriableAPIError, requests.RequestException)
