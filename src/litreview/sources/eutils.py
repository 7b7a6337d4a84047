"""NCBI E-utilities client: rate-limited, retrying, caching HTTP for ESearch, EFetch and EPost.

One :class:`EutilsClient` owns every request the package makes to NCBI. It

* sends ``tool``, ``email`` and ``api_key`` with every request (no e-mail:
  :class:`~litreview.errors.ConfigError`), and only to the configured host:
  a redirect is followed only to the same host (and never from https to
  http); one to another host, to another scheme (``ftp://``) or a redirect
  loop is a one-line :class:`~litreview.errors.EutilsError`, so the key never
  leaves for another server. The key is also cut out of every error message
  and log record (:mod:`litreview._secrets`);
* waits for a slot from a :class:`~.rate_limit.RateLimiter` shared by every client and thread
  of the process: 3 requests/s without an API key, 10 with one
  (https://www.ncbi.nlm.nih.gov/books/NBK25497/);
* retries 429s, rate-limit JSON bodies under any status, 5xx pages, timeouts,
  connection resets and truncated, unparseable or unexpected bodies (a 200
  maintenance page) with exponential backoff and jitter, honouring
  ``Retry-After``; then raises :class:`~litreview.errors.EutilsError` naming
  the request (never the key). A host that cannot be reached at all (name not
  resolved, connection refused) is retried once, then reported as
  ``cannot reach <host> (...; no network?)``;
* reads each answer as a stream and stops past a size proportional to what
  was asked (:func:`~.eutils_answers._body_limit`), so a runaway body cannot exhaust memory;
* checks every answer: well-formed XML whose root is the endpoint's document
  (``eSearchResult``, ``PubmedArticleSet``, ``ePostResult``) with usable values
  (a numeric ``Count``, numeric ids, a ``WebEnv``); treats ``<ERROR>`` in a 200
  body as an error (:class:`~.eutils_answers.HistoryExpiredError` when the history server
  forgot the ``WebEnv``), and turns ESearch's ``ErrorList``/``WarningList``
  into :class:`~.eutils_answers.EutilsWarning` warnings that are also kept on the
  :class:`~.eutils_answers.ESearchResult`;
* POSTs requests carrying more than :data:`POST_THRESHOLD` ids or a very long term;
* caches every good response body on disk (atomic writes) under a key built
  from the request without ``api_key`` and ``email``; only answers that pass
  the checks are cached, and a cached answer that fails them (written by an
  older version) is dropped and fetched again, so an interrupted run restarted
  with the same cache re-uses what it already fetched and nothing else.

Across processes: the limiter lives in one process's memory and is not shared.
NCBI counts requests per API key (or per IP without one), so processes that run
at the same time with the same key or address must split the budget themselves
(e.g. give each its own key, or run them one after another); otherwise NCBI
answers some requests with 429, which this client retries with backoff.

The records an answer becomes and the checks and size caps it meets are in
:mod:`.eutils_answers`; the shared limiter is in :mod:`.rate_limit`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import random
import socket
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import requests
from lxml import etree
from urllib3.exceptions import NewConnectionError

from .._io import atomic_write_bytes
from .._secrets import redact_bytes
from ..errors import EutilsError, RateLimitError
from ..settings import Settings
from .eutils_answers import (
    _EXPECTED_ROOT,
    _EXPIRED,
    _READERS,
    _SECRET_PARAMS,
    _XML_PARSER,
    EPostResult,
    ESearchResult,
    EutilsWarning,
    HistoryExpiredError,
    _body_limit,
    _describe,
    _epost_result,
    _esearch_result,
    _is_rate_limit_body,
    _read_body,
    _retry_after,
    _Retryable,
    _TooLarge,
)
from .rate_limit import RateLimiter, shared_limiter

__all__ = [
    "ESEARCH_CAP",
    "DEFAULT_BATCH_SIZE",
    "POST_THRESHOLD",
    "EutilsClient",
]

log = logging.getLogger(__name__)

#: PubMed ESearch returns at most this many ids per query (``retstart`` <= 9998).
ESEARCH_CAP = 9999
#: Records per EFetch request; chosen with ``benchmarks/fetch.py`` (see README).
DEFAULT_BATCH_SIZE = 500
#: Above this many ids a request is sent as HTTP POST (NCBI: "about 200 UIDs").
POST_THRESHOLD = 200
#: Encoded parameters longer than this are POSTed too (very long ``term`` values).
_MAX_GET_CHARS = 2000
#: Redirects followed (on the configured host) before the request is given up as a loop.
_MAX_REDIRECTS = 5


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and everything it wraps (args, urllib3's ``reason``, ``__cause__``, ``__context__``)."""
    seen: set[int] = set()
    stack = [exc]
    while stack:
        error = stack.pop()
        if id(error) in seen:
            continue
        seen.add(id(error))
        yield error
        wrapped = [*error.args[:1], getattr(error, "reason", None), error.__cause__, error.__context__]
        stack.extend(w for w in wrapped if isinstance(w, BaseException))


def _unreachable(exc: requests.ConnectionError) -> str | None:
    """Why no connection could be made at all (name not resolved, refused...), or None for other failures."""
    if not any(isinstance(e, NewConnectionError) for e in _causes(exc)):
        return None
    for error in _causes(exc):
        if isinstance(error, socket.gaierror):
            return "name not resolved"
        if isinstance(error, OSError) and error.strerror:
            return error.strerror.lower()
    return "no connection"


def _host(url: str) -> str:
    """``host`` or ``host:port`` of a URL (never user info or path)."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)


def _show_progress() -> bool:
    """A progress bar only on an interactive terminal, never in CI or a notebook kernel."""
    if os.environ.get("CI") or "ipykernel" in sys.modules:
        return False
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


class EutilsClient:
    """Client for NCBI E-utilities (PubMed).

    Parameters
    ----------
    settings : Settings
        E-mail (required), API key, base URL and tool name.
    session : requests.Session, optional
        HTTP session (one is created if omitted).
    cache_dir : str or Path, optional
        Directory for raw response bodies; ``None`` disables the cache.
    max_attempts : int
        Attempts per request before giving up (default 5).
    backoff : float
        First retry delay in seconds; doubled each attempt, plus up to 50% jitter.
    batch_size : int
        Records per EFetch request (default :data:`DEFAULT_BATCH_SIZE`).
    progress : bool, optional
        Show a progress bar; default: only on a terminal, never in CI or notebooks.
    timeout : float
        Seconds to wait for a response (connect and read).
    workers : int
        Concurrent requests while paging; the shared limiter still caps the rate.
    cap : int
        Most ids one ESearch can page through (:data:`ESEARCH_CAP`, NCBI's 9,999);
        larger queries are sliced by date, then by PMID range.
    limiter : RateLimiter, optional
        Defaults to :func:`shared_limiter` for the key's presence.
    sleep : callable, optional
        Sleep used between retries (tests inject a recorder).
    rng : random.Random, optional
        Source of jitter.

    Raises
    ------
    ConfigError
        No e-mail address in ``settings``, or a base URL that is not http(s)
        with a host and a valid port.

    Examples
    --------
    >>> client = EutilsClient(Settings.from_env(), cache_dir=".litreview-cache")  # doctest: +SKIP
    >>> client.esearch("ketamine[tiab] AND BDNF[tiab]").count  # doctest: +SKIP
    """

    def __init__(self, settings: Settings, *, session: requests.Session | None = None,
                 cache_dir: str | Path | None = None, max_attempts: int = 5, backoff: float = 1.0,
                 batch_size: int = DEFAULT_BATCH_SIZE, progress: bool | None = None, timeout: float = 60.0,
                 workers: int = 3, cap: int = ESEARCH_CAP, limiter: RateLimiter | None = None,
                 sleep: Callable[[float], None] = time.sleep, rng: random.Random | None = None) -> None:
        settings.require_email()
        settings.require_eutils_url()
        if max_attempts < 1 or batch_size < 1 or workers < 1:
            raise ValueError("max_attempts, batch_size and workers must be at least 1")
        self.settings = settings
        self.session = session or requests.Session()
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.batch_size = min(batch_size, 10_000)
        self.progress = _show_progress() if progress is None else progress
        self.timeout = timeout
        self.workers = workers
        self.cap = cap
        self.limiter = limiter or shared_limiter(settings.api_key is not None)
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.requests_sent = 0
        self._count_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"EutilsClient(url={self.settings.eutils_url!r}, cache_dir={self.cache_dir!r})"

    # -- caching ------------------------------------------------------------------
    def cache_key(self, endpoint: str, params: Mapping[str, str]) -> str:
        """sha256 of base URL, method, endpoint and sorted params, without ``api_key``/``email``."""
        clean = sorted((k, v) for k, v in params.items() if k not in _SECRET_PARAMS)
        method = "POST" if self._use_post(params) else "GET"
        text = "\n".join([self.settings.eutils_url, method, endpoint, urlencode(clean)])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def _cache_path(self, key: str) -> Path | None:
        """File holding a cached body, or None without a cache."""
        return None if self.cache_dir is None else self.cache_dir / key[:2] / f"{key}.xml"

    # -- one request --------------------------------------------------------------
    @staticmethod
    def _use_post(params: Mapping[str, str]) -> bool:
        """POST for long id lists or very long parameters."""
        ids = params.get("id", "")
        return (ids.count(",") + 1 if ids else 0) > POST_THRESHOLD or len(urlencode(params)) > _MAX_GET_CHARS

    def request(self, endpoint: str, params: Mapping[str, str], *, refresh: bool = False) -> bytes:
        """Send one E-utilities request (cached, rate-limited, retried) and return the checked body.

        Parameters
        ----------
        endpoint : str
            ``esearch.fcgi``, ``efetch.fcgi``, ``epost.fcgi``...
        params : mapping
            Request parameters; ``tool``/``email``/``api_key`` are added here.
        refresh : bool
            Skip the cache lookup (the new body still replaces the cached one).

        Returns
        -------
        bytes
            A well-formed XML body without ``<ERROR>``.

        Raises
        ------
        HistoryExpiredError
            The history server lost the ``WebEnv``.
        RateLimitError
            Still rate-limited after ``max_attempts``.
        EutilsError
            Any other failure after ``max_attempts``, a 4xx, or ``<ERROR>`` in the body.
        """
        params = {k: str(v) for k, v in params.items() if v is not None}
        params["tool"] = self.settings.tool
        params["email"] = self.settings.email
        key = self.cache_key(endpoint, params)
        path = self._cache_path(key)
        what = _describe(endpoint, params)
        if path is not None and not refresh and path.is_file():
            cached = self._cached(path, endpoint, what)
            if cached is not None:
                return cached
        post = self._use_post(params)
        if self.settings.api_key:
            params["api_key"] = self.settings.api_key
        # An answer that echoes the request carries the key: cut it out before it is cached or parsed.
        body = redact_bytes(self._send_with_retries(endpoint, params, post, what))
        if path is not None:
            atomic_write_bytes(path, body)
        return body

    def _cached(self, path: Path, endpoint: str, what: str) -> bytes | None:
        """A cached body, or None (and the file removed) when it fails today's checks."""
        body = path.read_bytes()
        try:
            self._check_body(body, endpoint, what, "")
        except (_Retryable, EutilsError) as exc:
            log.info("dropping unusable cached answer for %s: %s", what, exc)
            path.unlink(missing_ok=True)
            return None
        log.debug("cache hit %s", what)
        return body

    def _send_with_retries(self, endpoint: str, params: dict[str, str], post: bool, what: str) -> bytes:
        """Attempt the request up to ``max_attempts`` times (twice for an unreachable host); return a checked body."""
        url = self.settings.eutils_url + endpoint
        safe_url = url + "?" + urlencode(sorted((k, v) for k, v in params.items() if k not in _SECRET_PARAMS))
        last: _Retryable | None = None
        for attempt in range(1, self.max_attempts + 1):
            try:
                return self._send_once(endpoint, url, params, post, what, safe_url)
            except _Retryable as exc:
                last = exc
                if attempt == self.max_attempts or (exc.unreachable and attempt >= 2):
                    break
                delay = exc.wait
                if delay is None:
                    delay = self.backoff * 2 ** (attempt - 1) * (1 + 0.5 * self._rng.random())
                if exc.rate_limited:
                    self.limiter.defer(delay)
                log.info("retrying %s in %.1f s (attempt %d of %d): %s",
                         what, delay, attempt + 1, self.max_attempts, exc)
                self._sleep(delay)
        assert last is not None
        if last.unreachable:
            raise EutilsError(f"cannot reach {_host(url)} ({last.unreachable}; no network?)", url=safe_url)
        error = RateLimitError if last.rate_limited else EutilsError
        raise error(f"{what}: failed after {self.max_attempts} attempts ({last})", url=safe_url, status=last.status)

    def _send_once(self, endpoint: str, url: str, params: dict[str, str], post: bool, what: str,
                   safe_url: str) -> bytes:
        """One HTTP exchange (redirects on the configured host included); raise _Retryable for transient failures."""
        self.limiter.acquire()
        with self._count_lock:
            self.requests_sent += 1
        limit = _body_limit(endpoint, params)
        try:
            with self._exchange(url, params, post, what) as response:
                status = response.status_code
                body = _read_body(response, limit)
        except _TooLarge:
            raise EutilsError(f"{what}: answer larger than {limit / 2**20:.1f} MB, the most accepted for this "
                              "request; stopped reading", url=safe_url) from None
        except requests.Timeout:
            raise _Retryable("timed out") from None
        except requests.ConnectionError as exc:
            raise _Retryable(f"connection failed: {type(exc).__name__}", unreachable=_unreachable(exc)) from None
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as exc:
            raise _Retryable(f"connection failed: {type(exc).__name__}") from None
        except requests.RequestException as exc:  # an unusable URL or redirect: not worth retrying
            raise EutilsError(f"{what}: request failed ({type(exc).__name__})", url=safe_url) from None
        if status == 429 or _is_rate_limit_body(body):
            raise _Retryable(f"HTTP {status}: API rate limit exceeded", status,
                             _retry_after(response.headers.get("Retry-After")), rate_limited=True)
        if status >= 500:
            raise _Retryable(f"HTTP {status}", status, _retry_after(response.headers.get("Retry-After")))
        if status >= 400:
            raise EutilsError(f"{what}: HTTP {status} {response.reason}", url=safe_url, status=status)
        self._check_body(body, endpoint, what, safe_url)
        return body

    def _exchange(self, url: str, params: dict[str, str], post: bool, what: str) -> requests.Response:
        """Send the request and follow redirects that stay on the configured host; return the streamed response.

        Redirects are followed here, not by requests, so that a POST body carrying
        the API key is never re-sent to a host other than the configured one.
        301/302/303 turn a POST into a GET without body, 307/308 keep it, as browsers do.
        """
        method, data, query = ("POST", params, None) if post else ("GET", None, params)
        for _ in range(_MAX_REDIRECTS + 1):
            response = self.session.request(method, url, params=query, data=data, timeout=self.timeout,
                                            stream=True, allow_redirects=False)
            if not response.is_redirect:
                return response
            target = urljoin(response.url, response.headers["Location"])
            status = response.status_code
            response.close()
            self._check_redirect(target, what, status)
            if status in (301, 302, 303):
                method, data = "GET", None
            url, query = target, None  # the Location carries its own query string
        raise EutilsError(f"{what}: more than {_MAX_REDIRECTS} redirects (a redirect loop?)",
                          url=self.settings.eutils_url)

    def _check_redirect(self, target: str, what: str, status: int) -> None:
        """Refuse a redirect off the configured host, to another scheme, or from https down to http."""
        base, dest = urlsplit(self.settings.eutils_url), urlsplit(target)
        if dest.scheme not in ("http", "https"):
            raise EutilsError(f"{what}: refused a redirect to a {dest.scheme or 'relative'}: URL "
                              "(E-utilities is http or https)", status=status)
        if dest.hostname != base.hostname or (base.scheme, dest.scheme) == ("https", "http"):
            raise EutilsError(f"{what}: refused a redirect to {dest.scheme}://{_host(target)}: requests and "
                              f"the API key only go to {base.scheme}://{_host(self.settings.eutils_url)}",
                              status=status)

    @staticmethod
    def _check_body(body: bytes, endpoint: str, what: str, url: str) -> None:
        """Raise for ``<ERROR>``/expired sessions; _Retryable for truncated, non-XML or unexpected bodies."""
        head = body[:300].decode("utf-8", "replace")
        if _EXPIRED.search(head) and not head.lstrip().startswith("<"):
            raise HistoryExpiredError(f"{what}: {head.strip()}", url=url, status=200)
        try:
            root = etree.fromstring(body, _XML_PARSER)
        except etree.XMLSyntaxError as exc:
            raise _Retryable(f"unparseable or truncated body ({len(body)} bytes: {exc})", 200) from None
        errors = [(e.text or "").strip() for e in root.iter("ERROR")]
        if errors:
            message = f"{what}: NCBI error: {'; '.join(errors)}"
            if any(_EXPIRED.search(e) for e in errors):
                raise HistoryExpiredError(message, url=url, status=200)
            raise EutilsError(message, url=url, status=200)
        expected = _EXPECTED_ROOT.get(endpoint)
        if expected is not None and root.tag != expected:
            text = " ".join(" ".join(root.itertext()).split())[:80]
            raise _Retryable(f"unexpected <{root.tag}> answer instead of <{expected}>: {text!r}", 200)
        reader = _READERS.get(endpoint)
        if reader is not None:
            reader(root)

    # -- E-utilities ----------------------------------------------------------------
    def esearch(self, term: str, *, retstart: int = 0, retmax: int | None = None, usehistory: bool = True,
                mindate: str | None = None, maxdate: str | None = None, datetype: str | None = None,
                sort: str | None = None, refresh: bool = False, warn: bool = True) -> ESearchResult:
        """Run ESearch on PubMed.

        Parameters
        ----------
        term : str
            PubMed query.
        retstart, retmax : int
            Window of ``IdList`` (default: up to ``cap`` ids; PubMed never returns ids past 9,999).
        usehistory : bool
            Store the result on the history server (``WebEnv``/``query_key``).
        mindate, maxdate : str, optional
            ``YYYY/MM/DD`` bounds, used together, on ``datetype`` (``pdat`` if unset).
        sort : str, optional
            ``pub_date``, ``Author``, ``JournalName`` or ``relevance``.
        refresh : bool
            Ignore a cached answer (e.g. to renew an expired ``WebEnv``).
        warn : bool
            Issue diagnostics as warnings (they are kept on the result either way);
            slicing turns it off for its sub-searches, whose empty windows are expected.

        Returns
        -------
        ESearchResult

        Warns
        -----
        EutilsWarning
            For each ``ErrorList``/``WarningList`` entry (e.g. ``PhraseNotFound``).
        """
        params = {"db": "pubmed", "term": term, "retstart": retstart, "retmax": self.cap if retmax is None else retmax,
                  "usehistory": "y" if usehistory else None, "sort": sort}
        if mindate or maxdate:
            params.update(mindate=mindate, maxdate=maxdate, datetype=datetype or "pdat")
        body = self.request("esearch.fcgi", params, refresh=refresh)
        result = _esearch_result(etree.fromstring(body, _XML_PARSER))  # checked by request(): cannot fail
        for kind, items in (("ErrorList", result.errors), ("WarningList", result.warnings)):
            for tag, text in items if warn else ():
                warnings.warn(EutilsWarning(f"esearch {term!r}: {kind} {tag}: {text}"), stacklevel=2)
        return result

    def efetch(self, ids: Sequence[str] | None = None, *, webenv: str | None = None, query_key: str | None = None,
               retstart: int = 0, retmax: int | None = None) -> bytes:
        """Fetch PubMed XML by ids, or a window of a history-server set.

        Parameters
        ----------
        ids : sequence of str, optional
            PMIDs (POSTed when more than :data:`POST_THRESHOLD`).
        webenv, query_key : str, optional
            A history-server set, paged with ``retstart``/``retmax``.
        retstart, retmax : int
            The window (``retmax`` defaults to ``batch_size``).

        Returns
        -------
        bytes
            A ``PubmedArticleSet`` document; unknown ids are silently absent
            (compare requested and returned PMIDs).
        """
        if (ids is None) == (webenv is None):
            raise ValueError("give either ids or webenv + query_key")
        params: dict[str, object] = {"db": "pubmed", "retmode": "xml"}
        if ids is not None:
            params["id"] = ",".join(ids)
        else:
            params.update(WebEnv=webenv, query_key=query_key, retstart=retstart,
                          retmax=retmax or self.batch_size)
        return self.request("efetch.fcgi", params)

    def epost(self, ids: Iterable[str], *, refresh: bool = False) -> EPostResult:
        """Store ids on the history server (POSTed when long); return its handle."""
        ids = list(ids)
        if len(ids) > 10_000:
            raise ValueError("EPost takes at most 10,000 ids per request")
        body = self.request("epost.fcgi", {"db": "pubmed", "id": ",".join(ids)}, refresh=refresh)
        return _epost_result(etree.fromstring(body, _XML_PARSER))  # checked by request(): cannot fail
