"""A local HTTP server that answers like NCBI E-utilities (PubMed), for tests and benchmarks.

It serves ESearch (history server, paging, the 9,999 cap with its ``<ERROR>``,
``ErrorList`` for unknown terms, date and ``a:b[uid]`` filters, ``"doi"[aid]``
look-ups), EFetch (by ids, dropping unknown ones, or by ``WebEnv``/``query_key``
windows; an expired ``WebEnv`` gives NCBI's ``<ERROR>``) and EPost, with bodies
built by re-numbering PubMed records (real ones from ``../shared`` when given).

Faults are scripted per endpoint and consumed one per request:
``"429"`` / ``"429:SECONDS"`` (NCBI's JSON body, optional Retry-After),
``"ratelimit200"`` (the JSON body under 200), ``"500"``/``"502"``/``"503"``
(HTML pages), ``"truncate"`` (half a body, then close), ``"reset"`` (close
without answering), ``"slow:SECONDS"``, ``"error"`` (``<ERROR>`` in a 200),
``"real:NAME"`` (serve ``NAME`` from the real responses directory),
``"expire"`` (forget every WebEnv first), ``"ok"`` (no fault: to reach a later one).
Hostile or broken answers: ``"redirect:CODE:TARGET"`` (a redirect to ``TARGET``,
where ``{query}`` is replaced by the request's query string or POST body and
``self`` means the requested URL), ``"echo400"`` (a 400 whose reason phrase and
plain-text body echo the request, API key included), ``"maintenance"`` (an HTML
maintenance page with status 200), ``"count:VALUE"`` (an ESearch answer whose
``<Count>`` is ``VALUE``), ``"echowarning"`` (a good ESearch answer whose
``WarningList`` echoes the request, API key included) and ``"huge:MB"`` (a 200 streaming ``MB`` megabytes of
``<Id>`` lines with no Content-Length).
An optional sliding-window rate limit answers 429 like NCBI when exceeded.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape

RATE_LIMIT_BODY = b'{"error":"API rate limit exceeded","api-key":"127.0.0.1","count":"4","limit":"3"}\n'
HTML_ERRORS = {
    500: b"<html><body><h1>WWW Error 500 Diagnostic</h1><p>A transient problem, please try the query again.</p>"
         b"</body></html>",
    502: b"<html><head><title>502 Proxy Error</title></head><body><h1>Proxy Error</h1></body></html>",
    503: b"<html><head><title>503 Service Unavailable</title></head><body>Service unavailable</body></html>",
}
MAINTENANCE_PAGE = (b"<html><head><title>NCBI</title></head><body><h1>Down for maintenance</h1>"
                    b"<p>E-utilities will be back shortly.</p></body></html>")
_ARTICLE = re.compile(rb"<(PubmedArticle|PubmedBookArticle)>.*?</\1>", re.DOTALL)
_PMID = re.compile(rb"<PMID Version=\"(\d+)\">(\d+)</PMID>")
_DOI = re.compile(rb"(<(?:ArticleId IdType=\"doi\"|ELocationID EIdType=\"doi\"[^>]*)>)[^<]*(<)")
_UID_RANGE = re.compile(r"^\((.*)\) AND (\d+):(\d+)\[uid\]$", re.DOTALL)
_AID = re.compile(r'^"([^"]+)"\[aid\]$')


def load_templates(*paths: Path) -> list[bytes]:
    """Every ``PubmedArticle``/``PubmedBookArticle`` element in the given EFetch files."""
    out = []
    for path in paths:
        out.extend(m.group(0) for m in _ARTICLE.finditer(path.read_bytes()))
    return out


def renumber(template: bytes, pmid: str, doi: str | None) -> bytes:
    """A record with the first PMID (and its pubmed ArticleId) set to ``pmid`` and the DOI to ``doi``."""
    match = _PMID.search(template)
    old = match.group(2)
    body = template.replace(b">" + old + b"<", b">" + pmid.encode() + b"<")
    if doi:
        body = _DOI.sub(lambda m: m.group(1) + doi.encode() + m.group(2), body)
    return body


@dataclass
class Record:
    """One synthetic PubMed record: publication date, DOI, and whether it is a book."""

    pdat: date
    doi: str | None = None
    book: bool = False


@dataclass
class FakeEutils:
    """Configuration and state of the fake E-utilities server.

    ``records`` maps PMID -> :class:`Record`; ``terms`` maps a query term to its
    PMIDs. ``templates`` are article XML elements (``book_template`` for books).
    """

    records: dict[str, Record]
    terms: dict[str, list[str]]
    templates: list[bytes]
    book_template: bytes | None = None
    cap: int = 9999
    rate_limit: float | None = None
    latency: tuple[float, float] = (0.0, 0.0)
    per_record: float = 0.0
    real_dir: Path | None = None
    seed: int = 0
    log: list[dict] = field(default_factory=list)
    rejected: int = 0
    faults: dict[str, deque] = field(default_factory=dict)
    history: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._arrivals: deque[float] = deque()
        self._rng = random.Random(self.seed)
        self._server: ThreadingHTTPServer | None = None
        self._webenvs = 0
        self._bodies: dict[str, bytes] = {}

    # -- control --------------------------------------------------------------
    def script(self, endpoint: str, *actions: str) -> None:
        """Queue faults for the next requests to ``endpoint`` (e.g. ``"efetch"``)."""
        self.faults.setdefault(endpoint, deque()).extend(actions)

    def expire_history(self) -> None:
        """Forget every WebEnv, as NCBI does after a while."""
        with self._lock:
            self.history.clear()

    def requests_to(self, endpoint: str) -> list[dict]:
        """Logged requests to one endpoint."""
        return [r for r in self.log if r["endpoint"] == endpoint]

    @property
    def url(self) -> str:
        """Base URL, ending in ``/``."""
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/entrez/eutils/"

    def start(self) -> FakeEutils:
        """Serve on 127.0.0.1, an ephemeral port, in a daemon thread."""
        fake = self

        class Handler(_Handler):
            server_state = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        """Shut the server down."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeEutils:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- behaviour ------------------------------------------------------------
    def _over_limit(self) -> bool:
        """Sliding one-second window of arrivals, counted like NCBI (every request counts)."""
        if self.rate_limit is None:
            return False
        with self._lock:
            now = time.monotonic()
            self._arrivals.append(now)
            while self._arrivals and self._arrivals[0] <= now - 1.0:
                self._arrivals.popleft()
            if len(self._arrivals) > self.rate_limit:
                self.rejected += 1
                return True
            return False

    def _next_fault(self, endpoint: str) -> str | None:
        """Pop the next scripted fault for this endpoint."""
        with self._lock:
            queue = self.faults.get(endpoint)
            return queue.popleft() if queue else None

    def _new_webenv(self, ids: list[str]) -> str:
        """Store ids on the history server."""
        with self._lock:
            self._webenvs += 1
            webenv = f"MCID_fake{self._webenvs:06d}"
            self.history[webenv] = ids
            return webenv

    def _match(self, term: str, params: dict[str, str]) -> tuple[list[str], list[str]]:
        """PMIDs for a term (newest first) and the phrases not found."""
        lo, hi = 0, None
        ranged = _UID_RANGE.match(term)
        if ranged:
            term, lo, hi = ranged.group(1), int(ranged.group(2)), int(ranged.group(3))
        parts = term.split(" OR ")
        if all(_AID.match(p) for p in parts):
            by_doi = {r.doi.lower(): pmid for pmid, r in self.records.items() if r.doi}
            dois = [_AID.match(p).group(1).lower() for p in parts]
            ids = [by_doi[d] for d in dois if d in by_doi]
            not_found = [d for d in dois if d not in by_doi]
        elif term in self.terms:
            ids, not_found = list(self.terms[term]), []
        else:
            ids, not_found = [], [term]
        if hi is not None:
            ids = [i for i in ids if lo <= int(i) <= hi]
        if params.get("mindate"):
            first = date(*map(int, params["mindate"].split("/")))
            last = date(*map(int, params["maxdate"].split("/")))
            ids = [i for i in ids if first <= self.records[i].pdat <= last]
        return sorted(set(ids), key=int, reverse=True), not_found

    def esearch(self, params: dict[str, str]) -> bytes:
        """An eSearchResult body."""
        ids, not_found = self._match(params.get("term", ""), params)
        retstart, retmax = int(params.get("retstart", 0)), int(params.get("retmax", 20))
        if retstart > self.cap - 1:
            return (b"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<eSearchResult><ERROR>'retstart' cannot be "
                    b"larger than %d. For PubMed, ESearch can only retrieve the first %d records matching the "
                    b"query. To obtain more than %d PubMed records, consider using EDirect</ERROR></eSearchResult>"
                    % (self.cap - 1, self.cap, self.cap))
        page = ids[retstart:min(retstart + retmax, self.cap)]
        history = ""
        if params.get("usehistory") == "y":
            history = f"<QueryKey>1</QueryKey><WebEnv>{self._new_webenv(ids)}</WebEnv>"
        id_list = "".join(f"<Id>{i}</Id>\n" for i in page)
        errors = "".join(f"<PhraseNotFound>{p}</PhraseNotFound>" for p in not_found)
        tail = f"<ErrorList>{errors}</ErrorList>" if errors else ""
        if not ids:
            tail += "<WarningList><OutputMessage>No items found.</OutputMessage></WarningList>"
        return (f'<?xml version="1.0" encoding="UTF-8" ?>\n<eSearchResult><Count>{len(ids)}</Count>'
                f"<RetMax>{len(page)}</RetMax><RetStart>{retstart}</RetStart>{history}<IdList>\n{id_list}</IdList>"
                f"<TranslationSet/><QueryTranslation>{params.get('term', '')}</QueryTranslation>{tail}"
                f"</eSearchResult>").encode()

    def article_set(self, ids: list[str]) -> bytes:
        """A PubmedArticleSet with the known ids (unknown ones dropped, like NCBI)."""
        parts = [b'<?xml version="1.0" ?>\n<PubmedArticleSet>\n']
        for pmid in ids:
            record = self.records.get(pmid)
            if record is None:
                continue
            body = self._bodies.get(pmid)
            if body is None:
                template = self.book_template if record.book and self.book_template else \
                    self.templates[int(pmid) % len(self.templates)]
                body = self._bodies[pmid] = renumber(template, pmid, record.doi)
            parts.append(body)
            parts.append(b"\n")
        parts.append(b"</PubmedArticleSet>\n")
        return b"".join(parts)

    def efetch(self, params: dict[str, str]) -> tuple[bytes, int]:
        """An EFetch body and the number of records in it."""
        if params.get("WebEnv"):
            with self._lock:
                ids = self.history.get(params["WebEnv"])
            if ids is None:
                return (b'<?xml version="1.0" ?>\n<eFetchResult><ERROR>Unable to obtain query #'
                        + params.get("query_key", "1").encode() + b"</ERROR></eFetchResult>\n", 0)
            start, size = int(params.get("retstart", 0)), int(params.get("retmax", 20))
            ids = ids[start:start + size]
        else:
            ids = [i for i in params.get("id", "").split(",") if i]
        return self.article_set(ids), len(ids)

    def epost(self, params: dict[str, str]) -> bytes:
        """An ePostResult body."""
        ids = [i for i in params.get("id", "").split(",") if i]
        if not ids:
            return b'<?xml version="1.0" ?>\n<ePostResult><ERROR>Empty ID list; Nothing to store</ERROR></ePostResult>'

        return (f'<?xml version="1.0" ?>\n<ePostResult>\n\t<QueryKey>1</QueryKey>\n'
                f"\t<WebEnv>{self._new_webenv(ids)}</WebEnv>\n</ePostResult>\n").encode()


class _Handler(BaseHTTPRequestHandler):
    """Request handler; ``server_state`` is the FakeEutils instance."""

    protocol_version = "HTTP/1.1"
    server_state: FakeEutils

    def log_message(self, *args: object) -> None:
        """Silence the default stderr logging."""

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        self._handle(urlparse(self.path).query)

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length", 0))
        self._handle(self.rfile.read(length).decode())

    def _send(self, status: int, body: bytes, content_type: str = "text/xml; charset=UTF-8",
              headers: dict[str, str] | None = None) -> None:
        """Send a complete response."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _handle(self, raw_query: str) -> None:
        """Dispatch one request; a client that went away (killed, timed out) is not an error."""
        try:
            self._answer(raw_query)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _answer(self, raw_query: str) -> None:
        """Answer one request, applying faults, rate limit and latency."""
        state = self.server_state
        params = {k: v[-1] for k, v in parse_qs(raw_query).items()}
        endpoint = urlparse(self.path).path.rsplit("/", 1)[-1].removesuffix(".fcgi")
        entry = {"endpoint": endpoint, "method": self.command, "params": params, "time": time.monotonic(),
                 "host": self.headers.get("Host"), "path": urlparse(self.path).path}
        with state._lock:
            state.log.append(entry)
        fault = state._next_fault(endpoint)
        entry["fault"] = fault
        if fault == "expire":
            state.expire_history()
        limited = state._over_limit()  # counted on arrival, as NCBI does
        low, high = state.latency
        if high:
            time.sleep(state._rng.uniform(low, high))
        if limited or (fault or "").startswith("429"):
            wait = fault.split(":")[1] if fault and ":" in fault else None
            entry["status"] = 429
            self._send(429, RATE_LIMIT_BODY, "application/json", {"Retry-After": wait} if wait else None)
            return
        if fault == "reset":
            entry["status"] = None
            self.close_connection = True
            self.connection.close()
            return
        if fault and fault.startswith("slow:"):
            time.sleep(float(fault.split(":")[1]))
        if fault == "ratelimit200":
            entry["status"] = 200
            self._send(200, RATE_LIMIT_BODY, "application/json")
            return
        if fault in ("500", "502", "503"):
            entry["status"] = int(fault)
            self._send(int(fault), HTML_ERRORS[int(fault)], "text/html")
            return
        if fault == "error":
            entry["status"] = 200
            self._send(200, b'<?xml version="1.0" ?>\n<eSearchResult><ERROR>Search Backend failed: '
                            b"out of acceptable range</ERROR></eSearchResult>\n")
            return
        if fault and fault.startswith("real:"):
            entry["status"] = 200
            self._send(200, (state.real_dir / fault.split(":", 1)[1]).read_bytes())
            return
        if self._hostile(fault, raw_query, entry):
            return
        if endpoint == "esearch":
            body = state.esearch(params)
        elif endpoint == "efetch":
            body, n = state.efetch(params)
            if state.per_record:
                time.sleep(state.per_record * n)
        elif endpoint == "epost":
            body = state.epost(params)
        else:
            self._send(404, b"not found", "text/plain")
            return
        if fault and fault.startswith("count:"):
            body = re.sub(rb"<Count>\d+</Count>", b"<Count>" + fault.split(":", 1)[1].encode() + b"</Count>", body,
                          count=1)
        entry["status"] = 200
        if fault == "truncate":
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
            return
        self._send(200, body)

    def _hostile(self, fault: str | None, raw_query: str, entry: dict) -> bool:
        """Answer with a redirect, an echoing 400, a maintenance page or a huge stream; False for other faults."""
        if fault and fault.startswith("redirect:"):
            _, code, target = fault.split(":", 2)
            here = f"http://{self.headers.get('Host')}{urlparse(self.path).path}?{raw_query}"
            location = here if target == "self" else target.replace("{query}", raw_query)
            entry["status"] = int(code)
            self._send(int(code), b"", "text/plain", {"Location": location})
            return True
        if fault == "echo400":
            echo = f"{self.command} {urlparse(self.path).path}?{raw_query}"
            entry["status"] = 400
            body = f"Bad Request: {echo}".encode()
            self.send_response(400, f"Bad Request for {echo}")
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return True
        if fault == "echowarning":
            entry["status"] = 200
            params = {k: v[-1] for k, v in parse_qs(raw_query).items()}
            echo = f"<WarningList><OutputMessage>Ignored: {escape(raw_query)}</OutputMessage></WarningList>"
            self._send(200, self.server_state.esearch(params).replace(b"</eSearchResult>",
                                                                      echo.encode() + b"</eSearchResult>"))
            return True
        if fault == "maintenance":
            entry["status"] = 200
            self._send(200, MAINTENANCE_PAGE, "text/html")
            return True
        if fault and fault.startswith("huge:"):
            entry["status"] = 200
            block = b"<Id>12345678</Id>\n" * ((1 << 20) // 18)
            total = int(float(fault.split(":", 1)[1]) * (1 << 20))
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b'<?xml version="1.0" ?>\n<eSearchResult><Count>1</Count><IdList>\n')
            entry["sent"] = 0
            while entry["sent"] < total:  # the client hanging up ends it (BrokenPipeError)
                piece = block[:total - entry["sent"]]
                self.wfile.write(piece)
                entry["sent"] += len(piece)
            self.close_connection = True
            return True
        return False
