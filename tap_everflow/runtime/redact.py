"""Keep the API key out of every log line, wherever the line comes from."""

from __future__ import annotations

import logging

from typing_extensions import override

MASK = "***"


class SecretFilter(logging.Filter):
    """Replace a secret in log records, including formatted tracebacks."""

    def __init__(self, secret: str) -> None:
        """Mask ``secret`` in every record that passes this filter."""
        super().__init__()
        self.secret = secret

    def mask(self, text: str) -> str:
        """Return ``text`` with the secret masked."""
        return text.replace(self.secret, MASK)

    @override
    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message and traceback without the secret."""
        message = record.getMessage()
        if self.secret in message:
            record.msg, record.args = self.mask(message), None
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text, record.exc_info = self.mask(text), None
        return True


def redact_logs(secret: str | None) -> None:
    """Mask ``secret`` in everything logged through this process's handlers.

    Filters on a logger do not see records that propagate from its children,
    so the filter goes on every handler (where all records end up).
    """
    if not secret:
        return
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    for logger in loggers:
        for handler in getattr(logger, "handlers", []):
            if not any(
                isinstance(f, SecretFilter) and f.secret == secret
                for f in handler.filters
            ):
                handler.addFilter(SecretFilter(secret))
