"""Exceptions raised by litreview on purpose.

Every error the package raises deliberately derives from one base, so a caller
(and the CLI) can tell expected failures from bugs::

    LitreviewError
     ├── ConfigError        settings or environment unusable (e.g. no NCBI_EMAIL)
     ├── CorpusError        a claims/mechanisms/snapshot file is invalid
     ├── ParseError         PubMed XML could not be parsed
     ├── ExportError        unknown export format or unusable export input
     ├── MirrorError        PubMed mirror inputs, directory or query unusable
     ├── DatasetError       a labelled screening dataset is unusable (screen simulate)
     └── EutilsError        E-utilities answered with an error or unusable payload
          └── RateLimitError    NCBI refused the request for exceeding the limit

Each error carries the context it names (``.path``, ``.line``, ``.url``,
``.status``) so messages stay one line and callers can still inspect details.
A registered secret (the NCBI API key) is cut out of every message when the
error is built, so no message, ``repr`` or traceback can show it.
"""

from __future__ import annotations

from ._secrets import redact

__all__ = [
    "LitreviewError",
    "ConfigError",
    "CorpusError",
    "ParseError",
    "ExportError",
    "MirrorError",
    "DatasetError",
    "EutilsError",
    "RateLimitError",
]


class LitreviewError(Exception):
    """Base for every error litreview raises on purpose (secrets redacted from its message)."""

    def __init__(self, *args: object) -> None:
        super().__init__(*(redact(a) if isinstance(a, str) else a for a in args))


class ConfigError(LitreviewError):
    """Settings or environment are missing or invalid."""


class CorpusError(LitreviewError):
    """A corpus file (claims, mechanisms, snapshot) is invalid.

    Parameters
    ----------
    message : str
        What is wrong, naming the entry.
    path : str, optional
        The file concerned; prefixed to the message.
    """

    def __init__(self, message: str, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class ParseError(LitreviewError):
    """PubMed XML could not be parsed.

    Parameters
    ----------
    message : str
        What went wrong.
    source : str, optional
        File name (or ``"<bytes>"``) being parsed.
    line : int, optional
        Line number of the fault, when known.
    """

    def __init__(self, message: str, source: str | None = None, line: int | None = None) -> None:
        self.source = source
        self.line = line
        where = source or "<input>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}")


class ExportError(LitreviewError):
    """An export was asked for in an unknown format or with unusable input, or could not be written."""


class MirrorError(LitreviewError):
    """The local PubMed mirror cannot be built or searched as asked (inputs, directory or query)."""


class DatasetError(LitreviewError):
    """A labelled screening dataset (for ``litreview screen simulate``) is missing, malformed or unusable."""


class EutilsError(LitreviewError):
    """E-utilities answered with an error or an unusable payload.

    Parameters
    ----------
    message : str
        What went wrong, naming the request (never the API key).
    url : str, optional
        The request URL with secrets removed.
    status : int, optional
        HTTP status code, when there was a response.
    """

    def __init__(self, message: str, url: str | None = None, status: int | None = None) -> None:
        self.url = redact(url) if url else url
        self.status = status
        super().__init__(message)


class RateLimitError(EutilsError):
    """NCBI refused a request for exceeding the rate limit, after all retries."""
