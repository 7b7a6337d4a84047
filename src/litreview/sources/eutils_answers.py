"""What E-utilities requests and answers look like: results, checks, size caps and diagnostics.

:class:`~litreview.sources.eutils.EutilsClient` sends the requests; this module
holds what it reads back: the :class:`ESearchResult` and :class:`EPostResult`
records and the readers that build them from checked XML (a value that is not
what NCBI sends is a retryable fault), the size an answer may reach for what was
asked (:func:`_body_limit`), ``Retry-After`` and rate-limit bodies, the words a
request is described in (never its secrets), and the diagnostics NCBI reports
(:class:`EutilsWarning`, :class:`HistoryExpiredError`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import requests
from lxml import etree

from .._secrets import redact
from ..errors import EutilsError

__all__ = ["EutilsWarning", "HistoryExpiredError", "ESearchResult", "EPostResult"]

#: Longest wait taken from a ``Retry-After`` header.
_MAX_RETRY_AFTER = 300.0
_SECRET_PARAMS = frozenset({"api_key", "email"})
#: Largest answer accepted: this much for any request, plus a share per id or record asked for.
#: A PubMed record with its reference list is 10-50 KB; 256 KB each leaves room for the rare
#: record with thousands of authors while keeping a batch of 500 under 130 MB.
_BODY_BASE = 1 << 20
_BODY_PER_ID = 64
_BODY_PER_RECORD = 256 << 10
_READ_BLOCK = 64 << 10
#: Root element of a good answer, per endpoint.
_EXPECTED_ROOT = {"esearch.fcgi": "eSearchResult", "efetch.fcgi": "PubmedArticleSet", "epost.fcgi": "ePostResult"}
_DIGITS = re.compile(r"[0-9]+")
_EXPIRED = re.compile(r"session has expired|unable to obtain query|temporarily unavailable|invalid webenv",
                      re.IGNORECASE)
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


class EutilsWarning(UserWarning):
    """NCBI reported a diagnostic (``ErrorList``/``WarningList``, a shortfall, missing ids).

    Secrets are cut out of the text when the warning is built, as for
    :class:`~litreview.errors.LitreviewError`: a server echoing the request
    would otherwise put the API key in printed warnings and notebook outputs.
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*(redact(a) if isinstance(a, str) else a for a in args))


class HistoryExpiredError(EutilsError):
    """The history server no longer knows the ``WebEnv``/``query_key``: search again."""


class _Retryable(Exception):
    """A failure worth another attempt (the reason, an optional server-given wait, and what kind it is).

    ``unreachable`` is set (to the OS's reason) when no connection could be made at all.
    """

    def __init__(self, reason: str, status: int | None = None, wait: float | None = None,
                 rate_limited: bool = False, unreachable: str | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.wait = wait
        self.rate_limited = rate_limited
        self.unreachable = unreachable


class _TooLarge(Exception):
    """The answer grew past the size accepted for the request."""


@dataclass(frozen=True)
class ESearchResult:
    """One ESearch answer.

    Attributes
    ----------
    count : int
        Total hits (``Count``), even when ``ids`` stops at the cap.
    ids : tuple of str
        ``IdList`` (at most ``retmax``, and never more than 9,999 for PubMed).
    webenv, query_key : str or None
        History-server handle (``usehistory=y``).
    query_translation : str or None
        How PubMed read the term.
    errors, warnings : tuple of (str, str)
        ``ErrorList`` and ``WarningList`` entries as (tag, text), e.g.
        ``("PhraseNotFound", "abcXYZ")``; also issued as :class:`EutilsWarning`.
    """

    count: int
    ids: tuple[str, ...]
    webenv: str | None = None
    query_key: str | None = None
    query_translation: str | None = None
    errors: tuple[tuple[str, str], ...] = ()
    warnings: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class EPostResult:
    """History-server handle returned by EPost."""

    webenv: str
    query_key: str


def _describe(endpoint: str, params: Mapping[str, str]) -> str:
    """The request in words, secrets left out and long id lists abbreviated."""
    parts = []
    for name, value in sorted(params.items()):
        if name in _SECRET_PARAMS or name == "tool":
            continue
        if name == "id" and value.count(",") >= 5:
            value = f"<{value.count(',') + 1} ids>"
        elif len(value) > 200:
            value = value[:197] + "..."
        parts.append(f"{name}={value!r}")
    return f"{endpoint.removesuffix('.fcgi')} " + " ".join(parts)


def _retry_after(header: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not header:
        return None
    try:
        return min(max(float(header), 0.0), _MAX_RETRY_AFTER)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return min(max(when.timestamp() - time.time(), 0.0), _MAX_RETRY_AFTER)


def _is_rate_limit_body(body: bytes) -> bool:
    """NCBI's ``{"error":"API rate limit exceeded",...}`` under any status."""
    head = body[:500].lstrip()
    return head.startswith(b"{") and b"rate limit" in head.lower()


def _pairs(root: etree._Element, tag: str) -> tuple[tuple[str, str], ...]:
    """Children of ``ErrorList``/``WarningList`` as (tag, text)."""
    node = root.find(tag)
    if node is None:
        return ()
    return tuple((child.tag, (child.text or "").strip()) for child in node if isinstance(child.tag, str))


def _esearch_result(root: etree._Element) -> ESearchResult:
    """An ``eSearchResult`` as :class:`ESearchResult`; _Retryable when a value is not what NCBI sends."""
    count = (root.findtext("Count") or "").strip()
    if not _DIGITS.fullmatch(count):
        raise _Retryable(f"unusable answer: <Count> is {count[:40]!r}, not a number", 200)
    ids = tuple((e.text or "").strip() for e in root.iterfind("IdList/Id"))
    bad = next((i for i in ids if not _DIGITS.fullmatch(i)), None)
    if bad is not None:
        raise _Retryable(f"unusable answer: <Id> {bad[:40]!r} is not a PMID", 200)
    query_key = root.findtext("QueryKey")
    if query_key is not None and not _DIGITS.fullmatch(query_key.strip()):
        raise _Retryable(f"unusable answer: <QueryKey> {query_key[:40]!r} is not a number", 200)
    return ESearchResult(
        count=int(count),
        ids=ids,
        webenv=root.findtext("WebEnv"),
        query_key=query_key,
        query_translation=root.findtext("QueryTranslation"),
        errors=_pairs(root, "ErrorList"),
        warnings=_pairs(root, "WarningList"),
    )


def _epost_result(root: etree._Element) -> EPostResult:
    """An ``ePostResult`` as :class:`EPostResult`; _Retryable without a WebEnv and numeric QueryKey."""
    webenv = (root.findtext("WebEnv") or "").strip()
    query_key = (root.findtext("QueryKey") or "").strip()
    if not webenv or not _DIGITS.fullmatch(query_key):
        raise _Retryable("unusable answer: no <WebEnv> and numeric <QueryKey>", 200)
    return EPostResult(webenv=webenv, query_key=query_key)


_READERS: dict[str, Callable[[etree._Element], object]] = {
    "esearch.fcgi": _esearch_result, "epost.fcgi": _epost_result,
}


def _number(value: str | None) -> int:
    """A numeric parameter, 0 when absent."""
    return int(value) if value and value.isascii() and value.isdigit() else 0


def _body_limit(endpoint: str, params: Mapping[str, str]) -> int:
    """Bytes accepted for an answer: :data:`_BODY_BASE` plus a share per id (ESearch) or record (EFetch) asked."""
    if endpoint == "efetch.fcgi":
        ids = params.get("id")
        records = ids.count(",") + 1 if ids else _number(params.get("retmax"))
        return _BODY_BASE + records * _BODY_PER_RECORD
    if endpoint == "esearch.fcgi":
        return _BODY_BASE + _number(params.get("retmax")) * _BODY_PER_ID
    return _BODY_BASE


def _read_body(response: requests.Response, limit: int) -> bytes:
    """The (decoded) body, read block by block; _TooLarge as soon as it passes ``limit`` bytes."""
    declared = response.headers.get("Content-Length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    body = bytearray()
    for block in response.iter_content(_READ_BLOCK):
        body += block
        if len(body) > limit:
            raise _TooLarge
    return bytes(body)
