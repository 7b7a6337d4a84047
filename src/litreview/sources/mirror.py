"""Local PubMed mirror: open and search the Parquet mirror offline with DuckDB.

A user who outgrows E-utilities works from NCBI's annual baseline and daily
update files: :func:`~litreview.sources.mirror_build.build_mirror` converts them
into a mirror directory (format in :mod:`.mirror_format`); this module opens it
(:func:`open_mirror`), searches it (:func:`search_mirror`), fetches records by
PMID (:func:`mirror_articles`) and refreshes a snapshot from it
(:func:`refresh_from_mirror`). A search sees exactly one, current, version of
every PMID. A search that meets an unreadable Parquet file fails in one line
that says to run the build.

Search language of :func:`search_mirror` (see there): words and ``"quoted
phrases"`` ANDed, matched case-insensitively as whole words in title and
abstract, with a trailing ``*`` for truncation.

The mirror needs the ``mirror`` extra (Dask, PyArrow, DuckDB); without it every
function raises :class:`~litreview.errors.ConfigError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..corpus.claims import Mechanism
from ..corpus.queries import build_queries, query_groups
from ..corpus.records import Article
from ..corpus.review_config import Intervention
from ..errors import MirrorError
from .mirror_format import (
    _MANIFEST,
    _SUPERSEDED,
    _fingerprint,
    _load_manifest,
    _parquet_list,
    _pmid_key,
    _readable,
    _require,
    _schema_fingerprint,
    _sql_str,
    arrow_schema,
)

if TYPE_CHECKING:
    import duckdb

    from ..corpus.snapshot import Snapshot
    from .fetch import Refresh

__all__ = ["open_mirror", "search_mirror", "mirror_hits", "mirror_articles", "refresh_from_mirror"]


# -- searching ----------------------------------------------------------------------


def open_mirror(mirror_dir: str | Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with a view ``articles`` of the mirror's current records.

    Parameters
    ----------
    mirror_dir : str or Path
        Directory written by :func:`build_mirror`.

    Returns
    -------
    duckdb.DuckDBPyConnection
        In-memory connection; ``articles`` has one row per current PMID and the
        columns of :func:`arrow_schema` without ``_seq``/``_row``. Close it when done.

    Raises
    ------
    MirrorError
        Not a mirror, or its build was interrupted before the current-version
        index was written (run :func:`build_mirror` again).
    ConfigError
        The mirror extra is not installed.

    Examples
    --------
    >>> con = open_mirror("mirror")  # doctest: +SKIP
    >>> con.sql("SELECT year, count(*) FROM articles GROUP BY year ORDER BY year").df()  # doctest: +SKIP
    """
    _require()
    import duckdb

    mirror_dir = Path(mirror_dir)
    if not (mirror_dir / _MANIFEST).is_file():
        raise MirrorError(f"{mirror_dir}: not a mirror (no {_MANIFEST}; run `litreview mirror build`)")
    manifest = _load_manifest(mirror_dir)
    files = manifest["files"]
    resolved = manifest.get("resolved") or {}
    if resolved.get("inputs") != _fingerprint(files) or not (mirror_dir / _SUPERSEDED).is_file():
        raise MirrorError(f"{mirror_dir}: mirror build incomplete; run `litreview mirror build` again")
    if manifest.get("schema") != _schema_fingerprint():
        raise MirrorError(f"{mirror_dir}: mirror written with another record schema; run `litreview mirror build`")
    con = duckdb.connect()
    if files:
        try:
            with _readable(mirror_dir):
                con.execute(f"""
                    CREATE VIEW articles AS
                    SELECT r.* EXCLUDE (_seq, _row) FROM read_parquet({_parquet_list(mirror_dir, files)}) r
                    ANTI JOIN read_parquet({_sql_str(mirror_dir / _SUPERSEDED)}) s
                         ON r._seq = s._seq AND r._row = s._row
                """)
        except MirrorError:
            con.close()
            raise
    else:
        import pyarrow as pa

        empty = arrow_schema()
        con.register("_empty", pa.table({f.name: pa.array([], f.type) for f in empty}, schema=empty))
        con.execute("CREATE VIEW articles AS SELECT * EXCLUDE (_seq, _row) FROM _empty")
    return con


@dataclass(frozen=True)
class _Term:
    """One title/abstract term: a word or phrase, optionally truncated."""

    words: tuple[str, ...]
    truncated: bool = False

    @property
    def pattern(self) -> str:
        """RE2 pattern matching the term as whole words, case-insensitively."""
        body = r"[^\pL\pN]+".join(re.escape(w) for w in self.words)
        end = r"[\pL\pN]*" if self.truncated else r"(?:[^\pL\pN]|$)"
        return rf"(?i)(?:^|[^\pL\pN]){body}{end}"


def _term(text: str) -> _Term:
    """A term from free text: alphanumeric runs, trailing ``*`` = truncation."""
    truncated = text.endswith("*")
    words = tuple(re.findall(r"[^\W_]+", text.rstrip("*")))
    if not words:
        raise MirrorError(f"term {text!r} has no letters or digits")
    if len(words) > _MAX_TERM_WORDS or len(text) > _MAX_TERM_CHARS:
        # DuckDB's regex engine refuses a pattern that large, with an error that reads like a damaged file.
        raise MirrorError(f"term {text[:40]!r}... is too long ({len(words)} words, {len(text)} characters; at most "
                          f"{_MAX_TERM_WORDS} words and {_MAX_TERM_CHARS} characters): search a shorter phrase")
    return _Term(words, truncated)


_MAX_TERM_WORDS = 100
_MAX_TERM_CHARS = 1000
_TOKEN = re.compile(r'"(?P<phrase>[^"]*)"(?P<star>\*?)|(?P<word>[^\s"]+)|(?P<open>")')


def _parse_query(query: str) -> list[_Term]:
    """Split a mirror query into ANDed terms; raise MirrorError for unsupported syntax."""
    terms = []
    for match in _TOKEN.finditer(query):
        if match["open"]:
            raise MirrorError(f"query {query!r}: unbalanced quote")
        if match["phrase"] is not None:
            terms.append(_term(match["phrase"] + match["star"]))
            continue
        word = match["word"]
        if word == "AND":
            continue
        if word in ("OR", "NOT") or any(ch in word for ch in "()[]"):
            raise MirrorError(f"query {query!r}: only words and \"phrases\" joined by AND are supported "
                              f"(not {word!r}); use --mesh/--pt/--years for filters")
        terms.append(_term(word))
    return terms


def _where(groups: Sequence[tuple[Sequence[_Term], Sequence[str]]], mesh: Sequence[str],
           publication_types: Sequence[str], years: tuple[int | None, int | None] | None) -> tuple[str, list[Any]]:
    """SQL ``WHERE`` clause and parameters: every group (any of its terms or MeSH headings) and every filter."""
    text = "concat_ws(' ', title, abstract)"
    mesh_lc = "list_transform(mesh_headings, lambda m: lower(m.descriptor))"
    where: list[str] = []
    params: list[Any] = []
    for terms, headings in groups:
        anyof = []
        for term in terms:
            anyof.append(f"regexp_matches({text}, ?)")
            params.append(term.pattern)
        if headings:
            anyof.append(f"list_has_any({mesh_lc}, ?)")
            params.append([h.lower() for h in headings])
        where.append("(" + (" OR ".join(anyof) or "false") + ")")
    if mesh:
        where.append(f"list_has_any({mesh_lc}, ?)")
        params.append([m.lower() for m in mesh])
    if publication_types:
        where.append("list_has_any(list_transform(publication_types, lambda p: lower(p.name)), ?)")
        params.append([p.lower() for p in publication_types])
    low, high = years or (None, None)
    if low is not None:
        where.append("year >= ?")
        params.append(low)
    if high is not None:
        where.append("year <= ?")
        params.append(high)
    return (" WHERE " + " AND ".join(where) if where else ""), params


_ORDER = " ORDER BY TRY_CAST(pmid AS BIGINT), pmid"


def _articles(result: duckdb.DuckDBPyConnection) -> list[Article]:
    """Records from a ``SELECT *`` on ``articles`` (structs arrive as dicts, lists as lists)."""
    names = [column[0] for column in result.description]
    return [Article.from_dict(dict(zip(names, row))) for row in result.fetchall()]


def search_mirror(
    mirror_dir: str | Path,
    query: str,
    *,
    mesh: Sequence[str] = (),
    publication_types: Sequence[str] = (),
    years: tuple[int | None, int | None] | None = None,
) -> list[Article]:
    """Search the mirror offline: the current version of every matching record.

    Supported query language, exactly:

    * words separated by spaces, all required (AND); a bare ``AND`` is allowed
      and ignored; ``OR``, ``NOT``, parentheses and field tags (``[tiab]``)
      are rejected;
    * ``"quoted phrases"``: the words in this order;
    * a trailing ``*`` truncates the (last) word: ``antidepress*``;
    * matching is case-insensitive, on whole words of the title and the
      abstract; punctuation inside a term matches any run of non-alphanumeric
      characters (``5-HT`` matches ``5-HT`` and ``5 HT``).

    An empty query is allowed when a filter is given.

    Parameters
    ----------
    mirror_dir : str or Path
        Directory written by :func:`build_mirror`.
    query : str
        Terms as described above.
    mesh : sequence of str
        Keep records with at least one of these MeSH descriptors (exact name,
        case-insensitive; no explosion to narrower headings).
    publication_types : sequence of str
        Keep records with at least one of these publication types (case-insensitive).
    years : (int or None, int or None), optional
        Inclusive publication-year range; ``None`` leaves that end open.

    Returns
    -------
    list of Article
        Sorted by PMID, like an E-utilities fetch.

    Raises
    ------
    MirrorError
        Unsupported query syntax, an empty query without filters, or an
        unusable mirror directory.
    ConfigError
        The mirror extra is not installed.

    Examples
    --------
    >>> hits = search_mirror("mirror", 'ketamine "lateral habenula"', years=(2015, None))  # doctest: +SKIP
    >>> hits = search_mirror("mirror", "", mesh=["Ketamine"], publication_types=["Meta-Analysis"])  # doctest: +SKIP
    """
    terms = _parse_query(query)
    if not terms and not (mesh or publication_types or any(y is not None for y in years or ())):
        raise MirrorError("empty query: give terms or a filter")
    where, params = _where([((t,), ()) for t in terms], mesh, publication_types, years)
    with open_mirror(mirror_dir) as con, _readable(Path(mirror_dir)):
        return _articles(con.execute(f"SELECT * FROM articles{where}{_ORDER}", params))


def mirror_articles(mirror_dir: str | Path, pmids: Iterable[str]) -> tuple[list[Article], tuple[str, ...]]:
    """Current records of these PMIDs, like :func:`~litreview.fetch.fetch_ids` does online.

    Parameters
    ----------
    mirror_dir : str or Path
    pmids : iterable of str

    Returns
    -------
    articles : list of Article
        In the order asked, once each.
    missing : tuple of str
        PMIDs the mirror does not hold (or that were deleted), sorted.
    """
    wanted = list(dict.fromkeys(str(p) for p in pmids))
    with open_mirror(mirror_dir) as con, _readable(Path(mirror_dir)):
        found = {a.pmid: a for a in _by_column(con, "pmid", wanted)}
    missing = tuple(sorted((p for p in wanted if p not in found), key=_pmid_key))
    return [found[p] for p in wanted if p in found], missing


def _by_column(con: duckdb.DuckDBPyConnection, column: str, values: Sequence[str]) -> list[Article]:
    """Records whose ``pmid`` or lower-cased ``doi`` is in ``values``."""
    if not values:
        return []
    expr = "lower(doi)" if column == "doi" else "pmid"
    return _articles(con.execute(f"SELECT * FROM articles WHERE {expr} IN (SELECT unnest(?))", [list(values)]))


def refresh_from_mirror(snapshot: Snapshot, mechanisms: Mapping[str, Mechanism], mirror_dir: str | Path,
                        retrieved: str, intervention: Intervention | None = None) -> Refresh:
    """Refresh a snapshot from the mirror instead of E-utilities.

    Every mechanism query (:func:`~litreview.queries.query_groups`: the
    intervention's terms AND any of the mechanism's terms) runs against the mirror, ``[tiab]``
    terms as whole-word title/abstract matches and ``[mh]`` headings as exact
    MeSH descriptors (no explosion, so counts can be lower than PubMed's).
    The rest is :func:`~litreview.fetch.refresh_from_searches`: hits become
    ``source: pubmed`` records, curated records are replaced by their mirror
    versions, and searches carry ``origin: "mirror"``.

    Parameters
    ----------
    snapshot : Snapshot
    mechanisms : mapping of str to Mechanism
    mirror_dir : str or Path
    retrieved : str
        Date ``YYYY-MM-DD`` written into provenance and searches.
    intervention : Intervention, optional
        The review's intervention (``litreview.toml``), ANDed into every query.

    Returns
    -------
    Refresh

    Warns
    -----
    EutilsWarning
        PMIDs or DOIs of the snapshot the mirror does not hold.
    """
    from .eutils_answers import ESearchResult
    from .fetch import QuerySearch, SearchSlice, refresh_from_searches

    terms = build_queries(mechanisms, intervention)
    with open_mirror(mirror_dir) as con, _readable(Path(mirror_dir)):
        searches = {}
        for key, mechanism in mechanisms.items():
            groups = [(tuple(_term(t) for t in words), heads) for words, heads in query_groups(mechanism, intervention)]
            where, params = _where(groups, (), (), None)
            ids = tuple(row[0] for row in con.execute(f"SELECT pmid FROM articles{where}{_ORDER}", params).fetchall())
            result = ESearchResult(count=len(ids), ids=ids)
            searches[key] = QuerySearch(terms[key], len(ids), (SearchSlice(terms[key], None, None, result),))

    return refresh_from_searches(snapshot, searches, retrieved, fetch=partial(mirror_articles, mirror_dir),
                                 resolve=partial(_mirror_dois, mirror_dir), origin="mirror", source="the mirror")


def mirror_hits(mirror_dir: str | Path, mechanisms: Mapping[str, Mechanism],
                intervention: Intervention | None) -> dict[str, int]:
    """How many mirror records each mechanism's query finds (as :func:`refresh_from_mirror` runs it).

    Returns
    -------
    dict of str to int
        Mechanism key -> hits, in the mapping's order.
    """
    hits = {}
    with open_mirror(mirror_dir) as con, _readable(Path(mirror_dir)):
        for key, mechanism in mechanisms.items():
            groups = [(tuple(_term(t) for t in words), heads) for words, heads in query_groups(mechanism, intervention)]
            where, params = _where(groups, (), (), None)
            hits[key] = int(con.execute(f"SELECT count(*) FROM articles{where}", params).fetchone()[0])
    return hits


def _mirror_dois(mirror_dir: str | Path, dois: Iterable[str]) -> dict[str, Article]:
    """Lower-cased DOI -> current mirror record, for the DOIs the mirror holds."""
    wanted = list(dict.fromkeys(d.strip().lower() for d in dois if d and d.strip()))
    with open_mirror(mirror_dir) as con, _readable(Path(mirror_dir)):
        by_doi = {a.doi.lower(): a for a in _by_column(con, "doi", wanted) if a.doi}
    return {doi: by_doi[doi] for doi in wanted if doi in by_doi}
