"""Fetch stage: PubMed searches past the 9,999 cap, complete fetches, and the snapshot refresh.

Built on :class:`~litreview.eutils.EutilsClient`:

* :func:`search_query` runs one ESearch and, when ``Count`` exceeds what ESearch
  can page (9,999 for PubMed), splits the query by publication date
  (``mindate``/``maxdate``, ``datetype=pdat``) recursively down to single days,
  then by PMID range (``AND a:b[uid]``), until every slice fits; the slices'
  counts must add up to ``Count`` and any shortfall is reported.
* :func:`fetch_query` pages every slice from the history server in batches,
  compares requested and returned PMIDs (EFetch drops unknown ids silently),
  re-asks for the missing ones by id and reports those still missing.
* :func:`refresh` / :func:`refresh_snapshot` turn a snapshot into a live one:
  every mechanism query's hits become ``source: pubmed`` records, DOI-only
  records are resolved to PMIDs (``"<doi>"[aid]``), and curated judgements
  follow their records to the new keys.

Each record appears exactly once (records are keyed by PMID), also when a run
killed midway is started again with the same cache directory.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import partial

from tqdm import tqdm

from ..corpus.claims import Mechanism
from ..corpus.queries import build_queries
from ..corpus.records import Article
from ..corpus.review_config import Intervention
from ..corpus.snapshot import Provenance, SearchResult, Snapshot
from .eutils import EutilsClient
from .eutils_answers import ESearchResult, EutilsWarning, HistoryExpiredError

__all__ = [
    "SearchSlice",
    "QuerySearch",
    "QueryResult",
    "Refresh",
    "search_query",
    "fetch_ids",
    "fetch_query",
    "resolve_dois",
    "refresh",
    "refresh_from_searches",
    "refresh_snapshot",
]

#: Earliest publication date searched when slicing (PubMed's oldest citations are from 1781).
FIRST_DATE = date(1781, 1, 1)
#: Highest PMID range searched when a single day still exceeds the cap.
MAX_PMID = 99_999_999
#: DOIs OR-ed into one ``[aid]`` search.
DOI_BATCH = 50


@dataclass(frozen=True)
class SearchSlice:
    """One ESearch that fits under the cap: term, date window and its result."""

    term: str
    mindate: str | None
    maxdate: str | None
    result: ESearchResult


@dataclass(frozen=True)
class QuerySearch:
    """A query's search, sliced as needed.

    Attributes
    ----------
    term : str
        The query.
    count : int
        ESearch ``Count`` of the whole query.
    slices : tuple of SearchSlice
        Searches that each fit under the cap (one when ``count`` fits).
    shortfall : int
        ``count`` minus the slices' total (0 when they add up).
    errors, warnings : tuple of (str, str)
        ESearch ``ErrorList``/``WarningList`` entries of the whole query.
    """

    term: str
    count: int
    slices: tuple[SearchSlice, ...]
    shortfall: int = 0
    errors: tuple[tuple[str, str], ...] = ()
    warnings: tuple[tuple[str, str], ...] = ()

    @property
    def ids(self) -> tuple[str, ...]:
        """Every PMID the slices returned, once each, in slice order."""
        return tuple(dict.fromkeys(i for s in self.slices for i in s.result.ids))


@dataclass(frozen=True)
class QueryResult:
    """Records of one query and how complete they are.

    Attributes
    ----------
    search : QuerySearch
    articles : tuple of Article
        One per PMID, sorted by PMID.
    missing : tuple of str
        PMIDs ESearch returned but EFetch did not, even when asked by id.
    books : int
        How many records are ``PubmedBookArticle`` (``record_type == "book"``).
    """

    search: QuerySearch
    articles: tuple[Article, ...]
    missing: tuple[str, ...] = ()
    books: int = 0


@dataclass(frozen=True)
class Refresh:
    """Outcome of :func:`refresh`: the new snapshot and what could not be completed."""

    snapshot: Snapshot
    searches: Mapping[str, QuerySearch]
    missing: tuple[str, ...] = ()
    resolved: Mapping[str, str] = field(default_factory=dict)
    unresolved: tuple[str, ...] = ()


# -- searching ----------------------------------------------------------------------


def _day(d: date) -> str:
    """``YYYY/MM/DD`` as ESearch wants it."""
    return d.strftime("%Y/%m/%d")


def _split_uids(client: EutilsClient, term: str, day: str, lo: int, hi: int, out: list[SearchSlice]) -> None:
    """Slice one day's hits by PMID range until each range fits under the cap."""
    ranged = f"({term}) AND {lo}:{hi}[uid]"
    result = client.esearch(ranged, mindate=day, maxdate=day, warn=False)
    if result.count == 0:
        return
    if result.count <= client.cap or lo == hi:
        out.append(SearchSlice(ranged, day, day, result))
        return
    mid = (lo + hi) // 2
    _split_uids(client, term, day, lo, mid, out)
    _split_uids(client, term, day, mid + 1, hi, out)


def _split_dates(client: EutilsClient, term: str, lo: date, hi: date, out: list[SearchSlice]) -> None:
    """Slice by publication date, halving the window, until each slice fits under the cap."""
    result = client.esearch(term, mindate=_day(lo), maxdate=_day(hi), warn=False)
    if result.count == 0:
        return
    if result.count <= client.cap:
        out.append(SearchSlice(term, _day(lo), _day(hi), result))
    elif lo == hi:
        _split_uids(client, term, _day(lo), 1, MAX_PMID, out)
    else:
        mid = lo + timedelta(days=(hi - lo).days // 2)
        _split_dates(client, term, lo, mid, out)
        _split_dates(client, term, mid + timedelta(days=1), hi, out)


def search_query(client: EutilsClient, term: str, *, today: date | None = None) -> QuerySearch:
    """Search PubMed, slicing the query when it has more hits than ESearch can page.

    Parameters
    ----------
    client : EutilsClient
    term : str
        PubMed query.
    today : date, optional
        Upper end of the date range is the end of the following year (default: today).

    Returns
    -------
    QuerySearch
        Slices that each fit under ``client.cap``; ``shortfall`` > 0 when they
        do not add up to ``Count`` (records without a usable publication date).

    Warns
    -----
    EutilsWarning
        ESearch diagnostics, and a shortfall.
    """
    first = client.esearch(term)
    if first.count <= client.cap:
        slices = [SearchSlice(term, None, None, first)] if first.count else []
    else:
        slices = []
        last = date((today or date.today()).year + 1, 12, 31)
        _split_dates(client, term, FIRST_DATE, last, slices)
    found = sum(s.result.count for s in slices)
    shortfall = first.count - found
    if shortfall:
        warnings.warn(EutilsWarning(f"query {term!r}: slices hold {found} of {first.count} records "
                                    f"(shortfall {shortfall})"), stacklevel=2)
    return QuerySearch(term, first.count, tuple(slices), shortfall, first.errors, first.warnings)


# -- fetching -----------------------------------------------------------------------


def _parse(body: bytes) -> list[Article]:
    """Parse an EFetch body with the package's PubMed XML parser."""
    from .pubmed_xml import parse_pubmed_xml

    return parse_pubmed_xml(body)


def _page(client: EutilsClient, handle: tuple[str, str], total: int,
          renew: Callable[[], tuple[str, str]], bar: tqdm) -> list[Article]:
    """Fetch ``total`` records of a history set in batches, concurrently; re-search once if it expired."""
    webenv, query_key = handle
    starts = list(range(0, total, client.batch_size))
    articles: list[Article] = []
    expired: list[int] = []
    with ThreadPoolExecutor(max_workers=client.workers) as pool:
        futures: dict[Future[bytes], int] = {
            pool.submit(client.efetch, webenv=webenv, query_key=query_key, retstart=s, retmax=client.batch_size): s
            for s in starts
        }
        try:
            for future in as_completed(futures):
                try:
                    batch = _parse(future.result())
                except HistoryExpiredError:
                    expired.append(futures[future])
                    continue
                articles.extend(batch)
                bar.update(len(batch))
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    if expired:
        webenv, query_key = renew()
        for start in sorted(expired):
            batch = _parse(client.efetch(webenv=webenv, query_key=query_key, retstart=start,
                                         retmax=client.batch_size))
            articles.extend(batch)
            bar.update(len(batch))
    return articles


def _bar(client: EutilsClient, total: int, what: str, unit: str = "rec") -> tqdm:
    """A progress bar on stderr (done / total, rate, ETA), disabled unless the client shows progress."""
    return tqdm(total=total, desc=what, unit=unit, disable=not client.progress, leave=False)


def fetch_ids(client: EutilsClient, ids: Iterable[str]) -> tuple[list[Article], tuple[str, ...]]:
    """Fetch PubMed records by PMID.

    Small lists go in one EFetch (POSTed above 200 ids); larger ones are posted
    with EPost (10,000 at a time) and paged from the history server.

    Parameters
    ----------
    client : EutilsClient
    ids : iterable of str
        PMIDs; duplicates are fetched once.

    Returns
    -------
    articles : list of Article
        One per returned PMID.
    missing : tuple of str
        Requested PMIDs EFetch did not return (sorted).
    """
    wanted = list(dict.fromkeys(str(i) for i in ids))
    found: dict[str, Article] = {}
    with _bar(client, len(wanted), "efetch") as bar:
        for begin in range(0, len(wanted), 10_000):
            chunk = wanted[begin:begin + 10_000]
            if len(chunk) <= client.batch_size:
                batch = _parse(client.efetch(chunk))
                bar.update(len(batch))
            else:
                posted = client.epost(chunk)

                def renew(chunk: list[str] = chunk) -> tuple[str, str]:
                    again = client.epost(chunk, refresh=True)
                    return again.webenv, again.query_key

                batch = _page(client, (posted.webenv, posted.query_key), len(chunk), renew, bar)
            found.update((a.pmid, a) for a in batch if a.pmid)
    missing = tuple(sorted((i for i in wanted if i not in found), key=int))
    return [found[i] for i in wanted if i in found], missing


def _pmid_order(article: Article) -> tuple[int, str]:
    """Sort key: numeric PMID."""
    return (int(article.pmid or 0), article.key)


def fetch_query(client: EutilsClient, term: str, *, today: date | None = None) -> QueryResult:
    """Search a query and fetch every record it matches, exactly once.

    Parameters
    ----------
    client : EutilsClient
    term : str
        PubMed query.
    today : date, optional
        Passed to :func:`search_query`.

    Returns
    -------
    QueryResult
        Records sorted by PMID, plus the PMIDs that could not be fetched.

    Warns
    -----
    EutilsWarning
        ESearch diagnostics, a slicing shortfall, PMIDs still missing after a retry by id.

    Examples
    --------
    >>> result = fetch_query(client, '"ketamine"[tiab] AND BDNF[tiab]')  # doctest: +SKIP
    >>> len(result.articles), result.search.count, result.missing  # doctest: +SKIP
    """
    search = search_query(client, term, today=today)
    found: dict[str, Article] = {}
    with _bar(client, search.count, "efetch") as bar:
        for piece in search.slices:
            def renew(piece: SearchSlice = piece) -> tuple[str, str]:
                again = client.esearch(piece.term, mindate=piece.mindate, maxdate=piece.maxdate, refresh=True,
                                       warn=False)
                return again.webenv or "", again.query_key or ""

            handle = (piece.result.webenv or "", piece.result.query_key or "")
            for article in _page(client, handle, piece.result.count, renew, bar):
                if article.pmid:
                    found.setdefault(article.pmid, article)
    gap = [i for i in search.ids if i not in found]
    missing: tuple[str, ...] = ()
    if gap:
        again, missing = fetch_ids(client, gap)
        found.update((a.pmid, a) for a in again if a.pmid)
    if missing:
        warnings.warn(EutilsWarning(f"query {term!r}: {len(missing)} PMID(s) not returned by EFetch: "
                                    f"{', '.join(missing[:10])}"), stacklevel=2)
    articles = tuple(sorted(found.values(), key=_pmid_order))
    books = sum(1 for a in articles if a.record_type == "book")
    return QueryResult(search, articles, missing, books)


def resolve_dois(client: EutilsClient, dois: Iterable[str]) -> dict[str, Article]:
    """Find the PubMed records of DOIs (``"<doi>"[aid]``, OR-ed in batches).

    Parameters
    ----------
    client : EutilsClient
    dois : iterable of str

    Returns
    -------
    dict of str to Article
        Lower-cased DOI -> its PubMed record, for the DOIs PubMed knows.
    """
    wanted = list(dict.fromkeys(d.strip().lower() for d in dois if d and d.strip()))
    ids: list[str] = []
    for begin in range(0, len(wanted), DOI_BATCH):
        chunk = wanted[begin:begin + DOI_BATCH]
        term = " OR ".join(f'"{doi}"[aid]' for doi in chunk)
        ids.extend(client.esearch(term, usehistory=False).ids)
    articles, _ = fetch_ids(client, ids)
    by_doi = {a.doi.lower(): a for a in articles if a.doi}
    return {doi: by_doi[doi] for doi in wanted if doi in by_doi}


# -- snapshot refresh ---------------------------------------------------------------


def _rekey(keys: Iterable[str], key_map: Mapping[str, str]) -> set[str]:
    """Apply the old -> new key map."""
    return {key_map.get(k, k) for k in keys}


def refresh(snapshot: Snapshot, mechanisms: Mapping[str, Mechanism], client: EutilsClient,
            retrieved: str, *, today: date | None = None, intervention: Intervention | None = None) -> Refresh:
    """Refresh a snapshot from PubMed: every mechanism query's hits become PubMed records.

    Parameters
    ----------
    snapshot : Snapshot
        The current snapshot (curated or from an earlier refresh).
    mechanisms : mapping of str to Mechanism
        Mechanisms whose queries (:func:`~litreview.queries.build_queries`) are run.
    client : EutilsClient
    retrieved : str
        Date ``YYYY-MM-DD`` written into provenance and searches.
    today : date, optional
        Passed to :func:`search_query`.
    intervention : Intervention, optional
        The review's intervention, ANDed into every query (``litreview.toml``).

    Returns
    -------
    Refresh
        The new snapshot; ``missing`` PMIDs EFetch did not return; ``resolved``
        DOI -> PMID; ``unresolved`` DOIs PubMed does not know (still DOI-only,
        ``source: curated``).

    Notes
    -----
    Curated records (and any record a curated judgement names) are fetched by
    PMID and replaced by their PubMed record; their judgements are re-keyed from
    ``doi:...`` to the PMID. Records PubMed does not return stay as they were.
    Each mechanism's ``keys`` are its hits plus the curated records it held
    before, so curated evidence stays attached to its mechanism.
    """
    queries = build_queries(mechanisms, intervention)
    searches = {}
    with _bar(client, len(queries), "esearch", unit="query") as bar:
        for mech, term in queries.items():
            searches[mech] = search_query(client, term, today=today)
            bar.update(1)
    return refresh_from_searches(snapshot, searches, retrieved, fetch=partial(fetch_ids, client),
                                 resolve=partial(resolve_dois, client), origin="esearch", source="PubMed")


def refresh_from_searches(
    snapshot: Snapshot,
    searches: Mapping[str, QuerySearch],
    retrieved: str,
    *,
    fetch: Callable[[Iterable[str]], tuple[list[Article], tuple[str, ...]]],
    resolve: Callable[[Iterable[str]], Mapping[str, Article]],
    origin: str,
    source: str,
) -> Refresh:
    """The snapshot refresh of :func:`refresh`, once the mechanism searches are done.

    Shared by the online refresh and the offline mirror
    (:func:`~litreview.mirror.refresh_from_mirror`), which differ only in how
    they search, fetch records by PMID and resolve DOIs.

    Parameters
    ----------
    snapshot : Snapshot
        The current snapshot.
    searches : mapping of str to QuerySearch
        Mechanism key -> its search.
    retrieved : str
        Date ``YYYY-MM-DD`` written into provenance and searches.
    fetch : callable
        PMIDs -> ``(articles, missing PMIDs)``, like :func:`fetch_ids`.
    resolve : callable
        DOIs -> ``{lower-cased DOI: Article}``, like :func:`resolve_dois`.
    origin : str
        :attr:`SearchResult.origin <litreview.snapshot.SearchResult>` of the new searches.
    source : str
        Where records come from, for warnings (``"PubMed"``, ``"the mirror"``).

    Returns
    -------
    Refresh
        As for :func:`refresh`.

    Warns
    -----
    EutilsWarning
        PMIDs ``fetch`` did not return; DOIs ``resolve`` did not find.
    """
    hits = {mech: set(s.ids) for mech, s in searches.items()}
    judged = {j.key for j in snapshot.curated}
    keep = [a for a in snapshot.records if a.source == "curated" or a.key in judged]
    doi_only = {a.doi.lower(): a for a in keep if a.pmid is None and a.doi}
    resolved = resolve(doi_only)
    key_map = {f"doi:{doi}": article.pmid for doi, article in resolved.items() if article.pmid}
    wanted = set().union(*hits.values()) | {a.pmid for a in keep if a.pmid}
    articles, missing = fetch(sorted(wanted - set(key_map.values()), key=int))
    fetched = {a.pmid: a for a in [*resolved.values(), *articles] if a.pmid}
    if missing:
        warnings.warn(EutilsWarning(f"{len(missing)} PMID(s) not found in {source}: {', '.join(missing[:10])}"),
                      stacklevel=3)
    unresolved = tuple(sorted(set(doi_only) - set(resolved)))
    if unresolved:
        warnings.warn(EutilsWarning(f"{len(unresolved)} DOI(s) unknown to {source} stay DOI-only: "
                                    f"{', '.join(unresolved[:10])}"), stacklevel=3)

    records: dict[str, Article] = dict(fetched)
    for article in keep:
        records.setdefault(key_map.get(article.key, article.key), article)
    judged_new = _rekey(judged, key_map)
    keys_by_mech = {}
    for mech in searches:
        old = snapshot.searches.get(mech)
        curated_keys = _rekey(old.keys, key_map) & judged_new if old else set()
        keys_by_mech[mech] = (hits[mech] | curated_keys) & set(records)
    queries_of: dict[str, list[str]] = {}
    for mech, keys in keys_by_mech.items():
        for key in keys:
            queries_of.setdefault(key, []).append(mech)
    old_prov = {key_map.get(k, k): p for k, p in snapshot.provenance.items()}
    provenance = {}
    for key, article in records.items():
        before = old_prov.get(key)
        if key in fetched:
            provenance[key] = Provenance(key=key, source="pubmed", retrieved=retrieved,
                                         verification=before.verification if before else None,
                                         verified_via=before.verified_via if before else None,
                                         queries=tuple(sorted(queries_of.get(key, ()))))
        else:
            provenance[key] = replace(before, key=key) if before else Provenance(key, article.source, retrieved)
    judgements = {}
    for j in snapshot.curated:
        new = replace(j, key=key_map.get(j.key, j.key))
        judgements[(new.key, new.claim_id)] = new
    new_searches = {
        mech: SearchResult(mechanism=mech, query=s.term, count=s.count, keys=tuple(sorted(keys_by_mech[mech])),
                           origin=origin, retrieved=retrieved)
        for mech, s in searches.items()
    }
    new_snapshot = Snapshot(
        records=tuple(records[k] for k in sorted(records)),
        searches=new_searches,
        provenance={k: provenance[k] for k in sorted(provenance)},
        curated=tuple(judgements[k] for k in sorted(judgements)),
    )
    return Refresh(new_snapshot, searches, missing, {d: a.pmid for d, a in resolved.items() if a.pmid}, unresolved)


def refresh_snapshot(snapshot: Snapshot, mechanisms: Mapping[str, Mechanism], client: EutilsClient,
                     retrieved: str, intervention: Intervention | None = None) -> Snapshot:
    """The snapshot :func:`refresh` produces (shortcut when the report is not needed).

    Parameters
    ----------
    snapshot, mechanisms, client, retrieved, intervention
        As for :func:`refresh`.

    Returns
    -------
    Snapshot
    """
    return refresh(snapshot, mechanisms, client, retrieved, intervention=intervention).snapshot

