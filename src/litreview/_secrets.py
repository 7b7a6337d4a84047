"""Secrets the package must never print: registered once, then cut out of messages and log records.

:class:`~litreview.settings.Settings` registers its API key when it is created.
From then on every :class:`~litreview.errors.LitreviewError` message is
redacted when the error is built, and a :class:`logging.Filter` on the
package's and urllib3's loggers redacts every record they emit (urllib3 logs
the full request URL, query string included, at DEBUG level). Logger filters
only see records logged on their own logger, so the filter goes on each
logger that can carry a URL, not only on the parents.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import quote, quote_plus

__all__ = ["REDACTED", "register_secret", "redact", "redact_bytes"]

REDACTED = "[redacted]"
#: Loggers that can carry a request URL or a message with one.
_LOGGERS = (
    "litreview", "litreview.eutils", "litreview.fetch",
    "urllib3", "urllib3.connectionpool", "urllib3.connection", "urllib3.poolmanager", "urllib3.response",
    "urllib3.util.retry", "requests",
)
_secrets: tuple[str, ...] = ()
_lock = threading.Lock()


class _RedactingFilter(logging.Filter):
    """Replace every registered secret in a record's message (the record is kept)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: logging reports it itself
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_FILTER = _RedactingFilter()


def register_secret(secret: str | None) -> None:
    """Remember ``secret`` (and its URL-encoded forms) and filter the loggers that could print it.

    Parameters
    ----------
    secret : str or None
        The value to hide; ``None`` or ``""`` is ignored.
    """
    global _secrets
    if not secret:
        return
    with _lock:
        variants = set(_secrets) | {secret, quote(secret, safe=""), quote_plus(secret)}
        _secrets = tuple(sorted(variants, key=len, reverse=True))  # longest first: no half-replaced forms
        for name in _LOGGERS:
            logger = logging.getLogger(name)
            if _FILTER not in logger.filters:
                logger.addFilter(_FILTER)


def redact(text: str) -> str:
    """``text`` with every registered secret replaced by ``[redacted]``.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
    """
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def redact_bytes(data: bytes) -> bytes:
    """:func:`redact` for a raw (UTF-8 or ASCII) body, such as an E-utilities answer about to be cached.

    Parameters
    ----------
    data : bytes

    Returns
    -------
    bytes
    """
    for secret in _secrets:
        raw = secret.encode("utf-8")
        if raw in data:
            data = data.replace(raw, REDACTED.encode())
    return data
