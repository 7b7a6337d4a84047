"""Offline snapshot: the frozen records a review is built on (like a lock file).

A snapshot directory (``corpus/snapshot/`` by default) holds:

``records.jsonl``
    One :class:`~litreview.records.Article` per line (``Article.to_dict()``),
    sorted by record key.
``provenance.jsonl``
    One :class:`Provenance` per record: where it came from (``curated`` register
    or ``pubmed``), how it was verified, when, and by which queries.
``curated.jsonl``
    The curator's per-claim judgements (:class:`CuratedJudgement`).
``searches.json``
    Mechanism -> :class:`SearchResult` (query, count, record keys): the stand-in
    for ESearch results offline, or the real results after ``litreview fetch``.
``manifest.json``
    SHA-256 and size of the four files above, written last: it seals them as
    one set.

The four files are written as one unit (:func:`~litreview._io.write_file_set`):
each is written in full beside its target first, then all are renamed into
place and the manifest replaced, so an error, a full disk, Ctrl-C or a kill
while writing leaves the previous snapshot as it was. :func:`load_snapshot`
checks every value (types, vocabularies, dates, identifiers, duplicates, and
references between the files, and to claims and mechanisms when given) and
then the files against the manifest, so a set mixing two versions -- a write
killed between its renames, or a file edited by hand -- is refused in one line
instead of being read. Files are sorted and key-ordered, so the same inputs
give the same bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

import pandas as pd

from .._io import dump_jsonl, parse_json, parse_jsonl, read_file_set, verify_file_set, write_file_set
from .._validate import build, count, describe, did_you_mean, identifier, iso_date, one_of
from ..errors import CorpusError
from .claims import Claim, Mechanism
from .records import Article
from .vocabulary import (
    CURATED_DESIGNS,
    CURATED_DIRECTIONS,
    CURATED_POPULATIONS,
    DESIGNS,
    ORIGINS,
    SOURCES,
    VERIFICATIONS,
)

__all__ = [
    "CuratedJudgement",
    "Provenance",
    "SearchResult",
    "Snapshot",
    "load_snapshot",
    "write_snapshot",
    "provenance_to_frame",
    "searches_to_frame",
    "curated_to_frame",
    "curated_fields",
]

_RECORD_TYPES = ("article", "book")
_PMID = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class CuratedJudgement:
    """A human curator's reading of one study for one claim (from the evidence register).

    Attributes
    ----------
    key : str
        Record key (PMID, or ``doi:<doi>`` while the PMID is unresolved).
    claim_id : str
        Claim the judgement is about.
    mechanism : str
        Mechanism key of the register row.
    direction : str
        ``supports``, ``contradicts``, ``mixed``, ``no_effect`` or ``context``
        (informs the claim but does not test it; never counts as a vote).
    design : str or None
        Curator's design: meta_analysis, systematic_review, rct, controlled_trial,
        cohort, case_control, cross_sectional, case_series, case_report, animal,
        in_vitro, narrative_review, other.
    population : str or None
        ``human``, ``animal``, ``in_vitro`` or ``mixed``.
    species : str or None
        As written by the curator (``human``, ``mouse``, ``rat``...).
    n : int or None
        Participants or animals, when the curator saw it stated.
    finding : str
        The curator's one-sentence summary of the study written for this claim
        (not the PubMed abstract).
    """

    key: str
    claim_id: str
    mechanism: str
    direction: str
    design: str | None = None
    population: str | None = None
    species: str | None = None
    n: int | None = None
    finding: str = ""


@dataclass(frozen=True)
class Provenance:
    """Where one snapshot record came from.

    Attributes
    ----------
    key : str
        Record key.
    source : str
        ``curated`` (evidence register: bibliographic facts + a project summary),
        ``pubmed`` (full PubMed record: E-utilities, the mirror, or an imported
        PubMed XML / MEDLINE file) or ``imported`` (a reference-manager export,
        RIS, whose record is not PubMed's own).
    retrieved : str
        Date (``YYYY-MM-DD``) the record entered the snapshot.
    verification : str or None
        For curated records, how strongly the identifier was verified (one of
        :data:`VERIFICATIONS`): ``pubmed_or_pmc_page``, ``secondary_page``,
        ``doi_page`` (DOI and title seen, PMID not yet known) or
        ``pmid_not_seen`` (the curator knows the PMID but no page showed it).
    verified_via : str or None
        The page that verified the identifier (None when no page did).
    queries : tuple of str
        Mechanism keys whose search returned the record.
    file : str or None
        For a record brought in by ``litreview import``: the file's name (no
        directory), None otherwise.
    """

    key: str
    source: str
    retrieved: str
    verification: str | None = None
    verified_via: str | None = None
    queries: tuple[str, ...] = ()
    file: str | None = None


@dataclass(frozen=True)
class SearchResult:
    """Records found for one mechanism.

    Attributes
    ----------
    mechanism : str
        Mechanism key.
    query : str
        The PubMed query for the mechanism.
    count : int
        Hits (ESearch ``Count`` after a live fetch, matches in the local mirror,
        register rows offline, imported records that name the mechanism's terms).
    keys : tuple of str
        Record keys in the snapshot for this mechanism.
    origin : str
        ``curated_register`` (offline stand-in), ``esearch`` (E-utilities),
        ``mirror`` (the local baseline mirror, :mod:`litreview.mirror`) or
        ``import`` (records from files, :mod:`litreview.sources.importing`).
    retrieved : str
        Date of the search or build.
    """

    mechanism: str
    query: str
    count: int
    keys: tuple[str, ...]
    origin: str
    retrieved: str


@dataclass(frozen=True)
class Snapshot:
    """The records, searches, provenance and curator judgements of one review."""

    records: tuple[Article, ...]
    searches: Mapping[str, SearchResult]
    provenance: Mapping[str, Provenance]
    curated: tuple[CuratedJudgement, ...] = ()
    _index: Mapping[str, Article] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {a.key: a for a in self.records})

    def record(self, key: str) -> Article:
        """The record with this key; :class:`CorpusError` if the snapshot has none."""
        try:
            return self._index[key]
        except KeyError:
            raise CorpusError(f"no record {key!r} in the snapshot") from None

    @property
    def keys(self) -> tuple[str, ...]:
        """Record keys, sorted."""
        return tuple(self._index)


def _pmid(value: str | None, where: str, path: str | None = None) -> str | None:
    """A PMID (digits only) or None."""
    if value is not None and not _PMID.fullmatch(value):
        raise CorpusError(f"{where}: PMID must be digits, not {describe(value)}", path)
    return value


# -- reading and writing ------------------------------------------------------------

_FILES = ("records.jsonl", "provenance.jsonl", "curated.jsonl", "searches.json")
_MANIFEST = "manifest.json"
_MISSING = "snapshot file missing (run `litreview snapshot build`)"
_T = TypeVar("_T")


def write_snapshot(snapshot: Snapshot, directory: str | Path) -> None:
    """Write the snapshot's four files into ``directory`` as one unit, sealed by ``manifest.json``.

    Every value is first checked as :func:`load_snapshot` would check it, so a
    snapshot that could not be read back (a retrieval date ``"banana"``, an
    unknown direction) is refused before anything is written. Then the files
    are written with :func:`~litreview._io.write_file_set`: all of them or none.

    Parameters
    ----------
    snapshot : Snapshot
    directory : str or Path
        Created if missing; existing snapshot files are replaced.

    Raises
    ------
    CorpusError
        A value :func:`load_snapshot` would refuse (the message names the file
        and line), or the files could not be written (full disk, permissions):
        the previous snapshot is then unchanged.
    """
    directory = Path(directory)
    rows: dict[str, list[dict[str, Any]]] = {
        "records.jsonl": [a.to_dict() for a in sorted(snapshot.records, key=lambda a: a.key)],
        "provenance.jsonl": [_provenance_row(p) for _, p in sorted(snapshot.provenance.items())],
        "curated.jsonl": [asdict(j) for j in sorted(snapshot.curated, key=_judgement_order)],
    }
    searches = {k: _plain(snapshot.searches[k]) for k in snapshot.searches}
    _parse(directory, {name: list(enumerate(r, start=1)) for name, r in rows.items()}, searches)
    writers: dict[str, Callable[[IO[str]], object]] = {
        name: (lambda handle, r=r: dump_jsonl(handle, r)) for name, r in rows.items()
    }
    writers["searches.json"] = lambda handle: handle.write(json.dumps(searches, ensure_ascii=False, indent=1) + "\n")
    try:
        write_file_set(directory, writers, _MANIFEST)
    except OSError as exc:
        raise CorpusError(f"cannot write the snapshot ({exc.strerror or exc}); the previous snapshot is unchanged",
                          str(directory)) from None


def _judgement_order(j: CuratedJudgement) -> tuple[str, str]:
    """Sort key of a judgement."""
    return (j.key, j.claim_id)


def _provenance_row(entry: Provenance) -> dict[str, Any]:
    """A provenance line; ``file`` only for imported records, so snapshots without imports keep their bytes."""
    row = _plain(entry)
    if row["file"] is None:
        del row["file"]
    return row


def _plain(obj: Any) -> dict[str, Any]:
    """Dataclass to a JSON-ready dict (tuples as lists)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(obj).items()}


def _where(line: int, row: Any, *names: str) -> str:
    """``line 5 (key '123', claim_id 'x')``: the line and the identifying fields it has."""
    shown = [f"{name} {row[name]!r}" for name in names if isinstance(row, dict) and isinstance(row.get(name), str)]
    return f"line {line}" + (f" ({', '.join(shown)})" if shown else "")


def _record_where(line: int, row: Any) -> str:
    """``line 5 (pmid '123')``, or the DOI for a record without PMID."""
    return _where(line, row, "pmid" if isinstance(row, dict) and row.get("pmid") else "doi")


def _checked(rows: Iterable[tuple[int, Any]], parse: Callable[[Any, str], _T],
             where: Callable[[int, Any], str]) -> list[tuple[int, str, _T]]:
    """``(line, where, parsed row)`` for each ``(line, row)``."""
    out = []
    for line, row in rows:
        label = where(line, row)
        out.append((line, label, parse(row, label)))
    return out


def _typed(cls: type[_T], row: Any, where: str, path: str) -> _T:
    """Dataclass ``cls`` from a JSON object, every value type-checked; CorpusError naming the field."""
    try:
        return build(cls, row)
    except TypeError as exc:
        raise CorpusError(f"{where}: {exc}", path) from None


def _optional(value: str | None, vocabulary: Sequence[str], where: str, path: str) -> None:
    """``value`` is None or one of ``vocabulary``."""
    if value is not None:
        one_of(value, vocabulary, where, path)


def _record(row: Any, where: str, path: str) -> Article:
    """A ``records.jsonl`` row: an Article with a usable key (PMID, else DOI), record type and source."""
    article = _typed(Article, row, where, path)
    _pmid(article.pmid, f"{where}: field 'pmid'", path)
    if not (article.pmid or article.doi):
        raise CorpusError(f"{where}: neither pmid nor doi", path)
    if not article.pmid:  # the DOI is the record's key: it must be a clean id (elsewhere it is data as PubMed gave it)
        identifier(article.doi, f"{where}: field 'doi'", path)
    one_of(article.record_type, _RECORD_TYPES, f"{where}: field 'record_type'", path)
    one_of(article.source, SOURCES, f"{where}: field 'source'", path)
    return article


def _provenance(row: Any, where: str, path: str) -> Provenance:
    """A ``provenance.jsonl`` row."""
    entry = _typed(Provenance, row, where, path)
    identifier(entry.key, f"{where}: field 'key'", path)
    one_of(entry.source, SOURCES, f"{where}: field 'source'", path)
    iso_date(entry.retrieved, f"{where}: field 'retrieved'", path)
    _optional(entry.verification, VERIFICATIONS, f"{where}: field 'verification'", path)
    for index, query in enumerate(entry.queries):
        identifier(query, f"{where}: field 'queries[{index}]'", path)
    return entry


def _judgement(row: Any, where: str, path: str, claim_ids: Sequence[str] | None,
               mechanisms: Sequence[str] | None) -> CuratedJudgement:
    """A ``curated.jsonl`` row; its claim and mechanism must exist when they are known."""
    judgement = _typed(CuratedJudgement, row, where, path)
    for name in ("key", "claim_id", "mechanism"):
        identifier(getattr(judgement, name), f"{where}: field {name!r}", path)
    one_of(judgement.direction, CURATED_DIRECTIONS, f"{where}: field 'direction'", path)
    _optional(judgement.design, CURATED_DESIGNS, f"{where}: field 'design'", path)
    _optional(judgement.population, CURATED_POPULATIONS, f"{where}: field 'population'", path)
    if judgement.n is not None:
        count(judgement.n, f"{where}: field 'n'", path)
    for name, known, source in (("claim_id", claim_ids, "claims.toml"), ("mechanism", mechanisms, "mechanisms.toml")):
        value = getattr(judgement, name)
        if known is not None and value not in known:
            raise CorpusError(f"{where}: field {name!r}: {value!r} is not in {source}{did_you_mean(value, known)}",
                              path)
    return judgement


def _search(mechanism: Any, raw: Any, path: str) -> SearchResult:
    """One ``searches.json`` entry, keyed by its mechanism."""
    where = f"mechanism {mechanism!r}"
    identifier(mechanism, f"{where}: key", path)
    search = _typed(SearchResult, raw, where, path)
    if search.mechanism != mechanism:
        raise CorpusError(f"{where}: field 'mechanism' is {search.mechanism!r}, not the entry's key", path)
    count(search.count, f"{where}: field 'count'", path)
    one_of(search.origin, ORIGINS, f"{where}: field 'origin'", path)
    iso_date(search.retrieved, f"{where}: field 'retrieved'", path)
    _unique(((f"keys[{i}]", f"{where}: field 'keys[{i}]'", identifier(k, f"{where}: field 'keys[{i}]'", path))
             for i, k in enumerate(search.keys)), "record key", path)
    return search


def _unique(items: Iterable[tuple[str, str, Any]], what: str, path: str) -> None:
    """Raise CorpusError at the second ``(line label, where, key)`` whose key was already seen."""
    seen: dict[Any, str] = {}
    for label, where, key in items:
        if key in seen:
            raise CorpusError(f"{where}: duplicate {what} (also {seen[key]})", path)
        seen[key] = label


def _parse(directory: Path, rows: Mapping[str, list[tuple[int, Any]]], searches_raw: Any,
           claims: Sequence[Claim] | None = None, mechanisms: Mapping[str, Mechanism] | None = None) -> Snapshot:
    """Check every row of the snapshot files and the references between them; build the Snapshot."""
    path = {name: str(directory / name) for name in _FILES}
    claim_ids = [c.id for c in claims] if claims is not None else None
    keys = list(mechanisms) if mechanisms is not None else None
    records = _checked(rows["records.jsonl"], lambda r, w: _record(r, w, path["records.jsonl"]), _record_where)
    provenance = _checked(rows["provenance.jsonl"], lambda r, w: _provenance(r, w, path["provenance.jsonl"]),
                          lambda line, r: _where(line, r, "key"))
    curated = _checked(rows["curated.jsonl"], lambda r, w: _judgement(r, w, path["curated.jsonl"], claim_ids, keys),
                       lambda line, r: _where(line, r, "key", "claim_id"))
    if not isinstance(searches_raw, dict):
        raise CorpusError(f"must be a JSON object (mechanism -> search), not {describe(searches_raw)}",
                          path["searches.json"])
    searches = {mech: _search(mech, raw, path["searches.json"]) for mech, raw in searches_raw.items()}
    _unique(((f"line {n}", w, a.key) for n, w, a in records), "record", path["records.jsonl"])
    _unique(((f"line {n}", w, p.key) for n, w, p in provenance), "provenance entry", path["provenance.jsonl"])
    _unique(((f"line {n}", w, (j.key, j.claim_id)) for n, w, j in curated), "judgement for this study and claim",
            path["curated.jsonl"])
    known = {a.key for _, _, a in records}
    named = ({k for s in searches.values() for k in s.keys} | {p.key for _, _, p in provenance}
             | {j.key for _, _, j in curated})
    dangling = sorted(named - known)
    if dangling:
        raise CorpusError(f"entries name records not in records.jsonl: {', '.join(dangling[:5])}", str(directory))
    cited = [(c.id, k) for c in claims or () if c.fact for k in c.fact.sources if not k.startswith("https://")]
    missing = next(((cid, k) for cid, k in cited if k not in known), None)
    if missing:
        raise CorpusError(f"claim {missing[0]!r} cites fact source {missing[1]!r}, which is neither a record here "
                          "nor an https:// address", str(directory))
    traced = {p.key for _, _, p in provenance}
    untraced = next(((w, a.key) for _, w, a in records if a.key not in traced), None)
    if untraced:
        raise CorpusError(f"{untraced[0]}: no entry in provenance.jsonl for {untraced[1]!r}", path["records.jsonl"])
    return Snapshot(
        records=tuple(a for _, _, a in records),
        searches=searches,
        provenance={p.key: p for _, _, p in provenance},
        curated=tuple(j for _, _, j in curated),
    )


def load_snapshot(directory: str | Path, *, mechanisms: Mapping[str, Mechanism] | None = None,
                  claims: Sequence[Claim] | None = None) -> Snapshot:
    """Load and verify a snapshot written by :func:`write_snapshot`.

    Parameters
    ----------
    directory : str or Path
    mechanisms : mapping of str to Mechanism, optional
        When given, every curated judgement's mechanism must be one of them.
    claims : sequence of Claim, optional
        When given, every curated judgement's claim must be one of them (else a
        judgement for an unknown claim would be dropped silently), and every
        record a fact check cites must be in the snapshot.

    Returns
    -------
    Snapshot

    Raises
    ------
    CorpusError
        In one line naming file, line and field: a file missing, a directory,
        not UTF-8 or not JSON; a value of the wrong type (``"year": "2000"``),
        outside its vocabulary (a direction ``"banana"``), a date that is not
        ``YYYY-MM-DD``, an id with whitespace or an invisible character; a
        duplicate record, provenance entry or judgement; an entry (or a claim's
        fact check) naming a record, claim or mechanism that does not exist; or files that do not
        match ``manifest.json`` (a set mixing two versions).
    """
    directory = Path(directory)
    # Each file is read once; the same bytes are parsed and checked against the manifest read with them.
    files, seal = read_file_set(directory, _FILES, _MANIFEST, missing=_MISSING)
    rows = {name: list(parse_jsonl(files[name], directory / name)) for name in _FILES[:3]}
    searches = parse_json(files["searches.json"], directory / "searches.json")
    snapshot = _parse(directory, rows, searches, claims, mechanisms)
    verify_file_set(directory, files, seal, _MANIFEST)
    return snapshot


# -- tabular views ------------------------------------------------------------------


def provenance_to_frame(snapshot: Snapshot) -> pd.DataFrame:
    """One row per record: key, pmid, doi, source, verification, verified_via, retrieved, queries, title.

    PMID-less records show ``"PMID unresolved"`` in the ``pmid`` column.
    """
    rows = []
    for article in snapshot.records:
        p = snapshot.provenance.get(article.key)
        rows.append(
            {
                "key": article.key,
                "pmid": article.pmid or "PMID unresolved",
                "doi": article.doi,
                "source": p.source if p else article.source,
                "verification": p.verification if p else None,
                "verified_via": p.verified_via if p else None,
                "retrieved": p.retrieved if p else None,
                "queries": ", ".join(p.queries) if p else "",
                "title": article.title,
            }
        )
    return pd.DataFrame(rows)


def searches_to_frame(snapshot: Snapshot) -> pd.DataFrame:
    """One row per mechanism: ``mechanism, origin, count, records, unresolved, retrieved``.

    ``count`` is the search's hit count, ``records`` how many of them the
    snapshot holds, ``unresolved`` how many of those lack a PMID.
    """
    rows = [
        {
            "mechanism": s.mechanism,
            "origin": s.origin,
            "count": s.count,
            "records": len(s.keys),
            "unresolved": sum(1 for k in s.keys if k.startswith("doi:")),
            "retrieved": s.retrieved,
        }
        for s in snapshot.searches.values()
    ]
    return pd.DataFrame(rows)


def curated_to_frame(judgements: Iterable[CuratedJudgement]) -> pd.DataFrame:
    """One row per curator judgement, columns as :class:`CuratedJudgement` fields."""
    frame = pd.DataFrame([asdict(j) for j in judgements], columns=[f for f in CuratedJudgement.__dataclass_fields__])
    frame["n"] = frame["n"].astype("Int64")
    return frame


def curated_fields(judgement: CuratedJudgement) -> tuple[str | None, str | None, str]:
    """A curator's design, population and direction in the machine's vocabulary.

    Parameters
    ----------
    judgement : CuratedJudgement

    Returns
    -------
    tuple
        ``(design, population, direction)``: the register's ``animal`` and
        ``in_vitro`` designs become design ``experimental`` with that population;
        a design the machine does not know becomes ``other``.
    """
    design, population = judgement.design, judgement.population
    if design in ("animal", "in_vitro"):
        population = population or design
        design = "experimental"
    if design is not None and design not in DESIGNS:
        design = "other"
    return design, population, judgement.direction
