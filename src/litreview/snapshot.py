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

Every file is written atomically, sorted and key-ordered, so the same inputs
give the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from ._io import atomic_write_text, read_jsonl, write_jsonl
from .claims import Claim, Mechanism
from .errors import CorpusError
from .queries import build_query
from .records import Article, Author, PublicationType

__all__ = [
    "VERIFICATIONS",
    "CuratedJudgement",
    "Provenance",
    "SearchResult",
    "Snapshot",
    "build_snapshot_from_register",
    "load_snapshot",
    "write_snapshot",
    "provenance_to_frame",
    "searches_to_frame",
    "curated_to_frame",
]

#: Curator directions: the register's ``null`` is read as ``no_effect`` (a label
#: pandas does not turn into NaN when it reads a CSV back).
_DIRECTIONS = ("supports", "contradicts", "mixed", "null", "no_effect", "context")
_REGISTER_DIRECTION = {"null": "no_effect"}
#: How strongly a register row's identifier was verified, strongest first.
VERIFICATIONS = ("pubmed_or_pmc_page", "secondary_page", "doi_page", "pmid_not_seen")
_REGISTER_FIELDS = {
    "pmid", "doi", "title", "journal", "year", "first_author", "publication_types", "design",
    "population", "species", "n", "mechanism", "claim_ids", "direction", "finding",
    "pubmed_url", "verified_via", "verification",
}
_REGISTER_REQUIRED = ("title", "mechanism", "claim_ids", "direction", "finding", "verification")


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
        ``curated`` (evidence register: bibliographic facts + a project summary)
        or ``pubmed`` (full record parsed from E-utilities XML).
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
    """

    key: str
    source: str
    retrieved: str
    verification: str | None = None
    verified_via: str | None = None
    queries: tuple[str, ...] = ()


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
        register rows offline).
    keys : tuple of str
        Record keys in the snapshot for this mechanism.
    origin : str
        ``curated_register`` (offline stand-in), ``esearch`` (E-utilities) or
        ``mirror`` (the local baseline mirror, :mod:`litreview.mirror`).
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


# -- building from the curated register ---------------------------------------------


def _author_from(first_author: str | None) -> tuple[Author, ...]:
    """Turn the register's ``"Maeng S"`` into an Author (empty when unknown)."""
    if not first_author:
        return ()
    last, _, initials = first_author.strip().rpartition(" ")
    if not last:
        return (Author(last_name=initials),)
    return (Author(last_name=last, initials=initials),)


def _check_row(row: Any, where: str, known_claims: set[str], mechanisms: Mapping[str, Mechanism]) -> None:
    """Validate one register row; raise CorpusError naming it."""
    if not isinstance(row, dict):
        raise CorpusError(f"{where}: expected a JSON object")
    unknown = set(row) - _REGISTER_FIELDS
    if unknown:
        raise CorpusError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    for name in _REGISTER_REQUIRED:
        if row.get(name) in (None, "", []):
            raise CorpusError(f"{where}: missing field {name!r}")
    if not (row.get("pmid") or row.get("doi")):
        raise CorpusError(f"{where}: neither pmid nor doi")
    if row["mechanism"] not in mechanisms:
        raise CorpusError(f"{where}: unknown mechanism {row['mechanism']!r}")
    if row["direction"] not in _DIRECTIONS:
        raise CorpusError(f"{where}: direction {row['direction']!r} not one of {', '.join(_DIRECTIONS)}")
    if row["verification"] not in VERIFICATIONS:
        raise CorpusError(f"{where}: verification {row['verification']!r} not one of {', '.join(VERIFICATIONS)}")
    for cid in row["claim_ids"]:
        if cid not in known_claims:
            raise CorpusError(f"{where}: unknown claim id {cid!r}")


def _merge_article(old: Article, new: Article) -> Article:
    """Fill fields missing in ``old`` from ``new`` (same study seen in two rows); keep every distinct finding."""
    updates = {
        name: getattr(new, name)
        for name in ("doi", "journal", "year", "authors", "publication_types", "pmid")
        if not getattr(old, name) and getattr(new, name)
    }
    if new.curated_summary and new.curated_summary not in (old.curated_summary or ""):
        updates["curated_summary"] = f"{old.curated_summary} {new.curated_summary}".strip()
    return replace(old, **updates) if updates else old


def _stronger(old: Provenance | None, new: Provenance) -> Provenance:
    """The provenance with the stronger identifier verification (the first one on a tie)."""
    if old is None or VERIFICATIONS.index(new.verification) < VERIFICATIONS.index(old.verification):
        return new
    return old


def build_snapshot_from_register(
    register_paths: Sequence[str | Path],
    mechanisms: Mapping[str, Mechanism],
    claims: Sequence[Claim],
    retrieved: str,
) -> Snapshot:
    """Build the first snapshot from curated evidence-register files.

    Parameters
    ----------
    register_paths : sequence of path
        JSON-lines files (``register.jsonl``, ``pending_doi.jsonl``): one row per
        (study, claim group) with bibliographic facts, the curator's judgement and
        a one-sentence ``finding`` written for the project.
    mechanisms : mapping of str to Mechanism
        Used to check mechanism keys and to record each mechanism's query.
    claims : sequence of Claim
        Used to check claim ids.
    retrieved : str
        Build date ``YYYY-MM-DD`` written into provenance (a parameter, so a
        rebuild with the same date is byte-identical).

    Returns
    -------
    Snapshot
        One curated record per study (keyed by PMID, else ``doi:<doi>``), one
        judgement per (study, claim), and the mechanism -> records map.

    Raises
    ------
    CorpusError
        A row is not JSON, has unknown/missing fields, an unknown mechanism or
        claim id, or contradicts another row about the same study's identity.
    """
    known_claims = {c.id for c in claims}
    records: dict[str, Article] = {}
    provenance: dict[str, Provenance] = {}
    doi_to_key: dict[str, str] = {}
    judgements: dict[tuple[str, str], CuratedJudgement] = {}
    by_mechanism: dict[str, set[str]] = {key: set() for key in mechanisms}
    for path in register_paths:
        try:
            rows = list(read_jsonl(path))
        except FileNotFoundError:
            raise CorpusError("file not found", str(path)) from None
        for line, row in rows:
            where = f"{Path(path).name}:{line}"
            _check_row(row, where, known_claims, mechanisms)
            doi = row.get("doi") or None
            pmid = str(row["pmid"]) if row.get("pmid") else None
            key = pmid or (doi_to_key.get(doi.lower()) if doi else None) or f"doi:{doi.lower()}"
            finding = " ".join(row["finding"].split())
            article = Article(
                pmid=pmid,
                doi=doi,
                title=" ".join(row["title"].split()),
                journal=row.get("journal"),
                year=row.get("year"),
                authors=_author_from(row.get("first_author")),
                publication_types=tuple(PublicationType(name=p) for p in row.get("publication_types") or ()),
                source="curated",
                curated_summary=finding,
            )
            if key in records:
                if records[key].title.lower() != article.title.lower():
                    raise CorpusError(f"{where}: {key} already has a different title")
                article = _merge_article(records[key], article)
            records[key] = article
            if doi:
                doi_to_key[doi.lower()] = key
            seen = Provenance(key=key, source="curated", retrieved=retrieved, verification=row["verification"],
                              verified_via=row.get("verified_via"))
            provenance[key] = _stronger(provenance.get(key), seen)
            by_mechanism[row["mechanism"]].add(key)
            for cid in row["claim_ids"]:
                if (key, cid) in judgements:
                    raise CorpusError(f"{where}: a second row for study {key} and claim {cid!r}")
                judgements[(key, cid)] = CuratedJudgement(
                    key=key,
                    claim_id=cid,
                    mechanism=row["mechanism"],
                    direction=_REGISTER_DIRECTION.get(row["direction"], row["direction"]),
                    design=row.get("design"),
                    population=row.get("population"),
                    species=row.get("species"),
                    n=row.get("n"),
                    finding=finding,
                )
    claim_mechanism = {c.id: c.mechanism for c in claims}
    for key, cid in judgements:
        by_mechanism[claim_mechanism[cid]].add(key)
    queries_of: dict[str, list[str]] = {}
    for mech, keys in by_mechanism.items():
        for key in keys:
            queries_of.setdefault(key, []).append(mech)
    provenance = {k: replace(p, queries=tuple(sorted(queries_of.get(k, ())))) for k, p in provenance.items()}
    searches = {
        mech: SearchResult(
            mechanism=mech,
            query=build_query(mechanisms[mech]),
            count=len(keys),
            keys=tuple(sorted(keys)),
            origin="curated_register",
            retrieved=retrieved,
        )
        for mech, keys in by_mechanism.items()
    }
    return Snapshot(
        records=tuple(records[k] for k in sorted(records)),
        searches=searches,
        provenance={k: provenance[k] for k in sorted(provenance)},
        curated=tuple(judgements[k] for k in sorted(judgements)),
    )


# -- reading and writing ------------------------------------------------------------

_FILES = ("records.jsonl", "provenance.jsonl", "curated.jsonl", "searches.json")


def write_snapshot(snapshot: Snapshot, directory: str | Path) -> None:
    """Write the snapshot's four files atomically into ``directory``.

    Parameters
    ----------
    snapshot : Snapshot
    directory : str or Path
        Created if missing; existing snapshot files are replaced.
    """
    directory = Path(directory)
    write_jsonl(directory / "records.jsonl", (a.to_dict() for a in sorted(snapshot.records, key=lambda a: a.key)))
    write_jsonl(directory / "provenance.jsonl", (_plain(p) for _, p in sorted(snapshot.provenance.items())))
    write_jsonl(directory / "curated.jsonl", (asdict(j) for j in sorted(snapshot.curated, key=_judgement_order)))
    searches = {k: _plain(snapshot.searches[k]) for k in snapshot.searches}
    atomic_write_text(directory / "searches.json", json.dumps(searches, ensure_ascii=False, indent=1) + "\n")


def _judgement_order(j: CuratedJudgement) -> tuple[str, str]:
    """Sort key of a judgement."""
    return (j.key, j.claim_id)


def _plain(obj: Any) -> dict[str, Any]:
    """Dataclass to a JSON-ready dict (tuples as lists)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(obj).items()}


def _load_rows(path: Path, build: Any) -> list[Any]:
    """Read a JSON-lines file into objects, naming file and line on any error."""
    out = []
    try:
        for line, row in read_jsonl(path):
            try:
                out.append(build(row))
            except (TypeError, ValueError, KeyError) as exc:
                raise CorpusError(f"line {line}: invalid entry ({exc})", str(path)) from None
    except FileNotFoundError:
        raise CorpusError("snapshot file missing (run `litreview snapshot build`)", str(path)) from None
    return out


def _tupled(cls: Any, row: Mapping[str, Any]) -> Any:
    """Build a flat dataclass, turning JSON lists into tuples."""
    return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in row.items()})


def load_snapshot(directory: str | Path) -> Snapshot:
    """Load a snapshot written by :func:`write_snapshot`.

    Parameters
    ----------
    directory : str or Path

    Returns
    -------
    Snapshot

    Raises
    ------
    CorpusError
        A file is missing or malformed (the message names file and line), or a
        search, provenance entry or judgement names a record the snapshot lacks.
    """
    directory = Path(directory)
    records = _load_rows(directory / "records.jsonl", Article.from_dict)
    provenance = _load_rows(directory / "provenance.jsonl", lambda r: _tupled(Provenance, r))
    curated = _load_rows(directory / "curated.jsonl", lambda r: CuratedJudgement(**r))
    path = directory / "searches.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        searches = {k: _tupled(SearchResult, v) for k, v in raw.items()}
    except FileNotFoundError:
        raise CorpusError("snapshot file missing (run `litreview snapshot build`)", str(path)) from None
    except (json.JSONDecodeError, TypeError, AttributeError) as exc:
        raise CorpusError(f"invalid searches file ({exc})", str(path)) from None
    snapshot = Snapshot(
        records=tuple(records),
        searches=searches,
        provenance={p.key: p for p in provenance},
        curated=tuple(curated),
    )
    known = set(snapshot.keys)
    named = {k for s in searches.values() for k in s.keys} | set(snapshot.provenance) | {j.key for j in curated}
    dangling = sorted(named - known)
    if dangling:
        raise CorpusError(f"entries name records not in records.jsonl: {', '.join(dangling[:5])}", str(directory))
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
